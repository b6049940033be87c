"""AssetsFunction: S3 notifications for assets/* and posts/<slug>/<image> → the site's copy follows."""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
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
@event_source(data_class=S3Event)
def lambda_handler(event: S3Event, context: LambdaContext) -> dict[str, Any]:
    assets = stage()  # settings first: a misconfigured function fails whatever the event
    results = []
    for record in event.records:
        obj = record.s3.get_object
        key = unquote_plus(obj.key)
        logger.append_keys(key=key)
        logger.set_correlation_id(correlation_id(key, obj.version_id, obj.get("sequencer")))
        action = assets.sync(record.s3.bucket.name, key)
        logger.info("asset synced", extra={"action": action})
        metrics.add_metric(name=f"Assets{action.title()}", unit=MetricUnit.Count, value=1)
        results.append({"key": key, "action": action})
    return {"results": results}
