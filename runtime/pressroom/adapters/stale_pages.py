"""Telling the aggregate stage which pages are stale: an SQS FIFO queue with one message group.

One group means one batch at a time: rebuilds are serialised, and a batch's messages are
merged before anything is rebuilt, so a burst of publications rebuilds each page once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

from pressroom.messages import StalePagesNote

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

MESSAGE_GROUP = "site"


class StalePagesQueue:
    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def send(self, refs: Iterable[str], cause: str, correlation_id: str) -> None:
        """Queue `refs` for rebuilding. `cause` names the change; resending it is deduplicated."""
        stale = sorted(set(refs))
        if not stale:
            return
        body = StalePagesNote(stale=stale, cause=cause, correlation_id=correlation_id).to_json()
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageGroupId=MESSAGE_GROUP,
            MessageDeduplicationId=hashlib.sha256(body.encode("utf-8")).hexdigest(),
        )
