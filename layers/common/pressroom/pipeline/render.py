"""Render stage: a validated post becomes a page, a catalogue entry and a fresh index."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from aws_lambda_powertools import Logger

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.catalogue import (
    Catalogue,
    CatalogueEntry,
    SlugTakenError,
    SourceState,
    SourceStateKind,
    StaleEventError,
)
from pressroom.adapters.schedules import PublicationSchedules
from pressroom.adapters.site import SiteStore
from pressroom.adapters.uploads import UploadStore
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
from pressroom.markdown import render_markdown
from pressroom.model import Post, PostStatus, Problem, Rejection, post_page_key, post_path
from pressroom.theme import IndexEntry, Theme
from pressroom.validation import ValidationRules, validate_post

logger = Logger(child=True)

INDEX_KEY = "index.html"
NOT_FOUND_KEY = "404.html"


_TAKEN_DOWN_AS = {
    PostStatus.DRAFT: SourceStateKind.DRAFT,
    PostStatus.SCHEDULED: SourceStateKind.SCHEDULED,
    PostStatus.EXPIRED: SourceStateKind.EXPIRED,
}


class RenderStage:
    def __init__(
        self,
        uploads: UploadStore,
        site: SiteStore,
        catalogue: Catalogue,
        bus: EventPublisher,
        schedules: PublicationSchedules,
        theme: Theme,
        rules: ValidationRules,
        index_page_size: int,
    ) -> None:
        self.uploads = uploads
        self.site = site
        self.catalogue = catalogue
        self.bus = bus
        self.schedules = schedules
        self.theme = theme
        self.rules = rules
        self.index_page_size = index_page_size

    def on_validated(self, event: PostValidated, now: datetime) -> DetailType | None:
        """Apply the validated version, unless a newer event for its key was applied first."""
        return self._apply(event.source, now)

    def on_due(self, event: PostDue, now: datetime) -> DetailType | None:
        """A schedule fired: the post's date or expiry has come, so judge it as of then."""
        return self._apply(event.source, max(now, event.due_at))

    def on_withdrawn(self, event: PostWithdrawn) -> DetailType | None:
        try:
            outcome = self._take_down(event.source, SourceStateKind.WITHDRAWN)
        except StaleEventError:
            _log_stale(event.source)
            return None
        self.schedules.clear(event.source.key)
        return outcome

    def _apply(self, source: SourceObject, now: datetime) -> DetailType | None:
        """Read exactly the version an event names and make the site match its status at `now`.

        The status is judged here, not taken from the event: a schedule fires long after the
        version was validated, and the same bytes then say "published" instead of "scheduled".
        """
        data = self.uploads.read(source)
        if data is None:
            logger.info("the version is gone; its removal event will follow", extra={"key": source.key})
            return None
        post = validate_post(source.key, data, self.rules, now)
        if isinstance(post, Rejection):
            return self._reject(source, post.problems)
        outcome: DetailType | None
        try:
            if post.status is PostStatus.PUBLISHED:
                outcome = self._publish(source, post)
            else:
                outcome = self._take_down(source, _TAKEN_DOWN_AS[post.status])
        except StaleEventError:
            _log_stale(source)
            return None
        except SlugTakenError as error:
            return self._reject(source, (Problem(f"{error}; choose another slug", field="slug"),))
        due = post.next_change()
        if due is not None and due > now:
            self.schedules.set(source, due)
        else:
            self.schedules.clear(source.key)
        return outcome

    def _publish(self, source: SourceObject, post: Post) -> DetailType | None:
        """Record the post as live, write its page and the index, say so (raises StaleEventError).

        A retry of an event already recorded (same sequencer) repeats the side effects the first
        attempt recorded, so a failure half-way is finished rather than forgotten.
        """
        previous = self.catalogue.source_state(source.key)
        live = previous is not None and previous.state is SourceStateKind.LIVE
        retry = live and _is_retry(previous, source) and previous is not None and previous.slug == post.slug
        if previous is not None and retry:
            update, released = previous.update, previous.released_slug
        else:
            update = live
            released = previous.slug if previous is not None and live and previous.slug != post.slug else None
            if (
                live
                and previous is not None
                and source.etag
                and previous.etag == source.etag
                and not released
            ):
                # Byte-identical re-upload (or a version deleted behind the live one): nothing to do.
                self.catalogue.record_unchanged(replace(previous, sequencer=source.sequencer))
                return None
        state = SourceState(
            key=source.key,
            state=SourceStateKind.LIVE,
            slug=post.slug,
            sequencer=source.sequencer,
            update=update,
            released_slug=released,
            etag=source.etag,
        )
        entry = CatalogueEntry(
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
        )
        self.catalogue.publish(entry, state, release=self._still_owned(released, source.key))
        self.site.put_page(post.page_key, self.theme.render_post(post, render_markdown(post.body)))
        self._remove_page_if_unowned(released)
        self.rebuild_index()
        self.bus.publish(
            DetailType.POST_PUBLISHED,
            PostPublished(
                source=source,
                post=PostMetadata.of(post),
                url=self.theme.site.base_url + post.path,
                path=post.path,
                update=update,
            ),
        )
        return DetailType.POST_PUBLISHED

    def _take_down(self, source: SourceObject, kind: SourceStateKind) -> DetailType | None:
        """Record the key as not live; remove its page if it had one (raises StaleEventError)."""
        previous = self.catalogue.source_state(source.key)
        if previous is not None and previous.state is kind and _is_retry(previous, source):
            live_slug = previous.released_slug
        else:
            live_slug = previous.slug if previous and previous.state is SourceStateKind.LIVE else None
        state = SourceState(
            key=source.key, state=kind, slug=None, sequencer=source.sequencer, released_slug=live_slug
        )
        self.catalogue.take_down(state, release=self._still_owned(live_slug, source.key))
        if not live_slug:
            return None
        self._remove_page_if_unowned(live_slug)
        self.rebuild_index()
        self.bus.publish(
            DetailType.POST_UNPUBLISHED,
            PostUnpublished(source=source, slug=live_slug, path=post_path(live_slug), reason=kind.value),
        )
        return DetailType.POST_UNPUBLISHED

    def _still_owned(self, slug: str | None, key: str) -> bool:
        return slug is not None and self.catalogue.owner_of(slug) == key

    def _remove_page_if_unowned(self, slug: str | None) -> None:
        """Delete a released slug's page, unless another post has claimed the slug since."""
        if slug is not None and self.catalogue.owner_of(slug) is None:
            self.site.delete(post_page_key(slug))

    def _reject(self, source: SourceObject, problems: Sequence[Problem]) -> DetailType:
        reasons = [Reason.of(problem) for problem in problems]
        self.bus.publish(DetailType.POST_REJECTED, PostRejected(source=source, reasons=reasons))
        return DetailType.POST_REJECTED

    def rebuild_index(self) -> None:
        entries = [
            IndexEntry(slug=e.slug, title=e.title, date=e.date, path=e.path, summary=e.summary)
            for e in self.catalogue.latest(self.index_page_size)
        ]
        self.site.put_page(INDEX_KEY, self.theme.render_index(entries))
        # CloudFront answers every missing page with this one (template.yaml's CustomErrorResponses).
        self.site.put_page(NOT_FOUND_KEY, self.theme.render_not_found())


def _log_stale(source: SourceObject) -> None:
    logger.info("a newer version of this key is already applied; ignoring", extra={"key": source.key})


def _is_retry(previous: SourceState | None, source: SourceObject) -> bool:
    """Whether this event is the one already recorded for the key (a retry or a duplicate).

    Callers also compare the recorded state: a "Post Due" for the same version carries the same
    sequencer but changes the state (scheduled to live, live to expired), so it is not a retry.
    """
    return previous is not None and source.sequencer is not None and previous.sequencer == source.sequencer
