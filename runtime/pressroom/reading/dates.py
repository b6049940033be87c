"""Publication dates as authors write them, read into timezone-aware datetimes.

ISO 8601 first, then Jekyll's `2025-01-29 18:15:32 +0530`, then what Jekyll (Ruby's
Time.parse) and Hugo also accept: `May 1, 2024`, `1 May 2024 10:00`, `Wed, 01 May 2024
10:00:00 +0100`, `2024/05/01`, `01.05.2024` (day first, as Ruby reads it). A reading lacking a
year, month or day, or naming a time zone by an ambiguous abbreviation, is refused rather than
guessed.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo

from pressroom.model import quoted

# Jekyll writes `2025-01-29 18:15:32 +0530`: a space before an offset without a colon.
_SPACED_OFFSET = re.compile(r"^(?P<stamp>.*\d)\s+(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})$")
# Some Jekyll sites' dates carry the year again after the time (`2023-01-29 18:30:22 2023 -0800`),
# which Ruby's Time.parse reads past; the same year, repeated, is dropped (another is not guessed).
_REPEATED_YEAR = re.compile(
    r"^(?P<date>(?P<year>\d{4})-\d{2}-\d{2})[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s+(?P=year)"
    r"(?P<offset>\s+[+-]\d{2}:?\d{2})?$"
)

DATE_FORMAT_HINT = (
    "write it as YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with an optional offset "
    "such as Z or +01:00 (for example 2024-05-01 or 2024-05-01T09:30:00+01:00), "
    "or in words with a year, such as 1 May 2024 09:30"
)


MAX_DATE_LENGTH = 64
# Far enough from datetime's limits that converting between zones can never overflow.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)


# POSIX zones such as UTC+3 mean three hours *behind* UTC, and readers disagree on the sign.
_NAMED_ZONE_OFFSET = re.compile(r"\b(UTC|GMT)\s*[+-]\s*\d", re.IGNORECASE)
# A numeric day, month and year, read day first as Ruby does (01/05/2024 is 1 May).
_NUMERIC_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b")
_FOUR_DIGIT_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
# Two defaults that differ in every part of a date: a part the text lacks shows as a difference.
_FIRST_DEFAULT = datetime(2001, 1, 1)
_SECOND_DEFAULT = datetime(2002, 2, 2)


class DateError(ValueError):
    """A value that is not a date this project can read."""


@dataclass(frozen=True)
class DateReading:
    """A date as read, and how it was read (`pressroom check` says, for the author to confirm)."""

    value: datetime
    how: str


def parse_date(value: object, zone: tzinfo) -> datetime:
    """Read a front-matter date; a date or time without an offset is taken to be in `zone`."""
    return read_date(value, zone).value


def read_date(value: object, zone: tzinfo) -> DateReading:
    """As parse_date, saying how the value was read."""
    if isinstance(value, datetime):
        parsed, how = value, "a YAML timestamp"
    elif isinstance(value, date):
        parsed, how = datetime.combine(value, time()), "a YAML date"
    elif isinstance(value, str) and value.strip() and len(value) <= MAX_DATE_LENGTH:
        parsed, how = _parse_text(value.strip())
    else:
        raise DateError(f"{quoted(value)} is not a date; {DATE_FORMAT_HINT}")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
        how += f", in the site's time zone ({zone}) as it gives no offset"
    if not EARLIEST.year <= parsed.year <= LATEST.year:
        raise DateError(f"{quoted(value)} is outside the years {EARLIEST.year} to {LATEST.year}")
    return DateReading(parsed, how)


def _parse_text(written: str) -> tuple[datetime, str]:
    text, how = written, "ISO 8601"
    repeated = _REPEATED_YEAR.match(text)
    if repeated:
        text = f"{repeated['date']} {repeated['time']}{repeated['offset'] or ''}"
        how = "Jekyll's date with its year written again after the time, read once"
    readable = text
    spaced = _SPACED_OFFSET.match(text)
    if spaced:
        text = f"{spaced['stamp']}{spaced['sign']}{spaced['hours']}:{spaced['minutes']}"
        how = "Jekyll's date with a spaced offset" if how == "ISO 8601" else how
    try:
        return datetime.fromisoformat(text), how
    except ValueError as error:
        detail = str(error)
        if "out of range" in detail or "must be in" in detail or "offset" in detail:
            raise DateError(f"{quoted(written)} is not a real date ({detail}); {DATE_FORMAT_HINT}") from error
    return _parse_leniently(readable), "written out, read as Jekyll and Hugo read dates"


def _parse_leniently(written: str) -> datetime:
    """What Ruby's Time.parse and Hugo also read, refusing what they would have to guess."""
    from dateutil import parser as lenient_parser  # 9 ms to import: only for dates not in ISO 8601

    if not re.search(r"\d", written):
        raise DateError(f"{quoted(written)} is not a date; {DATE_FORMAT_HINT}")
    if not _FOUR_DIGIT_YEAR.search(written):
        raise DateError(f"{quoted(written)} has no four-digit year; {DATE_FORMAT_HINT}")
    if _NAMED_ZONE_OFFSET.search(written):
        raise DateError(
            f"{quoted(written)} gives its offset after UTC or GMT, which programs read with opposite "
            f"signs; write the offset alone (such as +03:00); {DATE_FORMAT_HINT}"
        )
    numeric = _NUMERIC_DAY_FIRST.match(written)
    if numeric and int(numeric[2]) > 12:
        raise DateError(
            f"{quoted(written)} is read day first, as Jekyll reads it, and {numeric[2]} is not a "
            f"month; {DATE_FORMAT_HINT}"
        )
    # 2024/05/01 is year, month, day; 01/05/2024 is day, month, year, as Ruby reads it.
    year_first = re.match(r"\d{4}\D", written) is not None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", lenient_parser.UnknownTimezoneWarning)
            first, second = (
                lenient_parser.parse(written, default=default, dayfirst=not year_first, yearfirst=year_first)
                for default in (_FIRST_DEFAULT, _SECOND_DEFAULT)
            )
    except lenient_parser.UnknownTimezoneWarning as warning:
        raise DateError(
            f"{quoted(written)} names a time zone by an abbreviation that means different zones "
            f"in different places; write the offset instead (such as -07:00); {DATE_FORMAT_HINT}"
        ) from warning
    except (ValueError, OverflowError) as error:
        raise DateError(f"{quoted(written)} is not a date; {DATE_FORMAT_HINT}") from error
    if first.date() != second.date():
        raise DateError(f"{quoted(written)} lacks a year, a month or a day; {DATE_FORMAT_HINT}")
    try:
        offset = first.utcoffset()
        return first if offset is None else first.replace(tzinfo=timezone(offset))
    except ValueError as error:  # an offset of a day or more
        raise DateError(f"{quoted(written)} is not a real date ({error}); {DATE_FORMAT_HINT}") from error
