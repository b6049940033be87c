"""Webhooks: who to tell, in which format, and how a receiver knows the message is ours.

Three kinds: Slack and Discord incoming webhooks (their own JSON), and a generic JSON POST
signed with HMAC-SHA256. The signature covers a timestamp and the exact body:

    X-Pressroom-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>

A receiver recomputes it with the shared secret (see `verify_signature`), compares in
constant time, and refuses timestamps older than a few minutes to stop replays.
`X-Pressroom-Delivery` is the same for every retry of one announcement, for receivers that
want to drop duplicates themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pressroom.announcements import Announcement, AnnouncementKind
from pressroom.slugs import name_slug
from pressroom.urls import url_problem

SIGNATURE_HEADER = "X-Pressroom-Signature"
DELIVERY_HEADER = "X-Pressroom-Delivery"
EVENT_HEADER = "X-Pressroom-Event"
SIGNATURE_TOLERANCE_SECONDS = 300


class WebhookKind(StrEnum):
    SLACK = "slack"
    DISCORD = "discord"
    JSON = "json"


class WebhookConfigError(ValueError):
    """The webhook configuration cannot be used; the message says which entry and why."""


@dataclass(frozen=True)
class Webhook:
    """Where to announce, in which format; `announce` and `tags`, when given, narrow what to."""

    name: str
    kind: WebhookKind
    url: str
    secret: str | None = None
    announce: frozenset[AnnouncementKind] | None = None  # None: every kind
    tags: frozenset[str] | None = None  # tags as their pages name them; None: every post, and rejections

    @property
    def channel(self) -> str:
        return f"webhook:{self.name}"

    def wants(self, announcement: Announcement) -> bool:
        """Whether this webhook takes the announcement: of a kind it asked for, and, if it names
        tags, about a post with one of them (a rejection has no tags, so such a webhook never
        hears of one)."""
        if self.announce is not None and announcement.kind not in self.announce:
            return False
        if self.tags is None:
            return True
        return bool(self.tags & {name_slug(str(tag)) for tag in announcement.data.get("tags") or ()})


def parse_webhooks(document: object) -> tuple[Webhook, ...]:
    """Read the webhooks list (the JSON kept in SSM Parameter Store), refusing bad entries."""
    if document in (None, "", []):
        return ()
    if not isinstance(document, list):
        raise WebhookConfigError(
            "the webhooks parameter must hold a JSON list of {name, kind, url[, secret, announce, tags]}"
        )
    hooks: list[Webhook] = []
    for index, entry in enumerate(document):
        where = f"webhook {index + 1}"
        if not isinstance(entry, dict):
            raise WebhookConfigError(f"{where} must be an object with name, kind and url")
        name, kind, url = entry.get("name"), entry.get("kind", "json"), entry.get("url")
        if not isinstance(name, str) or not name.strip() or any(hook.name == name for hook in hooks):
            raise WebhookConfigError(f"{where} needs a unique name")
        if kind not in tuple(WebhookKind):
            raise WebhookConfigError(f"{where} ({name}): kind must be slack, discord or json, not {kind!r}")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")) or url_problem(url):
            raise WebhookConfigError(f"{where} ({name}): url must be an http(s) URL")
        secret = entry.get("secret")
        if kind == WebhookKind.JSON and (not isinstance(secret, str) or len(secret) < 16):
            raise WebhookConfigError(
                f"{where} ({name}): a json webhook needs a secret of 16 characters or more"
            )
        hooks.append(
            Webhook(
                name=name,
                kind=WebhookKind(kind),
                url=url,
                secret=secret,
                announce=_announce_filter(entry.get("announce"), f"{where} ({name})"),
                tags=_tag_filter(entry.get("tags"), f"{where} ({name})"),
            )
        )
    return tuple(hooks)


def _announce_filter(value: object, where: str) -> frozenset[AnnouncementKind] | None:
    if value is None:
        return None
    known = [kind.value for kind in AnnouncementKind]
    if not isinstance(value, list) or not value or any(item not in known for item in value):
        raise WebhookConfigError(f"{where}: announce must be a non-empty list of {', '.join(known)}")
    return frozenset(AnnouncementKind(item) for item in value)


def _tag_filter(value: object, where: str) -> frozenset[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(tag, str) for tag in value):
        raise WebhookConfigError(f"{where}: tags must be a non-empty list of tag names")
    slugs = frozenset(name_slug(tag) for tag in value)
    if "" in slugs:
        raise WebhookConfigError(f"{where}: tags must be a non-empty list of tag names")
    return slugs


def payload(webhook: Webhook, announcement: Announcement) -> bytes:
    """The body a webhook of this kind expects."""
    data = announcement.data
    link = data.get("url")
    if webhook.kind is WebhookKind.SLACK:
        detail = link if link else announcement.text
        body: dict[str, Any] = {"text": f"*{_slack_text(announcement.subject)}*\n{_slack_text(detail)}"}
    elif webhook.kind is WebhookKind.DISCORD:
        embed = {"title": data.get("title") or announcement.subject, "description": announcement.text[:4000]}
        if link:
            embed["url"] = link
        # A title may say @everyone or <@id>: shown as written, it notifies no one.
        body = {"content": announcement.subject[:2000], "embeds": [embed], "allowed_mentions": {"parse": []}}
    else:
        body = {"subject": announcement.subject, "text": announcement.text, **data}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _slack_text(text: str) -> str:
    """Text as Slack shows it literally: it reads <…> as a link or a mention (<!channel>) and & as
    the start of an entity, so those three are escaped, as Slack's formatting guide says."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def sign(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(secret: str, body: bytes, header: str, now: int) -> bool:
    """What a receiver does: recompute, compare in constant time, refuse stale timestamps."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, body, timestamp), header)


class WebhookRejectedError(Exception):
    """The receiver answered 4xx: retrying the same request will not help."""

    def __init__(self, webhook: Webhook, status: int) -> None:
        super().__init__(f"{webhook.name} refused the delivery with HTTP {status}")
        self.status = status
