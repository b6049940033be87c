"""NotifyFunction: "Post Published" | "Post Rejected" | "Image Rejected" → one announcement per
channel, once each.

Channels are the SNS topic and every configured webhook; the stage delivers each once, parks an
event a webhook refused (4xx) for `pressroom dlq redrive`, and raises when a channel failed
otherwise, so Lambda retries the invocation and, in the end, sends it to the failure queue.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.events import ImageRejected, PostPublished, PostRejected, parse_detail
from pressroom.pipeline.notify import NotifyStage
from pressroom.settings import NotifySettings
from pressroom.wiring.notify import build_notify_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def stage() -> NotifyStage:
    return build_notify_stage(NotifySettings.from_env())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    notify = stage()  # settings first: a misconfigured function fails whatever the event
    detail = parse_detail(event.detail_type, event.detail)
    if not isinstance(detail, PostPublished | PostRejected | ImageRejected):
        raise ValueError(f"NotifyFunction does not handle {event.detail_type!r} events")
    logger.append_keys(key=detail.source.key, detail_type=event.detail_type)
    logger.set_correlation_id(detail.source.correlation_id)
    notify.once.begin(context)
    announced = notify.announce(event.detail_type, detail, event.raw_event, context.invoked_function_arn)
    if announced.delivered:
        metrics.add_metric(name="Announcements", unit=MetricUnit.Count, value=announced.delivered)
    if announced.parked:
        metrics.add_metric(name="AnnouncementsParked", unit=MetricUnit.Count, value=len(announced.parked))
    return {"announced": announced.results}
