"""Slug hand-over stage: an upload refused because its slug was taken is judged again when the
slug's owner lets it go ("Slug Released"), in an invocation of its own."""

from __future__ import annotations

from datetime import datetime

from pressroom.catalogue import SlugWaiter
from pressroom.events import DetailType, SlugReleased
from pressroom.model import kind_of_key
from pressroom.pipeline.releases import SlugReleases
from pressroom.pipeline.render import RenderStage
from pressroom.ports import CatalogueStore


class SlugHandoverStage:
    def __init__(self, render: RenderStage, catalogue: CatalogueStore, releases: SlugReleases) -> None:
        self.render = render
        self.catalogue = catalogue
        self.releases = releases

    def on_slug_released(self, event: SlugReleased, now: datetime) -> DetailType | None:
        """Judge again the upload that waited for the slug: it is published there if nothing else
        is wrong with it. Otherwise the page handed over is removed, unless the slug has a new owner.

        A retry resumes: once the waiting upload owns the slug, applying it again finishes what
        the first attempt left undone.
        """
        waiting, owner = event.source, self.catalogue.owner_of(event.slug)
        if owner is None:
            waiter = self.catalogue.slug_waiter(event.slug)
            recorded = (waiter.key, waiter.sequencer) if waiter is not None else None
            still_waiting = recorded == (waiting.key, waiting.sequencer)
        else:
            still_waiting = owner == waiting.key
        outcome = None
        if still_waiting:
            outcome = self.render.apply(waiting, now, succeeds_live_page=event.handover)
        if outcome is not DetailType.POST_REJECTED and still_waiting:
            self.catalogue.forget_slug_waiter(
                SlugWaiter(waiting.key, event.slug, waiting.sequencer, waiting.version_id, waiting.etag)
            )
        if event.handover:
            self.releases.remove_page_if_unowned(event.slug, kind_of_key(waiting.key))
        return outcome
