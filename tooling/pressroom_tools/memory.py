"""In-memory implementations of every port in pressroom.ports.

They keep the rules the AWS adapters keep (the catalogue's ordering and slug ownership through
pressroom.catalogue, listing rows where pressroom.aggregates places them, each of a profile's
claims held by one file, a republish counted once per post), so a stage behaves over them as
over DynamoDB, S3 and SQS. The unit tests of the stages run on them; a folder-to-folder build
can too.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pressroom.aggregates import (
    SITE_PAGES,
    Key,
    ListingEntry,
    SitemapRow,
    SitePage,
    Term,
    listing_kind,
    listing_term,
    membership_keys,
)
from pressroom.announcements import Announcement
from pressroom.catalogue import (
    CatalogueEntry,
    PostRecord,
    SlugTakenError,
    SlugWaiter,
    SourceState,
    SourceStateKind,
    StaleEventError,
    may_replace,
)
from pressroom.events import Contract, DetailType, SourceObject
from pressroom.images import ImageRecord
from pressroom.ports import CurrentVersion
from pressroom.reading.profiles import AuthorProfile, ClaimTakenError, profile_claims
from pressroom.webhooks import Webhook, WebhookRejectedError

# --------------------------------------------------------------------------- the uploads bucket


@dataclass(frozen=True)
class _Version:
    version_id: str
    data: bytes | None  # None: a delete marker
    etag: str


class MemoryUploads:
    """A versioned bucket (or several): `put` and `delete` return the event's SourceObject."""

    def __init__(self) -> None:
        self.versions: dict[tuple[str, str], list[_Version]] = {}
        self._last_number = 0  # a plain int, not itertools.count: a build pickles its ports

    def _next(self) -> int:
        self._last_number += 1
        return self._last_number

    def put(self, bucket: str, key: str, data: bytes) -> SourceObject:
        number = self._next()
        version = _Version(f"v{number}", data, hashlib.md5(data).hexdigest())  # noqa: S324 - S3's ETag
        self.versions.setdefault((bucket, key), []).append(version)
        return SourceObject(
            bucket=bucket, key=key, version_id=version.version_id, sequencer=f"{number:016X}",
            etag=version.etag, size=len(data),
        )  # fmt: skip

    def delete(self, bucket: str, key: str) -> SourceObject:
        """A delete in a versioned bucket: a delete marker on top, the versions kept."""
        number = self._next()
        marker = _Version(f"v{number}", None, "")
        self.versions.setdefault((bucket, key), []).append(marker)
        return SourceObject(bucket=bucket, key=key, version_id=marker.version_id, sequencer=f"{number:016X}")

    def remove_version(self, bucket: str, key: str, version_id: str) -> SourceObject:
        """Delete one version for good (a delete marker included, which restores what is under it)."""
        number = self._next()
        versions = self.versions.get((bucket, key), [])
        self.versions[(bucket, key)] = [version for version in versions if version.version_id != version_id]
        return SourceObject(bucket=bucket, key=key, version_id=version_id, sequencer=f"{number:016X}")

    def read(self, source: SourceObject) -> bytes | None:
        for version in self.versions.get((source.bucket, source.key), []):
            if version.version_id == source.version_id:
                return version.data
        if source.version_id is None:
            current = self._current(source.bucket, source.key)
            return current.data if current else None
        return None

    def _current(self, bucket: str, key: str) -> _Version | None:
        versions = self.versions.get((bucket, key), [])
        return versions[-1] if versions and versions[-1].data is not None else None

    def current(self, bucket: str, key: str) -> CurrentVersion | None:
        version = self._current(bucket, key)
        if version is None or version.data is None:
            return None
        return CurrentVersion(version_id=version.version_id, etag=version.etag, size=len(version.data))


# --------------------------------------------------------------------------- the hosting bucket


@dataclass(frozen=True)
class SiteObject:
    body: bytes
    content_type: str
    cache_control: str


