"""The four questions about a convolutional network (paper, section 8), each decided once.

* ``lifting-rank`` -- rank A is the number of distinct (leaf, offset-sum) classes of valid index
  tuples (Proposition 8.2's argument, :mod:`graphs.conv_structure`), read off Algorithm 8.1.
* ``scattered`` -- Algorithm 8.1 / Definition 8.1: every entry of every y_f is 0 or 1.
* ``identifiable`` -- up to the path-wise equivalence {h} of section 8 (Theorem 8.4): proved
  when the topology is scattered, for parameters whose edge kernels are all non-zero; refuted
  otherwise by exact h, g with the same network action and a path p with P(h^p) != P(g^p),
  saying whether every edge kernel of the witness is non-zero.
* ``stable`` -- Theorem 8.4's bound when scattered (with Proposition 8.3's constants when there
  is a single path), refuted when the network is not identifiable.

Each function returns an :class:`algebra.decision.Decision` whose ``value`` and ``witness`` have
exactly the shape of the certificate's (``docs/certificate-format.md``) with Python values
(Fractions for rationals), and whose ``details`` carry what the certificate's canonical statement
names: the first collision (leaf, offset, count), the separating path's node names,
``all_kernels_nonzero``, K, S', N, ``one_path`` and the classes per leaf.

Every function takes the run's :class:`algebra.budget.Budget` and charges it as it goes; a
budget reached turns the decision (and those resting on it) into ``inconclusive`` with the
budget's message as the reason.

Examples
--------
>>> from algebra.budget import Budget
>>> from graphs.builders import paper_scattered_example, paper_unscattered_example
>>> [d.status for d in conv_decisions(paper_scattered_example(), Budget.unlimited())]
['proved', 'proved', 'proved', 'proved']
>>> d = decide_identifiable(paper_unscattered_example(), Budget.unlimited())
>>> d.status, d.details["path"], d.details["all_kernels_nonzero"]
('refuted', ['x', 'v1', 'r'], True)
"""
from __future__ import annotations

import math

from algebra.budget import Budget
from algebra.decision import Decision
from algebra.errors import BudgetExceeded, InternalError
from algebra.limits import MAX_SCATTER_ENTRIES

from .conv import ConvNetwork
from .conv_stability import THEOREM_8_4_FORMULA
from .conv_structure import find_nonidentifiability_witness
from .leaf_kernels import count_paths
from .scattering import scatter_pass

__all__ = ["decide_scattered", "decide_lifting_rank", "decide_identifiable", "decide_stable", "conv_decisions",
           "SECTION_8_ASSUMPTIONS", "WITNESS_PHASE"]

# The setting of section 8's identifiability statements.
SECTION_8_ASSUMPTIONS = {"field": "R", "equivalence": "{h} (section 8)", "model": "R^{S x K}"}
WITNESS_PHASE = "non-identifiability witness"
# The wall-clock safety net interrupts the witness search this long after the budget's deadline
# (its charges normally stop it at the deadline itself).
_ALARM_GRACE = 0.5


def decide_scattered(net: ConvNetwork, budget: Budget) -> Decision:
    """Algorithm 8.1 / Definition 8.1, with the per-leaf outputs as witness.

    The witness is ``{"outputs": {leaf: [[offset, count], ...]}}`` (non-zero entries, leaves by
    name) or ``{"recompute": True}`` beyond ``MAX_SCATTER_ENTRIES`` entries (the checker re-runs
    Algorithm 8.1 either way). ``details``: ``classes_per_leaf`` (distinct offset sums, by leaf
    name), ``n_valid`` (|I|), ``smallest_class``, ``n_collisions`` (entries above 1) and
    ``collision`` -- {leaf, offset, count} of the first leaf by name with an entry above 1, its
    largest entry and the smallest offset carrying it -- or None.

    >>> from graphs.builders import paper_unscattered_example
    >>> d = decide_scattered(paper_unscattered_example(), Budget.unlimited())
    >>> d.status, d.details["collision"], d.witness["outputs"]["x"][:3]
    ('refuted', {'leaf': 'x', 'offset': 4, 'count': 3}, [[2, 1], [3, 2], [4, 3]])
    """
    relies_on = ("Definition 8.1", "Algorithm 8.1")
    try:
        scatter = scatter_pass(net, budget=budget, max_entries=MAX_SCATTER_ENTRIES)
    except BudgetExceeded as exc:
        return Decision("scattered", "inconclusive", "Whether the topology is sufficiently scattered is not decided.",
                        relies_on=relies_on, reason=str(exc))
    witness = ({"recompute": True} if scatter.outputs is None
               else {"outputs": dict(sorted(scatter.outputs.items()))})
    collision = None
    if scatter.first_collision is not None:
        leaf, offset, count = scatter.first_collision
        collision = {"leaf": leaf, "offset": offset, "count": count}
    details = {"classes_per_leaf": dict(sorted(scatter.classes_per_leaf.items())), "n_valid": scatter.n_valid,
               "smallest_class": scatter.smallest_class, "n_collisions": scatter.n_collisions,
               "collision": collision}
    if scatter.scattered:
        statement = "The topology is sufficiently scattered: every entry of M_1(1)...M_K(1) is 0 or 1."
    else:
        statement = (f"The topology is not sufficiently scattered: leaf {collision['leaf']} reaches offset "
                     f"{collision['offset']} {collision['count']} times ({scatter.n_collisions} entries above 1).")
    return Decision("scattered", "proved" if scatter.scattered else "refuted", statement, relies_on=relies_on,
                    value=scatter.scattered, witness=witness, details=details)


