"""Hugo shortcodes in hostile bodies: nesting is capped, never recursed into, and a body of about
1 MB (the upload limit) is expanded in one pass, where the old parser took minutes or hours.

The 1 MB cases run under a budget of BUDGET_SECONDS: they take well under a second here, and a
parser that rescans the rest of the text for each opening takes minutes on them.
"""

from __future__ import annotations

import pytest

from pressroom.budgets import time_limit
from pressroom.model import Problem
from pressroom.reading.shortcodes import MAX_SHORTCODE_DEPTH, Expansion, expand, warnings_in

BUDGET_SECONDS = 5
DETAILS = "\n\n<details>\n<summary>Details</summary>\n\n\n\n</details>\n\n"  # one with nothing inside


def expand_within_budget(body: str) -> Expansion:
    with time_limit(BUDGET_SECONDS, "expanding a hostile body"):
        return expand(body)


def nested_details(depth: int, middle: str = "The middle.") -> str:
    """`depth` details shortcodes one inside the other, each opening on a line of its own."""
    openings = "".join(f'{{{{< details summary="Level {level}" >}}}}\n' for level in range(1, depth + 1))
    return openings + middle + "\n" + "{{< /details >}}\n" * depth


def too_deep(line: int, name: str = "details", encloses: bool = True) -> str:
    return (
        f"body (line {line}): `{name}` is nested inside {MAX_SHORTCODE_DEPTH} other shortcodes, and "
        f"pressroom expands shortcodes at most {MAX_SHORTCODE_DEPTH} deep: it was left in the page as "
        f"written{', with what it encloses' if encloses else ''}; nest the shortcodes less deeply"
    )


def test_1200_nested_shortcodes_are_a_warning_on_the_line_of_the_first_too_deep_not_a_crash():
    body = "{{< details >}}\n" * 1200 + "The middle.\n" + "{{< /details >}}\n" * 1200

    warnings = warnings_in(body)  # what ValidateFunction calls
    expanded = expand(body)  # what RenderFunction calls

    assert [warning.describe() for warning in warnings] == [too_deep(line=MAX_SHORTCODE_DEPTH + 1)]
    assert expanded.warnings == warnings
    assert expanded.body.count("<details>") == MAX_SHORTCODE_DEPTH
    assert expanded.body.count("{{< details >}}") == 1200 - MAX_SHORTCODE_DEPTH
    assert expanded.body.count("{{< /details >}}") == 1200 - MAX_SHORTCODE_DEPTH
    assert "The middle." in expanded.body


def test_shortcodes_nested_exactly_as_deep_as_the_cap_are_all_expanded():
    expanded = expand(nested_details(MAX_SHORTCODE_DEPTH))

    assert expanded.warnings == []
    assert expanded.body.count("<details>") == MAX_SHORTCODE_DEPTH
    assert expanded.body.count("</details>") == MAX_SHORTCODE_DEPTH
    assert f"<summary>Level {MAX_SHORTCODE_DEPTH}</summary>\n\nThe middle.\n\n</details>" in expanded.body
    assert "{{" not in expanded.body


def test_one_level_deeper_than_the_cap_is_left_as_written_with_a_warning_naming_its_line():
    depth = MAX_SHORTCODE_DEPTH + 1

    expanded = expand(nested_details(depth))

    assert [warning.describe() for warning in expanded.warnings] == [too_deep(line=depth)]
    assert expanded.body.count("<details>") == MAX_SHORTCODE_DEPTH
    innermost = f'{{{{< details summary="Level {depth}" >}}}}\nThe middle.\n{{{{< /details >}}}}'
    assert f"<summary>Level {MAX_SHORTCODE_DEPTH}</summary>\n\n{innermost}\n\n</details>" in expanded.body


def test_a_single_shortcode_one_level_too_deep_is_left_as_written_too():
    expanded = expand(nested_details(MAX_SHORTCODE_DEPTH, middle='{{< ref "2024-01-02-hello.md" >}}'))

    assert [warning.describe() for warning in expanded.warnings] == [
        too_deep(line=MAX_SHORTCODE_DEPTH + 1, name="ref", encloses=False)
    ]
    assert '\n{{< ref "2024-01-02-hello.md" >}}\n' in expanded.body


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("{{<x " * 200_000, id="angle openings never closed"),
        pytest.param("{{%x " * 200_000, id="percent openings never closed"),
        pytest.param("{{</*x " * 140_000, id="escaped openings never closed"),
        pytest.param("```\n" + "{{</*x " * 140_000, id="escaped openings never closed, in code"),
        pytest.param("{{<" + " " * 1_000_000 + "!>}}", id="a million spaces before no name"),
    ],
)
def test_a_megabyte_of_openings_that_make_no_shortcode_is_the_body_unchanged(body: str):
    assert expand_within_budget(body) == Expansion(body, [])


def test_a_megabyte_of_unclosed_paired_shortcodes_is_a_warning_for_each():
    body = "{{< details >}}\n" * 60_000

    expanded = expand_within_budget(body)

    assert expanded.body == (DETAILS + "\n") * 60_000
    assert expanded.warnings == [
        Problem("`details` has no closing `{{< /details >}}`", field="body", line=line)
        for line in range(1, 60_001)
    ]


def test_a_megabyte_of_closings_without_openings_on_one_line_is_a_warning_for_each():
    expanded = expand_within_budget("{{< /x >}}" * 100_000)

    assert expanded.body == ""
    assert (
        expanded.warnings
        == [Problem("`{{< /x >}}` closes a shortcode that was never opened", field="body", line=1)] * 100_000
    )


def test_a_megabyte_of_shortcodes_on_one_line_in_and_out_of_code_spans():
    expanded = expand_within_budget('{{< ref "a.md" >}} `{{< ref "a.md" >}}` ' * 25_000)

    assert expanded.body == '/posts/a/ `{{< ref "a.md" >}}` ' * 25_000
    assert expanded.warnings == []


def test_a_megabyte_of_quotes_that_nothing_closes_is_one_shortcode():
    expanded = expand_within_budget('{{< figure src="a.jpg" alt="' + '\\"' * 500_000 + " >}}")

    assert expanded.body == '\n\n<figure>\n  <img src="a.jpg">\n</figure>\n\n'
    assert expanded.warnings == []


def test_a_megabyte_of_nesting_is_expanded_to_the_cap_and_the_rest_kept():
    depth = 30_000
    body = "{{< details >}}\n" * depth + "{{< /details >}}\n" * depth

    expanded = expand_within_budget(body)

    assert [warning.describe() for warning in expanded.warnings] == [too_deep(line=MAX_SHORTCODE_DEPTH + 1)]
    assert expanded.body.count("<details>") == MAX_SHORTCODE_DEPTH
    assert expanded.body.count("{{< details >}}") == depth - MAX_SHORTCODE_DEPTH


def test_a_megabyte_of_backticks_in_highlighted_code_gets_a_longer_fence():
    code = "x" + "`" * 1_000_000

    expanded = expand_within_budget("{{< highlight >}}\n" + code + "\n{{< /highlight >}}\n")

    fence = "`" * 1_000_001
    assert expanded.body == f"\n\n{fence}\n{code}\n{fence}\n\n\n"
    assert expanded.warnings == []
