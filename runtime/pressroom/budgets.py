"""Wall-clock budgets for work an upload decides the size of.

Some steps can take time out of all proportion to their input: a Pygments lexer that backtracks
on a few dozen characters, a Liquid loop, a pathological Markdown construct. `time_limit` bounds
such a step: past its budget the step is interrupted with `OverBudgetError`, and the caller shows a
plainer result or refuses the post, instead of running until the function times out and its
event is retried.

The interruption is a SIGALRM timer, which CPython checks between bytecodes and inside the
regular-expression engine, so it also stops a backtracking regex. Signals reach only the main
thread, where Lambda runs its handler and `pressroom build` its workers; called from any other
thread, `time_limit` does not interrupt, and the size caps each step also has are what bound it.

Limits nest: an inner limit never outlives the one around it. A timer set before the outermost
limit (by whatever else uses SIGALRM) is put back, less the time spent, when it ends.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

__all__ = ["OverBudgetError", "time_limit"]


class OverBudgetError(Exception):
    """A step ran past its time budget."""

    def __init__(self, step: str, seconds: float) -> None:
        super().__init__(f"{step} took longer than its budget of {seconds:g} s")
        self.step = step
        self.seconds = seconds


@dataclass(eq=False)
class _Limit:
    step: str
    seconds: float
    deadline: float


_active: list[_Limit] = []


def _on_alarm(_signal: int, _frame: FrameType | None) -> None:
    now = time.monotonic()
    expired = [limit for limit in _active if limit.deadline <= now]
    if not expired:
        _arm()  # woken early (a limit ended meanwhile): wait for the next deadline
        return
    outermost = expired[0]
    raise OverBudgetError(outermost.step, outermost.seconds)


def _arm() -> None:
    if not _active:
        signal.setitimer(signal.ITIMER_REAL, 0)
        return
    remaining = min(limit.deadline for limit in _active) - time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, max(remaining, 1e-4))


@contextmanager
def time_limit(seconds: float, step: str) -> Iterator[None]:
    """Run the block for at most `seconds` of wall-clock time; past it, raise OverBudgetError(step).

    Inside another limit, an OverBudgetError may be the outer one's (its `step` says which): a caller
    that catches it and goes on is interrupted again at once, until the outer block is left.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    started = time.monotonic()
    limit = _Limit(step, seconds, started + seconds)
    outermost = not _active
    if outermost:
        previous_handler = signal.signal(signal.SIGALRM, _on_alarm)
        previous_timer, _ = signal.getitimer(signal.ITIMER_REAL)
    _active.append(limit)
    try:
        _arm()
        yield
    finally:
        _active.remove(limit)
        _arm()
        if outermost:
            signal.signal(signal.SIGALRM, previous_handler)
            if previous_timer:
                elapsed = time.monotonic() - started
                signal.setitimer(signal.ITIMER_REAL, max(previous_timer - elapsed, 1e-4))
