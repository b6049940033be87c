"""What is said when a post is published or refused: subject, readable text, structured data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from pressroom.events import PostPublished, PostRejected

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
    name = PurePosixPath(event.source.key).name
    lines = [
        f"{event.source.key} was not published. Fix the following and upload it again:",
        "",
        *(f"  - {reason.describe()}" for reason in event.reasons),
        "",
        "The version of this post already on the site, if any, is unchanged.",
    ]
    return Announcement(
        kind=AnnouncementKind.REJECTED,
        subject=subject_line(f"Not published: {name}"),
        text="\n".join(lines) + "\n",
        data={
            "kind": AnnouncementKind.REJECTED.value,
            "source": event.source.key,
            "correlation_id": event.source.correlation_id,
            "reasons": [reason.to_wire() for reason in event.reasons],
        },
    )
