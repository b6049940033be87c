"""What a local run did to each post, and what it announced, for people and for machines."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pressroom.aggregates import author_listing, listing_path
from pressroom.events import DetailType, Reason


class OutcomeStatus(StrEnum):
    PUBLISHED = "published"
    REJECTED = "rejected"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    PENDING = "pending"
    SKIPPED = "skipped"


_NOT_LIVE = ("draft", "scheduled", "expired")


@dataclass
class PostOutcome:
    source: str
    status: OutcomeStatus
    slug: str | None = None
    path: str | None = None
    url: str | None = None
    title: str | None = None
    date: str | None = None
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # published, but with something left out

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "status": self.status.value}


@dataclass(frozen=True)
class AnnouncementRecord:
    kind: str
    subject: str
    message: str
    correlation_id: str = ""  # the upload announced (key@version), as in every function's logs

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class OutcomeBook:
    """Builds each post's outcome from the bus events the local stack observed, in order."""

    def __init__(self) -> None:
        self._outcomes: dict[str, PostOutcome] = {}
        self.announcements: list[AnnouncementRecord] = []

    def skip(self, name: str, reason: str) -> None:
        self._outcomes[name] = PostOutcome(source=name, status=OutcomeStatus.SKIPPED, reasons=[reason])

    def record_event(self, envelope: dict[str, Any]) -> None:
        detail = envelope.get("detail", {})
        key = (detail.get("source") or {}).get("key")
        if not key:
            return
        outcome = self._outcomes.setdefault(key, PostOutcome(source=key, status=OutcomeStatus.PENDING))
        detail_type = envelope.get("detail-type")
        post = detail.get("post", {})
        if detail_type == DetailType.POST_VALIDATED:
            outcome.slug, outcome.title, outcome.reasons = post.get("slug"), post.get("title"), []
            outcome.date, outcome.warnings = post.get("date"), list(post.get("warnings", []))
            status = post.get("status")
            if status in _NOT_LIVE:
                outcome.status = OutcomeStatus(status)
                outcome.path = outcome.url = None
            elif outcome.status is not OutcomeStatus.PUBLISHED:
                # A live post re-uploaded byte for byte is validated, then changes nothing: still live.
                outcome.status = OutcomeStatus.PENDING
        elif detail_type == DetailType.POST_PUBLISHED:
            outcome.status = OutcomeStatus.PUBLISHED
            outcome.slug, outcome.title = post.get("slug"), post.get("title")
            outcome.path, outcome.url = detail.get("path"), detail.get("url")
            outcome.warnings = list(post.get("warnings", []))
        elif detail_type == DetailType.AUTHOR_VALIDATED:
            author = detail.get("author", {})
            outcome.status, outcome.reasons = OutcomeStatus.PUBLISHED, []
            outcome.slug, outcome.title = author.get("key"), author.get("name")
            outcome.path = listing_path(author_listing(str(author.get("name", ""))))
        elif detail_type == DetailType.POST_REJECTED:
            outcome.status = OutcomeStatus.REJECTED
            outcome.reasons = [Reason.parse(r).describe() for r in detail.get("reasons", [])]
        elif detail_type == DetailType.POST_WITHDRAWN:
            outcome.status = OutcomeStatus.WITHDRAWN
            outcome.path = outcome.url = None
        elif detail_type == DetailType.POST_UNPUBLISHED:
            outcome.status = OutcomeStatus(detail.get("reason", "withdrawn"))
            outcome.path = outcome.url = None

    def record_announcement(self, notification: dict[str, Any]) -> None:
        """An SNS notification as a queue subscriber gets it: the structured (JSON) message."""
        attributes = notification.get("MessageAttributes", {})
        message = notification.get("Message", "")
        try:
            structured = json.loads(message)
        except ValueError:
            structured = None
        if isinstance(structured, dict) and "text" in structured:
            message = structured["text"]
        self.announcements.append(
            AnnouncementRecord(
                kind=attributes.get("kind", {}).get("Value", ""),
                subject=notification.get("Subject", ""),
                message=message,
                correlation_id=attributes.get("correlation_id", {}).get("Value", ""),
            )
        )

    def outcomes(self) -> list[PostOutcome]:
        return [self._outcomes[key] for key in sorted(self._outcomes)]


def report_document(outcomes: list[PostOutcome], announcements: list[AnnouncementRecord]) -> dict[str, Any]:
    return {
        "posts": [outcome.to_json() for outcome in outcomes],
        "announcements": [announcement.to_json() for announcement in announcements],
    }


def write_report(path: Path, outcomes: list[PostOutcome], announcements: list[AnnouncementRecord]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report_document(outcomes, announcements), indent=2) + "\n", encoding="utf-8")


def format_outcomes(outcomes: list[PostOutcome], announcements: list[AnnouncementRecord] | None) -> str:
    """The run's results as a person reads them: one block per post, then the announcements
    (None: the run announces nothing, as `pressroom build` does)."""
    lines: list[str] = []
    width = max((len(outcome.source) for outcome in outcomes), default=0)
    for outcome in outcomes:
        where = outcome.path or ""
        if outcome.status is OutcomeStatus.SCHEDULED and outcome.slug:
            where = f"/posts/{outcome.slug}/ on {outcome.date}"
        lines.append(f"  {outcome.status.value:<9}  {outcome.source:<{width}}  {where}".rstrip())
        lines.extend(f"             - {reason}" for reason in outcome.reasons)
        lines.extend(f"             warning: {warning}" for warning in outcome.warnings)
    counts = {status: sum(o.status is status for o in outcomes) for status in OutcomeStatus}
    summary = ", ".join(f"{count} {status.value}" for status, count in counts.items() if count)
    header = [f"Posts ({summary or 'none'}):"]
    if announcements is None:
        return "\n".join(header + lines)
    footer = ["", f"Announcements ({len(announcements)}):"]
    footer += [f"  [{a.kind}] {a.subject}" for a in announcements] or ["  none"]
    return "\n".join(header + lines + footer)
