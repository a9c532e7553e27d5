"""Exact arithmetic with one real algebraic number α, given by an integer polynomial χ and a
rational interval [lo, hi] with χ(lo) χ(hi) < 0.

Elements of Q[α] are univariate polynomials over Q (lists of Fractions, constant term first).
Two facts make witnesses built on them checkable with rationals only:

* **Identities modulo χ.** If F(q_1(T), ..., q_n(T)) is divisible by χ(T) as a polynomial, then
  F(q_1(β), ..., q_n(β)) = 0 at *every* root β of χ, in particular at α. χ need not be
  irreducible, and no root needs to be known exactly (:func:`poly_rem`).
* **Non-vanishing at α by enclosure.** A sign change χ(lo) χ(hi) < 0 means χ has a real root in
  (lo, hi). Bisecting while keeping a sign change (a midpoint root is then α itself, exactly)
  narrows the interval; once a polynomial q is enclosed away from 0 on the current interval
  [a, b] (:func:`enclosure`: |q(x) − q(c)| ≤ r Σ_i i |q_i| R^{i−1} for x in [a, b], c the
  midpoint, r the half-width, R = max(|a|, |b|)), q is non-zero at the root in [a, b]. Every
  condition must be decided on one and the same final interval, so all of them speak about
  the same root -- whichever root the bisection kept, even when χ has several roots in the
  first interval (:func:`separate_from_zero`). If q(α) = 0 the refinement never succeeds;
  the step bound turns that into a failure, never into a wrong "non-zero".

:func:`separate_from_zero` is the deterministic procedure a checker runs; a producer runs the
same one and writes the final interval, so the checker succeeds at step 0.

Examples
--------
α = √2 in [1, 2]: α² − 2 ≡ 0, and α − 1 ≠ 0 at α.

>>> chi = [-2, 0, 1]
>>> poly_rem(poly_mul([0, 1], [0, 1]), chi)
[Fraction(2, 1)]
>>> lo, hi = separate_from_zero(chi, Fraction(1), Fraction(2), [[Fraction(-1), Fraction(1)]])
>>> lo <= Fraction(1414, 1000) <= hi or lo <= Fraction(1415, 1000) <= hi
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

__all__ = [
    "Poly",
    "trim",
    "poly_add",
    "poly_sub",
    "poly_mul",
    "poly_scale",
    "poly_rem",
    "poly_eval",
    "enclosure",
    "sign_change",
    "bisect",
    "separate_from_zero",
    "NotSeparated",
]

Poly = list[Fraction]


class NotSeparated(Exception):
    """:func:`separate_from_zero` reached its step bound without enclosing every polynomial
    away from 0 (some may vanish at the root)."""


def trim(a: Sequence) -> Poly:
    """Drop trailing zero coefficients (the zero polynomial is [])."""
    out = [Fraction(x) for x in a]
    while out and out[-1] == 0:
        out.pop()
    return out


def poly_add(a: Sequence, b: Sequence) -> Poly:
    n = max(len(a), len(b))
    return trim([(a[i] if i < len(a) else 0) + (b[i] if i < len(b) else 0) for i in range(n)])


def poly_sub(a: Sequence, b: Sequence) -> Poly:
    n = max(len(a), len(b))
    return trim([(a[i] if i < len(a) else 0) - (b[i] if i < len(b) else 0) for i in range(n)])


def poly_scale(a: Sequence, c) -> Poly:
    return trim([Fraction(c) * x for x in a])


def poly_mul(a: Sequence, b: Sequence) -> Poly:
    """Product of two coefficient lists."""
    if not a or not b:
        return []
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return trim(out)


def poly_rem(a: Sequence, chi: Sequence) -> Poly:
    """The remainder of a modulo χ (χ of degree ≥ 1), degree < deg χ.

    >>> poly_rem([1, 0, 0, 1], [1, 1])   # 1 + T³ = (1 + T)(1 − T + T²)
    []
    """
    chi = trim(chi)
    if len(chi) < 2:
        raise ValueError("reduction modulo a polynomial of degree < 1")
    r = trim(a)
    lead = chi[-1]
    n = len(chi) - 1
    while len(r) > n:
        f = r[-1] / lead
        shift = len(r) - 1 - n
        for i, c in enumerate(chi):
            r[shift + i] -= f * c
        r = trim(r)
    return r


def poly_eval(a: Sequence, x) -> Fraction:
    """a(x) exactly (Horner)."""
    out = Fraction(0)
    for c in reversed(a):
        out = out * x + c
    return out


def enclosure(q: Sequence, lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction]:
    """A rational interval containing q(x) for every x in [lo, hi] (mean-value form, see the
    module docstring)."""
    c = (lo + hi) / 2
    r = (hi - lo) / 2
    R = max(abs(lo), abs(hi))
    slope = sum((i * abs(Fraction(qi)) * R ** (i - 1) for i, qi in enumerate(q) if i), Fraction(0))
    v = poly_eval(q, c)
    return v - r * slope, v + r * slope


def sign_change(chi: Sequence, lo: Fraction, hi: Fraction) -> bool:
    """χ(lo) χ(hi) < 0 (strict: neither end is a root)."""
    return lo < hi and poly_eval(chi, lo) * poly_eval(chi, hi) < 0


def bisect(chi: Sequence, lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction]:
    """Halve [lo, hi] keeping a sign change of χ; a midpoint root m gives [m, m] (α = m exactly)."""
    m = (lo + hi) / 2
    v = poly_eval(chi, m)
    if v == 0:
        return m, m
    return (lo, m) if poly_eval(chi, lo) * v < 0 else (m, hi)


def separate_from_zero(chi: Sequence, lo: Fraction, hi: Fraction, polys: Sequence[Sequence], *,
                       max_steps: int = 2000) -> tuple[Fraction, Fraction]:
    """The first interval of the bisection sequence of [lo, hi] on which every polynomial of
    ``polys`` is enclosed away from 0 (or, for a rational root [m, m], evaluates to non-zero).

    Raises ValueError if χ(lo) χ(hi) ≥ 0, and :class:`NotSeparated` after ``max_steps`` halvings.
    """
    lo, hi = Fraction(lo), Fraction(hi)
    if not sign_change(chi, lo, hi):
        raise ValueError("no sign change of the minimal polynomial on the interval")
    for _ in range(max_steps + 1):
        if lo == hi:
            if all(poly_eval(q, lo) != 0 for q in polys):
                return lo, hi
            raise NotSeparated("a polynomial vanishes at the (rational) root")
        if all(not (a <= 0 <= b) for a, b in (enclosure(q, lo, hi) for q in polys)):
            return lo, hi
        lo, hi = bisect(chi, lo, hi)
    raise NotSeparated(f"not separated from 0 after {max_steps} halvings")
