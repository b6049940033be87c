"""ImagesFunction: S3's events (through EventBridge) for images → their smaller copies, recorded."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.events import correlation_id
from pressroom.pipeline.images import ImagesStage
from pressroom.settings import ImagesSettings
from pressroom.wiring.images import build_images_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def stage() -> ImagesStage:
    return build_images_stage(ImagesSettings.from_env())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=S3EventBridgeNotificationEvent)
def lambda_handler(event: S3EventBridgeNotificationEvent, context: LambdaContext) -> dict[str, Any]:
    images = stage()  # settings first: a misconfigured function fails whatever the event
    obj = event.detail.object
    logger.append_keys(key=obj.key)
    logger.set_correlation_id(correlation_id(obj.key, obj.get("version-id"), obj.get("sequencer")))
    action = images.sync(event.detail.bucket.name, obj.key)
    logger.info("image synced", extra={"action": action})
    metrics.add_metric(name=f"Images{action.title()}", unit=MetricUnit.Count, value=1)
    return {"key": obj.key, "action": action}
