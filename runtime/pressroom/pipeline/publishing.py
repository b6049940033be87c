"""What publishing or taking down one version does, decided before anything is written; and the
ports and rules the stages that carry it out are given.

Pure functions over the catalogue's state as read: the render stage reads that state, asks here
for a plan, and carries the plan out. A retry of an event the catalogue already recorded resumes
the recorded plan instead of making a new one, so a failure half-way is finished, not forgotten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from pressroom.aggregates import (
    ListingEntry,
    SitePage,
    Stale,
    membership_keys,
    menu_of,
    site_page_key,
    stale_pages,
)
from pressroom.catalogue import CatalogueEntry, Pending, PostRecord, SourceState, SourceStateKind
from pressroom.events import SourceObject
from pressroom.model import Post, PostKind, content_page_key
from pressroom.ports import (
    CatalogueStore,
    EventBus,
    ImageRecords,
    Listings,
    Schedules,
    Site,
    StalePages,
    Uploads,
)
from pressroom.reading.validation import ValidationRules


@dataclass(frozen=True)
class RenderPorts:
    """What the render stage reads and writes."""

    uploads: Uploads
    site: Site
    catalogue: CatalogueStore
    listings: Listings
    stale_pages: StalePages
    bus: EventBus
    schedules: Schedules
    images: ImageRecords | None = None  # None: pages show images as uploaded


@dataclass(frozen=True)
class Publication:
    """How the site judges and lists posts: the rules a version is judged by, the listings' page
    size, and the bucket the uploads are read from."""

    rules: ValidationRules
    page_size: int
    uploads_bucket: str = ""


@dataclass(frozen=True)
class PublishRequest:
    """One version to publish. `succeeds_live_page`: its slug's page was live a moment ago (handed
    over), so publishing it is an update. `replan`: the live version again, its listings planned
    afresh (its authors' profiles changed); nothing is announced."""

    source: SourceObject
    post: Post
    succeeds_live_page: bool = False
    replan: bool = False


@dataclass(frozen=True)
class Unchanged:
    """The live version's bytes again (a re-upload, or a version deleted behind the live one):
    only the sequencer is recorded."""

    state: SourceState


@dataclass(frozen=True)
class Resumed:
    """A retry of the event the catalogue recorded: the recorded plan, carried out again."""

    update: bool
    released: str | None
    listings: Mapping[str, int]
    pending: Pending


@dataclass(frozen=True)
class Fresh:
    """A new plan is needed: `released` is the slug the key leaves (renamed), if any."""

    update: bool
    released: str | None


def resolve_publication(
    request: PublishRequest, previous: SourceState | None, current: PostRecord | None
) -> Unchanged | Resumed | Fresh:
    """How to publish `request`, from the key's recorded state and the record of its slug."""
    source, post = request.source, request.post
    live = previous is not None and previous.state is SourceStateKind.LIVE
    if (
        previous is not None
        and live
        and not request.replan
        and is_retry(previous, source)
        and previous.slug == post.slug
        and current is not None
    ):
        return Resumed(previous.update, previous.released_slug, current.listings, previous.pending)
    released = previous.slug if previous is not None and live and previous.slug != post.slug else None
    if (
        previous is not None
        and live
        and not request.replan
        and source.etag
        and previous.etag == source.etag
        and not released
    ):
        return Unchanged(replace(previous, sequencer=source.sequencer))
    return Fresh(update=live or request.succeeds_live_page, released=released)


def is_retry(previous: SourceState | None, source: SourceObject) -> bool:
    """Whether this event is the one already recorded for the key (a retry or a duplicate).

    Callers also compare the recorded state: a "Post Due" for the same version carries the same
    sequencer but changes the state (scheduled to live, live to expired), so it is not a retry.
    """
    return previous is not None and source.sequencer is not None and previous.sequencer == source.sequencer


@dataclass(frozen=True)
class PublishPlan:
    """Everything publishing one version writes, in the order the render stage writes it."""

    entry: CatalogueEntry  # the slug's catalogue record, with the post's listing numbers
    state: SourceState  # the key's state: live, with what is left to do (pending)
    listing_entry: ListingEntry  # the post's row in each of its listings
    site_page: SitePage | None  # a page's row, which feeds the navigation
    released: str | None  # the slug the key let go
    announce: bool  # say "Post Published" (not for a replan of the live version)

    @property
    def pending(self) -> Pending:
        return self.state.pending


def publish_plan(
    request: PublishRequest, update: bool, released: str | None, listings: Mapping[str, int], pending: Pending
) -> PublishPlan:
    source, post = request.source, request.post
    entry = listing_entry(post)
    return PublishPlan(
        entry=CatalogueEntry(
            slug=post.slug,
            title=post.title,
            date=post.date,
            source_key=source.key,
            summary=post.summary,
            tags=post.tags,
            authors=post.authors,
            sequencer=source.sequencer,
            version_id=source.version_id,
            etag=source.etag,
            listings=listings,
            date_key=entry.date_key,
        ),
        state=SourceState(
            key=source.key,
            state=SourceStateKind.LIVE,
            slug=post.slug,
            sequencer=source.sequencer,
            update=update,
            released_slug=released,
            etag=source.etag,
            pending=pending,
        ),
        listing_entry=entry,
        site_page=site_page(post) if post.kind is PostKind.PAGE else None,
        released=released,
        announce=not request.replan,
    )


def page_changes(post: Post, released: str | None, pages: Iterable[SitePage]) -> Pending:
    """A page is in no listing: its row feeds the navigation and the pages sitemap. A change
    to what the navigation shows makes every page stale, which the aggregate stage answers
    with one republish for however many such changes its batch merges."""
    by_slug = {page.slug: page for page in pages}
    before = menu_of(by_slug.values())
    if released is not None:
        by_slug.pop(released, None)
    by_slug[post.slug] = site_page(post)
    stale = {Stale.PAGES_SITEMAP, Stale.STATIC, Stale.purge(post.page_key)}
    deletes: tuple[tuple[str, str], ...] = ()
    if released is not None:
        stale.add(Stale.purge(content_page_key(PostKind.PAGE, released)))
        deletes = (site_page_key(released),)
    if menu_of(by_slug.values()) != before:
        stale.add(Stale.NAVIGATION)
    return Pending(deletes=deletes, stale=tuple(sorted(stale)))


def listing_changes(
    post: Post,
    current: PostRecord | None,
    released: PostRecord | None,
    listings: Mapping[str, int],
    opened: Iterable[str],
    page_size: int,
) -> Pending:
    """What goes stale, and which rows go, when a post takes `listings` (its number in each;
    `opened`: the ones it joins now) where `current` (its slug's record) and `released` (the
    record of the slug it left) were."""
    kept = current.listings if current is not None else {}
    new_keys = set(membership_keys(listing_entry(post).date_key, post.slug, listings, page_size))
    deletes: set[tuple[str, str]] = set()
    stale = stale_pages(kept, listings, page_size, new_listings=list(opened))
    if current is not None:
        deletes |= (
            set(membership_keys(current.date_key, current.slug, current.listings, page_size)) - new_keys
        )
    if released is not None:
        deletes |= set(membership_keys(released.date_key, released.slug, released.listings, page_size))
        stale |= stale_pages(released.listings, {}, page_size)
    stale |= {Stale.STATIC, Stale.purge(post.page_key)}
    if released is not None:
        stale.add(Stale.purge(content_page_key(post.kind, released.slug)))
    return Pending(deletes=tuple(sorted(deletes)), stale=tuple(sorted(stale)))


def take_down_changes(
    kind: PostKind, record: PostRecord, pages: Iterable[SitePage], page_size: int
) -> Pending:
    """What goes stale, and which rows go, when the live post `record` leaves the site."""
    if kind is PostKind.PAGE:
        live = list(pages)
        stale = {Stale.PAGES_SITEMAP, Stale.purge(content_page_key(PostKind.PAGE, record.slug))}
        if menu_of(live) != menu_of(page for page in live if page.slug != record.slug):
            stale.add(Stale.NAVIGATION)
        return Pending(deletes=(site_page_key(record.slug),), stale=tuple(sorted(stale)))
    return Pending(
        deletes=tuple(sorted(membership_keys(record.date_key, record.slug, record.listings, page_size))),
        stale=tuple(
            sorted(
                stale_pages(record.listings, {}, page_size)
                | {Stale.purge(content_page_key(kind, record.slug))}
            )
        ),
    )


def listing_entry(post: Post) -> ListingEntry:
    image: Mapping[str, object] | None = None
    if post.images:
        first = post.images[0]
        image = {"url": first.url, "alt": first.alt, "width": first.width, "height": first.height}
        image = {key: value for key, value in image.items() if value is not None}
    return ListingEntry(
        slug=post.slug,
        title=post.title,
        date=post.date,
        updated=post.updated,
        summary=post.summary,
        tags=post.tags,
        authors=post.authors,
        image=image,
    )


def site_page(post: Post) -> SitePage:
    return SitePage(
        slug=post.slug,
        title=post.title,
        date=post.date if post.dated else None,
        updated=post.updated,
        menu_name=post.menu.name if post.menu else None,
        menu_weight=post.menu.weight if post.menu else 0,
    )
