"""Publishing announcements to the SNS topic."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from pressroom.announcements import Announcement

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient


class AnnouncementTopic:
    def __init__(self, client: SNSClient, topic_arn: str) -> None:
        self.client = client
        self.topic_arn = topic_arn

    def announce(self, announcement: Announcement) -> str:
        """Publish to every subscriber; returns SNS's message id.

        E-mail gets the readable text; queues, functions and HTTP endpoints get JSON (subject,
        text, kind, title, url, summary, authors, tags, correlation_id…). Attributes `kind` and
        `tags` let subscriptions filter; `correlation_id` names the upload, as in the logs.
        """
        attributes = {
            "kind": {"DataType": "String", "StringValue": announcement.kind.value},
        }
        if announcement.data.get("correlation_id"):
            attributes["correlation_id"] = {
                "DataType": "String",
                "StringValue": announcement.data["correlation_id"],
            }
        tags = announcement.data.get("tags") or []
        if tags:
            attributes["tags"] = {"DataType": "String.Array", "StringValue": json.dumps(tags)}
        structured = json.dumps(
            {"subject": announcement.subject, "text": announcement.text, **announcement.data}
        )
        message = {
            "default": announcement.text,
            "email": announcement.text,
            "email-json": structured,
            "sqs": structured,
            "lambda": structured,
            "http": structured,
            "https": structured,
            "firehose": structured,
        }
        response = self.client.publish(
            TopicArn=self.topic_arn,
            Subject=announcement.subject,
            Message=json.dumps(message),
            MessageStructure="json",
            MessageAttributes=attributes,  # type: ignore[arg-type]
        )
        return response["MessageId"]
