"""ImagesFunction's stage: the only one that imports Pillow (through the codec)."""

from __future__ import annotations

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.image_records import ImageRecordStore
from pressroom.adapters.pillow_codec import PillowCodec
from pressroom.adapters.site import SiteStore
from pressroom.adapters.uploads import UploadStore
from pressroom.events import EventSource
from pressroom.pipeline.images import ImagesStage
from pressroom.settings import ImagesSettings
from pressroom.wiring import clients


def build_images_stage(settings: ImagesSettings) -> ImagesStage:
    s3 = clients.s3()
    return ImagesStage(
        SiteStore(s3, settings.hosting_bucket),
        UploadStore(s3),
        ImageRecordStore(clients.dynamodb(), settings.posts_table),
        PillowCodec(),
        EventPublisher(clients.events(), settings.event_bus_name, EventSource.IMAGES),
    )
