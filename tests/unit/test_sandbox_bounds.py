"""The theme sandbox, driven directly: what a template may read, and the bounds on what it may
build, with the refusal a site owner reads when a template oversteps."""

from __future__ import annotations

import dataclasses
import tracemalloc
from pathlib import Path
from typing import Any

import jinja2.utils
import pytest
from jinja2 import DictLoader, FileSystemLoader, FunctionLoader

from pressroom.theme.sandbox import RenderLimits, TemplateRefusedError, ThemeSandbox, WorkLimitError

NAME = "page.html.j2"


def render(source: str, limits: RenderLimits | None = None, **values: Any) -> str:
    sandbox = ThemeSandbox(loader=DictLoader({NAME: source}), limits=limits, autoescape=True)
    return sandbox.render_page(NAME, **values)


def refusal(source: str, limits: RenderLimits | None = None, **values: Any) -> str:
    with pytest.raises(TemplateRefusedError) as refused:
        render(source, limits, **values)
    return refused.value.describe()


def too_big(size: int, limit: int) -> str:
    return (
        f"{NAME}, line 1: the template built a value of {size:,} items or characters, "
        f"more than the {limit:,} a page may hold"
    )


# ------------------------------------------------------------------ replace


@pytest.mark.parametrize(
    "source",
    ['{{ text | replace("a", "bbbb") }}', '{{ text.replace("a", "bbbb") }}'],
    ids=["filter", "method"],
)
def test_a_replace_that_would_grow_past_the_limit_is_refused_with_the_size_it_would_reach(source: str):
    # "aaaa" with each a made bbbb: 4 + 4 * 3 = 16 characters
    assert render(source, RenderLimits(value_chars=16), text="aaaa") == "bbbbbbbbbbbbbbbb"
    assert refusal(source, RenderLimits(value_chars=15), text="aaaa") == too_big(16, 15)


@pytest.mark.parametrize(
    "source",
    ['{{ text | replace("", "xx") }}', '{{ text.replace("", "xx") }}'],
    ids=["filter", "method"],
)
def test_replacing_the_empty_string_counts_every_gap_between_characters(source: str):
    # "abc" has four gaps: xxaxxbxxcxx is 3 + 4 * 2 = 11 characters
    assert render(source, RenderLimits(value_chars=11), text="abc") == "xxaxxbxxcxx"
    assert refusal(source, RenderLimits(value_chars=10), text="abc") == too_big(11, 10)


@pytest.mark.parametrize(
    "source",
    ['{{ text | replace("ab", "a") }}', '{{ text.replace("ab", "a") }}'],
    ids=["filter", "method"],
)
def test_a_replace_that_shrinks_text_at_the_limit_is_allowed(source: str):
    assert render(source, RenderLimits(value_chars=6), text="ababab") == "aaa"


