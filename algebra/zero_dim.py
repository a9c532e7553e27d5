"""Zero-dimensional polynomial systems over Q: separating forms and univariate representations.

Given the quotient algebra Q[x]/I of a zero-dimensional ideal (:mod:`algebra.groebner`), this
module turns its finitely many points over C into univariate data:

* a **separating linear form** t = Σ c_i x_i whose characteristic polynomial χ_t on Q[x]/I is
  squarefree. Stickelberger: χ_t = ∏_p (X − t(p))^{mult p}, so squarefree χ_t means I is
  radical and t takes distinct values at distinct points. If no seeded form gives a squarefree
  χ_t, I is replaced by its radical I + (sqf χ_{x_1}(x_1), ..., sqf χ_{x_n}(x_n)) (Seidenberg's
  lemma; χ_{x_i}(x_i) ∈ I by Cayley-Hamilton) and the forms are tried again;
* the **univariate representation** (:func:`univariate_representation`): polynomials q_i of
  degree < deg χ_t with x_i ≡ q_i(t) modulo I. Then every point p is (q_1(τ), ..., q_n(τ)) for
  the root τ = t(p) of χ_t, and for any polynomial F of the system, F(q_1(T), ..., q_n(T)) is
  divisible by χ_t(T) (it lies in I ∩ Q[t] = (χ_t)). Real points are the real roots of χ_t
  (t has rational coefficients and the point set is closed under complex conjugation).

Over Q the Gröbner basis itself can be the bottleneck (coefficient growth: a 20-point slice of
an incidence variety took 27 s with Singular's modStd and over 120 s with std, against 0.03 s
modulo a prime). :func:`modular_univariate_data` therefore computes, modulo several primes,
only the matrix of multiplication by t and the normal forms of the variables (Singular), forms
χ_t and the coordinates modulo each prime, and recovers them over Q by Chinese remaindering and
rational reconstruction, in *rational univariate* form x_i = h_i(t) / f'(t) modulo the one
factor f of χ_t that is needed (Rouillier's trick: the h_i have heights like f's, the q_i far
larger). The reconstruction is right only with high probability, so callers verify exactly what
they build from it (:mod:`algebra.real_witness` checks its witness before returning it).

Users: the exact fibres of :mod:`algebra.fibres` (counting classes, rational points) and the
real algebraic witnesses of :mod:`algebra.real_witness`.

Examples
--------
x² = 2, y = x + 1: two real points; t = x + 2y separates them.

>>> from fractions import Fraction
>>> from algebra.groebner import quotient
>>> q = quotient("sympy", [{(2, 0): Fraction(1), (0, 0): Fraction(-2)},
...                        {(0, 1): Fraction(1), (1, 0): Fraction(-1), (0, 0): Fraction(-1)}], 2)
>>> form = separating_form([], q, "sympy", seed=0)
>>> form.chi.degree(), count_real_roots(form.chi)
(2, 2)
>>> rep = univariate_representation(form)
>>> len(rep), all(len(r) <= 2 for r in rep)
(2, True)
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import flint

from .errors import InternalError
from .groebner import ModularQuotient, Polynomial, Quotient, quotient, quotients_mod_primes

__all__ = [
    "SeparatingForm",
    "separating_form",
    "charpoly_of_form",
    "is_squarefree",
    "squarefree_part",
    "count_real_roots",
    "rational_roots",
    "point_for_root",
    "univariate_representation",
    "seidenberg_radical",
    "to_fractions",
    "rational_reconstruction",
    "UnivariateData",
    "exact_univariate_data",
    "modular_univariate_data",
    "modular_dimension",
]

_ATTEMPTS = 8  # seeded forms per ideal; each fails only on a proper Zariski-closed set of forms


@dataclass(frozen=True)
class SeparatingForm:
    """t = Σ coeffs[i] x_i with squarefree characteristic polynomial ``chi`` on ``quotient``.

    ``quotient`` is Q[x]/I of the radical ideal actually used (I itself, or its Seidenberg
    radical); ``radical`` says which.
    """

    coeffs: tuple[int, ...]
    chi: flint.fmpq_poly
    quotient: Quotient
    radical: bool

    def matrix(self) -> flint.fmpq_mat:
        """The matrix of multiplication by t on ``quotient``."""
        D = self.quotient.dim
        m = flint.fmpq_mat(D, D)
        for c, M in zip(self.coeffs, self.quotient.mult):
            if c:
                m = m + M * c
        return m


def charpoly_of_form(mats: Sequence[flint.fmpq_mat], coeffs: Sequence[int]) -> flint.fmpq_poly:
    """The characteristic polynomial of multiplication by Σ coeffs[i] x_i."""
    D = mats[0].nrows()
    m = flint.fmpq_mat(D, D)
    for c, M in zip(coeffs, mats):
        if c:
            m = m + M * c
    return m.charpoly()


def is_squarefree(p: flint.fmpq_poly) -> bool:
    """Whether p has no repeated factor (gcd(p, p') constant)."""
    return p.degree() <= 0 or p.gcd(p.derivative()).degree() == 0


def squarefree_part(p: flint.fmpq_poly) -> flint.fmpq_poly:
    """p / gcd(p, p'): the product of p's distinct irreducible factors (up to a constant)."""
    g = p.gcd(p.derivative())
    q, _ = divmod(p, g)
    return q


def count_real_roots(p: flint.fmpq_poly) -> int:
    """Distinct real roots of a squarefree rational polynomial, exactly.

    arb root isolation (``arb_fmpz_poly_complex_roots``): certified disjoint enclosures, and
    real roots are returned with an exactly zero imaginary part. The tests cross-check it with
    sympy's Sturm-sequence ``count_roots`` (which took 80 s at degree 70, hence not used here).
    """
    if p.degree() <= 0:
        return 0
    den = p.denom()
    num = flint.fmpz_poly([int((c * den).p) for c in p.coeffs()])
    return sum(1 for z, _ in num.complex_roots() if z.imag.is_zero())


def rational_roots(p: flint.fmpq_poly) -> list[Fraction]:
    """The rational roots of p (its linear factors over Q), in factor order."""
    out = []
    for f, _ in p.factor()[1]:
        if f.degree() == 1:
            c = f.coeffs()
            root = -c[0] / c[1]
            out.append(Fraction(int(root.p), int(root.q)))
    return out


def to_fractions(p) -> list[Fraction]:
    """The coefficients of p as Fractions, constant term first."""
    return [Fraction(int(c.p), int(c.q)) for c in p.coeffs()]


def point_for_root(form: SeparatingForm, tau: Fraction) -> list[Fraction]:
    """Coordinates of the (unique) point p with t(p) = tau, a rational root of χ_t.

    The evaluation row vector ev_p = (b(p))_b is the left eigenvector of M_t for tau; the
    coordinate x_i(p) is (ev_p M_{x_i})[1] / ev_p[1].
    """
    q = form.quotient
    D = q.dim
    shift = flint.fmpq_mat(D, D)
    for i in range(D):
        shift[i, i] = flint.fmpq(tau.numerator, tau.denominator)
    rref, rank = (form.matrix().transpose() - shift).rref()
    if rank != D - 1:
        raise InternalError("the eigenvalue of a separating form must be simple")
    pivots = []
    row = 0
    for col in range(D):
        if row < rank and rref[row, col] != 0:
            pivots.append(col)
            row += 1
    free = next(c for c in range(D) if c not in pivots)
    v = [flint.fmpq(0)] * D
    v[free] = flint.fmpq(1)
    for r, col in enumerate(pivots):
        v[col] = -rref[r, free]
    one = q.basis.index((0,) * q.nvars)
    vrow = flint.fmpq_mat(1, D, v)
    coords = []
    for M in q.mult:
        w = vrow * M
        val = w[0, one] / v[one]
        coords.append(Fraction(int(val.p), int(val.q)))
    return coords


def seidenberg_radical(polys: Sequence[Polynomial], q: Quotient) -> list[Polynomial]:
    """Generators of √I: I + (squarefree part of χ_{x_i}(x_i), every i) (Seidenberg's lemma;
    χ_{x_i}(x_i) ∈ I by Cayley-Hamilton on Q[x]/I)."""
    n = q.nvars
    out = list(polys)
    for i in range(n):
        sq = squarefree_part(q.mult[i].charpoly())
        out.append({tuple(d if j == i else 0 for j in range(n)): Fraction(int(c.p), int(c.q))
                    for d, c in enumerate(sq.coeffs()) if c != 0})
    return out


def separating_form(polys: Sequence[Polynomial], q: Quotient, backend: str, seed: int, *,
                    timeout: float | None = None) -> SeparatingForm:
    """A seeded linear form with squarefree χ_t on Q[x]/I (or on Q[x]/√I, see the module docstring).

    ``polys`` generate I (needed only if the radical must be computed); ``q`` is Q[x]/I,
    zero-dimensional with at least one variable.
    """
    if q.dimension != 0 or q.nvars == 0:
        raise InternalError("separating_form needs a zero-dimensional quotient in at least one variable")
    rng = random.Random(seed)
    current, radical = q, False
    for attempt in range(_ATTEMPTS):
        coeffs = tuple(rng.randint(1, 10 * (attempt + 1) * q.nvars) for _ in range(q.nvars))
        chi = charpoly_of_form(current.mult, coeffs)
        if is_squarefree(chi):  # radical ideal and t separates its points
            return SeparatingForm(coeffs, chi, current, radical)
        if not radical:
            current = quotient(backend, seidenberg_radical(polys, q), q.nvars, timeout=timeout)
            radical = True
    raise InternalError(f"no separating linear form among {_ATTEMPTS} seeded tries (seed {seed})")  # pragma: no cover


def univariate_representation(form: SeparatingForm) -> list[list[Fraction]]:
    """Polynomials q_i (coefficient lists, constant first, degree < deg χ_t) with x_i ≡ q_i(t) mod I.

    The powers 1, t, ..., t^{D-1} form a basis of Q[x]/I (χ_t, squarefree of degree D, is the
    minimal polynomial of t), so each x_i has unique coordinates in it: solve the Krylov system
    [1 | M_t 1 | ... | M_t^{D-1} 1] q_i = M_{x_i} 1 exactly over Q.
    """
    q = form.quotient
    D = q.dim
    one = q.basis.index((0,) * q.nvars)
    e = flint.fmpq_mat(D, 1)
    e[one, 0] = 1
    t_mat = form.matrix()
    krylov = flint.fmpq_mat(D, D)
    v = e
    for j in range(D):
        for r in range(D):
            krylov[r, j] = v[r, 0]
        v = t_mat * v
    rhs = flint.fmpq_mat(D, q.nvars)
    for i, M in enumerate(q.mult):
        col = M * e
        for r in range(D):
            rhs[r, i] = col[r, 0]
    sol = krylov.solve(rhs)
    out = []
    for i in range(q.nvars):
        coeffs = [Fraction(int(sol[j, i].p), int(sol[j, i].q)) for j in range(D)]
        while coeffs and coeffs[-1] == 0:
            coeffs.pop()
        out.append(coeffs)
    return out


# ------------------------------------------------------------------------------ univariate data
def rational_reconstruction(a: int, m: int) -> Fraction | None:
    """The fraction r/s ≡ a (mod m) with |r|, s ≤ √(m/2), or None (Wang's extended Euclid).

    >>> m = 10**9 + 7
    >>> rational_reconstruction(-3 * pow(7, -1, m) % m, m)
    Fraction(-3, 7)
    """
    a %= m
    bound = math.isqrt(m // 2)
    r0, r1, s0, s1 = m, a, 0, 1
    while r1 > bound:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    if s1 == 0 or abs(s1) > bound or math.gcd(r1, s1) != 1:
        return None
    return Fraction(r1, s1) if s1 > 0 else Fraction(-r1, -s1)


class UnivariateData:
    """χ_t of a zero-dimensional system and, for any factor f of χ_t, the coordinates
    x_i = q_i(τ) at the roots τ of f (:meth:`coordinates_modulo`), t = Σ form[i] x_i.

    Two sources: :func:`exact_univariate_data` (a Gröbner basis over Q) and
    :func:`modular_univariate_data` (Singular modulo primes, Chinese remaindering and rational
    reconstruction). Modular data are right only with high probability -- the caller verifies
    what it builds from them exactly (the witness) -- and are reconstructed in two phases:
    χ_t first, then only what the one needed factor f of χ_t determines, in rational
    univariate form h_i = q_i f' mod f, whose heights are close to f's (20 rational points:
    χ_t needed ~830 bits, the q_i themselves over 8000).
    """

    form: tuple[int, ...]
    chi: list[Fraction]

    def coordinates_modulo(self, f: Sequence[Fraction]) -> list[list[Fraction]] | None:
        raise NotImplementedError  # pragma: no cover


class _ExactData(UnivariateData):
    def __init__(self, form: SeparatingForm):
        self.form = form.coeffs
        self.chi = to_fractions(form.chi / form.chi.coeffs()[-1])
        self._q = univariate_representation(form)

    def coordinates_modulo(self, f):
        ff = _fmpq_poly(f)
        return [_trim(to_fractions(_fmpq_poly(q) % ff)) for q in self._q]


def exact_univariate_data(polys: Sequence[Polynomial], q: Quotient, backend: str, seed: int, *,
                          timeout: float | None = None) -> UnivariateData:
    """:class:`UnivariateData` from a zero-dimensional quotient over Q (:func:`separating_form`)."""
    return _ExactData(separating_form(polys, q, backend, seed, timeout=timeout))


def _fmpq_poly(coeffs: Sequence) -> flint.fmpq_poly:
    return flint.fmpq_poly([flint.fmpq(Fraction(c).numerator, Fraction(c).denominator) for c in coeffs])


def _trim(coeffs: list[Fraction]) -> list[Fraction]:
    out = list(coeffs)
    while out and out[-1] == 0:
        out.pop()
    return out


# ------------------------------------------------------------------------------ modular route
def _random_primes(rng: random.Random, avoid: int):
    """Distinct seeded primes in (2^29, 2^30) dividing no denominator (``avoid``)."""
    seen: set[int] = set()
    while True:
        n = rng.randrange(2**29, 2**30) | 1
        if n not in seen and avoid % n and flint.fmpz(n).is_prime():
            seen.add(n)
            yield n


def _denominator_lcm(polys: Sequence[Polynomial]) -> int:
    out = 1
    for p in polys:
        for c in p.values():
            out = math.lcm(out, Fraction(c).denominator)
    return out


def _cap(budget, timeout: float | None) -> float | None:
    """The seconds one Singular call may take: the budget's remaining time, capped by ``timeout``."""
    left = None if budget is None else budget.remaining_seconds()
    if left is None:
        return timeout
    return left if timeout is None else min(left, timeout)


def modular_dimension(polys: Sequence[Polynomial], nvars: int, *, seed: int, timeout: float | None = None) -> int:
    """The Krull dimension of the ideal modulo one seeded random prime (Singular): equal to the
    dimension over Q except for finitely many primes -- a heuristic that steers searches whose
    results are verified exactly afterwards, never evidence by itself."""
    prime = next(_random_primes(random.Random(seed), _denominator_lcm(polys)))
    return quotients_mod_primes(polys, nvars, [prime], timeout=timeout)[0].dimension


def _residues(q: ModularQuotient, n: int) -> tuple[flint.nmod_poly, list[flint.nmod_poly]] | None:
    """(χ_t mod p, monic; q_i mod p for the first n variables) for one prime, or None if χ_t is
    not squarefree modulo p (t does not separate, the ideal is not radical, or p is unlucky).

    q_i solves the Krylov system [1 | M_t 1 | ... | M_t^{D-1} 1] q_i = NF(x_i) modulo p."""
    p, D = q.prime, q.dim
    M = flint.nmod_mat(D, D, p)
    for j, col in enumerate(q.t_matrix):
        for r, v in enumerate(col):
            if v:
                M[r, j] = v
    chi = M.charpoly()
    if chi.gcd(chi.derivative()).degree() > 0:
        return None
    K = flint.nmod_mat(D, D, p)
    v = flint.nmod_mat(D, 1, p)
    v[q.one, 0] = 1
    for j in range(D):
        for r in range(D):
            K[r, j] = v[r, 0]
        v = M * v
    X = flint.nmod_mat(D, n, p)
    for i, col in enumerate(q.variables[:n]):
        for r, val in enumerate(col):
            if val:
                X[r, i] = val
    sol = K.solve(X)
    return chi, [flint.nmod_poly([int(sol[r, i]) for r in range(D)], p) for i in range(n)]


def _crt_reconstruct(residues: Sequence[tuple[int, Sequence[int]]]) -> list[Fraction] | None:
    """Chinese remaindering of coefficient vectors (prime, residues), then rational reconstruction."""
    modulus, acc = 1, None
    for p, vec in residues:
        if acc is None:
            acc = [int(v) % p for v in vec]
        else:
            inv = pow(modulus, -1, p)
            acc = [(a + modulus * ((int(b) - a) * inv % p)) % (modulus * p) for a, b in zip(acc, vec)]
        modulus *= p
    out = []
    for c in acc or []:
        f = rational_reconstruction(c, modulus)
        if f is None:
            return None
        out.append(f)
    return out


def _coefficients(poly: flint.nmod_poly, length: int) -> list[int]:
    c = [int(x) for x in poly.coeffs()]
    return c + [0] * (length - len(c))


class _ModularData(UnivariateData):
    """Residues modulo primes, fetched in growing batches until a reconstruction is stable."""

    def __init__(self, polys, nvars: int, n: int, form: tuple[int, ...], primes, budget, timeout: float | None,
                 max_primes: int):
        self.form = form
        self._args = (polys, nvars, form + (0,) * (nvars - n), n)
        self._primes, self._budget, self._timeout, self._max = primes, budget, timeout, max_primes
        self._data: list[tuple[int, flint.nmod_poly, list[flint.nmod_poly]]] = []
        self._degree: int | None = None
        self._batch = 4
        self.chi = self._stable(lambda p, chi, q: _coefficients(chi, self._degree + 1))

    def _more(self) -> bool:
        polys, nvars, form, n = self._args
        if len(self._data) >= self._max:
            return False
        if self._budget is not None:
            self._budget.charge(self._batch * 1000, "modular univariate representation")
        batch = [next(self._primes) for _ in range(self._batch)]
        self._batch = min(2 * self._batch, 32)
        for q in quotients_mod_primes(polys, nvars, batch, form, timeout=_cap(self._budget, self._timeout)):
            res = _residues(q, n) if q.dimension == 0 else None
            if res is None:
                continue  # an unlucky prime
            if self._degree is None:
                self._degree = res[0].degree()
            if res[0].degree() == self._degree:  # otherwise unlucky: the number of points differs
                self._data.append((q.prime, res[0], res[1]))
        return True

    def _stable(self, vector) -> list | None:
        """Reconstruct ``vector(prime, χ_p, q_p)`` from all residues; stable = the same result
        with one more batch of primes."""
        previous, used = None, 0
        while True:
            if len(self._data) == used and not self._more():
                return None
            used = len(self._data)
            rows = [(p, vector(p, chi, q)) for p, chi, q in self._data]
            rows = [(p, v) for p, v in rows if v is not None]
            current = _crt_reconstruct(rows) if rows else None
            if current is not None and current == previous:
                return current
            previous = current

    def coordinates_modulo(self, f):
        """Reconstructs h_i = q_i f' mod f (a rational univariate representation over the roots
        of f: x_i = h_i(τ) / f'(τ); the h_i have heights like f's, the q_i mod f far larger --
        18 points: 209 bits against 2391), then q_i mod f = h_i (f')^{-1} mod f exactly."""
        f = [Fraction(c) for c in f]
        den = math.lcm(*(c.denominator for c in f))
        deg = len(_trim(f)) - 1

        def vector(p, chi, q):
            if den % p == 0:
                return None
            fp = flint.nmod_poly([c.numerator * pow(c.denominator, -1, p) % p for c in f], p)
            dfp = fp.derivative()
            return [x for qi in q for x in _coefficients((qi * dfp) % fp, deg)]

        flat = self._stable(vector)
        if flat is None:
            return None
        ff = _fmpq_poly(f)
        g, inverse, _ = ff.derivative().xgcd(ff)
        if g.degree() != 0:
            raise InternalError("f' is not invertible modulo f (f is not squarefree)")
        inverse = inverse / g
        return [_trim(to_fractions((_fmpq_poly(flat[i * deg:(i + 1) * deg]) * inverse) % ff))
                for i in range(len(flat) // deg)]


def _forms(rng: random.Random, n: int, tries: int):
    """Separating-form candidates over the first n variables: each variable alone first (small
    heights: χ_t's coefficients grow with those of t's values -- for 20 rational points a dense
    random form over every variable needed > 1800 bits, a single coordinate ~ 800), then sparse
    and denser random forms."""
    for i in range(n):
        yield tuple(int(j == i) for j in range(n))
    for attempt in range(tries):
        k = min(n, 2 + attempt)
        chosen = set(rng.sample(range(n), k))
        yield tuple(rng.randint(1, 5 * (attempt + 1)) if j in chosen else 0 for j in range(n))


def modular_univariate_data(polys: Sequence[Polynomial], nvars: int, *, seed: int, budget=None,
                            timeout: float | None = None, max_primes: int = 256,
                            coordinates: int | None = None) -> UnivariateData | None:
    """:class:`UnivariateData` of a zero-dimensional ideal by Singular modulo primes.

    Only the first ``coordinates`` variables (default: all) enter t and get coordinates --
    leave out auxiliary ones (a Rabinowitsch variable 1/f has large heights). None when the
    ideal is not zero-dimensional modulo the first prime, no candidate form has a squarefree
    χ_t, or ``max_primes`` primes do not reconstruct χ_t.
    """
    n = nvars if coordinates is None else coordinates
    rng = random.Random(seed)
    primes = _random_primes(rng, _denominator_lcm(polys))
    probe = next(primes)
    for form in _forms(rng, n, 3):
        first = quotients_mod_primes(polys, nvars, [probe], form + (0,) * (nvars - n), timeout=_cap(budget, timeout))[0]
        if first.dimension != 0:
            return None
        if _residues(first, n) is None:
            continue  # t does not separate (modulo this prime): the next candidate
        data = _ModularData(polys, nvars, n, form, primes, budget, timeout, max_primes)
        return data if data.chi is not None else None
    return None
