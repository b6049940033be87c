"""Jekyll posts' Liquid from a hostile author: every way to make python-liquid work without end
(loops, ranges, growing strings, huge numbers, nesting, includes, time) ends in the body published
with its Liquid taken out and a warning naming the limit, never in an exception or gigabytes.

Where the input that proves a limit would be large, the limit is patched smaller and the input
sized to it: what is pinned is that the limit is checked before the work is done. The 1 MB cases
run under BUDGET_SECONDS, as in test_shortcode_budget: well under a second here, and minutes or
hours for a scanner that rescans the rest of the body for each opening.
"""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Mapping
from typing import Any

import pytest

from pressroom.budgets import OverBudgetError, time_limit
from pressroom.reading import liquid_bodies
from pressroom.reading.fields import MAX_PROBLEMS
from pressroom.reading.liquid_bodies import Evaluated, render, warnings_in

BUDGET_SECONDS = 5
SNIPPETS = {
    "loop.html": "{% for j in (1..200) %}{% endfor %}",
    "self.html": "again {% include self.html %}",
}
LOOPS = "runs its loops more than 10,000 times in all (loop iteration limit reached)"
RANGE = "makes a range of more than 100,000 numbers (range limit reached)"
VALUES = "builds values of more than 1,000,000 bytes (value size limit reached)"
NUMBER = "makes a number of more than 1,000 digits (number size limit reached)"
OUTPUT = "writes more than 2,000,000 bytes (output limit reached)"
NESTING = "nests blocks more than 30 deep (nesting limit reached)"
TOO_DEEP = "is nested too deeply to evaluate (nesting limit reached)"
INCLUDES = "includes snippets more than 10 deep, or nests loops and includes too deeply (depth limit reached)"
TIME = "took too long to run (over 2 s)"


def evaluate(liquid: str, page: Mapping[str, Any] | None = None) -> Evaluated:
    """`liquid` evaluated on line 2 of a body, between two lines of text."""
    return render(f"Before.\n{liquid}\nAfter.", {"title": "Site"}, page or {}, includes=SNIPPETS.get)


def taken_out(limit: str) -> str:
    return f"this post's Liquid {limit}: it was taken out of the page"


def assert_taken_out(evaluated: Evaluated, limit: str, line: int | None = 2) -> None:
    assert evaluated.body.startswith("Before.\n")
    assert evaluated.body.endswith("\nAfter.")
    assert "{%" not in evaluated.body
    assert "{{" not in evaluated.body
    assert [(warning.message, warning.field, warning.line) for warning in evaluated.warnings] == [
        (taken_out(limit), "body", line)
    ]


@pytest.mark.parametrize(
    "liquid",
    [
        pytest.param(
            "{% for a in (1..100) %}"
            "{% for b in (1..100) %}{% endfor %}{% for c in (1..100) %}{% endfor %}"
            "{% endfor %}",
            id="loops-one-after-another-inside-a-loop",
        ),
        pytest.param("{% for i in (1..4000) %}{% endfor %}" * 3, id="loops-one-after-another"),
        pytest.param(
            "{% tablerow a in (1..200) %}{% tablerow b in (1..200) %}{% endtablerow %}{% endtablerow %}",
            id="tablerow-in-tablerow",
        ),
        pytest.param(
            "{% tablerow a in (1..200) %}{% for b in (1..200) %}{% endfor %}{% endtablerow %}",
            id="for-in-tablerow",
        ),
        pytest.param(
            "{% for i in (1..100) %}{% include loop.html %}{% endfor %}", id="a-looping-include-in-a-loop"
        ),
    ],
)
def test_loop_iterations_are_counted_in_all_wherever_the_loops_are(liquid: str):
    assert_taken_out(evaluate(liquid), LOOPS)


