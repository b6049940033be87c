"""RenderFunction: "Post Validated" | "Post Withdrawn" | "Post Due" | "Republish Requested" |
"Slug Released" | "Author Validated" | "Post Rejected" → pages (pressroom.pipeline.rendering routes each).

Emits "Post Published" | "Post Unpublished" | "Post Rejected" (a slug already taken), and keeps
one EventBridge Scheduler schedule per scheduled or expiring post.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.events import parse_detail
from pressroom.pipeline.rendering import Rendering
from pressroom.settings import RenderSettings
from pressroom.wiring.render import build_rendering

logger = Logger()
metrics = Metrics()


@functools.cache
def settings() -> RenderSettings:
    return RenderSettings.from_env()


@functools.cache
def rendering() -> Rendering:
    return build_rendering(settings())


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    stages = rendering()  # settings first: a misconfigured function fails whatever the event
    now = settings().clock.now()
    detail = parse_detail(event.detail_type, event.detail)
    logger.append_keys(detail_type=event.detail_type)
    source = getattr(detail, "source", None)
    if source is not None:  # every event but an operator's republish names an upload
        logger.append_keys(key=source.key)
        logger.set_correlation_id(source.correlation_id)
    slug = getattr(detail, "slug", None)  # a slug handed over
    if slug is not None:
        logger.append_keys(slug=slug)
    handled = stages.handle(detail, now)
    if handled.republish is not None:
        metrics.add_metric(name="RepublishesStarted", unit=MetricUnit.Count, value=1)
    elif handled.recorded is not None:
        logger.info(f"{handled.recorded} recorded")
    else:
        logger.info("post rendered", extra={"outcome": handled.emitted.value if handled.emitted else None})
    if handled.emitted is not None:
        metrics.add_metric(name=handled.emitted.value.replace(" ", ""), unit=MetricUnit.Count, value=1)
    return handled.response()
