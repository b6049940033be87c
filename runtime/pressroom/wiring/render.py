"""RenderFunction's and RepublishFunction's stages: one render stage, which the others drive."""

from __future__ import annotations

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.catalogue import Catalogue
from pressroom.adapters.image_records import ImageRecordStore
from pressroom.adapters.listings import ListingStore
from pressroom.adapters.republish import RepublishFailures, RepublishLedger, RepublishQueue
from pressroom.adapters.schedules import PublicationSchedules
from pressroom.adapters.site import SiteStore
from pressroom.adapters.stale_pages import StalePagesQueue
from pressroom.adapters.uploads import UploadStore
from pressroom.events import EventSource
from pressroom.pipeline.pages import PostPages
from pressroom.pipeline.publishing import Publication, RenderPorts
from pressroom.pipeline.render import RenderStage
from pressroom.pipeline.rendering import Rendering
from pressroom.pipeline.republish import RepublishStage
from pressroom.settings import RenderSettings, RepublishSettings, SettingsError
from pressroom.wiring import clients
from pressroom.wiring.theme import markdown, theme, validation_rules


def render_ports(settings: RenderSettings) -> RenderPorts:
    s3 = clients.s3()
    dynamodb = clients.dynamodb()
    return RenderPorts(
        uploads=UploadStore(s3),
        site=SiteStore(s3, settings.hosting_bucket),
        catalogue=Catalogue(dynamodb, settings.posts_table, settings.clock),
        listings=ListingStore(dynamodb, settings.posts_table),
        images=ImageRecordStore(dynamodb, settings.posts_table),
        stale_pages=StalePagesQueue(clients.sqs(), settings.stale_pages_queue_url),
        bus=EventPublisher(clients.events(), settings.event_bus_name, EventSource.RENDER),
        schedules=PublicationSchedules(
            clients.scheduler(),
            group=settings.schedule_group,
            bus_arn=settings.event_bus_arn,
            role_arn=settings.scheduler_role_arn,
            dead_letter_arn=settings.schedule_dlq_arn,
        ),
    )


def publication(settings: RenderSettings) -> Publication:
    return Publication(
        rules=validation_rules(settings),
        page_size=settings.index_page_size,
        uploads_bucket=settings.uploads_bucket,
    )


def build_render_stage(settings: RenderSettings) -> RenderStage:
    return RenderStage(
        render_ports(settings), PostPages(theme(settings), markdown(settings)), publication(settings)
    )


def build_rendering(settings: RenderSettings) -> Rendering:
    """RenderFunction's stages; the republish stage is built (over the same render stage) only
    when a republish is asked for, as it needs REPUBLISH_QUEUE_URL."""
    return Rendering.over(
        render_ports(settings),
        PostPages(theme(settings), markdown(settings)),
        publication(settings),
        republish=lambda render: build_republish_stage(settings, render),
    )


def build_republish_stage(settings: RenderSettings, render: RenderStage | None = None) -> RepublishStage:
    """The republish fan-out over `render` (RenderFunction passes its own; one stage graph)."""
    if not settings.republish_queue_url:
        raise SettingsError("REPUBLISH_QUEUE_URL is unset: this function cannot republish the site")
    dynamodb = clients.dynamodb()
    sqs = clients.sqs()
    return RepublishStage(
        render=render or build_render_stage(settings),
        ledger=RepublishLedger(dynamodb, settings.posts_table, settings.clock),
        queue=RepublishQueue(sqs, settings.republish_queue_url),
        listings=ListingStore(dynamodb, settings.posts_table),
        stale_pages=StalePagesQueue(sqs, settings.stale_pages_queue_url),
        failures=(
            RepublishFailures(sqs, settings.republish_failures_queue_url)
            if isinstance(settings, RepublishSettings) and settings.republish_failures_queue_url
            else None
        ),
    )
