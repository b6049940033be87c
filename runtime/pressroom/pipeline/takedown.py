"""Taking a post's page off the site: its file deleted, or the post a draft, scheduled or expired
again. Its rows and page go, its slug is let go, and "Post Unpublished" is said, once."""

from __future__ import annotations

from dataclasses import replace

from pressroom.catalogue import Pending, SourceState, SourceStateKind
from pressroom.events import DetailType, PostUnpublished, SourceObject
from pressroom.model import PostKind, content_path, kind_of_key
from pressroom.pipeline.publishing import RenderPorts, is_retry, take_down_changes
from pressroom.pipeline.releases import SlugReleases


class TakeDown:
    def __init__(self, ports: RenderPorts, releases: SlugReleases, page_size: int) -> None:
        self.catalogue = ports.catalogue
        self.listings = ports.listings
        self.stale_pages = ports.stale_pages
        self.bus = ports.bus
        self.releases = releases
        self.page_size = page_size

    def __call__(self, source: SourceObject, state_kind: SourceStateKind) -> DetailType | None:
        """Record the key as not live; remove its page and rows if it had them (raises StaleEventError)."""
        kind = kind_of_key(source.key)
        previous = self.catalogue.source_state(source.key)
        if previous is not None and previous.state is state_kind and is_retry(previous, source):
            live_slug, pending = previous.released_slug, previous.pending
            if live_slug and self.catalogue.owner_of(live_slug) not in (None, source.key):
                # Handed over since: the rows under those keys are the new owner's (same slug, and
                # for a moved file the same date), so this retry must not delete them.
                pending = replace(pending, deletes=())
        else:
            live_slug = previous.slug if previous and previous.state is SourceStateKind.LIVE else None
            record = self.releases.record_owned(live_slug, source.key)
            pending = Pending()
            if record is not None:
                pages = self.listings.site_pages() if kind is PostKind.PAGE else ()
                pending = take_down_changes(kind, record, pages, self.page_size)
        state = SourceState(
            key=source.key,
            state=state_kind,
            slug=None,
            sequencer=source.sequencer,
            released_slug=live_slug,
            pending=pending,
        )
        self.catalogue.record_taken_down(state, release=self.releases.still_owned(live_slug, source.key))
        if not live_slug:
            return None
        self.listings.delete(pending.deletes)
        self.releases.let_go(live_slug, kind)
        self.stale_pages.send(
            pending.stale, cause=f"{source.key}@{source.sequencer}", correlation_id=source.correlation_id
        )
        self.bus.emit(
            DetailType.POST_UNPUBLISHED,
            PostUnpublished(
                source=source,
                slug=live_slug,
                path=content_path(kind, live_slug),
                reason=state_kind.value,
            ),
        )
        return DetailType.POST_UNPUBLISHED
