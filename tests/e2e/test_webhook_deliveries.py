"""Announcements reach webhooks exactly once, signed, whatever fails underneath.

A real HTTP server on 127.0.0.1 receives the deliveries (tests/helpers.py: WebhookReceiver).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import EXAMPLES, SHARED_POST, SITE_URL, TEMPLATE, WebhookReceiver, load_event, suite_clock

from pressroom.webhooks import verify_signature
from pressroom_tools.local.stack import LocalStack

SHARED_KEY = "posts/uk-ai-opportunities-action-plan.md"


@pytest.fixture
def stack(webhook_stack: LocalStack) -> LocalStack:
    """Here, every stack announces to the test's webhook receiver too."""
    return webhook_stack


def kinds(receiver: WebhookReceiver) -> list[str]:
    return sorted(delivery["json"]["kind"] for delivery in receiver.delivered)


def test_each_publication_and_rejection_is_delivered_once_and_signed(
    stack: LocalStack, receiver: WebhookReceiver
):
    stack.upload_posts(EXAMPLES)
    assert stack.run_until_quiet().failures == []

    assert kinds(receiver) == ["published", "published", "published", "rejected"]
    for delivery in receiver.delivered:
        signature = delivery["headers"]["X-Pressroom-Signature"]
        assert verify_signature(stack.webhook_secret, delivery["body"], signature, int(suite_clock()()))
        assert not verify_signature(
            "another-secret-entirely", delivery["body"], signature, int(suite_clock()())
        )
    urls = {d["json"].get("url") for d in receiver.delivered if d["json"]["kind"] == "published"}
    assert f"{SITE_URL}/posts/uk-ai-opportunities-action-plan/" in urls
    rejection = next(d["json"] for d in receiver.delivered if d["json"]["kind"] == "rejected")
    assert rejection["source"] == "posts/broken-post.md"
    assert {reason["field"] for reason in rejection["reasons"]} == {"title", "date"}


def test_a_second_round_of_identical_files_announces_nothing_and_an_edit_is_an_update(
    stack: LocalStack, receiver: WebhookReceiver, tmp_path: Path
):
    stack.upload_posts(EXAMPLES)
    stack.run_until_quiet()
    first = len(receiver.requests)

    stack.upload_posts(EXAMPLES)  # round 2: byte-identical, the broken post included
    stack.run_until_quiet()
    assert len(receiver.requests) == first

    edited = tmp_path / "round3"
    edited.mkdir()
    (edited / SHARED_POST.name).write_bytes(SHARED_POST.read_bytes().replace(b"watershed", b"turning-point"))
    stack.upload_posts(edited)
    stack.run_until_quiet()
    assert [d["json"]["kind"] for d in receiver.delivered[first:]] == ["updated"]


def test_a_webhook_answering_500_then_200_gets_the_announcement_once(
    stack: LocalStack, receiver: WebhookReceiver
):
    receiver.replies = [500]

    stack.upload(SHARED_KEY, SHARED_POST.read_bytes())
    stats = stack.run_until_quiet()

    assert stats.failures == []
    assert [r["status"] for r in receiver.requests] == [500, 200]
    assert kinds(receiver) == ["published"]
    ids = {r["headers"]["X-Pressroom-Delivery"] for r in receiver.requests}
    assert len(ids) == 1  # the retry is recognisably the same delivery
    assert [a.kind for a in stack.announcements()] == ["published"]


def test_a_webhook_that_is_down_parks_the_announcement_and_a_redrive_delivers_it_once(
    stack: LocalStack, receiver: WebhookReceiver
):
    receiver.replies = [503] * 9  # three attempts per invocation, three invocations (Lambda's retries)

    stack.upload(SHARED_KEY, SHARED_POST.read_bytes())
    stats = stack.run_until_quiet()

    (notify,) = [i for i in stats.invocations if i.function == "NotifyFunction"]
    assert not notify.succeeded
    assert notify.attempts == 3
    (parked,) = stack.failed_events()["NotifyFunction"]
    assert parked["requestPayload"]["detail-type"] == "Post Published"
    assert receiver.delivered == []
    assert [a.kind for a in stack.announcements()] == ["published"]  # SNS got it on the first try

    redriven = stack.redrive("NotifyFunction")

    assert [i.succeeded for i in redriven] == [True]
    assert kinds(receiver) == ["published"]
    assert [a.kind for a in stack.announcements()] == ["published"]  # and not twice
    assert stack.failed_events()["NotifyFunction"] == []


def test_a_webhook_answering_4xx_is_not_retried_but_parked(stack: LocalStack, receiver: WebhookReceiver):
    receiver.replies = [410]

    stack.upload(SHARED_KEY, SHARED_POST.read_bytes())
    stats = stack.run_until_quiet()

    (notify,) = [i for i in stats.invocations if i.function == "NotifyFunction"]
    assert notify.succeeded  # nothing for Lambda to retry
    assert [r["status"] for r in receiver.requests] == [410]
    (parked,) = stack.failed_events()["NotifyFunction"]
    assert "410" in parked["responsePayload"]["errorMessage"]

    stack.redrive("NotifyFunction")
    assert kinds(receiver) == ["published"]


def test_the_same_event_delivered_twice_announces_once(stack: LocalStack, receiver: WebhookReceiver):
    event = load_event("notify.json")

    stack.invoke("NotifyFunction", event)
    stack.invoke("NotifyFunction", {**event, "id": "redelivered"})

    assert kinds(receiver) == ["published"]
    assert [a.kind for a in stack.announcements()] == ["published"]


def test_a_rotated_secret_is_read_again_after_a_401(stack: LocalStack, receiver: WebhookReceiver):
    stack.invoke("NotifyFunction", load_event("notify-rejected.json"))  # warms the cached configuration
    rotated = "a-brand-new-secret-of-some-length"
    receiver.require_secret = rotated
    ssm: Any = stack.session.client("ssm")
    name = stack.resolver.parameters["WebhooksParameterName"]
    hooks = [{"name": "local-1", "kind": "json", "url": receiver.url, "secret": rotated}]
    ssm.put_parameter(Name=name, Value=__import__("json").dumps(hooks), Type="SecureString", Overwrite=True)

    invocation = stack.invoke("NotifyFunction", load_event("notify.json"))

    assert invocation.succeeded, invocation.error
    assert [r["status"] for r in receiver.requests[-2:]] == [401, 200]


def test_pressroom_local_with_webhook_and_three_rounds(
    receiver: WebhookReceiver, tmp_path: Path, capsys: Any
):
    from pressroom_tools.cli import main

    edited = tmp_path / "edited"
    edited.mkdir()
    (edited / SHARED_POST.name).write_bytes(SHARED_POST.read_bytes().replace(b"watershed", b"turning-point"))
    site = tmp_path / "site"

    status = main(
        ["local", "--template", str(TEMPLATE), "--out", str(site), "--webhook", receiver.url,
         "--posts", str(EXAMPLES), "--posts", str(EXAMPLES), "--posts", str(edited)]
    )  # fmt: skip

    assert status == 0
    assert kinds(receiver) == ["published", "published", "published", "rejected", "updated"]
    assert receiver.delivered[-1]["json"]["kind"] == "updated"
    err = capsys.readouterr().err
    secret = err.split("using the secret ")[1].split()[0]
    for delivery in receiver.delivered:
        assert verify_signature(
            secret, delivery["body"], delivery["headers"]["X-Pressroom-Signature"], int(suite_clock()())
        )
