"""argparse value types and the budget options shared by the subcommands (errors become one usage
line, exit 2)."""
from __future__ import annotations

import argparse
import math
import sys

from algebra.budget import Budget
from algebra.limits import DEFAULT_SECONDS, DEFAULT_WORK

__all__ = ["positive_int", "positive_seconds", "add_budget_options", "budget_from_args", "PhasePrinter",
           "progress_sink", "PROGRESS_DELAY"]

# A phase is drawn once it has run this long: the phases that take more than a second show, the
# many short ones of a small run stay silent.
PROGRESS_DELAY = 0.5


def positive_int(text: str) -> int:
    """An integer >= 1.

    >>> positive_int("3")
    3
    """
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds > 0.

    >>> positive_seconds("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds > 0, got {text!r}")
    return value


def add_budget_options(parser: argparse.ArgumentParser, max_columns: int) -> None:
    """``--max-columns``, ``--time-limit`` and ``--work``: the one budget of the run
    (:class:`algebra.budget.Budget`; defaults from :mod:`algebra.limits`)."""
    parser.add_argument("--max-columns", type=positive_int, default=max_columns, metavar="N",
                        help=f"budget: most non-zero columns of A to build (default {max_columns})")
    parser.add_argument("--time-limit", type=positive_seconds, default=DEFAULT_SECONDS, metavar="SECONDS",
                        help=f"budget: wall-clock seconds for the whole run (default {DEFAULT_SECONDS:g})")
    parser.add_argument("--work", type=positive_int, default=DEFAULT_WORK, metavar="UNITS",
                        help=f"budget: work units for the whole run, about a microsecond of exact arithmetic "
                             f"each; the same input stops at the same point on any machine (default {DEFAULT_WORK})")


def budget_from_args(args, progress=None) -> Budget:
    """The run's budget from the options of :func:`add_budget_options`."""
    return Budget(work=args.work, seconds=args.time_limit, max_columns=args.max_columns, progress=progress)


class PhasePrinter:
    """The progress sink of ``certify`` and ``rank`` on a terminal (:class:`algebra.budget.ProgressSink`).

    Each phase of the run's budget gets a ``tqdm`` line on ``stream``: the phase's name, the
    elapsed time and the work units charged so far, with a bar when the phase announces a total
    (the counterexample search: its work budget). A phase shorter than ``delay`` seconds is never
    drawn, so only the phases that take time show. Nested phases share one line: only the
    innermost one is drawn, and a finished phase clears its line.

    Examples
    --------
    >>> import io
    >>> class Terminal(io.StringIO):
    ...     def isatty(self): return True
    >>> out = Terminal()
    >>> sink = PhasePrinter("certify", stream=out, delay=0)
    >>> sink.phase_started("exact rank", None); sink.advanced(1500); sink.phase_ended("exact rank")
    >>> "tensorlift certify: exact rank" in out.getvalue()
    True
    """

    def __init__(self, command: str, *, stream=None, delay: float | None = None):
        self.command = command
        self.stream = stream if stream is not None else sys.stderr
        self.delay = PROGRESS_DELAY if delay is None else delay
        self._bars: list = []

    def phase_started(self, name: str, total: int | None) -> None:
        from tqdm import tqdm

        bar_format = ("{desc} {percentage:3.0f}%|{bar}| {elapsed} ({n_fmt}/{total_fmt} work units)" if total
                      else "{desc} {elapsed} ({n_fmt} work units)")
        self._bars.append(tqdm(total=total, desc=f"tensorlift {self.command}: {name}", file=self.stream,
                               delay=self.delay, leave=False, position=0, unit_scale=True, dynamic_ncols=True,
                               bar_format=bar_format))

    def advanced(self, units: int) -> None:
        if self._bars:
            self._bars[-1].update(units)

    def phase_ended(self, name: str) -> None:
        if self._bars:
            self._bars.pop().close()


def progress_sink(command: str, *, silent: bool = False, stream=None) -> PhasePrinter | None:
    """The run's progress sink: a :class:`PhasePrinter` when ``stream`` (default stderr) is a
    terminal and the run is not ``silent`` (``--json``, ``--quiet``); None -- no progress --
    otherwise, e.g. when stderr is piped to a file.

    >>> import io
    >>> progress_sink("rank", stream=io.StringIO()) is None       # not a terminal
    True
    """
    stream = stream if stream is not None else sys.stderr
    if silent or not stream.isatty():
        return None
    return PhasePrinter(command, stream=stream)
