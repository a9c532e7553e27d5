"""One exception hierarchy for tensorlift.

Three kinds of failure, told apart by type, so the command line can map each to its own exit:

* :class:`SpecError` -- bad input (a spec field, an option value, an output path); the message
  has one shape, ``"<field>: <problem>"``, printed on one line with exit status 2;
* :class:`BudgetExceeded` -- a computation stopped by its :class:`algebra.budget.Budget`
  (work units, the wall clock or a size limit); deciders turn it into an ``inconclusive``
  result with the reason, so it reaches the user only from a command that has no such result;
* :class:`InternalError` -- a result that fails its own re-check, an impossible state: a bug
  of tensorlift, reported as "internal error, please report" with exit status 3.

Any other exception escaping a command is also a bug and is reported like an InternalError.
"""
from __future__ import annotations

__all__ = ["TensorliftError", "SpecError", "BudgetExceeded", "BackendUnavailable", "InternalError",
           "WitnessCheckFailed"]


class TensorliftError(Exception):
    """Root of every error raised on purpose by tensorlift."""


class SpecError(TensorliftError, ValueError):
    """Bad input: names the offending field and the problem (a ValueError for Python callers).

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
    """A computation reached its budget (work units, wall clock, or a size limit).

    ``phase`` names the computation that stopped (e.g. ``"witness search"``); the message says
    which limit was reached, in the same words from the command line and from Python.

    >>> str(BudgetExceeded("the lifting operator has more than 10 non-zero columns", phase="lifting operator"))
    'lifting operator: the lifting operator has more than 10 non-zero columns'
    """

    def __init__(self, message: str, *, phase: str | None = None):
        self.phase = phase
        self.message = message
        super().__init__(f"{phase}: {message}" if phase else message)

    @property
    def reason(self) -> str:
        """The reason an ``inconclusive`` result states: one wording for every caller.

        >>> BudgetExceeded("time limit of 2 s reached", phase="counterexample search").reason
        'budget reached: counterexample search: time limit of 2 s reached'
        """
        return f"budget reached: {self}"


class BackendUnavailable(TensorliftError):
    """An optional backend (python-flint, Singular, ...) is not installed."""


class InternalError(TensorliftError):
    """A result failed its own re-check, or a state that cannot happen happened: a bug."""


class WitnessCheckFailed(InternalError):
    """A rank witness failed its exact re-check (:func:`algebra.exact.check_rank_witness`)."""
