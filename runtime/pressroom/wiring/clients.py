"""The one place that creates boto3 clients, all with the same retry and timeout settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient

# Adaptive retries ride out throttling (S3 503 SlowDown, DynamoDB) before failing the invocation.
CLIENT_CONFIG = Config(retries={"mode": "adaptive", "max_attempts": 6}, connect_timeout=5, read_timeout=20)


def _client(service: str) -> Any:
    return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def s3() -> S3Client:
    client: S3Client = _client("s3")
    return client


def dynamodb() -> DynamoDBClient:
    client: DynamoDBClient = _client("dynamodb")
    return client


def events() -> EventBridgeClient:
    client: EventBridgeClient = _client("events")
    return client


def sqs() -> SQSClient:
    client: SQSClient = _client("sqs")
    return client


def sns() -> SNSClient:
    client: SNSClient = _client("sns")
    return client


def ssm() -> SSMClient:
    client: SSMClient = _client("ssm")
    return client


def scheduler() -> EventBridgeSchedulerClient:
    client: EventBridgeSchedulerClient = _client("scheduler")
    return client


def cloudfront() -> CloudFrontClient:
    client: CloudFrontClient = _client("cloudfront")
    return client