class MemorySite:
    def __init__(self, uploads: MemoryUploads | None = None) -> None:
        self.objects: dict[str, SiteObject] = {}
        self.writes: list[str] = []  # every key put or deleted, in order
        self.uploads = uploads

    def put_page(self, key: str, text: str) -> None:
        from pressroom.hosting import SHORT_CACHE, content_type_of

        self.put(key, text.encode("utf-8"), content_type_of(key), SHORT_CACHE)

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None:
        self.objects[key] = SiteObject(body, content_type, cache_control)
        self.writes.append(key)

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)
        self.writes.append(key)

    def copy_upload(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        target: str,
        content_type: str,
        cache_control: str,
    ) -> None:
        if self.uploads is None:
            raise RuntimeError("this site was made without the uploads to copy from")
        data = self.uploads.read(SourceObject(bucket=bucket, key=key, version_id=version_id))
        if data is None:
            raise RuntimeError(f"s3://{bucket}/{key} has no version {version_id}")
        self.put(target, data, content_type, cache_control)

    def text(self, key: str) -> str:
        return self.objects[key].body.decode("utf-8")


# --------------------------------------------------------------------------- the catalogue


class MemoryCatalogue:
    """The catalogue's rules without DynamoDB: every change one atomic step, checked first."""

    def __init__(self) -> None:
        self.sources: dict[str, SourceState] = {}
        self.posts: dict[str, CatalogueEntry] = {}
        self.statuses: dict[str, dict[str, Any]] = {}
        self.slug_waits: dict[str, str] = {}

    def source_state(self, key: str) -> SourceState | None:
        return self.sources.get(key)

    def post_record(self, slug: str) -> PostRecord | None:
        entry = self.posts.get(slug)
        if entry is None:
            return None
        return PostRecord(
            slug=slug, source_key=entry.source_key, listings=dict(entry.listings), date_key=entry.date_key,
            version_id=entry.version_id,
        )  # fmt: skip

    def owner_of(self, slug: str) -> str | None:
        entry = self.posts.get(slug)
        return entry.source_key if entry else None

    def _check_order(self, state: SourceState) -> None:
        recorded = self.sources.get(state.key)
        if recorded is not None and not may_replace(recorded.sequencer, state.sequencer):
            raise StaleEventError(f"{state.key}: a newer event ({recorded.sequencer}) was applied")

    def _record(self, state: SourceState) -> None:
        self.sources[state.key] = state
        if state.state is SourceStateKind.LIVE:
            self.statuses.pop(state.key, None)
        else:
            self.statuses[state.key] = {"state": state.state.value, "sequencer": state.sequencer}

    def _release(self, slug: str | None, owner: str) -> None:
        if slug and self.owner_of(slug) in (None, owner):
            self.posts.pop(slug, None)

    def record_live(self, entry: CatalogueEntry, state: SourceState, release: bool) -> None:
        self._check_order(state)
        owner = self.owner_of(entry.slug)
        if owner is not None and owner != entry.source_key:
            raise SlugTakenError(entry.slug, owner)
        self.posts[entry.slug] = entry
        if release:
            self._release(state.released_slug, entry.source_key)
        self._record(state)

    def record_taken_down(self, state: SourceState, release: bool) -> None:
        self._check_order(state)
        if release:
            self._release(state.released_slug, state.key)
        self._record(state)

    def record_unchanged(self, state: SourceState) -> None:
        self._check_order(state)
        self._record(state)

    def record_rejection(
        self, key: str, sequencer: str | None, reasons: list[str], waiter: SlugWaiter | None = None
    ) -> bool:
        current = self.sources.get(key)
        if current is not None and not may_replace(current.sequencer, sequencer):
            return False
        status = self.statuses.get(key)
        if status is not None and not may_replace(status.get("sequencer"), sequencer):
            return False  # a newer upload of the key was refused already
        self.statuses[key] = {
            "state": SourceStateKind.REJECTED.value,
            "sequencer": sequencer,
            "reasons": reasons,
        }
        if waiter is not None:
            self.statuses[key] |= {"waiter": waiter}
            self.slug_waits[waiter.slug] = key
        return True

    def slug_waiter(self, slug: str) -> SlugWaiter | None:
        key = self.slug_waits.get(slug)
        waiter = self.statuses.get(key, {}).get("waiter") if key else None
        return waiter if isinstance(waiter, SlugWaiter) and waiter.slug == slug else None

    def forget_slug_waiter(self, waiter: SlugWaiter) -> None:
        if self.slug_waits.get(waiter.slug) == waiter.key:
            del self.slug_waits[waiter.slug]


