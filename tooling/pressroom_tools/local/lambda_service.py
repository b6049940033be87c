"""The Lambda service, played locally: what is queued for a function, delivered as Lambda would.

An asynchronous invocation is retried MaximumRetryAttempts times, then a Lambda-style failure
record goes to the function's OnFailure destination queue. An SQS-triggered function gets one
batch of up to BatchSize messages per invocation; those it reports as failed (or the whole
batch, if it raised) become visible again, so the queue's redrive policy moves a message that
keeps failing to its dead-letter queue. An Invoker runs each invocation (in this process, or in
a Lambda container).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pressroom.adapters.failures import failure_record
from pressroom_tools.local.invokers import FunctionFailedError, Invoker, LocalFunction
from pressroom_tools.local.queues import drain, is_s3_test_event, receive

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

    from pressroom.clock import Clock

ProgressCallback = Callable[[str], None]
PROGRESS_INTERVAL = 0.25  # seconds


@dataclass
class Invocation:
    function: str
    succeeded: bool
    attempts: int
    error: str | None = None


@dataclass
class RunStats:
    invocations: list[Invocation] = field(default_factory=list)

    @property
    def failures(self) -> list[Invocation]:
        return [invocation for invocation in self.invocations if not invocation.succeeded]


class LambdaService:
    """Delivers queued events to `functions` through the invoker `invoker()` returns."""

    def __init__(
        self,
        sqs: SQSClient,
        functions: list[LocalFunction],
        invoker: Callable[[], Invoker],
        queue_arn: Callable[[str], str],
        region: str,
        collect: Callable[[], None] = lambda: None,
        *,
        clock: Clock,
    ) -> None:
        self.sqs = sqs
        self.functions = functions
        self.invoker = invoker
        self.queue_arn = queue_arn
        self.region = region
        self.collect = collect  # called as invocations happen, so progress reports are current
        self.clock = clock
        self._reported_at = 0.0

    def run_until_quiet(
        self, progress: ProgressCallback | None = None, functions: Collection[str] | None = None
    ) -> RunStats:
        """Deliver queued events to handlers until no function has anything left to do.

        `functions` limits the run to those logical ids (a test driving one stage by hand).
        """
        stats = RunStats()
        while True:
            delivered = 0
            for function in self.functions:
                if functions is not None and function.logical_id not in functions:
                    continue
                if function.sqs_batch_size is not None:
                    invocation = self.poll_queue(function)
                    if invocation is not None:
                        stats.invocations.append(invocation)
                        delivered += 1
                        self._report(stats, function, progress)
                    continue
                for message in receive(self.sqs, function.queue_url):
                    event = json.loads(message["Body"])
                    if not is_s3_test_event(event):
                        stats.invocations.append(self.invoke_function(function, event))
                        delivered += 1
                        self._report(stats, function, progress)
                    self.sqs.delete_message(
                        QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"]
                    )
            self.collect()  # keeps outcomes() current for progress reports
            if not delivered:
                break
        return stats

    def _report(self, stats: RunStats, function: LocalFunction, progress: ProgressCallback | None) -> None:
        """Progress, a few times a second: collecting outcomes after every invocation cost a tenth
        of a large run."""
        now = time.monotonic()
        if progress is None or now - self._reported_at < PROGRESS_INTERVAL:
            return
        self._reported_at = now
        self.collect()
        progress(f"{len(stats.invocations)} invocations, last: {function.logical_id}")

    def sqs_batch(self, function: LocalFunction) -> tuple[list[MessageTypeDef], dict[str, Any]]:
        """Receive one batch from an SQS-triggered function's queue, shaped as Lambda passes it."""
        response = self.sqs.receive_message(
            QueueUrl=function.queue_url,
            MaxNumberOfMessages=min(function.sqs_batch_size or 10, 10),
            WaitTimeSeconds=0,
            VisibilityTimeout=60,
            AttributeNames=["All"],
        )
        messages = list(response.get("Messages", []))
        queue_arn = self.queue_arn(function.queue_url)
        event = {
            "Records": [
                {
                    "messageId": message["MessageId"],
                    "receiptHandle": message["ReceiptHandle"],
                    "body": message["Body"],
                    "attributes": message.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": message["MD5OfBody"],
                    "eventSource": "aws:sqs",
                    "eventSourceARN": queue_arn,
                    "awsRegion": self.region,
                }
                for message in messages
            ]
        }
        return messages, event

    def pending_sqs_batch(self, logical_id: str) -> dict[str, Any]:
        """Take one batch from an SQS-triggered function's queue as the event Lambda would pass
        (to invoke elsewhere); the messages are removed from the queue."""
        function = self.function(logical_id)
        messages, event = self.sqs_batch(function)
        for message in messages:
            self.sqs.delete_message(QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return event

    def poll_queue(self, function: LocalFunction) -> Invocation | None:
        """Lambda's SQS poller: one batch per invocation, partial failures made visible again."""
        messages, event = self.sqs_batch(function)
        if not messages:
            return None
        failed_ids: set[str] = set()
        error = None
        try:
            result = self.invoker().invoke(function, event)
            failures = (result or {}).get("batchItemFailures", []) if isinstance(result, dict) else []
            failed_ids = {failure["itemIdentifier"] for failure in failures}
        except FunctionFailedError as failure:
            error = str(failure)
            failed_ids = {message["MessageId"] for message in messages}
        for message in messages:
            if message["MessageId"] in failed_ids:
                self.sqs.change_message_visibility(
                    QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )
            else:
                self.sqs.delete_message(QueueUrl=function.queue_url, ReceiptHandle=message["ReceiptHandle"])
        if failed_ids and error is None:
            error = f"{len(failed_ids)} of {len(messages)} messages reported as failed"
        return Invocation(function.logical_id, succeeded=error is None, attempts=1, error=error)

    def invoke(self, logical_id: str, event: dict[str, Any]) -> Invocation:
        """Invoke one function directly with an event, as `sam local invoke -e` would."""
        return self.invoke_function(self.function(logical_id), event)

    def pending_events(self, logical_id: str) -> list[dict[str, Any]]:
        """Take the events queued for a function without invoking it (to invoke them elsewhere)."""
        return [
            event
            for event in drain(self.sqs, self.function(logical_id).queue_url)
            if not is_s3_test_event(event)
        ]

    def function(self, logical_id: str) -> LocalFunction:
        for function in self.functions:
            if function.logical_id == logical_id:
                return function
        raise KeyError(f"template.yaml has no function {logical_id!r}")

    def invoke_function(self, function: LocalFunction, event: dict[str, Any]) -> Invocation:
        attempts = 0
        error = ""
        while attempts <= function.max_retries:
            attempts += 1
            try:
                self.invoker().invoke(function, event)
                return Invocation(function.logical_id, succeeded=True, attempts=attempts)
            except FunctionFailedError as failure:
                error = str(failure)
        if function.on_failure_queue_url:
            record = failure_record(
                function.arn,
                event,
                error,
                at=self.clock.now(),
                condition="RetriesExhausted",
                attempts=attempts,
            )
            self.sqs.send_message(QueueUrl=function.on_failure_queue_url, MessageBody=json.dumps(record))
        return Invocation(function.logical_id, succeeded=False, attempts=attempts, error=error)

    def redrive(self, logical_id: str | None = None) -> list[Invocation]:
        """What `pressroom dlq redrive` does: invoke each parked or failed event's function again.

        Takes every record from the on-failure queue of `logical_id` (or of every function),
        invokes the function with its `requestPayload`, and removes the record. A redriven event
        that fails again goes back to the queue, as on AWS.
        """
        invocations = []
        for function in self.functions:
            if function.on_failure_queue_url is None or logical_id not in (None, function.logical_id):
                continue
            for record in drain(self.sqs, function.on_failure_queue_url):
                invocations.append(self.invoke_function(function, record["requestPayload"]))
        return invocations

    def failed_events(self) -> dict[str, list[dict[str, Any]]]:
        """What each function's on-failure destination holds (read without removing)."""
        failed: dict[str, list[dict[str, Any]]] = {}
        for function in self.functions:
            if function.on_failure_queue_url:
                response = self.sqs.receive_message(
                    QueueUrl=function.on_failure_queue_url,
                    MaxNumberOfMessages=10,
                    VisibilityTimeout=0,
                )
                failed[function.logical_id] = [json.loads(m["Body"]) for m in response.get("Messages", [])]
        return failed

    def drain_test_events(self) -> None:
        """S3 sends an s3:TestEvent to each queue it is told to notify; Lambda never sees those."""
        for function in self.functions:
            drain(self.sqs, function.queue_url)
