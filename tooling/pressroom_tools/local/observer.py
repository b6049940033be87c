"""The local stack's own listeners: every bus event, every announcement, into the report.

A rule copies every `pressroom.*` event on each bus to an observer queue, and a queue
subscribed to each topic collects the announcements; OutcomeBook turns them into each post's
outcome.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import boto3

from pressroom_tools.local.queues import drain
from pressroom_tools.local.report import AnnouncementRecord, OutcomeBook, PostOutcome
from pressroom_tools.local.template import Resolver

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


class Observer:
    def __init__(
        self,
        session: boto3.Session,
        sqs: SQSClient,
        resolver: Resolver,
        resources: Callable[[], dict[str, dict[str, Any]]],
        queue_arn: Callable[[str], str],
        stack_name: str,
        book: OutcomeBook,
    ) -> None:
        self.session = session
        self.sqs = sqs
        self.resolver = resolver
        self.resources = resources
        self.queue_arn = queue_arn
        self.stack_name = stack_name
        self.book = book
        self.observer_queue_url = ""
        self.inbox_queue_url = ""
        self._unread_events: list[dict[str, Any]] = []

    def subscribe(self) -> None:
        """Subscribe the local stack's own listeners: every bus event, every announcement."""
        events = self.session.client("events")
        self.observer_queue_url = self.sqs.create_queue(QueueName=f"{self.stack_name}-observer")["QueueUrl"]
        for logical_id, resource in self.resources().items():
            if resource["Type"] == "AWS::Events::EventBus":
                bus = self.resolver.physical_ids[logical_id]
                rule = f"{self.stack_name}-observer-{logical_id}"
                events.put_rule(
                    Name=rule,
                    EventBusName=bus,
                    EventPattern=json.dumps({"source": [{"prefix": "pressroom."}]}),
                )
                events.put_targets(
                    Rule=rule,
                    EventBusName=bus,
                    Targets=[{"Id": "observer", "Arn": self.queue_arn(self.observer_queue_url)}],
                )
        self.inbox_queue_url = self.sqs.create_queue(QueueName=f"{self.stack_name}-inbox")["QueueUrl"]
        sns = self.session.client("sns")
        for logical_id, resource in self.resources().items():
            if resource["Type"] == "AWS::SNS::Topic":
                sns.subscribe(
                    TopicArn=self.resolver.physical_ids[logical_id],
                    Protocol="sqs",
                    Endpoint=self.queue_arn(self.inbox_queue_url),
                )

    def collect(self) -> None:
        events = drain(self.sqs, self.observer_queue_url)
        for envelope in events:
            self.book.record_event(envelope)
        self._unread_events.extend(events)
        for notification in drain(self.sqs, self.inbox_queue_url):
            self.book.record_announcement(notification)

    def observed_events(self) -> list[dict[str, Any]]:
        """Bus events put since the last call, in order (they also update outcomes())."""
        self.collect()
        events, self._unread_events = self._unread_events, []
        return events

    def outcomes(self) -> list[PostOutcome]:
        self.collect()
        return self.book.outcomes()

    def announcements(self) -> list[AnnouncementRecord]:
        self.collect()
        return list(self.book.announcements)