# --------------------------------------------------------------------------- the listing rows


class MemoryListings:
    """Listing rows by (partition, sort key), as pressroom.aggregates.membership_keys places them."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, ListingEntry]] = {}
        self._terms: dict[str, Term] = {}
        self._site_pages: dict[str, SitePage] = {}
        self._authors: dict[str, tuple[str | None, AuthorProfile | None]] = {}  # sequencer, profile
        self._author_claims: dict[str, str] = {}  # a claim's stored form: the file whose profile holds it

    def allocate(self, listing: str, name: str) -> int:
        term = self._terms.get(listing) or Term(listing=listing, name=name, next_sequence=0, listed=False)
        term = replace(term, next_sequence=term.next_sequence + 1)
        self._terms[listing] = term
        return term.next_sequence

    def put(self, entry: ListingEntry, memberships: Mapping[str, int], page_size: int) -> None:
        for partition, sort_key in membership_keys(entry.date_key, entry.slug, memberships, page_size):
            self.rows.setdefault(partition, {})[sort_key] = entry

    def delete(self, keys: Iterable[Key]) -> None:
        for partition, sort_key in keys:
            if partition == SITE_PAGES:
                self._site_pages.pop(sort_key, None)
            self.rows.get(partition, {}).pop(sort_key, None)

    def put_site_page(self, page: SitePage) -> None:
        self._site_pages[page.slug] = page

    def site_pages(self) -> list[SitePage]:
        return [self._site_pages[slug] for slug in sorted(self._site_pages)]

    def put_author(self, profile: AuthorProfile, sequencer: str | None) -> None:
        self._author_write(profile.source_key, sequencer, profile)

    def remove_author(self, source_key: str, sequencer: str | None) -> None:
        self._author_write(source_key, sequencer, None)

    def _author_write(self, key: str, sequencer: str | None, profile: AuthorProfile | None) -> None:
        recorded = self._authors.get(key, (None, None))[0]
        if not may_replace(recorded, sequencer):
            raise StaleEventError(f"a newer change to {key} was applied")
        claims = profile_claims(profile) if profile else ()
        taken = [
            (claim, self._author_claims[claim.stored])
            for claim in claims
            if self._author_claims.get(claim.stored, key) != key
        ]
        if taken:
            raise ClaimTakenError(taken)
        others = {stored: owner for stored, owner in self._author_claims.items() if owner != key}
        self._author_claims = others | {claim.stored: key for claim in claims}
        self._authors[key] = (sequencer, profile)

    def authors(self) -> list[AuthorProfile]:
        return [profile for _, (_, profile) in sorted(self._authors.items()) if profile is not None]

    def _partition(self, partition: str, newest_first: bool) -> list[ListingEntry]:
        rows = self.rows.get(partition, {})
        return [rows[sort_key] for sort_key in sorted(rows, reverse=newest_first)]

    def newest(self, listing: str, limit: int) -> list[ListingEntry]:
        return self._partition(f"LIST#{listing}", newest_first=True)[:limit]

    def page(self, listing: str, page: int) -> list[ListingEntry]:
        return self._partition(f"LISTPAGE#{listing}#{page}", newest_first=True)

    def sitemap_chunk(self, chunk: int) -> list[SitemapRow]:
        return [
            SitemapRow(entry.slug, entry.date, entry.updated)
            for entry in self._partition(f"SITEMAP#{chunk}", newest_first=False)
        ]

    def everything_in(self, listing: str) -> list[ListingEntry]:
        return self._partition(f"LIST#{listing}", newest_first=False)

    def slugs_page(
        self, listing: str, after: dict[str, Any] | None, limit: int
    ) -> tuple[list[str], dict[str, Any] | None]:
        rows = self.rows.get(f"LIST#{listing}", {})
        keys = [key for key in sorted(rows) if after is None or key > after["sk"]]
        page = keys[:limit]
        more = len(keys) > limit
        return [rows[key].slug for key in page], ({"sk": page[-1]} if more and page else None)

    def term(self, listing: str) -> Term | None:
        return self._terms.get(listing)

    def terms(self, kind: str) -> list[Term]:
        chosen = [term for term in self._terms.values() if listing_kind(term.listing).value == kind]
        return sorted(chosen, key=lambda term: listing_term(term.listing))

    def set_listed(self, listing: str, listed: bool) -> None:
        term = self._terms.get(listing) or Term(listing=listing, name=listing_term(listing), next_sequence=0,
                                                 listed=False)  # fmt: skip
        self._terms[listing] = replace(term, listed=listed)


# --------------------------------------------------------------------------- queues and the bus


class MemoryStalePages:
    def __init__(self) -> None:
        self.notes: list[dict[str, Any]] = []

    def send(self, refs: Iterable[str], cause: str, correlation_id: str) -> None:
        stale = sorted(set(refs))
        note = {"stale": stale, "cause": cause, "correlation_id": correlation_id}
        if stale and note not in self.notes:  # a FIFO queue deduplicates the same body
            self.notes.append(note)

    def take(self) -> set[str]:
        """Every reference queued so far, merged, as the aggregate stage's batch would see them."""
        refs = {ref for note in self.notes for ref in note["stale"]}
        self.notes.clear()
        return refs


