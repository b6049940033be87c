"""Data-file cases for dates as Jekyll and Hugo accept them: a post in fixtures/dates, and beside
it the HTML its page must contain (every line of the .html file), with the site in UTC.

Add a case by adding both files; a post without its .html fails, so no case goes unchecked.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from world import World

from pressroom.events import DetailType

CASES = Path(__file__).parent / "fixtures" / "dates"
POSTS = sorted(CASES.glob("*.md"))


def test_every_case_has_its_expected_html():
    assert len(POSTS) >= 7
    assert [post.name for post in POSTS if not post.with_suffix(".html").is_file()] == []


@pytest.mark.parametrize("post", POSTS, ids=[post.stem for post in POSTS])
def test_the_page_shows_the_date_as_read(post: Path):
    world = World()

    assert world.publish(f"posts/{post.name}", post.read_bytes()) is DetailType.POST_PUBLISHED

    (page_key,) = [
        key for key in world.site.objects if key.startswith("posts/") and key.endswith("/index.html")
    ]
    page = world.site.text(page_key)
    expected = [line for line in post.with_suffix(".html").read_text(encoding="utf-8").splitlines() if line]
    assert [line for line in expected if line not in page] == []
