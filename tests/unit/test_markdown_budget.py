"""A body's Markdown is rendered in bounded time: what runs over is shown plainer, and said.

Each hostile input here takes minutes without its bound; the tests run it under an outer
`time_limit` so that, unbounded, they fail instead of hanging the suite.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pressroom.budgets import OverBudgetError, time_limit
from pressroom.reading import markdown
from pressroom.reading.markdown import MarkdownRenderer

# Pygments' TADS 3 lexer backtracks exponentially on a `//` comment of backslashes with no end
# (pygments#3311): 40 of them take hours.
BACKTRACKING_TADS = "extern //" + "\\" * 40


def test_a_code_block_that_backtracks_is_shown_without_colours_and_said_with_its_line():
    body = f"Intro\n\n```tads3\n{BACKTRACKING_TADS}\n```\n\n```python\nprint(1)\n```\n"
    with time_limit(30, "the test"):
        rendered = MarkdownRenderer().render(body)
    assert "<p>Intro</p>" in rendered.html
    assert '<pre><code class="language-tads3">extern //' in rendered.html  # plain, escaped
    assert '<pre><code class="language-python">print(1)' in rendered.html  # after it: plain too
    assert 'class="highlight"' not in rendered.html
    [warning] = rendered.warnings
    assert warning.line == 3
    assert "tads3 code block took too long to highlight" in warning.message
    assert "shown without colours" in warning.message


def test_code_blocks_are_highlighted_while_the_budget_lasts():
    body = "```python\nprint(1)\n```\n\n```tads3\n" + BACKTRACKING_TADS + "\n```\n"
    with time_limit(30, "the test"):
        rendered = MarkdownRenderer().render(body)
    assert '<pre class="highlight"><code class="language-python">' in rendered.html
    assert [warning.line for warning in rendered.warnings] == [5]


def test_a_body_that_renders_too_long_is_published_as_its_plain_text(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(markdown, "MARKDOWN_SECONDS", 0.2)
    body = "A <b>first</b> paragraph\nof two lines.\n\n" + "[" * 300_000
    with time_limit(30, "the test"):
        rendered = MarkdownRenderer().render(body)
    assert rendered.html.startswith("<p>A &lt;b&gt;first&lt;/b&gt; paragraph of two lines.</p>\n<p>[[[")
    assert rendered.toc == ()
    assert rendered.words == 7
    [warning] = rendered.warnings
    assert "its Markdown took too long to render (over 0.2 s)" in warning.message
    assert "shown as plain text" in warning.message


def test_an_outer_budget_running_out_while_highlighting_is_not_taken_for_the_highlighting():
    body = "```tads3\n" + BACKTRACKING_TADS + "\n```\n"
    with pytest.raises(OverBudgetError) as raised, time_limit(0.3, "the whole render"):
        MarkdownRenderer().render(body)
    assert raised.value.step == "the whole render"


def test_task_items_are_labelled_in_linear_time():
    parser = MarkdownRenderer()._parser
    tokens = parser.parse("- [ ] a task\n" * 40_000)
    with time_limit(5, "labelling 40,000 task items"):  # quadratic, this took about 25 s
        markdown._label_task_items(SimpleNamespace(tokens=tokens))  # type: ignore[arg-type]
    labelled = [token.meta["label"] for token in tokens if token.type == "list_item_open"]
    assert labelled == ["a task"] * 40_000


def test_a_task_items_label_is_its_first_200_characters():
    html = MarkdownRenderer().render("- [ ] " + "abcd" * 75).html

    assert f'aria-label="{"abcd" * 50}"' in html


def test_raw_html_nested_deeper_than_the_sanitiser_can_afford_is_published_as_text():
    body = "Intro\n\n" + "<div>" * 100_000 + "deep"  # the sanitiser: minutes
    with time_limit(30, "the test"):
        rendered = MarkdownRenderer().render(body)
    assert rendered.html.startswith("<p>Intro</p>\n<p>&lt;div&gt;&lt;div&gt;")
    [warning] = rendered.warnings
    assert f"its HTML nests elements more than {markdown.MAX_HTML_NESTING} deep" in warning.message


def test_html_nested_to_the_limit_is_kept():
    depth = markdown.MAX_HTML_NESTING
    rendered = MarkdownRenderer().render("<div>" * depth + "deep" + "</div>" * depth)
    assert rendered.warnings == ()
    assert rendered.html.count("<div>") == depth


@pytest.mark.parametrize(
    ("html", "depth"),
    [
        ("<div><p>a<p>b<ul><li>x<li>y</ul></div>", 2),  # p and li close themselves
        ("<div><br><img src=x><hr></div>", 1),  # void elements hold nothing
        ("</div></div><div>", 1),  # stray end tags do not go below the top
        ("<div><div><div></div><div><div>x</div></div></div></div>", 4),  # an end tag closes one
        ("<section><DIV class='a'><span>x</span></DIV></section>", 3),
        ("<div " * 1000, 0),  # a tag never closed by > is not a tag
    ],
)
def test_html_depth_counts_what_nests(html: str, depth: int):
    assert markdown.html_depth(html) == depth


def test_sanitising_html_too_deep_keeps_only_its_text():
    html = "<div>" * (markdown.MAX_HTML_NESTING + 1) + "<b>deep</b><script>x</script>"
    with time_limit(30, "the test"):
        assert MarkdownRenderer().sanitize(html) == "deep"


def test_sanitising_html_nested_to_the_limit_keeps_its_elements():
    depth = markdown.MAX_HTML_NESTING - 1  # and the <b> inside: the limit exactly
    html = "<div>" * depth + "<b>deep</b>" + "</div>" * depth
    assert markdown.html_depth(html) == markdown.MAX_HTML_NESTING
    assert MarkdownRenderer().sanitize(html) == html