def decide_lifting_rank(net: ConvNetwork, budget: Budget, scattered: Decision | None = None) -> Decision:
    """rank A = the number of distinct (leaf, offset-sum) classes = sum_f |supp y_f|.

    The proof (identical or disjoint column supports) is in :mod:`graphs.conv_structure`; the
    witness ``{"classes_per_leaf": {leaf: count}}`` is what a checker recomputes. ``scattered``
    (the decision of :func:`decide_scattered`) is reused when given: one pass of Algorithm 8.1.

    >>> from graphs.builders import paper_unscattered_example
    >>> decide_lifting_rank(paper_unscattered_example(), Budget.unlimited()).value
    5
    """
    scattered = scattered or decide_scattered(net, budget)
    relies_on = ("Corollary 5.2", "Proposition 8.2")
    if scattered.status == "inconclusive":
        return Decision("lifting-rank", "inconclusive", "The rank of the lifting operator A is not computed.",
                        relies_on=relies_on, reason=scattered.reason)
    classes = scattered.details["classes_per_leaf"]
    rank = sum(classes.values())
    return Decision(
        "lifting-rank", "proved",
        f"The lifting operator A has rank {rank}: the number of distinct (leaf, offset-sum) classes of valid paths.",
        relies_on=relies_on, value=rank, witness={"classes_per_leaf": dict(classes)},
        details={"classes_per_leaf": dict(classes), "n_valid": scattered.details["n_valid"],
                 "n_cols": math.prod(net.param_counts), "n_rows": net.N * net.N * len(net.leaves)})


def decide_identifiable(net: ConvNetwork, budget: Budget, scattered: Decision | None = None) -> Decision:
    """Identifiability up to {h} (Theorem 8.4).

    Scattered: ``proved`` for parameters whose edge kernels are all non-zero, witness
    ``{"from_claim": "scattered"}``. Not scattered: ``refuted`` with witness ``{"h", "g", "path"}``
    (Fractions; the separating path as edge indices, depth 1 first), and ``details``
    ``path`` (node names, leaf first), ``all_kernels_nonzero``, ``construction``. The witness
    search charges ``budget``; a wall-clock alarm backs the charges up.
    """
    scattered = scattered or decide_scattered(net, budget)
    if scattered.status == "inconclusive":
        return Decision("identifiable", "inconclusive", "Identifiability up to {h} is not decided.",
                        relies_on=("Theorem 8.4",), reason=scattered.reason)
    relies_on = ("Theorem 8.4", "Proposition 8.2", "scattered")
    if scattered.status == "proved":
        return Decision(
            "identifiable", "proved",
            "Algorithm 8.1 outputs only 0/1 entries (sufficiently scattered): the network is identifiable up to "
            "{h} for parameters whose edge kernels are all non-zero.",
            relies_on=relies_on, value=True, witness={"from_claim": "scattered"},
            assumptions={**SECTION_8_ASSUMPTIONS, "parameters": "every edge kernel non-zero"})
    try:
        with budget.alarm(WITNESS_PHASE, grace=_ALARM_GRACE):
            found = find_nonidentifiability_witness(net, budget=budget)
    except BudgetExceeded as exc:
        return Decision("identifiable", "inconclusive",
                        "Not scattered, so not identifiable by Theorem 8.4, but no exact counterexample was built.",
                        relies_on=("Theorem 8.4",), reason=str(exc))
    if found is None:
        raise InternalError(f"{net.name}: Algorithm 8.1 finds a collision but the witness search finds none")
    names = [found.path[0].source] + [e.target for e in found.path]  # leaf to root
    scope = ("every edge kernel of h and g is non-zero" if found.all_kernels_nonzero else
             "the witness has a zero edge kernel, so this refutes identifiability over all of "
             "R^{S x K} only, not for parameters whose kernels are all non-zero")
    return Decision(
        "identifiable", "refuted",
        f"Not sufficiently scattered: h and g have the same network action but P(h^p) != P(g^p) on the path "
        f"{' -> '.join(names)}, so their classes {{h}} differ; {scope}.",
        relies_on=relies_on, value=False,
        witness={"h": found.h, "g": found.g, "path": [e.index for e in reversed(found.path)]},
        assumptions=dict(SECTION_8_ASSUMPTIONS),
        details={"path": names, "all_kernels_nonzero": found.all_kernels_nonzero,
                 "construction": found.construction})


