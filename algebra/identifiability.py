"""Identifiability verdicts for structured networks (paper, section 6).

The question: is M = (M^L) identifiable (Definition 6.1), i.e. (Proposition 6.3, part 2)

    Ker(A) ∩ (P(M^L) − P(M^L')) ⊂ {0}   for all pieces L, L' ?

Routes, each giving a :class:`Verdict` whose status is never overstated:

* **proved** -- Ker A = {0}, or more generally A is injective on the linear span V of all
  P(M^L) (then Ker A ∩ (P(M^L) − P(M^L')) ⊂ Ker A ∩ V = {0}). Witness: row indices of a
  non-singular square minor of A restricted to a basis of V (the index tuples themselves on
  the full model; sums over the orbits of tied layers' index permutations otherwise).
  Or: Ker A ∩ V is a line spanned by a tensor with a flattening of rank ≥ 3 -- no
  P(h) − P(g) (flattening rank ≤ 2) lies on it (:func:`kernel_line_witness`).
* **refuted** -- an explicit pair h, g in the model with M_1(h_1)...M_K(h_K) =
  M_1(g_1)...M_K(g_K) and P(h) ≠ P(g), found by the constructive search below and re-verified
  exactly (net.evaluate and exact non-equivalence) before it is returned. Theorem 6.5 is the
  reason such a pair must exist when 2 S' > rk(A) (noted, and in ``details``); we only report
  ``refuted`` with the pair, which rests on Proposition 6.3 alone.
* **inconclusive** -- otherwise; when rk(A) ≥ dim J(P(M^L), P(M^L')) for all L, L' the note
  says "identifiable for almost every operator of this rank (Theorem 6.4)" -- a statement about
  generic operators, never a proof about this one.

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

Examples
--------
The 2x2 matrix product (every entry a parameter) is not identifiable: H_1 C, C^{-1} H_2.

>>> from algebra.network import Layer, MultilinearMap
>>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
>>> net = MultilinearMap([full, full])
>>> v = identifiability_verdict(net)
>>> v.status, v.relies_on[0]
('refuted', 'Proposition 6.3')
>>> h, g = v.witness["h"], v.witness["g"]
>>> net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g)
True
"""
from __future__ import annotations

import itertools
import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

from . import _qq
from .dimensions import JoinDimension, join_dimensions
from .errors import BudgetExceeded, SpecError
from .exact import RankWitness, check_rank_witness, matrix_rank_witness, rank_witness, witness_to_json
from .lifting import LiftingOperator, lifting_operator
from .limits import (DEFAULT_MAX_COLUMNS, MAX_JOIN_WORK, MAX_SPAN_COORDINATES, MAX_SPAN_ENTRIES, SEARCH_MAX_CELLS,
                     SEARCH_MAX_PAIRS, SEARCH_MAX_TUPLES, SEARCH_MAX_UNKNOWNS, SEARCH_SECONDS)
from .models import LinearPiece, ModelCollection, full_model
from .network import MultilinearMap
from .rational import fraction_to_str
from .segre import are_equivalent

__all__ = [
    "Verdict",
    "lifting_rank",
    "injectivity_witness",
    "find_nonidentifiability_witness",
    "verify_nonidentifiability_witness",
    "theorem_6_4_condition",
    "identifiability_verdict",
    "is_identifiable",
    "THEOREM_6_4_NOTE",
    "verdict_assumptions",
    "as_model",
    "kernel_line_witness",
    "Theorem64",
    "theorem_6_4",
]

THEOREM_6_4_NOTE = "identifiable for almost every operator of this rank (Theorem 6.4)"

Params = list[list[Fraction]]


