"""The bound on a render's work, to the step and the character, and how the clock is read."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2 import DictLoader

from pressroom.theme.rendering import Theme
from pressroom.theme.sandbox import RenderLimits, TemplateRefusedError, ThemeSandbox
from pressroom.views import SiteInfo

NAME = "page.html.j2"


def render(source: str, limits: RenderLimits | None = None, **values: Any) -> str:
    return ThemeSandbox(loader=DictLoader({NAME: source}), limits=limits).render_page(NAME, **values)


def refusal(source: str, limits: RenderLimits | None = None, **values: Any) -> str:
    with pytest.raises(TemplateRefusedError) as refused:
        render(source, limits, **values)
    return refused.value.describe()


LOOP = "{% for i in items %}{% endfor %}"


def test_a_loop_of_ten_turns_that_writes_nothing_costs_ten_steps():
    assert render(LOOP, RenderLimits(steps=10), items=list(range(10))) == ""
    assert refusal(LOOP, RenderLimits(steps=9), items=list(range(10))) == (
        f"{NAME}, line 1: the template did more than 9 steps of work (loop turns, calls, attribute reads): "
        "a loop or a macro runs far more often than a page needs"
    )


def test_the_clock_is_read_every_thousand_steps():
    # With no time at all, 999 steps finish before the clock is first read; the 1,000th reads it.
    assert render(LOOP, RenderLimits(seconds=0.0), items=list(range(999))) == ""
    assert refusal(LOOP, RenderLimits(seconds=0.0), items=list(range(1_000))) == (
        f"{NAME}, line 1: the template took more than 0 seconds to render"
    )
    assert refusal(LOOP, RenderLimits(seconds=0.0), items=list(range(2_500))) == (
        f"{NAME}, line 1: the template took more than 0 seconds to render"
    )


def overrunning_at_turn_1500(turns: int) -> Iterator[int]:
    """A loop's items whose 1,500th turn takes 0.3 s, longer than the 0.2 s the tests allow."""
    for turn in range(1, turns + 1):
        if turn == 1_500:
            time.sleep(0.3)
        yield turn


def test_after_each_reading_the_clock_is_read_again_a_thousand_steps_later():
    # The second reading, at step 2,000, sees the time is up: a loop of 2,000 turns is refused
    assert refusal(LOOP, RenderLimits(seconds=0.2), items=overrunning_at_turn_1500(2_000)) == (
        f"{NAME}, line 1: the template took more than 0.2 seconds to render"
    )


def test_between_two_readings_the_clock_is_not_read():
    # Reading the clock costs more than a step: a loop that overruns after its 1,000th turn and
    # ends before its 2,000th is never seen to, and renders.
    assert render(LOOP, RenderLimits(seconds=0.2), items=overrunning_at_turn_1500(1_600)) == ""


def test_a_template_rendered_with_its_values_in_one_mapping_gets_them_all():
    # Jinja's render({...}) form, which themes' own tooling uses as often as render(key=value)
    template = ThemeSandbox(loader=DictLoader({NAME: "{{ title }} by {{ author }}"})).get_template(NAME)

    assert template.render({"title": "A post", "author": "Ada"}) == "A post by Ada"
    assert template.render({"title": "A post"}, author="Ada") == "A post by Ada"


def test_a_macro_called_from_python_outside_any_render_is_refused_not_run_unbounded():
    sandbox = ThemeSandbox(loader=DictLoader({NAME: "{% macro greet(name) %}Hi {{ name }}{% endmacro %}"}))
    module = sandbox.get_template(NAME).module

    with pytest.raises(jinja2.exceptions.SecurityError) as refused:
        module.greet("Ada")  # type: ignore[attr-defined]

    assert str(refused.value) == "a theme template may only be rendered through render_page or render"


def test_the_same_macro_imported_by_a_template_renders():
    sandbox = ThemeSandbox(
        loader=DictLoader(
            {
                "macros.html.j2": "{% macro greet(name) %}Hi {{ name }}{% endmacro %}",
                NAME: "{% from 'macros.html.j2' import greet %}{{ greet('Ada') }}, {{ greet('Bo') }}",
            }
        )
    )

    assert sandbox.render_page(NAME) == "Hi Ada, Hi Bo"


def test_a_render_within_its_time_is_not_refused():
    assert render(LOOP, RenderLimits(seconds=60.0), items=list(range(5_000))) == ""


