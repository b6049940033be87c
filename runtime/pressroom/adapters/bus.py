"""Putting pipeline events on the publishing bus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pressroom.events import Contract, DetailType, EventSource

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


# EventBridge's limit is 256 KB for the whole entry; leave room for the envelope.
MAX_DETAIL_BYTES = 250_000


class EventPublishError(RuntimeError):
    """EventBridge refused an event; raised so that the invocation is retried."""


class EventPublisher:
    def __init__(self, client: EventBridgeClient, bus_name: str, source: EventSource) -> None:
        self.client = client
        self.bus_name = bus_name
        self.source = source

    def emit(self, detail_type: DetailType, detail: Contract) -> None:
        body = detail.to_json()
        if len(body.encode("utf-8")) > MAX_DETAIL_BYTES:
            raise EventPublishError(
                f"the {detail_type.value!r} event would be {len(body):,} bytes; EventBridge takes 256 KB"
            )
        response = self.client.put_events(
            Entries=[
                {
                    "EventBusName": self.bus_name,
                    "Source": self.source.value,
                    "DetailType": detail_type.value,
                    "Detail": body,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            entry = response["Entries"][0]
            raise EventPublishError(
                f"EventBridge refused the {detail_type.value!r} event: "
                f"{entry.get('ErrorCode')}: {entry.get('ErrorMessage')}"
            )
