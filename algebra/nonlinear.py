"""The non-linear identifiability routes together: a proof by an empty difference set, else a
refutation by a real algebraic counterexample, else the precise reason (Proposition 6.3).

:func:`nonlinear_identifiability` runs :func:`algebra.difference_set.difference_set_decision`
(``proved`` with a Macaulay certificate) and, unless it found the difference set empty over C,
:func:`algebra.real_witness.real_witness_decision` (``refuted`` with a real witness). When
neither decides, the :class:`algebra.undecided.Undecided` says both what is known over C and
what the real search did, in one line, e.g. "over C the tensors of flattening rank ≤ 2 in
Ker A ∩ W form a projective variety of dimension 1 (Gröbner basis modulo a random prime); no
real point found in 12 slices".

Examples
--------
Rank-one matrix sensing u vᵀ, u ∈ R³, v ∈ R⁴, from m = 9 < 2(3 + 4) − 4 random measurements:
not identifiable, with a real algebraic witness.

>>> import random
>>> from algebra.network import MultilinearMap
>>> from algebra.models import full_model
>>> from algebra.lifting import lifting_operator
>>> from algebra.budget import Budget
>>> rng = random.Random(1)
>>> l1 = {"rows": 1, "cols": 3, "params": 3, "entries": [[i, 0, i, 1] for i in range(3)]}
>>> l2 = {"rows": 3, "cols": 9, "params": 4,
...       "entries": [[j, i, c, rng.randint(-5, 5)] for c in range(9) for i in range(3) for j in range(4)]}
>>> net = MultilinearMap.from_spec({"layers": [l1, l2]})
>>> result = nonlinear_identifiability(net, full_model(net), lifting_operator(net), Budget(seconds=60), seed=0)
>>> result.status
'refuted'
"""
from __future__ import annotations

from .budget import Budget
from .decision import Decision
from .difference_set import difference_set_decision
from .lifting import LiftingOperator
from .models import ModelCollection
from .network import MultilinearMap
from .real_witness import real_witness_decision
from .undecided import Undecided

__all__ = ["nonlinear_identifiability"]


def nonlinear_identifiability(net: MultilinearMap, model: ModelCollection, A: LiftingOperator, budget: Budget,
                              seed: int) -> Decision | Undecided:
    """Route 1 (difference set, proofs), then route 2 (real witnesses, refutations).

    Parameters
    ----------
    net, model : the network and its model M = (M^L)
    A : its lifting operator (built once per run, never rebuilt here)
    budget : the run's budget, charged by both routes
    seed : every random choice derives from it (written into the result)

    Returns
    -------
    Decision (``proved`` or ``refuted``, witness in the certificate's shape) or Undecided.
    """
    first = difference_set_decision(net, model, A, budget, seed)
    if isinstance(first, Decision):
        return first
    if first.complex_dimension == -1:  # no zero over C at all: no real one to look for
        return first
    second = real_witness_decision(net, model, A, budget, seed, complex_dimension=first.complex_dimension)
    if isinstance(second, Decision):
        return second
    over_c = first.reason if first.complex_dimension is not None else f"difference set: {first.reason}"
    real = second.reason.split("; ", 1)[-1] if second.reason.startswith("over C") else second.reason
    return Undecided(f"{over_c}; {real}", first.complex_dimension, first.dimension_is_lower_bound,
                     second.slices_tried, {**first.details, **second.details})
