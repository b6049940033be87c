"""Hugo shortcodes in bodies: the cases around the data files in fixtures/dialects."""

from __future__ import annotations

import pytest

from pressroom.reading.shortcodes import MAX_SHORTCODE_DEPTH, expand


def test_a_body_without_shortcodes_is_returned_as_it_is():
    body = "Plain {{ not a shortcode }} and {% not liquid here %}.\n"

    assert expand(body).body == body
    assert expand(body).warnings == []


@pytest.mark.parametrize(
    ("body", "warning"),
    [
        ('{{< youtube "not an id!" >}}', "`youtube` needs a video id, not 'not an id!'"),
        ("{{< vimeo abc >}}", "`vimeo` needs a video id"),
        ('{{< figure alt="no source" >}}', "`figure` has no `src`"),
        ("{{< details >}}never closed", "`details` has no closing `{{< /details >}}`"),
        ("stray {{< /details >}}", "closes a shortcode that was never opened"),
        ("{{< gist spf13 7896402 >}}", "the Hugo shortcode `gist` is not one pressroom renders"),
    ],
)
def test_what_cannot_be_rendered_is_left_out_with_a_warning(body: str, warning: str):
    expanded = expand("Intro.\n\n" + body + "\n")

    assert "{{" not in expanded.body
    assert len(expanded.warnings) == 1
    assert warning in expanded.warnings[0].message
    assert (expanded.warnings[0].field, expanded.warnings[0].line) == ("body", 3)


def test_paired_shortcodes_nest_and_each_finds_its_own_closing():
    body = (
        '{{< details summary="Outer" >}}\nOne\n{{< details summary="Inner" >}}\nTwo\n'
        "{{< /details >}}\nThree\n{{< /details >}}\n"
    )

    expanded = expand(body).body

    assert expanded.count("<details>") == 2
    assert expanded.count("</details>") == 2
    assert expanded.index("Inner") < expanded.index("Two") < expanded.index("Three")


def test_arguments_may_be_quoted_named_positional_or_in_backticks():
    expanded = expand('{{< figure src=`a b.jpg` alt="say \\"cheese\\"" title=Plain >}}').body

    assert 'src="a b.jpg"' in expanded
    assert 'alt="say &quot;cheese&quot;"' in expanded
    assert "<h4>Plain</h4>" in expanded


def test_values_are_escaped_so_a_shortcode_cannot_inject_markup():
    expanded = expand('{{< figure src="x.jpg" alt="\\"><script>alert(1)</script>" >}}').body

    assert "<script>" not in expanded
    assert "&lt;script&gt;" in expanded


def test_hugos_escaped_form_is_shown_as_the_shortcode_it_writes():
    assert expand("Use {{%/* notice */%}} like this.").body == "Use {{% notice %}} like this."


def test_a_code_fence_closed_by_a_fence_of_the_same_length_ends_there():
    body = '```\n{{< figure src="kept.png" >}}\n```\n\n{{< figure src="after.png" >}}\n'

    expanded = expand(body).body

    assert '{{< figure src="kept.png" >}}' in expanded  # inside the code block: shown as written
    assert "after.png" in expanded
    assert '{{< figure src="after.png" >}}' not in expanded  # after it: rendered


def test_backticks_on_earlier_lines_do_not_make_a_code_span_of_a_later_one():
    body = 'one `\ntwo `\n{{< figure src="shown.png" >}}\n'

    assert '{{< figure src="shown.png" >}}' not in expand(body).body


def test_a_shortcode_in_a_code_span_opened_at_the_start_of_its_line_is_shown_as_written():
    body = 'Intro\n`{{< figure src="kept.png" >}}`\n'

    assert '{{< figure src="kept.png" >}}' in expand(body).body


def test_a_pair_crossing_another_is_left_unpaired_and_the_other_still_renders():
    body = "{{< details >}}\nA\n{{< highlight go >}}\nB\n{{< /details >}}\nC\n{{< /highlight >}}\n"

    expanded = expand(body)

    assert [(warning.message, warning.line) for warning in expanded.warnings] == [
        ("`highlight` has no closing `{{< /highlight >}}`", 3),
        ("`{{< /highlight >}}` closes a shortcode that was never opened", 7),
    ]
    assert expanded.body.count("<details>") == 1
    assert expanded.body.index("A") < expanded.body.index("B") < expanded.body.index("</details>")


def test_shortcodes_inside_highlight_are_code_shown_as_written():
    expanded = expand("{{< highlight go >}}\n{{< youtube abcdefgh >}}\n{{< /highlight >}}\n")

    assert expanded.body == "\n\n```go\n{{< youtube abcdefgh >}}\n```\n\n\n"
    assert expanded.warnings == []


def test_prose_of_several_lines_before_a_fence_keeps_its_lines_and_its_shortcodes():
    body = "Watch:\nthis {{< ref a.md >}}\n```\n{{< ref a.md >}}\n```\n"

    assert expand(body).body == "Watch:\nthis /posts/a/\n```\n{{< ref a.md >}}\n```\n"


def test_a_shortcode_right_before_its_closing_takes_no_closing_into_its_arguments():
    expanded = expand("{{< figure src=a.jpg alt=cat>}}").body

    assert '<img src="a.jpg" alt="cat">' in expanded


def test_a_shortcode_after_one_that_parses_as_none_is_still_expanded():
    assert expand('{{< 1 >}} {{< ref "a.md" >}}').body == "{{< 1 >}} /posts/a/"


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        pytest.param(
            "{{</* x >}} {{< ref a.md >}} */>}} and {{</* y */>}}",
            "{{< x >}} {{< ref a.md >}} >}} and {{< y >}}",
            id="a-closing-inside-the-escaped-form",
        ),
        pytest.param(
            "{{</* x */>}}{{< ref a.md >}}",
            "{{< x >}}/posts/a/",
            id="a-shortcode-right-after-the-escaped-form",
        ),
        pytest.param(
            "{{</* x */>}} {{</* y >}} {{< ref a.md >}} */>}} {{< ref b.md >}}",
            "{{< x >}} {{< y >}} {{< ref a.md >}} >}} /posts/b/",
            id="one-escaped-form-after-another",
        ),
    ],
)
def test_what_hugos_escaped_form_encloses_is_shown_as_written_and_what_follows_it_expanded(
    body: str, shown: str
):
    assert expand(body).body == shown


def test_warnings_from_prose_on_both_sides_of_code_are_all_kept_with_their_lines():
    body = (
        "a\n{{< gist x >}}\n```\n{{< gist in code >}}\n```\nb\n{{< gist y >}}\n```\nc\n```\n{{< gist z >}}\n"
    )

    assert [warning.line for warning in expand(body).warnings] == [2, 7, 11]


def test_an_opening_after_a_lone_brace_is_found():
    assert expand('{{{< ref "a.md" >}}}').body == "{/posts/a/}"


def test_a_shortcode_left_as_written_too_deep_shows_an_escaped_opening_in_it_as_written():
    openings = "{{< details >}}\n" * MAX_SHORTCODE_DEPTH
    middle = '{{< gist "{{</*" >}} after */>}}\n'

    expanded = expand(openings + middle + "{{< /details >}}\n" * MAX_SHORTCODE_DEPTH)

    assert '{{< gist "{{</*" >}} after */>}}' in expanded.body
