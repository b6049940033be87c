"""Render stage: a validated post becomes its page, its catalogue rows, and a note of stale pages.

Aggregate pages (home, archives, tags, authors, feeds, sitemap) are not written here: the
stage records which of them the change made stale and queues that for the aggregate stage,
which rebuilds them one batch at a time. The cost of publishing a post does not depend on
how many posts the site has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from aws_lambda_powertools import Logger

from pressroom.aggregates import (
    Stale,
    listings_for,
)
from pressroom.catalogue import (
    PostRecord,
    SlugTakenError,
    SlugWaiter,
    SourceStateKind,
    StaleEventError,
)
from pressroom.events import (
    DetailType,
    ImageProcessed,
    PostDue,
    PostMetadata,
    PostPublished,
    PostRejected,
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
)
from pressroom.pipeline.pages import PostPages, navigation_links
from pressroom.pipeline.publishing import (
    Fresh,
    Publication,
    PublishPlan,
    PublishRequest,
    RenderPorts,
    Resumed,
    Unchanged,
    listing_changes,
    page_changes,
    publish_plan,
    resolve_publication,
    site_page,
)
from pressroom.pipeline.releases import SlugReleases
from pressroom.pipeline.stylesheet import LinkedStylesheet
from pressroom.pipeline.takedown import TakeDown
from pressroom.pipeline.versions import judge_version
from pressroom.reading.profiles import resolve
from pressroom.theme.refusals import TemplateRefusedError
from pressroom.theme.responsive import image_keys, with_responsive_images

logger = Logger(child=True)

_TAKEN_DOWN_AS = {
    PostStatus.DRAFT: SourceStateKind.DRAFT,
    PostStatus.SCHEDULED: SourceStateKind.SCHEDULED,
    PostStatus.EXPIRED: SourceStateKind.EXPIRED,
}


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
        self.take_down = TakeDown(ports, self.releases, publication.page_size)
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
        return self._rerendered_page(slug, now) is not None

    def on_image_processed(self, event: ImageProcessed, now: datetime) -> DetailType | None:
        """An image's copies were made (or it was deleted): the live pages that show it are
        rendered again to offer them, and purged from the CDN. Nothing is announced."""
        images = self.ports.images
        if images is None:
            return None
        pages = [
            page for slug in images.shown_on(event.source.key) if (page := self._rerendered_page(slug, now))
        ]
        if pages:
            cause = f"image {event.source.correlation_id}"
            self.stale_pages.send([Stale.purge(page) for page in pages], cause, event.source.correlation_id)
        return None

    def _rerendered_page(self, slug: str, now: datetime) -> str | None:
        """rerender's work: the key of the page written, or None."""
        record = self.catalogue.post_record(slug)
        if record is None:
            return None
        source = SourceObject(bucket=self.uploads_bucket, key=record.source_key, version_id=record.version_id)
        post = judge_version(self.uploads, source, self.rules, now)
        if not isinstance(post, Post) or post.status is not PostStatus.PUBLISHED:
            logger.warning("a live post could not be rendered again", extra={"key": source.key})
            return None
        try:
            page = self._page(self._with_profiles(post))
        except TemplateRefusedError as refused:
            logger.warning(
                "the theme refused to render a live post; its page is unchanged",
                extra={"key": source.key, "reason": refused.describe()},
            )
            return None
        self.stylesheet.ensure()
        self.site.put_page(post.page_key, page)
        return post.page_key

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
            self._publish(PublishRequest(source, self._with_profiles(post), replan=True))
        except (StaleEventError, SlugTakenError):
            return False
        return True

    def _page(self, post: Post) -> str:
        """The post's page (raises TemplateRefusedError if the theme cannot render it), showing
        the navigation as it is now: a change to it later re-renders every page (Stale.NAVIGATION)."""
        pages = {page.slug: page for page in self.listings.site_pages()}
        if post.kind is PostKind.PAGE:
            pages[post.slug] = site_page(post)  # a page shows itself as it is about to be
        html = self.pages.render(post, navigation_links(pages.values()))
        return self._responsive(html, post)

    def _responsive(self, html: str, post: Post) -> str:
        """The page offering the smaller copies of each of its images that has them; the images
        note that the post shows them, so that it is rendered again when their copies change."""
        images = self.ports.images
        base_url = self.theme.site.base_url
        keys = image_keys(html, post.path, base_url) if images is not None else []
        if not keys or images is None:
            return html
        images.note_shown(keys, post.slug)
        return with_responsive_images(html, post.path, base_url, images.get_many(keys))

    def on_withdrawn(self, event: PostWithdrawn, now: datetime) -> DetailType | None:  # noqa: ARG002 - a route's shape
        """The post's file was deleted: its page and rows go, and it is announced as unpublished."""
        try:
            outcome = self.take_down(event.source, SourceStateKind.WITHDRAWN)
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
                outcome = self._publish(PublishRequest(source, post, succeeds_live_page=succeeds_live_page))
            else:
                outcome = self.take_down(source, _TAKEN_DOWN_AS[post.status])
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

    def _publish(self, request: PublishRequest) -> DetailType | None:
        """Record the post as live, write its page, queue its stale pages, say so.

        Raises StaleEventError or SlugTakenError. A retry of an event already recorded (same
        sequencer) repeats the work the first attempt recorded as pending.
        """
        source, post = request.source, request.post
        previous, current = self.catalogue.source_state(source.key), self.catalogue.post_record(post.slug)
        resolution = resolve_publication(request, previous, current)
        if isinstance(resolution, Unchanged):
            self.catalogue.record_unchanged(resolution.state)
            return None
        try:
            page = self._page(post)  # before anything is recorded: a refusal leaves no trace
        except TemplateRefusedError as refused:
            return self._reject(source, (_theme_problem(refused),))
        if isinstance(resolution, Resumed):
            plan = publish_plan(
                request, resolution.update, resolution.released, resolution.listings, resolution.pending
            )
        else:
            plan = self._fresh_plan(request, resolution, current)
        return self._carry_out(request, plan, page)

    def _fresh_plan(self, request: PublishRequest, fresh: Fresh, current: PostRecord | None) -> PublishPlan:
        """A new plan: a page's row and the navigation, or a post's listings (numbers kept where it
        already had one, the next number where it joins a listing)."""
        source, post = request.source, request.post
        if post.kind is PostKind.PAGE:
            pending = page_changes(post, fresh.released, self.listings.site_pages())
            return publish_plan(request, fresh.update, fresh.released, {}, pending)
        ours = current if current is not None and current.source_key == source.key else None
        kept = ours.listings if ours is not None else {}
        listings: dict[str, int] = {}
        opened: list[str] = []
        for listing, name in listings_for(post.tags, post.authors, post.author_ids).items():
            if listing in kept:
                listings[listing] = kept[listing]
            else:
                listings[listing] = self.listings.allocate(listing, name)
                opened.append(listing)
        released = self.releases.record_owned(fresh.released, source.key)
        pending = listing_changes(post, ours, released, listings, opened, self.page_size)
        return publish_plan(request, fresh.update, fresh.released, listings, pending)

    def _carry_out(self, request: PublishRequest, plan: PublishPlan, page: str) -> DetailType | None:
        source, post = request.source, request.post
        self.catalogue.record_live(
            plan.entry, plan.state, release=self.releases.still_owned(plan.released, source.key)
        )
        self.listings.put(plan.listing_entry, plan.entry.listings, self.page_size)
        if plan.site_page is not None:
            self.listings.put_site_page(plan.site_page)
        self.listings.delete(plan.pending.deletes)
        self.stylesheet.ensure()
        self.site.put_page(post.page_key, page)
        self.releases.let_go(plan.released, post.kind)
        self.stale_pages.send(
            plan.pending.stale, cause=f"{source.key}@{source.sequencer}", correlation_id=source.correlation_id
        )
        if not plan.announce:
            return None  # the same version, shown again: nothing to announce
        self.bus.emit(
            DetailType.POST_PUBLISHED,
            PostPublished(
                source=source,
                post=PostMetadata.of(post),
                url=self.theme.site.url(post.path),
                path=post.path,
                update=plan.state.update,
            ),
        )
        return DetailType.POST_PUBLISHED

    def _reject(
        self, source: SourceObject, problems: Sequence[Problem], waiter: SlugWaiter | None = None
    ) -> DetailType:
        reasons = [Reason.of(problem) for problem in problems]
        self.bus.emit(DetailType.POST_REJECTED, PostRejected(source=source, reasons=reasons))
        self.catalogue.record_rejection(
            source.key, source.sequencer, [reason.describe() for reason in reasons], waiter
        )
        return DetailType.POST_REJECTED

    def on_rejected(self, event: PostRejected) -> None:
        """ValidateFunction refused an upload: note it for `pressroom status` (the site is unchanged)."""
        self.catalogue.record_rejection(
            event.source.key, event.source.sequencer, [reason.describe() for reason in event.reasons]
        )


def _theme_problem(refused: TemplateRefusedError) -> Problem:
    return Problem(
        f"the site's theme could not render this post: {refused.describe()}. Nothing was published "
        "and any live page is unchanged; the site's owner needs to correct that template",
        field="theme",
    )


def log_stale(source: SourceObject) -> None:
    logger.info("a newer version of this key is already applied; ignoring", extra={"key": source.key})
