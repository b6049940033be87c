"""Notify stage: a publication or a rejection is announced on every channel, once each.

Channels are the SNS topic and each configured webhook. Each (event kind, post version,
channel) is delivered once (the OnceOnly port; Powertools idempotency on AWS), so a retry after
one channel failed redelivers only to that channel, and a duplicate event to none. A webhook
that answers 4xx is not retried: the event is parked for `pressroom dlq redrive`. Any other
failure is raised after every channel has had its chance, so Lambda retries the invocation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger

from pressroom.announcements import (
    Announcement,
    announce_image_refusal,
    announce_publication,
    announce_rejection,
)
from pressroom.events import DetailType, ImageRejected, PostPublished, PostRejected, SourceObject
from pressroom.model import PostKind
from pressroom.ports import (
    AnnouncementChannel,
    FailureParking,
    OnceOnly,
    WebhookConfiguration,
    WebhookDelivery,
)
from pressroom.webhooks import WebhookRejectedError, payload

logger = Logger(child=True)

# The partition of the catalogue table holding Powertools idempotency records; template.yaml
# limits NotifyFunction's DynamoDB access to it (dynamodb:LeadingKeys).
IDEMPOTENCY_PARTITION = "IDEMPOTENCY#announcements"
# What the records are named after (Powertools' default when the wrapper lived in the handler);
# kept, so that deliveries recorded before a deploy still count after it.
RECORD_PREFIX = "{function_name}.app.notifier.<locals>.deliver"


class AnnouncementFailedError(RuntimeError):
    """Some channel could not be reached; raised so that Lambda retries the invocation."""


@dataclass(frozen=True)
class Announced:
    results: list[dict[str, Any]]  # one per channel: delivered now, or remembered from before
    delivered: int  # how many of them were delivered by this invocation
    parked: list[str]  # channels that refused (4xx): the event waits in the failure queue


SNS_CHANNEL = "sns"
# What NotifyFunction announces: publications, refused posts and profiles, images not resized.
Announceable = PostPublished | PostRejected | ImageRejected


def announcement_key(detail_type: str, source: SourceObject) -> str:
    """One announcement per kind of event and version of a post, whatever the duplicates.

    S3's sequencer orders a key's versions; the version id or ETag stand in where an event
    (one written by hand for `sam local invoke`, say) carries no sequencer. A rejection is
    keyed on the content (ETag): uploading the same broken bytes again is not news.
    """
    if detail_type in (DetailType.POST_REJECTED, DetailType.IMAGE_REJECTED) and source.etag:
        return f"{detail_type}|{source.bucket}|{source.key}|etag:{source.etag}"
    version = source.sequencer or source.version_id or source.etag or "unversioned"
    return f"{detail_type}|{source.bucket}|{source.key}|{version}"


def delivery_id(key: str, channel: str) -> str:
    """The same for every retry of one announcement to one channel (X-Pressroom-Delivery)."""
    return hashlib.sha256(f"{key}|{channel}".encode()).hexdigest()[:32]


def compose(detail: Announceable) -> Announcement:
    if isinstance(detail, PostPublished):
        return announce_publication(detail)
    if isinstance(detail, ImageRejected):
        return announce_image_refusal(detail)
    return announce_rejection(detail)


class NotifyStage:
    def __init__(
        self,
        topic: AnnouncementChannel,
        webhooks: WebhookConfiguration,
        sender: WebhookDelivery,
        once: OnceOnly,
        parking: FailureParking | None = None,
    ) -> None:
        self.topic = topic
        self.webhooks = webhooks
        self.sender = sender
        self.once = once
        self.parking = parking

    def announce(
        self, detail_type: str, detail: Announceable, event: dict[str, Any], function_arn: str
    ) -> Announced:
        """Announce `detail` on every channel once; `event` and `function_arn` are what a refused
        delivery parks (the invocation's event, to be redriven). Raises AnnouncementFailedError."""
        if isinstance(detail, PostPublished) and detail.post.kind is PostKind.PAGE:
            logger.info("a page was published: pages are not announced", extra={"path": detail.path})
            return Announced(results=[], delivered=0, parked=[])
        key = announcement_key(detail_type, detail.source)
        results: list[dict[str, Any]] = []
        delivered: list[str] = []
        parked: list[str] = []
        failures: list[str] = []
        for channel in self.channels(compose(detail)):

            def deliver(channel: str = channel) -> dict[str, Any]:
                result = self.deliver(channel, detail, key)
                delivered.append(channel)
                return result

            try:
                results.append(self.once.run(f"{key}|{channel}", deliver))
            except WebhookRejectedError as refusal:
                if self.parking is None:
                    raise
                logger.warning("webhook refused the announcement; parked", extra={"channel": channel})
                self.parking.park(function_arn, event, f"{channel}: {refusal}")
                parked.append(channel)
            except Exception as error:  # the other channels still get their turn; then Lambda retries
                logger.exception("announcement failed on a channel", extra={"channel": channel})
                failures.append(f"{channel}: {error}")
        if failures:
            raise AnnouncementFailedError("; ".join(failures))
        return Announced(results=results, delivered=len(delivered), parked=parked)

    def channels(self, announcement: Announcement) -> list[str]:
        """The topic, and every webhook that takes this announcement (see Webhook.wants)."""
        return [SNS_CHANNEL, *(hook.channel for hook in self.webhooks.current() if hook.wants(announcement))]

    def deliver(self, channel: str, detail: Announceable, key: str) -> dict[str, object]:
        """Announce on one channel. Raises WebhookRejectedError (4xx) or another error to retry."""
        announcement = compose(detail)
        if channel == SNS_CHANNEL:
            message_id = self.topic.announce(announcement)
            logger.info("announced on SNS", extra={"kind": announcement.kind.value, "message_id": message_id})
            return {"channel": channel, "messageId": message_id}
        hook = self.webhooks.find(channel)
        if hook is None:
            return {"channel": channel, "skipped": "no longer configured"}
        body = payload(hook, announcement)
        try:
            status = self.sender.send(hook, body, delivery_id(key, channel), announcement.kind.value)
        except WebhookRejectedError as error:
            refreshed = self.webhooks.find(channel, refresh=True) if error.status in (401, 403) else None
            if refreshed is None or refreshed == hook:
                raise
            status = self.sender.send(
                refreshed,
                payload(refreshed, announcement),
                delivery_id(key, channel),
                announcement.kind.value,
            )
        logger.info("announced on a webhook", extra={"channel": channel, "status": status})
        return {"channel": channel, "status": status}
