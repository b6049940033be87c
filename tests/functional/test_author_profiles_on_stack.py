"""Author profiles on the local stack: authors/<key>.md through ValidateFunction's S3 events and
RenderFunction's rule, added and then removed, with the posts that name the author by CMS id."""

from __future__ import annotations

from pressroom_tools.local.stack import LocalStack

PROFILE = b"""---
name: Grace Hopper
bio: Wrote the first compiler.
id: cms-grace-1
---
"""
POST = b"""---
title: Debugging
date: 2024-05-01
author:
  - id: cms-grace-1
---
A moth in the relay.
"""


def post_page(stack: LocalStack) -> str:
    return bytes(stack.site_objects()["posts/debugging/index.html"]["body"]).decode("utf-8")


def test_a_removed_profile_stops_naming_the_posts_author(stack: LocalStack):
    # GIVEN a profile, and a post that names its author by the CMS id the profile carries
    stack.upload("authors/grace.md", PROFILE)
    stack.upload("posts/debugging.md", POST)
    assert stack.run_until_quiet().failures == []
    assert "Grace Hopper" in post_page(stack)

    # WHEN the profile is deleted
    stack.delete("authors/grace.md")
    stats = stack.run_until_quiet()

    # THEN ValidateFunction withdraws it, RenderFunction forgets it, and the post is applied again
    assert stats.failures == []
    withdrawn = [
        envelope
        for envelope in stack.observed_events()
        if envelope.get("detail-type") == "Post Withdrawn"
        and envelope["detail"]["source"]["key"] == "authors/grace.md"
    ]
    assert len(withdrawn) == 1
    assert "Grace Hopper" not in post_page(stack)
    assert "debugging" in bytes(stack.site_objects()["index.html"]["body"]).decode("utf-8")
