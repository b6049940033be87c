"""Render stage: a validated post becomes its page, its catalogue rows, and a note of stale pages.

Aggregate pages (home, archives, tags, authors, feeds, sitemap) are not written here: the
stage records which of them the change made stale and queues that for the aggregate stage,
which rebuilds them one batch at a time. The cost of publishing a post does not depend on
how many posts the site has.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aws_lambda_powertools import Logger

from pressroom.aggregates import (
    ListingEntry,
    SitePage,
    Stale,
    listings_for,
    membership_keys,
    menu_of,
    site_page_key,
    stale_pages,
)
from pressroom.catalogue import (
    CatalogueEntry,
    Pending,
    PostRecord,
    SlugTakenError,
    SlugWaiter,
    SourceState,
    SourceStateKind,
    StaleEventError,
)
from pressroom.events import (
    DetailType,
    PostDue,
    PostMetadata,
    PostPublished,
    PostRejected,
    PostUnpublished,
    PostValidated,
    PostWithdrawn,
    Reason,
    SourceObject,
)
from pressroom.model import (
    Post,
    PostKind,
    PostStatus,
    Problem,
    Rejection,
    content_page_key,
    content_path,
    kind_of_key,
)
from pressroom.pipeline.pages import PostPages, navigation_links
from pressroom.pipeline.releases import SlugReleases
from pressroom.pipeline.stylesheet import LinkedStylesheet
from pressroom.pipeline.versions import judge_version
from pressroom.ports import CatalogueStore, EventBus, Listings, Schedules, Site, StalePages, Uploads
from pressroom.profiles import resolve
from pressroom.theme.refusals import TemplateRefusedError
from pressroom.validation import ValidationRules

logger = Logger(child=True)

_TAKEN_DOWN_AS = {
    PostStatus.DRAFT: SourceStateKind.DRAFT,
    PostStatus.SCHEDULED: SourceStateKind.SCHEDULED,
    PostStatus.EXPIRED: SourceStateKind.EXPIRED,
}


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


@dataclass(frozen=True)
class Publication:
    """How the site judges and lists posts: the rules a version is judged by, the listings' page
    size, and the bucket the uploads are read from."""

    rules: ValidationRules
    page_size: int
    uploads_bucket: str = ""


class RenderStage:
    def __init__(self, ports: RenderPorts, pages: PostPages, publication: Publication) -> None:
        self.ports = ports
        self.pages = pages
        self.publication = publication
        self.theme = pages.theme
        self.uploads = ports.uploads
        self.site = ports.site
        self.catalogue = ports.catalogue
        self.listings = ports.listings
        self.stale_pages = ports.stale_pages
        self.bus = ports.bus
        self.schedules = ports.schedules
        self.rules = publication.rules
        self.page_size = publication.page_size
        self.uploads_bucket = publication.uploads_bucket
        self.releases = SlugReleases(ports.catalogue, ports.site, ports.bus, publication.uploads_bucket)
        self.stylesheet = LinkedStylesheet(pages.theme, ports.site)

    def on_validated(self, event: PostValidated, now: datetime) -> DetailType | None:
        """Apply the validated version, unless a newer event for its key was applied first."""
        return self.apply(event.source, now)

    def on_due(self, event: PostDue, now: datetime) -> DetailType | None:
        """A schedule fired: the post's date or expiry has come, so judge it as of then."""
        return self.apply(event.source, max(now, event.due_at))

    def rerender(self, slug: str, now: datetime) -> bool:
        """Render a live post's page again from the version the catalogue says is live.

        Nothing in the catalogue changes: a republish applies the theme (or settings) as they
        are now to the versions already live. False if the post is no longer live.
        """
        record = self.catalogue.post_record(slug)
        if record is None:
            return False
        source = SourceObject(bucket=self.uploads_bucket, key=record.source_key, version_id=record.version_id)
        post = judge_version(self.uploads, source, self.rules, now)
        if not isinstance(post, Post) or post.status is not PostStatus.PUBLISHED:
            logger.warning("a live post could not be rendered again", extra={"key": source.key})
            return False
        try:
            page = self._page(self._with_profiles(post))
        except TemplateRefusedError as refused:
            logger.warning(
                "the theme refused to render a live post; its page is unchanged",
                extra={"key": source.key, "reason": refused.describe()},
            )
            return False
        self.stylesheet.ensure()
        self.site.put_page(post.page_key, page)
        return True

    def _with_profiles(self, post: Post) -> Post:
        """The post with its authors as their profiles name them, and a warning for each CMS
        reference no profile answers (the post is published all the same)."""
        if post.kind is PostKind.PAGE or not (post.authors or post.author_ids):
            return post
        resolution = resolve(post.authors, post.author_ids, self.listings.authors())
        return replace(post, authors=resolution.names, warnings=post.warnings + resolution.warnings)

    def reconsider(self, slug: str, now: datetime) -> bool:
        """Apply a live post's version again, its listings planned afresh (its authors' profiles
        changed): nothing is announced. False if the post is no longer live."""
        record = self.catalogue.post_record(slug)
        state = self.catalogue.source_state(record.source_key) if record else None
        if record is None or state is None or state.state is not SourceStateKind.LIVE or state.slug != slug:
            return False
        source = SourceObject(
            bucket=self.uploads_bucket,
            key=record.source_key,
            version_id=record.version_id,
            sequencer=state.sequencer,
            etag=state.etag,
        )
        post = judge_version(self.uploads, source, self.rules, now)
        if not isinstance(post, Post) or post.status is not PostStatus.PUBLISHED:
            return False
        try:
            self._publish(source, self._with_profiles(post), replan=True)
        except (StaleEventError, SlugTakenError):
            return False
        return True

    def _page(self, post: Post) -> str:
        """The post's page (raises TemplateRefusedError if the theme cannot render it), showing
        the navigation as it is now: a change to it later re-renders every page (Stale.NAVIGATION)."""
        pages = {page.slug: page for page in self.listings.site_pages()}
        if post.kind is PostKind.PAGE:
            pages[post.slug] = _site_page(post)  # a page shows itself as it is about to be
        self.theme.set_navigation(navigation_links(pages.values()))
        return self.pages.render(post)

    def on_withdrawn(self, event: PostWithdrawn, now: datetime) -> DetailType | None:  # noqa: ARG002 - a route's shape
        """The post's file was deleted: its page and rows go, and it is announced as unpublished."""
        try:
            outcome = self._take_down(event.source, SourceStateKind.WITHDRAWN)
        except StaleEventError:
            log_stale(event.source)
            return None
        self.schedules.clear(event.source.key)
        return outcome

    def apply(
        self, source: SourceObject, now: datetime, *, succeeds_live_page: bool = False
    ) -> DetailType | None:
        """Read exactly the version an event names and make the site match its status at `now`.

        The status is judged here, not taken from the event: a schedule fires long after the
        version was validated, and the same bytes then say "published" instead of "scheduled".
        `succeeds_live_page`: its slug's page was live a moment ago, so publishing is an update.
        """
        post = judge_version(self.uploads, source, self.rules, now)
        if post is None:
            logger.info("the version is gone; its removal event will follow", extra={"key": source.key})
            return None
        if isinstance(post, Rejection):
            return self._reject(source, post.problems)
        outcome: DetailType | None
        try:
            if post.status is PostStatus.PUBLISHED:
                post = self._with_profiles(post)
                outcome = self._publish(source, post, succeeds_live_page=succeeds_live_page)
            else:
                outcome = self._take_down(source, _TAKEN_DOWN_AS[post.status])
        except StaleEventError:
            log_stale(source)
            return None
        except SlugTakenError as error:
            problem = Problem(
                f"{error}; choose another slug (if that post is being renamed or deleted, this one "
                "is published as soon as it releases the slug)",
                field="slug",
            )
            waiter = SlugWaiter(source.key, post.slug, source.sequencer, source.version_id, source.etag)
            return self._reject(source, (problem,), waiter=waiter)
        due = post.next_change()
        if due is not None and due > now:
            self.schedules.set(source, due)
        else:
            self.schedules.clear(source.key)
        return outcome

    def _publish(
        self, source: SourceObject, post: Post, *, succeeds_live_page: bool = False, replan: bool = False
    ) -> DetailType | None:
        """Record the post as live, write its page, queue its stale pages, say so.

        Raises StaleEventError or SlugTakenError. A retry of an event already recorded (same
        sequencer) repeats the work the first attempt recorded as pending, so a failure half-way
        is finished rather than forgotten.
        """
        previous = self.catalogue.source_state(source.key)
        live = previous is not None and previous.state is SourceStateKind.LIVE
        retry = (
            not replan
            and live
            and _is_retry(previous, source)
            and previous is not None
            and previous.slug == post.slug
        )
        current = self.catalogue.post_record(post.slug)
        resumed = previous is not None and retry and current is not None
        released = None
        if not resumed:
            released = previous.slug if previous is not None and live and previous.slug != post.slug else None
            if (
                live
                and not replan
                and previous is not None
                and source.etag
                and previous.etag == source.etag
                and not released
            ):
                # Byte-identical re-upload (or a version deleted behind the live one): nothing to do.
                self.catalogue.record_unchanged(replace(previous, sequencer=source.sequencer))
                return None
        try:
            page = self._page(post)  # before anything is recorded: a refusal leaves no trace
        except TemplateRefusedError as refused:
            return self._reject(source, (_theme_problem(refused),))
        if previous is not None and resumed and current is not None:
            update, released, listings, pending = (
                previous.update,
                previous.released_slug,
                current.listings,
                previous.pending,
            )
        else:
            update = live or succeeds_live_page
            ours = current if current is not None and current.source_key == source.key else None
            if post.kind is PostKind.PAGE:
                pending = self._plan_page(post, released)
                listings = {}
            else:
                listings, pending = self._plan_listings(post, ours, self._record_of(released, source.key))
        entry = _listing_entry(post)
        self.catalogue.publish(
            CatalogueEntry(
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
            SourceState(
                key=source.key,
                state=SourceStateKind.LIVE,
                slug=post.slug,
                sequencer=source.sequencer,
                update=update,
                released_slug=released,
                etag=source.etag,
                pending=pending,
            ),
            release=self.releases.still_owned(released, source.key),
        )
        self.listings.put(entry, listings, self.page_size)
        if post.kind is PostKind.PAGE:
            self.listings.put_site_page(_site_page(post))
        self.listings.delete(pending.deletes)
        self.stylesheet.ensure()
        self.site.put_page(post.page_key, page)
        self.releases.let_go(released, post.kind)
        self.stale_pages.send(
            pending.stale, cause=f"{source.key}@{source.sequencer}", correlation_id=source.correlation_id
        )
        if replan:
            return None  # the same version, shown again: nothing to announce
        self.bus.publish(
            DetailType.POST_PUBLISHED,
            PostPublished(
                source=source,
                post=PostMetadata.of(post),
                url=self.theme.site.url(post.path),
                path=post.path,
                update=update,
            ),
        )
        return DetailType.POST_PUBLISHED

    def _plan_page(self, post: Post, released: str | None) -> Pending:
        """A page is in no listing: its row feeds the navigation and the pages sitemap. A change
        to what the navigation shows makes every page stale, which the aggregate stage answers
        with one republish for however many such changes its batch merges."""
        pages = {page.slug: page for page in self.listings.site_pages()}
        before = menu_of(pages.values())
        if released is not None:
            pages.pop(released, None)
        pages[post.slug] = _site_page(post)
        stale = {Stale.PAGES_SITEMAP, Stale.STATIC, Stale.purge(post.page_key)}
        deletes: tuple[tuple[str, str], ...] = ()
        if released is not None:
            stale.add(Stale.purge(content_page_key(PostKind.PAGE, released)))
            deletes = (site_page_key(released),)
        if menu_of(pages.values()) != before:
            stale.add(Stale.NAVIGATION)
        return Pending(deletes=deletes, stale=tuple(sorted(stale)))

    def _plan_listings(
        self, post: Post, current: PostRecord | None, released: PostRecord | None
    ) -> tuple[dict[str, int], Pending]:
        """The post's listings (numbers kept where it already had one), and what goes stale."""
        kept = current.listings if current is not None else {}
        listings: dict[str, int] = {}
        opened: list[str] = []
        for listing, name in listings_for(post.tags, post.authors, post.author_ids).items():
            if listing in kept:
                listings[listing] = kept[listing]
            else:
                listings[listing] = self.listings.allocate(listing, name)
                opened.append(listing)
        new_keys = set(membership_keys(_listing_entry(post).date_key, post.slug, listings, self.page_size))
        deletes: set[tuple[str, str]] = set()
        stale = stale_pages(kept, listings, self.page_size, new_listings=opened)
        if current is not None:
            deletes |= (
                set(membership_keys(current.date_key, current.slug, current.listings, self.page_size))
                - new_keys
            )
        if released is not None:
            deletes |= set(
                membership_keys(released.date_key, released.slug, released.listings, self.page_size)
            )
            stale |= stale_pages(released.listings, {}, self.page_size)
        stale |= {Stale.STATIC, Stale.purge(post.page_key)}
        if released is not None:
            stale.add(Stale.purge(content_page_key(post.kind, released.slug)))
        return listings, Pending(deletes=tuple(sorted(deletes)), stale=tuple(sorted(stale)))

    def _take_down(self, source: SourceObject, state_kind: SourceStateKind) -> DetailType | None:
        """Record the key as not live; remove its page and rows if it had them (raises StaleEventError)."""
        kind = kind_of_key(source.key)
        previous = self.catalogue.source_state(source.key)
        if previous is not None and previous.state is state_kind and _is_retry(previous, source):
            live_slug, pending = previous.released_slug, previous.pending
            if live_slug and self.catalogue.owner_of(live_slug) not in (None, source.key):
                # Handed over since: the rows under those keys are the new owner's (same slug, and
                # for a moved file the same date), so this retry must not delete them.
                pending = replace(pending, deletes=())
        else:
            live_slug = previous.slug if previous and previous.state is SourceStateKind.LIVE else None
            record = self._record_of(live_slug, source.key)
            pending = Pending()
            if record is not None and kind is PostKind.PAGE:
                pending = self._page_taken_down(record.slug)
            elif record is not None:
                pending = Pending(
                    deletes=tuple(
                        sorted(membership_keys(record.date_key, record.slug, record.listings, self.page_size))
                    ),
                    stale=tuple(
                        sorted(
                            stale_pages(record.listings, {}, self.page_size)
                            | {Stale.purge(content_page_key(kind, record.slug))}
                        )
                    ),
                )
        state = SourceState(
            key=source.key,
            state=state_kind,
            slug=None,
            sequencer=source.sequencer,
            released_slug=live_slug,
            pending=pending,
        )
        self.catalogue.take_down(state, release=self.releases.still_owned(live_slug, source.key))
        if not live_slug:
            return None
        self.listings.delete(pending.deletes)
        self.releases.let_go(live_slug, kind)
        self.stale_pages.send(
            pending.stale, cause=f"{source.key}@{source.sequencer}", correlation_id=source.correlation_id
        )
        self.bus.publish(
            DetailType.POST_UNPUBLISHED,
            PostUnpublished(
                source=source,
                slug=live_slug,
                path=content_path(kind, live_slug),
                reason=state_kind.value,
            ),
        )
        return DetailType.POST_UNPUBLISHED

    def _page_taken_down(self, slug: str) -> Pending:
        pages = self.listings.site_pages()
        stale = {Stale.PAGES_SITEMAP, Stale.purge(content_page_key(PostKind.PAGE, slug))}
        if menu_of(pages) != menu_of(page for page in pages if page.slug != slug):
            stale.add(Stale.NAVIGATION)
        return Pending(deletes=(site_page_key(slug),), stale=tuple(sorted(stale)))

    def _record_of(self, slug: str | None, key: str) -> PostRecord | None:
        """The catalogue's record of `slug`, if this key still owns it."""
        if slug is None:
            return None
        record = self.catalogue.post_record(slug)
        return record if record is not None and record.source_key == key else None

    def _reject(
        self, source: SourceObject, problems: Sequence[Problem], waiter: SlugWaiter | None = None
    ) -> DetailType:
        reasons = [Reason.of(problem) for problem in problems]
        self.bus.publish(DetailType.POST_REJECTED, PostRejected(source=source, reasons=reasons))
        self.catalogue.record_rejection(
            source.key, source.sequencer, [reason.describe() for reason in reasons], waiter
        )
        return DetailType.POST_REJECTED

    def on_rejected(self, event: PostRejected) -> None:
        """ValidateFunction refused an upload: note it for `pressroom status` (the site is unchanged)."""
        self.catalogue.record_rejection(
            event.source.key, event.source.sequencer, [reason.describe() for reason in event.reasons]
        )


def _listing_entry(post: Post) -> ListingEntry:
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


def _site_page(post: Post) -> SitePage:
    return SitePage(
        slug=post.slug,
        title=post.title,
        date=post.date if post.dated else None,
        updated=post.updated,
        menu_name=post.menu.name if post.menu else None,
        menu_weight=post.menu.weight if post.menu else 0,
    )


def _theme_problem(refused: TemplateRefusedError) -> Problem:
    return Problem(
        f"the site's theme could not render this post: {refused.describe()}. Nothing was published "
        "and any live page is unchanged; the site's owner needs to correct that template",
        field="theme",
    )


def log_stale(source: SourceObject) -> None:
    logger.info("a newer version of this key is already applied; ignoring", extra={"key": source.key})


def _is_retry(previous: SourceState | None, source: SourceObject) -> bool:
    """Whether this event is the one already recorded for the key (a retry or a duplicate).

    Callers also compare the recorded state: a "Post Due" for the same version carries the same
    sequencer but changes the state (scheduled to live, live to expired), so it is not a retry.
    """
    return previous is not None and source.sequencer is not None and previous.sequencer == source.sequencer
