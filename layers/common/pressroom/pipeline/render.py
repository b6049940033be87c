"""Render stage: a validated post becomes a page, a catalogue entry and a fresh index."""

from __future__ import annotations

from collections.abc import Sequence
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
from pressroom.adapters.site import SiteStore
from pressroom.adapters.uploads import UploadStore
from pressroom.events import (
    DetailType,
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


class RenderStage:
    def __init__(
        self,
        uploads: UploadStore,
        site: SiteStore,
        catalogue: Catalogue,
        bus: EventPublisher,
        theme: Theme,
        rules: ValidationRules,
        index_page_size: int,
    ) -> None:
        self.uploads = uploads
        self.site = site
        self.catalogue = catalogue
        self.bus = bus
        self.theme = theme
        self.rules = rules
        self.index_page_size = index_page_size

    def on_validated(self, event: PostValidated, now: datetime) -> DetailType | None:
        """Publish the validated version, unless a newer event for its key was applied first."""
        source = event.source
        if event.post.status is not PostStatus.PUBLISHED:
            kind = (
                SourceStateKind.DRAFT if event.post.status is PostStatus.DRAFT else SourceStateKind.SCHEDULED
            )
            return self._take_down(source, kind)
        data = self.uploads.read(source)
        if data is None:
            logger.info("validated upload is gone; its removal event will follow", extra={"key": source.key})
            return None
        result = validate_post(source.key, data, self.rules, now)
        if isinstance(result, Rejection):
            return self._reject(source, result.problems)
        return self._publish(source, result)

    def on_withdrawn(self, event: PostWithdrawn) -> DetailType | None:
        return self._take_down(event.source, SourceStateKind.WITHDRAWN)

    def _publish(self, source: SourceObject, post: Post) -> DetailType | None:
        previous = self.catalogue.source_state(source.key)
        update = _is_update(previous, source.sequencer)
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
        try:
            self.catalogue.publish(entry, previous, update)
        except StaleEventError:
            logger.info("a newer version is already applied; ignoring", extra={"key": source.key})
            return None
        except SlugTakenError as error:
            return self._reject(source, (Problem(f"{error}; choose another slug", field="slug"),))
        self.site.put_page(post.page_key, self.theme.render_post(post, render_markdown(post.body)))
        if previous and previous.slug and previous.slug != post.slug:
            self.site.delete(post_page_key(previous.slug))
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
        previous = self.catalogue.source_state(source.key)
        live_slug = previous.slug if previous and previous.state is SourceStateKind.LIVE else None
        try:
            self.catalogue.take_down(source.key, source.sequencer, kind, live_slug)
        except StaleEventError:
            logger.info("a newer version is already applied; ignoring", extra={"key": source.key})
            return None
        if not live_slug:
            return None
        self.site.delete(post_page_key(live_slug))
        self.rebuild_index()
        self.bus.publish(
            DetailType.POST_UNPUBLISHED,
            PostUnpublished(source=source, slug=live_slug, path=post_path(live_slug)),
        )
        return DetailType.POST_UNPUBLISHED

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


def _is_update(previous: SourceState | None, sequencer: str | None) -> bool:
    """Whether publishing this version replaces a live one (a retry keeps the first answer)."""
    if previous is None or previous.state is not SourceStateKind.LIVE:
        return False
    if sequencer is not None and previous.sequencer == sequencer:
        return previous.update
    return True
