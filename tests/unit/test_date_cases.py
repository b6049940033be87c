"""Data-file cases for dates as Jekyll and Hugo accept them: a post in fixtures/dates, and beside
it the HTML its page must contain (every line of the .html file), with the site in UTC.

Add a case by adding both files; a post without its .html fails, so no case goes unchecked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from world import lines_missing, published_case

CASES = Path(__file__).parent / "fixtures" / "dates"
POSTS = sorted(CASES.glob("*.md"))


def test_every_case_has_its_expected_html():
    assert len(POSTS) >= 7
    assert [post.name for post in POSTS if not post.with_suffix(".html").is_file()] == []


@pytest.mark.parametrize("post", POSTS, ids=[post.stem for post in POSTS])
def test_the_page_shows_the_date_as_read(post: Path):
    page = published_case(post)

    assert lines_missing(page, post.with_suffix(".html")) == []
