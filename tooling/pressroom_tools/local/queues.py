"""Reading the emulated queues: what the local Lambda service and the observer both do."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef


def receive(sqs: SQSClient, queue_url: str) -> list[MessageTypeDef]:
    response = sqs.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0, VisibilityTimeout=60
    )
    return list(response.get("Messages", []))


def drain(sqs: SQSClient, queue_url: str) -> list[dict[str, Any]]:
    """Take every message from a queue, oldest first, as parsed JSON."""
    bodies = []
    while messages := receive(sqs, queue_url):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def is_s3_test_event(event: object) -> bool:
    """S3 sends an s3:TestEvent to each queue it is told to notify; Lambda never sees those."""
    return isinstance(event, dict) and event.get("Event") == "s3:TestEvent"
