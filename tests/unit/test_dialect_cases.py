"""Data-file cases for bodies written for Hugo or Jekyll: a post in fixtures/dialects, beside it the HTML its
page must contain (every line of the .html file), and the warnings it must be published with
(the .warnings file, one per line; none when there is no such file).

Add a case by adding the files; a post without its .html fails, so no case goes unchecked.
Whatever the case, no shortcode syntax may reach readers outside code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from world import NOW, RULES, lines_missing, published_case

from pressroom.model import Post
from pressroom.reading.validation import validate_post

CASES = Path(__file__).parent / "fixtures" / "dialects"
POSTS = sorted(CASES.glob("*.md"))
_CODE = re.compile(r"<(pre|code)\b.*?</\1>", re.DOTALL)


def test_every_case_has_its_expected_html():
    assert len(POSTS) >= 10
    assert [post.name for post in POSTS if not post.with_suffix(".html").is_file()] == []


@pytest.mark.parametrize("post", POSTS, ids=[post.stem for post in POSTS])
def test_the_page_is_what_hugo_would_give_and_shows_no_syntax_outside_code(post: Path):
    page = published_case(post)

    assert lines_missing(page, post.with_suffix(".html")) == []
    main = page[page.index("<main") : page.index("</main>")]
    prose = _CODE.sub("", main)  # what readers see as text; code shows what its author wrote
    assert "{{&lt;" not in prose
    assert "{{<" not in prose
    assert "{{%" not in prose


@pytest.mark.parametrize("post", POSTS, ids=[post.stem for post in POSTS])
def test_what_is_left_out_is_a_warning_naming_it_and_its_line(post: Path):
    validated = validate_post(f"posts/{post.name}", post.read_bytes(), RULES, NOW)

    assert isinstance(validated, Post)
    expected_file = post.with_suffix(".warnings")
    expected = expected_file.read_text(encoding="utf-8").splitlines() if expected_file.is_file() else []
    assert [warning.describe() for warning in validated.warnings] == expected