@dataclass(frozen=True)
class Verdict:
    """A claim about identifiability with its status and evidence.

    Attributes
    ----------
    claim : str
        What is claimed, e.g. ``"the model is identifiable (Definition 6.1)"``.
    status : str
        ``proved`` | ``refuted`` | ``probable`` | ``numeric`` | ``inconclusive``.
    statement : str
        One sentence saying what was established and why.
    relies_on : tuple of str
        Theorems/definitions used (paper numbering).
    witness : dict or None
        ``{"h": ..., "g": ...}`` (Fractions) for refuted; the minor for proved.
    notes : tuple of str
        Caveats: field, genericity, Theorem 6.4 note.
    seed : int or None
        Seed of the random choices.
    details : dict
        Numbers behind the verdict (rank of A, join dimensions, S', ...).
    assumptions : dict
        The field, the equivalence, the model and any genericity the claim is stated under.
    """

    claim: str
    status: str
    statement: str
    relies_on: tuple[str, ...] = ()
    witness: dict | None = None
    notes: tuple[str, ...] = ()
    seed: int | None = None
    details: dict = field(default_factory=dict)
    assumptions: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready form (rationals as "p/q" strings, index tuples as lists)."""
        return {"claim": self.claim, "status": self.status, "statement": self.statement,
                "relies_on": list(self.relies_on), "witness": _jsonable(self.witness),
                "notes": list(self.notes), "seed": self.seed, "details": _jsonable(self.details),
                "assumptions": _jsonable(self.assumptions)}


def _jsonable(x):
    if isinstance(x, Fraction):
        return fraction_to_str(x)
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, JoinDimension):
        return x.to_dict()
    if isinstance(x, RankWitness):
        return witness_to_json(x)
    return x


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


def verdict_assumptions(model_description: str, generic: bool = False) -> dict:
    """The assumptions every identifiability verdict states (the field, the equivalence, the model)."""
    return {"field": "R (every computation exact over Q; rational proofs and witnesses hold over R)",
            "equivalence": "layer-wise classes <h> of section 3: h_k = λ_k g_k with ∏ λ_k = 1",
            "model": model_description,
            "genericity": ("Theorem 6.4 holds for almost every operator A of the given rank, not for a given A"
                           if generic else "none")}


def lifting_rank(net: MultilinearMap, A: LiftingOperator | None = None, seed: int = 0) -> int:
    """Exact rank of the lifting operator A (Corollary 5.2) over Q (= over R), by
    :func:`algebra.exact.rank_witness` (its kernel side re-checks the value exactly).

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 2, 2, [(0, 0, 0, 1), (1, 0, 1, 1)])])
    >>> lifting_rank(net)
    2
    """
    A = A if A is not None else lifting_operator(net)
    if not A.columns:
        return 0
    return rank_witness(A, seed=seed).rank


def _model_span_groups(model: ModelCollection, limit: int | None = None) -> list[list[tuple[int, ...]]]:
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
            seen |= orbit
            groups.append(sorted(orbit))
            if limit is not None and len(groups) > limit:
                raise BudgetExceeded(f"the span of the model has more than {limit} dimensions")
    return sorted(groups)


def injectivity_witness(net: MultilinearMap, model: ModelCollection | None = None,
                        A: LiftingOperator | None = None, *, max_coordinates: int = MAX_SPAN_COORDINATES,
                        seed: int = 0) -> dict | None:
    """A certificate that A is injective on span(∪_L P(M^L)), or None.

    Returns ``{"kind", "minor_rows", "minor_cols", "rank_witness"}``. ``minor_cols`` is a list
    of column groups (lists of index tuples): column j of the matrix A·B is the sum of A's
    columns over group j. On an untied model every group is one index tuple, so the columns are
    A's own. The square minor A·B[minor_rows, :] is non-singular. ``rank_witness`` is the
    :class:`algebra.exact.RankWitness` it comes from (checked with
    :func:`algebra.exact.check_rank_witness` before returning; keys are index tuples for
    ``"kernel-trivial"`` and group numbers otherwise). ``kind`` is ``"kernel-trivial"`` when the
    groups are all S_1...S_K index tuples (Ker A = {0}), else ``"injective-on-model-span"``.

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(2, 1, 2, [(0, 0, 0, 1), (1, 1, 0, 1), (1, 0, 0, 1)])])
    >>> w = injectivity_witness(net)
    >>> w["kind"], w["minor_rows"], w["minor_cols"]
    ('kernel-trivial', [0, 1], [[(0,)], [(1,)]])
    """
    model = as_model(model, net)
    A = A if A is not None else lifting_operator(net)
    groups = _model_span_groups(model, max_coordinates)
    if len(groups) > A.n_rows:  # more unknowns than equations: A cannot be injective there
        return None
    if len(groups) == A.n_cols:  # every index tuple: is Ker A = {0}?
        if len(A.columns) < A.n_cols:
            return None  # a zero column is a kernel vector
        w = rank_witness(A, seed=seed)
        if w.rank < A.n_cols:
            return None
        check_rank_witness(A, w)
        return {"kind": "kernel-trivial", "minor_rows": list(w.minor_rows),
                "minor_cols": [[t] for t in w.minor_cols], "rank_witness": w}
    if A.n_rows * len(groups) > MAX_SPAN_ENTRIES:
        raise BudgetExceeded(f"A restricted to the model span is {A.n_rows} x {len(groups)}")
    cols = _span_columns(A, groups)
    if any(not c for c in cols.values()):
        return None
    w = matrix_rank_witness(cols, A.n_rows, seed=seed)
    if w.rank < len(groups):
        return None
    check_rank_witness(cols, w)
    return {"kind": "injective-on-model-span", "minor_rows": list(w.minor_rows),
            "minor_cols": [groups[j] for j in w.minor_cols], "rank_witness": w}


def _span_columns(A: LiftingOperator, groups) -> dict[int, dict[int, Fraction]]:
    """A restricted to the model span: column j is A applied to the sum of group j's unit tensors."""
    cols: dict[int, dict[int, Fraction]] = {}
    for j, grp in enumerate(groups):
        acc: dict[int, Fraction] = {}
        for t in grp:
            for r, v in A.columns.get(t, {}).items():
                acc[r] = acc.get(r, 0) + v
        cols[j] = {r: v for r, v in acc.items() if v}
    return cols


