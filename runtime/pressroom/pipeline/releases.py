"""What becomes of a slug its post let go (renamed, withdrawn, deleted): its page removed, or
handed over to the upload that waited for it.

The render stage calls this as it writes; the hand-over stage (pipeline/handover.py) answers the
"Slug Released" it may put on the bus.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from pressroom.catalogue import PostRecord
from pressroom.events import DetailType, SlugReleased, SourceObject
from pressroom.model import PostKind, content_page_key, kind_of_key
from pressroom.ports import CatalogueStore, EventBus, Site

logger = Logger(child=True)


class SlugReleases:
    def __init__(self, catalogue: CatalogueStore, site: Site, bus: EventBus, uploads_bucket: str) -> None:
        self.catalogue = catalogue
        self.site = site
        self.bus = bus
        self.uploads_bucket = uploads_bucket

    def let_go(self, slug: str | None, kind: PostKind) -> None:
        """A slug this key (a `kind`) released, unless another post has claimed it since: its page
        is deleted or, if an upload waits for the slug, left in place and "Slug Released" put on
        the bus, for that upload to replace the page in an invocation of its own. A page waiting
        for a post's slug (or the other way round) is published elsewhere: nothing is left for it."""
        if slug is None or self.catalogue.owner_of(slug) is not None:
            return
        waiter = self.catalogue.slug_waiter(slug)
        handover = waiter is not None and kind_of_key(waiter.key) is kind
        if not handover:
            self.site.delete(content_page_key(kind, slug))
        if waiter is None:
            return
        waiting = SourceObject(
            bucket=self.uploads_bucket,
            key=waiter.key,
            version_id=waiter.version_id,
            sequencer=waiter.sequencer,
            etag=waiter.etag,
        )
        logger.info("the slug is released to the upload that waited for it",
                    extra={"slug": slug, "waiting": waiting.correlation_id})  # fmt: skip
        self.bus.emit(DetailType.SLUG_RELEASED, SlugReleased(source=waiting, slug=slug, handover=handover))

    def remove_page_if_unowned(self, slug: str | None, kind: PostKind) -> None:
        """Delete a released slug's page, unless another post has claimed the slug since."""
        if slug is not None and self.catalogue.owner_of(slug) is None:
            self.site.delete(content_page_key(kind, slug))

    def record_owned(self, slug: str | None, key: str) -> PostRecord | None:
        """The catalogue's record of `slug`, if `key` still owns it."""
        if slug is None:
            return None
        record = self.catalogue.post_record(slug)
        return record if record is not None and record.source_key == key else None

    def still_owned(self, slug: str | None, key: str) -> bool:
        return slug is not None and self.catalogue.owner_of(slug) == key
