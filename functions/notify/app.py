"""NotifyFunction: "Post Published" | "Post Rejected" → one announcement on the SNS topic."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, cast

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from pressroom.events import PostPublished, PostRejected, parse_detail
from pressroom.pipeline.notify import IDEMPOTENCY_PARTITION, announcement_key
from pressroom.settings import Settings
from pressroom.wiring import build_notify_dependencies

logger = Logger()
metrics = Metrics()
idempotency_config = IdempotencyConfig(
    event_key_jmespath="key",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=30 * 24 * 3600,
)


@functools.cache
def announce_once() -> Callable[..., dict[str, Any]]:
    """The announcing function, wrapped so that each post version is announced once."""
    dependencies = build_notify_dependencies(Settings.from_env())
    store = DynamoDBPersistenceLayer(
        table_name=dependencies.table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=IDEMPOTENCY_PARTITION,
        boto3_client=dependencies.dynamodb,
    )

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="request", persistence_store=store, config=idempotency_config
    )
    def announce(request: dict[str, Any]) -> dict[str, Any]:
        detail = parse_detail(request["detailType"], request["detail"])
        if not isinstance(detail, PostPublished | PostRejected):
            raise TypeError(f"cannot announce {request['detailType']!r} events")
        announcement = dependencies.stage.announce(detail)
        metrics.add_metric(name="Announcements", unit=MetricUnit.Count, value=1)
        return {"kind": announcement.kind.value, "subject": announcement.subject}

    return cast("Callable[..., dict[str, Any]]", announce)


@logger.inject_lambda_context
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    announce = announce_once()  # settings first: a misconfigured function fails whatever the event
    detail = parse_detail(event.detail_type, event.detail)
    if not isinstance(detail, PostPublished | PostRejected):
        raise ValueError(f"NotifyFunction does not handle {event.detail_type!r} events")
    logger.append_keys(key=detail.source.key, detail_type=event.detail_type)
    idempotency_config.register_lambda_context(context)
    return announce(
        request={
            "key": announcement_key(event.detail_type, detail.source),
            "detailType": event.detail_type,
            "detail": event.detail,
        }
    )
