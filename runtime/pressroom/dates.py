"""Publication dates as authors write them, read into timezone-aware datetimes."""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo

from pressroom.model import quoted

# Jekyll writes `2025-01-29 18:15:32 +0530`: a space before an offset without a colon.
_SPACED_OFFSET = re.compile(r"^(?P<stamp>.*\d)\s+(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$")

DATE_FORMAT_HINT = (
    "write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional offset "
    "such as Z or +01:00 (for example 2024-05-01 or 2024-05-01T09:30:00+01:00)"
)


MAX_DATE_LENGTH = 64
# Far enough from datetime's limits that converting between zones can never overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


class DateError(ValueError):
    """A value that is not a date this project can read."""


def parse_date(value: object, zone: tzinfo) -> datetime:
    """Read a front-matter date; a date or time without an offset is taken to be in `zone`."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip() and len(value) <= MAX_DATE_LENGTH:
        parsed = _parse_text(value.strip())
    else:
        raise DateError(f"{quoted(value)} is not a date; {DATE_FORMAT_HINT}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    if not EARLIEST.year <= parsed.year <= LATEST.year:
        raise DateError(f"{quoted(value)} is outside the years {EARLIEST.year} to {LATEST.year}")
    return parsed


def _parse_text(written: str) -> datetime:
    text = written
    spaced = _SPACED_OFFSET.match(text)
    if spaced:
        text = f"{spaced['stamp']}{spaced['sign']}{spaced['hours']}:{spaced['minutes']}"
    try:
        return datetime.fromisoformat(text)
    except ValueError as error:
        detail = str(error)
        if "out of range" in detail or "must be in" in detail:
            raise DateError(f"{quoted(written)} is not a real date ({detail}); {DATE_FORMAT_HINT}") from error
        raise DateError(f"{quoted(written)} is not a date; {DATE_FORMAT_HINT}") from error
