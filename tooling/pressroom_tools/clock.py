"""The clock the tools run on, which they hand to the pipeline.

The system's clock, unless PRESSROOM_NOW names another time (`PRESSROOM_NOW=2031-01-01T00:00:00Z
make test` runs the suite as if it were then): the local stack passes the difference to every
function it runs, in this process or in a Lambda container, as PRESSROOM_CLOCK_OFFSET_SECONDS.
"""

from __future__ import annotations

import functools
import os
from datetime import datetime

from pressroom.clock import SystemClock

NOW_VARIABLE = "PRESSROOM_NOW"
OFFSET_VARIABLE = "PRESSROOM_CLOCK_OFFSET_SECONDS"  # what the functions read (pressroom.settings)


class ClockSettingError(ValueError):
    """PRESSROOM_NOW does not name a time."""


def clock_from_environment() -> SystemClock:
    """This process's clock: moved to PRESSROOM_NOW when it is set (once, when first asked)."""
    return _process_clock(os.environ.get(NOW_VARIABLE, ""))


@functools.cache
def _process_clock(raw: str) -> SystemClock:
    return clock_moved_to(raw)


def clock_moved_to(raw: str) -> SystemClock:
    """A clock that reads the time `raw` names now (the system's clock when `raw` is empty)."""
    if not raw:
        return SystemClock()
    try:
        instant = datetime.fromisoformat(raw)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ClockSettingError(
            f"{NOW_VARIABLE}={raw!r} is not a time with its zone, like 2031-01-01T00:00:00Z"
        )
    return SystemClock.moved_to(instant)


def offset_variable(clock: SystemClock) -> dict[str, str]:
    """The environment that puts a function on `clock`."""
    return {OFFSET_VARIABLE: repr(clock.offset.total_seconds())}
