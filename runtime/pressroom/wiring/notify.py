"""NotifyFunction's stage and what its handler needs beside it (idempotency, failure parking)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_lambda_powertools.utilities.parameters import SSMProvider

from pressroom.adapters.failures import FailureParking
from pressroom.adapters.topic import AnnouncementTopic
from pressroom.adapters.webhook_directory import WebhookDirectory
from pressroom.adapters.webhook_sender import RetryPolicy, WebhookSender
from pressroom.pipeline.notify import NotifyStage
from pressroom.settings import NotifySettings
from pressroom.wiring import clients

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class NotifyDependencies:
    stage: NotifyStage
    dynamodb: DynamoDBClient
    table_name: str
    failures: FailureParking | None


def build_notify_dependencies(settings: NotifySettings) -> NotifyDependencies:
    provider = SSMProvider(boto3_client=clients.ssm()) if settings.webhooks_parameter else None
    failures = None
    if settings.notify_failures_queue_url:
        failures = FailureParking(clients.sqs(), settings.notify_failures_queue_url)
    return NotifyDependencies(
        stage=NotifyStage(
            AnnouncementTopic(clients.sns(), settings.topic_arn),
            WebhookDirectory(provider, settings.webhooks_parameter),
            WebhookSender(RetryPolicy(first_backoff_seconds=settings.webhook_backoff_seconds)),
        ),
        dynamodb=clients.dynamodb(),
        table_name=settings.posts_table,
        failures=failures,
    )
