"""NotifyStage on in-memory ports: one announcement per channel, and what a webhook's answer means."""

from __future__ import annotations

import json

import pytest
from world import NOW, World, post_file

from pressroom.announcements import AnnouncementKind
from pressroom.events import DetailType, PostPublished
from pressroom.pipeline.notify import AnnouncementFailedError, NotifyStage, announcement_key, compose
from pressroom.webhooks import Webhook, WebhookKind, WebhookRejectedError
from pressroom_tools.memory import MemoryOnce, MemoryParking, MemoryTopic, MemoryWebhooks, MemoryWebhookSender

HOOK = Webhook(name="team", kind=WebhookKind.JSON, url="https://hooks.example/p", secret="old")
ROTATED = Webhook(name="team", kind=WebhookKind.JSON, url="https://hooks.example/p", secret="new")


@pytest.fixture
def published() -> PostPublished:
    world = World()
    world.publish("posts/hello.md", post_file("Hello"), now=NOW)
    ((_, detail),) = [(kind, d) for kind, d in world.bus.events if kind is DetailType.POST_PUBLISHED]
    assert isinstance(detail, PostPublished)
    return detail


def stage(
    sender: MemoryWebhookSender, webhooks: MemoryWebhooks | None = None, parking: MemoryParking | None = None
) -> tuple[NotifyStage, MemoryTopic]:
    topic = MemoryTopic()
    return NotifyStage(topic, webhooks or MemoryWebhooks([HOOK]), sender, MemoryOnce(), parking), topic


def test_every_channel_is_the_topic_and_each_configured_webhook(published: PostPublished):
    notify, _ = stage(MemoryWebhookSender())

    assert notify.channels(compose(published)) == ["sns", "webhook:team"]


def test_a_webhook_that_takes_only_rejections_hears_nothing_of_a_publication(published: PostPublished):
    only_rejections = Webhook(
        name="editors", kind=WebhookKind.SLACK, url="https://hooks.example/e",
        announce=frozenset({AnnouncementKind.REJECTED}),
    )  # fmt: skip
    sender = MemoryWebhookSender()
    notify, topic = stage(sender, MemoryWebhooks([HOOK, only_rejections]))

    announced = notify.announce("Post Published", published, {}, "arn:aws:lambda:us-east-1:1:function:notify")

    assert [result["channel"] for result in announced.results] == ["sns", "webhook:team"]
    assert len(topic.announcements) == 1
    assert [delivery.webhook.name for delivery in sender.deliveries] == ["team"]


def test_the_topic_gets_the_publication(published: PostPublished):
    notify, topic = stage(MemoryWebhookSender())

    result = notify.deliver("sns", published, announcement_key("Post Published", published.source))

    assert result == {"channel": "sns", "messageId": "m1"}
    (announcement,) = topic.announcements
    assert announcement.kind is AnnouncementKind.PUBLISHED
    assert announcement.subject == "New post: Hello"


def test_a_webhook_gets_a_signed_delivery_with_a_stable_id(published: PostPublished):
    sender = MemoryWebhookSender()
    notify, _ = stage(sender)
    key = announcement_key("Post Published", published.source)

    notify.deliver("webhook:team", published, key)
    notify.deliver("webhook:team", published, key)

    first, second = sender.deliveries
    assert first.delivery_id == second.delivery_id
    assert json.loads(first.body)["title"] == "Hello"


def test_a_refused_secret_is_read_again_and_the_delivery_retried_once(published: PostPublished):
    sender = MemoryWebhookSender(replies=[401])
    webhooks = MemoryWebhooks([HOOK], after_refresh=[ROTATED])
    notify, _ = stage(sender, webhooks)

    result = notify.deliver("webhook:team", published, "k")

    assert result == {"channel": "webhook:team", "status": 200}
    assert [delivery.webhook.secret for delivery in sender.deliveries] == ["old", "new"]
    assert webhooks.refreshes == 1


def test_a_receiver_that_refuses_for_good_is_not_retried(published: PostPublished):
    sender = MemoryWebhookSender(replies=[410])
    notify, _ = stage(sender)

    with pytest.raises(WebhookRejectedError):
        notify.deliver("webhook:team", published, "k")
    assert len(sender.deliveries) == 1


def test_a_webhook_no_longer_configured_is_skipped(published: PostPublished):
    notify, _ = stage(MemoryWebhookSender(), MemoryWebhooks([]))

    assert notify.deliver("webhook:team", published, "k") == {
        "channel": "webhook:team",
        "skipped": "no longer configured",
    }


def test_announcing_reaches_every_channel_once_however_often_the_event_comes(published: PostPublished):
    sender = MemoryWebhookSender()
    notify, topic = stage(sender)

    first = notify.announce("Post Published", published, {"id": "e1"}, "arn:fn")
    again = notify.announce("Post Published", published, {"id": "e1"}, "arn:fn")

    assert (first.delivered, again.delivered) == (2, 0)
    assert again.results == first.results
    assert (len(topic.announcements), len(sender.deliveries)) == (1, 1)


def test_a_channel_that_fails_is_retried_alone(published: PostPublished):
    sender = MemoryWebhookSender(replies=[503])
    notify, topic = stage(sender)

    with pytest.raises(AnnouncementFailedError, match="webhook:team"):
        notify.announce("Post Published", published, {}, "arn:fn")
    retried = notify.announce("Post Published", published, {}, "arn:fn")

    assert retried.delivered == 1  # only the webhook; the topic's announcement was remembered
    assert len(topic.announcements) == 1
    assert [delivery.status for delivery in sender.deliveries] == [503, 200]


def test_a_refusal_is_parked_with_the_event_and_the_rest_announced(published: PostPublished):
    parking = MemoryParking()
    notify, topic = stage(MemoryWebhookSender(replies=[410]), parking=parking)

    announced = notify.announce("Post Published", published, {"id": "e1"}, "arn:fn")

    assert announced.parked == ["webhook:team"]
    assert len(topic.announcements) == 1
    ((arn, event, reason),) = parking.parked
    assert (arn, event) == ("arn:fn", {"id": "e1"})
    assert reason.startswith("webhook:team: team refused the delivery with HTTP 410")


def test_a_published_page_is_announced_nowhere():
    world = World()
    world.publish("pages/about.md", b"---\ntitle: About\n---\n\nWho we are.\n", now=NOW)
    ((_, page),) = [(kind, d) for kind, d in world.bus.events if kind is DetailType.POST_PUBLISHED]
    assert isinstance(page, PostPublished)
    sender = MemoryWebhookSender()
    notify, topic = stage(sender)

    announced = notify.announce("Post Published", page, {}, "arn:aws:lambda:us-east-1:1:function:notify")

    assert (announced.results, announced.delivered) == ([], 0)
    assert topic.announcements == []
    assert sender.deliveries == []
