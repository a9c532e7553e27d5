"""argparse value types and the budget options shared by the subcommands (errors become one usage
line, exit 2)."""
from __future__ import annotations

import argparse
import math
import sys

from algebra.budget import Budget
from algebra.limits import DEFAULT_SECONDS, DEFAULT_WORK

__all__ = ["positive_int", "positive_seconds", "add_budget_options", "budget_from_args", "PhasePrinter"]


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
    """A progress sink that names each phase on stderr as it starts (``--quiet`` drops it)."""

    def __init__(self, command: str):
        self.command = command

    def phase_started(self, name: str, total: int | None) -> None:
        print(f"tensorlift {self.command}: {name} ...", file=sys.stderr, flush=True)

    def advanced(self, units: int) -> None:
        pass

    def phase_ended(self, name: str) -> None:
        pass
