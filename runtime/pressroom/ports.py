"""The ports the stages depend on: what they need from storage, queues and channels.

The domain owns these Protocols; the adapters (pressroom.adapters, over boto3) implement them
and translate AWS errors into the domain's (StaleEventError, SlugTakenError, ClaimTakenError,
None for a gone object). The in-memory implementations the unit tests and the folder-to-folder
build use are in pressroom_tools.memory. A stage never sees a boto3 client.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from pressroom.aggregates import Key, ListingEntry, SitemapRow, SitePage, Term
from pressroom.announcements import Announcement
from pressroom.catalogue import CatalogueEntry, PostRecord, SlugWaiter, SourceState
from pressroom.events import Contract, DetailType, SourceObject
from pressroom.images import DecodedImage, ImageRecord
from pressroom.webhooks import Webhook

if TYPE_CHECKING:
    from pressroom.reading.profiles import AuthorProfile  # the profiles' reading needs the render layer


@dataclass(frozen=True)
class CurrentVersion:
    """An uploaded key's current version, as the uploads bucket reports it."""

    version_id: str | None
    etag: str
    size: int


class Uploads(Protocol):
    """The uploads bucket, read-only: the pipeline never writes where it is triggered."""

    def read(self, source: SourceObject) -> bytes | None:
        """The bytes of exactly the version an event names; None if that version is gone."""
        ...

    def current(self, bucket: str, key: str) -> CurrentVersion | None:
        """The key's current version; None if it has none (deleted, or a delete marker on top)."""
        ...


class Site(Protocol):
    """The hosting bucket."""

    def put_page(self, key: str, text: str) -> None:
        """A page, feed or sitemap, typed by its name and cached briefly."""
        ...

    def put(self, key: str, body: bytes, content_type: str, cache_control: str) -> None: ...

    def delete(self, key: str) -> None: ...

    def copy_upload(
        self,
        bucket: str,
        key: str,
        version_id: str | None,
        target: str,
        content_type: str,
        cache_control: str,
    ) -> None:
        """Copy an uploaded object's version to the site as `target`, typed and cached as given."""
        ...


class CatalogueStore(Protocol):
    """Published posts and the latest event applied per key, changed atomically (see catalogue.py)."""

    def source_state(self, key: str) -> SourceState | None: ...

    def post_record(self, slug: str) -> PostRecord | None: ...

    def owner_of(self, slug: str) -> str | None: ...

    def record_live(self, entry: CatalogueEntry, state: SourceState, release: bool) -> None:
        """Record the post live and the key's event; raises StaleEventError or SlugTakenError."""
        ...

    def record_taken_down(self, state: SourceState, release: bool) -> None:
        """Record the key not live; raises StaleEventError."""
        ...

    def record_unchanged(self, state: SourceState) -> None: ...

    def record_rejection(
        self, key: str, sequencer: str | None, reasons: list[str], waiter: SlugWaiter | None = None
    ) -> bool:
        """Note the key's newest upload was refused, unless a newer event was applied already.

        With `waiter`, it was refused only because a slug was taken: `slug_waiter` gives it back
        once that slug is released, while it is still the key's newest upload.
        """
        ...

    def slug_waiter(self, slug: str) -> SlugWaiter | None:
        """The newest upload refused only because `slug` was taken, if it is still its key's newest."""
        ...

    def forget_slug_waiter(self, waiter: SlugWaiter) -> None: ...


class Listings(Protocol):
    """The rows aggregate pages are rebuilt from (see aggregates.py for what they mean)."""

    def allocate(self, listing: str, name: str) -> int:
        """The listing's next sequence number, taken atomically."""
        ...

    def put(self, entry: ListingEntry, memberships: Mapping[str, int], page_size: int) -> None: ...

    def delete(self, keys: Iterable[Key]) -> None: ...

    def newest(self, listing: str, limit: int) -> list[ListingEntry]: ...

    def page(self, listing: str, page: int) -> list[ListingEntry]:
        """Archive page `page` of a listing, newest first."""
        ...

    def sitemap_chunk(self, chunk: int) -> list[SitemapRow]:
        """Sitemap chunk `chunk`: only what a sitemap shows (the chunk holds up to 1,000 posts)."""
        ...

    def slugs_page(
        self, listing: str, after: dict[str, Any] | None, limit: int
    ) -> tuple[list[str], dict[str, Any] | None]:
        """One page of a listing's slugs, and where the next starts (None: no more)."""
        ...

    def term(self, listing: str) -> Term | None: ...

    def terms(self, kind: str) -> list[Term]: ...

    def set_listed(self, listing: str, listed: bool) -> None: ...

    def put_site_page(self, page: SitePage) -> None:
        """Write (or refresh) a live page's row; it is deleted by its key (site_page_key)."""
        ...

    def site_pages(self) -> list[SitePage]:
        """Every live page (a site has a handful): the navigation and the pages sitemap."""
        ...

    def put_author(self, profile: AuthorProfile, sequencer: str | None) -> None:
        """Record a profile under its file's key as uploaded, holding its claims (profile_claims)
        and releasing those its previous version held, in one atomic step. Raises StaleEventError
        if a newer event for its file was applied, ClaimTakenError (nothing written) if another
        file's profile holds one of its claims."""
        ...

    def remove_author(self, source_key: str, sequencer: str | None) -> None:
        """Record that the file's profile is gone, releasing its claims (raises StaleEventError as
        put_author does)."""
        ...

    def authors(self) -> list[AuthorProfile]:
        """Every author profile (a site has a few dozen): how posts name their authors."""
        ...


