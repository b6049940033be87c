"""`aws s3 mv posts/a.md posts/b.md` keeps the post online, whichever event S3 delivers first.

A move is a copy then a delete, reported as two events that may be handled in either order.
When the copy is handled first it is refused (the original still owns the slug) and waits;
the original's withdrawal releases the slug and publishes the copy.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from helpers import load_event

from pressroom.adapters.catalogue import Catalogue
from pressroom.catalogue import SlugWaiter
from pressroom_tools.local.stack import LocalStack

POST = b"""---
title: A post that moves
date: 2024-05-01
slug: moving
---
Same words, new file name.
"""
PAGE = "posts/moving/index.html"


def move(stack: LocalStack, source: str, target: str, *, copy_first: bool) -> None:
    """What `aws s3 mv` does (CopyObject, then DeleteObject), the pipeline running in between in
    the order asked for."""
    bucket = stack.output("UploadsBucketName")
    if copy_first:
        stack.s3.copy_object(Bucket=bucket, Key=target, CopySource={"Bucket": bucket, "Key": source})
        stack.run_until_quiet()
        stack.s3.delete_object(Bucket=bucket, Key=source)
    else:
        stack.s3.delete_object(Bucket=bucket, Key=source)
        stack.run_until_quiet()
        stack.s3.copy_object(
            Bucket=bucket,
            Key=target,
            CopySource={"Bucket": bucket, "Key": source, "VersionId": version_of(stack, source)},
        )
    stack.run_until_quiet()


def version_of(stack: LocalStack, key: str) -> str:
    """The newest real version of a key (its delete marker aside)."""
    listing = stack.s3.list_object_versions(Bucket=stack.output("UploadsBucketName"), Prefix=key)
    return str(next(v["VersionId"] for v in listing["Versions"] if v["Key"] == key))


@pytest.mark.parametrize("copy_first", [True, False], ids=["copy-then-delete", "delete-then-copy"])
def test_a_moved_post_stays_published_under_its_slug(stack: LocalStack, copy_first: bool):
    stack.upload("posts/before.md", POST)
    stack.run_until_quiet()
    assert PAGE in stack.site_objects()

    move(stack, "posts/before.md", "posts/after.md", copy_first=copy_first)

    assert b"A post that moves" in stack.site_objects()[PAGE]["body"]
    outcome = {o.source: o.status.value for o in stack.outcomes()}
    assert outcome["posts/after.md"] == "published"
    assert outcome["posts/before.md"] == "withdrawn"
    owner = stack.session.client("dynamodb").get_item(
        TableName=stack.output("PostsTableName"), Key={"pk": {"S": "POST#moving"}, "sk": {"S": "POST"}}
    )["Item"]["sourceKey"]["S"]
    assert owner == "posts/after.md"
    kinds = [announcement.kind for announcement in stack.announcements()]
    assert kinds == (["published", "rejected", "updated"] if copy_first else ["published", "published"])


def test_the_catalogue_keeps_the_newest_refusal_of_a_key_whatever_order_they_arrive_in(stack: LocalStack):
    catalogue = Catalogue(stack.session.client("dynamodb"), stack.output("PostsTableName"), stack.clock)
    waiter = SlugWaiter("posts/b.md", "taken", "0055A", "v1")

    assert catalogue.record_rejection("posts/b.md", "0055B", ["broken front matter"])
    assert not catalogue.record_rejection("posts/b.md", "0055A", ["slug taken"], waiter)  # late, older

    assert catalogue.slug_waiter("taken") is None
    (row,) = [row for row in catalogue.statuses() if row["sk"] == "posts/b.md"]
    assert (row["sequencer"], row["reasons"]) == ("0055B", ["broken front matter"])
    assert catalogue.record_rejection(
        "posts/b.md", "0055C", ["slug taken"], replace(waiter, sequencer="0055C")
    )
    assert catalogue.slug_waiter("taken") == replace(waiter, sequencer="0055C")


def test_the_sample_handover_event_is_one_render_function_takes(stack: LocalStack):
    invocation = stack.invoke("RenderFunction", load_event("render-slug-released.json"))

    assert invocation.succeeded, invocation.error
    stack.run_until_quiet()
    assert stack.announcements() == []  # nothing waits for that slug in an empty stack
