"""AssetsFunction: S3's events (through EventBridge) for assets/* and images, any case → the site follows."""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.events import correlation_id
from pressroom.pipeline.assets import AssetsStage
from pressroom.settings import AssetsSettings
from pressroom.wiring.assets import build_assets_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def stage() -> AssetsStage:
    return build_assets_stage(AssetsSettings.from_env())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=S3EventBridgeNotificationEvent)
def lambda_handler(event: S3EventBridgeNotificationEvent, context: LambdaContext) -> dict[str, Any]:
    assets = stage()  # settings first: a misconfigured function fails whatever the event
    obj = event.detail.object
    logger.append_keys(key=obj.key)
    logger.set_correlation_id(correlation_id(obj.key, obj.get("version-id"), obj.get("sequencer")))
    synced = assets.sync(event.detail.bucket.name, obj.key)
    if synced.reason is not None:
        logger.warning(
            "asset not copied to the site: what the site had stays", extra={"reason": synced.reason}
        )
    logger.info("asset synced", extra={"action": synced.action})
    metrics.add_metric(name=f"Assets{synced.action.title()}", unit=MetricUnit.Count, value=1)
    return {"key": obj.key, "action": synced.action}