class MemoryImageRecords:
    def __init__(self) -> None:
        self.records: dict[str, ImageRecord] = {}
        self.shown: dict[str, set[str]] = {}

    def get(self, key: str) -> ImageRecord | None:
        return self.records.get(key)

    def get_many(self, keys: Sequence[str]) -> dict[str, ImageRecord]:
        return {key: self.records[key] for key in keys if key in self.records}

    def put(self, record: ImageRecord) -> None:
        self.records[record.key] = record

    def remove(self, key: str) -> ImageRecord | None:
        return self.records.pop(key, None)

    def note_shown(self, keys: Sequence[str], slug: str) -> None:
        for key in keys:
            self.shown.setdefault(key, set()).add(slug)

    def shown_on(self, key: str) -> list[str]:
        return sorted(self.shown.get(key, ()))


class MemoryBus:
    def __init__(self) -> None:
        self.events: list[tuple[DetailType, Contract]] = []

    def emit(self, detail_type: DetailType, detail: Contract) -> None:
        json.loads(detail.to_json())  # what EventBridge carries must be JSON
        self.events.append((detail_type, detail))

    def detail_types(self) -> list[DetailType]:
        return [detail_type for detail_type, _ in self.events]


class MemorySchedules:
    def __init__(self) -> None:
        self.due: dict[str, tuple[SourceObject, datetime]] = {}

    def set(self, source: SourceObject, due: datetime) -> None:
        self.due[source.key] = (source, due)

    def clear(self, key: str) -> None:
        self.due.pop(key, None)


class MemoryInvalidations:
    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def invalidate(self, keys: Iterable[str]) -> str | None:
        batch = sorted(set(keys))
        if not batch:
            return None
        self.batches.append(batch)
        return f"I{len(self.batches)}"


# --------------------------------------------------------------------------- republishing


@dataclass
class _Republish:
    reason: str
    pending: int = 0
    total: int = 0
    done: int = 0
    failed: int = 0
    enqueued: bool = False
    aggregated: bool = False
    completed: set[str] = field(default_factory=set)


