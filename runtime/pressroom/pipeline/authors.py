"""Author profile stage: authors/<key>.md recorded (or removed), then what shows it rendered again.

A profile changes how its posts name their authors (a CMS id becomes a name), so the posts whose
shown authors change are applied again through the render stage, and the profile's author pages
are queued for the aggregate stage.

A profile is recorded under its file's key as uploaded. One claiming a key, name, page or CMS id
that another file's profile holds is refused, as a post is (announced, and listed by `pressroom
status`): the first keeps its posts. Deleting the first frees its claims; a profile refused
earlier is not judged again, its author uploads it again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from pressroom.aggregates import Stale, author_listing, page_of, ref_listing
from pressroom.catalogue import StaleEventError
from pressroom.events import AuthorValidated, DetailType, PostRejected, PostWithdrawn, Reason, SourceObject
from pressroom.model import Problem, Rejection
from pressroom.pipeline.render import RenderStage, log_stale
from pressroom.reading.profiles import AuthorProfile, ClaimTakenError, claim_problems, validate_profile

logger = Logger(child=True)

SLUGS_PER_READ = 1_000


class AuthorStage:
    def __init__(self, render: RenderStage) -> None:
        self.render = render
        self.uploads = render.ports.uploads
        self.listings = render.ports.listings
        self.stale_pages = render.ports.stale_pages
        self.catalogue = render.ports.catalogue
        self.bus = render.ports.bus
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
        profile = replace(profile, bio_html=bio_html)
        before = self._recorded(event.source.key)
        try:
            self.listings.put_author(profile, event.source.sequencer)
        except StaleEventError:
            log_stale(event.source)
            return
        except ClaimTakenError as taken:
            self._refuse(event.source, claim_problems(profile, taken.taken))
            return
        self._show(event.source, before, profile, now)

    def on_withdrawn(self, event: PostWithdrawn, now: datetime) -> None:
        """The profile was deleted: its posts show their authors as the posts name them."""
        before = self._recorded(event.source.key)
        try:
            self.listings.remove_author(event.source.key, event.source.sequencer)
        except StaleEventError:
            log_stale(event.source)
            return
        if before is not None:  # else a file never recorded (refused, say): nothing showed it
            self._show(event.source, before, None, now)

    def _recorded(self, source_key: str) -> AuthorProfile | None:
        return next((p for p in self.listings.authors() if p.source_key == source_key), None)

    def _refuse(self, source: SourceObject, problems: tuple[Problem, ...]) -> None:
        """Say why the profile was not recorded, as a refused post is said; nothing else changes."""
        logger.info(
            "profile refused", extra={"key": source.key, "problems": [p.describe() for p in problems]}
        )
        reasons = [Reason.of(problem) for problem in problems]
        self.bus.emit(DetailType.POST_REJECTED, PostRejected(source=source, reasons=reasons))
        self.catalogue.record_rejection(
            source.key, source.sequencer, [reason.describe() for reason in reasons]
        )

    def _show(
        self, source: SourceObject, before: AuthorProfile | None, profile: AuthorProfile | None, now: datetime
    ) -> None:
        """After a profile changed from `before` to `profile` (None: none): the posts whose shown
        authors it changes are applied again (listings, pages, feeds), and its author pages rebuilt."""
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
