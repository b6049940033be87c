"""The filters the theme's templates use: dates for pages, feeds and sitemaps; text on one line."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

from pressroom.theme.escaping import escape_text


def format_date(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def one_line(value: str) -> str:
    """Collapse runs of whitespace (a multi-paragraph summary in a meta tag, say) to one space."""
    return " ".join(value.split())


def w3c_datetime(value: datetime) -> str:
    """RFC 3339 / W3C datetime to the second, as Atom, sitemaps and <time> want; naive means UTC."""
    return _aware(value).isoformat(timespec="seconds")


def rfc822_datetime(value: datetime) -> str:
    """The RFC 822 date RSS 2.0 wants, e.g. "Wed, 01 May 2024 09:30:00 +0000"; naive means UTC."""
    return format_datetime(_aware(value).replace(microsecond=0))


def html_text(value: object) -> str:
    """Text as HTML, for feed fields readers treat as HTML (RSS <description>).

    Returned as a plain string so that the template escapes it once more for XML: the reader
    unescapes the XML, then shows `<b>` as the characters it is, not as bold.
    """
    return str(escape_text(value))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
