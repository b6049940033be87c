"""AggregateFunction's stage."""

from __future__ import annotations

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.listings import ListingStore
from pressroom.adapters.site import SiteStore
from pressroom.events import EventSource
from pressroom.pipeline.aggregate import AggregateStage
from pressroom.settings import AggregateSettings
from pressroom.wiring import clients
from pressroom.wiring.common import invalidator
from pressroom.wiring.theme import theme


def build_aggregate_stage(settings: AggregateSettings) -> AggregateStage:
    return AggregateStage(
        site=SiteStore(clients.s3(), settings.hosting_bucket),
        listings=ListingStore(clients.dynamodb(), settings.posts_table),
        theme=theme(settings),
        page_size=settings.index_page_size,
        invalidator=invalidator(settings),
        bus=EventPublisher(clients.events(), settings.event_bus_name, EventSource.AGGREGATE),
    )
