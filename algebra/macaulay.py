"""Macaulay-matrix certificates that homogeneous forms have no common non-zero zero over C.

Let f_1, ..., f_s ∈ Z[z_1..z_d] be homogeneous forms. The **Macaulay matrix in degree D** has
one row per product m·f_j, m a monomial of degree D − deg f_j, and one column per monomial of
degree D; row m·f_j holds the coefficients of m·f_j. If it has full column rank over Q, every
monomial of degree D is a Q-linear combination of the products m·f_j, hence lies in the ideal
I = (f_1, ..., f_s). Then for any common zero z ∈ C^d of the f_j every monomial of degree D
vanishes at z, in particular z_i^D = 0 for all i: z = 0. So the projective variety
V(f_1, ..., f_s) ⊂ P^{d−1} is empty. (Only this direction is used; it needs no Nullstellensatz.
Conversely, by the projective Nullstellensatz such a D exists whenever the variety is empty --
which is why searching for one is not hopeless, but nothing rests on it.)

Full column rank is shown by a **square block**: as many listed rows as there are columns,
forming a matrix that is non-singular modulo a prime p. Its determinant is an integer (the
forms have integer coefficients) that is non-zero modulo p, hence non-zero: the rows are
linearly independent over Q, and the Macaulay matrix has full column rank.

A checker re-verifies a certificate (:class:`MacaulayCertificate`) with integers only: rebuild
the listed rows from the forms, check that p is prime (it is not even needed for soundness --
Gaussian elimination modulo any integer n that finds every pivot invertible shows det is a unit
modulo n, so non-zero -- but a prime makes the elimination never stall), and eliminate mod p.
:func:`check_macaulay_certificate` is that re-verification, in plain Python.

The search (:func:`macaulay_certificate`) picks a basis of the span of the forms, then the
smallest D whose Macaulay matrix has full rank modulo p (python-flint ``nmod_mat``), then a
square block of rows greedily in form order (so few forms are used), within a bound on the
number of columns (the checker's elimination costs ~ columns³ / 3).

Examples
--------
z_1³, z_2³ and z_1 z_2 (z_1 + z_2) have only the zero common zero: degree 4 suffices.

>>> forms = [{(3, 0): 1}, {(0, 3): 1}, {(2, 1): 1, (1, 2): 1}]
>>> cert = macaulay_certificate(forms, 2, max_columns=100)
>>> cert.degree, len(cert.rows), check_macaulay_certificate(forms, 2, cert)
(4, 5, True)

z_1 z_2 vanishes on two lines: no certificate exists in any degree.

>>> macaulay_certificate([{(1, 1): 1}], 2, max_columns=100) is None
True
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Mapping, Sequence

import flint

from .budget import Budget
from .errors import InternalError

__all__ = ["MacaulayCertificate", "macaulay_certificate", "check_macaulay_certificate", "monomials_of_degree",
           "is_prime"]

Monomial = tuple[int, ...]
Form = Mapping[Monomial, int]

_PRIME_BITS = 62  # nmod_mat works modulo word-size integers; a unlucky prime has probability ~ deg / 2^62


@dataclass(frozen=True)
class MacaulayCertificate:
    """A square non-singular block of the Macaulay matrix in degree ``degree``, modulo ``prime``.

    ``rows[i] = (j, m)``: the row m·f_j (index j into the forms handed to the search, exponent
    tuple m of degree ``degree − deg f_j``). There are exactly C(degree + d − 1, d − 1) rows.
    ``forms_used`` lists the distinct j, increasing.
    """

    degree: int
    prime: int
    rows: tuple[tuple[int, Monomial], ...]

    @property
    def forms_used(self) -> tuple[int, ...]:
        return tuple(sorted({j for j, _ in self.rows}))


def monomials_of_degree(degree: int, nvars: int) -> list[Monomial]:
    """All exponent tuples of total degree ``degree`` in ``nvars`` variables (lexicographic).

    >>> monomials_of_degree(2, 2)
    [(0, 2), (1, 1), (2, 0)]
    """
    if nvars == 0:
        return [()] if degree == 0 else []
    out = []
    for first in range(degree + 1):
        for rest in monomials_of_degree(degree - first, nvars - 1):
            out.append((first,) + rest)
    return out


def is_prime(n: int) -> bool:
    """Deterministic primality for n < 3.3 · 10^24 (Miller-Rabin with the first 12 prime bases,
    which has no strong pseudoprime below that bound), exact trial division below 10^6.

    >>> [n for n in range(30) if is_prime(n)], is_prime(2**61 - 1), is_prime(2**61 + 1)
    ([2, 3, 5, 7, 11, 13, 17, 19, 23, 29], True, False)
    """
    if n < 2:
        return False
    small = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    for q in small:
        if n % q == 0:
            return n == q
    if n >= 3_317_044_064_679_887_385_961_981:
        raise ValueError("is_prime is deterministic only below 3.3e24")
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for a in small:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(rng: random.Random) -> int:
    while True:
        n = rng.getrandbits(_PRIME_BITS) | (1 << (_PRIME_BITS - 1)) | 1
        if is_prime(n):
            return n


def _degree(form: Form) -> int:
    degrees = {sum(m) for m in form}
    if len(degrees) != 1:
        raise ValueError(f"expected a non-zero homogeneous form, got degrees {sorted(degrees)}")
    return degrees.pop()


def _row(form: Form, multiplier: Monomial, index: Mapping[Monomial, int], p: int) -> dict[int, int]:
    out: dict[int, int] = {}
    for m, c in form.items():
        col = index[tuple(a + b for a, b in zip(m, multiplier))]
        out[col] = (out.get(col, 0) + c) % p
    return {k: v for k, v in out.items() if v}


def _rank_and_pivot_rows(rows: Sequence[Mapping[int, int]], ncols: int, p: int) -> tuple[int, list[int]]:
    """Rank mod p of the sparse rows, and the first maximal independent set of them (in order).

    Pivot columns of rref(Mᵀ) are the first independent rows of M (python-flint nmod_mat)."""
    if not rows:
        return 0, []
    Mt = flint.nmod_mat(ncols, len(rows), p)
    for i, row in enumerate(rows):
        for c, v in row.items():
            Mt[c, i] = v
    R, rank = Mt.rref()
    pivots = []
    col = 0
    for r in range(rank):
        while int(R[r, col]) == 0:
            col += 1
        pivots.append(col)
        col += 1
    return rank, pivots


def macaulay_certificate(forms: Sequence[Form], nvars: int, *, max_columns: int, seed: int = 0,
                         budget: Budget | None = None, min_degree: int | None = None,
                         max_degree: int | None = None) -> MacaulayCertificate | None:
    """The smallest-degree Macaulay certificate that ``forms`` have no common zero but 0 (see the
    module docstring), or None when none exists with at most ``max_columns`` columns.

    Parameters
    ----------
    forms : homogeneous forms with integer coefficients ({exponent tuple: int}); zero forms are ignored
    nvars : d, the number of variables (d ≥ 1)
    max_columns : the largest C(D + d − 1, d − 1) tried
    seed : chooses the prime
    budget : charged ~ rows x columns per rank computation
    min_degree : the first degree D tried (default: the largest form degree)
    max_degree : the last degree tried (default: as far as ``max_columns`` allows)

    Returns
    -------
    MacaulayCertificate or None
        None also when the forms do have a common non-zero zero (then no degree works).
    """
    if nvars < 1:
        raise ValueError("need at least one variable")
    live = [(j, dict(f)) for j, f in enumerate(forms) if any(f.values())]
    if not live:
        return None
    degrees = {j: _degree(f) for j, f in live}
    first = max(degrees.values()) if min_degree is None else min_degree
    if math.comb(first + nvars - 1, nvars - 1) > max_columns:
        return None
    p = _random_prime(random.Random(seed))
    # A basis of the forms' span, degree by degree (a dependent form adds no row space).
    basis: list[tuple[int, dict]] = []
    for deg in sorted(set(degrees.values())):
        same = [(j, f) for j, f in live if degrees[j] == deg]
        cols = monomials_of_degree(deg, nvars)
        if len(cols) > 40 * max_columns:
            continue
        index = {m: i for i, m in enumerate(cols)}
        if budget is not None:
            budget.charge(len(same) * len(cols), "Macaulay matrix")
        _, keep = _rank_and_pivot_rows([_row(f, (0,) * nvars, index, p) for _, f in same], len(cols), p)
        basis += [same[i] for i in keep]
    D = first
    while math.comb(D + nvars - 1, nvars - 1) <= max_columns and (max_degree is None or D <= max_degree):
        cols = monomials_of_degree(D, nvars)
        index = {m: i for i, m in enumerate(cols)}
        labels, rows = [], []
        for j, f in basis:
            if degrees[j] > D:
                continue
            for m in monomials_of_degree(D - degrees[j], nvars):
                labels.append((j, m))
                rows.append(_row(f, m, index, p))
        if budget is not None:
            budget.charge(len(rows) * len(cols), "Macaulay matrix")
        if len(rows) >= len(cols):
            rank, pivots = _rank_and_pivot_rows(rows, len(cols), p)
            if rank == len(cols):
                cert = MacaulayCertificate(D, p, tuple(labels[i] for i in pivots))
                if not _block_is_nonsingular(forms, nvars, cert):
                    raise InternalError("the chosen Macaulay block is singular modulo its prime")
                return cert
        D += 1
    return None


def _block_is_nonsingular(forms: Sequence[Form], nvars: int, cert: MacaulayCertificate) -> bool:
    """The producer's own re-check of the square block (python-flint, rank of the block alone)."""
    cols = monomials_of_degree(cert.degree, nvars)
    if len(cert.rows) != len(cols):
        return False
    index = {m: i for i, m in enumerate(cols)}
    M = flint.nmod_mat(len(cols), len(cols), cert.prime)
    for i, (j, m) in enumerate(cert.rows):
        for c, v in _row(forms[j], m, index, cert.prime).items():
            M[i, c] = v
    return M.rank() == len(cols)


