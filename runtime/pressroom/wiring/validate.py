"""ValidateFunction's stage."""

from __future__ import annotations

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.uploads import UploadStore
from pressroom.events import EventSource
from pressroom.pipeline.validate import ValidateStage
from pressroom.settings import ValidateSettings
from pressroom.wiring import clients
from pressroom.wiring.theme import validation_rules


def build_validate_stage(settings: ValidateSettings) -> ValidateStage:
    return ValidateStage(
        uploads=UploadStore(clients.s3()),
        bus=EventPublisher(clients.events(), settings.event_bus_name, EventSource.VALIDATE),
        rules=validation_rules(settings),
    )
