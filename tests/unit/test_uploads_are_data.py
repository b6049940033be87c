"""Nothing an uploader sends reaches an interpreter: YAML tags, Markdown, code fences, front matter.

Theme templates are the one upload that is code, and they run in the sandbox
(test_theme_sandbox.py). Everything else is data, and these tests pin each place where it could
have become code.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from pressroom.model import Rejection
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme, packaged_templates
from pressroom.theme.sandbox import TemplateRefusedError
from pressroom.views import PostView, SiteInfo

SITE = SiteInfo(title="Field Notes", base_url="https://blog.example.com")


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch MARKER"]',
        '!!python/object/new:subprocess.Popen [["touch", "MARKER"]]',
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:os._wrap_close {}",
        '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch MARKER"]',
    ],
)
def test_yaml_tags_that_build_python_objects_are_refused(
    tag: str, tmp_path: Path, rules: ValidationRules, now: datetime
):
    marker = tmp_path / "ran"
    upload = f"---\ntitle: T\ndate: 2024-05-01\nextra: {tag.replace('MARKER', str(marker))}\n---\n\nBody.\n"

    result = validate_post("posts/t.md", upload.encode(), rules, now)

    assert isinstance(result, Rejection)
    assert any("is not allowed" in problem.message for problem in result.problems), result.problems
    assert not marker.exists()


def test_template_syntax_in_a_body_is_text():
    html = MarkdownRenderer().render("{{ 7*7 }} {% for x in y %} {0.real.imag} %s %(x)s\n").html

    assert html == "<p>{{ 7*7 }} {% for x in y %} {0.real.imag} %s %(x)s</p>\n"


def test_the_markdown_parser_runs_exactly_the_rules_it_was_built_with():
    # A plugin that includes files or evaluates anything would show up here first.
    assert MarkdownRenderer()._parser.get_active_rules() == {
        "core": ["normalize", "block", "inline", "footnote_tail", "text_join", "pressroom_demote_headings",
                 "anchor", "pressroom_label_task_items"],
        "block": ["table", "code", "fence", "blockquote", "hr", "list", "footnote_def", "reference",
                  "html_block", "heading", "lheading", "paragraph"],
        "inline": ["text", "newline", "escape", "backticks", "strikethrough", "emphasis", "link", "image",
                   "footnote_ref", "autolink", "html_inline", "entity", "gfm_autolink_www",
                   "gfm_autolink_protocol", "gfm_autolink_email"],
        "inline2": ["balance_pairs", "strikethrough", "emphasis", "fragments_join"],
    }  # fmt: skip


def test_options_in_a_code_fence_never_reach_the_lexer():
    renderer = MarkdownRenderer()
    plain = renderer.render('```python\nprint("x")\n```\n').html

    with_options = renderer.render(
        '```python startinline=True linenos=table stripall=1\nprint("x")\n```\n'
    ).html

    assert with_options == plain
    assert 'class="language-python"' in plain


@pytest.mark.parametrize("language", ["../../etc/passwd", "python:os.system", "/tmp/lexer.py", "__import__"])
def test_a_fence_naming_no_installed_lexer_is_shown_plain(language: str):
    html = MarkdownRenderer().render(f"```{language}\nprint(1)\n```\n").html

    assert html.endswith(">print(1)\n</code></pre>\n")
    assert "<span" not in html


def test_front_matter_reaches_an_uploaded_template_as_data():
    # GIVEN an owner's template that prints a front-matter value and tries to format with it
    post = PostView(
        title="T", slug="t", path="/posts/t/", url="https://blog.example.com/posts/t/",
        date=datetime(2024, 5, 1, tzinfo=UTC), params={"payload": "{{ 7*7 }} {0.__class__}"},
    )  # fmt: skip
    printing = '{% extends "base.html.j2" %}{% set page_title = "x" %}{% set description = "" %}' + (
        '{% set canonical = "x" %}{% set og_type = "x" %}{% set nav_current = "" %}'
        "{% block content %}<p>{{ post.params.payload }}</p>{% endblock %}"
    )
    formatting = printing.replace("post.params.payload", "post.params.payload.format(post)")

    def theme(source: str) -> Theme:
        loader = jinja2.ChoiceLoader([jinja2.DictLoader({"post.html.j2": source}), packaged_templates()])
        return Theme(SITE, loader=loader)

    # THEN the value is printed as text, and cannot be used as a format string
    assert "<p>{{ 7*7 }} {0.__class__}</p>" in theme(printing).render_post(post, "")
    with pytest.raises(TemplateRefusedError, match=r"str\.format is not available"):
        theme(formatting).render_post(post, "")
