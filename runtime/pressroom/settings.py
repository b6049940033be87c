"""Settings read once from the environment, shared by every function and the CLI."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class SettingsError(RuntimeError):
    """The environment lacks a variable or holds an unusable value."""


@dataclass(frozen=True)
class Settings:
    hosting_bucket: str
    posts_table: str
    event_bus_name: str
    topic_arn: str
    site_url: str
    event_bus_arn: str
    schedule_group: str
    scheduler_role_arn: str
    schedule_dlq_arn: str
    stale_pages_queue_url: str
    site_title: str = "pressroom"
    site_description: str = ""
    distribution_id: str = ""  # empty: no CloudFront to invalidate (the local stack)
    uploads_bucket: str = ""  # where theme/ overrides live; empty: the packaged theme only
    webhooks_parameter: str = ""  # SSM parameter holding the webhooks' JSON; empty: none
    notify_failures_queue_url: str = ""  # where refused (4xx) webhook deliveries wait
    webhook_backoff_seconds: float = 0.5
    republish_queue_url: str = ""
    republish_failures_queue_url: str = ""
    embed_prefixes: str = ""  # comma-separated; empty: YouTube and Vimeo players
    site_timezone: str = "UTC"
    max_post_bytes: int = 1_000_000
    index_page_size: int = 20

    REQUIRED: ClassVar[dict[str, str]] = {
        "HOSTING_BUCKET": "hosting_bucket",
        "POSTS_TABLE": "posts_table",
        "EVENT_BUS_NAME": "event_bus_name",
        "TOPIC_ARN": "topic_arn",
        "SITE_URL": "site_url",
        "EVENT_BUS_ARN": "event_bus_arn",
        "SCHEDULE_GROUP": "schedule_group",
        "SCHEDULER_ROLE_ARN": "scheduler_role_arn",
        "SCHEDULE_DLQ_ARN": "schedule_dlq_arn",
        "STALE_PAGES_QUEUE_URL": "stale_pages_queue_url",
    }
    OPTIONAL: ClassVar[dict[str, str]] = {
        "SITE_TITLE": "site_title",
        "SITE_DESCRIPTION": "site_description",
        "DISTRIBUTION_ID": "distribution_id",
        "UPLOADS_BUCKET": "uploads_bucket",
        "WEBHOOKS_PARAMETER": "webhooks_parameter",
        "NOTIFY_FAILURES_QUEUE_URL": "notify_failures_queue_url",
        "WEBHOOK_BACKOFF_SECONDS": "webhook_backoff_seconds",
        "REPUBLISH_QUEUE_URL": "republish_queue_url",
        "REPUBLISH_FAILURES_QUEUE_URL": "republish_failures_queue_url",
        "EMBED_PREFIXES": "embed_prefixes",
        "SITE_TIMEZONE": "site_timezone",
        "MAX_POST_BYTES": "max_post_bytes",
        "INDEX_PAGE_SIZE": "index_page_size",
    }

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables, naming every missing or bad one at once."""
        env = os.environ if environ is None else environ
        missing = [name for name in cls.REQUIRED if not env.get(name)]
        if missing:
            raise SettingsError(
                "pressroom needs these environment variables, which are unset or empty: "
                + ", ".join(missing)
                + ". template.yaml sets them for deployed functions; set them yourself elsewhere."
            )
        values: dict[str, object] = {field: env[name] for name, field in cls.REQUIRED.items()}
        for name, field in cls.OPTIONAL.items():
            if env.get(name):
                values[field] = env[name]
        problems = []
        for field in ("max_post_bytes", "index_page_size"):
            raw = values.get(field)
            if isinstance(raw, str):
                number = _positive_int(raw)
                if number is None:
                    problems.append(f"{field.upper()}={raw!r} must be a positive whole number")
                values[field] = number
        if isinstance(values.get("webhook_backoff_seconds"), str):
            try:
                values["webhook_backoff_seconds"] = float(str(values["webhook_backoff_seconds"]))
            except ValueError:
                problems.append("WEBHOOK_BACKOFF_SECONDS must be a number of seconds")
                values.pop("webhook_backoff_seconds")
        settings = cls(**values)  # type: ignore[arg-type]
        try:
            settings.timezone()
        except SettingsError as error:
            problems.append(str(error))
        if problems:
            raise SettingsError("pressroom's settings are unusable: " + "; ".join(problems) + ".")
        return settings

    def timezone(self) -> ZoneInfo:
        """The zone in which dates without an offset are read."""
        try:
            return ZoneInfo(self.site_timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(
                f"SITE_TIMEZONE={self.site_timezone!r} is not an IANA time zone "
                "(for example UTC or Europe/London)"
            ) from error

    @property
    def base_url(self) -> str:
        """The site URL without a trailing slash, ready to have a path appended."""
        return self.site_url.rstrip("/")


def _positive_int(raw: str) -> int | None:
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value > 0 else None
