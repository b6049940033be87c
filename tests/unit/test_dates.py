"""parse_date: the date formats authors and CMSs write, read into timezone-aware datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from pressroom.reading.dates import DATE_FORMAT_HINT, DateError, parse_date, read_date

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2024-05-01", "2024-05-01T00:00:00+01:00", id="date-only-in-summer-time"),
        pytest.param("2024-01-15", "2024-01-15T00:00:00+00:00", id="date-only-in-winter-time"),
        pytest.param("2024-02-29", "2024-02-29T00:00:00+00:00", id="leap-day"),
        pytest.param("2024-05-01T09:30:00", "2024-05-01T09:30:00+01:00", id="naive-datetime-takes-zone"),
        pytest.param("2024-05-01 09:30", "2024-05-01T09:30:00+01:00", id="space-separated-no-seconds"),
        pytest.param("2024-05-01T09:30:00Z", "2024-05-01T09:30:00+00:00", id="zulu"),
        pytest.param("2024-05-01T09:30:00+02:00", "2024-05-01T09:30:00+02:00", id="iso-offset"),
        pytest.param("2025-01-14T13:41:22.908Z", "2025-01-14T13:41:22.908000+00:00", id="cms-milliseconds"),
        pytest.param("2024-05-01 10:30:00 +0530", "2024-05-01T10:30:00+05:30", id="jekyll-spaced-offset"),
        pytest.param("2024-05-01 10:30:00 -0800", "2024-05-01T10:30:00-08:00", id="jekyll-negative-offset"),
        pytest.param(
            "2024-05-01 10:30:00 +05:30", "2024-05-01T10:30:00+05:30", id="spaced-offset-with-colon"
        ),
        pytest.param("  2024-05-01  ", "2024-05-01T00:00:00+01:00", id="surrounding-spaces"),
        # What Jekyll (Ruby's Time.parse) and Hugo accept besides ISO 8601
        pytest.param("May 1, 2024", "2024-05-01T00:00:00+01:00", id="month-name-first"),
        pytest.param("1 May 2024 10:30", "2024-05-01T10:30:00+01:00", id="day-first-with-time"),
        pytest.param("1st May 2024", "2024-05-01T00:00:00+01:00", id="ordinal-day"),
        pytest.param("Wed, 01 May 2024 10:30:00 +0200", "2024-05-01T10:30:00+02:00", id="rfc-1123"),
        pytest.param("Mon Jan 2 15:04:05 -0700 2006", "2006-01-02T15:04:05-07:00", id="ruby-date"),
        pytest.param("2 Jan 2006 15:04 GMT", "2006-01-02T15:04:00+00:00", id="rfc-822-gmt"),
        pytest.param("2024/05/01", "2024-05-01T00:00:00+01:00", id="year-first-slashes"),
        pytest.param("01/05/2024", "2024-05-01T00:00:00+01:00", id="day-first-slashes-as-ruby"),
        pytest.param("01.05.2024 09:00", "2024-05-01T09:00:00+01:00", id="day-first-dots"),
        pytest.param("13/05/2024", "2024-05-13T00:00:00+01:00", id="day-first-unambiguous"),
        pytest.param("1 May 2024 10:00 +0300", "2024-05-01T10:00:00+03:00", id="written-with-offset"),
        pytest.param("2024-05-01 10:30 UTC", "2024-05-01T10:30:00+00:00", id="utc-named"),
    ],
)
def test_reads_text_dates(value: str, expected: str):
    # WHEN a front-matter date is read with Europe/London as the site's zone
    parsed = parse_date(value, LONDON)

    # THEN it is aware, and an offset is kept while a missing one comes from the zone
    assert parsed.tzinfo is not None
    assert parsed.isoformat() == expected


def test_keeps_the_offset_written_rather_than_converting_to_the_site_zone():
    parsed = parse_date("2024-05-01 10:30:00 +0530", LONDON)

    assert parsed.utcoffset() == timedelta(hours=5, minutes=30)
    assert parsed == datetime(2024, 5, 1, 5, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(date(2024, 7, 1), datetime(2024, 7, 1, tzinfo=LONDON), id="date"),
        pytest.param(datetime(2024, 7, 1, 12), datetime(2024, 7, 1, 12, tzinfo=LONDON), id="naive-datetime"),
        pytest.param(
            datetime(2024, 7, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
            datetime(2024, 7, 1, 12, tzinfo=timezone(timedelta(hours=-5))),
            id="aware-datetime-keeps-its-offset",
        ),
    ],
)
def test_reads_date_objects(value: date, expected: datetime):
    parsed = parse_date(value, LONDON)

    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        pytest.param("2024-13-45", "month must be in 1..12", id="month-13"),
        pytest.param("2024-02-30", "day is out of range for month", id="february-30"),
        pytest.param("2023-02-29", "day is out of range for month", id="not-a-leap-year"),
        pytest.param("2024-05-01T25:00:00", "hour must be in 0..23", id="hour-25"),
    ],
)
def test_impossible_dates_are_called_not_real(value: str, detail: str):
    with pytest.raises(DateError) as raised:
        parse_date(value, LONDON)

    message = str(raised.value)
    assert f"{value!r} is not a real date" in message
    assert detail in message
    assert DATE_FORMAT_HINT in message


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("yesterday", id="word"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="blank"),
        pytest.param(None, id="none"),
        pytest.param(20240501, id="int"),
        pytest.param(True, id="bool"),
        pytest.param(["2024-05-01"], id="list"),
    ],
)
def test_non_dates_are_refused_with_the_format_hint(value: object):
    with pytest.raises(DateError) as raised:
        parse_date(value, UTC)

    message = str(raised.value)
    assert "is not a date" in message
    assert "is not a real date" not in message
    assert DATE_FORMAT_HINT in message


@pytest.mark.parametrize(
    ("value", "how"),
    [
        ("2024-05-01T09:30:00+02:00", "ISO 8601"),
        ("2024-05-01 10:30:00 +0530", "Jekyll's date with a spaced offset"),
        ("2023-01-29 18:30:22 2023 -0800", "Jekyll's date with its year written again after the time"),
        (
            "May 1, 2024",
            "written out, read as Jekyll and Hugo read dates, in the site's time zone (Europe/London)",
        ),
        (date(2024, 5, 1), "a YAML date, in the site's time zone (Europe/London)"),
    ],
)
def test_a_reading_says_how_the_date_was_read(value: object, how: str):
    assert read_date(value, LONDON).how.startswith(how)


@pytest.mark.parametrize("value", ["May 2024", "2024 at 10:30"])
def test_a_date_lacking_a_part_is_refused_rather_than_guessed(value: str):
    with pytest.raises(DateError, match="lacks a year, a month or a day"):
        parse_date(value, LONDON)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        pytest.param("1 May", "has no four-digit year", id="no-year"),
        pytest.param("10:30", "has no four-digit year", id="time-only"),
        pytest.param("1 May 99", "has no four-digit year", id="two-digit-year"),
        pytest.param("24/05/01", "has no four-digit year", id="two-digit-year-numeric"),
        pytest.param("01/13/2024", "13 is not a month", id="month-first-is-not-guessed"),
        pytest.param("1 May 2024 10:00 UTC+3", "opposite signs", id="posix-zone-sign"),
        pytest.param("1 May 2024 10:00 GMT-5", "opposite signs", id="posix-zone-sign-negative"),
        pytest.param("2024-05-01T10:00:00+25:00", "is not a real date", id="iso-offset-of-a-day"),
        pytest.param("2024-05-01 10:00:00 +2500", "is not a real date", id="jekyll-offset-of-a-day"),
        pytest.param("1 May 2024 10:00 +9999", "is not a real date", id="written-offset-of-days"),
    ],
)
def test_what_would_be_a_guess_is_refused_with_a_reason(value: str, reason: str):
    with pytest.raises(DateError, match=reason):
        parse_date(value, LONDON)


def test_a_zone_abbreviation_that_names_several_zones_is_refused():
    with pytest.raises(DateError, match="write the offset instead"):
        parse_date("2024-05-01 10:00:00 MST", LONDON)


def test_date_error_is_a_value_error():
    # Callers that only know ValueError still catch it.
    with pytest.raises(ValueError, match="not a date"):
        parse_date("soon", UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "2023-01-29 18:30:22 2023 -0800",
            datetime(2023, 1, 29, 18, 30, 22, tzinfo=timezone(timedelta(hours=-8))),
        ),
        ("2023-01-29 18:30 2023 +01:00", datetime(2023, 1, 29, 18, 30, tzinfo=timezone(timedelta(hours=1)))),
        ("2023-01-29T18:30:22 2023", datetime(2023, 1, 29, 18, 30, 22, tzinfo=LONDON)),
    ],
)
def test_a_jekyll_date_with_its_year_written_again_is_read_as_ruby_reads_it(value: str, expected: datetime):
    assert parse_date(value, LONDON) == expected


def test_a_different_year_after_the_time_is_not_guessed_at():
    with pytest.raises(DateError, match=r"^'2023-01-29 18:30:22 2024 -0800' is not a date"):
        parse_date("2023-01-29 18:30:22 2024 -0800", LONDON)
