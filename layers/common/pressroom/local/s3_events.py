"""Makes moto's S3 notifications look like S3's own.

moto (pinned in requirements-dev.txt) leaves out `versionId` and `sequencer`, encodes "/" in
keys (S3 does not), and sends nothing when a delete in a versioned bucket creates a delete
marker. The local stack patches all four while it runs; tests/functional pin the result.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock
from urllib.parse import quote_plus

from moto.core.utils import iso_8601_datetime_with_milliseconds
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
    if not isinstance(key, s3_models.FakeDeleteMarker):
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


@contextmanager
def faithful_s3_notifications() -> Iterator[None]:
    """While active, moto's S3 notifications carry versionId and sequencer, as S3's do."""
    with ExitStack() as patches:
        patches.enter_context(mock.patch.object(notifications, "_get_s3_event", _s3_event))
        patches.enter_context(
            mock.patch.object(s3_models.S3Backend, "_set_delete_marker", _set_delete_marker_and_notify)
        )
        yield
