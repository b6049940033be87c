"""Author profile stage: authors/<key>.md recorded (or removed), then what shows it rendered again.

A profile changes how its posts name their authors (a CMS id becomes a name), so the posts whose
shown authors change are applied again through the render stage, and the profile's author pages
are queued for the aggregate stage.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from pressroom.aggregates import Stale, author_listing, page_of, ref_listing
from pressroom.catalogue import StaleEventError
from pressroom.events import AuthorValidated, PostWithdrawn, SourceObject
from pressroom.model import Rejection
from pressroom.pipeline.render import RenderStage, log_stale
from pressroom.reading.profiles import AuthorProfile, profile_key, validate_profile

logger = Logger(child=True)

SLUGS_PER_READ = 1_000


class AuthorStage:
    def __init__(self, render: RenderStage) -> None:
        self.render = render
        self.uploads = render.ports.uploads
        self.listings = render.ports.listings
        self.stale_pages = render.ports.stale_pages
        self.markdown = render.pages.markdown
        self.publication = render.publication

    def on_author_validated(self, event: AuthorValidated, now: datetime) -> None:
        """Record the profile, then render again what shows it."""
        data = self.uploads.read(event.source)
        if data is None:
            return  # overwritten or removed since: its own event follows
        profile = validate_profile(event.source.key, data, self.publication.rules.max_bytes)
        if isinstance(profile, Rejection):
            logger.warning("a validated profile is no longer valid", extra={"key": event.source.key})
            return
        bio_html = self.markdown.render(profile.body).html if profile.body else ""
        self._record(event.source, replace(profile, bio_html=bio_html), now)

    def on_withdrawn(self, event: PostWithdrawn, now: datetime) -> None:
        """The profile was deleted: its posts show their authors as the posts name them."""
        self._record(event.source, None, now)

    def _record(self, source: SourceObject, profile: AuthorProfile | None, now: datetime) -> None:
        """Record a profile (None: removed), then: the posts whose shown authors it changes are
        applied again (listings, pages, feeds), and its author pages rebuilt."""
        key = profile.key if profile else profile_key(source.key)
        before = next((p for p in self.listings.authors() if p.key == key), None)
        try:
            if profile is None:
                self.listings.remove_author(key, source.sequencer)
            else:
                self.listings.put_author(profile, source.sequencer)
        except StaleEventError:
            log_stale(source)
            return
        known = [p for p in (before, profile) if p is not None]
        shown = {author_listing(p.name) for p in known} | {author_listing(p.key) for p in known}
        if before is None or profile is None or (before.name, before.ids) != (profile.name, profile.ids):
            references = shown | {ref_listing(identifier) for p in known for identifier in p.ids}
            for slug in sorted(self._slugs_in(references)):
                self.render.reconsider(slug, now)
        stale: set[str] = set()
        page_size = self.publication.page_size
        for listing in shown:
            term = self.listings.term(listing)
            if term is not None and term.next_sequence:
                last = page_of(term.next_sequence, page_size)
                stale |= {Stale.front(listing), *(Stale.page(listing, k) for k in range(1, last + 1))}
        self.stale_pages.send(
            stale, cause=f"{source.key}@{source.sequencer}", correlation_id=source.correlation_id
        )

    def _slugs_in(self, listings: set[str]) -> set[str]:
        slugs: set[str] = set()
        for listing in listings:
            after: dict[str, Any] | None = None
            while True:
                page, after = self.listings.slugs_page(listing, after, SLUGS_PER_READ)
                slugs.update(page)
                if not after:
                    break
        return slugs