class MemoryRepublishLedger:
    def __init__(self) -> None:
        self.republishes: dict[str, _Republish] = {}

    def start(self, reason: str, republish_id: str | None = None) -> str:
        republish_id = republish_id or f"r{len(self.republishes) + 1}"
        self.republishes[republish_id] = _Republish(reason)
        return republish_id

    def queued(self, republish_id: str, count: int) -> None:
        ledger = self.republishes[republish_id]
        ledger.pending += count
        ledger.total += count

    def _claim(self, ledger: _Republish) -> bool:
        if ledger.aggregated:
            return False
        ledger.aggregated = True
        return True

    def finish_enqueueing(self, republish_id: str) -> bool:
        ledger = self.republishes[republish_id]
        ledger.enqueued = True
        return ledger.pending <= 0 and self._claim(ledger)

    def complete(self, republish_id: str, slug: str, succeeded: bool) -> bool:
        ledger = self.republishes[republish_id]
        if slug in ledger.completed:
            return False
        ledger.completed.add(slug)
        ledger.pending -= 1
        if succeeded:
            ledger.done += 1
        else:
            ledger.failed += 1
        return ledger.pending <= 0 and ledger.enqueued and self._claim(ledger)


class MemoryRepublishWork:
    POSTS_PER_MESSAGE = 10

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def enumerate_from(self, republish_id: str, after: dict[str, Any] | None) -> None:
        self.messages.append({"republish": republish_id, "after": after})

    def render(self, republish_id: str, slugs: Sequence[str]) -> int:
        for start in range(0, len(slugs), self.POSTS_PER_MESSAGE):
            self.messages.append({"republish": republish_id, "slugs": list(slugs[start : start + 10])})
        return math.ceil(len(slugs) / self.POSTS_PER_MESSAGE)

    def take(self) -> dict[str, Any] | None:
        return self.messages.pop(0) if self.messages else None


class MemoryRepublishFailures:
    def __init__(self) -> None:
        self.parked: list[tuple[str, list[str]]] = []

    def park(self, republish_id: str, slugs: Sequence[str]) -> None:
        self.parked.append((republish_id, list(slugs)))


# --------------------------------------------------------------------------- announcements


class MemoryTopic:
    def __init__(self) -> None:
        self.announcements: list[Announcement] = []

    def announce(self, announcement: Announcement) -> str:
        self.announcements.append(announcement)
        return f"m{len(self.announcements)}"


class MemoryWebhooks:
    """The webhooks configuration; `after_refresh` is what a forced re-read finds (a rotated secret)."""

    def __init__(
        self, webhooks: Sequence[Webhook] = (), after_refresh: Sequence[Webhook] | None = None
    ) -> None:
        self.webhooks = tuple(webhooks)
        self.after_refresh = tuple(after_refresh) if after_refresh is not None else None
        self.refreshes = 0

    def current(self, refresh: bool = False) -> tuple[Webhook, ...]:
        if refresh:
            self.refreshes += 1
            if self.after_refresh is not None:
                self.webhooks = self.after_refresh
        return self.webhooks

    def find(self, channel: str, refresh: bool = False) -> Webhook | None:
        return next((hook for hook in self.current(refresh) if hook.channel == channel), None)


@dataclass(frozen=True)
class Delivery:
    webhook: Webhook
    body: bytes
    delivery_id: str
    event: str
    status: int


class MemoryWebhookSender:
    """Answers each delivery with the next of `replies` (then 200), as a receiver would."""

    def __init__(self, replies: Sequence[int] = ()) -> None:
        self.replies = list(replies)
        self.deliveries: list[Delivery] = []

    def send(self, webhook: Webhook, body: bytes, delivery_id: str, event: str) -> int:
        status = self.replies.pop(0) if self.replies else 200
        self.deliveries.append(Delivery(webhook, body, delivery_id, event, status))
        if 400 <= status < 500:
            raise WebhookRejectedError(webhook, status)
        if status >= 500:
            raise RuntimeError(f"{webhook.name} answered HTTP {status}")
        return status


class MemoryOnce:
    """OnceOnly: each key's result remembered; a run that raised is not."""

    def __init__(self) -> None:
        self.done: dict[str, dict[str, Any]] = {}

    def begin(self, context: Any) -> None:
        pass

    def run(self, key: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        if key not in self.done:
            self.done[key] = work()
        return self.done[key]


class MemoryParking:
    def __init__(self) -> None:
        self.parked: list[tuple[str, dict[str, Any], str]] = []

    def park(self, function_arn: str, event: dict[str, Any], reason: str) -> None:
        self.parked.append((function_arn, event, reason))
