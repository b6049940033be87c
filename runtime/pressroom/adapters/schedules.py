"""One-time EventBridge Scheduler schedules that put "Post Due" on the bus when a post's time comes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from pressroom.events import DetailType, EventSource, PostDue, SourceObject

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient


def schedule_name(key: str) -> str:
    """One schedule per source key (names are limited to 64 characters of [0-9a-zA-Z-_.])."""
    return "post-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:56]


class PublicationSchedules:
    def __init__(
        self,
        client: EventBridgeSchedulerClient,
        group: str,
        bus_arn: str,
        role_arn: str,
        dead_letter_arn: str,
    ) -> None:
        self.client = client
        self.group = group
        self.bus_arn = bus_arn
        self.role_arn = role_arn
        self.dead_letter_arn = dead_letter_arn

    def set(self, source: SourceObject, due: datetime) -> None:
        """Create or move the key's schedule to fire once at `due` (UTC, to the second)."""
        due_utc = due.astimezone(UTC)
        arguments = {
            "Name": schedule_name(source.key),
            "GroupName": self.group,
            "Description": f"Publish or expire {source.key}"[:512],
            "ScheduleExpression": f"at({due_utc:%Y-%m-%dT%H:%M:%S})",
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {
                "Arn": self.bus_arn,
                "RoleArn": self.role_arn,
                "Input": PostDue(source=source, due_at=due_utc).to_json(),
                "EventBridgeParameters": {
                    "DetailType": DetailType.POST_DUE.value,
                    "Source": EventSource.SCHEDULE.value,
                },
                "DeadLetterConfig": {"Arn": self.dead_letter_arn},
            },
            "ActionAfterCompletion": "DELETE",
        }
        try:
            self.client.create_schedule(**arguments)  # type: ignore[arg-type]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConflictException":
                raise
            self.client.update_schedule(**arguments)  # type: ignore[arg-type]

    def clear(self, key: str) -> None:
        """Remove the key's schedule, if it has one."""
        try:
            self.client.delete_schedule(Name=schedule_name(key), GroupName=self.group)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