def kernel_line_witness(net: MultilinearMap, model: ModelCollection | None = None,
                        A: LiftingOperator | None = None, *, max_coordinates: int = MAX_SPAN_COORDINATES,
                        seed: int = 0) -> dict | None:
    """Proof of identifiability when Ker A ∩ V is a line spanned by a tensor of high rank.

    V is the span of P(M) (as in :func:`injectivity_witness`). Every T = P(h) − P(g) is a sum
    of two rank-one tensors, so each flattening (layer k against the others) of T has matrix
    rank ≤ 2. If Ker A ∩ V = span{T₀} and some flattening of T₀ has rank ≥ 3, the only element
    of Ker A ∩ (P(M^L) − P(M^L')) is 0: (6.2) holds (Proposition 6.3).

    Returns ``{"kind": "kernel-line-high-rank", "kernel_vector": [(index tuple, Fraction), ...],
    "groups": [...], "rank_witness": RankWitness of A·B (rank = #groups − 1),
    "flattening_layer": k (0-based), "flattening_minor": (row indices i_k, column index tuples of
    the other layers)}`` with a non-singular 3 x 3 minor of the flattening, or None.

    Examples
    --------
    X = a ⊗ b read through a 8 x 9 operator with a one-dimensional kernel spanned by the
    identity matrix (rank 3): identifiable.

    >>> from algebra.network import Layer
    >>> rows = [[(0, 0), (1, 1)], [(1, 1), (2, 2)]] + [[(i, j)] for i in range(3) for j in range(3) if i != j]
    >>> l1 = Layer(1, 3, 3, [(i, 0, i, 1) for i in range(3)])
    >>> l2 = Layer(3, 8, 3, [(j, i, c, (-1) ** n) for c, r in enumerate(rows) for n, (i, j) in enumerate(r)])
    >>> w = kernel_line_witness(MultilinearMap([l1, l2]))
    >>> w["kind"], w["kernel_vector"]
    ('kernel-line-high-rank', [((0, 0), Fraction(1, 1)), ((1, 1), Fraction(1, 1)), ((2, 2), Fraction(1, 1))])
    """
    model = as_model(model, net)
    A = A if A is not None else lifting_operator(net)
    groups = _model_span_groups(model, max_coordinates)
    if A.n_rows * len(groups) > MAX_SPAN_ENTRIES:
        raise BudgetExceeded(f"A restricted to the model span is {A.n_rows} x {len(groups)}")
    cols = _span_columns(A, groups)
    zero = [j for j, c in cols.items() if not c]
    nonzero = {j: c for j, c in cols.items() if c}
    w = matrix_rank_witness(nonzero, A.n_rows, seed=seed, side="right") if nonzero else None
    rank = w.rank if w else 0
    if len(groups) - rank != 1:
        return None
    check_rank_witness(nonzero, w) if w else None
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
        raise AssertionError("internal error: kernel vector not in Ker A")
    for k in range(net.K):
        row_keys = sorted({t[k] for t in T})
        col_keys = sorted({t[:k] + t[k + 1:] for t in T})
        if len(row_keys) < 3 or len(col_keys) < 3:
            continue
        M = [[T.get(ck[:k] + (rk,) + ck[k:], Fraction(0)) for ck in col_keys] for rk in row_keys]
        rows = _qq.independent_rows(M, len(col_keys))
        if len(rows) < 3:
            continue
        sub = [M[r] for r in rows[:3]]
        cidx = _qq.independent_rows([list(c) for c in zip(*sub)], 3)[:3]
        minor = [[sub[i][c] for c in cidx] for i in range(3)]
        if _qq.determinant(minor) == 0:
            raise AssertionError("internal error: flattening minor is singular")
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


def _shifted(net: MultilinearMap, base: Params, k: int, x: list[Fraction], support: Sequence[int]) -> tuple[Params, Params]:
    """x ≠ 0 with A P(base with x at k) = 0: return (base with x + x', base with x') of equal action."""
    S = len(x)
    for i in support:
        e = _lift([i], [1], S)
        if any(_vec(net, _with(base, [k], e))):
            c = Fraction(2) if x[i] == -1 and all(v == 0 for j, v in enumerate(x) if j != i) else Fraction(1)
            xp = [c * v for v in e]
            return _with(base, [k], [a + b for a, b in zip(x, xp)]), _with(base, [k], xp)
    return _with(base, [k], [2 * v for v in x]), _with(base, [k], x)


