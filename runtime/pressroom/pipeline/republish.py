"""Republish stage: every published post and page rendered again, fanned out, then the
aggregates once.

"Republish Requested" starts a ledger and queues one "list from the start" item. Listing a page
of the catalogue queues its posts, ten to a message, and the next page as a further item, so
no single invocation grows with the site. Workers render posts in parallel; the one that
finishes the last post (after the last page was listed) asks for every aggregate page to be
rebuilt, once. A post that cannot be rendered is counted as failed and reported; the others
carry on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from pressroom.aggregates import ALL, Stale
from pressroom.events import RepublishRequested
from pressroom.pipeline.render import RenderStage
from pressroom.ports import Listings, RepublishFailureParking, RepublishLedgerStore, RepublishWork, StalePages

logger = Logger(child=True)

LISTING_PAGE = 1_000


@dataclass(frozen=True)
class RenderedBatch:
    rendered: int
    failed: tuple[str, ...]


class RepublishStage:
    def __init__(
        self,
        render: RenderStage,
        ledger: RepublishLedgerStore,
        queue: RepublishWork,
        listings: Listings,
        stale_pages: StalePages,
        failures: RepublishFailureParking | None = None,
    ) -> None:
        self.render = render
        self.ledger = ledger
        self.queue = queue
        self.listings = listings
        self.stale_pages = stale_pages
        self.failures = failures

    def start(self, event: RepublishRequested) -> str:
        republish_id = self.ledger.start(event.reason, event.request_id)
        self.render.theme.forget_templates()
        self.queue.enumerate_from(republish_id, None)
        logger.info("republish started", extra={"republish": republish_id, "reason": event.reason})
        return republish_id

    def enumerate(self, republish_id: str, after: dict[str, Any] | None) -> int:
        """Queue one page of published posts, and the next page; returns how many were queued."""
        slugs, next_page = self.listings.slugs_page(ALL, after, LISTING_PAGE)
        if after is None:  # the site's pages (a handful) go with the first page of posts
            slugs = [page.slug for page in self.listings.site_pages()] + slugs
        self.ledger.queued(republish_id, len(slugs))  # counted before sent: pending never hits 0 early
        self.queue.render(republish_id, slugs)
        if next_page:
            self.queue.enumerate_from(republish_id, next_page)
        elif self.ledger.finish_enqueueing(republish_id):
            self._aggregate(republish_id)
        return len(slugs)

    def render_posts(self, republish_id: str, slugs: Sequence[str], now: datetime) -> RenderedBatch:
        self.render.theme.forget_templates()
        failed: list[str] = []
        rendered = 0
        for slug in slugs:
            try:
                ok = self.render.rerender(slug, now)
            except Exception:
                logger.exception(
                    "republishing a post failed", extra={"slug": slug, "republish": republish_id}
                )
                ok = False
            if ok:
                rendered += 1
            else:
                failed.append(slug)
            if self.ledger.complete(republish_id, slug, ok):
                self._aggregate(republish_id)
        if failed and self.failures is not None:
            self.failures.park(republish_id, failed)
        return RenderedBatch(rendered=rendered, failed=tuple(failed))

    def _aggregate(self, republish_id: str) -> None:
        self.stale_pages.send(
            {Stale.EVERYTHING}, cause=f"republish {republish_id}", correlation_id=f"republish {republish_id}"
        )
        logger.info("republish rendered every post; aggregates requested", extra={"republish": republish_id})
