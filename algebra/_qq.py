"""Small exact linear-algebra kernels over Q used by dimensions/identifiability (python-flint).

Private: the public exact-rank-with-witness API is :mod:`algebra.exact`. These kernels take
dense lists of rows of Fractions. Scaling a row by a non-zero integer changes neither the rank
nor the (right) nullspace, so each row is cleared of denominators and handed to flint's
``fmpz_mat`` (fraction-free, fast); results are converted back to Fractions.
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import flint

__all__ = ["rank", "nullspace", "independent_rows", "determinant"]


def _fmpz_rows(rows: Sequence[Sequence], ncols: int) -> flint.fmpz_mat:
    out = []
    for row in rows:
        row = [Fraction(x) for x in row]
        den = math.lcm(*(x.denominator for x in row)) if row else 1
        out.append([int(x * den) for x in row])
    if not out:
        return flint.fmpz_mat(0, ncols)
    return flint.fmpz_mat(out)


def rank(rows: Sequence[Sequence], ncols: int | None = None) -> int:
    """Exact rank of a rational matrix given by its rows.

    >>> rank([[1, 2], [2, 4], [0, Fraction(1, 3)]])
    2
    """
    if not rows:
        return 0
    return _fmpz_rows(rows, ncols or len(rows[0])).rank()


def nullspace(rows: Sequence[Sequence], ncols: int) -> list[list[Fraction]]:
    """A basis of {x : rows · x = 0}, primitive integer vectors with positive last non-zero entry.

    >>> [[int(x) for x in v] for v in nullspace([[1, 1, 0]], 3)]
    [[-1, 1, 0], [0, 0, 1]]
    """
    if ncols == 0:
        return []
    if not rows:
        return [[Fraction(int(i == j)) for i in range(ncols)] for j in range(ncols)]
    basis, nullity = _fmpz_rows(rows, ncols).nullspace()
    out = []
    for j in range(nullity):
        v = [int(basis[i, j]) for i in range(ncols)]
        g = math.gcd(*v) or 1
        last = next(x for x in reversed(v) if x)
        sign = 1 if last > 0 else -1
        out.append([Fraction(sign * x // g) for x in v])
    return out


def independent_rows(rows: Sequence[Sequence], ncols: int) -> list[int]:
    """Indices of a maximal set of linearly independent rows (first-come, greedy order).

    >>> independent_rows([[1, 2], [2, 4], [0, 1]], 2)
    [0, 2]
    """
    if not rows:
        return []
    # Pivot columns of rref(Mᵀ) are the first independent rows of M.
    t = _fmpz_rows(rows, ncols).transpose()
    r, rk = flint.fmpq_mat(t).rref()
    pivots = []
    col = 0
    for i in range(rk):
        while r[i, col] == 0:
            col += 1
        pivots.append(col)
        col += 1
    return pivots


def determinant(rows: Sequence[Sequence]) -> Fraction:
    """Exact determinant of a square rational matrix.

    >>> determinant([[1, 2], [3, Fraction(1, 2)]])
    Fraction(-11, 2)
    """
    if not rows:
        return Fraction(1)
    d = flint.fmpq_mat([[flint.fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in row] for row in rows]).det()
    return Fraction(int(d.p), int(d.q))
