"""Dimensions of P(M^L) and of joins J(P(M^L), P(M^L')) (paper, sections 4 and 6).

* dim P(M^L) for a linear piece is Σ_c (d_c − 1) + 1 over its tie classes c (d_c the support
  size), i.e. Σ_k (d_k − 1) + 1 without ties (Standard Fact 2: K(S − 1) + 1 on the full model).
* dim J(X, Y) for the cones X = P(M^L), Y = P(M^L') is, by **Terracini's lemma**, the dimension
  of T_x X + T_y Y at generic points x ∈ X, y ∈ Y. We compute the exact rank r of that span at
  two random integer points. Because the rank of a matrix of polynomials is maximal at generic
  points, **r ≤ dim J is proved** (a lower bound valid whatever the points). Equality holds
  unless the points hit the zero set of every r_gen × r_gen minor; by Schwartz–Zippel that
  happens with probability at most U (K − 1) / N, with U the proved upper bound below, K − 1
  the degree of the tangent vectors in the point's coordinates and N the number of values each
  coordinate is drawn from. Hence the value is ``probable`` (with that failure bound and the
  seed) unless r reaches the proved upper bound
  U = min(dim P(M^L) + dim P(M^L'), number of tensor coordinates the two pieces can reach),
  in which case it is ``proved``.

Examples
--------
The full model, K = 3, S = 2 fills its ambient space: dim Σ_2 = 2K(S − 1) + 2 = 8 = 2^3.

>>> from algebra.models import full_model
>>> from algebra.network import Layer, MultilinearMap
>>> net = MultilinearMap([Layer(1, 1, 2, [(0, 0, 0, 1), (1, 0, 0, 1)])] * 3)
>>> (piece,) = full_model(net).pieces()
>>> j = join_dimension(piece, piece, seed=0)
>>> (j.value, j.lower_bound, j.upper_bound, j.status)
(8, 8, 8, 'proved')
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator

from . import _qq
from .budget import Budget
from .errors import BudgetExceeded
from .limits import MAX_JOIN_COORDINATES, MAX_JOIN_PAIRS
from .models import LinearPiece, ModelCollection

__all__ = [
    "JoinDimension",
    "segre_image_dimension",
    "tangent_vectors",
    "tangent_rank_at",
    "join_dimension",
    "join_dimensions",
    "sigma2_dimension_formula",
    "SAMPLE_BOUND",
]

# Coordinates are drawn uniformly from [-SAMPLE_BOUND, SAMPLE_BOUND]; N = 2*SAMPLE_BOUND + 1.
SAMPLE_BOUND = 10**6

IndexTuple = tuple[int, ...]


@dataclass(frozen=True)
class JoinDimension:
    """dim J(P(M^L), P(M^L')) with its evidence.

    Attributes
    ----------
    value : int
        The exact rank of T_x X + T_y Y at the sampled points (equal to dim J with probability
        at least 1 − failure_bound).
    lower_bound : int
        Proved: dim J ≥ lower_bound (rank at any point bounds the generic rank from below).
    upper_bound : int
        Proved: min(dim P(M^L) + dim P(M^L'), reachable tensor coordinates).
    status : str
        ``"proved"`` when the bounds meet, else ``"probable"``.
    failure_bound : Fraction
        Schwartz–Zippel bound on P(value < dim J); 0 when proved.
    seed : int
        Seed of the random points.
    pieces : tuple
        (supports of M^L, supports of M^L').
    """

    value: int
    lower_bound: int
    upper_bound: int
    status: str
    failure_bound: Fraction
    seed: int
    pieces: tuple = field(default=())
    relies_on: tuple[str, ...] = ("Terracini's lemma", "Schwartz-Zippel lemma")

    def to_dict(self) -> dict:
        return {"value": self.value, "lower_bound": self.lower_bound, "upper_bound": self.upper_bound,
                "status": self.status, "failure_bound": str(self.failure_bound), "seed": self.seed,
                "pieces": [list(map(list, p)) for p in self.pieces], "relies_on": list(self.relies_on)}


def segre_image_dimension(piece: LinearPiece) -> int:
    """dim P(M^L) = Σ_c (d_c − 1) + 1 (0 if a support is empty); see LinearPiece.dimension_of_image.

    >>> from algebra.models import LinearPiece
    >>> segre_image_dimension(LinearPiece(((0, 1, 2), (0, 1)), ((0,), (1,)), (3, 2)))
    4
    """
    return piece.dimension_of_image()


def sigma2_dimension_formula(K: int, S: int) -> int:
    """The paper's closed form for dim Σ_2 ⊂ R^{S^K} (section 4, Standard Fact 3).

    2K(S − 1) + 2 when K > 2, 4(S − 1) when K = 2 (and S for K = 1, where Σ_2 = R^S, S ≥ 2).
    Only a reference for tests and reports: :func:`join_dimension` computes the dimension.

    >>> sigma2_dimension_formula(3, 3), sigma2_dimension_formula(2, 3)
    (14, 8)
    """
    if K == 1:
        return S
    if K == 2:
        return 4 * (S - 1)
    return 2 * K * (S - 1) + 2


def _tensor_of_vectors(vectors: list[dict[int, Fraction]]) -> Iterator[tuple[IndexTuple, Fraction]]:
    for combo in itertools.product(*(v.items() for v in vectors)):
        val = Fraction(1)
        for _, x in combo:
            val *= x
        if val:
            yield tuple(i for i, _ in combo), val


def tangent_vectors(piece: LinearPiece, h: list[list[Fraction]]) -> list[dict[IndexTuple, Fraction]]:
    """Spanning vectors of the tangent space of the cone P(M^L) at P(h), h ∈ M^L.

    One vector per free coordinate x_{c,i} (class c, i in its support):
    ∂P/∂x_{c,i} = Σ_{k ∈ c} h_1 ⊗ ... ⊗ e_i (at layer k) ⊗ ... ⊗ h_K.
    """
    sparse = [{i: Fraction(x) for i, x in enumerate(hk) if x} for hk in h]
    out = []
    for cls in piece.classes:
        for i in piece.supports[cls[0]]:
            vec: dict[IndexTuple, Fraction] = {}
            for k in cls:
                factors = list(sparse)
                factors[k] = {i: Fraction(1)}
                for idx, val in _tensor_of_vectors(factors):
                    vec[idx] = vec.get(idx, 0) + val
            out.append({t: v for t, v in vec.items() if v})
    return out


_PHASE = "join dimensions"


def _rank_of_sparse(vectors: list[dict[IndexTuple, Fraction]], max_coordinates: int | None,
                    budget: Budget | None = None) -> tuple[int, int]:
    coords: dict[IndexTuple, int] = {}
    for v in vectors:
        for t in v:
            coords.setdefault(t, len(coords))
    if max_coordinates is not None and len(coords) > max_coordinates:
        raise BudgetExceeded(f"the tangent spaces reach {len(coords)} > {max_coordinates} tensor coordinates",
                             phase=_PHASE)
    if budget is not None:
        # rows of big integers to flint (~5 us a cell), then fraction-free elimination
        cells = len(vectors) * len(coords)
        budget.charge(5 * cells + cells * min(len(vectors), len(coords)) // 10, _PHASE)
    rows = []
    for v in vectors:
        row = [Fraction(0)] * len(coords)
        for t, x in v.items():
            row[coords[t]] = x
        rows.append(row)
    if not coords:
        return 0, 0
    if budget is None:
        return _qq.rank(rows, len(coords)), len(coords)
    with budget.alarm(_PHASE):
        return _qq.rank(rows, len(coords)), len(coords)


def tangent_rank_at(piece: LinearPiece, h: list[list[Fraction]]) -> int:
    """Exact dimension of the tangent space of P(M^L) at P(h) (= dim P(M^L) at generic h).

    >>> from algebra.models import LinearPiece
    >>> piece = LinearPiece(((0, 1), (0, 1)), ((0, 1),), (2, 2))   # h_1 = h_2 (tied)
    >>> tangent_rank_at(piece, [[1, 2], [1, 2]]) == piece.dimension_of_image() == 2
    True
    """
    return _rank_of_sparse(tangent_vectors(piece, h), None)[0]


def _sample(piece: LinearPiece, rng: random.Random, bound: int) -> list[list[Fraction]]:
    return piece.embed([[Fraction(rng.randint(-bound, bound)) for _ in range(d)] for d in piece.free_dimensions()])


def _reachable_coordinates(a: LinearPiece, b: LinearPiece) -> int:
    """|box(a) ∪ box(b)|; boxes are products, so their intersection is the product of intersections."""
    size = lambda box: math.prod(len(t) for t in box)  # noqa: E731
    inter = [tuple(set(x) & set(y)) for x, y in zip(a.box(), b.box())]
    return size(a.box()) + size(b.box()) - size(inter)


def join_dimension(a: LinearPiece, b: LinearPiece, *, seed: int = 0, bound: int = SAMPLE_BOUND,
                   max_coordinates: int | None = MAX_JOIN_COORDINATES, budget: Budget | None = None) -> JoinDimension:
    """dim J(P(M^L), P(M^L')) by Terracini's lemma at two random integer points.

    Parameters
    ----------
    a, b : LinearPiece
        M^L and M^L' (may be equal: J(X, X) is the secant variety, e.g. Σ_2 on the full model).
    seed : int
        Seed of the random points (recorded in the result).
    bound : int
        Coordinates are uniform in [-bound, bound].
    max_coordinates : int or None
        Refuse (BudgetExceeded) when the tangent vectors reach more tensor coordinates.
    budget : Budget, optional
        Charged for the tangent vectors and the exact rank (default :meth:`Budget.default`).

    Returns
    -------
    JoinDimension
        value (probable dim J), proved lower and upper bounds, status, failure bound, seed.

    Notes
    -----
    Terracini's lemma: for cones X, Y and generic x ∈ X, y ∈ Y, T_{x+y} J(X, Y) = T_x X + T_y Y.
    The join J(P(M^L), P(M^L')) is the closure of P(M^L) − P(M^L') (paper, section 6), whose
    dimension enters Theorem 6.4.
    """
    budget = budget if budget is not None else Budget.default()
    rng = random.Random(seed)
    x = _sample(a, rng, bound)
    y = _sample(b, rng, bound)
    # per tie class c, |T_c| tangent vectors of |box| / |T_c| entries, each a product of K factors
    entries = sum(len(p.classes) * math.prod(len(t) for t in p.box()) for p in (a, b))
    budget.charge(5 * a.K * entries, _PHASE)
    vectors = tangent_vectors(a, x) + tangent_vectors(b, y)
    r, _ = _rank_of_sparse(vectors, max_coordinates, budget)
    upper = min(segre_image_dimension(a) + segre_image_dimension(b), _reachable_coordinates(a, b))
    if r == upper:
        status, fail = "proved", Fraction(0)
    else:
        K = a.K
        fail = min(Fraction(1), Fraction(upper * (K - 1), 2 * bound + 1))
        status = "probable" if fail < 1 else "inconclusive"
    return JoinDimension(r, r, upper, status, fail, seed, (a.supports, b.supports))


def join_dimensions(model: ModelCollection, *, seed: int = 0, max_pairs: int = MAX_JOIN_PAIRS,
                    **kwargs) -> list[JoinDimension]:
    """dim J(P(M^L), P(M^L')) for every unordered pair L ≤ L' of pieces (seed + pair number).

    >>> from algebra.models import ModelCollection
    >>> m = ModelCollection((3, 3), (((0,), (1, 2)), ((0, 1, 2),)), ((0,), (1,)))
    >>> [j.value for j in join_dimensions(m)]   # e_0 ⊗ y (a 3-dim linear space), 2x3 matrices
    [3, 7, 6]
    """
    pieces = list(model.pieces())
    n_pairs = len(pieces) * (len(pieces) + 1) // 2
    if n_pairs > max_pairs:
        raise BudgetExceeded(f"{n_pairs} pairs of pieces exceed the budget of {max_pairs}")
    out = []
    for n, (i, j) in enumerate(itertools.combinations_with_replacement(range(len(pieces)), 2)):
        out.append(join_dimension(pieces[i], pieces[j], seed=seed + n, **kwargs))
    return out
