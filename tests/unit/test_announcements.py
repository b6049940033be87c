"""Announcements: SNS-safe subjects, and texts that tell readers and authors what happened."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pressroom.announcements import (
    MAX_SUBJECT_LENGTH,
    AnnouncementKind,
    announce_image_refusal,
    announce_publication,
    announce_rejection,
    subject_line,
)
from pressroom.events import ImageRejected, PostMetadata, PostPublished, PostRejected, Reason, SourceObject
from pressroom.model import PostStatus

SOURCE = SourceObject(bucket="uploads", key="posts/2024/ada's-post.md", version_id="v1", sequencer="00AB")


def is_sns_subject(subject: str) -> bool:
    """SNS: printable ASCII, no line breaks, under 100 characters, starting with a visible character."""
    return (
        0 < len(subject) < 100 and subject.isascii() and subject.isprintable() and subject == subject.strip()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("New post: Hello", "New post: Hello", id="plain"),
        pytest.param("New post: Café déjà vu", "New post: Cafe deja vu", id="accents-folded"),
        pytest.param("Line one\nLine two\r\n\tLine three", "Line one Line two Line three", id="line-breaks"),
        pytest.param("Bell\x07 and\x7fdelete", "Bell and delete", id="control-characters"),
        pytest.param("  spaced   out  ", "spaced out", id="whitespace-collapsed"),
        pytest.param("日本語", "pressroom", id="nothing-ascii-left"),
        pytest.param("", "pressroom", id="empty"),
    ],
)
def test_subject_line(text: str, expected: str):
    assert subject_line(text) == expected


def test_long_subject_is_cut_with_an_ellipsis_under_100_characters():
    subject = subject_line("New post: " + "word " * 40)

    assert len(subject) == MAX_SUBJECT_LENGTH
    assert subject.endswith("...")
    assert subject.startswith("New post: word word")
    assert is_sns_subject(subject)


def test_subject_of_exactly_99_characters_is_kept_whole():
    assert subject_line("x" * 99) == "x" * 99
    assert subject_line("x" * 100) == "x" * 96 + "..."


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(max_size=300))
def test_subject_line_always_satisfies_sns(text: str):
    assert is_sns_subject(subject_line(text))


def published(*, update: bool, **post: object) -> PostPublished:
    values: dict[str, object] = {
        "slug": "ada-post",
        "title": "Ada's «analytical» engine",
        "date": datetime(2024, 5, 1, tzinfo=UTC),
        "status": PostStatus.PUBLISHED,
    }
    values.update(post)
    return PostPublished(
        source=SOURCE,
        post=PostMetadata(**values),  # type: ignore[arg-type]
        url="https://blog.example.com/posts/ada-post/",
        path="/posts/ada-post/",
        update=update,
    )


def test_first_publication_is_announced_as_a_new_post():
    # GIVEN a post published for the first time, with a summary and authors
    event = published(
        update=False, summary="Notes on the engine.", authors=["Ada Lovelace", "Charles Babbage"]
    )

    # WHEN it is announced
    announcement = announce_publication(event)

    # THEN the subject says it is new, and the text gives title, link, summary and authors
    assert announcement.kind is AnnouncementKind.PUBLISHED
    assert announcement.subject == "New post: Ada's analytical engine"
    assert announcement.text == (
        "Ada's «analytical» engine\n\n"
        "https://blog.example.com/posts/ada-post/\n\n"
        "Notes on the engine.\n\n"
        "By Ada Lovelace, Charles Babbage\n"
    )
    assert announcement.data["kind"] == "published"
    assert announcement.data["url"] == "https://blog.example.com/posts/ada-post/"
    assert announcement.data["date"] == "2024-05-01T00:00:00+00:00"
    assert announcement.data["source"] == SOURCE.key


def test_republication_is_announced_as_an_update():
    announcement = announce_publication(published(update=True))

    assert announcement.kind is AnnouncementKind.UPDATED
    assert announcement.subject == "Updated: Ada's analytical engine"
    assert announcement.data["kind"] == "updated"
    # Without a summary or authors, the text is just title and link.
    assert announcement.text == "Ada's «analytical» engine\n\nhttps://blog.example.com/posts/ada-post/\n"


def test_rejection_names_the_file_and_lists_every_reason():
    # GIVEN an upload refused for three reasons
    reasons = [
        Reason(message="the post has no title", field="title"),
        Reason(message="'2024-13-45' is not a real date", field="date"),
        Reason(message="the front matter is not valid YAML: bad indent", line=4, column=3),
    ]
    event = PostRejected(source=SOURCE, reasons=reasons)

    # WHEN it is announced
    announcement = announce_rejection(event)

    # THEN the subject names the file and the text names the upload and every reason, located
    assert announcement.kind is AnnouncementKind.REJECTED
    assert announcement.subject == "Not published: ada's-post.md"
    assert is_sns_subject(announcement.subject)
    assert announcement.text.startswith(f"{SOURCE.key} was not published.")
    for line in (
        "  - title: the post has no title",
        "  - date: '2024-13-45' is not a real date",
        "  - line 4, column 3: the front matter is not valid YAML: bad indent",
    ):
        assert line in announcement.text.splitlines()
    assert "unchanged" in announcement.text
    assert announcement.data["source"] == SOURCE.key
    assert [reason["message"] for reason in announcement.data["reasons"]] == [r.message for r in reasons]
    assert announcement.data["reasons"][2] == {
        "message": "the front matter is not valid YAML: bad indent",
        "field": None,
        "line": 4,
        "column": 3,
    }


def test_rejection_subject_for_an_unwieldy_file_name_is_still_sns_safe():
    source = SourceObject(bucket="uploads", key="posts/" + "ünïcödé\n" * 30 + ".md")

    announcement = announce_rejection(PostRejected(source=source, reasons=[Reason(message="x")]))

    assert is_sns_subject(announcement.subject)
    assert announcement.subject.startswith("Not published: unicode unicode")


def test_an_image_not_resized_is_announced_as_published_as_uploaded_with_the_reason():
    source = SourceObject(bucket="uploads", key="posts/cats/huge.png", version_id="v1", etag="e1")
    reason = "it is 20,000 by 20,000 pixels, over the 40 megapixels pressroom resizes"

    announcement = announce_image_refusal(ImageRejected(source=source, reasons=[Reason(message=reason)]))

    assert announcement.kind is AnnouncementKind.REJECTED  # webhooks that take rejections hear of it
    assert announcement.subject == "Image not resized: huge.png"
    assert announcement.text.startswith("posts/cats/huge.png is on the site as uploaded, but no smaller")
    assert f"  - {reason}" in announcement.text.splitlines()
    assert "Upload a smaller or repaired image" in announcement.text
    assert announcement.data == {
        "kind": "rejected",
        "source": "posts/cats/huge.png",
        "correlation_id": source.correlation_id,
        "reasons": [{"message": reason, "field": None, "line": None, "column": None}],
        "published": True,
    }
