"""A `json` webhook's signature, as a receiver checks it: with the snippet docs/announcements.md
gives receivers, run as written, and with values computed here, never with pressroom's own code."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from helpers import ANNOUNCEMENTS_DOC, WebhookReceiver, docs_webhook_verifier

from pressroom.adapters.webhook_sender import WebhookSender
from pressroom.clock import SystemClock
from pressroom.webhooks import Webhook, WebhookKind, sign, verify_signature

SECRET = "at least sixteen characters"
BODY = b'{"kind": "published"}'
SIGNED_AT = 1_700_000_000
# HMAC-SHA256 of b'1700000000.{"kind": "published"}' keyed with SECRET, worked out by hand.
SIGNATURE = "t=1700000000,v1=d8677ecc4bfbc927b0f8d0dd6b64202cc61dbb02e154ae107ed36a77f8846851"


def verifier_at(timestamp: float) -> Callable[[str, bytes, str], bool]:
    return docs_webhook_verifier(lambda: timestamp)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver()
    yield server
    server.close()


def test_the_signature_pressroom_makes_is_the_one_the_docs_promise():
    assert sign(SECRET, BODY, SIGNED_AT) == SIGNATURE
    assert SIGNATURE in ANNOUNCEMENTS_DOC.read_text(encoding="utf-8")


def test_the_receiver_snippet_accepts_a_fresh_delivery():
    assert verifier_at(SIGNED_AT + 60)(SECRET, BODY, SIGNATURE)


def test_a_replayed_body_with_a_fresh_timestamp_is_refused():
    # The attacker keeps the body and v1, and writes a new t= to get past the five-minute window.
    replayed = re.sub(r"t=\d+", f"t={SIGNED_AT + 3600}", SIGNATURE)

    assert not verifier_at(SIGNED_AT + 3600)(SECRET, BODY, replayed)
    assert not verify_signature(SECRET, BODY, replayed, SIGNED_AT + 3600)


def test_a_delivery_older_than_five_minutes_is_refused():
    assert not verifier_at(SIGNED_AT + 301)(SECRET, BODY, SIGNATURE)
    assert not verify_signature(SECRET, BODY, SIGNATURE, SIGNED_AT + 301)
    assert verify_signature(SECRET, BODY, SIGNATURE, SIGNED_AT + 300)


@pytest.mark.parametrize(
    ("secret", "body"),
    [("another secret entirely", BODY), (SECRET, b'{"kind": "rejected"}'), (SECRET, BODY + b" ")],
)
def test_another_secret_or_a_changed_body_is_refused(secret: str, body: bytes):
    assert not verifier_at(SIGNED_AT)(secret, body, SIGNATURE)
    assert not verify_signature(secret, body, SIGNATURE, SIGNED_AT)


def test_what_the_sender_posts_passes_the_receiver_snippet_at_the_senders_time(receiver: WebhookReceiver):
    clock = SystemClock.moved_to(datetime.fromtimestamp(SIGNED_AT, UTC))
    webhook = Webhook(name="site", kind=WebhookKind.JSON, url=receiver.url, secret=SECRET)

    WebhookSender(clock=clock).send(webhook, BODY, "delivery-1", "published")

    (request,) = receiver.requests
    header = request["headers"]["X-Pressroom-Signature"]
    assert request["body"] == BODY
    assert re.fullmatch(r"t=17000000\d\d,v1=[0-9a-f]{64}", header)
    assert verifier_at(clock.now().timestamp())(SECRET, BODY, header)
    assert not verifier_at(SIGNED_AT + 3600)(SECRET, BODY, header)
