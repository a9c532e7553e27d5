"""The one budget of a run (algebra/budget.py): defaults, child budgets, the alarm safety net."""
from __future__ import annotations

import signal
import time

import pytest

from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from algebra.limits import DEFAULT_MAX_COLUMNS, DEFAULT_SECONDS, DEFAULT_WORK


def _spin(seconds: float) -> None:
    """A pure-Python step that never charges (what the alarm is for)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_the_default_budget_is_the_documented_one():
    b = Budget.default()
    assert (b.work, b.seconds, b.max_columns) == (DEFAULT_WORK, DEFAULT_SECONDS, DEFAULT_MAX_COLUMNS)
    assert Budget.default(work=5).work == 5


def test_a_child_takes_the_smaller_column_limit_and_charges_its_parent():
    parent = Budget(work=100, max_columns=50)
    assert parent.sub("x").max_columns == 50
    assert parent.sub("x", max_columns=7).max_columns == 7
    assert parent.sub("x", max_columns=70).max_columns == 50
    child = parent.sub("x", work=1000)
    child.charge(60, "x")
    with pytest.raises(BudgetExceeded, match="work budget of 100 units"):
        child.charge(60, "x")      # within the child's 1000, beyond the parent's 100


def test_a_child_stops_at_the_parents_deadline():
    child = Budget(seconds=0.05).sub("x", seconds=100)
    time.sleep(0.1)
    with pytest.raises(BudgetExceeded, match="time limit of 0.05 s"):
        child.check("x")


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_the_alarm_interrupts_a_step_that_cannot_charge():
    b = Budget(seconds=0.05)
    started = time.monotonic()
    with pytest.raises(BudgetExceeded, match="time limit of 0.05 s reached"):
        with b.alarm("spin"):
            _spin(10)
    assert time.monotonic() - started < 3      # the deadline plus the one-second grace


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs POSIX interval timers")
def test_alarms_nest_and_the_enclosing_one_is_restored():
    outer, inner = Budget(seconds=0.3), Budget(seconds=0.01)
    with pytest.raises(BudgetExceeded, match="time limit of 0.3 s"):
        with outer.alarm("outer"):
            with pytest.raises(BudgetExceeded, match="time limit of 0.01 s"):
                with inner.alarm("inner"):
                    _spin(10)
            assert signal.getitimer(signal.ITIMER_REAL)[0] > 0   # the outer alarm is armed again
            _spin(10)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_the_reason_has_one_wording():
    exc = BudgetExceeded("work budget of 5 units reached", phase="exact rank")
    assert exc.reason == "budget reached: exact rank: work budget of 5 units reached"
