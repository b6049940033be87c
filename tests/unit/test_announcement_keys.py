"""What makes two announcements the same one: duplicates of an event are announced once, and a
receiver sees the same delivery id on every retry."""

from __future__ import annotations

import pytest

from pressroom.events import SourceObject
from pressroom.pipeline.notify import announcement_key, delivery_id


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            SourceObject(bucket="uploads", key="posts/a.md", version_id="v1", sequencer="0A", etag="e1"),
            "Post Published|uploads|posts/a.md|0A",
        ),
        (
            SourceObject(bucket="uploads", key="posts/a.md", version_id="v1", etag="e1"),
            "Post Published|uploads|posts/a.md|v1",
        ),
        (SourceObject(bucket="uploads", key="posts/a.md", etag="e1"), "Post Published|uploads|posts/a.md|e1"),
        (SourceObject(bucket="uploads", key="posts/a.md"), "Post Published|uploads|posts/a.md|unversioned"),
    ],
)
def test_a_publication_is_announced_once_per_version_of_the_post(source: SourceObject, expected: str):
    assert announcement_key("Post Published", source) == expected


def test_uploading_the_same_broken_bytes_again_is_not_announced_again():
    first = SourceObject(bucket="uploads", key="posts/a.md", version_id="v1", sequencer="0A", etag="e1")
    again = SourceObject(bucket="uploads", key="posts/a.md", version_id="v2", sequencer="0B", etag="e1")

    assert announcement_key("Post Rejected", first) == "Post Rejected|uploads|posts/a.md|etag:e1"
    assert announcement_key("Post Rejected", again) == "Post Rejected|uploads|posts/a.md|etag:e1"


def test_a_rejection_without_an_etag_is_announced_once_per_version():
    source = SourceObject(bucket="uploads", key="posts/a.md", version_id="v1", sequencer="0A")

    assert announcement_key("Post Rejected", source) == "Post Rejected|uploads|posts/a.md|0A"


def test_the_delivery_id_is_the_same_for_every_retry_to_one_channel():
    # printf 'Post Published|uploads|posts/a.md|0000000000000001|webhook:ci' | sha256sum, first 32
    key = "Post Published|uploads|posts/a.md|0000000000000001"

    assert delivery_id(key, "webhook:ci") == "4e4d57f2c146c28c8c95ee59442876a1"


def test_the_same_unresizable_image_uploaded_again_is_not_announced_again():
    first = SourceObject(bucket="uploads", key="assets/a.png", version_id="v1", etag="e1")
    again = SourceObject(bucket="uploads", key="assets/a.png", version_id="v2", etag="e1")

    assert announcement_key("Image Rejected", first) == "Image Rejected|uploads|assets/a.png|etag:e1"
    assert announcement_key("Image Rejected", again) == "Image Rejected|uploads|assets/a.png|etag:e1"
