"""The one place that creates boto3 clients, all with the same retry and timeout settings.

Each client is made on its first use, not when a stage is built: a cold start does not pay for
clients an invocation never calls (the scheduler, CloudFront, the failure queues), and the rest
are made by the first call that needs them. One client per factory call, shared by whoever it is
given to, as before; making it is thread-safe (boto3's default session is not).
"""

from __future__ import annotations

import threading
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

_CREATING = threading.Lock()


class LazyClient:
    """Stands in for the boto3 client of `service`, which it makes on the first attribute read."""

    def __init__(self, service: str) -> None:
        self._lazy_service = service
        self._lazy_client: Any = None

    def __getattr__(self, name: str) -> Any:  # read only for names the stand-in lacks: the client's
        if name.startswith("_lazy_"):  # not set yet (a copy being made): not the client's to answer
            raise AttributeError(name)
        return getattr(self._made(), name)

    def _made(self) -> Any:
        if self._lazy_client is None:
            with _CREATING:
                if self._lazy_client is None:
                    self._lazy_client = _boto3_client(self._lazy_service)
        return self._lazy_client

    def __repr__(self) -> str:
        made = "made" if self._lazy_client is not None else "not made yet"
        return f"<LazyClient {self._lazy_service}: {made}>"


def _boto3_client(service: str) -> Any:
    return boto3.client(service, config=CLIENT_CONFIG)  # type: ignore[call-overload]


def _client(service: str) -> Any:
    return LazyClient(service)


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
