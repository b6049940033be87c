"""A post's life on the local stack: published, edited, broken, fixed, deleted."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import EXAMPLES, SHARED_POST

from pressroom_tools.local.stack import LocalStack

KEY = "posts/uk-ai-opportunities-action-plan.md"
PAGE = "posts/uk-ai-opportunities-action-plan/index.html"


def html(stack: LocalStack, key: str) -> str:
    return str(stack.site_objects()[key]["body"].decode("utf-8"))


@pytest.fixture
def site(stack: LocalStack) -> Any:
    """The examples published on a fresh local stack, announcements already read."""
    stack.upload_posts(EXAMPLES)
    stats = stack.run_until_quiet()
    assert stats.failures == []
    stack.announcements()
    return stack


def test_an_edit_replaces_the_page_and_is_announced_as_an_update(site: Any):
    edited = SHARED_POST.read_bytes().replace(b"## Strategic Priorities", b"## Our Strategic Priorities")
    site.upload(KEY, edited)
    site.run_until_quiet()

    assert '<h2 id="our-strategic-priorities">Our Strategic Priorities</h2>' in html(site, PAGE)
    announcements = site.announcements()[-1:]
    assert [(a.kind, a.subject) for a in announcements] == [
        ("updated", "Updated: Our Response to the UK Government's AI Opportunities Action Plan")
    ]


def test_a_broken_update_leaves_the_live_page_and_tells_the_author_why(site: Any):
    before = html(site, PAGE)
    site.upload(KEY, b"---\ntitle: [unclosed\n---\n\nOops.\n")

    stats = site.run_until_quiet()

    assert stats.failures == []
    assert html(site, PAGE) == before
    (notice,) = site.announcements()[-1:]
    assert notice.kind == "rejected"
    assert "posts/uk-ai-opportunities-action-plan.md was not published" in notice.message
    assert "line 2" in notice.message
    outcome = next(o for o in site.outcomes() if o.source == KEY)
    assert outcome.status.value == "rejected"


def test_deleting_the_source_unpublishes_the_post(site: Any):
    site.delete(KEY)
    site.run_until_quiet()

    objects = site.site_objects()
    assert PAGE not in objects
    assert "uk-ai-opportunities-action-plan" not in objects["index.html"]["body"].decode()
    assert "/posts/writing-in-jekyll-style/" in objects["index.html"]["body"].decode()
    outcome = next(o for o in site.outcomes() if o.source == KEY)
    assert outcome.status.value == "withdrawn"


def test_a_post_that_becomes_a_draft_leaves_the_site(site: Any):
    draft = SHARED_POST.read_bytes().replace(b'layout: "post"\n', b'layout: "post"\ndraft: true\n', 1)
    site.upload(KEY, draft)
    site.run_until_quiet()

    assert PAGE not in site.site_objects()
    outcome = next(o for o in site.outcomes() if o.source == KEY)
    assert outcome.status.value == "draft"


EXPECTED_TYPES = {
    ".png": "image/png",
    ".webp": "image/webp",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
}


def test_every_object_has_its_type_with_charset_and_a_fitting_cache_life(site: Any):
    objects = site.site_objects()
    assert objects["atom.xml"]["content_type"] == "application/atom+xml; charset=utf-8"
    assert objects["rss.xml"]["content_type"] == "application/rss+xml; charset=utf-8"
    for key, item in objects.items():
        if key not in ("atom.xml", "rss.xml"):
            assert item["content_type"] == EXPECTED_TYPES[key[key.rfind(".") :]], key
        if key.startswith(("assets/theme/", "_images/")):  # named after their content
            assert item["cache_control"] == "public, max-age=31536000, immutable", key
        elif key.endswith(".png"):  # an uploaded image: not fingerprinted, invalidated on change
            assert item["cache_control"] == "public, max-age=86400", key
        else:
            assert item["cache_control"] == "public, max-age=60, s-maxage=60", key
