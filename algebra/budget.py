"""One budget per run: work units that make a run reproducible, and a wall-clock safety net.

A :class:`Budget` is created once where a run starts (the command line or a Python call such as
:func:`certificates.certify.certify`) and handed down to every computation that can grow. Such a
computation asks the budget before it grows -- ``budget.charge(units, phase)`` -- and never keeps
a limit of its own; the limits and the measurements behind them live in :mod:`algebra.limits`.

* **Work units** are counted, not timed: one unit is roughly one microsecond of exact arithmetic
  on this project's reference machine (a 2-core x86_64; see :mod:`algebra.limits`). The same
  input and seed charge the same units on any machine, so a run stopped by its work budget stops
  at the same point, with the same verdict, everywhere.
* **The wall clock** is a safety net on top (a charge also looks at the clock; :meth:`Budget.alarm`
  interrupts a long pure-Python step in the main thread). A run stopped by it says so.
* **Sizes**: ``max_columns`` bounds the non-zero columns of the lifting operator A.

Reaching any limit raises :class:`algebra.errors.BudgetExceeded` naming the phase and the
limit; the deciders turn it into an ``inconclusive`` result with that message as the reason,
so the words are the same from the command line and from Python.

A child budget (:meth:`Budget.sub`) caps one phase (e.g. the counterexample search) inside the
run's budget: its charges count against both, and it stops at the earlier of the two limits.

Examples
--------
>>> b = Budget(work=100)
>>> b.charge(60, "exact rank")
>>> b.charge(60, "exact rank")
Traceback (most recent call last):
...
algebra.errors.BudgetExceeded: exact rank: work budget of 100 units reached
>>> search = Budget(work=1000).sub("witness search", work=10)
>>> search.charge(11, "witness search")
Traceback (most recent call last):
...
algebra.errors.BudgetExceeded: witness search: work budget of 10 units reached
"""
from __future__ import annotations

import contextlib
import signal
import threading
import time
from typing import Callable, Iterator, Protocol

from .errors import BudgetExceeded
from .limits import DEFAULT_MAX_COLUMNS, DEFAULT_SECONDS, DEFAULT_WORK

__all__ = ["Budget", "ProgressSink", "SILENT"]


class ProgressSink(Protocol):
    """Receives the phases of a run (the command line draws them on a terminal)."""

    def phase_started(self, name: str, total: int | None) -> None: ...

    def advanced(self, units: int) -> None: ...

    def phase_ended(self, name: str) -> None: ...


class _Silent:
    def phase_started(self, name: str, total: int | None) -> None:
        pass

    def advanced(self, units: int) -> None:
        pass

    def phase_ended(self, name: str) -> None:
        pass


SILENT: ProgressSink = _Silent()


