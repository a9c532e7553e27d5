"""One exception hierarchy for tensorlift.

Every error a user can provoke with bad input is a :class:`SpecError` whose message has one
shape, ``"<field>: <problem>"``, so the command line can print it on one line and exit 2.
"""
from __future__ import annotations

__all__ = ["TensorliftError", "SpecError", "BudgetExceeded", "BackendUnavailable"]


class TensorliftError(Exception):
    """Root of every error raised on purpose by tensorlift."""


class SpecError(TensorliftError, ValueError):
    """Bad input: names the offending field and the problem.

    Examples
    --------
    >>> str(SpecError("layers[1].rows", "expected 3 (the cols of layer 0), got 4"))
    'layers[1].rows: expected 3 (the cols of layer 0), got 4'
    """

    def __init__(self, field: str, problem: str):
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


class BudgetExceeded(TensorliftError):
    """A computation would exceed a user-set or memory budget (e.g. ``--max-columns``)."""


class BackendUnavailable(TensorliftError):
    """An optional backend (python-flint, Singular, ...) is not installed."""
