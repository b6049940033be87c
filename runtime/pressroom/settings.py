"""Each function's settings, read once from the environment and checked at cold start.

One frozen dataclass per function, composed from the parts functions share; each field names
its environment variable and, unless it has a default, is required. `from_env` reads them all
and names every missing or unusable variable in one error, so a misconfigured function fails
its first invocation with the whole list, whatever the event.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pressroom.clock import SystemClock


class SettingsError(RuntimeError):
    """The environment lacks a variable or holds an unusable value."""


def variable(name: str, default: Any = dataclasses.MISSING) -> Any:
    """A settings field read from environment variable `name`; required unless it has a default."""
    return dataclasses.field(default=default, metadata={"env": name})


@dataclass(frozen=True, kw_only=True)
class FunctionSettings:
    """What every function's settings can do: be read from the environment."""

    CHECKS: ClassVar[tuple[str, ...]] = ()  # methods that raise SettingsError for a bad value

    # Zero in AWS; the local stack and the tests move the pipeline's clock with it (see clock.py).
    clock_offset_seconds: float = variable("PRESSROOM_CLOCK_OFFSET_SECONDS", 0.0)

    @property
    def clock(self) -> SystemClock:
        """The clock this function reads the time from."""
        return SystemClock(timedelta(seconds=self.clock_offset_seconds))

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Self:
        env = os.environ if environ is None else environ
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        missing, problems = [], []
        for field in dataclasses.fields(cls):
            name = field.metadata["env"]
            raw = env.get(name, "")
            if not raw:
                if field.default is dataclasses.MISSING:
                    missing.append(name)
                continue
            try:
                values[field.name] = _convert(raw, hints[field.name])
            except ValueError as error:
                problems.append(f"{name}={raw!r} {error}")
        if missing:
            raise SettingsError(
                "pressroom needs these environment variables, which are unset or empty: "
                + ", ".join(missing)
                + ". template.yaml sets them for deployed functions; set them yourself elsewhere."
            )
        settings = cls(**values)
        for check in cls.CHECKS:
            try:
                getattr(settings, check)()
            except SettingsError as error:
                problems.append(str(error))
        if problems:
            raise SettingsError("pressroom's settings are unusable: " + "; ".join(problems) + ".")
        return settings

    @classmethod
    def variables(cls) -> frozenset[str]:
        """Every environment variable this function reads."""
        return frozenset(field.metadata["env"] for field in dataclasses.fields(cls))

    @classmethod
    def required(cls) -> frozenset[str]:
        """The environment variables this function cannot do without."""
        return frozenset(
            field.metadata["env"] for field in dataclasses.fields(cls) if field.default is dataclasses.MISSING
        )


def _convert(raw: str, kind: Any) -> Any:
    if kind is int:
        try:
            number = int(raw)
        except ValueError:
            number = 0
        if number <= 0:
            raise ValueError("must be a positive whole number")
        return number
    if kind is float:
        try:
            return float(raw)
        except ValueError:
            raise ValueError("must be a number of seconds") from None
    return raw


# ------------------------------------------------------------------ the parts functions share


@dataclass(frozen=True, kw_only=True)
class PostRules(FunctionSettings):
    """How posts are read: what ValidateFunction checks and RenderFunction judges again."""

    CHECKS: ClassVar[tuple[str, ...]] = ("timezone",)

    site_timezone: str = variable("SITE_TIMEZONE", "UTC")
    max_post_bytes: int = variable("MAX_POST_BYTES", 1_000_000)

    def timezone(self) -> ZoneInfo:
        """The zone in which dates without an offset are read."""
        try:
            return ZoneInfo(self.site_timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise SettingsError(
                f"SITE_TIMEZONE={self.site_timezone!r} is not an IANA time zone "
                "(for example UTC or Europe/London)"
            ) from error


@dataclass(frozen=True, kw_only=True)
class SitePages(FunctionSettings):
    """What the pages are built with: where the site lives, its name, the theme, page sizes."""

    hosting_bucket: str = variable("HOSTING_BUCKET")
    posts_table: str = variable("POSTS_TABLE")
    site_url: str = variable("SITE_URL")
    site_title: str = variable("SITE_TITLE", "pressroom")
    site_description: str = variable("SITE_DESCRIPTION", "")
    uploads_bucket: str = variable("UPLOADS_BUCKET", "")  # where theme/ overrides live; empty: none
    index_page_size: int = variable("INDEX_PAGE_SIZE", 20)

    @property
    def base_url(self) -> str:
        """The site URL without a trailing slash, ready to have a path appended."""
        return self.site_url.rstrip("/")


@dataclass(frozen=True, kw_only=True)
class Cdn(FunctionSettings):
    distribution_id: str = variable("DISTRIBUTION_ID", "")  # empty: no CloudFront (the local stack)


# ------------------------------------------------------------------ one per function


@dataclass(frozen=True, kw_only=True)
class ValidateSettings(PostRules):
    event_bus_name: str = variable("EVENT_BUS_NAME")


@dataclass(frozen=True, kw_only=True)
class RenderSettings(PostRules, SitePages):
    event_bus_name: str = variable("EVENT_BUS_NAME")
    event_bus_arn: str = variable("EVENT_BUS_ARN")
    schedule_group: str = variable("SCHEDULE_GROUP")
    scheduler_role_arn: str = variable("SCHEDULER_ROLE_ARN")
    schedule_dlq_arn: str = variable("SCHEDULE_DLQ_ARN")
    stale_pages_queue_url: str = variable("STALE_PAGES_QUEUE_URL")
    embed_prefixes: str = variable("EMBED_PREFIXES", "")  # comma-separated; empty: YouTube, Vimeo
    republish_queue_url: str = variable("REPUBLISH_QUEUE_URL", "")  # where a republish's work goes


@dataclass(frozen=True, kw_only=True)
class RepublishSettings(RenderSettings):
    republish_queue_url: str = variable("REPUBLISH_QUEUE_URL")
    republish_failures_queue_url: str = variable("REPUBLISH_FAILURES_QUEUE_URL", "")


@dataclass(frozen=True, kw_only=True)
class AggregateSettings(SitePages, Cdn):
    event_bus_name: str = variable("EVENT_BUS_NAME")  # a navigation change asks for a republish


@dataclass(frozen=True, kw_only=True)
class AssetsSettings(Cdn):
    hosting_bucket: str = variable("HOSTING_BUCKET")


@dataclass(frozen=True, kw_only=True)
class ImagesSettings(FunctionSettings):
    hosting_bucket: str = variable("HOSTING_BUCKET")
    posts_table: str = variable("POSTS_TABLE")  # the image records live there
    event_bus_name: str = variable("EVENT_BUS_NAME")


@dataclass(frozen=True, kw_only=True)
class NotifySettings(FunctionSettings):
    topic_arn: str = variable("TOPIC_ARN")
    posts_table: str = variable("POSTS_TABLE")  # the idempotency records live there
    webhooks_parameter: str = variable("WEBHOOKS_PARAMETER", "")  # SSM parameter; empty: none
    notify_failures_queue_url: str = variable("NOTIFY_FAILURES_QUEUE_URL", "")  # refused deliveries
    webhook_backoff_seconds: float = variable("WEBHOOK_BACKOFF_SECONDS", 0.5)
