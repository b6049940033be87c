"""The render path's shortcuts give exactly what the long way gives.

RenderedBody.text and the headings are read from Markdown tokens instead of parsing the
rendered HTML again; front matter is parsed by libyaml and constructed by the same Python code;
a page rendered ahead is looked up by the post's fingerprint. Each is checked against the way
it replaces, on the project's own fixtures and on generated input.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from test_validation_fuzz import TIDY_DOCUMENTS, WILD_DOCUMENTS

from pressroom.model import Post
from pressroom.pipeline.pages import PostPages, page_fingerprint
from pressroom.reading import front_matter
from pressroom.reading.markdown import MarkdownRenderer
from pressroom.reading.validation import ValidationRules, validate_post
from pressroom.theme import Theme
from pressroom.theme.body import excerpt, excerpt_of_text, table_of_contents
from pressroom.views import Link, SiteInfo

FIXTURES = Path(__file__).parent / "fixtures"
REPOSITORY = Path(__file__).parents[2]
MARKDOWN_CASES: dict[str, dict[str, Any]] = yaml.safe_load(
    (FIXTURES / "markdown" / "cases.yaml").read_text(encoding="utf-8")
)
POST_FILES = sorted((REPOSITORY / "examples" / "posts").glob("*.m*")) + sorted(
    (FIXTURES / "validation").glob("*.m*")
)
RENDERER = MarkdownRenderer()
GENERATED = settings(max_examples=300, deadline=None, database=None, derandomize=True)

PIECES = st.sampled_from(
    [
        "## A *heading* with `code`", "### Third & level", "# Top", "Plain text.", "Text &#39;s &amp; more",
        "*em* **strong** ~~gone~~", "[a link](https://example.com)", "![an image](a.png)",
        "Footnote here[^1]", "[^1]: The note.", "- item\n- item", "1. one\n\n2. two", "> quoted",
        "> [!NOTE]\n> An alert", "| a | b |\n| --- | --- |\n| 1 | 2 |", "```python\nx = 1\n```",
        "    indented code", "Line\\\nbreak", "soft\nbreak", "<span>raw</span> html", "<div>block</div>",
        "## Heading with a note[^1]", "- [ ] task\n- [x] done", "https://www.example.com", "\\*escaped\\*",
        "## ", "Trailing  \nhard break", "&nbsp;&copy;",
    ]
)  # fmt: skip
BODIES = st.lists(PIECES, max_size=12).map("\n\n".join)


def assert_text_matches_html(body: str) -> None:
    rendered = RENDERER.render(body)
    if rendered.text is None:  # the theme reads the HTML, as before
        return
    assert excerpt_of_text(rendered.text) == excerpt(rendered.html)
    assert list(rendered.toc) == table_of_contents(rendered.toc, rendered.html)


@pytest.mark.parametrize("name", sorted(MARKDOWN_CASES))
def test_text_from_tokens_is_what_the_html_shows_for_each_markdown_case(name: str):
    assert_text_matches_html(MARKDOWN_CASES[name]["markdown"])


@pytest.mark.parametrize("path", POST_FILES, ids=lambda path: path.name)
def test_text_from_tokens_is_what_the_html_shows_for_each_post_file(path: Path):
    assert_text_matches_html(path.read_text(encoding="utf-8", errors="replace"))


@GENERATED
@given(BODIES)
def test_text_from_tokens_is_what_the_html_shows_for_generated_bodies(body: str):
    assert_text_matches_html(body)


def test_raw_html_leaves_the_text_to_the_html():
    # GIVEN a body whose raw HTML nh3 rewrites (a script's text is dropped)
    rendered = RENDERER.render("Before <script>alert(1)</script> after\n\n## Title <b>x</b>\n")

    # THEN the tokens do not pretend to know what readers see
    assert rendered.text is None


def test_the_tokens_path_is_taken_for_plain_markdown():
    # A shortcut that silently never applies would pass the comparisons above.
    rendered = RENDERER.render("Intro *here*.\n\n## One\n\nText.\n\n## Two &amp; more\n")
    assert rendered.text == "Intro here. Text. "
    assert [heading.text for heading in rendered.toc] == ["One", "Two & more"]


# --- front matter ---------------------------------------------------------------------------

RULES = ValidationRules(timezone=UTC, max_bytes=1_000_000)
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_libyaml_parses_front_matter_here():
    assert front_matter._FastLoader is not None, "PyYAML without libyaml: validation is 1.6x slower"


@pytest.mark.parametrize("path", POST_FILES, ids=lambda path: path.name)
def test_libyaml_and_python_read_each_post_file_alike(path: Path, monkeypatch: pytest.MonkeyPatch):
    data = path.read_bytes()
    fast = validate_post(f"posts/{path.name}", data, RULES, NOW)
    monkeypatch.setattr(front_matter, "_FastLoader", None)
    assert validate_post(f"posts/{path.name}", data, RULES, NOW) == fast


YAML_LINES = st.lists(
    st.sampled_from(
        [
            "title: T", "date: 2024-05-01", "tags: [a, b]", "x: &a [1, 2]", "y: *a", "n: 0x1F", "f: .inf",
            "s: 'quoted'", 'd: "esc \\" x"', "m: {k: v}", "- item", "k: |\n  block\n  text", "<<: {z: 1}",
            "title: again", "b: !!binary AAAA", "p: !!python/object:os.system x", "u: \u00e9\u4e2d", "t:\tx",
            "[unclosed", "'open", "k: v: w", "? complex", "e:", "num: 1e400", "big: " + "9" * 5000,
        ]
    ),
    max_size=8,
)  # fmt: skip


@GENERATED
@given(YAML_LINES)
def test_libyaml_and_python_give_the_same_post_or_the_same_problems(lines: list[str]):
    assert_both_parsers_agree(("---\n" + "\n".join(lines) + "\n---\nBody.\n").encode("utf-8"))


def assert_both_parsers_agree(data: bytes) -> None:
    fast = validate_post("posts/fuzz.md", data, RULES, NOW)
    slow_loader, front_matter._FastLoader = front_matter._FastLoader, None
    try:
        slow = validate_post("posts/fuzz.md", data, RULES, NOW)
    finally:
        front_matter._FastLoader = slow_loader
    assert fast == slow


# --- pages rendered ahead -------------------------------------------------------------------


def seed_post() -> Post:
    path = REPOSITORY / "examples" / "posts" / "uk-ai-opportunities-action-plan.md"
    post = validate_post("posts/seed.md", path.read_bytes(), RULES, NOW)
    assert isinstance(post, Post)
    return post


def test_a_page_rendered_ahead_is_used_for_that_post_only():
    pages = PostPages(Theme(SiteInfo(title="Field Notes", base_url="https://blog.example.com")), RENDERER)
    post = seed_post()
    edited = replace(post, body=post.body + "\nOne more line.\n")
    pages.prerendered = {page_fingerprint(post, ()): "<p>rendered ahead</p>"}

    assert pages.render(post, ()) == "<p>rendered ahead</p>"
    assert "One more line." in pages.render(edited, ())
    assert page_fingerprint(edited, ()) != page_fingerprint(post, ())


def test_a_page_rendered_ahead_with_another_menu_is_rendered_again():
    pages = PostPages(Theme(SiteInfo(title="Field Notes", base_url="https://blog.example.com")), RENDERER)
    post = seed_post()
    menu = (Link("About", "/about/"),)
    pages.prerendered = {page_fingerprint(post, ()): "<p>rendered ahead, without a menu</p>"}

    page = pages.render(post, menu)

    assert page != "<p>rendered ahead, without a menu</p>"
    assert 'href="/about/"' in page


@GENERATED
@given(WILD_DOCUMENTS | TIDY_DOCUMENTS)
def test_libyaml_and_python_agree_on_the_validation_fuzz_documents(text: str):
    assert_both_parsers_agree(text.encode("utf-8"))
