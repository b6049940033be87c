"""Webhook configuration, payloads and signatures."""

from __future__ import annotations

import json

import pytest

from pressroom.announcements import Announcement, AnnouncementKind
from pressroom.webhooks import (
    Webhook,
    WebhookConfigError,
    WebhookKind,
    parse_webhooks,
    payload,
    sign,
    verify_signature,
)

SECRET = "0123456789abcdef-secret"
ANNOUNCEMENT = Announcement(
    kind=AnnouncementKind.PUBLISHED,
    subject="New post: It's here",
    text="It's here\n\nhttps://blog.example.com/posts/its-here/\n",
    data={"kind": "published", "title": "It's here", "url": "https://blog.example.com/posts/its-here/"},
)


def test_a_valid_configuration_is_read():
    hooks = parse_webhooks(
        [
            {"name": "team", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/X"},
            {"name": "ci", "kind": "json", "url": "https://ci.example.com/hook", "secret": SECRET},
        ]
    )
    assert [(h.name, h.kind, h.channel) for h in hooks] == [
        ("team", WebhookKind.SLACK, "webhook:team"),
        ("ci", WebhookKind.JSON, "webhook:ci"),
    ]
    assert parse_webhooks(None) == ()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"name": "x"}, "JSON list"),
        (["not an object"], "webhook 1 must be an object"),
        ([{"kind": "slack", "url": "https://x.example/"}], "unique name"),
        ([{"name": "a", "kind": "teams", "url": "https://x.example/"}], "kind must be"),
        ([{"name": "a", "kind": "slack", "url": "javascript:alert(1)"}], "http(s) URL"),
        ([{"name": "a", "kind": "json", "url": "https://x.example/"}], "needs a secret"),
        ([{"name": "a", "kind": "json", "url": "https://x.example/", "secret": "short"}], "16 characters"),
        (
            [
                {"name": "a", "kind": "slack", "url": "https://x.example/"},
                {"name": "a", "kind": "slack", "url": "https://y.example/"},
            ],
            "unique name",
        ),
        ([{"name": "a", "kind": "slack", "url": "https://x.example/", "announce": []}], "announce must be"),
        (
            [{"name": "a", "kind": "slack", "url": "https://x.example/", "announce": ["new"]}],
            "published, updated",
        ),
        ([{"name": "a", "kind": "slack", "url": "https://x.example/", "tags": "release"}], "tags must be"),
        ([{"name": "a", "kind": "slack", "url": "https://x.example/", "tags": [" "]}], "tags must be"),
        (
            [{"name": "a", "kind": "slack", "url": "https://x.example/", "tags": ["release", 5]}],
            "tags must be",
        ),
    ],
)
def test_a_bad_configuration_names_the_entry_and_the_fault(document: object, message: str):
    with pytest.raises(WebhookConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_webhooks(document)


def announcement(kind: AnnouncementKind, tags: list[str]) -> Announcement:
    return Announcement(kind=kind, subject="s", text="t", data={"kind": kind.value, "tags": tags})


def test_a_webhook_may_take_only_some_kinds_and_tags():
    releases, rejections, everything = parse_webhooks(
        [
            {
                "name": "releases",
                "kind": "slack",
                "url": "https://hooks.slack.com/services/T/B/X",
                "announce": ["published"],
                "tags": ["Release Notes"],
            },
            {
                "name": "editors",
                "kind": "slack",
                "url": "https://hooks.slack.com/services/T/B/Y",
                "announce": ["rejected"],
            },
            {"name": "all", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/Z"},
        ]
    )

    assert releases.tags == frozenset({"release-notes"})
    assert releases.wants(
        announcement(AnnouncementKind.PUBLISHED, ["release notes", "python"])
    )  # as a tag page would
    assert not releases.wants(announcement(AnnouncementKind.PUBLISHED, ["python"]))
    assert not releases.wants(announcement(AnnouncementKind.UPDATED, ["release-notes"]))
    assert not releases.wants(announcement(AnnouncementKind.REJECTED, []))
    assert rejections.wants(announcement(AnnouncementKind.REJECTED, []))
    assert not rejections.wants(announcement(AnnouncementKind.PUBLISHED, ["python"]))
    assert all(everything.wants(announcement(kind, [])) for kind in AnnouncementKind)


def test_a_tag_filter_tells_tags_apart_as_their_pages_do():
    (csharp,) = parse_webhooks(
        [{"name": "c", "kind": "slack", "url": "https://hooks.example/T/X", "tags": ["C#", "Иван"]}]
    )
    assert csharp.wants(announcement(AnnouncementKind.PUBLISHED, ["c#"]))
    assert csharp.wants(announcement(AnnouncementKind.PUBLISHED, ["ИВАН"]))
    assert not csharp.wants(announcement(AnnouncementKind.PUBLISHED, ["C"]))
    assert not csharp.wants(announcement(AnnouncementKind.PUBLISHED, ["C++"]))
    assert not csharp.wants(announcement(AnnouncementKind.PUBLISHED, ["Пётр"]))


def test_payloads_take_each_services_shape():
    slack = json.loads(payload(Webhook("s", WebhookKind.SLACK, "https://s.example/"), ANNOUNCEMENT))
    discord = json.loads(payload(Webhook("d", WebhookKind.DISCORD, "https://d.example/"), ANNOUNCEMENT))
    generic = json.loads(payload(Webhook("j", WebhookKind.JSON, "https://j.example/", SECRET), ANNOUNCEMENT))

    assert slack == {"text": "*New post: It's here*\nhttps://blog.example.com/posts/its-here/"}
    assert discord["content"] == "New post: It's here"
    assert discord["embeds"][0] == {
        "title": "It's here",
        "url": "https://blog.example.com/posts/its-here/",
        "description": ANNOUNCEMENT.text,
    }
    assert generic["kind"] == "published"
    assert generic["subject"] == "New post: It's here"
    assert generic["url"] == "https://blog.example.com/posts/its-here/"


def test_a_signature_verifies_only_with_the_secret_the_body_and_a_fresh_timestamp():
    body = b'{"kind": "published"}'
    header = sign(SECRET, body, 1_700_000_000)

    assert header.startswith("t=1700000000,v1=")
    assert verify_signature(SECRET, body, header, now=1_700_000_100)
    assert not verify_signature("another-secret-altogether", body, header, now=1_700_000_100)
    assert not verify_signature(SECRET, body + b" ", header, now=1_700_000_100)
    assert not verify_signature(SECRET, body, header, now=1_700_000_000 + 3600)  # a replay, an hour later
    assert not verify_signature(SECRET, body, "v1=deadbeef", now=1_700_000_000)


HOSTILE_TITLE = "<!channel> @everyone <https://evil.example/login|Sign in again> & <@U123>"
HOSTILE = Announcement(
    kind=AnnouncementKind.PUBLISHED,
    subject=f"New post: {HOSTILE_TITLE}",
    text=f"{HOSTILE_TITLE}\n\nhttps://blog.example.com/posts/a/?x=1&y=2\n",
    data={"kind": "published", "title": HOSTILE_TITLE, "url": "https://blog.example.com/posts/a/?x=1&y=2"},
)


def test_a_title_cannot_ping_a_slack_channel_or_disguise_a_link():
    slack = json.loads(payload(Webhook("s", WebhookKind.SLACK, "https://s.example/"), HOSTILE))

    # Slack reads <…> as a mention or a link and & as the start of an entity: all three escaped
    assert slack == {
        "text": "*New post: &lt;!channel&gt; @everyone &lt;https://evil.example/login|Sign in again&gt; "
        "&amp; &lt;@U123&gt;*\nhttps://blog.example.com/posts/a/?x=1&amp;y=2"
    }


def test_a_rejected_file_name_cannot_ping_a_slack_channel_either():
    rejected = Announcement(
        kind=AnnouncementKind.REJECTED,
        subject="Not published: <!here>.md",
        text="posts/<!here>.md was not published.\n",
        data={"kind": "rejected"},
    )

    slack = json.loads(payload(Webhook("s", WebhookKind.SLACK, "https://s.example/"), rejected))

    assert "<!here>" not in slack["text"]
    assert slack["text"] == "*Not published: &lt;!here&gt;.md*\nposts/&lt;!here&gt;.md was not published.\n"


def test_a_discord_announcement_mentions_no_one_whatever_it_says():
    discord = json.loads(payload(Webhook("d", WebhookKind.DISCORD, "https://d.example/"), HOSTILE))

    assert discord["allowed_mentions"] == {"parse": []}
    assert discord["content"] == HOSTILE.subject  # shown as written, pinging no one
