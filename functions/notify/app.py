"""NotifyFunction: "Post Published" | "Post Rejected" → one announcement per channel, once each.

Channels are the SNS topic and every configured webhook. Each delivery is idempotent on
(event kind, post version, channel): duplicates announce nothing, and a retry after one
channel failed only retries that channel. A webhook that answers 4xx is not retried: the
event is parked in the NotifyFailuresQueue for `pressroom dlq redrive`. Any other failure
fails the invocation, so Lambda retries it and, in the end, sends it to the same queue.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
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

from pressroom.adapters.failures import FailureParking
from pressroom.events import PostPublished, PostRejected, parse_detail
from pressroom.pipeline.notify import IDEMPOTENCY_PARTITION, NotifyStage, announcement_key
from pressroom.settings import NotifySettings
from pressroom.webhooks import WebhookRejectedError
from pressroom.wiring.notify import build_notify_dependencies

logger = Logger()
metrics = Metrics()
idempotency_config = IdempotencyConfig(
    event_key_jmespath="key",
    raise_on_no_idempotency_key=True,
    expires_after_seconds=30 * 24 * 3600,
)


class AnnouncementFailedError(RuntimeError):
    """Some channel could not be reached; raised so that Lambda retries the invocation."""


@dataclass(frozen=True)
class Notifier:
    stage: NotifyStage
    deliver: Callable[..., dict[str, Any]]
    failures: FailureParking | None


@functools.cache
def notifier() -> Notifier:
    """The stage, and its delivery wrapped so that each (announcement, channel) happens once."""
    dependencies = build_notify_dependencies(NotifySettings.from_env())
    store = DynamoDBPersistenceLayer(
        table_name=dependencies.table_name,
        key_attr="pk",
        sort_key_attr="sk",
        static_pk_value=IDEMPOTENCY_PARTITION,
        boto3_client=dependencies.dynamodb,
    )

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="delivery", persistence_store=store, config=idempotency_config
    )
    def deliver(delivery: dict[str, Any]) -> dict[str, Any]:
        detail = parse_detail(delivery["detailType"], delivery["detail"])
        if not isinstance(detail, PostPublished | PostRejected):
            raise TypeError(f"cannot announce {delivery['detailType']!r} events")
        result = dependencies.stage.deliver(delivery["channel"], detail, delivery["announcement"])
        metrics.add_metric(name="Announcements", unit=MetricUnit.Count, value=1)
        return result

    return Notifier(dependencies.stage, cast("Callable[..., dict[str, Any]]", deliver), dependencies.failures)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    notify = notifier()  # settings first: a misconfigured function fails whatever the event
    detail = parse_detail(event.detail_type, event.detail)
    if not isinstance(detail, PostPublished | PostRejected):
        raise ValueError(f"NotifyFunction does not handle {event.detail_type!r} events")
    logger.append_keys(key=detail.source.key, detail_type=event.detail_type)
    idempotency_config.register_lambda_context(context)
    key = announcement_key(event.detail_type, detail.source)
    results, failures = [], []
    for channel in notify.stage.channels():
        delivery = {
            "key": f"{key}|{channel}",
            "announcement": key,
            "channel": channel,
            "detailType": event.detail_type,
            "detail": event.detail,
        }
        try:
            results.append(notify.deliver(delivery=delivery))
        except WebhookRejectedError as refusal:
            logger.warning("webhook refused the announcement; parked", extra={"channel": channel})
            metrics.add_metric(name="AnnouncementsParked", unit=MetricUnit.Count, value=1)
            if notify.failures is None:
                raise
            notify.failures.park(context.invoked_function_arn, event.raw_event, f"{channel}: {refusal}")
        except Exception as error:
            logger.exception("announcement failed on a channel", extra={"channel": channel})
            failures.append(f"{channel}: {error}")
    if failures:
        raise AnnouncementFailedError("; ".join(failures))
    return {"announced": results}
