"""NotifyFunction under moto, fed events/notify*.json: one announcement per post version."""

from __future__ import annotations

import copy

from helpers import load_event

from pressroom_tools.local.stack import LocalStack


def test_a_publication_is_announced_with_its_url(stack: LocalStack):
    invocation = stack.invoke("NotifyFunction", load_event("notify.json"))

    assert invocation.succeeded, invocation.error
    (announcement,) = stack.announcements()
    assert announcement.kind == "published"
    assert (
        announcement.subject == "New post: Our Response to the UK Government's AI Opportunities Action Plan"
    )
    assert (
        "https://d111111abcdef8.cloudfront.net/posts/uk-ai-opportunities-action-plan/" in announcement.message
    )


def test_the_same_event_delivered_twice_is_announced_once(stack: LocalStack):
    event = load_event("notify.json")

    stack.invoke("NotifyFunction", event)
    second = stack.invoke("NotifyFunction", copy.deepcopy(event) | {"id": "a-redelivery-has-a-new-id"})

    assert second.succeeded
    assert len(stack.announcements()) == 1


def test_a_new_version_of_the_same_post_is_announced_again(stack: LocalStack):
    first = load_event("notify.json")
    edited = copy.deepcopy(first)
    edited["detail"]["source"]["sequencer"] = "0067867A0F5C8E3A99"
    edited["detail"]["update"] = True

    stack.invoke("NotifyFunction", first)
    stack.invoke("NotifyFunction", edited)

    kinds = [announcement.kind for announcement in stack.announcements()]
    assert kinds == ["published", "updated"]


def test_a_rejection_tells_the_author_every_reason(stack: LocalStack):
    stack.invoke("NotifyFunction", load_event("notify-rejected.json"))

    (notice,) = stack.announcements()
    assert notice.kind == "rejected"
    assert notice.subject == "Not published: broken-post.md"
    assert "posts/broken-post.md was not published" in notice.message
    assert "title: the post has no title" in notice.message
    assert "date: '2024-13-45' is not a real date" in notice.message


def test_an_event_for_another_stage_is_refused(stack: LocalStack):
    invocation = stack.invoke("NotifyFunction", load_event("render.json"))

    assert not invocation.succeeded
    assert "does not handle 'Post Validated'" in (invocation.error or "")
    assert stack.announcements() == []
