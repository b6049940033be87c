"""time_limit: a step past its budget is interrupted, even inside a backtracking regex."""

from __future__ import annotations

import re
import signal
import threading
import time

import pytest

from pressroom.budgets import OverBudgetError, time_limit

# (a+)+$ against a's then b: 2^40 ways to fail, hours of backtracking in one C call.
CATASTROPHIC = re.compile(r"(a+)+$")
HOPELESS = "a" * 40 + "b"


def test_a_backtracking_regex_is_interrupted_at_the_budget():
    started = time.monotonic()
    with pytest.raises(OverBudgetError) as raised, time_limit(0.2, "matching"):
        CATASTROPHIC.match(HOPELESS)
    assert raised.value.step == "matching"
    assert str(raised.value) == "matching took longer than its budget of 0.2 s"
    assert time.monotonic() - started < 20  # not the hours the match takes


def test_a_step_within_its_budget_runs_to_the_end_and_leaves_no_timer():
    with time_limit(5, "quick"):
        result = sum(range(1000))
    assert result == 499500
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def test_an_inner_budget_ends_first_and_the_outer_one_goes_on():
    with time_limit(10, "outer"):
        with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "inner"):
            CATASTROPHIC.match(HOPELESS)
        assert raised.value.step == "inner"
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 5 < remaining <= 10  # the outer deadline is armed again


def test_an_outer_budget_ending_inside_a_longer_inner_one_is_the_outer_ones():
    with pytest.raises(OverBudgetError) as raised, time_limit(0.1, "outer"), time_limit(60, "inner"):
        CATASTROPHIC.match(HOPELESS)
    assert raised.value.step == "outer"


def test_a_timer_set_before_is_put_back_less_the_time_spent():
    previous = signal.signal(signal.SIGALRM, lambda _signal, _frame: None)
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        with time_limit(1, "step"):
            time.sleep(0.05)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 29 < remaining < 29.96
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
