"""Reading exactly the version an event names, and judging it: what the validate, render and
republish paths all begin with."""

from __future__ import annotations

from datetime import datetime

from pressroom.events import SourceObject
from pressroom.model import Post, Rejection
from pressroom.ports import Uploads
from pressroom.reading.validation import ValidationRules, validate_post


def judge_version(
    uploads: Uploads, source: SourceObject, rules: ValidationRules, now: datetime
) -> Post | Rejection | None:
    """The post that version is, or why it cannot be one, as of `now`; None if the version is gone
    (deleted, or overwritten without versioning, since the event: its own event follows)."""
    data = uploads.read(source)
    return None if data is None else validate_post(source.key, data, rules, now)
