"""What is said when a post is published or refused, or an image is not resized: subject, readable
text, structured data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from pressroom.events import ImageRejected, PostPublished, PostRejected

# SNS subjects must be printable ASCII, without line breaks, under 100 characters.
MAX_SUBJECT_LENGTH = 99


class AnnouncementKind(StrEnum):
    PUBLISHED = "published"
    UPDATED = "updated"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Announcement:
    kind: AnnouncementKind
    subject: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def subject_line(text: str) -> str:
    """Fit text to SNS's subject rules: printable ASCII on one line, under 100 characters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    one_line = " ".join("".join(ch if ch.isprintable() else " " for ch in ascii_text).split())
    if len(one_line) > MAX_SUBJECT_LENGTH:
        one_line = one_line[: MAX_SUBJECT_LENGTH - 3].rstrip() + "..."
    return one_line or "pressroom"


def announce_publication(event: PostPublished) -> Announcement:
    post = event.post
    kind = AnnouncementKind.UPDATED if event.update else AnnouncementKind.PUBLISHED
    verb = "Updated" if event.update else "New post"
    lines = [post.title, "", event.url]
    if post.summary:
        lines += ["", post.summary]
    if post.authors:
        lines += ["", "By " + ", ".join(post.authors)]
    if post.warnings:
        lines += ["", "Published with warnings:", *(f"- {warning}" for warning in post.warnings)]
    return Announcement(
        kind=kind,
        subject=subject_line(f"{verb}: {post.title}"),
        text="\n".join(lines) + "\n",
        data={
            "kind": kind.value,
            "title": post.title,
            "url": event.url,
            "path": event.path,
            "slug": post.slug,
            "summary": post.summary,
            "authors": post.authors,
            "tags": post.tags,
            "date": post.date.isoformat() if post.date else None,
            "warnings": post.warnings,
            "source": event.source.key,
            "correlation_id": event.source.correlation_id,
        },
    )


def announce_rejection(event: PostRejected) -> Announcement:
    return _refusal(
        event,
        subject="Not published",
        opening=[f"{event.source.key} was not published. Fix the following and upload it again:"],
        closing="The version of this post already on the site, if any, is unchanged.",
    )


def announce_image_refusal(event: ImageRejected) -> Announcement:
    """An image published as uploaded, without smaller copies: its author can do better."""
    return _refusal(
        event,
        subject="Image not resized",
        opening=[
            f"{event.source.key} is on the site as uploaded, but no smaller copies of it were made for",
            "small screens:",
        ],
        closing="Pages show the image as uploaded. Upload a smaller or repaired image to have it resized.",
        published=True,
    )


def _refusal(
    event: PostRejected | ImageRejected,
    subject: str,
    opening: list[str],
    closing: str,
    published: bool = False,
) -> Announcement:
    lines = [*opening, "", *(f"  - {reason.describe()}" for reason in event.reasons), "", closing]
    data: dict[str, Any] = {
        "kind": AnnouncementKind.REJECTED.value,
        "source": event.source.key,
        "correlation_id": event.source.correlation_id,
        "reasons": [reason.to_wire() for reason in event.reasons],
    }
    if published:
        data["published"] = True
    return Announcement(
        kind=AnnouncementKind.REJECTED,
        subject=subject_line(f"{subject}: {PurePosixPath(event.source.key).name}"),
        text="\n".join(lines) + "\n",
        data=data,
    )