@pytest.mark.parametrize(
    "liquid",
    [
        '{{ (1..5000) | join: "," }}',
        "{{ (1..5000) | sort | size }}",
        "{{ (1..5000) | reverse | first }}",
        "{% for i in (1..5000) reversed %}{% break %}{% endfor %}",
        "{% tablerow i in (1..5000) limit: 1 %}{% endtablerow %}",
        "{% assign numbers = (1..5000) %}{{ numbers.size }}",
        "{% assign n = 5000 %}{% for i in (1..n) limit: 2 %}{{ i }}{% endfor %}",
    ],
)
def test_a_range_past_the_limit_is_refused_before_a_filter_or_loop_builds_it(
    liquid: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(
        liquid_bodies, "RANGE_LIMIT", 1000
    )  # (1..5000) is cheap: only the check can refuse it

    assert_taken_out(evaluate(liquid), RANGE)


@pytest.mark.parametrize(
    "liquid",
    [
        "{% for i in (1..99999999999999999999) %}{% endfor %}",
        "{% assign numbers = (1..99999999999999999999) %}{{ numbers.size }}",
        "{% for i in (1..99999999999999999999) offset: 99999999999999999990 %}{{ i }}{% endfor %}",
    ],
)
def test_a_range_past_what_python_can_count_is_a_warning_not_an_overflow(liquid: str):
    assert_taken_out(evaluate(liquid), RANGE)


@pytest.mark.parametrize(
    ("liquid", "printed"),
    [
        ("{% for i in (1..5) offset: -1 limit: 2 %}{{ i }}{% endfor %}", "12"),
        ("{% for i in (1..5) limit: -3 %}{{ i }}{% endfor %}", ""),
        ("{% for i in (1..5) offset: 99999999999999999999 %}{{ i }}{% endfor %}", ""),
        (
            "{% for i in (1..5) limit: 2 %}{{ i }}{% endfor %}"
            "{% for i in (1..5) offset: continue %}{{ i }}{% endfor %}",
            "12345",
        ),
        pytest.param(
            "{% for i in page.list limit: 2 %}{{ i }}{% endfor %}|"
            "{% for i in page.other offset: continue %}{{ i }}{% endfor %}",
            "12|789",
            id="continue-is-kept-per-iterable",
        ),
        pytest.param(
            "{% for i in page.list limit: page.two %}{{ i }}{% endfor %}", "12", id="limit-from-a-value"
        ),
        pytest.param("{% for i in (1..3) reversed %}{{ i }}{% endfor %}", "321", id="reversed"),
        pytest.param(
            "{% tablerow i in page.list cols: 2 %}{{ i }}{% endtablerow %}",
            '<tr class="row1">\n<td class="col1">1</td><td class="col2">2</td></tr>\n'
            '<tr class="row2"><td class="col1">3</td></tr>\n',
            id="tablerow-columns",
        ),
    ],
)
def test_a_loops_limit_and_offset_are_held_between_none_and_all(liquid: str, printed: str):
    evaluated = evaluate(liquid, {"list": [1, 2, 3], "other": [7, 8, 9], "two": 2})

    assert evaluated.body == f"Before.\n{printed}\nAfter."
    assert evaluated.warnings == []


@pytest.mark.parametrize(
    "liquid",
    [
        "{% assign s = 'x' %}{% for i in (1..30) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}",
        "{% assign s = 'x' %}{% for i in (1..30) %}{% assign s = s | append: s %}{% endfor %}{{ s }}",
    ],
)
def test_a_string_doubled_in_a_loop_stops_at_the_value_limit(liquid: str):
    assert_taken_out(evaluate(liquid), VALUES)


def test_a_loops_limit_from_text_is_refused_naming_it():
    evaluated = evaluate("{% for i in (1..3) limit: page.two %}{{ i }}{% endfor %}", {"two": "2"})

    assert [warning.message for warning in evaluated.warnings] == [
        "the Liquid in this post could not be evaluated (expected an integer argument, found '2'): "
        "it was taken out of the page"
    ]


def strings_sized(*sizes: int) -> dict[str, str]:
    """Page values `a`, `b`… each measuring exactly its size as a Liquid value."""
    empty = sys.getsizeof("")
    return {name: "x" * (size - empty) for name, size in zip("abcdef", sizes, strict=False)}


def test_assigned_values_count_together_up_to_the_limit_exactly(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "LOCAL_NAMESPACE_LIMIT", 10_000)
    both = "{% assign a = page.a %}{% assign b = page.b %}{{ b.size }}"

    at_limit = render(both, {}, strings_sized(5000, 5000))
    over = render(both, {}, strings_sized(5000, 5001))

    assert (at_limit.body, at_limit.warnings) == (str(5000 - sys.getsizeof("")), [])
    assert [warning.message for warning in over.warnings] == [taken_out(VALUES)]


def test_a_value_assigned_again_counts_once(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "LOCAL_NAMESPACE_LIMIT", 10_000)
    again = "{% assign a = page.a %}{% assign a = page.a %}{% assign a = page.b %}{{ a.size }}"

    evaluated = render(again, {}, strings_sized(6000, 7000))

    assert (evaluated.body, evaluated.warnings) == (str(7000 - sys.getsizeof("")), [])


@pytest.mark.parametrize(
    ("liquid", "page"),
    [
        pytest.param(
            '{{ page.text | replace: "", page.insert }}',
            {"text": "x" * 1000, "insert": "y" * 10_000},
            id="replace-between-every-character",
        ),
        pytest.param(
            '{% assign words = page.text | split: "," %}{{ words | join: page.separator }}',
            {"text": "word," * 99 + "word", "separator": "y" * 100_000},
            id="join-with-a-long-separator",
        ),
        pytest.param(
            '{{ page.text | split: "" | size }}',
            {"text": "я" * 20_000},  # each a string of its own, as Latin-1 letters are not
            id="split-into-characters",
        ),
    ],
)
def test_a_filter_that_would_multiply_its_input_is_refused_before_it_builds_the_result(
    liquid: str, page: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(liquid_bodies, "LOCAL_NAMESPACE_LIMIT", 10_000)  # each result would be 1.5 to 10 MB
    evaluate("{{ 1 }}")  # python-liquid loaded before memory is traced

    tracemalloc.start()
    try:
        evaluated = evaluate(liquid, page)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert_taken_out(evaluated, VALUES)
    assert peak < 1_000_000


def test_a_list_holding_one_string_many_times_counts_as_all_it_would_join_to(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "LOCAL_NAMESPACE_LIMIT", 10_000)
    doubling = (
        "{% for i in (1..10) %}{% assign words = words | concat: words %}{% endfor %}"  # 1024 of one string
    )

    evaluated = evaluate(
        '{% assign words = page.short | split: "," %}' + doubling + '{{ words | join: "" }}',
        {"short": "x" * 1000},
    )

    assert_taken_out(evaluated, VALUES)


def test_a_number_too_long_to_print_is_a_warning_not_a_crash():
    squaring = "{% assign n = 10 %}{% for i in (1..13) %}{% assign n = n | times: n %}{% endfor %}{{ n }}"

    assert_taken_out(evaluate(squaring), NUMBER)


def test_output_past_the_limit_names_it():
    liquid = "{% assign s = page.short %}{% for i in (1..2100) %}{{ s }}{% endfor %}"

    assert_taken_out(evaluate(liquid, {"short": "x" * 1000}), OUTPUT)


def test_output_written_a_piece_at_a_time_is_counted_in_all():
    assert_taken_out(evaluate("{{ page.short }}" * 2100, {"short": "x" * 1000}), OUTPUT)


def test_output_at_the_limit_in_utf8_bytes_is_kept_and_a_byte_more_is_not(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "OUTPUT_LIMIT", 1000)
    page = {"text": "é" * 500}  # 1,000 bytes of UTF-8

    at_limit = render("{{ page.text }}", {}, page)
    over = render("{{ page.text }}!", {}, page)

    assert (at_limit.body, at_limit.warnings) == ("é" * 500, [])
    assert [warning.message for warning in over.warnings] == [taken_out(OUTPUT)]


def test_what_a_capture_writes_counts_with_the_output_before_it(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "OUTPUT_LIMIT", 1000)

    liquid = "{{ page.text }}{% capture c %}{{ page.text }}{% endcapture %}"

    evaluated = render(liquid, {}, {"text": "x" * 600})

    assert [warning.message for warning in evaluated.warnings] == [taken_out(OUTPUT)]


def test_blocks_nested_one_deeper_than_the_limit_are_a_warning_on_the_line_of_the_first_too_deep():
    depth = 31

    evaluated = evaluate("{% if true %}\n" * depth + "Deep." + "{% endif %}" * depth)

    assert_taken_out(evaluated, NESTING, line=2 + 30)


def test_blocks_nested_in_a_liquid_tag_count_line_by_line():
    evaluated = evaluate("{% liquid\n" + "if true\n" * 200 + "echo 'Deep.'\n" + "endif\n" * 200 + "%}")

    assert_taken_out(evaluated, NESTING, line=2 + 31)


def test_blocks_nested_as_deep_as_the_limit_are_evaluated():
    evaluated = evaluate("{% if true %}" * 30 + "Deep." + "{% endif %}" * 30)

    assert evaluated.body == "Before.\nDeep.\nAfter."
    assert evaluated.warnings == []


def test_a_condition_too_long_for_python_to_parse_is_a_warning_not_a_crash():
    evaluated = evaluate("{% if " + " and ".join(["true"] * 3000) + " %}Yes.{% endif %}")

    assert_taken_out(evaluated, TOO_DEEP, line=None)


def test_a_snippet_that_includes_itself_stops_at_the_include_depth_limit():
    assert_taken_out(evaluate("{% include self.html %}"), INCLUDES)


def test_liquid_running_past_its_time_budget_is_taken_out_with_a_warning(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(liquid_bodies, "LIQUID_SECONDS", 0.2)
    slow = (
        "{% for i in (1..10000) %}" + "{% assign a = i | plus: 1 %}" * 300 + "{% endfor %}"
    )  # seconds, within every cap

    assert_taken_out(evaluate(slow), TIME, line=None)


def test_an_outer_budget_that_runs_out_during_liquid_is_the_outer_ones_to_handle(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(liquid_bodies, "LIQUID_SECONDS", 60)
    slow = "{% for i in (1..10000) %}" + "{% assign a = i | plus: 1 %}" * 300 + "{% endfor %}"

    with pytest.raises(OverBudgetError) as raised, time_limit(0.2, "rendering the whole post"):
        evaluate(slow)

    assert raised.value.step == "rendering the whole post"


@pytest.mark.parametrize(
    ("liquid", "printed"),
    [
        ("{{ page.title }}", "Half  pair"),
        ("{% for i in (1..2) %}{{ page.title }}/{% endfor %}", "Half  pair/Half  pair/"),
        ('{{ "bell%07 and null%00" | url_decode }}', "bell and null"),
    ],
)
def test_lone_surrogates_and_control_characters_liquid_prints_are_dropped(liquid: str, printed: str):
    evaluated = evaluate(liquid, {"title": "Half \ud800 pair"})

    assert evaluated.body == f"Before.\n{printed}\nAfter."
    assert evaluated.warnings == []


def test_validation_warns_of_the_limit_the_render_would_reach():
    body = "Before.\n" + "{% for i in (1..4000) %}{% endfor %}" * 3

    assert [warning.message for warning in warnings_in(body)] == [taken_out(LOOPS)]


def test_a_raw_blocks_text_is_kept_when_the_liquid_around_it_is_taken_out():
    evaluated = evaluate(
        "{% raw %}{{ shown }}{% endraw %} {% for i in (1..99999999999999999999) %}{% endfor %}"
    )

    assert evaluated.body == "Before.\n{{ shown }} \nAfter."


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        pytest.param("{% a " * 200_000, "expected '%}', found 'eof'", id="tags-never-closed"),
        pytest.param("{{ " * 330_000, "expected '}}', found 'eof'", id="outputs-never-closed"),
        pytest.param("{% raw %}" * 110_000, "unexpected tag 'raw'", id="raw-never-closed"),
    ],
)
def test_a_megabyte_of_openings_is_scanned_in_one_pass(body: str, reason: str):
    with time_limit(BUDGET_SECONDS, "evaluating a hostile body"):
        evaluated = render(body, {}, {})

    assert [warning.message for warning in evaluated.warnings] == [
        f"the Liquid in this post could not be evaluated ({reason}): it was taken out of the page"
    ]
    assert len(evaluated.body) <= len(body)


def test_a_megabyte_of_unknown_tags_is_scanned_in_one_pass_and_warned_of_a_few_times():
    body = "{% gist x %}\n" * 80_000

    with time_limit(BUDGET_SECONDS, "evaluating a hostile body"):
        evaluated = render(body, {}, {})

    assert len(evaluated.warnings) == MAX_PROBLEMS + 1
    assert [warning.line for warning in evaluated.warnings[:3]] == [1, 2, 3]
    assert (evaluated.warnings[-1].message, evaluated.warnings[-1].field) == (
        f"… and {80_000 - MAX_PROBLEMS} more tags like these were left out",
        "body",
    )
    assert evaluated.body == "\n" * 80_000


def test_as_many_unknown_tags_as_are_warned_of_one_by_one_need_no_summary():
    evaluated = render("{% gist x %}\n" * MAX_PROBLEMS, {}, {})

    assert [warning.line for warning in evaluated.warnings] == list(range(1, MAX_PROBLEMS + 1))


def test_unknown_tags_anywhere_are_taken_out_line_for_line():
    body = "{% if true %}a{% endif %}\n{% tabs x %}\nb\n{% endtabs %}{% gist\n 1 %}\n{{ page.n }}"

    evaluated = render(body, {}, {"n": 7})

    assert evaluated.body == "a\n\nb\n\n\n7"
    assert [(warning.message.split("`")[1], warning.line) for warning in evaluated.warnings] == [
        ("tabs", 2),
        ("gist", 4),
    ]


# ---------------------------------------------------------------- the predictions and measures


@pytest.mark.parametrize(
    ("filter_name", "value", "args", "built"),
    [
        ("replace", "banana", ("a", "oo"), "boonoonoo"),
        ("replace", "banana", ("an",), "ba"),  # no replacement: removed
        ("replace", "abc", ("", "-"), "-a-b-c-"),  # an empty needle matches between every character
        ("replace", 12321, ("2", "xx"), "1xx3xx1"),  # a number is replaced in as text
        ("replace", "abc", ("z", "long text"), "abc"),
    ],
)
def test_replace_is_predicted_exactly_before_it_is_built(
    filter_name: str, value: object, args: tuple[object, ...], built: str
):
    assert liquid_bodies._growth(filter_name, value, args) == len(built)


@pytest.mark.parametrize(
    ("value", "args", "pieces"),
    [("a,b,c", (",",), 3), ("abc", ("",), 3), ("abc", (",",), 1), (1234, ("2",), 2)],
)
def test_split_is_predicted_as_the_text_and_a_fixed_cost_per_piece(
    value: object, args: tuple[object, ...], pieces: int
):
    expected = len(str(value)) + pieces * liquid_bodies._SPLIT_PIECE_BYTES
    assert liquid_bodies._growth("split", value, args) == expected


@pytest.mark.parametrize(
    ("value", "args", "separators"),
    [
        ([1, 2, 3], ("--",), "----"),
        (("a", "b"), (), " "),
        (range(4), (", ",), ", , , "),
        ([], (",",), ""),
        (["a"], (",",), ""),
    ],
)
def test_join_is_predicted_as_the_separators_it_adds(
    value: object, args: tuple[object, ...], separators: str
):
    assert liquid_bodies._growth("join", value, args) == len(separators)


@pytest.mark.parametrize(
    ("filter_name", "value", "args"),
    [("upcase", "abc", ()), ("join", "not a list", (",",)), ("replace", "abc", ()), ("split", "abc", ())],
)
def test_filters_that_do_not_multiply_their_input_are_predicted_to_add_nothing(
    filter_name: str, value: object, args: tuple[object, ...]
):
    assert liquid_bodies._growth(filter_name, value, args) == 0


def test_a_value_is_measured_with_everything_it_holds_each_time_it_holds_it():
    text = "x" * 1000
    alone = liquid_bodies._built_size(text)
    assert alone == sys.getsizeof(text)
    assert liquid_bodies._built_size([text, text]) == sys.getsizeof([text, text]) + 2 * alone
    assert liquid_bodies._built_size({text: text}) == sys.getsizeof({text: text}) + 2 * alone


def test_a_value_over_the_limit_is_refused_and_one_at_it_is_not():
    from liquid.exceptions import LocalNamespaceLimitError

    empty = sys.getsizeof("")
    at_limit = "x" * (liquid_bodies.LOCAL_NAMESPACE_LIMIT - empty)
    assert liquid_bodies._built_size(at_limit) == liquid_bodies.LOCAL_NAMESPACE_LIMIT
    with pytest.raises(LocalNamespaceLimitError):
        liquid_bodies._built_size(at_limit + "x")


def test_numbers_are_refused_past_their_bits_and_kept_at_them():
    from liquid.exceptions import LocalNamespaceLimitError

    largest = (1 << liquid_bodies._NUMBER_BITS) - 1
    assert liquid_bodies._built_size([largest]) > 0
    with pytest.raises(LocalNamespaceLimitError):
        liquid_bodies._built_size([largest + 1])


# ---------------------------------------------------------------- the scanners


def constructs(body: str) -> list[tuple[str, int, str | None]]:
    """Each construct's text, line and tag name (None: an output)."""
    return [(body[c.start : c.end], c.line, c.tag) for c in liquid_bodies._constructs(body)]


def test_the_scanner_finds_outputs_and_tags_with_their_lines_and_names():
    body = "{{ title }} and {{}}\n{% if x %}\n{%- assign y = 1 -%}{% %}\n{{ y }}{% endif %}"

    assert constructs(body) == [
        ("{{ title }}", 1, None),
        ("{{}}", 1, None),
        ("{% if x %}", 2, "if"),
        ("{%- assign y = 1 -%}", 3, "assign"),
        ("{% %}", 3, ""),
        ("{{ y }}", 4, None),
        ("{% endif %}", 4, "endif"),
    ]


def test_an_opening_never_closed_is_passed_over_and_what_follows_still_found():
    assert constructs("{{ never closed {% tag %}") == [("{% tag %}", 1, "tag")]
    assert constructs("{{% assign x = 1 %}") == [("{% assign x = 1 %}", 1, "assign")]
    assert constructs("{% never closed {{ shown }}") == [("{{ shown }}", 1, None)]


def test_a_raw_blocks_content_is_not_looked_into():
    body = "{% raw %}{{ not liquid }}\n{% if %}{% endraw %}{{ after }}"

    assert constructs(body) == [
        ("{% raw %}", 1, "raw"),
        ("{% endraw %}", 2, "endraw"),
        ("{{ after }}", 2, None),
    ]


def test_a_raw_block_counts_its_lines_and_one_never_closed_hides_nothing_after_it():
    body = "a\n{% raw %}x\n{% endraw %}{{ after }}\n\n{% raw %}{{ y }}"

    assert constructs(body) == [
        ("{% raw %}", 2, "raw"),
        ("{% endraw %}", 3, "endraw"),
        ("{{ after }}", 3, None),
        ("{% raw %}", 5, "raw"),
        ("{{ y }}", 5, None),
    ]


def test_an_end_of_raw_before_a_raw_block_is_not_taken_for_its_end():
    body = "{% endraw %} text {% raw %}{{ x }}{% endraw %}{{ y }}"

    with time_limit(BUDGET_SECONDS, "scanning"):
        found = constructs(body)

    assert found == [
        ("{% endraw %}", 1, "endraw"),
        ("{% raw %}", 1, "raw"),
        ("{% endraw %}", 1, "endraw"),
        ("{{ y }}", 1, None),
    ]


def test_a_liquid_tag_names_each_tag_it_holds_on_its_own_line():
    body = "Text\n{% liquid\nif x\n  assign y = 1 | plus: 2\nendif\n%}\n{% liquid echo y\nendif%}"
    found = list(liquid_bodies._constructs(body))

    names = [list(liquid_bodies._tag_names(body, construct)) for construct in found]

    assert names == [[(3, "if"), (4, "assign"), (5, "endif")], [(7, "echo"), (8, "endif")]]


def test_blocks_one_after_another_never_count_as_nested():
    body = "{% if a %}x{% endif %}" * (liquid_bodies.NESTING_LIMIT * 2)

    assert liquid_bodies._nesting_problem(body) is None


def test_closing_a_block_makes_room_for_exactly_one_more():
    limit = liquid_bodies.NESTING_LIMIT
    at_limit = "{% if a %}" * limit + "{% endif %}" + "{% if b %}"
    over = at_limit + "\n{% if c %}"

    assert liquid_bodies._nesting_problem(at_limit) is None
    problem = liquid_bodies._nesting_problem(over)
    assert problem is not None
    assert problem.line == 2


def test_an_elsif_does_not_close_the_block_it_is_in():
    body = "{% if a %}{% elsif b %}" * (liquid_bodies.NESTING_LIMIT + 1)

    assert liquid_bodies._nesting_problem(body) is not None


def test_a_stray_end_tag_at_the_top_does_not_make_room_below_it():
    body = "{% endif %}" + "{% if a %}" * liquid_bodies.NESTING_LIMIT

    assert liquid_bodies._nesting_problem(body) is None