def test_the_output_may_reach_its_limit_but_not_pass_it():
    assert render("{{ text }}", RenderLimits(output_chars=10), text="a" * 10) == "a" * 10
    assert refusal("{{ text }}", RenderLimits(output_chars=10), text="a" * 11) == (
        f"{NAME}: the template wrote more than 10 characters"  # the whole page, not a line
    )


def test_output_is_counted_across_every_piece_written():
    assert refusal("{{ text }}-{{ text }}", RenderLimits(output_chars=10), text="a" * 5) == (
        f"{NAME}: the template wrote more than 10 characters"  # the whole page, not a line
    )


def test_writing_each_piece_costs_a_step():
    # three pieces (a, -, b) and nothing else
    assert render("{{ a }}-{{ b }}", RenderLimits(steps=3), a="a", b="b") == "a-b"
    assert "did more than 2 steps" in refusal("{{ a }}-{{ b }}", RenderLimits(steps=2), a="a", b="b")


def test_making_a_range_costs_the_call_and_a_step_per_number():
    assert render("{% set numbers = range(50) %}", RenderLimits(steps=51)) == ""
    assert "did more than 50 steps" in refusal("{% set numbers = range(50) %}", RenderLimits(steps=50))


def test_reading_an_item_too_large_to_hold_is_refused():
    assert refusal("{{ items[0] | length }}", RenderLimits(value_chars=10), items=["a" * 11]) == (
        f"{NAME}, line 1: the template built a value of 11 items or characters, "
        "more than the 10 a page may hold"
    )


def test_renders_inside_a_render_share_its_budget():
    sandbox = ThemeSandbox(
        loader=DictLoader({NAME: "{% include 'part.html.j2' %}" * 3, "part.html.j2": LOOP}),
        limits=RenderLimits(steps=25),
    )
    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page(NAME, items=list(range(10)))

    assert "did more than 25 steps" in refused.value.describe()


def test_without_limits_the_default_bounds_apply():
    assert ThemeSandbox().limits == RenderLimits(
        steps=1_000_000, value_chars=16_000_000, output_chars=64_000_000
    )


# ------------------------------------------------------------------ the theme's loader


@pytest.mark.parametrize(
    "attribute", ["title='{{ value }}'", "title={{ value }}"], ids=["single-quoted", "unquoted"]
)
def test_an_attribute_value_escaping_cannot_protect_is_refused_at_its_first_line(attribute: str):
    source = f"<p>ok</p>\n<a {attribute}>x</a>\n<p>ok</p>\n<a {attribute}>y</a>\n"
    theme = Theme(SiteInfo(title="T", base_url="https://example.com"), loader=DictLoader({NAME: source}))

    with pytest.raises(jinja2.TemplateSyntaxError) as refused:
        theme.environment.get_template(NAME)

    assert (refused.value.message, refused.value.lineno, refused.value.name) == (
        "put attribute values that contain {{ … }} in double quotes",
        2,
        NAME,
    )


def test_a_single_quoted_attribute_without_an_expression_is_allowed():
    source = "<a title='plain'>x</a>\n<a title=\"{{ value }}\">y</a>"
    theme = Theme(SiteInfo(title="T", base_url="https://example.com"), loader=DictLoader({NAME: source}))

    assert (
        theme.environment.get_template(NAME).render(value="v")
        == "<a title='plain'>x</a>\n<a title=\"v\">y</a>"
    )


def test_the_loaders_refusal_counts_a_leading_blank_line():
    theme = Theme(
        SiteInfo(title="T", base_url="https://example.com"),
        loader=DictLoader({NAME: "\n<a title='{{ v }}'>x</a>"}),
    )

    with pytest.raises(jinja2.TemplateSyntaxError) as refused:
        theme.environment.get_template(NAME)

    assert refused.value.lineno == 2


def test_the_loaders_refusal_names_the_file(tmp_path: Path):
    (tmp_path / NAME).write_text("<a title='{{ v }}'>x</a>")
    theme = Theme(
        SiteInfo(title="T", base_url="https://example.com"), loader=jinja2.FileSystemLoader(tmp_path)
    )

    with pytest.raises(jinja2.TemplateSyntaxError) as refused:
        theme.environment.get_template(NAME)

    assert refused.value.filename == str(tmp_path / NAME)