def _candidates_from(net, u, v, k, x, y, supp_u, supp_v):
    nx, ny = any(x), any(y)
    if nx and ny:
        h, g = _with(u, [k], x), _with(v, [k], y)
        if any(_vec(net, h)):
            yield h, g
    if nx and not any(_vec(net, _with(u, [k], x))):
        yield _shifted(net, u, k, x, supp_u)
    if ny and not any(_vec(net, _with(v, [k], y))):
        yield _shifted(net, v, k, y, supp_v)
    if nx and ny:
        yield _with(u, [k], x), _with(v, [k], y)


def _combos(basis: list[list[Fraction]], rng: random.Random, extra: int = 3):
    yield from basis
    for _ in range(extra if len(basis) > 1 else 0):
        coeffs = [Fraction(rng.randint(1, 5)) for _ in basis]
        yield [sum(c * b[i] for c, b in zip(coeffs, basis)) for i in range(len(basis[0]))]


def _check_join_size(net: MultilinearMap) -> None:
    work = math.prod(net.param_counts) * sum(net.param_counts)
    if work > MAX_JOIN_WORK:
        raise BudgetExceeded(f"Terracini join dimensions need ~{work} exact entries (prod S_k x sum S_k > {MAX_JOIN_WORK})")
    dense = math.prod(net.param_counts) * math.prod(net.shape)  # the exact rank's dense matrix, at most
    if dense > MAX_JOIN_WORK:
        raise BudgetExceeded(f"the exact rank of A may need a dense matrix of {dense} entries (> {MAX_JOIN_WORK})")


