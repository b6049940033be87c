"""Notify stage: a publication or a rejection becomes an announcement on the topic."""

from __future__ import annotations

from aws_lambda_powertools import Logger

from pressroom.adapters.topic import AnnouncementTopic
from pressroom.announcements import Announcement, announce_publication, announce_rejection
from pressroom.events import DetailType, PostPublished, PostRejected, SourceObject

logger = Logger(child=True)

# The partition of the catalogue table holding Powertools idempotency records; template.yaml
# limits NotifyFunction's DynamoDB access to it (dynamodb:LeadingKeys).
IDEMPOTENCY_PARTITION = "IDEMPOTENCY#announcements"


def announcement_key(detail_type: str, source: SourceObject) -> str:
    """One announcement per kind of event and version of a post, whatever the duplicates.

    S3's sequencer orders a key's versions; the version id or ETag stand in where an event
    (one written by hand for `sam local invoke`, say) carries no sequencer.
    """
    version = source.sequencer or source.version_id or source.etag or "unversioned"
    return f"{detail_type}|{source.bucket}|{source.key}|{version}"


class NotifyStage:
    def __init__(self, topic: AnnouncementTopic) -> None:
        self.topic = topic

    def announce(self, detail: PostPublished | PostRejected) -> Announcement:
        if isinstance(detail, PostPublished):
            announcement = announce_publication(detail)
        else:
            announcement = announce_rejection(detail)
        message_id = self.topic.publish(announcement)
        logger.info(
            "announced",
            extra={
                "kind": announcement.kind.value,
                "key": detail.source.key,
                "message_id": message_id,
            },
        )
        return announcement


def detail_type_of(detail: PostPublished | PostRejected) -> DetailType:
    return DetailType.POST_PUBLISHED if isinstance(detail, PostPublished) else DetailType.POST_REJECTED
