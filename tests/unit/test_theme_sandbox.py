"""Uploaded theme templates cannot run code, read secrets, change values or run without end.

Each technique in fixtures/sandbox/escapes.yaml is first shown to work in an ordinary
jinja2.Environment (it runs a command, reads the process environment or mutates a value), so a
technique that proves nothing fails here rather than passing vacuously. Then the same template,
uploaded as theme/post.html.j2, is refused by the check ValidateFunction runs, and refused again
(with its line) if it ever reaches a real render; nothing it tried happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml
from helpers import OVERRIDE_PAYLOAD_LINE, theme_override

from pressroom.theme import Theme, packaged_templates, template_problems
from pressroom.theme.sandbox import MAX_FORMAT_WIDTH, RenderLimits, TemplateRefusedError, static_problems
from pressroom.views import PostView, SiteInfo

FIXTURES = Path(__file__).parent / "fixtures" / "sandbox"
ESCAPES: dict[str, dict[str, str]] = yaml.safe_load((FIXTURES / "escapes.yaml").read_text(encoding="utf-8"))
EXHAUSTION: dict[str, str] = yaml.safe_load((FIXTURES / "exhaustion.yaml").read_text(encoding="utf-8"))
SITE = SiteInfo(title="Field Notes", base_url="https://blog.example.com")
CANARY = "canary-4f1d9a"
PAYLOAD_LINE = OVERRIDE_PAYLOAD_LINE


def uploaded(payload: str) -> str:
    source = theme_override(payload)
    assert source.splitlines()[PAYLOAD_LINE - 1] == payload
    return source


def make_post(params: dict[str, Any] | None = None) -> PostView:
    from datetime import UTC, datetime

    return PostView(
        title="A post",
        slug="a-post",
        path="/posts/a-post/",
        url="https://blog.example.com/posts/a-post/",
        date=datetime(2024, 5, 1, tzinfo=UTC),
        params=params if params is not None else {"title": "A post"},
    )


def theme_with(source: str, limits: RenderLimits | None = None) -> Theme:
    """The theme as RenderFunction would run it with `source` uploaded as theme/post.html.j2."""
    loader = jinja2.ChoiceLoader([jinja2.DictLoader({"post.html.j2": source}), packaged_templates()])
    return Theme(SITE, loader=loader, limits=limits)


@pytest.fixture
def marker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSROOM_CANARY", CANARY)
    return tmp_path / "ran"


def armed(payload: str, marker: Path) -> str:
    return payload.replace("MARKER", str(marker))


@pytest.mark.parametrize("name", ESCAPES)
def test_the_technique_escapes_an_ordinary_jinja_environment(name: str, marker: Path):
    # GIVEN the payload, rendered the way the theme rendered templates before the sandbox
    technique = ESCAPES[name]
    params: dict[str, Any] = {"title": "A post"}

    output = (
        jinja2.Environment()
        .from_string(armed(technique["payload"], marker))
        .render(post=make_post(params), site=SITE, content="<p>Body.</p>")
    )

    # THEN it did what it set out to do
    if technique["proof"] == "marker":
        assert marker.exists()
    elif technique["proof"] == "canary":
        assert CANARY in output
    else:
        assert params["title"] == "defaced"


@pytest.mark.parametrize("name", ESCAPES)
def test_an_uploaded_template_using_the_technique_is_refused_with_its_line(name: str, marker: Path):
    # WHEN ValidateFunction checks the template uploaded as theme/post.html.j2
    problems = template_problems("post.html.j2", uploaded(armed(ESCAPES[name]["payload"], marker)))

    # THEN it is refused, each reason naming the template and the payload's line, and nothing ran
    assert problems
    assert all(f"post.html.j2, line {PAYLOAD_LINE}:" in problem for problem in problems), problems
    assert not marker.exists()
    assert not any(CANARY in problem for problem in problems)


@pytest.mark.parametrize("name", ESCAPES)
def test_the_technique_is_refused_at_render_time_too(name: str, marker: Path):
    # GIVEN the template in place without having been checked (as if validation had been bypassed)
    theme = theme_with(uploaded(armed(ESCAPES[name]["payload"], marker)))
    params: dict[str, Any] = {"title": "A post"}

    # WHEN a post's page is rendered with it
    with pytest.raises(TemplateRefusedError) as refused:
        theme.render_post(make_post(params), "<p>Body.</p>")

    # THEN the refusal names the line, and nothing the template tried happened
    assert (refused.value.template, refused.value.line) == ("post.html.j2", PAYLOAD_LINE)
    assert not marker.exists()
    assert CANARY not in refused.value.describe()
    assert params == {"title": "A post"}


@pytest.mark.parametrize("name", EXHAUSTION)
def test_a_template_that_would_not_finish_is_refused_by_the_bound_on_work(name: str):
    problems = template_problems("post.html.j2", uploaded(EXHAUSTION[name]))

    assert len(problems) == 1, problems
    assert problems[0].startswith("rendering a sample page failed: post.html.j2")


@pytest.mark.parametrize("name", EXHAUSTION)
def test_the_bound_on_work_holds_at_render_time(name: str):
    theme = theme_with(uploaded(EXHAUSTION[name]))

    with pytest.raises(TemplateRefusedError) as refused:
        theme.render_post(make_post(), "<p>Body.</p>")

    assert refused.value.template == "post.html.j2"


def test_steps_are_counted_per_loop_turn():
    # GIVEN a budget of 1,000 steps
    limits = RenderLimits(steps=1_000)
    loop = "{% for i in range(N) %}{% endfor %}"

    # THEN 200 turns fit, and 2,000 do not
    theme_with(uploaded(loop.replace("N", "200")), limits).render_post(make_post(), "")
    with pytest.raises(TemplateRefusedError, match="more than 1,000 steps"):
        theme_with(uploaded(loop.replace("N", "2000")), limits).render_post(make_post(), "")


def test_output_is_bounded():
    limits = RenderLimits(output_chars=100_000)
    flood = '{% for i in range(100) %}{{ "x" * 2000 }}{% endfor %}'

    with pytest.raises(TemplateRefusedError, match="wrote more than 100,000 characters"):
        theme_with(uploaded(flood), limits).render_post(make_post(), "")


def test_a_large_width_is_refused_and_a_small_one_works():
    page = theme_with(uploaded(f'<p>{{{{ "x"|center({MAX_FORMAT_WIDTH}) | length }}}}</p>')).render_post(
        make_post(), ""
    )
    assert f"<p>{MAX_FORMAT_WIDTH}</p>" in page
    with pytest.raises(TemplateRefusedError, match="too large a width"):
        theme_with(uploaded(f'{{{{ "x"|center({MAX_FORMAT_WIDTH + 1}) }}}}')).render_post(make_post(), "")


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        # what a theme legitimately does still works in the sandbox
        ("{{ post.title|upper }}", "A POST"),
        ('{{ "%s has %d tags"|format(post.title, post.tags|length) }}', "A post has 0 tags"),
        ("{{ post.date.year }}-{{ post.date.strftime('%m') }}", "2024-05"),
        ("{% for k, v in post.params|dictsort %}{{ k }}: {{ v }};{% endfor %}", "title: A post;"),
        (
            "{% set n = namespace(c=0) %}{% for i in range(3) %}{% set n.c = n.c + i %}{% endfor %}{{ n.c }}",
            "3",
        ),
        ("{{ dict(post.params, extra=1)|tojson }}", '{"extra": 1, "title": "A post"}'),
        ('{% for x in "abc" %}{{ loop.index }}{{ loop.cycle("-", "+") }}{% endfor %}', "1-2+3-"),
        ("{{ site.url('/tags/') }}", "https://blog.example.com/tags/"),
        ("{{ post.params._build }}", "draft-only"),
        ('{{ self.page_name() if false else "blocks" }}', "blocks"),
    ],
)
def test_what_themes_legitimately_do_still_works(snippet: str, expected: str):
    params = {"title": "A post"} if "_build" not in snippet else {"_build": "draft-only"}

    page = theme_with(uploaded(snippet)).render_post(make_post(params), "")

    main = page.split('<main id="content" class="wrap" tabindex="-1">', 1)[1].split("</main>", 1)[0]
    assert main.strip() == expected


@pytest.mark.parametrize("method", ["format", "format_map"])
def test_a_refused_str_format_tells_the_theme_author_what_to_use_instead(method: str):
    theme = theme_with(uploaded(f'{{{{ "{{}} items".{method}(3) }}}}'))

    with pytest.raises(TemplateRefusedError) as refused:
        theme.render_post(make_post(), "")

    assert refused.value.reason == (
        f"str.{method} is not available in theme templates (a format string can read attributes); "
        'use the format filter, e.g. {{ "%s items" | format(n) }}'
    )


def test_a_template_names_only_the_themes_own_templates():
    problems = template_problems("post.html.j2", '{% include "../posts/secret.md" %}')

    assert problems == [
        "post.html.j2, line 1: there is no template named '../posts/secret.md': use one of the theme's"
    ]


def test_a_template_too_large_to_be_a_theme_template_is_refused_before_parsing():
    (problem,) = template_problems("post.html.j2", "x" * 300_000)
    assert problem == "post.html.j2: 300,000 characters is too large for a template (at most 256,000)"


def test_the_static_check_names_python_internals_but_not_front_matter_keys():
    environment = theme_with("").environment
    tree = environment.parse(
        '{{ a.__class__ }}\n{{ b["_Foo__bar"] }}\n{{ post.params._build }}\n{{ c|attr("__x") }}'
    )

    assert static_problems(tree, ["post.html.j2"]) == [
        (1, "__class__: names like this are Python's internals"),
        (2, "_Foo__bar: names like this are Python's internals"),
        (4, "__x: names like this are Python's internals"),
    ]


def test_the_packaged_templates_pass_the_check_they_impose():
    for name in packaged_templates().list_templates():
        source, _, _ = packaged_templates().get_source(jinja2.Environment(), name)
        assert template_problems(name, source) == [], name
