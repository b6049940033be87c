"""Failed work, for operators: what waits in each failure queue, and sending it round again.

Five kinds of message wait there, each redriven the way it came:
  - Lambda's on-failure records (and records NotifyFunction parks itself for a webhook that
    answered 4xx): the function is invoked again, asynchronously, with `requestPayload`;
  - events EventBridge could not deliver (EventDeliveryFailuresQueue): the rule's target
    function, named in the message's TARGET_ARN attribute, is invoked with the event;
  - stale-page notes AggregateFunction gave up on: sent back to the StalePagesQueue;
  - "Post Due" inputs EventBridge Scheduler could not deliver: put on the bus again;
  - republish work (posts that could not be rendered again): back to the RepublishQueue.
Redriven work that fails again comes back to the same queue.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from pressroom.adapters.stale_pages import MESSAGE_GROUP
from pressroom.events import DetailType, EventSource

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

FAILURE_QUEUE_SUFFIX = "FailuresQueueUrl"


@dataclass(frozen=True)
class FailedWork:
    """One message in a failure queue, described for a person."""

    queue: str
    message_id: str
    kind: str  # "invocation", "delivery", "note" or "schedule"
    target: str  # the function, queue or bus it goes back to
    subject: str  # the post (or notes) it concerns
    reason: str


@dataclass
class RedriveReport:
    redriven: int = 0
    failed: int = 0


class FailureQueues:
    def __init__(
        self,
        outputs: dict[str, str],
        sqs: SQSClient,
        lambda_client: LambdaClient,
        events: EventBridgeClient,
    ) -> None:
        self.outputs = outputs
        self.sqs = sqs
        self.lambda_client = lambda_client
        self.events = events

    def names(self) -> list[str]:
        """The stack's failure queues, by output name without the suffix (e.g. "NotifyFailures")."""
        return sorted(
            key.removesuffix("QueueUrl") for key in self.outputs if key.endswith(FAILURE_QUEUE_SUFFIX)
        )

    def url(self, name: str) -> str:
        key = name if name.endswith("QueueUrl") else f"{name}QueueUrl"
        if key not in self.outputs:
            raise KeyError(f"no failure queue named {name!r}; the stack has {', '.join(self.names())}")
        return self.outputs[key]

    def depth(self, name: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.url(name), AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]
        return int(attributes.get("ApproximateNumberOfMessages", "0"))

    def peek(self, name: str, limit: int = 10) -> list[FailedWork]:
        """Up to `limit` messages, left in the queue (received with no visibility timeout)."""
        response = self.sqs.receive_message(
            QueueUrl=self.url(name),
            MaxNumberOfMessages=min(limit, 10),
            VisibilityTimeout=0,
            MessageAttributeNames=["All"],
            AttributeNames=["All"],
        )
        return [self._describe(name, message) for message in response.get("Messages", [])]

    def redrive(self, name: str) -> RedriveReport:
        """Send every message in the queue back where it came from, deleting what was sent."""
        report = RedriveReport()
        url = self.url(name)
        seen: set[str] = set()
        while True:
            response = self.sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=10,
                VisibilityTimeout=120,
                MessageAttributeNames=["All"],
                AttributeNames=["All"],
            )
            messages = [m for m in response.get("Messages", []) if m["MessageId"] not in seen]
            if not messages:
                return report
            for message in messages:
                seen.add(message["MessageId"])
                try:
                    self._resubmit(message)
                except Exception:
                    report.failed += 1
                    continue
                self.sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
                report.redriven += 1

    def _describe(self, name: str, message: MessageTypeDef) -> FailedWork:
        body = _json(message["Body"])
        target = _target_arn(message)
        if isinstance(body, dict) and "requestContext" in body:
            payload = body.get("requestPayload", {})
            return FailedWork(
                queue=name,
                message_id=message["MessageId"],
                kind="invocation",
                target=str(body["requestContext"].get("functionArn", "")),
                subject=_subject(payload),
                reason=str(
                    body.get("responsePayload", {}).get(
                        "errorMessage", body["requestContext"].get("condition")
                    )
                ),
            )
        if target:
            return FailedWork(
                name,
                message["MessageId"],
                "delivery",
                target,
                _subject(body),
                _attribute(message, "ERROR_MESSAGE"),
            )
        if isinstance(body, dict) and "republish" in body:
            slugs = ", ".join(body.get("slugs", [])) or "listing the posts"
            return FailedWork(
                name, message["MessageId"], "republish", "RepublishQueue", slugs, "could not be rendered"
            )
        if isinstance(body, dict) and "stale" in body:
            return FailedWork(
                name,
                message["MessageId"],
                "note",
                "StalePagesQueue",
                str(body.get("cause", "")),
                "rebuild failed",
            )
        return FailedWork(
            name,
            message["MessageId"],
            "schedule",
            "PublishingBus",
            _subject(body),
            _attribute(message, "ERROR_MESSAGE"),
        )

    def _resubmit(self, message: MessageTypeDef) -> None:
        body = _json(message["Body"])
        target = _target_arn(message)
        if isinstance(body, dict) and "requestContext" in body:
            self._invoke(str(body["requestContext"]["functionArn"]), body["requestPayload"])
        elif target:
            self._invoke(target, body)
        elif isinstance(body, dict) and "republish" in body:
            self.sqs.send_message(QueueUrl=self.outputs["RepublishQueueUrl"], MessageBody=message["Body"])
        elif isinstance(body, dict) and "stale" in body:
            self.sqs.send_message(
                QueueUrl=self.outputs["StalePagesQueueUrl"],
                MessageBody=message["Body"],
                MessageGroupId=MESSAGE_GROUP,
                MessageDeduplicationId=str(uuid.uuid4()),
            )
        else:
            self.events.put_events(
                Entries=[
                    {
                        "EventBusName": self.outputs["PublishingBusName"],
                        "Source": EventSource.SCHEDULE.value,
                        "DetailType": DetailType.POST_DUE.value,
                        "Detail": message["Body"],
                    }
                ]
            )

    def _invoke(self, function_arn: str, payload: Any) -> None:
        self.lambda_client.invoke(
            FunctionName=function_arn, InvocationType="Event", Payload=json.dumps(payload).encode("utf-8")
        )


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _attribute(message: MessageTypeDef, name: str) -> str:
    attributes: dict[str, Any] = dict(message.get("MessageAttributes", {}))
    return str(attributes.get(name, {}).get("StringValue", ""))


def _target_arn(message: MessageTypeDef) -> str:
    return _attribute(message, "TARGET_ARN")


def _subject(payload: Any) -> str:
    """The uploaded key an event is about, wherever its shape keeps it."""
    if not isinstance(payload, dict):
        return ""
    if "Records" in payload:  # a queue batch, or an S3 notification
        records = payload["Records"]
        return str(records[0].get("s3", {}).get("object", {}).get("key", "")) if records else ""
    detail = payload.get("detail", payload)
    if not isinstance(detail, dict):
        return ""
    if payload.get("source") == "aws.s3":  # S3's own event, through EventBridge: URL-encoded
        return unquote_plus(str(detail.get("object", {}).get("key", "")))
    source = detail.get("source", {})
    return str(source.get("key", "")) if isinstance(source, dict) else ""
