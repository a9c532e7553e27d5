"""Dimensions of P(M^L) and of joins J(P(M^L), P(M^L')) (paper, sections 4 and 6).

* dim P(M^L) for a linear piece is Σ_c (d_c − 1) + 1 over its tie classes c (d_c the support
  size), i.e. Σ_k (d_k − 1) + 1 without ties (Standard Fact 2: K(S − 1) + 1 on the full model).
* dim J(X, Y) for the cones X = P(M^L), Y = P(M^L') is, by **Terracini's lemma**, the dimension
  of T_x X + T_y Y at generic points x ∈ X, y ∈ Y. We compute the rank r of that span at two
  random integer points, **modulo a random prime p** (python-flint ``nmod_mat``, the Gram matrix
  of the tangent vectors accumulated over column blocks, so memory stays bounded). The rank of
  a matrix of polynomials is maximal at generic points, and a rank modulo p never exceeds the
  rank over Q, so **r ≤ dim J is proved** whatever the points and the prime. Equality can fail
  in two ways: the points hit the zero set of every r_gen × r_gen minor -- by Schwartz–Zippel
  with probability at most U (K − 1) / N, with U the proved upper bound below, K − 1 the degree
  of the tangent vectors in the point's coordinates and N the number of values each coordinate
  is drawn from -- or p divides a non-zero Gram minor, which has at most log2(minor) / 30 prime
  factors in [2^30, 2^31) out of the 50 697 537 primes p is drawn from uniformly (the minor is
  bounded by Hadamard's inequality). The value is ``probable`` with the sum of both bounds (and
  the seed) unless r reaches the proved upper bound
  U = min(dim P(M^L) + dim P(M^L'), number of tensor coordinates the two pieces can reach),
  in which case it is ``proved``. ``exact=True`` computes the rank over Q instead (python-flint
  ``fmpz_mat``; then only the first bound applies) -- measured on the 80 tangent vectors of
  length 10 000 of a K = 4, S = 10 full model (the certify row of
  tests/benchmarks/bench_operators.py): 10 s exact, 0.2 s modular. No proof needs the exact
  rank: the modular one is a proved lower bound too, and Theorem 6.4's condition reads only the
  proved bounds as proved (the value itself is probable either way).

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

import numpy as np

from . import _qq
from .budget import Budget
from .errors import BudgetExceeded
from .limits import JOIN_BLOCK_CELLS, MAX_JOIN_COORDINATES, MAX_JOIN_PAIRS
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
# The modular rank's prime is drawn uniformly among the primes in [2^30, 2^31) -- products of two
# residues fit in int64 -- of which there are pi(2^31) - pi(2^30) = 105 097 565 - 54 400 028.
PRIME_BITS = 31
PRIMES_IN_RANGE = 50_697_537

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


def _random_prime(rng: random.Random) -> int:
    """A prime drawn uniformly from [2^(PRIME_BITS-1), 2^PRIME_BITS) (rejection sampling)."""
    import flint

    while True:
        x = rng.randrange(2 ** (PRIME_BITS - 1), 2 ** PRIME_BITS) | 1
        if flint.fmpz(x).is_prime():
            return x


def _tangent_matrix_mod(piece: LinearPiece, h: list[list[Fraction]], p: int) -> np.ndarray:
    """The vectors of :func:`tangent_vectors` modulo p, as the rows of an int64 array over the
    piece's box T_1 x ... x T_K (columns in lexicographic order, zero entries included).

    For layer k of tie class c the vectors ∂P/∂x_{c,i} (i ∈ T_k) are the rows of the Kronecker
    product h_1 ⊗ ... ⊗ I_{|T_k|} ⊗ ... ⊗ h_K restricted to the box, summed over k ∈ c.
    """
    box = piece.box()
    values = [np.array([int(h[k][i]) % p for i in box[k]], dtype=np.int64) for k in range(piece.K)]
    blocks = []
    for cls in piece.classes:
        acc = None
        for k in cls:
            M = np.ones((1, 1), dtype=np.int64)
            for j, T in enumerate(box):
                M = np.kron(M, np.eye(len(T), dtype=np.int64) if j == k else values[j][None, :]) % p
            acc = M if acc is None else (acc + M) % p
        blocks.append(acc)
    width = math.prod(len(T) for T in box)
    return np.vstack([b.reshape(-1, width) for b in blocks]) if blocks else np.zeros((0, width), dtype=np.int64)


def _union_columns(a_box, b_box) -> tuple[np.ndarray, int]:
    """Column of each tuple of box b (lexicographic) in box(a) ∪ box(b), whose columns are box a's
    tuples first (lexicographic) and then box b's other tuples; and the size of the union."""
    inside = np.ones(1, dtype=bool)
    position = np.zeros(1, dtype=np.int64)  # position in box a, meaningful where inside
    for Ta, Tb in zip(a_box, b_box):
        where = {v: n for n, v in enumerate(Ta)}
        pos = np.array([where.get(v, -1) for v in Tb], dtype=np.int64)
        position = (position[:, None] * len(Ta) + np.maximum(pos, 0)[None, :]).ravel()
        inside = (inside[:, None] & (pos >= 0)[None, :]).ravel()
    n_a = math.prod(len(T) for T in a_box)
    outside = ~inside
    position[outside] = n_a + np.arange(int(outside.sum()))
    return position, n_a + int(outside.sum())


