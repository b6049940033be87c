"""Pages on the local stack: the S3 events for pages/, the SITEPAGES rows in DynamoDB, and
the republish AggregateFunction asks for (through the bus and RenderFunction's rule) when the
navigation changes."""

from __future__ import annotations

from pressroom_tools.local.stack import LocalStack

POST = b"""---
title: A post
date: 2024-05-01
---
Words.
"""
ABOUT = b"""---
title: About
menu: main
---
Who we are.
"""
NAVIGATION_LINK = '<li><a href="/about/">About</a></li>'


def html(stack: LocalStack, key: str) -> str:
    return bytes(stack.site_objects()[key]["body"]).decode("utf-8")


def navigation_republishes(stack: LocalStack) -> int:
    """How many republishes AggregateFunction asked for since the last call."""
    return sum(
        envelope.get("detail-type") == "Republish Requested"
        and envelope.get("source") == "pressroom.aggregate"
        for envelope in stack.observer.observed_events()
    )


def test_a_menu_page_reaches_every_page_and_leaves_it_when_deleted(stack: LocalStack):
    stack.upload("posts/a-post.md", POST)
    stack.run_until_quiet()
    assert NAVIGATION_LINK not in html(stack, "posts/a-post/index.html")

    stack.upload("pages/about.md", ABOUT)
    stack.run_until_quiet()

    assert "Who we are." in html(stack, "about/index.html")
    for key in ("posts/a-post/index.html", "index.html", "404.html"):
        assert NAVIGATION_LINK in html(stack, key), key
    assert navigation_republishes(stack) == 1
    assert "/about/" in html(stack, "sitemaps/pages.xml")

    stack.delete("pages/about.md")
    stack.run_until_quiet()

    objects = stack.site_objects()
    assert "about/index.html" not in objects
    assert NAVIGATION_LINK not in html(stack, "posts/a-post/index.html")
    assert "/about/" not in html(stack, "sitemaps/pages.xml")
    assert navigation_republishes(stack) == 1


def test_editing_a_pages_text_rebuilds_it_without_a_republish(stack: LocalStack):
    stack.upload("pages/about.md", ABOUT)
    stack.run_until_quiet()
    assert navigation_republishes(stack) == 1

    stack.upload("pages/about.md", ABOUT.replace(b"Who we are.", b"Who we really are."))
    stack.run_until_quiet()

    assert "Who we really are." in html(stack, "about/index.html")
    assert navigation_republishes(stack) == 0
