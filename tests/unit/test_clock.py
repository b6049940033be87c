"""One clock: what the functions, the local stack and the tools read the time from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pressroom.clock import SystemClock
from pressroom.settings import NotifySettings, SettingsError, ValidateSettings
from pressroom_tools.clock import ClockSettingError, clock_moved_to, offset_variable

NEW_YEAR_2040 = datetime(2040, 1, 1, tzinfo=UTC)


def test_aclock_moved_to_a_date_reads_that_date_and_runs_on():
    clock = SystemClock.moved_to(NEW_YEAR_2040)

    first = clock.now()
    assert timedelta(0) <= first - NEW_YEAR_2040 < timedelta(seconds=5)
    assert clock.now() >= first
    assert first.utcoffset() == timedelta(0)


def test_a_date_without_a_zone_cannot_move_the_clock():
    with pytest.raises(ValueError, match="no time zone"):
        SystemClock.moved_to(datetime(2040, 1, 1))


def test_in_aws_a_function_reads_the_system_clock():
    settings = ValidateSettings.from_env({"EVENT_BUS_NAME": "bus"})

    assert settings.clock.offset == timedelta(0)
    assert abs(settings.clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_every_function_reads_the_offset_the_local_stack_gives_it():
    environment = {"TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:t", "POSTS_TABLE": "posts"}
    moved = NotifySettings.from_env({**environment, **offset_variable(SystemClock(timedelta(days=-3)))})

    assert moved.clock.offset == timedelta(days=-3)


def test_an_offset_that_is_not_a_number_is_named():
    with pytest.raises(SettingsError, match="PRESSROOM_CLOCK_OFFSET_SECONDS='soon'"):
        ValidateSettings.from_env({"EVENT_BUS_NAME": "bus", "PRESSROOM_CLOCK_OFFSET_SECONDS": "soon"})


def test_pressroom_now_moves_the_tools_clock():
    clock = clock_moved_to("2040-01-01T00:00:00Z")

    assert timedelta(0) <= clock.now() - NEW_YEAR_2040 < timedelta(seconds=5)
    assert clock_moved_to("").offset == timedelta(0)


@pytest.mark.parametrize("written", ["next tuesday", "2040-01-01T00:00:00", "2040-13-01T00:00:00Z"])
def test_pressroom_now_must_name_a_time_with_its_zone(written: str):
    with pytest.raises(ClockSettingError, match="like 2031-01-01T00:00:00Z"):
        clock_moved_to(written)
