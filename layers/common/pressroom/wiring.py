"""Builds each stage with its clients from Settings: the one place that creates boto3 clients."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3
from aws_lambda_powertools.utilities.parameters import SSMProvider
from botocore.config import Config

from pressroom.adapters.bus import EventPublisher
from pressroom.adapters.catalogue import Catalogue
from pressroom.adapters.cdn import Invalidator
from pressroom.adapters.failures import FailureParking
from pressroom.adapters.listings import ListingStore
from pressroom.adapters.republish import RepublishLedger, RepublishQueue
from pressroom.adapters.schedules import PublicationSchedules
from pressroom.adapters.site import SiteStore
from pressroom.adapters.stale_pages import StalePagesQueue
from pressroom.adapters.theme_overrides import UploadedThemeLoader
from pressroom.adapters.topic import AnnouncementTopic
from pressroom.adapters.uploads import UploadStore
from pressroom.adapters.webhook_directory import WebhookDirectory
from pressroom.adapters.webhook_sender import RetryPolicy, WebhookSender
from pressroom.events import EventSource
from pressroom.markdown import DEFAULT_EMBED_PREFIXES, MarkdownRenderer
from pressroom.pipeline.aggregate import AggregateStage
from pressroom.pipeline.assets import AssetsStage
from pressroom.pipeline.notify import NotifyStage
from pressroom.pipeline.render import RenderStage
from pressroom.pipeline.republish import RepublishStage
from pressroom.pipeline.validate import ValidateStage
from pressroom.settings import Settings, SettingsError
from pressroom.theme import Theme, packaged_templates
from pressroom.validation import ValidationRules
from pressroom.views import SiteInfo

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Adaptive retries ride out throttling (S3 503 SlowDown, DynamoDB) before failing the invocation.
CLIENT_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 6}, connect_timeout=5, read_timeout=20)


def validation_rules(settings: Settings) -> ValidationRules:
    return ValidationRules(timezone=settings.timezone(), max_bytes=settings.max_post_bytes)


def theme(settings: Settings) -> Theme:
    site = SiteInfo(
        title=settings.site_title, base_url=settings.base_url, description=settings.site_description
    )
    if not settings.uploads_bucket:
        return Theme(site)
    s3 = boto3.client("s3", config=CLIENT_CONFIG)
    return Theme(site, loader=UploadedThemeLoader(s3, settings.uploads_bucket, packaged_templates()))


def markdown(settings: Settings) -> MarkdownRenderer:
    prefixes = tuple(p.strip() for p in settings.embed_prefixes.split(",") if p.strip())
    return MarkdownRenderer(embed_prefixes=prefixes or DEFAULT_EMBED_PREFIXES)


def build_validate_stage(settings: Settings) -> ValidateStage:
    return ValidateStage(
        uploads=UploadStore(boto3.client("s3", config=CLIENT_CONFIG)),
        bus=EventPublisher(
            boto3.client("events", config=CLIENT_CONFIG), settings.event_bus_name, EventSource.VALIDATE
        ),
        rules=validation_rules(settings),
    )


def build_render_stage(settings: Settings) -> RenderStage:
    s3 = boto3.client("s3", config=CLIENT_CONFIG)
    dynamodb = boto3.client("dynamodb", config=CLIENT_CONFIG)
    return RenderStage(
        uploads=UploadStore(s3),
        site=SiteStore(s3, settings.hosting_bucket),
        catalogue=Catalogue(dynamodb, settings.posts_table),
        listings=ListingStore(dynamodb, settings.posts_table),
        stale_pages=StalePagesQueue(
            boto3.client("sqs", config=CLIENT_CONFIG), settings.stale_pages_queue_url
        ),
        bus=EventPublisher(
            boto3.client("events", config=CLIENT_CONFIG), settings.event_bus_name, EventSource.RENDER
        ),
        schedules=PublicationSchedules(
            boto3.client("scheduler", config=CLIENT_CONFIG),
            group=settings.schedule_group,
            bus_arn=settings.event_bus_arn,
            role_arn=settings.scheduler_role_arn,
            dead_letter_arn=settings.schedule_dlq_arn,
        ),
        theme=theme(settings),
        markdown=markdown(settings),
        rules=validation_rules(settings),
        page_size=settings.index_page_size,
        uploads_bucket=settings.uploads_bucket,
    )


def build_republish_stage(settings: Settings) -> RepublishStage:
    if not settings.republish_queue_url:
        raise SettingsError("REPUBLISH_QUEUE_URL is unset: this function cannot republish the site")
    dynamodb = boto3.client("dynamodb", config=CLIENT_CONFIG)
    sqs = boto3.client("sqs", config=CLIENT_CONFIG)
    return RepublishStage(
        render=build_render_stage(settings),
        ledger=RepublishLedger(dynamodb, settings.posts_table),
        queue=RepublishQueue(sqs, settings.republish_queue_url),
        listings=ListingStore(dynamodb, settings.posts_table),
        stale_pages=StalePagesQueue(sqs, settings.stale_pages_queue_url),
    )


def build_aggregate_stage(settings: Settings) -> AggregateStage:
    return AggregateStage(
        site=SiteStore(boto3.client("s3", config=CLIENT_CONFIG), settings.hosting_bucket),
        listings=ListingStore(boto3.client("dynamodb", config=CLIENT_CONFIG), settings.posts_table),
        theme=theme(settings),
        page_size=settings.index_page_size,
        invalidator=_invalidator(settings),
    )


def _invalidator(settings: Settings) -> Invalidator | None:
    if not settings.distribution_id:
        return None
    return Invalidator(boto3.client("cloudfront", config=CLIENT_CONFIG), settings.distribution_id)


def build_assets_stage(settings: Settings) -> AssetsStage:
    s3 = boto3.client("s3", config=CLIENT_CONFIG)
    return AssetsStage(s3, UploadStore(s3), settings.hosting_bucket, _invalidator(settings))


@dataclass(frozen=True)
class NotifyDependencies:
    stage: NotifyStage
    dynamodb: DynamoDBClient
    table_name: str
    failures: FailureParking | None


def build_notify_dependencies(settings: Settings) -> NotifyDependencies:
    provider = None
    if settings.webhooks_parameter:
        provider = SSMProvider(boto3_client=boto3.client("ssm", config=CLIENT_CONFIG))
    failures = None
    if settings.notify_failures_queue_url:
        failures = FailureParking(
            boto3.client("sqs", config=CLIENT_CONFIG), settings.notify_failures_queue_url
        )
    return NotifyDependencies(
        stage=NotifyStage(
            AnnouncementTopic(boto3.client("sns", config=CLIENT_CONFIG), settings.topic_arn),
            WebhookDirectory(provider, settings.webhooks_parameter),
            WebhookSender(RetryPolicy(first_backoff_seconds=settings.webhook_backoff_seconds)),
        ),
        dynamodb=boto3.client("dynamodb", config=CLIENT_CONFIG),
        table_name=settings.posts_table,
        failures=failures,
    )
