"""CPU-time budgets for work an upload decides the size of.

Some steps can take time out of all proportion to their input: a Pygments lexer that backtracks
on a few dozen characters, a Liquid loop, a pathological Markdown construct. `time_limit` bounds
such a step: past its budget the step is interrupted with `OverBudgetError`, and the caller shows a
plainer result or refuses the post, instead of running until the function times out and its
event is retried.

Budgets count the process's CPU time, not the clock's: a post gets the same verdict on a busy
machine as on an idle one, and on a Lambda function whose memory buys it a fraction of a vCPU
(0.29 at 512 MB) the wall-clock time is the budget divided by that fraction (docs/limits.md).
The interruption is a SIGPROF timer, which CPython checks between bytecodes and inside the
regular-expression engine, so it also stops a backtracking regex. Signals reach only the main
thread, where Lambda runs its handler and `pressroom build` its workers; called from any other
thread, `time_limit` does not interrupt, and the size caps each step also has are what bound it.

Limits nest: an inner limit never outlives the one around it. A timer set before the outermost
limit (by whatever else uses SIGPROF) is put back, less the time spent, when it ends.
"""

from __future__ import annotations

import gc
import signal
import sys
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
        super().__init__(f"{step} took more than its budget of {seconds:g} s of CPU time")
        self.step = step
        self.seconds = seconds


@dataclass(eq=False)
class _Limit:
    step: str
    seconds: float
    deadline: float
    owner: FrameType | None  # the frame whose `with` holds the limit


_active: list[_Limit] = []
# Once a deadline has passed, the timer fires again every this many seconds of CPU time, so an
# interruption that lands where Python swallows exceptions (a garbage-collector callback, a
# `__del__`) is only put off, not lost.
_REPEAT_SECONDS = 0.05
_FINALISERS = ("__del__", "gc_callback", "_remove")


def _on_alarm(_signal: int, frame: FrameType | None) -> None:
    now = time.process_time()
    expired = [limit for limit in _active if limit.deadline <= now]
    if not expired:
        _arm()  # woken early (a limit ended meanwhile): wait for the next deadline
        return
    if _in_finaliser(frame):
        return  # raised here, the exception would be printed and dropped: the timer fires again
    outermost = expired[0]
    raise OverBudgetError(outermost.step, outermost.seconds)


def _in_finaliser(frame: FrameType | None) -> bool:
    callbacks = {getattr(callback, "__code__", None) for callback in gc.callbacks}
    for _ in range(8):
        if frame is None:
            return False
        if frame.f_code in callbacks or frame.f_code.co_name in _FINALISERS:
            return True
        frame = frame.f_back
    return False


def _arm() -> None:
    if not _active:
        signal.setitimer(signal.ITIMER_PROF, 0)
        return
    remaining = min(limit.deadline for limit in _active) - time.process_time()
    signal.setitimer(signal.ITIMER_PROF, max(remaining, 1e-4), _REPEAT_SECONDS)


def _on_stack(frame: FrameType | None, here: FrameType | None) -> bool:
    while here is not None:
        if here is frame:
            return True
        here = here.f_back
    return False


def _forget_abandoned(here: FrameType | None) -> None:
    """Drop limits whose `with` is no longer running: an interruption that landed while a limit was
    being left, before it was taken off the list, must not outlive it (in a warm Lambda container,
    it would interrupt every invocation after)."""
    _active[:] = [limit for limit in _active if _on_stack(limit.owner, here)]


@contextmanager
def time_limit(seconds: float, step: str) -> Iterator[None]:
    """Run the block for at most `seconds` of CPU time; past it, raise OverBudgetError(step).

    Inside another limit, an OverBudgetError may be the outer one's (its `step` says which): a caller
    that catches it and goes on is interrupted again at once, until the outer block is left.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    here = sys._getframe(1)
    _forget_abandoned(here)
    started = time.process_time()
    limit = _Limit(step, seconds, started + seconds, owner=sys._getframe(2))
    outermost = not _active
    if outermost:
        previous_handler = signal.signal(signal.SIGPROF, _on_alarm)
        previous_timer, _ = signal.getitimer(signal.ITIMER_PROF)
    _active.append(limit)
    try:
        _arm()
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGPROF})  # no interruption while leaving
        try:
            if limit in _active:
                _active.remove(limit)
            _arm()
            if outermost:
                signal.signal(signal.SIGPROF, signal.SIG_IGN)  # a timer signal still pending is dropped
                signal.signal(signal.SIGPROF, previous_handler)
                if previous_timer:
                    elapsed = time.process_time() - started
                    signal.setitimer(signal.ITIMER_PROF, max(previous_timer - elapsed, 1e-4))
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGPROF})
