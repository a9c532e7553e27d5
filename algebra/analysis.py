"""One run on one structured network: the lifting operator A built once, its rank decided once.

An :class:`Analysis` holds what every question about a structured network (Definition 6.1's
identifiability, section 7's stability) shares: the network, the model M, the seed, the one
:class:`~algebra.budget.Budget` of the run, and -- computed on first use and kept -- the lifting
operator A (Corollary 5.2) and the ``lifting-rank`` decision. The deciders
(:func:`algebra.identifiability.identifiability_decision`,
:func:`algebra.stability.stability_decision`) take an Analysis, so A is never rebuilt and its
rank never recomputed within a run.

A is built with at most :func:`algebra.exact.max_dense_columns` non-zero columns: its exact
rank holds a dense integer matrix of them, so a larger A would be refused at the rank anyway --
refusing it before it is built makes a Python call bounded exactly like the command line.

Examples
--------
>>> from fractions import Fraction
>>> from algebra.network import Layer, MultilinearMap
>>> col = Layer(2, 1, 2, ((0, 0, 0, Fraction(1)), (1, 1, 0, Fraction(1))))
>>> row = Layer(1, 2, 2, ((0, 0, 0, Fraction(1)), (1, 0, 1, Fraction(1))))
>>> run = Analysis(MultilinearMap((col, row)))       # X = h_1 h_2^T: A is the identity
>>> run.rank().value, run.lifting() is run.lifting()
(4, True)
"""
from __future__ import annotations

import contextlib
import time
from typing import Callable, Iterator, TypeVar

from .budget import Budget
from .decision import Decision
from .errors import BudgetExceeded
from .exact import RANK_PHASE, lifting_rank_decision, max_dense_columns
from .lifting import LIFTING_PHASE, LiftingOperator, lifting_operator
from .limits import MAX_DENSE_CELLS
from .models import ModelCollection, full_model
from .network import MultilinearMap

__all__ = ["Analysis"]

T = TypeVar("T")


class Analysis:
    """A structured network, its model, a seed and the run's budget; A and its rank, once.

    Parameters
    ----------
    net : MultilinearMap
    model : ModelCollection, optional
        Default: the full model R^{S_1} x ... x R^{S_K}.
    seed : int
        Seed of every random choice of the run.
    budget : Budget, optional
        The run's budget (default :meth:`Budget.default`).

    Attributes
    ----------
    timings : dict
        Seconds spent in each phase run through :meth:`phase` (not part of any result: a
        certificate must not depend on the machine).
    """

    def __init__(self, net: MultilinearMap, model: ModelCollection | None = None, *, seed: int = 0,
                 budget: Budget | None = None):
        self.net = net
        self.model = model if model is not None else full_model(net)
        self.seed = seed
        self.budget = budget if budget is not None else Budget.default()
        self.timings: dict[str, float] = {}
        self._lifting: LiftingOperator | BudgetExceeded | None = None
        self._rank: Decision | None = None
        self._shared: dict[str, object] = {}

    @property
    def n_cols(self) -> int:
        """S_1 ... S_K, the number of columns of A."""
        n = 1
        for s in self.net.param_counts:
            n *= s
        return n

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[Budget]:
        """Announce a phase to the budget's progress sink and time it."""
        started = time.perf_counter()
        try:
            with self.budget.phase(name) as budget:
                yield budget
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + round(time.perf_counter() - started, 6)

    def lifting(self) -> LiftingOperator:
        """The lifting operator A (built on the first call; later calls return the same object).

        Raises
        ------
        BudgetExceeded
            A could not be built within the budget (every call raises the same exception).
        """
        if self._lifting is None:
            rows = self.net.shape[0] * self.net.shape[1]
            cap = max_dense_columns(rows)
            lowered = self.budget.max_columns is None or cap < self.budget.max_columns
            try:
                with self.phase(LIFTING_PHASE), self.budget.alarm(LIFTING_PHASE):
                    self._lifting = lifting_operator(self.net, self.budget.sub(LIFTING_PHASE, max_columns=cap))
            except BudgetExceeded as exc:
                self._lifting = exc
                if lowered and f"more than {cap} non-zero columns" in exc.message:
                    self._lifting = BudgetExceeded(
                        f"column budget lowered to {cap}: A has {rows} rows and its exact rank keeps a dense "
                        f"(columns x rows) integer matrix of at most {MAX_DENSE_CELLS} entries, but A has more "
                        f"than {cap} non-zero columns", phase=LIFTING_PHASE)
        if isinstance(self._lifting, BudgetExceeded):
            raise self._lifting
        return self._lifting

    def lifting_or_none(self) -> LiftingOperator | None:
        """A, or None when it could not be built within the budget."""
        try:
            return self.lifting()
        except BudgetExceeded:
            return None

    def rank(self) -> Decision:
        """The ``lifting-rank`` decision (:func:`algebra.exact.lifting_rank_decision`), once.

        ``inconclusive`` with the reason when A or its rank is beyond the budget.
        """
        if self._rank is None:
            try:
                A = self.lifting()
                with self.phase(RANK_PHASE) as budget, budget.alarm(RANK_PHASE):
                    self._rank = lifting_rank_decision(A, seed=self.seed, budget=budget)
            except BudgetExceeded as exc:
                self._rank = Decision("lifting-rank", "inconclusive", "The rank of the lifting operator A is not computed.",
                                      relies_on=("Corollary 5.2",), reason=exc.reason, seed=self.seed)
        return self._rank

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per run under ``name``: what several routes read (A restricted to the
        model's span, its modular rank) is computed by the first and kept for the others.

        Raises
        ------
        BudgetExceeded
            When ``compute`` raised it (every later call raises the same exception).

        >>> run = Analysis.__new__(Analysis); run._shared = {}
        >>> run.shared("x", lambda: [1]) is run.shared("x", lambda: [2])
        True
        """
        if name not in self._shared:
            try:
                self._shared[name] = compute()
            except BudgetExceeded as exc:
                self._shared[name] = exc
        value = self._shared[name]
        if isinstance(value, BudgetExceeded):
            raise value
        return value
