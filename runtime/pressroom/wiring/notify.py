"""NotifyFunction's stage: the topic, the webhooks, each delivery once, refusals parked."""

from __future__ import annotations

import os

from pressroom.adapters.failures import FailureParking
from pressroom.adapters.idempotency import IdempotentRuns
from pressroom.adapters.topic import AnnouncementTopic
from pressroom.adapters.webhook_directory import WebhookDirectory
from pressroom.adapters.webhook_sender import RetryPolicy, WebhookSender
from pressroom.pipeline.notify import IDEMPOTENCY_PARTITION, RECORD_PREFIX, NotifyStage
from pressroom.settings import NotifySettings
from pressroom.wiring import clients


def build_notify_stage(settings: NotifySettings) -> NotifyStage:
    ssm = clients.ssm() if settings.webhooks_parameter else None
    parking = None
    if settings.notify_failures_queue_url:
        parking = FailureParking(clients.sqs(), settings.notify_failures_queue_url, settings.clock)
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "test-func")  # as Powertools names it
    return NotifyStage(
        AnnouncementTopic(clients.sns(), settings.topic_arn),
        WebhookDirectory(ssm, settings.webhooks_parameter),
        WebhookSender(
            RetryPolicy(first_backoff_seconds=settings.webhook_backoff_seconds), clock=settings.clock
        ),
        once=IdempotentRuns(
            clients.dynamodb(),
            settings.posts_table,
            IDEMPOTENCY_PARTITION,
            RECORD_PREFIX.format(function_name=function_name),
        ),
        parking=parking,
    )