def decide_stable(net: ConvNetwork, budget: Budget, scattered: Decision | None = None,
                  identifiable: Decision | None = None) -> Decision:
    """Stable recovery (Theorem 8.4), resting on ``identifiable``.

    Proved when scattered: ``value`` = {K, S_prime, N, formula} plus ``proposition_8_3`` =
    (gamma, rho, sigma_min) = ("1", "inf", "sqrt(N)") when there is exactly one leaf-root path
    (Proposition 8.3); ``details`` K, S_prime, N, one_path. Refuted when not identifiable.

    >>> from graphs.builders import paper_scattered_example
    >>> decide_stable(paper_scattered_example(), Budget.unlimited()).value["proposition_8_3"]
    {'gamma': '1', 'rho': 'inf', 'sigma_min': 'sqrt(N)'}
    """
    scattered = scattered or decide_scattered(net, budget)
    identifiable = identifiable or decide_identifiable(net, budget, scattered)
    if identifiable.status == "inconclusive":
        return Decision("stable", "inconclusive", "Stability of the recovery is not decided.",
                        relies_on=("Theorem 8.4",), reason=identifiable.reason)
    if identifiable.status == "refuted":
        return Decision("stable", "refuted", "Stable recovery fails: the network is not identifiable.",
                        relies_on=("Theorem 8.4", "identifiable"), value=False, witness={"from_claim": "identifiable"})
    K, s_prime, N = net.K, net.S_prime, net.N
    one_path = count_paths(net) == 1
    value = {"K": K, "S_prime": s_prime, "N": N, "formula": THEOREM_8_4_FORMULA}
    relies_on = ("Theorem 8.4", "scattered")
    if one_path:
        value["proposition_8_3"] = {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}
        relies_on += ("Proposition 8.3",)
    return Decision(
        "stable", "proved",
        f"Stable recovery (Theorem 8.4): delta_p({{h*}}, {{h}}) <= 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N) "
        f"with K = {K}, S' = {s_prime}, N = {N}, whenever every edge kernel has sup-norm >= eps and "
        "delta + eta <= sqrt(N) eps^K / 2." + (" One path (Proposition 8.3): Ker A = {0}, deep-NSP constants "
                                               f"(1, +inf), sigma_min(A) = sqrt({N})." if one_path else ""),
        relies_on=relies_on, value=value, witness={"from_claim": "scattered"},
        assumptions={**SECTION_8_ASSUMPTIONS, "parameters": "||T_e(h)||_inf >= eps for every edge e",
                     "signal-to-noise": "delta + eta <= sqrt(N) eps^K / 2"},
        details={"K": K, "S_prime": s_prime, "N": N, "one_path": one_path})


def conv_decisions(net: ConvNetwork, budget: Budget) -> list[Decision]:
    """The four decisions in the certificate's order: lifting-rank, scattered, identifiable, stable
    (Algorithm 8.1 runs once)."""
    scattered = decide_scattered(net, budget)
    identifiable = decide_identifiable(net, budget, scattered)
    return [decide_lifting_rank(net, budget, scattered), scattered, identifiable,
            decide_stable(net, budget, scattered, identifiable)]
