"""Makes moto's S3 notifications look like S3's own, to queues and to EventBridge alike.

moto (pinned in requirements-dev.txt) leaves out `versionId` and `sequencer`, encodes "/" in
keys (S3 does not), and in a versioned bucket sends nothing when a delete creates a delete
marker or removes a version other than the last. To EventBridge it sends one fixed sequencer,
a key not URL-encoded, no `deletion-type`, and to the rules of every bus. The local stack
patches all of these while it runs; tests/functional/test_local_stack.py pins the result.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock
from urllib.parse import quote_plus

from moto.core.utils import iso_8601_datetime_with_milliseconds, unix_time
from moto.s3 import models as s3_models
from moto.s3 import notifications

_counter = itertools.count(1)
_lock = threading.Lock()


def next_sequencer() -> str:
    """A hexadecimal sequencer, increasing across all keys (so also per key, as S3 promises)."""
    with _lock:
        return f"{next(_counter):016X}"


def _s3_event(event_name: str, bucket: Any, key: Any, notification_id: str) -> dict[str, Any]:
    obj: dict[str, Any] = {"key": quote_plus(key.name, safe="/")}  # S3 leaves / as is
    if not event_name.startswith("s3:ObjectRemoved"):
        obj["size"] = key.size
        obj["eTag"] = key.etag.replace('"', "")
    if bucket.is_versioned:
        obj["versionId"] = key.version_id
    obj["sequencer"] = next_sequencer()
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": bucket.region_name,
                "eventTime": iso_8601_datetime_with_milliseconds(),
                "eventName": event_name.removeprefix("s3:"),
                "userIdentity": {"principalId": "AWS:LOCALSTACKUSER"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": "LOCAL", "x-amz-id-2": "LOCAL"},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": notification_id,
                    "bucket": {
                        "name": bucket.name,
                        "ownerIdentity": {"principalId": "LOCAL"},
                        "arn": bucket.arn,
                    },
                    "object": obj,
                },
            }
        ]
    }


EMPTY_ETAG = "d41d8cd98f00b204e9800998ecf8427e"
# S3's event name → EventBridge's "reason" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html)
_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
    "s3:ObjectRemoved:Delete": "DeleteObject",
    "s3:ObjectRemoved:DeleteMarkerCreated": "DeleteObject",
}


def _bridge_event(event_name: str, bucket: Any, key: Any) -> dict[str, Any] | None:
    """S3's "Object Created" / "Object Deleted" event for EventBridge; None for other events."""
    reason = _REASONS.get(event_name)
    if reason is None:
        return None
    created = event_name.startswith("s3:ObjectCreated")
    obj: dict[str, Any] = {"key": quote_plus(key.name, safe="/")}
    if created:
        obj["size"] = key.size
        obj["etag"] = key.etag.replace('"', "")
    else:
        obj["etag"] = EMPTY_ETAG  # S3 gives a deletion the etag of nothing
    if bucket.is_versioned:
        obj["version-id"] = str(key.version_id)
    obj["sequencer"] = next_sequencer()
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket.name},
        "object": obj,
        "request-id": "LOCAL",
        "requester": bucket.account_id,
        "source-ip-address": "127.0.0.1",
        "reason": reason,
    }
    if not created:
        detail["deletion-type"] = (
            "Delete Marker Created" if event_name.endswith("DeleteMarkerCreated") else "Permanently Deleted"
        )
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Object Created" if created else "Object Deleted",
        "source": "aws.s3",
        "account": bucket.account_id,
        "time": unix_time(),  # moto's rules write it out as ISO 8601 when they deliver it
        "region": bucket.region_name,
        "resources": [bucket.arn],
        "detail": detail,
    }


def _send_to_default_bus(account_id: str, bucket: Any, event_name: str, key: Any) -> None:
    """What S3 does with EventBridge notifications on: one event, to the default bus only."""
    from moto.events.models import events_backends

    event = _bridge_event(event_name, bucket, key)  # a str enum: its value, not str() of it
    if event is None:
        return
    default_bus = events_backends[account_id][bucket.region_name].event_buses.get("default")
    if default_bus is not None:
        for rule in list(default_bus.rules.values()):
            rule.send_to_targets(event, transform_input=False)  # type: ignore[arg-type]


_original_set_delete_marker = s3_models.S3Backend._set_delete_marker


def _set_delete_marker_and_notify(self: Any, bucket_name: str, key_name: str) -> Any:
    marker = _original_set_delete_marker(self, bucket_name, key_name)
    notifications.send_event(
        self.account_id,
        notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_MARKER_CREATED_EVENT,
        self.get_bucket(bucket_name),
        marker,
    )
    return marker


@dataclass(frozen=True)
class _RemovedVersion:
    name: str
    version_id: str


_original_delete_object = s3_models.S3Backend.delete_object


def _delete_object_and_notify(
    self: Any, bucket_name: str, key_name: str, version_id: str | None = None, bypass: bool = False
) -> Any:
    """S3 notifies the deletion of any version; moto only of the last one."""
    bucket = self.get_bucket(bucket_name)
    existed = version_id is not None and any(
        str(version.version_id) == str(version_id) for version in bucket.keys.getlist(key_name, [])
    )
    result = _original_delete_object(self, bucket_name, key_name, version_id=version_id, bypass=bypass)
    if bucket.is_versioned and existed and bucket.keys.getlist(key_name, []):
        notifications.send_event(
            self.account_id,
            notifications.S3NotificationEvent.OBJECT_REMOVED_DELETE_EVENT,
            bucket,
            _RemovedVersion(key_name, str(version_id)),
        )
    return result


@contextmanager
def faithful_s3_notifications() -> Iterator[None]:
    """While active, moto's S3 notifications carry versionId and sequencer, as S3's do."""
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(notifications, "_get_s3_event", _s3_event))
        patches.enter_context(
            mock.patch.object(notifications, "_send_event_bridge_message", _send_to_default_bus)
        )
        patches.enter_context(
            mock.patch.object(s3_models.S3Backend, "_set_delete_marker", _set_delete_marker_and_notify)
        )
        patches.enter_context(
            mock.patch.object(s3_models.S3Backend, "delete_object", _delete_object_and_notify)
        )
        yield
