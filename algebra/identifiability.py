"""Identifiability of structured networks (paper, section 6): one decision, routes in order.

The question: is M = (M^L) identifiable (Definition 6.1), i.e. (Proposition 6.3, part 2)

    Ker(A) ∩ (P(M^L) − P(M^L')) ⊂ {0}   for all pieces L, L' ?

:func:`identifiability_decision` answers it with one :class:`~algebra.decision.Decision`
(question ``identifiable``) whose status is never overstated. It tries a list of **routes** in
order (:data:`ROUTES`); each returns a Decision (decided), or a reason to go on (a string the
final ``inconclusive`` reason quotes), or None (nothing to report). A further proof or
refutation route slots in as one more function in the list:

* **proved** -- :func:`kernel_trivial_route`: Ker A = {0} (rank A = S_1 ... S_K, from the
  ``lifting-rank`` decision; witness ``{"from_claim": "lifting-rank"}``).
  :func:`model_span_route`: A is injective on the linear span V of all P(M^L) (then
  Ker A ∩ (P(M^L) − P(M^L')) ⊂ Ker A ∩ V = {0}); witness: a basis of V and the rows of a
  non-singular square minor of A restricted to it (the index tuples themselves on an untied
  model; sums over the orbits of tied layers' index permutations otherwise).
  :func:`kernel_line_route`: Ker A ∩ V is a line spanned by a tensor with a flattening of
  rank ≥ 3 -- no P(h) − P(g) (flattening rank ≤ 2) lies on it (:func:`kernel_line_witness`).
* **refuted** -- :func:`counterexample_route`: an explicit pair h, g in the model with
  M_1(h_1)...M_K(h_K) = M_1(g_1)...M_K(g_K) and P(h) ≠ P(g), found by the constructive search
  below under its own capped budget and re-verified exactly (net.evaluate and exact
  non-equivalence). Theorem 6.5 is the reason such a pair must exist when 2 S' > rk(A) (noted,
  and in ``details``); ``refuted`` rests on the pair and Proposition 6.3 alone.
* **proved or refuted beyond linear arguments** -- :func:`nonlinear_route`, last
  (:mod:`algebra.nonlinear`): no non-zero tensor of Ker A ∩ W has every flattening of rank ≤ 2
  (witness ``difference_set``: a Macaulay certificate, emptiness over C hence over R), else a real
  counterexample h, g, rational or in Q(α) (witness ``field``, ``h``, ``g``, ``hints``).
* **inconclusive** -- otherwise, with the routes' reasons; when rk(A) ≥ dim J(P(M^L), P(M^L'))
  for all L, L' the reason adds "identifiable for almost every operator of this rank
  (Theorem 6.4)" -- a statement about generic operators, never a proof about this one.

The witnesses have the certificate's shapes (``docs/certificate-format.md``, witnesses
``from_claim``, ``model_span``, ``kernel_line`` and ``h``/``g``) with Python values.

Constructive witness search. First, Diracs: two admissible index tuples with proportional
columns of A (or a zero column) give a witness at once (section 6's two-path criterion, in
general form). Then (Theorem 6.5 made explicit): fix a layer k that is not tied, two
pieces L, L', random base points u ∈ M^L, v ∈ M^L' and solve, exactly over Q,

    A(P(u with x at layer k) − P(v with y at layer k)) = 0,   i.e.  [B_u | −B_v] (x; y) = 0,

where column i of B_u is vec(M_1(u_1)...M_k(e_i)...M_K(u_K)) (no lifting needed). The columns
of [B_u | −B_v] lie in the range of A, so a non-zero solution exists whenever
rk(A) < |T^L_k| + |T^L'_k| (e.g. 2 S_k on the full model). If y = 0 (or x = 0) the solution is a
rank-one tensor in Ker A; since the kernel is a subspace we shift: h = u with x + x' at k,
g = u with x' at k, for an x' with non-zero action. For a tie class {k1, k2} (h_k1 = h_k2) we use
x ⊗ x − y ⊗ y = (w ⊗ z + z ⊗ w) / 2 with x = (w + z)/2, y = (z − w)/2: for a fixed z the
condition is linear in w; z is random, or chosen in the common kernel of the bilinear forms of
a subset of rows (which settles real phase retrieval with N ≤ 2S − 2 measurements). Tie classes
of three or more layers are not searched. Last, for K = 2 without ties, kernel tensors of A on a
piece's box that have matrix rank ≤ 2 are factorised over Q into P(h) − P(g) -- complete when a
layer has at most 2 free parameters (every matrix then has rank ≤ 2).

Every step charges the run's :class:`~algebra.budget.Budget`; the search runs in a child budget
of :data:`~algebra.limits.SEARCH_WORK` units and :data:`~algebra.limits.SEARCH_SECONDS` seconds.

Examples
--------
The 2x2 matrix product (every entry a parameter) is not identifiable: H_1 C, C^{-1} H_2.

>>> from algebra.network import Layer, MultilinearMap
>>> full = Layer(2, 2, 4, tuple((2 * i + j, i, j, Fraction(1)) for i in range(2) for j in range(2)))
>>> net = MultilinearMap((full, full))
>>> d = identifiability_decision(net)
>>> d.status, d.relies_on
('refuted', ('Definition 6.1', 'Proposition 6.3'))
>>> h, g = d.witness["h"], d.witness["g"]
>>> net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g)
True
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence, Union

import numpy as np

from . import _qq
from .analysis import Analysis
from .budget import Budget
from .decision import Decision
from .dimensions import JoinDimension, join_dimensions
from .errors import BudgetExceeded, InternalError, SpecError
from .exact import check_rank_witness, lifting_rank_decision, matrix_rank_witness, modular_rank, rank_witness
from .lifting import LiftingOperator, lifting_operator
from .lifting_int import IntegerColumns
from .limits import (MAX_JOIN_WORK, MAX_SPAN_COORDINATES, MAX_SPAN_ENTRIES, NONLINEAR_SECONDS, SEARCH_MAX_CELLS,
                     SEARCH_MAX_PAIRS, SEARCH_MAX_TUPLES, SEARCH_MAX_UNKNOWNS, SEARCH_SECONDS, SEARCH_WORK)
from .modular import certifying_prime
from .models import LinearPiece, ModelCollection, full_model
from .network import MultilinearMap
from .nonlinear import nonlinear_identifiability
from .rational import count_text, fraction_to_str
from .real_witness import is_rational_witness
from .segre import are_equivalent

__all__ = [
    "identifiability_decision",
    "is_identifiable",
    "Route",
    "ROUTES",
    "kernel_trivial_route",
    "model_span_route",
    "kernel_line_route",
    "nonlinear_route",
    "kernel_line_dimension_allows",
    "counterexample_route",
    "refutation",
    "injectivity_witness",
    "kernel_line_witness",
    "find_nonidentifiability_witness",
    "verify_nonidentifiability_witness",
    "theorem_6_4_condition",
    "Theorem64",
    "theorem_6_4",
    "THEOREM_6_4_NOTE",
    "identifiability_assumptions",
    "as_model",
    "SEARCH_PHASE",
]

THEOREM_6_4_NOTE = "identifiable for almost every operator of this rank (Theorem 6.4)"
SEARCH_PHASE = "counterexample search"
NO_COUNTEREXAMPLE = ("the constructive witness search (every layer, random rational base points) found no "
                     "counterexample")

Params = list[list[Fraction]]
# A route: (the run, the lifting-rank decision) -> a Decision, a reason to go on, or None.
Route = Callable[[Analysis, Decision], Union[Decision, str, None]]


# ---------------------------------------------------------------------------- exact helpers
def as_model(model: ModelCollection | None, net: MultilinearMap) -> ModelCollection:
    """The model to decide on: ``model`` itself, or the full model of ``net`` when None.

    A spec's ``"model"`` field is read once, by its reader (``graphs.structured_spec``), never here.

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 1, 2, [(0, 0, 0, 1)])])
    >>> as_model(None, net).is_full
    True
    >>> as_model(ModelCollection((3,), [[(0, 1)]]), net)
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: model: made for parameter counts (3,), but the network has (2,)
    """
    if model is None:
        return full_model(net)
    if not isinstance(model, ModelCollection):
        raise TypeError(f"model: expected a ModelCollection or None, got {type(model).__name__} "
                        "(a spec's 'model' field is read by graphs.structured_spec.parse_model_spec)")
    if model.param_counts != tuple(net.param_counts):
        raise SpecError("model", f"made for parameter counts {model.param_counts}, but the network has "
                                 f"{tuple(net.param_counts)}")
    return model


def identifiability_assumptions(model_description: str, generic: bool = False) -> dict:
    """The assumptions every identifiability decision states: field, equivalence, model."""
    return {"field": "R (every computation exact over Q; rational proofs and witnesses hold over R)",
            "equivalence": "layer-wise classes <h> of section 3: h_k = λ_k g_k with ∏ λ_k = 1",
            "model": model_description,
            "genericity": ("Theorem 6.4 holds for almost every operator A of the given rank, not for a given A"
                           if generic else "none")}


def _span_size(model: ModelCollection) -> int | None:
    """dim span P(M) without enumerating it when M is one untied piece (the box's size), else None."""
    if model.n_pieces() == 1 and not model.has_ties:
        (piece,) = model.pieces()
        return math.prod(len(t) for t in piece.box())
    return None


def _model_span_groups(model: ModelCollection, limit: int | None = None,
                       budget: Budget | None = None) -> list[list[tuple[int, ...]]]:
    """A basis of span(∪_L P(M^L)): orbit sums of box tuples under permutations within tie classes.

    P(M^L) spans the tensors on the box T_1 x ... x T_K that are symmetric in the positions of
    each tie class (x ⊗ x spans the symmetric matrices); summing over pieces gives the span.
    """
    tied = [c for c in model.classes if len(c) > 1]
    seen: set[tuple[int, ...]] = set()
    groups: list[list[tuple[int, ...]]] = []
    for piece in model.pieces():
        for t in itertools.product(*piece.box()):
            if t in seen:
                continue
            orbit = {t}
            for cls in tied:
                new = set()
                for s in orbit:
                    vals = [s[k] for k in cls]
                    for perm in set(itertools.permutations(vals)):
                        s2 = list(s)
                        for k, v in zip(cls, perm):
                            s2[k] = v
                        new.add(tuple(s2))
                orbit = new
            if budget is not None:
                budget.charge(len(orbit), "model span")
            seen |= orbit
            groups.append(sorted(orbit))
            if limit is not None and len(groups) > limit:
                raise BudgetExceeded(f"the span of the model has more than {limit} dimensions", phase="model span")
    return sorted(groups)


def _span_columns(A: LiftingOperator, groups, budget: Budget | None = None) -> dict[int, dict[int, Fraction]]:
    """A restricted to the model span: column j is A applied to the sum of group j's unit tensors."""
    if A.n_rows * len(groups) > MAX_SPAN_ENTRIES:
        raise BudgetExceeded(f"A restricted to the model span is {A.n_rows} x {len(groups)} "
                             f"(> {MAX_SPAN_ENTRIES} entries)", phase="model span")
    cols: dict[int, dict[int, Fraction]] = {}
    for j, grp in enumerate(groups):
        acc: dict[int, Fraction] = {}
        for t in grp:
            col = A.columns.get(t, {})
            if budget is not None:
                budget.charge(len(col) + 1, "model span")
            for r, v in col.items():
                acc[r] = acc.get(r, 0) + v
        cols[j] = {r: v for r, v in acc.items() if v}
    return cols


def injectivity_witness(net: MultilinearMap, model: ModelCollection | None = None,
                        A: LiftingOperator | None = None, *, max_coordinates: int = MAX_SPAN_COORDINATES,
                        seed: int = 0, budget: Budget | None = None) -> dict | None:
    """A certificate that A is injective on span(∪_L P(M^L)), or None.

    Returns ``{"kind", "minor_rows", "minor_cols", "rank_witness"}``. ``minor_cols`` is a list
    of column groups (lists of index tuples): column j of the matrix A·B is the sum of A's
    columns over group j. On an untied model every group is one index tuple, so the columns are
    A's own. The square minor A·B[minor_rows, :] is non-singular. ``rank_witness`` is the
    :class:`algebra.exact.RankWitness` it comes from (checked with
    :func:`algebra.exact.check_rank_witness` before returning; keys are index tuples for
    ``"kernel-trivial"`` and group numbers otherwise). ``kind`` is ``"kernel-trivial"`` when the
    groups are all S_1...S_K index tuples (Ker A = {0}), else ``"injective-on-model-span"``.
    ``budget`` (default :meth:`Budget.default`) bounds building A (when not given) and the ranks.

    >>> from algebra.network import Layer, MultilinearMap
    >>> one = Fraction(1)
    >>> net = MultilinearMap((Layer(2, 1, 2, ((0, 0, 0, one), (1, 0, 0, one), (1, 1, 0, one))),))
    >>> w = injectivity_witness(net)
    >>> w["kind"], w["minor_rows"], w["minor_cols"]
    ('kernel-trivial', [0, 1], [[(0,)], [(1,)]])
    """
    budget = budget if budget is not None else Budget.default()
    model = as_model(model, net)
    A = A if A is not None else lifting_operator(net, budget)
    groups = _model_span_groups(model, max_coordinates, budget)
    if len(groups) > A.n_rows:  # more unknowns than equations: A cannot be injective there
        return None
    if len(groups) == A.n_cols:  # every index tuple: is Ker A = {0}?
        if len(A.columns) < A.n_cols:
            return None  # a zero column is a kernel vector
        w = rank_witness(A, seed=seed, budget=budget)
        if w.rank < A.n_cols:
            return None
        check_rank_witness(A, w)
        return {"kind": "kernel-trivial", "minor_rows": list(w.minor_rows),
                "minor_cols": [[t] for t in w.minor_cols], "rank_witness": w}
    cols = _span_columns(A, groups, budget)
    if any(not c for c in cols.values()):
        return None
    w = matrix_rank_witness(cols, A.n_rows, seed=seed, budget=budget)
    if w.rank < len(groups):
        return None
    check_rank_witness(cols, w)
    return {"kind": "injective-on-model-span", "minor_rows": list(w.minor_rows),
            "minor_cols": [groups[j] for j in w.minor_cols], "rank_witness": w}


def kernel_line_witness(net: MultilinearMap, model: ModelCollection | None = None,
                        A: LiftingOperator | None = None, *, max_coordinates: int = MAX_SPAN_COORDINATES,
                        seed: int = 0, budget: Budget | None = None) -> dict | None:
    """Proof of identifiability when Ker A ∩ V is a line spanned by a tensor of high rank.

    V is the span of P(M) (as in :func:`injectivity_witness`). Every T = P(h) − P(g) is a sum
    of two rank-one tensors, so each flattening (layer k against the others) of T has matrix
    rank ≤ 2. If Ker A ∩ V = span{T₀} and some flattening of T₀ has rank ≥ 3, the only element
    of Ker A ∩ (P(M^L) − P(M^L')) is 0: (6.2) holds (Proposition 6.3).

    Returns ``{"kind": "kernel-line-high-rank", "kernel_vector": [(index tuple, Fraction), ...],
    "groups": [...], "rank_witness": RankWitness of A·B (rank = #groups − 1),
    "flattening_layer": k (0-based), "flattening_minor": (row indices i_k, column index tuples of
    the other layers)}`` with a non-singular 3 x 3 minor of the flattening, or None.
    ``budget`` (default :meth:`Budget.default`) bounds building A (when not given) and the ranks.
    No kernel is built unless A·B's modular rank (:func:`algebra.exact.modular_rank`) leaves room
    for exactly a line; then one kernel vector is, so memory stays bounded by A·B.

    Examples
    --------
    X = a ⊗ b read through a 8 x 9 operator with a one-dimensional kernel spanned by the
    identity matrix (rank 3): identifiable.

    >>> from algebra.network import Layer, MultilinearMap
    >>> rows = [[(0, 0), (1, 1)], [(1, 1), (2, 2)]] + [[(i, j)] for i in range(3) for j in range(3) if i != j]
    >>> l1 = Layer(1, 3, 3, tuple((i, 0, i, Fraction(1)) for i in range(3)))
    >>> l2 = Layer(3, 8, 3, tuple(sorted((j, i, c, Fraction((-1) ** n))
    ...                                  for c, r in enumerate(rows) for n, (i, j) in enumerate(r))))
    >>> w = kernel_line_witness(MultilinearMap((l1, l2)))
    >>> w["kind"], w["kernel_vector"]
    ('kernel-line-high-rank', [((0, 0), Fraction(1, 1)), ((1, 1), Fraction(1, 1)), ((2, 2), Fraction(1, 1))])
    """
    budget = budget if budget is not None else Budget.default()
    model = as_model(model, net)
    A = A if A is not None else lifting_operator(net, budget)
    groups = _model_span_groups(model, max_coordinates, budget)
    if len(groups) > A.n_rows + 1:  # rank(A·B) <= rows: Ker(A·B) has dimension >= 2, not a line
        return None
    return _kernel_line(net.K, A, _span_operator(A, groups, seed, budget), seed, budget)


@dataclass(frozen=True)
class _SpanOperator:
    """A·B: A restricted to span P(M) (column j is A applied to the sum of group j's unit tensors),
    with ``rank_lower``, its rank modulo the first prime of :func:`algebra.exact.rank_witness` -- a
    proved lower bound on its rank over Q, computed before any kernel."""

    groups: list
    columns: dict
    rank_lower: int

    @property
    def nonzero(self) -> dict:
        return {j: c for j, c in self.columns.items() if c}


def _span_operator(A: LiftingOperator, groups: list, seed: int, budget: Budget) -> _SpanOperator:
    cols = _span_columns(A, groups, budget)
    nonzero = {j: c for j, c in cols.items() if c}
    return _SpanOperator(groups, cols, modular_rank(nonzero, A.n_rows, seed=seed, budget=budget))


def _kernel_line(K: int, A: LiftingOperator, span: _SpanOperator, seed: int, budget: Budget) -> dict | None:
    """:func:`kernel_line_witness` on A·B. dim Ker(A·B) <= #groups − ``rank_lower``: when that is
    0, or 2 or more (then, but for an unlucky prime, Ker(A·B) is not a line), no kernel is built;
    otherwise one right-kernel vector is."""
    groups = span.groups
    if len(groups) - span.rank_lower != 1:
        return None
    zero = [j for j, c in span.columns.items() if not c]
    nonzero = span.nonzero
    w = matrix_rank_witness(nonzero, A.n_rows, seed=seed, side="right", budget=budget) if nonzero else None
    rank = w.rank if w else 0
    if len(groups) - rank != 1:
        return None
    if w:
        check_rank_witness(nonzero, w)
    if zero:
        coeffs = {zero[0]: Fraction(1)}
    else:
        coeffs = dict(w.kernel[0])
    T: dict[tuple[int, ...], Fraction] = {}
    for j, c in coeffs.items():
        for t in groups[j]:
            T[t] = T.get(t, 0) + c
    T = {t: v for t, v in sorted(T.items()) if v}
    if A.apply(T):
        raise InternalError("kernel_line_witness: the kernel vector is not in Ker A")
    for k in range(K):
        row_keys = sorted({t[k] for t in T})
        col_keys = sorted({t[:k] + t[k + 1:] for t in T})
        if len(row_keys) < 3 or len(col_keys) < 3:
            continue
        budget.charge(len(row_keys) * len(col_keys), "kernel line")
        M = [[T.get(ck[:k] + (rk,) + ck[k:], Fraction(0)) for ck in col_keys] for rk in row_keys]
        with budget.alarm("kernel line"):
            rows = _qq.independent_rows(M, len(col_keys))
        if len(rows) < 3:
            continue
        sub = [M[r] for r in rows[:3]]
        cidx = _qq.independent_rows([list(c) for c in zip(*sub)], 3)[:3]
        minor = [[sub[i][c] for c in cidx] for i in range(3)]
        if _qq.determinant(minor) == 0:
            raise InternalError("kernel_line_witness: the flattening minor is singular")
        return {"kind": "kernel-line-high-rank", "kernel_vector": sorted(T.items()), "groups": groups,
                "rank_witness": w,
                "flattening_layer": k,
                "flattening_minor": ([row_keys[r] for r in rows[:3]], [col_keys[c] for c in cidx])}
    return None


# ---------------------------------------------------------------------------- witness search
def _vec(net: MultilinearMap, h: Params) -> list[Fraction]:
    m, n = net.shape
    out = [Fraction(0)] * (m * n)
    for r, row in net.evaluate_sparse(h).items():
        for c, v in row.items():
            out[r * n + c] = v
    return out


def _with(h: Params, layers: Sequence[int], x: Sequence) -> Params:
    out = [list(hk) for hk in h]
    for k in layers:
        out[k] = [Fraction(v) for v in x]
    return out


def _lift(support: Sequence[int], coords: Sequence, S: int) -> list[Fraction]:
    x = [Fraction(0)] * S
    for i, v in zip(support, coords):
        x[i] = Fraction(v)
    return x


def verify_nonidentifiability_witness(net: MultilinearMap, model: ModelCollection, h: Params, g: Params) -> bool:
    """Exact re-check: h, g in the model, all layers non-zero, equal products, P(h) ≠ P(g)."""
    h = net.check_params(h)
    g = net.check_params(g)
    return (model.contains(h) and model.contains(g)
            and all(any(x) for x in h) and all(any(x) for x in g)
            and net.evaluate(h) == net.evaluate(g)
            and not are_equivalent(h, g))


def _combos(basis: list[list[Fraction]], rng: random.Random, extra: int = 3):
    yield from basis
    for _ in range(extra if len(basis) > 1 else 0):
        coeffs = [Fraction(rng.randint(1, 5)) for _ in basis]
        yield [sum(c * b[i] for c, b in zip(coeffs, basis)) for i in range(len(basis[0]))]


def _evaluation_units(net: MultilinearMap) -> int:
    """Work units of one exact product M_1(h_1)...M_K(h_K), ~4 us per Fraction multiply-add:
    building the factors, then each sparse product, whose cost is at most the non-zeros of the
    partial product times the non-zeros per row of the next factor (measured: 35 ms for four
    dense-ish 12 x 12 factors, 4.5 ms for the sparse 16 x 32 x 64 x 128 Haar packet tree)."""
    ops = sum(len(layer.entries) + layer.params for layer in net.layers)
    first = net.layers[0]
    nonzero = min(first.rows * first.cols, len(first.entries))
    for layer in net.layers[1:]:
        per_row = min(layer.cols, -(-len(layer.entries) // layer.rows))
        ops += nonzero * per_row
        nonzero = min(net.shape[0] * layer.cols, nonzero * per_row)
    return 4 * ops


def _solve_units(unknowns: int, equations: int) -> int:
    """Work units of one exact nullspace (Fractions to flint, then fraction-free elimination)."""
    cells = unknowns * equations
    return cells + cells * min(unknowns, equations) // 200


class _SizeCaps:
    """The size caps of the search's exact steps: a step over them is skipped and counted (its
    dense system would not fit); time and work are the budget's. ``max_unknowns`` None: no caps."""

    def __init__(self, max_unknowns: int | None):
        self.max_unknowns = max_unknowns
        self.skipped = 0
        self.largest_skipped = 0

    def _skip(self, size: int) -> bool:
        self.skipped += 1
        self.largest_skipped = max(self.largest_skipped, size)
        return False

    def allows_tuples(self, n_tuples: int) -> bool:
        if self.max_unknowns is not None and n_tuples > SEARCH_MAX_TUPLES:
            return self._skip(n_tuples)
        return True

    def allows(self, unknowns: int, equations: int = 1) -> bool:
        if self.max_unknowns is not None and (unknowns > self.max_unknowns
                                              or unknowns * equations > SEARCH_MAX_CELLS):
            return self._skip(unknowns)
        return True


class _WitnessSearch:
    """The constructive search of the module docstring for one network and model, charging
    ``budget`` (phase :data:`SEARCH_PHASE`) before every step that grows."""

    def __init__(self, net: MultilinearMap, model: ModelCollection, A: LiftingOperator | None, seed: int,
                 budget: Budget, caps: _SizeCaps, info: dict):
        self.net, self.model, self.A = net, model, A
        self.rng = random.Random(seed)
        self.budget = budget
        self.caps = caps
        self.info = info
        self.eval_units = _evaluation_units(net)

    def charge(self, units: int) -> None:
        self.budget.charge(units, SEARCH_PHASE)

    def vec(self, h: Params) -> list[Fraction]:
        self.charge(self.eval_units)
        return _vec(self.net, h)

    def verify(self, h: Params, g: Params) -> bool:
        self.charge(2 * self.eval_units)
        return verify_nonidentifiability_witness(self.net, self.model, h, g)

    def nullspace(self, rows: list[list[Fraction]], n: int) -> list[list[Fraction]]:
        self.charge(_solve_units(n, len(rows)))
        with self.budget.alarm(SEARCH_PHASE):
            return _qq.nullspace(rows, n)

    def run(self, tries: int, max_pairs: int) -> tuple[Params, Params] | None:
        net, model, info = self.net, self.model, self.info
        pieces = list(model.pieces())
        pairs = list(itertools.combinations_with_replacement(range(len(pieces)), 2))[:max_pairs]
        untied = [c[0] for c in model.classes if len(c) == 1]
        pairs_tied = [c for c in model.classes if len(c) == 2]
        scan_tuples = self.A is not None and self.caps.allows_tuples(math.prod(net.param_counts))
        found = self.dirac_collisions() if scan_tuples else None
        if found:
            info["dirac"] = True
            return found
        for _ in range(tries):
            for i, j in pairs:
                for k in untied:
                    found = self.untied(pieces[i], pieces[j], k)
                    if found:
                        info["layer"] = k
                        info["pieces"] = (pieces[i].supports, pieces[j].supports)
                        return found
            for piece in pieces:
                for cls in pairs_tied:
                    found = self.tied_pair(piece, cls)
                    if found:
                        info["tied_layers"] = cls
                        return found
        if net.K == 2 and not model.has_ties:
            for piece in pieces:
                found = self.kernel_rank2(piece)
                if found:
                    info["kernel_rank2"] = piece.supports
                    return found
        found = self.zero_columns() if scan_tuples else None
        if found:
            info["zero_column"] = True
            return found
        if self.caps.skipped:
            raise BudgetExceeded(
                f"no witness found, and the search skipped {self.caps.skipped} step(s) over its size caps "
                f"({self.caps.max_unknowns} unknowns and {SEARCH_MAX_CELLS} entries per linear system, "
                f"{SEARCH_MAX_TUPLES} index tuples; largest skipped: {self.caps.largest_skipped})", phase=SEARCH_PHASE)
        return None

    # -------------------------------------------------------------- shifting kernel tensors
    def shifted(self, base: Params, k: int, x: list[Fraction], support: Sequence[int]) -> tuple[Params, Params]:
        """x ≠ 0 with A P(base with x at k) = 0: return (base with x + x', base with x') of equal action."""
        S = len(x)
        for i in support:
            e = _lift([i], [1], S)
            if any(self.vec(_with(base, [k], e))):
                c = Fraction(2) if x[i] == -1 and all(v == 0 for j, v in enumerate(x) if j != i) else Fraction(1)
                xp = [c * v for v in e]
                return _with(base, [k], [a + b for a, b in zip(x, xp)]), _with(base, [k], xp)
        return _with(base, [k], [2 * v for v in x]), _with(base, [k], x)

    def candidates(self, u, v, k, x, y, supp_u, supp_v):
        nx, ny = any(x), any(y)
        if nx and ny:
            h, g = _with(u, [k], x), _with(v, [k], y)
            if any(self.vec(h)):
                yield h, g
        if nx and not any(self.vec(_with(u, [k], x))):
            yield self.shifted(u, k, x, supp_u)
        if ny and not any(self.vec(_with(v, [k], y))):
            yield self.shifted(v, k, y, supp_v)
        if nx and ny:
            yield _with(u, [k], x), _with(v, [k], y)

    # -------------------------------------------------------------- the steps
    def untied(self, a: LinearPiece, b: LinearPiece, k: int):
        net, rng = self.net, self.rng
        u = a.random_point(rng)
        v = b.random_point(rng)
        Tu, Tv = a.supports[k], b.supports[k]
        S = net.param_counts[k]
        if not self.caps.allows(len(Tu) + len(Tv), math.prod(net.shape)):
            return None
        cols = [self.vec(_with(u, [k], _lift([i], [1], S))) for i in Tu]
        cols += [[-z for z in self.vec(_with(v, [k], _lift([i], [1], S)))] for i in Tv]
        rows = [list(r) for r in zip(*cols)] if cols else []
        basis = self.nullspace(rows, len(cols))
        self.info["largest_system"] = max(self.info.get("largest_system", 0), len(cols))
        for z in _combos(basis, rng):
            x = _lift(Tu, z[:len(Tu)], S)
            y = _lift(Tv, z[len(Tu):], S)
            for h, g in self.candidates(u, v, k, x, y, Tu, Tv):
                if self.verify(h, g):
                    return h, g
        return None

    def tied_pair(self, a: LinearPiece, cls: tuple[int, int], max_subsets: int = 2000):
        """Tie class {k1, k2}: find x ≠ ±y with A(P(.., x, .., x, ..) − P(.., y, .., y, ..)) = 0.

        With x = (w + z)/2, y = (z − w)/2 the difference is (w ⊗ z + z ⊗ w)/2 at (k1, k2), so
        row r of the condition is the bilinear form Σ_ij w_i z_j C_r[i][j] = 0 (C_r symmetric).
        For fixed z it is linear in w. z is tried (1) at random, then (2) in the common kernel of
        the forms C_r of a subset J of rows (which kills those rows for every w) -- the classical
        construction for real phase retrieval with N ≤ 2S − 2 measurements, where C_r = a_r a_rᵀ.
        """
        net, rng = self.net, self.rng
        u = a.random_point(rng)
        T = a.supports[cls[0]]
        S = net.param_counts[cls[0]]
        d = len(T)
        k1, k2 = cls
        if not self.caps.allows(d * d, math.prod(net.shape)):
            return None
        E = {}
        for i in range(d):
            for j in range(d):
                E[i, j] = self.vec(_with(_with(u, [k1], _lift([T[i]], [1], S)), [k2], _lift([T[j]], [1], S)))
        n_rows = len(E[0, 0]) if d else 0
        C = [[[E[i, j][r] + E[j, i][r] for j in range(d)] for i in range(d)] for r in range(n_rows)]
        live = [r for r in range(n_rows) if any(any(row) for row in C[r])]

        def attempt(zc):
            z = _lift(T, zc, S)
            self.charge(len(live) * d * d)
            rows = [[sum(C[r][i][j] * zc[j] for j in range(d)) for i in range(d)] for r in live]
            for wc in _combos(self.nullspace(rows, d), rng):
                w = _lift(T, wc, S)
                x = [(p + q) / 2 for p, q in zip(w, z)]
                y = [(q - p) / 2 for p, q in zip(w, z)]
                h, g = _with(u, cls, x), _with(u, cls, y)
                if self.verify(h, g):
                    return h, g
            return None

        found = attempt([Fraction(rng.choice([-1, 1]) * rng.randint(1, 9)) for _ in range(d)])
        if found:
            return found
        tried = 0
        for size in range(1, len(live)):
            for J in itertools.combinations(live, size):
                tried += 1
                if tried > max_subsets:
                    return None
                constraints = [C[r][i] for r in J for i in range(d)]
                Z = self.nullspace(constraints, d)
                if not Z:
                    continue
                coeffs = [Fraction(rng.randint(1, 5)) for _ in Z]
                zc = [sum(c * v[i] for c, v in zip(coeffs, Z)) for i in range(d)]
                found = attempt(zc)
                if found:
                    return found
        return None

    def _admissible(self):
        pieces = list(self.model.pieces())
        tied = [c for c in self.model.classes if len(c) > 1]

        def admissible(t):
            if any(len({t[k] for k in cls}) > 1 for cls in tied):
                return False
            return any(all(i in supp for i, supp in zip(t, p.supports)) for p in pieces)
        return admissible

    def dirac_collisions(self):
        """Two index tuples t ≠ t' whose columns of A are proportional, A e_t = c A e_t' (c ≠ 0),
        with t in the box of a piece M^L and t' in the box of a piece M^L': the Diracs
        h = (e_{t_1}, ..., e_{t_K}) and g = (c e_{t'_1}, e_{t'_2}, ...) have equal products and
        P(h) = e_t ≠ c e_t' = P(g). (The structured analogue of section 6's two-path criterion.)
        Zero columns are :meth:`zero_columns`' job (tried last: their witnesses are degenerate).
        Tied layers need equal indices at their positions (a Dirac x = e_i gives x ⊗ x = e_(i,i)).
        """
        net, model = self.net, self.model
        admissible = self._admissible()

        def dirac(t, scale=Fraction(1)):
            h = [_lift([i], [1], s) for i, s in zip(t, net.param_counts)]
            # scale a layer that is not tied (or, with every layer tied, no exact scaling exists)
            k = next((c[0] for c in model.classes if len(c) == 1), None)
            if scale != 1:
                if k is None:
                    return None
                h[k] = [scale * x for x in h[k]]
            return h

        for members in self._proportional_columns(admissible):
            if len(members) < 2:
                continue
            (t, lt), (t2, lt2) = members[0], members[1]
            h, g = dirac(t), dirac(t2, Fraction(lt) / lt2)   # A e_t = c lt·v, A e_t2 = c lt2·v
            if g is not None and self.verify(h, g):
                return h, g
        return None

    def _proportional_columns(self, admissible) -> list[list[tuple[tuple[int, ...], Fraction | int]]]:
        """The admissible columns of A in classes of proportional ones, in order of first
        occurrence: per class, the (index tuple, entry in the first non-zero row) of its columns
        (entries up to one factor common to all columns). A column charges its non-zeros + 1.

        Columns are keyed by their primitive integer multiple with a positive first entry. On the
        integer form of A (:class:`algebra.lifting_int.IntegerColumns`) only a hash of that key is
        kept (a match is re-checked on the integers), so memory stays that of A's integers, never
        that of its Fraction view.
        """
        columns = self.A.columns
        if isinstance(columns, IntegerColumns) and columns.integers.dtype != object:
            P = columns.integers

            def primitive(j):
                nz = np.flatnonzero(P[j])
                values = P[j][nz]
                return nz, values // (int(np.gcd.reduce(values)) * (1 if values[0] > 0 else -1))

            buckets: dict[int, list[list]] = {}
            classes: list[list] = []
            for j, t in enumerate(columns.tuples):
                nz, prim = primitive(j)
                self.charge(len(nz) + 1)
                if not admissible(t):
                    continue
                bucket = buckets.setdefault(hash((nz.tobytes(), prim.tobytes())), [])
                lead = int(P[j][nz[0]])
                for members in bucket:
                    nz0, prim0 = primitive(members[0][2])
                    if np.array_equal(nz0, nz) and np.array_equal(prim0, prim):
                        members.append((t, lead, j))
                        break
                else:
                    bucket.append([(t, lead, j)])
                    classes.append(bucket[-1])
            return [[(t, lead) for t, lead, _ in members] for members in classes]
        groups: dict[tuple, list[tuple[tuple[int, ...], Fraction]]] = {}
        for t, col in columns.items():
            self.charge(len(col) + 1)
            if not admissible(t):
                continue
            rows = sorted(col)
            d = math.lcm(*(v.denominator for v in col.values()))
            ints = [col[r].numerator * (d // col[r].denominator) for r in rows]
            g = math.gcd(*ints) * (1 if ints[0] > 0 else -1)
            key = (tuple(rows), tuple(x // g for x in ints))
            groups.setdefault(key, []).append((t, col[rows[0]]))
        return list(groups.values())

    def zero_columns(self):
        """An admissible index tuple t with A e_t = 0: P(Dirac t) ∈ Ker A; shift one untied layer
        (the kernel is a subspace) to get h, g of equal, preferably non-zero, action. The scan
        visits S_1 ... S_K index tuples, at most the budget's ``max_columns`` of them."""
        net, model, A = self.net, self.model, self.A
        limit = self.budget.max_columns
        if (limit is not None and A.n_cols > limit) or len(A.columns) == A.n_cols:
            return None
        pieces = list(model.pieces())
        tied = [c for c in model.classes if len(c) > 1]
        untied = [c[0] for c in model.classes if len(c) == 1]
        if not untied:
            return None
        k = untied[0]
        for n, t in enumerate(itertools.product(*(range(s) for s in net.param_counts))):
            if n % 1000 == 0:
                self.charge(1000)
            if t in A.columns or any(len({t[j] for j in cls}) > 1 for cls in tied):
                continue
            piece = next((p for p in pieces if all(i in sp for i, sp in zip(t, p.supports))), None)
            if piece is None:
                continue
            base = [_lift([i], [1], s) for i, s in zip(t, net.param_counts)]
            h, g = self.shifted(base, k, base[k], piece.supports[k])
            if self.verify(h, g):
                return h, g
        return None

    def kernel_rank2(self, piece: LinearPiece, tries: int = 4):
        """K = 2, untied piece: a kernel tensor T of A on the piece's box with rank(T) ≤ 2 is
        P(h) − P(g) for h, g in the piece (a rational rank factorisation T = c_1 r_1 + c_2 r_2).

        Complete when min(|T_1|, |T_2|) ≤ 2: then every non-zero kernel tensor has rank ≤ 2, so
        "no witness" means Ker A ∩ span(box) = {0}.
        """
        net, rng = self.net, self.rng
        T1, T2 = piece.supports
        S1, S2 = piece.param_counts
        if not self.caps.allows(len(T1) * len(T2), math.prod(net.shape)):
            return None
        box = [(i, j) for i in T1 for j in T2]
        cols = [self.vec([_lift([i], [1], S1), _lift([j], [1], S2)]) for i, j in box]
        rows = [list(r) for r in zip(*cols)]
        basis = self.nullspace(rows, len(box))
        if not basis:
            return None
        for c in itertools.islice(_combos(basis, rng, extra=tries), len(basis) + tries):
            T = [[Fraction(0)] * len(T2) for _ in T1]
            for (i, j), v in zip(box, c):
                T[T1.index(i)][T2.index(j)] = v
            self.charge(len(T1) * len(T2) * min(len(T1), len(T2)))
            C, R = _rank_factorization(T)
            if not 1 <= len(R) <= 2:
                continue
            a, b = _lift(T1, [row[0] for row in C], S1), _lift(T2, R[0], S2)
            if len(R) == 2:  # T = a ⊗ b + c ⊗ d = P(a, b) − P(−c, d)
                cc, d = _lift(T1, [-row[1] for row in C], S1), _lift(T2, R[1], S2)
                candidates = [([a, b], [cc, d])]
            else:  # T = a ⊗ b: shift by w ⊗ b with w of non-zero action if possible
                candidates = []
                for i in T1:
                    w = _lift([i], [1], S1)
                    if any(self.vec([w, b])):
                        candidates.append(([[x + y for x, y in zip(a, w)], b], [w, b]))
                        break
                candidates.append(([[2 * x for x in a], b], [a, b]))
            for h, g in candidates:
                if self.verify(h, g):
                    return h, g
        return None


def _rank_factorization(T: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """T = C R over Q with C = T[:, pivots] (columns) and R the non-zero rows of rref(T)."""
    import flint

    M = flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in T])
    R, r = M.rref()
    rows = [[Fraction(int(R[i, j].p), int(R[i, j].q)) for j in range(len(T[0]))] for i in range(r)]
    pivots = [next(j for j, x in enumerate(row) if x) for row in rows]
    C = [[T[i][j] for j in pivots] for i in range(len(T))]
    return C, rows


def _search(net: MultilinearMap, model: ModelCollection, A: LiftingOperator | None, seed: int, budget: Budget,
            *, tries: int = 2, max_pairs: int = SEARCH_MAX_PAIRS, max_unknowns: int | None = SEARCH_MAX_UNKNOWNS,
            info: dict | None = None) -> tuple[Params, Params] | None:
    """The search under a child of ``budget`` (SEARCH_WORK units, SEARCH_SECONDS s); A None: no
    Dirac and zero-column scans (A is beyond the budget)."""
    search = budget.sub(SEARCH_PHASE, work=SEARCH_WORK, seconds=SEARCH_SECONDS)
    with search.phase(SEARCH_PHASE, search.work), search.alarm(SEARCH_PHASE):
        return _WitnessSearch(net, model, A, seed, search, _SizeCaps(max_unknowns),
                              info if info is not None else {}).run(tries, max_pairs)


def find_nonidentifiability_witness(net: MultilinearMap, model: ModelCollection | None = None, seed: int = 0,
                                    *, A: LiftingOperator | None = None, budget: Budget | None = None,
                                    tries: int = 2, max_pairs: int = SEARCH_MAX_PAIRS,
                                    max_unknowns: int | None = SEARCH_MAX_UNKNOWNS) -> tuple[Params, Params] | None:
    """Search for h, g in the model with equal products and P(h) ≠ P(g).

    Parameters
    ----------
    net : MultilinearMap
    model : ModelCollection, optional
        Default: the full model.
    seed : int
        Seed of the random base points (the same seed gives the same witness).
    A : LiftingOperator, optional
        The lifting operator when the caller has it (the Dirac and zero-column scans read it);
        otherwise it is built here, and those scans are skipped when it is beyond the budget.
    budget : Budget, optional
        The run's budget (default :meth:`Budget.default`); the search runs in a child of it
        capped at :data:`~algebra.limits.SEARCH_WORK` units and
        :data:`~algebra.limits.SEARCH_SECONDS` seconds.
    tries : int
        Random base points per (pair of pieces, layer).
    max_pairs : int
        Bound on the number of (unordered) pairs of pieces tried.
    max_unknowns : int or None
        Skip any exact linear system with more unknowns (default
        :data:`~algebra.limits.SEARCH_MAX_UNKNOWNS`; None = no size caps).

    Raises
    ------
    BudgetExceeded
        When the budget is reached, or when no witness was found but some system was
        skipped for its size (the search was not the complete search the caller asked for).

    Returns
    -------
    (h, g) or None
        Lists of Fractions per layer, exactly re-verified by
        :func:`verify_nonidentifiability_witness`. None means none was found -- not a proof
        of identifiability.

    Examples
    --------
    >>> from algebra.network import Layer, MultilinearMap
    >>> layer = Layer(1, 1, 2, ((0, 0, 0, Fraction(1)), (1, 0, 0, Fraction(1))))
    >>> net = MultilinearMap((layer, layer))   # X = (a+b)(c+d)
    >>> h, g = find_nonidentifiability_witness(net)
    >>> net.evaluate(h) == net.evaluate(g), are_equivalent(h, g)
    (True, False)
    """
    budget = budget if budget is not None else Budget.default()
    if A is None:
        try:
            A = lifting_operator(net, budget)
        except BudgetExceeded:
            A = None
    return _search(net, as_model(model, net), A, seed, budget, tries=tries, max_pairs=max_pairs,
                   max_unknowns=max_unknowns)


# ---------------------------------------------------------------------------- Theorem 6.4
def theorem_6_4_condition(rank: int, joins: list[JoinDimension]) -> tuple[str, str]:
    """Whether rk(A) ≥ dim J(P(M^L), P(M^L')) for all L, L', and how sure we are.

    Returns (answer, evidence): answer ``"holds"``, ``"fails"`` or ``"unknown"``; evidence
    ``"proved"`` (decided by the proved bounds) or ``"probable"`` (by the sampled values).

    >>> from algebra.dimensions import JoinDimension
    >>> theorem_6_4_condition(8, [JoinDimension(6, 6, 8, "probable", Fraction(1, 10**5), 0)])
    ('holds', 'proved')
    >>> theorem_6_4_condition(5, [JoinDimension(6, 6, 8, "probable", Fraction(1, 10**5), 0)])
    ('fails', 'proved')
    """
    if all(rank >= j.upper_bound for j in joins):
        return "holds", "proved"
    if any(rank < j.lower_bound for j in joins):
        return "fails", "proved"
    if all(rank >= j.value for j in joins):
        return "holds", "probable"
    return "unknown", "probable"


@dataclass(frozen=True)
class Theorem64:
    """Theorem 6.4's rank condition rk(A) ≥ dim J(P(M^L), P(M^L')) for all L, L'.

    ``holds`` is True when the condition holds (``evidence`` says whether by the proved upper
    bounds or by the sampled, probable, join dimensions). Even then the conclusion is only
    "identifiable for almost every operator of this rank" -- never a proof for this A.
    """

    holds: bool
    condition: str
    evidence: str
    rank: int
    joins: tuple[JoinDimension, ...]
    note: str | None


def theorem_6_4(net: MultilinearMap, model=None, seed: int = 0, *, rank: int | None = None,
                budget: Budget | None = None) -> Theorem64:
    """Evaluate Theorem 6.4's rank condition for ``net`` and ``model`` (exact rank, Terracini joins).

    ``rank`` is rk(A) when the caller has it (then A is neither built nor ranked here);
    ``budget`` (default :meth:`Budget.default`) bounds the rank and the join dimensions.

    >>> from algebra.network import Layer, MultilinearMap
    >>> layer = Layer(1, 1, 2, ((0, 0, 0, Fraction(1)), (1, 0, 0, Fraction(1))))
    >>> r = theorem_6_4(MultilinearMap((layer, layer)))
    >>> r.holds, r.rank, r.joins[0].value        # rk(A) = 1 < dim Σ_2 = 4(S − 1) = 4
    (False, 1, 4)
    """
    budget = budget if budget is not None else Budget.default()
    model = as_model(model, net)
    work = math.prod(net.param_counts) * sum(net.param_counts)
    if work > MAX_JOIN_WORK:
        raise BudgetExceeded(f"Terracini join dimensions need ~{count_text(work)} exact entries (prod S_k x sum S_k > "
                             f"{MAX_JOIN_WORK})", phase="Theorem 6.4")
    if rank is None:
        rank = lifting_rank_decision(lifting_operator(net, budget), seed=seed, budget=budget).value
    joins = tuple(join_dimensions(model, seed=seed, budget=budget))
    condition, evidence = theorem_6_4_condition(rank, list(joins))
    holds = condition == "holds"
    return Theorem64(holds, condition, evidence, rank, joins, THEOREM_6_4_NOTE if holds else None)


# ---------------------------------------------------------------------------- the routes
def kernel_trivial_route(analysis: Analysis, rank: Decision) -> Decision | str:
    """Ker A = {0}, i.e. rank A = S_1 ... S_K (the ``lifting-rank`` decision): identifiable for
    every model (Proposition 6.3)."""
    n_cols = analysis.n_cols
    if rank.status != "proved":
        return f"the lifting rank is unknown ({rank.reason or rank.status})"
    if rank.value < n_cols:
        return f"Ker A != {{0}} (rank A = {rank.value} < S_1...S_K = {count_text(n_cols)})"
    return Decision(
        "identifiable", "proved",
        f"Ker A = {{0}}: A has full column rank {count_text(n_cols)} = S_1...S_K, so Ker A ∩ (P(M^L) − P(M^L')) = {{0}} "
        f"for every model (Proposition 6.3).",
        relies_on=("Proposition 6.3", "Definition 6.1", "lifting-rank"), value=True,
        witness={"from_claim": "lifting-rank"}, details={"route": "kernel-trivial"})


def _span_groups(analysis: Analysis) -> list:
    """The basis groups of span P(M) (:func:`_model_span_groups`), once per run."""
    def compute():
        with analysis.phase("model span") as budget:
            return _model_span_groups(analysis.model, MAX_SPAN_COORDINATES, budget)
    return analysis.shared("model span groups", compute)


def _span_dimension(analysis: Analysis) -> int:
    """dim span P(M), without enumerating it when M is one untied piece."""
    size = _span_size(analysis.model)
    return size if size is not None else len(_span_groups(analysis))


def _shared_span_operator(analysis: Analysis, A: LiftingOperator) -> _SpanOperator:
    """A·B and its modular rank (:class:`_SpanOperator`), once per run, for the routes that read it."""
    def compute():
        groups = _span_groups(analysis)
        with analysis.phase("model span") as budget:
            return _span_operator(A, groups, analysis.seed, budget)
    return analysis.shared("model span operator", compute)


def _rank_upper_bound(analysis: Analysis, A: LiftingOperator) -> int:
    """rank A when the run decided it, else its number of rows: A restricted to any subspace has
    at most this rank, so dim(Ker A ∩ V) >= dim V − this, exactly."""
    whole = analysis.rank()
    return whole.value if whole.status == "proved" else A.n_rows


def model_span_route(analysis: Analysis, rank: Decision) -> Decision | None:
    """A injective on the span V of P(M) (:func:`injectivity_witness`), for a model whose span is
    not every tensor (there the question is Ker A = {0}, :func:`kernel_trivial_route`'s).

    Needs rank(A·B) = dim V: skipped without any kernel when rank A < dim V (exact), or when
    A·B's modular rank is below dim V (then so is its rank over Q, but for an unlucky prime).
    """
    A = analysis.lifting_or_none()
    if A is None or analysis.model.is_full:
        return None
    size = _span_dimension(analysis)
    if size == analysis.n_cols or size > _rank_upper_bound(analysis, A):
        return None
    span = _shared_span_operator(analysis, A)
    if span.rank_lower < size:
        return None
    groups = span.groups
    with analysis.phase("model span") as budget:  # rank = dim V: the right kernel is empty
        w = matrix_rank_witness(span.nonzero, A.n_rows, seed=analysis.seed, side="right", budget=budget)
    if w.rank < size:
        return None
    check_rank_witness(span.nonzero, w)
    minor_groups = [groups[j] for j in w.minor_cols]
    prime = certifying_prime([span.columns[j] for j in w.minor_cols], w.minor_rows, first=w.prime, seed=analysis.seed)
    return Decision(
        "identifiable", "proved",
        f"A is injective on the span of P(M) ({len(groups)} dimensions), which contains every "
        f"P(M^L) − P(M^L'); hence (6.2) holds (Proposition 6.3).",
        relies_on=("Proposition 6.3", "Definition 6.1"), value=True,
        witness={"model_span": {"groups": minor_groups, "minor_rows": list(w.minor_rows), "prime": prime}},
        details={"route": "model-span", "n_groups": len(groups), "rank_witness": w,
                 "basis": ("orbit sums, under permutations of the index positions within each tie class, "
                           "of the index tuples in the union of the pieces' support boxes")})


def kernel_line_dimension_allows(analysis: Analysis) -> bool:
    """Whether dim(Ker A ∩ span P(M)) = 1 is possible, decided from ranks before any kernel.

    Exact rules first, from the run's rank of A (no computation): the dimension is at least
    dim V − rank A, and equals n_cols − rank A when V is every tensor. Then the modular rank of
    A·B (:class:`_SpanOperator`): the dimension is at most dim V − that rank, so the route
    goes on only when this is exactly 1 (a modular rank below the rank over Q needs an unlucky
    62-bit prime; skipping is never a claim).

    >>> from algebra.network import Layer, MultilinearMap
    >>> layer = Layer(1, 1, 2, ((0, 0, 0, Fraction(1)), (1, 0, 0, Fraction(1))))
    >>> kernel_line_dimension_allows(Analysis(MultilinearMap((layer, layer))))  # rank 1: Ker A is 3-dim
    False
    """
    A = analysis.lifting_or_none()
    if A is None:
        return False
    size = _span_dimension(analysis)
    bound = _rank_upper_bound(analysis, A)
    if size - bound >= 2 or (size == analysis.n_cols and analysis.rank().status == "proved" and size - bound != 1):
        return False
    return size - _shared_span_operator(analysis, A).rank_lower == 1


def kernel_line_route(analysis: Analysis, rank: Decision) -> Decision | None:
    """Ker A ∩ span P(M) a line spanned by a tensor of flattening rank ≥ 3
    (:func:`kernel_line_witness`); skipped, before any kernel is built, unless
    :func:`kernel_line_dimension_allows` it."""
    if not kernel_line_dimension_allows(analysis):
        return None
    A = analysis.lifting()
    with analysis.phase("kernel line") as budget:
        line = _kernel_line(analysis.net.K, A, _shared_span_operator(analysis, A), analysis.seed, budget)
    if line is None:
        return None
    T = dict(line["kernel_vector"])
    groups, rw = line["groups"], line["rank_witness"]
    rows, cols = line["flattening_minor"]
    layer = line["flattening_layer"]
    witness = {"kernel_line": {
        "groups": groups,
        "minor_rows": list(rw.minor_rows) if rw else [], "minor_groups": list(rw.minor_cols) if rw else [],
        "kernel": [[j, T[g[0]]] for j, g in enumerate(groups) if T.get(g[0])],
        "flattening_layer": layer, "flattening_minor": {"rows": list(rows), "cols": list(cols)}}}
    if rw and rw.rank:  # the prime modulo which the checker eliminates the minor of A B
        minor = _span_columns(A, [groups[j] for j in rw.minor_cols])
        witness["kernel_line"]["prime"] = certifying_prime(list(minor.values()), rw.minor_rows, first=rw.prime,
                                                           seed=analysis.seed)
    return Decision(
        "identifiable", "proved",
        f"Ker A ∩ span P(M) is the line spanned by one tensor whose flattening at layer {layer + 1} has rank ≥ 3 "
        f"(exact 3 x 3 minor), while every P(h) − P(g) has flattening rank ≤ 2; hence (6.2) holds "
        f"(Proposition 6.3).",
        relies_on=("Proposition 6.3", "Definition 6.1"), value=True, witness=witness,
        details={"route": "kernel-line", "layer": layer + 1, "kernel_vector": line["kernel_vector"]})


def refutation(analysis: Analysis, h: Params, g: Params, how: str, relies_on: Sequence[str] = (),
               notes: Sequence[str] = ()) -> Decision:
    """The ``refuted`` decision for a witness h, g found by ``how`` -- re-verified exactly here
    (:func:`verify_nonidentifiability_witness`), so a route cannot return a wrong one."""
    h, g = analysis.net.check_params(h), analysis.net.check_params(g)
    if not verify_nonidentifiability_witness(analysis.net, analysis.model, h, g):
        raise InternalError(f"the counterexample found by {how} does not re-verify")
    return Decision(
        "identifiable", "refuted",
        f"h and g lie in the model, have every layer non-zero, give the same product "
        f"M_1(h_1)...M_K(h_K) = M_1(g_1)...M_K(g_K) and P(h) ≠ P(g): (6.2) fails (Proposition 6.3); "
        f"found by {how}.",
        relies_on=tuple(dict.fromkeys(("Definition 6.1", "Proposition 6.3", *relies_on))), value=False,
        witness={"h": h, "g": g},
        notes=("exact over Q; holds over R", "re-verified exactly (equal products, non-equivalent Segre images)",
               *notes),
        details={"route": "counterexample", "found_by": how})


def counterexample_route(analysis: Analysis, rank: Decision) -> Decision | str:
    """The constructive search (module docstring), under a child budget of the run's."""
    info: dict = {}
    found = _search(analysis.net, analysis.model, analysis.lifting_or_none(), analysis.seed, analysis.budget,
                    info=info)
    if found is None:
        return NO_COUNTEREXAMPLE
    if "layer" in info:
        where = f"layer {info['layer'] + 1} (1-based)"
    elif "zero_column" in info:
        where = "a zero column of A (a Dirac tensor in Ker A, shifted along one layer)"
    elif "dirac" in info:
        where = "two index tuples with proportional columns of A (Dirac parameters)"
    elif "tied_layers" in info:
        where = f"tied layers {[k + 1 for k in info['tied_layers']]} (1-based)"
    else:
        where = "a rank ≤ 2 tensor of Ker A (K = 2), factorised over Q"
    return refutation(analysis, *found, f"the exact kernel search at {where}")


def nonlinear_route(analysis: Analysis, rank: Decision) -> Decision | str | None:
    """Where the linear routes stop (:mod:`algebra.nonlinear`): a proof that no tensor of Ker A ∩ W
    other than 0 has every flattening of rank ≤ 2 (a Macaulay certificate of an empty projective
    variety over C, hence over R), else a real counterexample h, g -- rational, or with
    coordinates in Q(α) for a real root α of an integer polynomial (Proposition 6.3)."""
    A = analysis.lifting_or_none()
    if A is None:
        return None
    with analysis.phase("non-linear routes") as budget:
        child = budget.sub("non-linear routes", seconds=NONLINEAR_SECONDS)
        outcome = nonlinear_identifiability(analysis.net, analysis.model, A, child, analysis.seed)
    if not isinstance(outcome, Decision):
        return outcome.reason
    if outcome.status == "refuted" and is_rational_witness(outcome.witness):
        return refutation(analysis, outcome.witness["h"], outcome.witness["g"],
                          "slicing the incidence variety and solving exactly")
    return outcome


ROUTES: tuple[Route, ...] = (kernel_trivial_route, model_span_route, kernel_line_route, counterexample_route,
                             nonlinear_route)


# ---------------------------------------------------------------------------- the decision
def _largest_linear_space(model: ModelCollection) -> int:
    """S' of Theorem 6.5: largest |T^L_k| over untied layers k (P(M^L) ⊃ u ⊗ ... ⊗ R^{T_k} ⊗ ... ⊗ u)."""
    best = 0
    for piece in model.pieces():
        for cls in piece.classes:
            if len(cls) == 1:
                best = max(best, len(piece.supports[cls[0]]))
    return best


def identifiability_decision(analysis: Analysis | MultilinearMap, model=None, seed: int = 0, *,
                             budget: Budget | None = None, rank: Decision | None = None,
                             routes: Sequence[Route] = ROUTES) -> Decision:
    """Decide, as far as exact evidence allows, whether the model M is identifiable (Definition 6.1).

    Parameters
    ----------
    analysis : Analysis or MultilinearMap
        The run (A built once, its rank decided once). A network gives a new run with ``model``
        (ModelCollection or a spec's ``"model"`` dict; default the full model), ``seed`` and
        ``budget`` (default :meth:`Budget.default`); with an Analysis, give those to it instead.
    rank : Decision, optional
        The ``lifting-rank`` decision to rest on (default ``analysis.rank()``).
    routes : sequence of Route
        Tried in order (default :data:`ROUTES`); the first Decision is the answer.

    Returns
    -------
    Decision
        Question ``identifiable``: ``proved`` (witness ``from_claim``, ``model_span`` or
        ``kernel_line``), ``refuted`` (witness ``h``, ``g``) or ``inconclusive`` (the routes'
        reasons, and the Theorem 6.4 note when its rank condition holds).

    Notes
    -----
    The equivalence is the layer-wise one of section 3 (h ~ g iff h_k = λ_k g_k, ∏ λ_k = 1).
    Proofs and witnesses are exact over Q and hold over R (a rational kernel has the same
    dimension over R; a rational witness is a real one). A budget reached inside a route is
    that route's reason to go on (``BudgetExceeded.reason``).
    """
    if not isinstance(analysis, Analysis):
        analysis = Analysis(analysis, as_model(model, analysis), seed=seed, budget=budget)
    elif model is not None or budget is not None or seed:
        raise TypeError("identifiability_decision: give the model, the seed and the budget to the Analysis")
    rank = rank if rank is not None else analysis.rank()
    reasons: list[str] = []
    decision = None
    try:
        with analysis.phase("identifiability"):
            for route in routes:
                try:
                    with analysis.budget.alarm("identifiability"):
                        outcome = route(analysis, rank)
                except BudgetExceeded as exc:  # this route's reason to go on
                    outcome = exc.reason
                if isinstance(outcome, Decision):
                    decision = outcome
                    break
                if outcome:
                    reasons.append(outcome)
    except BudgetExceeded as exc:  # the run's time was up before the first route
        reasons.append(exc.reason)
    return _complete(analysis, rank, decision, reasons)


def _complete(analysis: Analysis, rank: Decision, decision: Decision | None, reasons: list[str]) -> Decision:
    """The common details, notes and assumptions; the inconclusive decision when no route decided."""
    net, model = analysis.net, analysis.model
    details: dict = {"K": net.K, "shape": list(net.shape), "param_counts": list(net.param_counts),
                     "n_pieces": model.n_pieces(), "n_cols": analysis.n_cols}
    if rank.status == "proved":
        details["rank_A"] = rank.value
        details["nonzero_columns"] = rank.details["nonzero_columns"]
    else:
        details["lifting"] = f"skipped: {rank.reason}"
    notes: list[str] = []
    if decision is None or decision.status == "refuted":
        s_prime = _largest_linear_space(model)
        details["S_prime"] = s_prime
        if rank.status == "proved":
            details["theorem_6_5"] = {"2S'": 2 * s_prime, "rank_A": rank.value, "inequality_holds": 2 * s_prime > rank.value}
            if 2 * s_prime > rank.value:
                notes.append(f"as Theorem 6.5 predicts: 2 S' = {2 * s_prime} > rk(A) = {rank.value}"
                             if decision is not None else
                             f"2 S' = {2 * s_prime} > rk(A) = {rank.value} (Theorem 6.5's 'in particular' clause), but "
                             f"no witness was found; that clause needs the two linear spaces to span 2 S' dimensions")
    if decision is not None:
        if decision.status == "refuted" and is_rational_witness(decision.witness) and \
                not any(any(r) for r in net.evaluate(decision.witness["h"])):
            notes.append("both products are 0")
        assumptions = identifiability_assumptions(model.describe())
        if "field" in decision.assumptions:  # a non-linear route states its own field (C for emptiness, R for α)
            assumptions["field"] = decision.assumptions["field"]
        return decision.with_(details={**details, **decision.details}, notes=(*decision.notes, *notes),
                              assumptions=assumptions, seed=analysis.seed)
    reason = "; ".join(reasons) or "no route applies"
    generic = False
    if rank.status == "proved":
        try:
            with analysis.phase("Theorem 6.4") as budget:
                t64 = theorem_6_4(net, model, analysis.seed, rank=rank.value, budget=budget)
        except BudgetExceeded as exc:
            details["joins"] = f"skipped: {exc.reason}"
        else:
            details["join_dimensions"] = t64.joins
            details["theorem_6_4"] = {"condition": t64.condition, "evidence": t64.evidence,
                                      "max_join_dimension": max(j.value for j in t64.joins)}
            if t64.holds:
                generic = True
                reason += f"; {THEOREM_6_4_NOTE} (rank condition {t64.evidence}), which is not a proof for this A"
                fail = (sum((j.failure_bound for j in t64.joins), Fraction(0)) if t64.evidence == "probable"
                        else Fraction(0))
                notes.insert(0, THEOREM_6_4_NOTE + ("; the rank condition is proved" if t64.evidence == "proved"
                             else f"; the rank condition holds with probability ≥ 1 − {fraction_to_str(fail)}"))
            elif t64.condition == "fails":
                notes.insert(0, "rk(A) < dim J(P(M^L), P(M^L')) for some L, L': non-identifiability is expected "
                                "(section 6) but no witness was found")
    return Decision("identifiable", "inconclusive", f"Identifiability of <h> in {model.describe()} is not decided.",
                    relies_on=("Proposition 6.3", "Theorem 6.4", "Theorem 6.5"), reason=reason, notes=tuple(notes),
                    details=details, assumptions=identifiability_assumptions(model.describe(), generic),
                    seed=analysis.seed)


def is_identifiable(net: MultilinearMap, model: ModelCollection | None = None, seed: int = 0) -> bool | None:
    """True (proved), False (refuted with a witness) or None (inconclusive)."""
    return {"proved": True, "refuted": False}.get(identifiability_decision(net, model, seed).status)
