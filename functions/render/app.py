"""RenderFunction: "Post Validated" | "Post Withdrawn" | "Post Due" | "Republish Requested" |
"Slug Released" → pages.

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

from pressroom.events import (
    AuthorValidated,
    PostDue,
    PostRejected,
    PostValidated,
    PostWithdrawn,
    RepublishRequested,
    SlugReleased,
    parse_detail,
)
from pressroom.pipeline.render import RenderStage
from pressroom.pipeline.republish import RepublishStage
from pressroom.settings import RenderSettings
from pressroom.wiring.render import build_render_stage, build_republish_stage

logger = Logger()
metrics = Metrics()


@functools.cache
def settings() -> RenderSettings:
    return RenderSettings.from_env()


@functools.cache
def stage() -> RenderStage:
    return build_render_stage(settings())


@functools.cache
def republisher() -> RepublishStage:
    return build_republish_stage(settings(), render=stage())  # one stage graph


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    render = stage()  # settings first: a misconfigured function fails whatever the event
    now = settings().clock.now()
    detail = parse_detail(event.detail_type, event.detail)
    logger.append_keys(detail_type=event.detail_type)
    if isinstance(detail, RepublishRequested):
        if detail.source:  # an uploaded template changed
            logger.set_correlation_id(detail.source.correlation_id)
        republish_id = republisher().start(detail)
        metrics.add_metric(name="RepublishesStarted", unit=MetricUnit.Count, value=1)
        return {"republish": republish_id}
    if isinstance(detail, SlugReleased):
        logger.append_keys(key=detail.source.key, slug=detail.slug)
        logger.set_correlation_id(detail.source.correlation_id)
        handed_over = render.on_slug_released(detail, now=now)
        logger.info("post rendered", extra={"outcome": handed_over.value if handed_over else None})
        return {"emitted": handed_over.value if handed_over else None}
    if isinstance(detail, AuthorValidated):
        logger.append_keys(key=detail.source.key)
        logger.set_correlation_id(detail.source.correlation_id)
        render.on_author_validated(detail, now=now)
        logger.info("author profile recorded")
        return {"recorded": "author"}
    if isinstance(detail, PostRejected):
        logger.append_keys(key=detail.source.key)
        logger.set_correlation_id(detail.source.correlation_id)
        render.on_rejected(detail)
        return {"recorded": "rejection"}
    if not isinstance(detail, PostValidated | PostWithdrawn | PostDue):
        raise ValueError(f"RenderFunction does not handle {event.detail_type!r} events")
    logger.append_keys(key=detail.source.key)
    logger.set_correlation_id(detail.source.correlation_id)
    if isinstance(detail, PostValidated):
        outcome = render.on_validated(detail, now=now)
    elif isinstance(detail, PostDue):
        outcome = render.on_due(detail, now=now)
    else:
        outcome = render.on_withdrawn(detail, now=now)
    logger.info("post rendered", extra={"outcome": outcome.value if outcome else None})
    if outcome:
        metrics.add_metric(name=outcome.value.replace(" ", ""), unit=MetricUnit.Count, value=1)
    return {"emitted": outcome.value if outcome else None}
