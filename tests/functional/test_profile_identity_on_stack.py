"""Profile identity on the local stack: a second file claiming an author (authors/ADA.md beside
authors/ada.md) is refused by RenderFunction over DynamoDB and announced; its deletion changes
nothing, and the first file's deletion frees the author for it to be uploaded again."""

from __future__ import annotations

from pressroom_tools.local.stack import LocalStack

ADA = b"""---
name: Ada Lovelace
id: cms-ada-1
---
"""
MALLORY = b"""---
name: Mallory
id: cms-ada-1
---
"""
POST = b"""---
title: Engines
date: 2024-05-01
author:
  - id: cms-ada-1
---
Notes on the engine.
"""


def post_page(stack: LocalStack) -> str:
    return bytes(stack.site_objects()["posts/engines/index.html"]["body"]).decode("utf-8")


def test_a_second_file_claiming_an_author_is_refused_and_announced_and_the_first_keeps_its_posts(
    stack: LocalStack,
):
    # GIVEN a profile, and a post that names its author by the profile's CMS id
    stack.upload("authors/ada.md", ADA)
    stack.upload("posts/engines.md", POST)
    assert stack.run_until_quiet().failures == []

    # WHEN a file whose name differs only in case claims the same author
    stack.upload("authors/ADA.md", MALLORY)
    assert stack.run_until_quiet().failures == []

    # THEN it is refused with the reasons, announced to its author, and the post is unchanged
    (notice,) = [a for a in stack.announcements() if a.kind == "rejected"]
    assert notice.subject == "Not published: ADA.md"
    assert (
        "  - the author key 'ada' (from the file name) is already claimed by authors/ada.md: rename "
        "this file, or delete authors/ada.md before uploading this file again\n"
        "  - id: the CMS id 'cms-ada-1' is already claimed by authors/ada.md: remove that id here, "
        "or delete authors/ada.md before uploading this file again\n"
    ) in notice.message
    assert "Ada Lovelace" in post_page(stack)

    # WHEN the refused file is deleted, THEN the profile stays
    stack.delete("authors/ADA.md")
    assert stack.run_until_quiet().failures == []
    assert "Ada Lovelace" in post_page(stack)

    # WHEN the first file is deleted, THEN the author is free for the other file, uploaded again
    stack.delete("authors/ada.md")
    assert stack.run_until_quiet().failures == []
    stack.upload("authors/ADA.md", MALLORY)
    assert stack.run_until_quiet().failures == []
    assert "Mallory" in post_page(stack)
    assert "Ada Lovelace" not in post_page(stack)