class _SearchBudget:
    """The witness search's budget: a wall-clock deadline and a cap on each system's unknowns.

    A system over the cap is skipped (counted); passing the deadline raises BudgetExceeded. Both
    keep a search over large dense layers (thousands of parameters) from running for hours.
    """

    def __init__(self, max_unknowns: int | None, time_budget: float | None):
        self.max_unknowns = max_unknowns
        self.time_budget = time_budget
        self.deadline = None if time_budget is None else time.monotonic() + time_budget
        self.skipped = 0
        self.largest_skipped = 0

    def check(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExceeded(f"the witness search stopped at its time budget of {self.time_budget:g} s")

    def allows_tuples(self, n_tuples: int) -> bool:
        self.check()
        if self.max_unknowns is not None and n_tuples > SEARCH_MAX_TUPLES:
            self.skipped += 1
            self.largest_skipped = max(self.largest_skipped, n_tuples)
            return False
        return True

    def allows(self, unknowns: int, equations: int = 1) -> bool:
        self.check()
        if self.max_unknowns is not None and (unknowns > self.max_unknowns
                                              or unknowns * equations > SEARCH_MAX_CELLS):
            self.skipped += 1
            self.largest_skipped = max(self.largest_skipped, unknowns)
            return False
        return True


_UNLIMITED = _SearchBudget(None, None)


def _search_untied(net, model, a: LinearPiece, b: LinearPiece, k: int, rng: random.Random, info: dict,
                   budget: _SearchBudget = _UNLIMITED):
    u = a.random_point(rng)
    v = b.random_point(rng)
    Tu, Tv = a.supports[k], b.supports[k]
    S = net.param_counts[k]
    if not budget.allows(len(Tu) + len(Tv), math.prod(net.shape)):
        return None
    cols = [_vec(net, _with(u, [k], _lift([i], [1], S))) for i in Tu]
    cols += [[-z for z in _vec(net, _with(v, [k], _lift([i], [1], S)))] for i in Tv]
    budget.check()
    rows = [list(r) for r in zip(*cols)] if cols else []
    basis = _qq.nullspace(rows, len(cols))
    info["largest_system"] = max(info.get("largest_system", 0), len(cols))
    for z in _combos(basis, rng):
        budget.check()
        x = _lift(Tu, z[:len(Tu)], S)
        y = _lift(Tv, z[len(Tu):], S)
        for h, g in _candidates_from(net, u, v, k, x, y, Tu, Tv):
            if verify_nonidentifiability_witness(net, model, h, g):
                return h, g
    return None


def _search_tied_pair(net, model, a: LinearPiece, cls: tuple[int, int], rng: random.Random,
                      max_subsets: int = 2000, budget: _SearchBudget = _UNLIMITED):
    """Tie class {k1, k2}: find x ≠ ±y with A(P(.., x, .., x, ..) − P(.., y, .., y, ..)) = 0.

    With x = (w + z)/2, y = (z − w)/2 the difference is (w ⊗ z + z ⊗ w)/2 at (k1, k2), so
    row r of the condition is the bilinear form Σ_ij w_i z_j C_r[i][j] = 0 (C_r symmetric).
    For fixed z it is linear in w. z is tried (1) at random, then (2) in the common kernel of
    the forms C_r of a subset J of rows (which kills those rows for every w) -- the classical
    construction for real phase retrieval with N ≤ 2S − 2 measurements, where C_r = a_r a_rᵀ.
    """
    u = a.random_point(rng)
    T = a.supports[cls[0]]
    S = net.param_counts[cls[0]]
    d = len(T)
    k1, k2 = cls
    if not budget.allows(d * d, math.prod(net.shape)):
        return None
    E = {}
    for i in range(d):
        for j in range(d):
            E[i, j] = _vec(net, _with(_with(u, [k1], _lift([T[i]], [1], S)), [k2], _lift([T[j]], [1], S)))
    n_rows = len(E[0, 0]) if d else 0
    C = [[[E[i, j][r] + E[j, i][r] for j in range(d)] for i in range(d)] for r in range(n_rows)]
    live = [r for r in range(n_rows) if any(any(row) for row in C[r])]

    def attempt(zc):
        z = _lift(T, zc, S)
        rows = [[sum(C[r][i][j] * zc[j] for j in range(d)) for i in range(d)] for r in live]
        for wc in _combos(_qq.nullspace(rows, d), rng):
            w = _lift(T, wc, S)
            x = [(p + q) / 2 for p, q in zip(w, z)]
            y = [(q - p) / 2 for p, q in zip(w, z)]
            h, g = _with(u, cls, x), _with(u, cls, y)
            if verify_nonidentifiability_witness(net, model, h, g):
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
            Z = _qq.nullspace(constraints, d)
            if not Z:
                continue
            coeffs = [Fraction(rng.randint(1, 5)) for _ in Z]
            zc = [sum(c * v[i] for c, v in zip(coeffs, Z)) for i in range(d)]
            found = attempt(zc)
            if found:
                return found
    return None


def _search_dirac_collisions(net, model: ModelCollection, max_columns: int = DEFAULT_MAX_COLUMNS):
    """Two index tuples t ≠ t' whose columns of A are proportional, A e_t = c A e_t' (c ≠ 0),
    with t in the box of a piece M^L and t' in the box of a piece M^L': the Diracs
    h = (e_{t_1}, ..., e_{t_K}) and g = (c e_{t'_1}, e_{t'_2}, ...) have equal products and
    P(h) = e_t ≠ c e_t' = P(g). (The structured analogue of section 6's two-path criterion.)
    Zero columns are :func:`_search_zero_columns`' job (tried last: their witnesses are degenerate).
    Tied layers need equal indices at their positions (a Dirac x = e_i gives x ⊗ x = e_(i,i)).
    """
    try:
        A = lifting_operator(net, max_columns=max_columns)
    except BudgetExceeded:
        return None
    pieces = list(model.pieces())
    tied = [c for c in model.classes if len(c) > 1]

    def admissible(t):
        if any(len({t[k] for k in cls}) > 1 for cls in tied):
            return False
        return any(all(i in supp for i, supp in zip(t, p.supports)) for p in pieces)

    def dirac(t, scale=Fraction(1)):
        h = [_lift([i], [1], s) for i, s in zip(t, net.param_counts)]
        # scale a layer that is not tied (or, with every layer tied, no exact scaling exists)
        k = next((c[0] for c in model.classes if len(c) == 1), None)
        if scale != 1:
            if k is None:
                return None
            h[k] = [scale * x for x in h[k]]
        return h

    groups: dict[tuple, list[tuple[tuple[int, ...], Fraction]]] = {}
    for t, col in A.columns.items():
        if not admissible(t):
            continue
        first_row = min(col)
        lead = col[first_row]
        key = tuple(sorted((r, v / lead) for r, v in col.items()))
        groups.setdefault(key, []).append((t, lead))
    for members in groups.values():
        if len(members) < 2:
            continue
        (t, lt), (t2, lt2) = members[0], members[1]
        h, g = dirac(t), dirac(t2, lt / lt2)   # A e_t = lt·v, A e_t2 = lt2·v
        if g is not None and verify_nonidentifiability_witness(net, model, h, g):
            return h, g
    return None


def _search_zero_columns(net, model: ModelCollection, max_columns: int = DEFAULT_MAX_COLUMNS):
    """An admissible index tuple t with A e_t = 0: P(Dirac t) ∈ Ker A; shift one untied layer
    (the kernel is a subspace) to get h, g of equal, preferably non-zero, action."""
    try:
        A = lifting_operator(net, max_columns=max_columns)
    except BudgetExceeded:
        return None
    if A.n_cols > max_columns or len(A.columns) == A.n_cols:
        return None
    pieces = list(model.pieces())
    tied = [c for c in model.classes if len(c) > 1]
    untied = [c[0] for c in model.classes if len(c) == 1]
    if not untied:
        return None
    k = untied[0]
    for t in itertools.product(*(range(s) for s in net.param_counts)):
        if t in A.columns or any(len({t[j] for j in cls}) > 1 for cls in tied):
            continue
        piece = next((p for p in pieces if all(i in sp for i, sp in zip(t, p.supports))), None)
        if piece is None:
            continue
        base = [_lift([i], [1], s) for i, s in zip(t, net.param_counts)]
        h, g = _shifted(net, base, k, base[k], piece.supports[k])
        if verify_nonidentifiability_witness(net, model, h, g):
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


def _search_kernel_rank2(net, model, piece: LinearPiece, rng: random.Random, tries: int = 4,
                         budget: _SearchBudget = _UNLIMITED):
    """K = 2, untied piece: a kernel tensor T of A on the piece's box with rank(T) ≤ 2 is
    P(h) − P(g) for h, g in the piece (a rational rank factorisation T = c_1 r_1 + c_2 r_2).

    Complete when min(|T_1|, |T_2|) ≤ 2: then every non-zero kernel tensor has rank ≤ 2, so
    "no witness" means Ker A ∩ span(box) = {0}.
    """
    T1, T2 = piece.supports
    S1, S2 = piece.param_counts
    if not budget.allows(len(T1) * len(T2), math.prod(net.shape)):
        return None
    box = [(i, j) for i in T1 for j in T2]
    cols = [_vec(net, [_lift([i], [1], S1), _lift([j], [1], S2)]) for i, j in box]
    rows = [list(r) for r in zip(*cols)]
    basis = _qq.nullspace(rows, len(box))
    if not basis:
        return None
    for c in itertools.islice(_combos(basis, rng, extra=tries), len(basis) + tries):
        T = [[Fraction(0)] * len(T2) for _ in T1]
        for (i, j), v in zip(box, c):
            T[T1.index(i)][T2.index(j)] = v
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
                if any(_vec(net, [w, b])):
                    candidates.append(([[x + y for x, y in zip(a, w)], b], [w, b]))
                    break
            candidates.append(([[2 * x for x in a], b], [a, b]))
        for h, g in candidates:
            if verify_nonidentifiability_witness(net, model, h, g):
                return h, g
    return None


def find_nonidentifiability_witness(net: MultilinearMap, model: ModelCollection | None = None, seed: int = 0,
                                    *, tries: int = 2, max_pairs: int = SEARCH_MAX_PAIRS,
                                    max_unknowns: int | None = SEARCH_MAX_UNKNOWNS,
                                    time_budget: float | None = SEARCH_SECONDS,
                                    _info: dict | None = None) -> tuple[Params, Params] | None:
    """Search for h, g in the model with equal products and P(h) ≠ P(g).

    Parameters
    ----------
    net : MultilinearMap
    model : ModelCollection, optional
        Default: the full model.
    seed : int
        Seed of the random base points (the same seed gives the same witness).
    tries : int
        Random base points per (pair of pieces, layer).
    max_pairs : int
        Bound on the number of (unordered) pairs of pieces tried.
    max_unknowns : int or None
        Skip any exact linear system with more unknowns (default
        :data:`SEARCH_MAX_UNKNOWNS`; None = no cap).
    time_budget : float or None
        Seconds for the whole search (default :data:`SEARCH_SECONDS`; None = no limit).

    Raises
    ------
    BudgetExceeded
        When the time budget is reached, or when no witness was found but some system was
        skipped for its size (the search was not the complete search the caller asked for).

    Returns
    -------
    (h, g) or None
        Lists of Fractions per layer, exactly re-verified by
        :func:`verify_nonidentifiability_witness`. None means none was found -- not a proof
        of identifiability.

    Examples
    --------
    >>> from algebra.network import Layer
    >>> layer = Layer(1, 1, 2, [(0, 0, 0, 1), (1, 0, 0, 1)])
    >>> net = MultilinearMap([layer, layer])   # X = (a+b)(c+d)
    >>> h, g = find_nonidentifiability_witness(net)
    >>> net.evaluate(h) == net.evaluate(g), are_equivalent(h, g)
    (True, False)
    """
    model = as_model(model, net)
    rng = random.Random(seed)
    info = _info if _info is not None else {}
    pieces = list(model.pieces())
    pairs = list(itertools.combinations_with_replacement(range(len(pieces)), 2))[:max_pairs]
    untied = [c[0] for c in model.classes if len(c) == 1]
    pairs_tied = [c for c in model.classes if len(c) == 2]
    budget = _SearchBudget(max_unknowns, time_budget)
    scan_tuples = budget.allows_tuples(math.prod(net.param_counts))
    found = _search_dirac_collisions(net, model) if scan_tuples else None
    if found:
        info["dirac"] = True
        return found
    for _ in range(tries):
        for i, j in pairs:
            for k in untied:
                found = _search_untied(net, model, pieces[i], pieces[j], k, rng, info, budget)
                if found:
                    info["layer"] = k
                    info["pieces"] = (pieces[i].supports, pieces[j].supports)
                    return found
        for piece in pieces:
            for cls in pairs_tied:
                found = _search_tied_pair(net, model, piece, cls, rng, budget=budget)
                if found:
                    info["tied_layers"] = cls
                    return found
    if net.K == 2 and not model.has_ties:
        for piece in pieces:
            found = _search_kernel_rank2(net, model, piece, rng, budget=budget)
            if found:
                info["kernel_rank2"] = piece.supports
                return found
    budget.check()
    found = _search_zero_columns(net, model) if scan_tuples else None
    if found:
        info["zero_column"] = True
        return found
    if budget.skipped:
        raise BudgetExceeded(f"no witness found, and the search skipped {budget.skipped} step(s) over its size caps "
                             f"({budget.max_unknowns} unknowns and {SEARCH_MAX_CELLS} entries per linear system, {SEARCH_MAX_TUPLES} index "
                             f"tuples; largest skipped: {budget.largest_skipped})")
    return None


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


def theorem_6_4(net: MultilinearMap, model=None, seed: int = 0) -> Theorem64:
    """Evaluate Theorem 6.4's rank condition for ``net`` and ``model`` (exact rank, Terracini joins).

    >>> from algebra.network import Layer
    >>> layer = Layer(1, 1, 2, [(0, 0, 0, 1), (1, 0, 0, 1)])
    >>> r = theorem_6_4(MultilinearMap([layer, layer]))
    >>> r.holds, r.rank, r.joins[0].value        # rk(A) = 1 < dim Σ_2 = 4(S − 1) = 4
    (False, 1, 4)
    """
    model = as_model(model, net)
    _check_join_size(net)  # bounds lifting_rank(net) too: A has at most prod S_k columns
    rank = lifting_rank(net)
    joins = tuple(join_dimensions(model, seed=seed))
    condition, evidence = theorem_6_4_condition(rank, list(joins))
    holds = condition == "holds"
    return Theorem64(holds, condition, evidence, rank, joins, THEOREM_6_4_NOTE if holds else None)


# ---------------------------------------------------------------------------- the verdict
def _largest_linear_space(model: ModelCollection) -> int:
    """S' of Theorem 6.5: largest |T^L_k| over untied layers k (P(M^L) ⊃ u ⊗ ... ⊗ R^{T_k} ⊗ ... ⊗ u)."""
    best = 0
    for piece in model.pieces():
        for cls in piece.classes:
            if len(cls) == 1:
                best = max(best, len(piece.supports[cls[0]]))
    return best


def identifiability_verdict(net: MultilinearMap, model: ModelCollection | None = None, seed: int = 0, *,
                            max_columns: int | None = DEFAULT_MAX_COLUMNS, tries: int = 2) -> Verdict:
    """Decide, as far as exact evidence allows, whether the model M is identifiable.

    Parameters
    ----------
    net : MultilinearMap
    model : ModelCollection, optional
        Default: the full model R^{S_1} x ... x R^{S_K}.
    seed : int
        Seed of every random choice (written into the verdict).
    max_columns : int or None
        Budget for the lifting operator's non-zero columns.

    Returns
    -------
    Verdict
        ``proved`` (injectivity minor), ``refuted`` (witness h, g) or ``inconclusive``
        (with the Theorem 6.4 note when its rank condition holds).

    Notes
    -----
    The equivalence is the layer-wise one of section 3 (h ~ g iff h_k = λ_k g_k, ∏ λ_k = 1).
    Proofs and witnesses are exact over Q and hold over R (a rational kernel has the same
    dimension over R; a rational witness is a real one).
    """
    model = as_model(model, net)
    claim = f"{model.describe()} is identifiable (Definition 6.1), up to the layer-wise rescalings of section 3"
    details: dict = {"K": net.K, "shape": list(net.shape), "param_counts": list(net.param_counts),
                     "n_pieces": model.n_pieces()}
    A = None
    rank = None
    try:
        A = lifting_operator(net, max_columns=max_columns)
        details["nonzero_columns"] = len(A.columns)
        details["n_cols"] = A.n_cols
        rank = lifting_rank(net, A)
        details["rank_A"] = rank
    except BudgetExceeded as exc:
        A = None
        details["lifting"] = f"skipped: {exc}"

    if A is not None:
        try:
            wit = injectivity_witness(net, model, A)
        except BudgetExceeded as exc:
            wit = None
            details["injectivity"] = f"skipped: {exc}"
        if wit is not None:
            if wit["kind"] != "kernel-trivial":
                wit["basis"] = ("orbit sums, under permutations of the index positions within each tie class, "
                                "of the index tuples in the union of the pieces' support boxes")
            if wit["kind"] == "kernel-trivial":
                stmt = (f"Ker A = {{0}}: A has full column rank {rank} = S_1...S_K, so "
                        f"Ker A ∩ (P(M^L) − P(M^L')) = {{0}} for every model (Proposition 6.3)")
                rel = ("Proposition 6.3", "Corollary 5.2")
            else:
                stmt = (f"A is injective on the span of P(M) ({len(wit['minor_cols'])} dimensions), which "
                        f"contains every P(M^L) − P(M^L'); hence (6.2) holds (Proposition 6.3)")
                rel = ("Proposition 6.3", "Corollary 5.2")
            return Verdict(claim, "proved", stmt, rel, wit,
                           ("exact over Q; holds over R",), seed, details, verdict_assumptions(model.describe()))

        if wit is None:
            try:
                line = kernel_line_witness(net, model, A, seed=seed)
            except BudgetExceeded as exc:
                line = None
                details["kernel_line"] = f"skipped: {exc}"
            if line is not None:
                stmt = (f"Ker A ∩ span P(M) is the line spanned by one tensor whose flattening at layer "
                        f"{line['flattening_layer'] + 1} (1-based) has rank ≥ 3 (exact 3 x 3 minor), while every "
                        f"P(h) − P(g) has flattening rank ≤ 2; hence (6.2) holds (Proposition 6.3)")
                return Verdict(claim, "proved", stmt, ("Proposition 6.3", "Corollary 5.2"), line,
                               ("exact over Q; holds over R",), seed, details, verdict_assumptions(model.describe()))

    info: dict = {}
    try:
        found = find_nonidentifiability_witness(net, model, seed, tries=tries, _info=info)
    except BudgetExceeded as exc:  # an unfinished search finds nothing; say why
        found = None
        details["witness_search"] = f"stopped: {exc}"
    s_prime = _largest_linear_space(model)
    details["S_prime"] = s_prime
    if rank is not None:
        details["theorem_6_5"] = {"2S'": 2 * s_prime, "rank_A": rank, "inequality_holds": 2 * s_prime > rank}
    if found is not None:
        h, g = found
        X = net.evaluate(h)
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
        stmt = (f"h and g lie in the model, have every layer non-zero, give the same product "
                f"M_1(h_1)...M_K(h_K) = M_1(g_1)...M_K(g_K) and P(h) ≠ P(g): (6.2) fails "
                f"(Proposition 6.3); found by the exact kernel search at {where}")
        rel = ["Proposition 6.3", "Definition 6.1"]
        notes = ["exact over Q; holds over R", "re-verified exactly (equal products, non-equivalent Segre images)"]
        if rank is not None and 2 * s_prime > rank:
            notes.append(f"as Theorem 6.5 predicts: 2 S' = {2 * s_prime} > rk(A) = {rank}")
        if not any(any(r) for r in X):
            notes.append("both products are 0")
        return Verdict(claim, "refuted", stmt, tuple(rel), {"h": h, "g": g}, tuple(notes), seed, details,
                       verdict_assumptions(model.describe()))

    notes = []
    if rank is not None:
        try:
            _check_join_size(net)
            joins = join_dimensions(model, seed=seed)
        except BudgetExceeded as exc:
            joins = None
            details["joins"] = f"skipped: {exc}"
        if joins is not None:
            answer, evidence = theorem_6_4_condition(rank, joins)
            details["join_dimensions"] = joins
            details["theorem_6_4"] = {"condition": answer, "evidence": evidence,
                                      "max_join_dimension": max(j.value for j in joins)}
            if answer == "holds":
                fail = sum((j.failure_bound for j in joins), Fraction(0)) if evidence == "probable" else Fraction(0)
                notes.append(THEOREM_6_4_NOTE + ("; the rank condition is proved" if evidence == "proved"
                             else f"; the rank condition holds with probability ≥ 1 − {fraction_to_str(fail)}"))
            elif answer == "fails":
                notes.append("rk(A) < dim J(P(M^L), P(M^L')) for some L, L': non-identifiability is expected "
                             "(section 6) but no witness was found")
        if 2 * s_prime > rank:
            notes.append(f"2 S' = {2 * s_prime} > rk(A) = {rank} (Theorem 6.5's 'in particular' clause), but no "
                         f"witness was found; that clause needs the two linear spaces to span 2 S' dimensions")
    stmt = ("neither injectivity of A on the model's span nor a non-identifiability witness was found"
            + (f" (seed {seed}, {tries} tries per layer)"))
    generic = bool(notes) and THEOREM_6_4_NOTE in notes[0]
    return Verdict(claim, "inconclusive", stmt, ("Theorem 6.4",) if generic else (),
                   None, tuple(notes), seed, details, verdict_assumptions(model.describe(), generic))


def is_identifiable(net: MultilinearMap, model: ModelCollection | None = None, seed: int = 0) -> bool | None:
    """True (proved), False (refuted with a witness) or None (inconclusive)."""
    v = identifiability_verdict(net, model, seed)
    return {"proved": True, "refuted": False}.get(v.status)
