"""How a receiver knows a webhook is ours, checked against values computed outside the project.

The digests below were computed with `openssl dgst -sha256 -hmac <secret>`, as docs/announcements.md
tells a receiver to: HMAC-SHA256(secret, "<t>.<body>").
"""

from __future__ import annotations

import pytest

from pressroom.webhooks import sign, verify_signature

SECRET = "0123456789abcdef-secret"
BODY = b'{"kind": "published"}'
SENT_AT = 1_700_000_000
# printf '1700000000.{"kind": "published"}' | openssl dgst -sha256 -hmac 0123456789abcdef-secret
OVER_TIMESTAMP_AND_BODY = "634d75c91070a830191a96e1aa106ff8a5dfaa98508acef5a833d890b500f8e8"
# printf '{"kind": "published"}' | openssl dgst -sha256 -hmac 0123456789abcdef-secret
OVER_BODY_ALONE = "d4ceabe0b6275246b708c89009da27d301e4a76541fa5d6841600cf82c14882b"


def test_the_signature_is_hmac_sha256_of_the_timestamp_a_dot_and_the_body():
    assert sign(SECRET, BODY, SENT_AT) == f"t=1700000000,v1={OVER_TIMESTAMP_AND_BODY}"


def test_a_receiver_accepts_a_header_signed_as_documented():
    assert verify_signature(SECRET, BODY, f"t=1700000000,v1={OVER_TIMESTAMP_AND_BODY}", now=SENT_AT)


def test_a_webhook_signed_over_the_body_alone_is_refused():
    assert not verify_signature(SECRET, BODY, f"t=1700000000,v1={OVER_BODY_ALONE}", now=SENT_AT)


def test_a_replayed_body_with_a_fresh_timestamp_is_refused():
    replayed = f"t=1700003600,v1={OVER_TIMESTAMP_AND_BODY}"
    assert not verify_signature(SECRET, BODY, replayed, now=1_700_003_600)


@pytest.mark.parametrize(
    ("now", "accepted"),
    [
        (SENT_AT + 300, True),  # five minutes late: still fresh
        (SENT_AT + 301, False),
        (SENT_AT - 300, True),  # the receiver's clock five minutes behind
        (SENT_AT - 301, False),
    ],
)
def test_a_signature_is_fresh_for_five_minutes_either_way(now: int, accepted: bool):
    header = f"t=1700000000,v1={OVER_TIMESTAMP_AND_BODY}"
    assert verify_signature(SECRET, BODY, header, now=now) is accepted


@pytest.mark.parametrize(
    "header",
    [
        "",
        f"v1={OVER_TIMESTAMP_AND_BODY}",
        f"t=soon,v1={OVER_TIMESTAMP_AND_BODY}",
        "t=1700000000",
        f"t=1700000000,v1={OVER_TIMESTAMP_AND_BODY},extra",
        f"t=1700000000, v1={OVER_TIMESTAMP_AND_BODY}",
        f"t=1700000000,v1={OVER_TIMESTAMP_AND_BODY.upper()}",
    ],
)
def test_a_malformed_or_altered_header_is_refused(header: str):
    assert not verify_signature(SECRET, BODY, header, now=SENT_AT)


def test_a_header_with_its_fields_in_another_order_is_refused():
    """The header is compared whole, as sent: a receiver must not have to reorder it."""
    assert not verify_signature(SECRET, BODY, f"v1={OVER_TIMESTAMP_AND_BODY},t=1700000000", now=SENT_AT)
