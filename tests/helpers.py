"""Paths and event builders shared by the functional, e2e and artifact suites."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus

from pressroom.events import parse_detail

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "template.yaml"
EVENTS = REPO / "events"
EXAMPLES = REPO / "examples" / "posts"
SHARED_POST = EXAMPLES / "uk-ai-opportunities-action-plan.md"
SITE_URL = "https://blog.example.com"
ANNOUNCEMENTS_DOC = REPO / "docs" / "announcements.md"


# The line of theme_override's result on which the payload sits.
OVERRIDE_PAYLOAD_LINE = 8


def theme_override(payload: str, view: str = "post", og_type: str = "article") -> str:
    """A page template as a site owner would upload it: base.html.j2's settings, then `payload`
    (on line OVERRIDE_PAYLOAD_LINE) and the page's content, in the content block."""
    content = "{{ content }}\n" if view == "post" else ""
    return (
        '{% extends "base.html.j2" %}\n'
        f"{{% set page_title = {view}.title %}}\n"
        '{% set description = "" %}\n'
        f"{{% set canonical = {view}.url %}}\n"
        f'{{% set og_type = "{og_type}" %}}\n'
        '{% set nav_current = "" %}\n'
        "{% block content %}\n"
        f"{payload}\n{content}{{% endblock %}}\n"
    )


def load_event(name: str) -> dict[str, Any]:
    """An event from events/, exactly as `sam local invoke -e events/<name>` reads it."""
    event: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return event


def s3_event_for(
    template_event: dict[str, Any], *, bucket: str, key: str, **object_fields: Any
) -> dict[str, Any]:
    """events/validate*.json or assets.json (S3's event, as EventBridge delivers it) pointed at an
    emulated bucket and object, as a user edits it for theirs; `object_fields` as S3 names them
    ("version-id", "sequencer"...)."""
    event = copy.deepcopy(template_event)
    event["resources"] = [f"arn:aws:s3:::{bucket}"]
    event["detail"]["bucket"]["name"] = bucket
    event["detail"]["object"]["key"] = quote_plus(key, safe="/")
    event["detail"]["object"].update(object_fields)
    return event


def bus_event_for(template_event: dict[str, Any], **source_fields: Any) -> dict[str, Any]:
    """events/render*.json or notify*.json with its detail.source pointed at emulated objects,
    its detail made by its contract (pressroom.events) as a producer would put it on the bus."""
    event = copy.deepcopy(template_event)
    event["detail"]["source"].update(source_fields)
    return through_contract(event)


def through_contract(event: dict[str, Any]) -> dict[str, Any]:
    """The event with its detail parsed by its detail-type's contract and written back from it: a
    test cannot send a function a detail its producer could not have sent (ContractError)."""
    return {**event, "detail": parse_detail(event["detail-type"], event["detail"]).to_wire()}


def docs_webhook_verifier(clock: Callable[[], float]) -> Callable[[str, bytes, str], bool]:
    """The `verify(secret, body, header)` docs/announcements.md gives receivers, as written there,
    reading the time from `clock` instead of `time.time` (the suite may move its clock)."""
    text = ANNOUNCEMENTS_DOC.read_text(encoding="utf-8")
    section = text.split("### Verifying a `json` webhook", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    if match is None:
        raise AssertionError("docs/announcements.md no longer shows the receiver's Python snippet")
    namespace: dict[str, Any] = {}
    exec(match.group(1), namespace)
    namespace["time"] = SimpleNamespace(time=clock)
    verify: Callable[[str, bytes, str], bool] = namespace["verify"]
    return verify


def suite_clock() -> Callable[[], float]:
    """Seconds since the epoch on the clock the local stacks run on (PRESSROOM_NOW may move it)."""
    from pressroom_tools.clock import clock_from_environment

    return clock_from_environment().timestamp


class WebhookReceiver:
    """A real HTTP server on 127.0.0.1 that records every POST and answers as told.

    `replies` is consumed one status per request (then 200). `require_secret`, when set,
    answers 401 to any request whose X-Pressroom-Signature does not verify with it.
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.requests: list[dict[str, Any]] = []
        self.replies: list[int] = []
        self.require_secret: str | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.replies.pop(0) if receiver.replies else 200
                if receiver.require_secret is not None:
                    header = self.headers.get("X-Pressroom-Signature", "")
                    if not docs_webhook_verifier(suite_clock())(receiver.require_secret, body, header):
                        status = 401
                receiver.requests.append({"headers": dict(self.headers), "body": body, "status": status})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def delivered(self) -> list[dict[str, Any]]:
        """The requests answered 2xx, their bodies parsed."""
        return [{**r, "json": json.loads(r["body"])} for r in self.requests if 200 <= r["status"] < 300]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
