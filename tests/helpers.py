"""Paths and event builders shared by the functional, e2e and artifact suites."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "template.yaml"
EVENTS = REPO / "events"
EXAMPLES = REPO / "examples" / "posts"
SHARED_POST = EXAMPLES / "uk-ai-opportunities-action-plan.md"
SITE_URL = "https://blog.example.com"


def load_event(name: str) -> dict[str, Any]:
    """An event from events/, exactly as `sam local invoke -e events/<name>` reads it."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return event


def s3_event_for(
    template_event: dict[str, Any], *, bucket: str, key: str, **object_fields: Any
) -> dict[str, Any]:
    """events/validate*.json pointed at an emulated bucket and object, as a user edits it for theirs."""
    event = copy.deepcopy(template_event)
    record = event["Records"][0]["s3"]
    record["bucket"]["name"] = bucket
    record["bucket"]["arn"] = f"arn:aws:s3:::{bucket}"
    record["object"]["key"] = quote_plus(key, safe="/")
    record["object"].update(object_fields)
    return event


def bus_event_for(template_event: dict[str, Any], **source_fields: Any) -> dict[str, Any]:
    """events/render*.json or notify*.json with its detail.source pointed at emulated objects."""
    event = copy.deepcopy(template_event)
    event["detail"]["source"].update(source_fields)
    return event
