"""ValidateFunction: S3's events (through EventBridge) for Markdown and theme files → a verdict on the bus.

Emits "Post Validated" | "Post Rejected" | "Post Withdrawn".
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.pipeline.validate import ValidateStage, upload_change
from pressroom.settings import ValidateSettings
from pressroom.wiring.validate import build_validate_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def settings() -> ValidateSettings:
    return ValidateSettings.from_env()


@functools.cache
def stage() -> ValidateStage:
    return build_validate_stage(settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=S3EventBridgeNotificationEvent)
def lambda_handler(event: S3EventBridgeNotificationEvent, context: LambdaContext) -> dict[str, Any]:
    validate = stage()  # settings first: a misconfigured function fails whatever the event
    change = upload_change(event)
    logger.append_keys(key=change.source.key)
    logger.set_correlation_id(change.source.correlation_id)
    outcome = validate.handle(change, now=settings().clock.now())
    logger.info("upload checked", extra={"outcome": outcome.value if outcome else None})
    if outcome:
        metrics.add_metric(name=outcome.value.replace(" ", ""), unit=MetricUnit.Count, value=1)
    return {"key": change.source.key, "emitted": outcome.value if outcome else None}