class Budget:
    """Work units, a wall-clock deadline and size limits for one run (see the module docstring).

    Parameters
    ----------
    work : int or None
        Work units the run may charge (None: unlimited).
    seconds : float or None
        Wall-clock seconds from creation (None: unlimited).
    max_columns : int or None
        Most non-zero columns of the lifting operator A a computation may build.
    progress : ProgressSink, optional
        Told when phases start and end and how far they got.
    """

    def __init__(self, *, work: int | None = None, seconds: float | None = None,
                 max_columns: int | None = None, progress: ProgressSink | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.work = work
        self.seconds = seconds
        self.max_columns = max_columns
        self.progress = progress or SILENT
        self._clock = clock
        self._started = clock()
        self._parent: Budget | None = None
        self._deadline = None if seconds is None else self._started + seconds
        self._deadline_seconds = seconds  # the limit that set the deadline (for the message)
        self.used = 0

    # ------------------------------------------------------------------ construction
    @classmethod
    def unlimited(cls) -> "Budget":
        """No limit at all (tests, and callers that bound their inputs themselves)."""
        return cls()

    @classmethod
    def default(cls, **limits) -> "Budget":
        """The budget of a run that names none: :data:`~algebra.limits.DEFAULT_WORK` units,
        :data:`~algebra.limits.DEFAULT_SECONDS` seconds and :data:`~algebra.limits.DEFAULT_MAX_COLUMNS`
        columns -- the command line's defaults, so a Python call is bounded the same way.
        ``limits`` override some of them.

        >>> b = Budget.default(max_columns=10)
        >>> (b.work, b.seconds, b.max_columns)
        (300000000, 300.0, 10)
        """
        values = {"work": DEFAULT_WORK, "seconds": DEFAULT_SECONDS, "max_columns": DEFAULT_MAX_COLUMNS}
        values.update(limits)
        return cls(**values)

    def sub(self, phase: str, *, work: int | None = None, seconds: float | None = None,
            max_columns: int | None = None) -> "Budget":
        """A child budget for one phase, capped by its own limits and by this budget's.

        >>> parent = Budget(work=50, max_columns=100)
        >>> child = parent.sub("search", work=1000, max_columns=7)
        >>> child.charge(40, "search"); parent.used, child.max_columns
        (40, 7)
        """
        if max_columns is None or (self.max_columns is not None and self.max_columns < max_columns):
            max_columns = self.max_columns
        child = Budget(work=work, seconds=seconds, max_columns=max_columns, progress=self.progress,
                       clock=self._clock)
        child._parent = self
        if self._deadline is not None and (child._deadline is None or self._deadline < child._deadline):
            child._deadline, child._deadline_seconds = self._deadline, self._deadline_seconds
        return child

    # ------------------------------------------------------------------ accounting
    def charge(self, units: int, phase: str) -> None:
        """Count ``units`` of work done (or about to be done) in ``phase``; raise
        :class:`BudgetExceeded` when this budget or an enclosing one is spent, or its time is up."""
        budget: Budget | None = self
        while budget is not None:
            budget.used += units
            if budget.work is not None and budget.used > budget.work:
                raise BudgetExceeded(f"work budget of {budget.work} units reached", phase=phase)
            budget = budget._parent
        if units:
            self.progress.advanced(units)
        self.check(phase)

    def check(self, phase: str) -> None:
        """Raise :class:`BudgetExceeded` when the wall-clock deadline has passed."""
        if self._deadline is not None and self._clock() > self._deadline:
            raise BudgetExceeded(f"time limit of {self._deadline_seconds:g} s reached", phase=phase)

    def check_columns(self, n: int, phase: str) -> None:
        """Raise :class:`BudgetExceeded` when ``n`` non-zero columns of A exceed ``max_columns``."""
        if self.max_columns is not None and n > self.max_columns:
            raise BudgetExceeded(f"the lifting operator has more than {self.max_columns} non-zero columns "
                                 f"(--max-columns)", phase=phase)

    def remaining_seconds(self) -> float | None:
        """Seconds left before the deadline (None: no deadline)."""
        return None if self._deadline is None else self._deadline - self._clock()

    def remaining_work(self) -> int | None:
        """Units left before this budget or an enclosing one is spent (None: unlimited)."""
        left = None
        budget: Budget | None = self
        while budget is not None:
            if budget.work is not None:
                mine = budget.work - budget.used
                left = mine if left is None else min(left, mine)
            budget = budget._parent
        return left

    def elapsed(self) -> float:
        return self._clock() - self._started

    # ------------------------------------------------------------------ phases
    @contextlib.contextmanager
    def phase(self, name: str, total: int | None = None) -> Iterator["Budget"]:
        """Announce a phase to the progress sink (``total`` work units when countable)."""
        self.check(name)
        self.progress.phase_started(name, total)
        try:
            yield self
        finally:
            self.progress.phase_ended(name)

    @contextlib.contextmanager
    def alarm(self, phase: str, grace: float = 1.0) -> Iterator[None]:
        """Interrupt the block with :class:`BudgetExceeded` shortly after the deadline.

        The safety net for steps that cannot charge as they go (one long pure-Python call; a call
        into compiled code is interrupted only when it returns, so such calls are bounded by
        size first). Only in the main thread on POSIX; elsewhere the block runs unguarded (the
        charges still look at the clock). Alarms nest: an enclosing alarm is restored on exit.
        """
        left = self.remaining_seconds()
        usable = (left is not None and hasattr(signal, "setitimer")
                  and threading.current_thread() is threading.main_thread())
        if not usable:
            yield
            return
        seconds = self._deadline_seconds

        def _raise(signum, frame):
            raise BudgetExceeded(f"time limit of {seconds:g} s reached", phase=phase)

        wanted = max(left + grace, 0.001)
        old_handler = signal.getsignal(signal.SIGALRM)
        outer, _ = signal.getitimer(signal.ITIMER_REAL)  # seconds left on an enclosing alarm (0: none)
        if outer and outer < wanted:  # the enclosing alarm fires first: leave it alone
            yield
            return
        started = time.monotonic()
        signal.signal(signal.SIGALRM, _raise)
        signal.setitimer(signal.ITIMER_REAL, wanted)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
            if outer:  # restore the enclosing alarm with the time it has left
                signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 0.001))
