"""The contracts of the queues' messages, as the bus's events have theirs (pressroom.events).

StalePagesQueue carries StalePagesNote; RepublishQueue carries ListPosts or RenderPosts. Each
is written and read through these models only, so a producer and its consumer cannot disagree.
"""

from __future__ import annotations

from typing import Any

import msgspec

from pressroom.events import Contract, ContractError


class StalePagesNote(Contract, frozen=True, kw_only=True):
    """Pages one change made stale (page references, see pressroom.aggregates.Stale)."""

    stale: list[str]
    cause: str  # names the change: the same note sent twice is deduplicated by the FIFO queue
    correlation_id: str | None = None  # the upload (key@version) or republish it came from


class ListPosts(Contract, frozen=True, kw_only=True):
    """List the next page of published posts for a republish (after: where the last page ended)."""

    republish: str
    after: dict[str, Any] | None = None


class RenderPosts(Contract, frozen=True, kw_only=True):
    """Render these posts again, for a republish (at most ten)."""

    republish: str
    slugs: list[str]


RepublishWorkItem = ListPosts | RenderPosts


def parse_stale_note(body: str) -> StalePagesNote:
    return StalePagesNote.parse(_json(body))


def parse_work(body: str) -> RepublishWorkItem:
    """A RepublishQueue message: it renders posts if it names them, else it lists the next page."""
    message = _json(body)
    if not isinstance(message, dict):
        raise ContractError("a republish work item is a JSON object")
    return RenderPosts.parse(message) if "slugs" in message else ListPosts.parse(message)


def _json(body: str) -> object:
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as error:
        raise ContractError(f"not a JSON message: {error}") from error
