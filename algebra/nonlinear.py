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
X = u vᵀ, u ∈ R², v ∈ R³, from 5 measurements <B_c, u vᵀ>: Ker A is a line of 2 x 3 matrices,
all of rank ≤ 2, so route 1 cannot prove anything and route 2 finds a real counterexample.

>>> from fractions import Fraction
>>> from algebra.network import Layer, MultilinearMap
>>> from algebra.models import full_model
>>> from algebra.lifting import lifting_operator
>>> from algebra.budget import Budget
>>> B = {(j, i, c): Fraction((c + 1) * (i + 2) * (j + 3) % 7 - 3) for c in range(5) for i in range(2) for j in range(3)}
>>> net = MultilinearMap((Layer(1, 2, 2, ((0, 0, 0, Fraction(1)), (1, 0, 1, Fraction(1)))),
...                       Layer(2, 5, 3, tuple((j, i, c, v) for (j, i, c), v in sorted(B.items()) if v))))
>>> result = nonlinear_identifiability(net, full_model(net), lifting_operator(net), Budget(seconds=60), seed=0)
>>> result.status, net.evaluate(result.witness["h"]) == net.evaluate(result.witness["g"])
('refuted', True)
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
    second = real_witness_decision(net, model, A, budget, seed)
    if isinstance(second, Decision):
        return second
    over_c = first.reason if first.complex_dimension is not None else f"difference set: {first.reason}"
    return Undecided(f"{over_c}; {second.reason}", first.complex_dimension, first.dimension_is_lower_bound,
                     second.slices_tried, {**first.details, **second.details})