@pytest.mark.parametrize(
    "source",
    ['{{ text | replace("a", wide) }}', "{{ text.replace('a', wide) }}"],
    ids=["filter", "method"],
)
def test_a_replace_is_refused_before_it_allocates_what_it_would_build(source: str):
    # 5,000 characters, each replaced by 10,000: 50 MB if it were built
    tracemalloc.start()
    try:
        message = refusal(source, RenderLimits(value_chars=1_000_000), text="a" * 5_000, wide="b" * 10_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert message == too_big(50_000_000, 1_000_000)
    assert peak < 10_000_000


# ------------------------------------------------------------------ lorem ipsum


def test_lorem_ipsum_gives_five_paragraphs_of_html_by_default():
    page = render("{{ lipsum() | safe }}")
    assert page.count("<p>") == 5
    assert page.count("</p>") == 5


def test_lorem_ipsum_gives_the_paragraphs_and_words_asked_for():
    page = render("{{ lipsum(2, false, 3, 4) }}")

    paragraphs = page.split("\n\n")
    assert "<p>" not in page
    assert [len(paragraph.split()) for paragraph in paragraphs] == [3, 3]


def test_lorem_ipsum_costs_a_step_for_every_word_it_may_write():
    source = "{% set words = lipsum(10, false, 1, 100) %}written"
    assert render(source, RenderLimits(steps=1_010)) == "written"
    assert "did more than 999 steps of work" in refusal(source, RenderLimits(steps=999))


# ------------------------------------------------------------------ faults of the template's making


def test_a_macro_that_calls_itself_without_end_is_refused_in_plain_words():
    assert refusal("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").endswith(
        ": the template calls itself without end (a macro or a recursive loop never stops)"
    )


def fault_filter(error: BaseException) -> ThemeSandbox:
    sandbox = ThemeSandbox(loader=DictLoader({NAME: "{{ 1 | fault }}"}))

    def fault(_value: object) -> str:
        raise error

    sandbox.add_filter("fault", fault)
    return sandbox


def test_a_template_that_runs_out_of_memory_is_refused_in_plain_words():
    with pytest.raises(TemplateRefusedError) as refused:
        fault_filter(MemoryError()).render_page(NAME)
    assert refused.value.reason == "the template needs more memory than a page may take"


def test_any_other_fault_of_the_template_is_named_with_its_python_error():
    with pytest.raises(TemplateRefusedError) as refused:
        fault_filter(ValueError("not a number")).render_page(NAME)
    assert refused.value.reason == "ValueError: not a number"


# ------------------------------------------------------------------ what a template may read


@dataclasses.dataclass
class Gadget:
    size: int = 1


def test_reading_a_python_internal_is_refused_naming_it():
    assert refusal("{{ text.__class__ }}", text="a") == (
        f"{NAME}, line 1: str.__class__: names starting with _ are Python's internals, "
        "which theme templates may not read"
    )


def test_changing_a_value_the_template_was_given_is_refused():
    assert refusal("{{ items.append(1) }}", items=[1]) == (
        f"{NAME}, line 1: list.append: templates may not change the values they are given; build a new one"
    )


def test_reading_an_object_that_is_not_the_sites_is_refused_naming_its_kind():
    assert refusal("{{ gadget.size }}", gadget=Gadget()) == (
        f"{NAME}, line 1: Gadget.size: templates may read attributes of the site's values "
        "(post, site, listing…), text, numbers, dates, lists and mappings, not of Gadget objects"
    )


# ------------------------------------------------------------------ widths and precisions


@pytest.mark.parametrize("source", ['{{ "%10000d" | format(1) | length }}', '{{ ("%10000d" % 1) | length }}'])
def test_a_format_width_of_ten_thousand_is_allowed(source: str):
    assert render(source) == "10000"


@pytest.mark.parametrize(
    ("source", "spec"),
    [
        ('{{ "%10001d" | format(1) }}', "%10001"),
        ('{{ "%.10001f" | format(1) }}', "%.10001"),
        ('{{ "%*d" | format(5, 1) }}', "%*"),
        ('{{ "%.*f" | format(5, 1) }}', "%.*"),
        ('{{ "%10001d" % 1 }}', "%10001"),
    ],
)
def test_a_larger_format_width_or_precision_is_refused(source: str, spec: str):
    assert refusal(source) == (
        f"{NAME}, line 1: the format '{spec}' asks for a width or precision larger than 10,000"
    )


@pytest.mark.parametrize(("pick", "words"), [("fewest", 20), ("most", 99)])
def test_lorem_ipsum_paragraphs_have_20_to_99_words_by_default_as_jinja_documents(
    monkeypatch: pytest.MonkeyPatch, pick: str, words: int
):
    def fewest_or_most(low: int, high: int) -> int:
        return low if pick == "fewest" else high - 1

    monkeypatch.setattr(jinja2.utils, "randrange", fewest_or_most)
    paragraphs = render("{{ lipsum(html=false) }}").split("\n\n")

    assert [len(paragraph.split()) for paragraph in paragraphs] == [words] * 5


def test_replacing_the_empty_string_is_refused_before_it_allocates_with_the_size_it_would_reach():
    tracemalloc.start()
    try:
        message = refusal(
            '{{ text | replace("", wide) }}',
            RenderLimits(value_chars=1_000_000),
            text="a" * 5_000,
            wide="b" * 10_000,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # 5,000 characters and 5,001 gaps, each filled with 10,000
    assert message == too_big(50_015_000, 1_000_000)
    assert peak < 10_000_000


# ------------------------------------------------------------------ repetition, numbers and text methods


def peak_while_refused(source: str, limits: RenderLimits, **values: Any) -> tuple[str, int]:
    tracemalloc.start()
    try:
        message = refusal(source, limits, **values)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return message, peak


@pytest.mark.parametrize("source", ["{{ text * n }}", "{{ n * text }}"])
def test_repeating_text_past_the_limit_is_refused_before_it_is_built(source: str):
    message, peak = peak_while_refused(
        source, RenderLimits(value_chars=1_000_000), text="a" * 10_000, n=5_000
    )

    assert message == too_big(50_000_000, 1_000_000)
    assert peak < 10_000_000


def test_repeating_text_no_times_gives_nothing_even_if_the_text_is_long():
    assert render("{{ (text * 0) | length }}", RenderLimits(value_chars=10), text="a" * 11) == "0"


def test_multiplying_numbers_whose_bits_together_pass_the_bound_is_refused():
    source = "{{ (a * b) > 0 }}"
    assert render(source, a=2**50_000, b=2**49_998) == "True"  # 50,001 + 49,999 bits: at the bound
    assert refusal(source, a=2**50_000, b=2**49_999) == (
        f"{NAME}, line 1: the template computed too large a number"
    )


def test_a_power_too_large_is_refused_naming_it():
    assert render("{{ (2 ** 50000) > 0 }}") == "True"
    assert refusal("{{ 2 ** 50001 }}") == f"{NAME}, line 1: 2 ** 50001 is too large a number for a template"


def test_adding_numbers_is_not_mistaken_for_a_power():
    assert render("{{ 2 + 60000 }}") == "60002"


def test_joining_text_past_the_limit_is_refused_with_the_size_it_would_reach():
    message, peak = peak_while_refused(
        "{{ separator.join(items) }}",
        RenderLimits(value_chars=1_000_000),
        separator="b" * 10_000,
        items=["a"] * 5_000,
    )

    assert message == too_big(50_005_000, 1_000_000)
    assert peak < 10_000_000


def test_joining_text_within_the_limit_works_and_costs_a_step_per_item():
    assert render('{{ ", ".join(items) }}', items=["a", "b", "c"]) == "a, b, c"
    assert render("{{ '-'.join(letters | list) }}", letters="abc") == "a-b-c"
    assert "steps of work" in refusal('{{ ",".join(items) }}', RenderLimits(steps=100), items=["a"] * 200)


@pytest.mark.parametrize("method", ["center", "ljust", "rjust", "zfill"])
def test_a_padding_width_over_ten_thousand_is_refused(method: str):
    assert render(f"{{{{ text.{method}(10000) | length }}}}", text="a") == "10000"
    assert refusal(f"{{{{ text.{method}(10001) }}}}", text="a") == (
        f"{NAME}, line 1: 10,001 is too large a width for str.{method}"
    )


def test_a_tab_width_over_ten_thousand_is_refused():
    assert render("{{ text.expandtabs(10000) | length }}", text="\t") == "10000"
    assert refusal("{{ text.expandtabs(10001) }}", text="\t") == (
        f"{NAME}, line 1: 10,001 is too large a width for str.expandtabs"
    )


def test_text_methods_without_arguments_work():
    assert render("{{ text.upper() }} {{ text.strip() }}", text=" ab ") == " AB  ab"


def test_a_replace_with_one_argument_is_refused_with_pythons_own_complaint():
    # Python's wording varies by version; the complaint is str.replace's own, about its arguments
    assert refusal('{{ text.replace("a") }}', text="abc").startswith(f"{NAME}, line 1: TypeError: replace")


# ------------------------------------------------------------------ streamed renders


def sandbox_with(source: str, limits: RenderLimits | None = None) -> ThemeSandbox:
    return ThemeSandbox(loader=DictLoader({NAME: source}), limits=limits)


def test_a_streamed_render_is_bounded_like_any_other():
    template = sandbox_with(
        "{% for i in range(1000) %}{{ i }}{% endfor %}", RenderLimits(steps=100)
    ).get_template(NAME)

    with pytest.raises(WorkLimitError, match="more than 100 steps"):
        "".join(template.generate())


def test_a_streamed_render_sees_its_values_given_by_name_or_as_a_mapping():
    template = sandbox_with("{{ text }}!").get_template(NAME)

    assert "".join(template.generate(text="by name")) == "by name!"
    assert "".join(template.generate({"text": "as a mapping"})) == "as a mapping!"


# ------------------------------------------------------------------ operators


def test_one_to_a_large_power_is_allowed():
    assert render("{{ 1 ** 50001 }}") == "1"


def test_adding_text_past_the_limit_is_refused_before_it_is_built():
    message, peak = peak_while_refused(
        "{{ a + b }}", RenderLimits(value_chars=1_000_000), a="a" * 5_000_000, b="b" * 5_000_000
    )

    assert message == too_big(10_000_000, 1_000_000)
    assert peak < 5_000_000


def test_adding_numbers_past_the_bound_is_refused():
    assert render("{{ (a + 0) > 0 }}", a=2**99_999) == "True"  # 100,000 bits: at the bound
    assert refusal("{{ a + a }}", a=2**99_999) == f"{NAME}, line 1: the template computed too large a number"


def test_a_wide_format_is_refused_whatever_its_arguments_are_held_in():
    assert refusal('{{ "%10001d" % (1,) }}') == (
        f"{NAME}, line 1: the format '%10001' asks for a width or precision larger than 10,000"
    )


# ------------------------------------------------------------------ where a refusal points


def test_a_refusal_names_the_included_template_and_its_line(tmp_path: Path):
    (tmp_path / "page.html.j2").write_text("<h1>Page</h1>\n{% include 'part.html.j2' %}\n")
    (tmp_path / "part.html.j2").write_text("<p>one</p>\n<p>two</p>\n{{ text.__class__ }}\n")
    sandbox = ThemeSandbox(loader=FileSystemLoader(tmp_path))

    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page("page.html.j2", text="a")

    assert (refused.value.template, refused.value.line) == ("part.html.j2", 3)
    assert refused.value.reason.startswith("str.__class__: names starting with _")


def test_a_refusal_of_a_template_without_a_file_names_it_and_the_line():
    assert refusal("<h1>Page</h1>\n\n{{ text.__class__ }}", text="a").startswith(
        f"{NAME}, line 3: str.__class__"
    )


def test_a_syntax_error_names_the_template_that_has_it_and_its_line(tmp_path: Path):
    (tmp_path / NAME).write_text("{% include 'part.html.j2' %}")
    (tmp_path / "part.html.j2").write_text("ok\n{% if %}")
    sandbox = ThemeSandbox(loader=FileSystemLoader(tmp_path))

    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page(NAME)

    assert (refused.value.template, refused.value.line) == ("part.html.j2", 2)


def test_a_refusal_raised_inside_another_render_is_passed_on_unchanged():
    inner = TemplateRefusedError("inner.html.j2", 7, "the reason")
    sandbox = ThemeSandbox(loader=DictLoader({NAME: "{{ 1 | fault }}"}))

    def fault(_value: object) -> str:
        raise inner

    sandbox.add_filter("fault", fault)
    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page(NAME)

    assert refused.value is inner


def test_a_syntax_error_in_the_page_template_names_its_line():
    assert refusal("ok\n\n{% if %}").startswith(f"{NAME}, line 3: ")


def test_a_syntax_error_in_an_included_template_names_that_template():
    sandbox = ThemeSandbox(
        loader=DictLoader({NAME: "{% include 'part.html.j2' %}", "part.html.j2": "ok\n{% if %}"})
    )

    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page(NAME)

    assert refused.value.template == "part.html.j2"


# ------------------------------------------------------------------ calls


def fewest_steps(source: str, **values: Any) -> int:
    """The smallest step budget `source` renders within."""
    low, high = 1, 10_000
    while low < high:
        middle = (low + high) // 2
        try:
            render(source, RenderLimits(steps=middle), **values)
        except TemplateRefusedError:
            low = middle + 1
        else:
            high = middle
    return low


def test_a_call_costs_a_step_and_writing_its_result_another():
    def f(*_items: object) -> str:
        return "x"

    once, twice = fewest_steps("{{ f() }}", f=f), fewest_steps("{{ f() }}{{ f() }}", f=f)
    assert twice - once == 2


def test_a_call_costs_a_step_more_for_every_item_of_a_list_passed_to_it():
    def f(*_items: object) -> str:
        return "x"

    assert fewest_steps("{{ f(items) }}", f=f, items=[0] * 100) - fewest_steps("{{ f() }}", f=f) == 100


def test_a_value_too_large_to_hold_is_refused_when_passed_to_a_call():
    def f(_value: object) -> str:
        return "ok"

    assert render("{{ f(text) }}", RenderLimits(value_chars=10), f=f, text="a" * 10) == "ok"
    assert refusal("{{ f(text) }}", RenderLimits(value_chars=10), f=f, text="a" * 11) == too_big(11, 10)


def test_a_number_larger_than_a_page_may_hold_is_refused_when_passed_to_a_call():
    def f(_value: object) -> str:
        return "ok"

    limits = RenderLimits(value_chars=100)
    assert render("{{ f(100) }} {{ f(-100) }} {{ f(true) }}", limits, f=f) == "ok ok ok"
    assert refusal("{{ f(101) }}", limits, f=f) == (
        f"{NAME}, line 1: 101 is too large a number to pass to a call in a template"
    )
    assert refusal("{{ f(-101) }}", limits, f=f) == (
        f"{NAME}, line 1: -101 is too large a number to pass to a call in a template"
    )


def test_a_refusal_names_a_template_whose_file_name_has_no_folder():
    sources = {NAME: "{% include 'part.html.j2' %}", "part.html.j2": "ok\n{{ text.__class__ }}"}
    sandbox = ThemeSandbox(loader=FunctionLoader(lambda name: (sources[name], name, lambda: True)))

    with pytest.raises(TemplateRefusedError) as refused:
        sandbox.render_page(NAME, text="a")

    assert (refused.value.template, refused.value.line) == ("part.html.j2", 2)


def test_a_text_method_costs_a_step_per_whole_16_characters_of_its_text():
    assert (
        fewest_steps("{{ text.upper() }}", text="a" * 1_608) - fewest_steps("{{ text.upper() }}", text="")
        == 100
    )


class Lookalike:
    """Not one of the site's values, with an attribute named like a method of text."""

    upper = "read"


def test_an_attribute_allowed_on_text_is_still_refused_on_another_kind_of_object():
    assert refusal("{{ text.upper() }}{{ other.upper }}", text="a", other=Lookalike()).startswith(
        f"{NAME}, line 1: Lookalike.upper: templates may read attributes of the site's values"
    )
