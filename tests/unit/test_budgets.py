"""time_limit: a step past its CPU-time budget is interrupted, even inside a backtracking regex."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import pytest

from pressroom import budgets
from pressroom.budgets import OverBudgetError, time_limit

# (a+)+$ against a's then b: 2^40 ways to fail, hours of backtracking in one C call.
CATASTROPHIC = re.compile(r"(a+)+$")
HOPELESS = "a" * 40 + "b"


def test_a_backtracking_regex_is_interrupted_at_the_budget():
    started = time.monotonic()
    with pytest.raises(OverBudgetError) as raised, time_limit(0.2, "matching"):
        CATASTROPHIC.match(HOPELESS)
    assert raised.value.step == "matching"
    assert str(raised.value) == "matching took more than its budget of 0.2 s of CPU time"
    assert time.monotonic() - started < 20  # not the hours the match takes


def test_a_step_within_its_budget_runs_to_the_end_and_leaves_no_timer():
    with time_limit(5, "quick"):
        result = sum(range(1000))
    assert result == 499500
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGPROF) is signal.SIG_DFL


def test_an_inner_budget_ends_first_and_the_outer_one_goes_on():
    with time_limit(10, "outer"):
        with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "inner"):
            CATASTROPHIC.match(HOPELESS)
        assert raised.value.step == "inner"
        remaining, _ = signal.getitimer(signal.ITIMER_PROF)
        assert 5 < remaining <= 10  # the outer deadline is armed again


def test_an_outer_budget_ending_inside_a_longer_inner_one_is_the_outer_ones():
    with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "outer"), time_limit(60, "inner"):
        CATASTROPHIC.match(HOPELESS)
    assert raised.value.step == "outer"


def test_a_timer_set_before_is_put_back_less_the_time_spent():
    previous = signal.signal(signal.SIGPROF, lambda _signal, _frame: None)
    try:
        signal.setitimer(signal.ITIMER_PROF, 30)
        with time_limit(1, "step"):
            _burn(0.05)
        remaining, _ = signal.getitimer(signal.ITIMER_PROF)
        assert 29 < remaining < 29.99  # CPU time is counted in ticks of a few milliseconds
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _burn(seconds: float) -> float:
    """Spend about `seconds` of CPU time; the CPU time spent."""
    started = time.process_time()
    while time.process_time() - started < seconds:
        pass
    return time.process_time() - started


def test_the_budget_is_cpu_time_so_waiting_does_not_spend_it():
    with time_limit(0.05, "waiting"):
        time.sleep(0.2)  # a budget of wall-clock time would have ended here
    with pytest.raises(OverBudgetError), time_limit(0.05, "working"):
        _burn(5)


def test_off_the_main_thread_the_block_runs_unbounded():
    outcome: list[str] = []

    def step() -> None:
        with time_limit(0.01, "in a thread"):
            time.sleep(0.1)
        outcome.append("finished")

    thread = threading.Thread(target=step)
    thread.start()
    thread.join()
    assert outcome == ["finished"]


class _SlowToCollect:
    def __del__(self) -> None:
        _burn(0.02)  # an exception raised here would be printed and dropped by Python


def test_an_interruption_due_inside_a_finaliser_comes_after_it_instead_of_being_lost(
    monkeypatch: pytest.MonkeyPatch,
):
    dropped: list[BaseException | None] = []  # what Python would print as "Exception ignored"
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: dropped.append(unraisable.exc_value))

    def collect_and_work() -> None:
        for _ in range(1_000):
            _SlowToCollect()  # half the budget is spent in __del__, half here
            _burn(0.02)

    with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "collecting"):
        collect_and_work()
    assert raised.value.step == "collecting"
    assert dropped == []


def test_a_limit_left_behind_by_an_interrupted_exit_does_not_outlive_its_block():
    def a_finished_step() -> FrameType:
        return sys._getframe()

    abandoned = budgets._Limit("a finished step", 0.01, deadline=0.0, owner=a_finished_step())
    budgets._active.append(abandoned)
    try:
        with time_limit(5, "the next step"):
            _burn(0.1)  # the abandoned limit's deadline has long passed
    finally:
        if abandoned in budgets._active:
            budgets._active.remove(abandoned)
    assert budgets._active == []


def test_an_interruption_due_inside_a_garbage_collector_callback_comes_after_it(
    monkeypatch: pytest.MonkeyPatch,
):
    import gc

    dropped: list[BaseException | None] = []  # what Python would print as "Exception ignored"
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: dropped.append(unraisable.exc_value))

    def slow_callback(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            _burn(0.05)  # an exception raised here would be printed and dropped by Python

    def collect_and_work() -> None:
        for _ in range(1_000):
            gc.collect()  # most of the budget is spent in the callback
            _burn(0.005)

    gc.callbacks.append(slow_callback)
    try:
        with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "collecting"):
            collect_and_work()
    finally:
        gc.callbacks.remove(slow_callback)
    assert raised.value.step == "collecting"
    assert dropped == []


def test_a_garbage_collector_callback_that_is_not_a_function_does_not_stop_the_interruption():
    import gc

    class Callback:  # an object with __call__, as some libraries register: it has no __code__
        def __call__(self, phase: str, info: dict[str, int]) -> None:
            pass

    callback = Callback()
    gc.callbacks.append(callback)
    try:
        with pytest.raises(OverBudgetError), time_limit(0.05, "working"):
            _burn(3)
    finally:
        gc.callbacks.remove(callback)


def test_work_deep_in_the_stack_is_interrupted_where_it_runs():
    finished: list[int] = []

    def deep(levels: int) -> None:
        if levels:
            deep(levels - 1)
        else:
            _burn(3)  # sixty times the budget
            finished.append(levels)

    with pytest.raises(OverBudgetError), time_limit(0.05, "deep work"):
        deep(20)
    assert finished == []


def test_an_over_budget_error_says_the_step_and_its_budget():
    error = OverBudgetError("highlighting a code block", 1.5)

    assert (error.step, error.seconds) == ("highlighting a code block", 1.5)
    assert str(error) == "highlighting a code block took more than its budget of 1.5 s of CPU time"


def test_a_step_is_interrupted_deep_in_a_program_and_at_its_top_alike():
    """Nothing is mistaken for a finaliser where the stack is shallow (a script's own loop): run
    here, deep in pytest's stack, and in a script of its own (which mutation testing sees only
    because this test also runs the step here)."""
    with pytest.raises(OverBudgetError), time_limit(0.05, "the loop"):
        _burn(3)
    script = (
        "from pressroom.budgets import OverBudgetError, time_limit\n"
        "try:\n"
        "    with time_limit(0.05, 'the loop'):\n"
        "        while True:\n"
        "            pass\n"
        "except OverBudgetError as error:\n"
        "    print(error.step)\n"
    )
    package_root = str(Path(budgets.__file__).parent.parent)  # where this pressroom is
    search_path = os.pathsep.join([package_root, os.environ.get("PYTHONPATH", "")])

    finished = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": search_path},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (finished.returncode, finished.stdout) == (0, "the loop\n")


def test_a_budget_under_a_second_interrupts_near_it_not_a_second_later():
    started = time.process_time()
    with pytest.raises(OverBudgetError), time_limit(0.05, "short"):
        _burn(3)
    assert time.process_time() - started < 0.5  # CPU time: the same on a slow machine as a fast one