def _gram_rank_mod(M: np.ndarray, p: int, budget: Budget | None) -> int:
    """rank of M M^T modulo p (≤ rank of M modulo p ≤ rank of M over Q), accumulated over
    column blocks of :data:`JOIN_BLOCK_CELLS` entries so that no more than one block is converted."""
    import flint

    n, width = M.shape
    if n == 0 or width == 0:
        return 0
    G = flint.nmod_mat(n, n, p)
    step = max(1, JOIN_BLOCK_CELLS // n)
    for start in range(0, width, step):
        block = M[:, start:start + step]
        if budget is not None:
            budget.charge(block.size // 10 + block.size * n // 2000, _PHASE)
        B = flint.nmod_mat(n, block.shape[1], block.ravel().tolist(), p)
        G += B * B.transpose()
    return G.rank()


def _gram_bits(piece: LinearPiece, bound: int) -> int:
    """An upper bound on log2 of ∏ ||v||^2 over the tangent vectors v of ``piece`` at integer
    points with coordinates in [-bound, bound]: each entry is a sum of |c| products of K − 1
    coordinates, each vector has at most |box| entries (Hadamard's bound for Gram minors)."""
    width = math.prod(len(T) for T in piece.box())
    bits = 0
    for cls, d in zip(piece.classes, piece.free_dimensions()):
        bits += d * (width * (len(cls) * bound ** (piece.K - 1)) ** 2).bit_length()
    return bits


def join_dimension(a: LinearPiece, b: LinearPiece, *, seed: int = 0, bound: int = SAMPLE_BOUND,
                   max_coordinates: int | None = MAX_JOIN_COORDINATES, budget: Budget | None = None,
                   exact: bool = False) -> JoinDimension:
    """dim J(P(M^L), P(M^L')) by Terracini's lemma at two random integer points.

    Parameters
    ----------
    a, b : LinearPiece
        M^L and M^L' (may be equal: J(X, X) is the secant variety, e.g. Σ_2 on the full model).
    seed : int
        Seed of the random points and of the prime (recorded in the result).
    bound : int
        Coordinates are uniform in [-bound, bound].
    max_coordinates : int or None
        Refuse (BudgetExceeded) when the tangent vectors reach more tensor coordinates.
    budget : Budget, optional
        Charged for the tangent vectors and the rank (default :meth:`Budget.default`).
    exact : bool
        Rank over Q (python-flint ``fmpz_mat``) instead of modulo a random prime: the same
        points, a smaller failure bound, much slower (module docstring).

    Returns
    -------
    JoinDimension
        value (probable dim J), proved lower and upper bounds, status, failure bound, seed.

    Notes
    -----
    Terracini's lemma: for cones X, Y and generic x ∈ X, y ∈ Y, T_{x+y} J(X, Y) = T_x X + T_y Y.
    The join J(P(M^L), P(M^L')) is the closure of P(M^L) − P(M^L') (paper, section 6), whose
    dimension enters Theorem 6.4.

    Examples
    --------
    >>> from algebra.models import LinearPiece
    >>> piece = LinearPiece(((0, 1, 2), (0, 1, 2)), ((0,), (1,)), (3, 3))   # 3 x 3 matrices
    >>> j = join_dimension(piece, piece)                  # rank <= 2: 4(S - 1) = 8 of 9
    >>> j.value, j.status, j.value == join_dimension(piece, piece, exact=True).value
    (8, 'probable', True)
    """
    budget = budget if budget is not None else Budget.default()
    rng = random.Random(seed)
    x = _sample(a, rng, bound)
    y = _sample(b, rng, bound)
    reached = _reachable_coordinates(a, b)
    upper = min(segre_image_dimension(a) + segre_image_dimension(b), reached)
    if exact:
        # per tie class c, |T_c| tangent vectors of |box| / |T_c| entries, each a product of K factors
        entries = sum(len(p.classes) * math.prod(len(t) for t in p.box()) for p in (a, b))
        budget.charge(5 * a.K * entries, _PHASE)
        r, _ = _rank_of_sparse(tangent_vectors(a, x) + tangent_vectors(b, y), max_coordinates, budget)
        prime_failure = Fraction(0)
    else:
        if max_coordinates is not None and reached > max_coordinates:
            raise BudgetExceeded(f"the tangent spaces reach {reached} > {max_coordinates} tensor coordinates",
                                 phase=_PHASE)
        p = _random_prime(rng)
        positions, width = _union_columns(a.box(), b.box())
        Ma, Mb = _tangent_matrix_mod(a, x, p), _tangent_matrix_mod(b, y, p)
        budget.charge((Ma.shape[0] + Mb.shape[0]) * width * a.K // 20, _PHASE)
        M = np.zeros((Ma.shape[0] + Mb.shape[0], width), dtype=np.int64)
        M[:Ma.shape[0], :Ma.shape[1]] = Ma
        M[Ma.shape[0]:, positions] = Mb
        with budget.alarm(_PHASE):
            r = _gram_rank_mod(M, p, budget)
        prime_failure = Fraction((_gram_bits(a, bound) + _gram_bits(b, bound)) // (PRIME_BITS - 1), PRIMES_IN_RANGE)
    if r == upper:
        status, fail = "proved", Fraction(0)
    else:
        fail = min(Fraction(1), Fraction(upper * (a.K - 1), 2 * bound + 1) + prime_failure)
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