class StalePages(Protocol):
    def send(self, refs: Iterable[str], cause: str, correlation_id: str) -> None:
        """Queue page references for rebuilding; resending the same `cause` is deduplicated.

        `correlation_id` names the upload or republish behind them, for the rebuild's logs.
        """
        ...


class EventBus(Protocol):
    def emit(self, detail_type: DetailType, detail: Contract) -> None: ...


class Schedules(Protocol):
    """One one-time schedule per key, firing "Post Due" when its post's date or expiry comes."""

    def set(self, source: SourceObject, due: datetime) -> None: ...

    def clear(self, key: str) -> None: ...


class Invalidations(Protocol):
    def invalidate(self, keys: Iterable[str]) -> str | None:
        """Tell the CDN these site objects changed, in one request; returns its id, if any."""
        ...


class ImageCodec(Protocol):
    def decode(self, data: bytes, widths: tuple[int, ...]) -> DecodedImage:
        """The image's size and type, and its variants at those of `widths` narrower than it;
        ImageRefusedError for what is not decoded (not an image, too many pixels, truncated)."""
        ...


class ImageRecords(Protocol):
    """What exists on the site for each uploaded image's current version (PostsTable)."""

    def get(self, key: str) -> ImageRecord | None: ...

    def get_many(self, keys: Sequence[str]) -> dict[str, ImageRecord]:
        """The records of those of `keys` that have one."""
        ...

    def put(self, record: ImageRecord) -> None: ...

    def remove(self, key: str) -> ImageRecord | None:
        """Forget the key's record; returns the record there was, if any."""
        ...

    def note_shown(self, keys: Sequence[str], slug: str) -> None:
        """Note that the page of `slug` shows each of the images `keys`."""
        ...

    def shown_on(self, key: str) -> list[str]:
        """The slugs of the pages noted as showing the image `key` (some may show it no more)."""
        ...


class RepublishLedgerStore(Protocol):
    """A republish's progress: counted once per post, the aggregates asked for once."""

    def start(self, reason: str, republish_id: str | None = None) -> str: ...

    def queued(self, republish_id: str, count: int) -> None: ...

    def finish_enqueueing(self, republish_id: str) -> bool:
        """Note that every post was queued; True for the one caller that must ask for the aggregates."""
        ...

    def complete(self, republish_id: str, slug: str, succeeded: bool) -> bool:
        """Count a post done; True for the one caller that finished the last post after enqueueing."""
        ...


class RepublishWork(Protocol):
    def enumerate_from(self, republish_id: str, after: dict[str, Any] | None) -> None: ...

    def render(self, republish_id: str, slugs: Sequence[str]) -> int:
        """Queue posts to render, a message per ten; returns how many messages."""
        ...


class RepublishFailureParking(Protocol):
    def park(self, republish_id: str, slugs: Sequence[str]) -> None: ...


class AnnouncementChannel(Protocol):
    def announce(self, announcement: Announcement) -> str:
        """Announce; returns the channel's message id."""
        ...


class WebhookConfiguration(Protocol):
    def current(self, refresh: bool = False) -> tuple[Webhook, ...]: ...

    def find(self, channel: str, refresh: bool = False) -> Webhook | None: ...


class WebhookDelivery(Protocol):
    def send(self, webhook: Webhook, body: bytes, delivery_id: str, event: str) -> int:
        """POST a delivery; returns the status, raises WebhookRejectedError for a 4xx answer."""
        ...


class OnceOnly(Protocol):
    """Each piece of work done once per key, however often it is asked for (idempotency)."""

    def begin(self, context: Any) -> None:
        """Note the invocation doing the work (its deadline bounds a run left in progress)."""
        ...

    def run(self, key: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Do `work` unless `key` was done before: then return what it returned. A run that raised
        is not remembered, so it is done again next time."""
        ...


class FailureParking(Protocol):
    """Where work that retrying cannot help waits for an operator, as Lambda's failure records do."""

    def park(self, function_arn: str, event: dict[str, Any], reason: str) -> None: ...
