"""A republish's ledger and its work queue: fan-out through SQS, one aggregate rebuild at the end.

The ledger is one catalogue item, REPUBLISH#<id> / STATE:
  pending     posts queued and not yet done (workers take one off per post, atomically)
  enqueued    true once every published post has been queued
  done, failed, total   for progress
  aggregated  set once, by whoever sees pending reach 0 after enqueued: that one asks for the
              aggregate pages to be rebuilt, so they are rebuilt once per republish
and REPUBLISH#<id> / POST#<slug> marks a post done, so a redelivered message counts once.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from pressroom.messages import ListPosts, RenderPosts

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

    from pressroom.clock import Clock

POSTS_PER_MESSAGE = 10
LATEST_PARTITION = "REPUBLISHES"


@dataclass(frozen=True)
class RepublishProgress:
    republish_id: str
    reason: str
    started: str
    total: int
    done: int
    failed: int
    pending: int
    enqueued: bool
    aggregated: bool

    @property
    def finished(self) -> bool:
        return self.enqueued and self.pending <= 0 and self.aggregated


def _state_key(republish_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"REPUBLISH#{republish_id}"}, "sk": {"S": "STATE"}}


class RepublishLedger:
    def __init__(self, client: DynamoDBClient, table_name: str, clock: Clock) -> None:
        self.client = client
        self.table_name = table_name
        self.clock = clock

    def start(self, reason: str, republish_id: str | None = None) -> str:
        republish_id = republish_id or uuid.uuid4().hex
        started = self.clock.now().isoformat()
        self.client.put_item(
            TableName=self.table_name,
            Item={
                **_state_key(republish_id),
                "reason": {"S": reason},
                "started": {"S": started},
                "pending": {"N": "0"},
                "total": {"N": "0"},
                "done": {"N": "0"},
                "failed": {"N": "0"},
                "enqueued": {"BOOL": False},
            },
            ConditionExpression="attribute_not_exists(pk)",
        )
        self.client.put_item(  # for `pressroom republish` to find the latest one
            TableName=self.table_name,
            Item={
                "pk": {"S": LATEST_PARTITION},
                "sk": {"S": f"{started}#{republish_id}"},
                "id": {"S": republish_id},
            },
        )
        return republish_id

    def queued(self, republish_id: str, count: int) -> None:
        self._add(republish_id, {"pending": count, "total": count})

    def finish_enqueueing(self, republish_id: str) -> bool:
        """Every post is queued; True if they are all done already (then the caller aggregates)."""
        response = self.client.update_item(
            TableName=self.table_name,
            Key=_state_key(republish_id),
            UpdateExpression="SET enqueued = :true",
            ExpressionAttributeValues={":true": {"BOOL": True}},
            ReturnValues="ALL_NEW",
        )
        return int(response["Attributes"]["pending"]["N"]) <= 0 and self._claim_aggregation(republish_id)

    def complete(self, republish_id: str, slug: str, succeeded: bool) -> bool:
        """Count one post done (once, however often its message comes); True if it was the last."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item={
                    "pk": {"S": f"REPUBLISH#{republish_id}"},
                    "sk": {"S": f"POST#{slug}"},
                    "ok": {"BOOL": succeeded},
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            return False
        counts = self._add(republish_id, {"pending": -1, "done" if succeeded else "failed": 1})
        return counts["pending"] <= 0 and bool(counts["enqueued"]) and self._claim_aggregation(republish_id)

    def progress(self, republish_id: str) -> RepublishProgress | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=_state_key(republish_id), ConsistentRead=True
        )
        item = response.get("Item")
        if item is None:
            return None
        return RepublishProgress(
            republish_id=republish_id,
            reason=item["reason"]["S"],
            started=item["started"]["S"],
            total=int(item["total"]["N"]),
            done=int(item["done"]["N"]),
            failed=int(item["failed"]["N"]),
            pending=int(item["pending"]["N"]),
            enqueued=item["enqueued"]["BOOL"],
            aggregated="aggregated" in item,
        )

    def latest(self) -> str | None:
        response = self.client.query(
            TableName=self.table_name,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": {"S": LATEST_PARTITION}},
            ScanIndexForward=False,
            Limit=1,
        )
        items = response.get("Items", [])
        return items[0]["id"]["S"] if items else None

    def _add(self, republish_id: str, amounts: dict[str, int]) -> dict[str, Any]:
        names = {f"#{name}": name for name in amounts}
        response = self.client.update_item(
            TableName=self.table_name,
            Key=_state_key(republish_id),
            UpdateExpression="ADD " + ", ".join(f"#{name} :{name}" for name in amounts),
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={f":{name}": {"N": str(value)} for name, value in amounts.items()},
            ReturnValues="ALL_NEW",
        )
        attributes = response["Attributes"]
        enqueued = attributes.get("enqueued", {}).get("BOOL", False)  # absent for an unknown republish
        return {"pending": int(attributes["pending"]["N"]), "enqueued": enqueued}

    def _claim_aggregation(self, republish_id: str) -> bool:
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=_state_key(republish_id),
                UpdateExpression="SET aggregated = :now",
                ConditionExpression="attribute_not_exists(aggregated)",
                ExpressionAttributeValues={":now": {"S": self.clock.now().isoformat()}},
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True


class RepublishQueue:
    """Work for RepublishFunction: "list the next page of posts" or "render these posts"."""

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def enumerate_from(self, republish_id: str, after: dict[str, Any] | None) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url, MessageBody=ListPosts(republish=republish_id, after=after).to_json()
        )

    def render(self, republish_id: str, slugs: Sequence[str]) -> int:
        """Queue the slugs, POSTS_PER_MESSAGE to a message, ten messages to a request."""
        messages = [
            RenderPosts(
                republish=republish_id, slugs=list(slugs[start : start + POSTS_PER_MESSAGE])
            ).to_json()
            for start in range(0, len(slugs), POSTS_PER_MESSAGE)
        ]
        for start in range(0, len(messages), 10):
            entries = [
                {"Id": str(n), "MessageBody": body} for n, body in enumerate(messages[start : start + 10])
            ]
            response = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=entries)  # type: ignore[arg-type]
            if response.get("Failed"):
                raise RuntimeError(
                    f"SQS refused {len(response['Failed'])} republish messages; the page will be retried"
                )
        return len(messages)


class RepublishFailures:
    """Where the posts a republish could not render wait for `pressroom dlq redrive`, in the
    work queue's own message shape (redriving sends them back to it)."""

    def __init__(self, client: SQSClient, queue_url: str) -> None:
        self.client = client
        self.queue_url = queue_url

    def park(self, republish_id: str, slugs: Sequence[str]) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=RenderPosts(republish=republish_id, slugs=list(slugs)).to_json(),
        )
