"""A rigorous rational enclosure of σ_min(A), the smallest non-zero singular value (section 7).

The stability bounds of section 7 (Theorem 7.2; Proposition 8.3: σ_min = √N for a single-path
scattered convolutional network) divide by σ_min. :mod:`algebra.singular_values` computes it
in floating point (a ``numeric`` claim); this module proves an interval for it, for small A.

Method (exact, over Q):

1. Gram matrix G on the smaller side: AᵀA over the non-zero columns, or A Aᵀ over the
   non-zero rows; both have the non-zero eigenvalues σ_i² of A. Entries are scaled to integers
   (A = A_int / d, G = G_int / d²).
2. χ(x) = det(x I - G_int) exactly (python-flint ``fmpz_mat.charpoly``). G is symmetric, so
   the multiplicity of the root 0 is dim Ker G = n - rank A: dividing out the trailing zero
   coefficients leaves q(x) = χ(x) / x^{n-r}, whose roots are exactly the d² σ_i², all real
   and positive. r is cross-checked against ``fmpz_mat.rank``.
3. Because every root of q is real, Descartes' rule of signs is exact: the number of roots
   greater than c (with multiplicity) equals the number of sign variations of the
   coefficients of q(x + c). So "λ_min > c" iff V(q(x + c)) = deg q, an exact test at any
   rational c. A numeric bracket is verified with it and refined by bisection until its
   relative width is below 2^-bits; if the numeric guess fails the test, bisection starts
   from [0, trace G_int] (trace ≥ λ_max). A rational λ_min (q(c) = 0 with no root below c)
   is returned exactly, lo = hi.

Result: λ_min = σ_min² ∈ [lo, hi] with rational lo, hi, hence σ_min ∈ [√lo, √hi]; also
rational bounds ``sigma_lo <= σ_min <= sigma_hi`` on σ_min itself.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Hashable, Mapping

import flint

from .budget import Budget
from .errors import BudgetExceeded, InternalError
from .limits import MAX_ENCLOSURE_GRAM_SIDE
from .rational import CLEARING_BITS_PER_UNIT, clearing_units

__all__ = ["SigmaEnclosure", "sigma_min_enclosure", "descartes_roots_above"]


@dataclass(frozen=True)
class SigmaEnclosure:
    """σ_min(A)² ∈ [lo, hi] exactly; σ_min ∈ [sigma_lo, sigma_hi].

    Attributes
    ----------
    lo, hi : Fraction
        Rational bounds on λ_min = σ_min², the smallest non-zero eigenvalue of AᵀA.
    sigma_lo, sigma_hi : Fraction
        Rational bounds on σ_min itself (sigma_lo² <= lo, sigma_hi² >= hi).
    exact : bool
        True when λ_min is rational and lo = hi = λ_min.
    rank : int
        The exact rank of A (number of non-zero singular values, with multiplicity).
    multiplicity : int
        When ``exact``: how many singular values equal σ_min. Otherwise: how many singular
        values (with multiplicity) have their square in (lo, hi] -- an upper bound on the
        multiplicity of σ_min (a distinct eigenvalue closer than the interval width would be
        counted too).
    numeric : float or None
        σ_min from numpy (dense SVD), for comparison.
    gram_side : "AtA" or "AAt"
    degree : int
        deg q = rank.
    status : str
        Always ``proved``: every bound rests on exact arithmetic only (the floats are guesses
        that the exact tests accept or reject). A = 0 gives rank 0 and lo = hi = 0.
    seconds : float
    scale : int
        d, the lcm of A's denominators: the Gram matrix of the integer matrix d A is the one
        whose characteristic polynomial is ``charpoly``.
    charpoly : tuple of int
        det(x I - G) of that integer Gram matrix on ``gram_side``, highest degree first (the
        certificate's ``stable`` witness, ``docs/certificate-format.md``).
    """

    lo: Fraction
    hi: Fraction
    sigma_lo: Fraction
    sigma_hi: Fraction
    exact: bool
    rank: int
    multiplicity: int
    numeric: float | None
    gram_side: str
    degree: int
    status: str
    seconds: float
    scale: int = 1
    charpoly: tuple[int, ...] = ()


_PHASE = "sigma_min enclosure"


# ------------------------------------------------------------------------- exact root tests
def _variations(coeffs) -> int:
    signs = [c > 0 for c in coeffs if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def descartes_roots_above(q: flint.fmpq_poly, c: Fraction) -> int:
    """Number of roots of q greater than c, *assuming all roots of q are real*.

    Descartes' rule of signs on q(x + c) counts positive roots exactly when all are real.
    A root at c itself is not counted.

    >>> q = flint.fmpq_poly([6, -5, 1])  # (x - 2)(x - 3)
    >>> [descartes_roots_above(q, Fraction(c)) for c in (1, 2, 5, 3)]
    [2, 1, 0, 0]
    """
    shifted = q(flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator), 1]))
    coeffs = [Fraction(int(x.p), int(x.q)) for x in shifted.coeffs()]
    while coeffs and coeffs[0] == 0:  # roots at c: x^m factor
        coeffs.pop(0)
    return _variations(coeffs)


def _to_fraction(x: float) -> Fraction:
    return Fraction(x)  # exact binary value of the float


def _isqrt_bounds(x: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    """Rationals s_lo <= √x <= s_hi with relative width about 2^-bits."""
    if x == 0:
        return Fraction(0), Fraction(0)
    scale = 1 << (2 * bits)
    n = x.numerator * scale // x.denominator  # floor(x * 4^bits)
    r = math.isqrt(n)
    lo = Fraction(r, 1 << bits)
    n_up = -((-x.numerator * scale) // x.denominator)  # ceil
    r_up = math.isqrt(n_up)
    if r_up * r_up < n_up:
        r_up += 1
    hi = Fraction(r_up, 1 << bits)
    if not lo * lo <= x <= hi * hi:
        raise InternalError(f"square-root enclosure [{lo}, {hi}] misses sqrt({x})")
    return lo, hi


# ------------------------------------------------------------------------- Gram matrix
def _columns_of(A, n_rows: int | None):
    if hasattr(A, "columns") and hasattr(A, "n_rows"):
        return A.columns, A.n_rows
    if n_rows is None:
        raise ValueError("give n_rows with a columns mapping")
    return A, n_rows


def _integer_gram(columns: Mapping[Hashable, Mapping[int, object]]) -> tuple[flint.fmpz_mat, int, str, list]:
    """(G_int, d, side, dense float rows): G = G_int / d², side "AtA" or "AAt"."""
    cols = [{r: Fraction(v) for r, v in col.items() if v} for col in columns.values()]
    cols = [c for c in cols if c]
    rows = sorted({r for c in cols for r in c})
    row_index = {r: i for i, r in enumerate(rows)}
    d = 1
    for c in cols:
        for v in c.values():
            d = math.lcm(d, v.denominator)
    m, n = len(rows), len(cols)
    dense = [[0] * n for _ in range(m)]
    for j, c in enumerate(cols):
        for r, v in c.items():
            dense[row_index[r]][j] = int(v * d)
    A_int = flint.fmpz_mat(dense) if m and n else flint.fmpz_mat(0, 0)
    if n <= m:
        return A_int.transpose() * A_int, d, "AtA", dense
    return A_int * A_int.transpose(), d, "AAt", dense


# ------------------------------------------------------------------------- main
def sigma_min_enclosure(A, *, n_rows: int | None = None, bits: int = 40,
                        budget: Budget | None = None) -> SigmaEnclosure:
    """Prove rational bounds on σ_min(A), the smallest non-zero singular value of A.

    Parameters
    ----------
    A : LiftingOperator or mapping
        A lifting operator, or columns {key: {row: rational}} (then give ``n_rows``).
    bits : int
        Target relative width 2^-bits of the interval (ignored when λ_min is rational).
    budget : Budget, optional
        Charged for the Gram matrix, its characteristic polynomial and each bisection step
        (default :meth:`Budget.default`).

    Returns
    -------
    SigmaEnclosure

    Raises
    ------
    BudgetExceeded
        The Gram matrix side exceeds ``algebra.limits.MAX_ENCLOSURE_GRAM_SIDE``.

    Examples
    --------
    A = [[1, 1], [0, 1]]: AᵀA has eigenvalues (3 ± √5)/2, so σ_min = (√5 - 1)/2 = 0.618...

    >>> e = sigma_min_enclosure({0: {0: 1}, 1: {0: 1, 1: 1}}, n_rows=2, bits=30)
    >>> e.rank, e.exact, float(e.sigma_lo) <= (5 ** 0.5 - 1) / 2 <= float(e.sigma_hi)
    (2, False, True)
    >>> p = lambda x: x * x - 3 * x + 1  # λ² - 3λ + 1: > 0 below its smaller root, < 0 above
    >>> p(e.lo) > 0 > p(e.hi) and e.hi - e.lo < 2 ** -29
    True

    The lifting of a 2 x 2 matrix product: A Aᵀ = 2 I, so σ_min = √2 exactly (rational λ):

    >>> from algebra.network import Layer, MultilinearMap
    >>> from algebra.lifting import lifting_operator
    >>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
    >>> e = sigma_min_enclosure(lifting_operator(MultilinearMap([full, full])))
    >>> e.lo, e.hi, e.exact, e.multiplicity, e.gram_side
    (Fraction(2, 1), Fraction(2, 1), True, 4, 'AAt')

    Notes
    -----
    σ_min enters Theorem 7.2 and the deep-NSP discussion after Definition 7.1; Proposition 8.3
    gives σ_min = √N for single-path sufficiently scattered convolutional networks.
    """
    start = time.perf_counter()
    budget = budget if budget is not None else Budget.default()
    columns, n_rows = _columns_of(A, n_rows)
    entries = sum(len(col) for col in columns.values())
    side_bound = min(sum(1 for col in columns.values() if col), len({r for col in columns.values() for r in col}))
    if side_bound > MAX_ENCLOSURE_GRAM_SIDE:
        raise BudgetExceeded(f"Gram matrix side {side_bound} exceeds MAX_ENCLOSURE_GRAM_SIDE = {MAX_ENCLOSURE_GRAM_SIDE} "
                             "(use algebra.singular_values.sigma_min for a numeric value)", phase=_PHASE)
    # the Gram product and the characteristic polynomial: ~n^3 and ~n^4 big-integer operations,
    # on integers of ~`size` bits once every column is scaled by the common denominator
    values = [v for col in columns.values() for v in col.values()]
    size = sum(d.bit_length() for d in {Fraction(v).denominator for v in values}) + max(
        (Fraction(v).numerator.bit_length() for v in values), default=0)
    growth = 1 + size * size // CLEARING_BITS_PER_UNIT
    budget.charge(entries + clearing_units(values) + side_bound ** 3 * growth
                  + side_bound ** 4 // 100 * (1 + (side_bound * size) ** 2 // CLEARING_BITS_PER_UNIT), _PHASE)
    with budget.alarm(_PHASE):
        G, d, side, dense = _integer_gram(columns)
        n = G.nrows()
        if n == 0:
            zero = Fraction(0)
            return SigmaEnclosure(zero, zero, zero, zero, True, 0, 0, None, side, 0, "proved",
                                  time.perf_counter() - start, d, (1,))
        chi = G.charpoly()
    coeffs = [int(c) for c in chi.coeffs()]  # constant term first
    nullity = next(i for i, c in enumerate(coeffs) if c != 0)
    rank = n - nullity
    if rank != G.rank():
        raise ArithmeticError("charpoly nullity disagrees with the exact rank")  # pragma: no cover
    q = flint.fmpq_poly(coeffs[nullity:])  # roots: d² σ_i², all real and positive
    scale = Fraction(d * d)

    # numeric guess for λ_min (of G_int), from numpy
    import numpy as np

    try:  # entries beyond the float range: no guess, the bracket starts from [0, trace]
        with np.errstate(over="raise", invalid="raise"):
            sv = np.linalg.svd(np.array(dense, dtype=float), compute_uv=False)
            numeric = float(sv[rank - 1]) / d if rank else None
            lam_num = float(sv[rank - 1]) ** 2 if rank else 0.0
        if not math.isfinite(lam_num):
            raise OverflowError
    except (OverflowError, FloatingPointError, np.linalg.LinAlgError):
        numeric, lam_num = None, None

    # exact rational λ_min? try the nearest simple rational to the numeric guess
    exact = False
    multiplicity = 0
    cand = Fraction(lam_num).limit_denominator(1000) if lam_num is not None else Fraction(0)
    if cand > 0 and q(flint.fmpq(cand.numerator, cand.denominator)) == 0:
        above = descartes_roots_above(q, cand)
        m = 0
        p = q
        root = flint.fmpq_poly([flint.fmpq(-cand.numerator, cand.denominator), 1])
        while True:
            quo, rem = divmod(p, root)
            if rem != 0:
                break
            p, m = quo, m + 1
        if above + m == rank:  # no root below cand
            lo = hi = cand
            exact, multiplicity = True, m
    if not exact:
        lo, hi = _bracket(q, rank, lam_num, G)
        while hi - lo > hi * Fraction(1, 1 << bits):
            budget.charge(rank * rank, _PHASE)  # one Descartes count: a shift of q, O(deg^2)
            mid = (lo + hi) / 2
            if descartes_roots_above(q, mid) == rank:
                lo = mid
            else:
                hi = mid
        # simplify the endpoints (keeps the proof: re-tested below)
        lo = _simplify_below(q, rank, lo, hi)
        multiplicity = rank - descartes_roots_above(q, hi) - _roots_below_or_at(q, rank, lo)
    lo, hi = lo / scale, hi / scale
    s_lo, _ = _isqrt_bounds(lo, bits + 2)
    _, s_hi = _isqrt_bounds(hi, bits + 2)
    return SigmaEnclosure(lo, hi, s_lo, s_hi, exact, rank, multiplicity, numeric, side, q.degree(),
                          "proved", time.perf_counter() - start, d, tuple(reversed(coeffs)))


def _roots_below_or_at(q, rank, c) -> int:
    return rank - descartes_roots_above(q, c)


def _bracket(q: flint.fmpq_poly, rank: int, lam: float | None, G: flint.fmpz_mat) -> tuple[Fraction, Fraction]:
    """An exactly verified bracket lo < λ_min <= hi (λ_min of q); ``lam`` is a float guess or None."""
    for rel in ((1e-9, 1e-6, 1e-3) if lam is not None else ()):
        lo, hi = _to_fraction(lam * (1 - rel)), _to_fraction(lam * (1 + rel))
        if lo > 0 and descartes_roots_above(q, lo) == rank and descartes_roots_above(q, hi) < rank:
            return lo, hi
    trace = sum(int(G[i, i]) for i in range(G.nrows()))
    return Fraction(0), Fraction(trace)  # 0 is not a root of q; trace >= λ_max


def _simplify_below(q, rank, lo: Fraction, hi: Fraction) -> Fraction:
    """A simpler rational in [lo, hi) still below every root (shorter certificates)."""
    for den in (10 ** k for k in range(1, 40)):
        c = Fraction(math.ceil(lo * den), den)
        if c < hi and descartes_roots_above(q, c) == rank:
            return c
    return lo
