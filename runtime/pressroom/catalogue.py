"""What the catalogue records: the state of every uploaded key, and every published post.

The ordering rule lives here: an event is applied only if its S3 sequencer is not older than
the one already recorded for the key (equal passes, so a retry can finish what it began). The
DynamoDB adapter enforces it with condition expressions; the in-memory store with the same
function.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from pressroom.ordering import sequencer_sort_key


class SourceStateKind(StrEnum):
    LIVE = "live"
    WITHDRAWN = "withdrawn"
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    REJECTED = "rejected"  # only ever in the STATUS partition: a refused upload changes nothing else


# Every state `pressroom status` reports a key in, in its order: a live key's post is published.
STATUS_STATES = ("published", "scheduled", "rejected", "draft", "expired", "withdrawn")


class StaleEventError(Exception):
    """A newer event for the same key has already been applied."""


class SlugTakenError(Exception):
    """Another source key already publishes under this slug."""

    def __init__(self, slug: str, owner_key: str | None) -> None:
        owner = f" by {owner_key}" if owner_key else ""
        super().__init__(f"the slug {slug!r} is already used{owner}")
        self.slug = slug
        self.owner_key = owner_key


@dataclass(frozen=True)
class SlugWaiter:
    """An upload refused only because its slug was taken: judged again when the slug is released.

    This is how `aws s3 mv old.md new.md` keeps a post online when S3 reports the copy before
    the delete: the copy waits for the slug the original releases.
    """

    key: str
    slug: str
    sequencer: str | None
    version_id: str | None
    etag: str | None = None


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    title: str
    date: datetime
    source_key: str
    summary: str | None = None
    tags: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    sequencer: str | None = None
    version_id: str | None = None
    etag: str | None = None
    listings: Mapping[str, int] = field(default_factory=dict)
    date_key: str = ""


@dataclass(frozen=True)
class PostRecord:
    """What the catalogue says of a published slug."""

    slug: str
    source_key: str
    listings: dict[str, int]
    date_key: str
    version_id: str | None = None


@dataclass(frozen=True)
class Pending:
    """What an applied event still has to do outside the transaction; a retry does it again."""

    deletes: tuple[tuple[str, str], ...] = ()
    stale: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps({"deletes": [list(key) for key in self.deletes], "stale": list(self.stale)})

    @classmethod
    def from_json(cls, text: str) -> Pending:
        data = json.loads(text)
        return cls(deletes=tuple((pk, sk) for pk, sk in data["deletes"]), stale=tuple(data["stale"]))


@dataclass(frozen=True)
class SourceState:
    """The latest event applied for a key, and what applying it did (so a retry can finish it)."""

    key: str
    state: SourceStateKind
    slug: str | None
    sequencer: str | None
    update: bool = False
    released_slug: str | None = None  # the slug this event took off the site, if any
    etag: str | None = None
    pending: Pending = Pending()


def may_replace(recorded: str | None, incoming: str | None) -> bool:
    """Whether an event with sequencer `incoming` may be recorded over one with `recorded`."""
    if not recorded or not incoming:
        return True
    return sequencer_sort_key(recorded) <= sequencer_sort_key(incoming)