def check_macaulay_certificate(forms: Sequence[Form], nvars: int, cert: MacaulayCertificate) -> bool:
    """Re-verify a certificate with Python integers only: the prime, the row labels, and Gaussian
    elimination of the square block modulo the prime (see the module docstring)."""
    p = cert.prime
    if not is_prime(p):
        return False
    cols = monomials_of_degree(cert.degree, nvars)
    if len(cert.rows) != len(cols) or len(set(cert.rows)) != len(cert.rows):
        return False
    index = {m: i for i, m in enumerate(cols)}
    rows = []
    for j, m in cert.rows:
        if not 0 <= j < len(forms) or len(m) != nvars or min(m, default=0) < 0:
            return False
        if sum(m) + _degree(forms[j]) != cert.degree:
            return False
        rows.append(_row(forms[j], m, index, p))
    # sparse elimination mod p: each row is reduced against the pivots found so far
    pivots: dict[int, dict[int, int]] = {}
    for row in rows:
        row = dict(row)
        while row:
            c = min(row)
            if c not in pivots:
                inv = pow(row[c], -1, p)
                pivots[c] = {k: v * inv % p for k, v in row.items()}
                break
            f = row[c]
            for k, v in pivots[c].items():
                x = (row.get(k, 0) - f * v) % p
                if x:
                    row[k] = x
                else:
                    row.pop(k, None)
        else:
            return False
    return len(pivots) == len(cols)

