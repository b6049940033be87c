"""The one clock the pipeline reads.

Stages are handed `now`; the handlers, `pressroom build`, the local stack and the CLI take it from
a Clock. In AWS that is the system clock. The local stack and the test suite can move it
(PRESSROOM_CLOCK_OFFSET_SECONDS, which every function reads), so the whole pipeline, in this process
or in Lambda containers, runs as if it were another date: nothing depends on the calendar year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, aware and in UTC."""
        ...


@dataclass(frozen=True)
class SystemClock:
    """The system's clock, moved by `offset` (zero in AWS)."""

    offset: timedelta = timedelta(0)

    @classmethod
    def moved_to(cls, instant: datetime) -> SystemClock:
        """A clock that reads `instant` now and runs on from there."""
        if instant.tzinfo is None:
            raise ValueError(f"{instant.isoformat()} has no time zone; say which (Z for UTC)")
        return cls(instant - datetime.now(UTC))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def timestamp(self) -> float:
        """Seconds since the epoch, as `time.time()` would say on this clock."""
        return self.now().timestamp()
