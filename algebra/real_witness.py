"""Refutations with real algebraic counterexamples (paper, Proposition 6.3 and Definition 6.1).

A counterexample to identifiability is a pair h ∈ M^L, g ∈ M^{L'} with every layer non-zero,
M_1(h_1)...M_K(h_K) = M_1(g_1)...M_K(g_K) and P(h) ≠ P(g): then (6.2) fails. The linear search
of :mod:`algebra.identifiability` finds rational ones; here the pair may have coordinates in
Q(α), α a real root of an integer polynomial χ -- which is where counterexamples usually live
when Ker A meets the difference set P(M^L) − P(M^{L'}) in a positive-dimensional set over C.

Slicing the incidence variety
-----------------------------
X = {(h, g) : M(h) = M(g), P(h) ≠ P(g)} is invariant under rescalings and usually
positive-dimensional. We cut it with a **structured random slice**, chosen so that the system
stays nearly multilinear (low degree, fast Gröbner bases): one tie class c* is *free* in both
h and g (coordinates x of h_{c*}, y of g_{c*} on the pieces' supports); every other class c of h
lies on a random affine family u_c + Σ_{j<q_c} s_{c,j} w_{c,j} (not through 0, so h_c ≠ 0), and
of g likewise (v_c, w'_c, parameters s'). On the slice,

* M(h) − M(g) = 0 (polynomials in x, y, s, s'; linear in x and y when c* is untied);
* ℓ(x) = 1 for a random positive linear form ℓ: fixes the one rescaling left,
  (x, y) -> (λx, λy), and forces x ≠ 0; over R every real solution with ℓ(x) ≠ 0 has a real
  representative (λ = 1/ℓ(x));
* r · D_t · y_j = 1 (Rabinowitsch): D_t = P(h)_t − P(g)_t for a random index tuple t, so
  P(h) ≠ P(g), and y_j ≠ 0, so g_{c*} ≠ 0. This removes the diagonal component (h ~ g) and
  the degenerate one (y = 0, M(h) = 0), whatever their dimension;
* e extra random affine equations in (x, y, s, s').

The parameters are added one at a time, from none (then the slice is the linear search's:
every class but c* fixed), while the slice is empty over C, and a slice of dimension δ > 0 gets
δ more affine equations; the random data are drawn per purpose from one seed, so the slices are
nested. Gröbner bases steer this modulo a random prime (Singular; fast -- a heuristic that only
steers, the witness is verified exactly) or exactly over Q in process when Singular is missing.
A zero-dimensional slice is solved exactly (:mod:`algebra.zero_dim`): a separating linear form
t with squarefree χ_t, its irreducible factors over Q, the real roots of each isolated exactly
(arb, then checked by a sign change), and the coordinates as polynomials in t modulo the factor
f -- reconstructed from residues modulo primes (or computed over Q without Singular). Every
real root of f gives a real counterexample with coordinates in Q(α) = Q[T]/(f); the lowest
degree f with a real root is kept (degree 1: a rational witness). A slice without a real point
is replaced by a fresh one (a few per free class, then the next class), up to
:data:`algebra.limits.REAL_WITNESS_MAX_SLICES` and the budget; a Gröbner call over its time
(:data:`algebra.limits.GROEBNER_CALL_SECONDS`) only costs its slice.

Witness (the ``identifiable`` claim's witness when refuted; ``docs/certificate-format.md``)
------------------------------------------------------------------------------------------
Rational (deg f = 1): ``{"h": [[q, ...] per layer], "g": [...]}`` as for the linear search.
Algebraic::

    {"field": {"minpoly": [c_0, ..., c_n], "interval": [lo, hi]},
     "h": [[[q_0, q_1, ...] per coordinate] per layer], "g": [...],
     "hints": {"h_nonzero": [i_1, ..., i_K], "g_nonzero": [...], "difference": [t_1, ..., t_K]}}

c_i integers (χ, constant first), lo, hi rationals with χ(lo) χ(hi) < 0; a coordinate
[q_0, q_1, ...] means Σ q_i α^i ([] is 0). A checker verifies, with rationals only
(:func:`check_real_witness` is that check): h and g in the model (zero polynomials off a
piece's supports, tied layers equal); M(h) − M(g) ≡ 0 modulo χ entry by entry (true at every
root of χ, so at α); and, on one final interval of the bisection of [lo, hi] that keeps a sign
change (:func:`algebra.algebraic.separate_from_zero`), h_{k, i_k}, g_{k, i'_k} and
P(h)_t − P(g)_t enclosed away from 0 -- every layer non-zero and P(h) ≠ P(g) at the root
the bisection kept. χ may be reducible and have several roots in [lo, hi]: every statement is
about the one root inside the final interval.

Examples
--------
u, v ∈ R³ with 7 random measurements y_c = <B_c, u vᵀ>: Ker A is a plane of 3 x 3 matrices on
which det is a binary cubic with a real root; the rank-2 matrix there is P(h) − P(g) for real,
generally irrational h, g.

>>> import random
>>> from fractions import Fraction
>>> from algebra.network import Layer, MultilinearMap
>>> from algebra.models import full_model
>>> from algebra.lifting import lifting_operator
>>> from algebra.budget import Budget
>>> rng = random.Random(1)
>>> B = {(j, i, c): Fraction(rng.randint(-5, 5)) for c in range(7) for i in range(3) for j in range(3)}
>>> net = MultilinearMap((Layer(1, 3, 3, tuple((i, 0, i, Fraction(1)) for i in range(3))),
...                       Layer(3, 7, 3, tuple((j, i, c, v) for (j, i, c), v in sorted(B.items()) if v))))
>>> result = real_witness_decision(net, full_model(net), lifting_operator(net), Budget(seconds=60), seed=0)
>>> result.status, sorted(result.witness)
('refuted', ['field', 'g', 'h', 'hints'])
>>> check_real_witness(net, full_model(net), result.witness)   # raises unless the witness is valid
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import flint

from . import groebner, zero_dim
from .algebraic import NotSeparated, Poly, poly_mul, poly_rem, poly_sub, separate_from_zero, sign_change, trim
from .budget import Budget
from .decision import Decision
from .errors import BackendUnavailable, BudgetExceeded, InternalError, WitnessCheckFailed
from .lifting import LiftingOperator
from .limits import (GROEBNER_CALL_SECONDS, GROEBNER_IN_PROCESS_MAX_VARIABLES, MAX_SPAN_COORDINATES,
                     REAL_WITNESS_MAX_EQUATIONS, REAL_WITNESS_MAX_PAIRS, REAL_WITNESS_MAX_SLICES,
                     REAL_WITNESS_MAX_VARIABLES)
from .models import LinearPiece, ModelCollection
from .network import MultilinearMap
from .segre import are_equivalent
from .undecided import Undecided

__all__ = ["real_witness_decision", "find_real_witness", "check_real_witness", "RealWitness", "is_rational_witness"]

IndexTuple = tuple[int, ...]
# Random slice coefficients lie in [-_RANGE, _RANGE]: small integers keep the heights of the
# points low, and the number of primes the modular reconstruction needs grows with those heights
# (a 36-point slice: ~250 primes with coefficients up to 9).
_RANGE = 3
Affine = tuple[Fraction, dict[int, Fraction]]  # constant, {variable: coefficient}


@dataclass(frozen=True)
class RealWitness:
    """A real counterexample h, g with coordinates in Q(α) (see the module docstring).

    ``minpoly`` (integers, constant first), ``interval`` (lo, hi), ``h`` and ``g`` (per layer,
    per coordinate, a coefficient list in α), ``hints`` (the non-zero entries). For a rational
    witness ``minpoly`` has degree 1 and every coordinate is a constant.
    """

    minpoly: tuple[int, ...]
    interval: tuple[Fraction, Fraction]
    h: tuple[tuple[tuple[Fraction, ...], ...], ...]
    g: tuple[tuple[tuple[Fraction, ...], ...], ...]
    hints: Mapping[str, tuple]

    @property
    def degree(self) -> int:
        return len(self.minpoly) - 1

    def witness(self) -> dict:
        """The certificate's witness, Python values (Fractions, lists)."""
        if self.degree == 1:
            root = Fraction(-self.minpoly[0], self.minpoly[1])
            value = lambda q: sum((c * root ** i for i, c in enumerate(q)), Fraction(0))  # noqa: E731
            return {"h": [[value(q) for q in hk] for hk in self.h], "g": [[value(q) for q in gk] for gk in self.g]}
        return {"field": {"minpoly": list(self.minpoly), "interval": list(self.interval)},
                "h": [[list(q) for q in hk] for hk in self.h], "g": [[list(q) for q in gk] for gk in self.g],
                "hints": {k: list(v) for k, v in self.hints.items()}}


def is_rational_witness(witness: Mapping) -> bool:
    """True for the rational format {"h", "g"} (no "field")."""
    return "field" not in witness


# ------------------------------------------------------------------------------ the slice
def _affine_poly(form: Affine, ctx, gens) -> flint.fmpq_mpoly:
    const, coeffs = form
    p = ctx.from_dict({}) + flint.fmpq(const.numerator, const.denominator)
    for v, c in coeffs.items():
        p += gens[v] * flint.fmpq(c.numerator, c.denominator)
    return p


def _to_dict(p: flint.fmpq_mpoly) -> dict[tuple[int, ...], Fraction]:
    return {tuple(m): Fraction(int(c.p), int(c.q)) for m, c in p.to_dict().items()}


@dataclass
class _Slice:
    polys: list[dict]
    nvars: int
    h: list[list[Affine]]  # per layer, per coordinate (0 off the piece's supports)
    g: list[list[Affine]]


def _random_vector(rng: random.Random, n: int) -> list[Fraction]:
    return [Fraction(rng.choice((-1, 1)) * rng.randint(1, _RANGE)) for _ in range(n)]


def _build_slice(net: MultilinearMap, A: LiftingOperator, pieces: tuple[LinearPiece, LinearPiece],
                 classes: Sequence[tuple[int, ...]], free: int, params: Mapping[tuple[int, int], int],
                 extra: int, seed: int, budget: Budget) -> _Slice:
    """The sliced incidence system (module docstring): variables x, y (the free class of h and
    g), then the family parameters, then r (Rabinowitsch).

    Every random choice is drawn from its own seeded stream, independent of ``params`` and
    ``extra``: with one seed, more parameters extend the same families and more equations extend
    the same list, so the slices are nested (a non-empty slice stays non-empty)."""
    rng = random.Random(f"{seed}:slice")
    counts = net.param_counts
    # P(h) and P(g) are polynomials on every coordinate of the pieces' boxes: bounded before they are built
    box = sum(math.prod(len(s) for s in piece.box()) for piece in pieces)
    if box > MAX_SPAN_COORDINATES:
        raise BudgetExceeded(f"the Segre images of the pieces have {box} coordinates (> {MAX_SPAN_COORDINATES}, "
                             f"the model-span budget)", phase="real witness: slice")
    var = 0
    free_vars: list[list[int]] = [[], []]
    layer_forms: list[dict[int, list[Affine]]] = [{}, {}]
    for side in (0, 1):
        supp = pieces[side].supports[classes[free][0]]
        vec: list[Affine] = [(Fraction(0), {}) for _ in range(counts[classes[free][0]])]
        for i in supp:
            vec[i] = (Fraction(0), {var: Fraction(1)})
            free_vars[side].append(var)
            var += 1
        for k in classes[free]:
            layer_forms[side][k] = vec
    for side in (0, 1):
        for c, cls in enumerate(classes):
            if c == free:
                continue
            supp = pieces[side].supports[cls[0]]
            q = params.get((side, c), 0)
            family = random.Random(f"{seed}:family:{side}:{c}")
            base = _random_vector(family, len(supp))
            dirs = [_random_vector(family, len(supp)) for _ in range(q)]
            vec = [(Fraction(0), {}) for _ in range(counts[cls[0]])]
            for n, i in enumerate(supp):
                vec[i] = (base[n], {var + j: d[n] for j, d in enumerate(dirs)})
            var += q
            for k in cls:
                layer_forms[side][k] = vec
    r = var
    nvars = var + 1
    ctx = flint.fmpq_mpoly_ctx.get([f"v{i}" for i in range(nvars)], "degrevlex")
    gens = ctx.gens()
    h_forms = [layer_forms[0][k] for k in range(net.K)]
    g_forms = [layer_forms[1][k] for k in range(net.K)]
    polys_h = [[_affine_poly(f, ctx, gens) for f in layer] for layer in h_forms]
    polys_g = [[_affine_poly(f, ctx, gens) for f in layer] for layer in g_forms]

    def segre(polys, box):
        out = {}
        for t in itertools.product(*box):
            p = polys[0][t[0]]
            for k in range(1, net.K):
                p = p * polys[k][t[k]]
            out[t] = p
        return out

    Ph = segre(polys_h, pieces[0].box())
    Pg = segre(polys_g, pieces[1].box())
    zero = ctx.from_dict({})
    budget.charge(sum(len(p) for p in Ph.values()) + sum(len(p) for p in Pg.values()), "real witness: slice")
    rows: dict[int, flint.fmpq_mpoly] = {}
    for t in set(Ph) | set(Pg):
        col = A.columns.get(t)
        if not col:
            continue
        diff = Ph.get(t, zero) - Pg.get(t, zero)
        if diff.is_zero():
            continue
        budget.charge(len(col) * len(diff), "real witness: slice")  # the clock too: A·(P(h) − P(g)) can be large
        for row, v in col.items():
            rows[row] = rows.get(row, zero) + diff * flint.fmpq(v.numerator, v.denominator)
    polys = [_to_dict(p) for _, p in sorted(rows.items()) if not p.is_zero()]
    # ℓ(x) = 1
    ell = {v: Fraction(rng.randint(1, _RANGE)) for v in free_vars[0]}
    polys.append(_to_dict(_affine_poly((Fraction(-1), ell), ctx, gens)))
    # r · D_t · y_j = 1
    union = sorted(set(Ph) | set(Pg))
    t = union[rng.randrange(len(union))]
    y_j = gens[free_vars[1][rng.randrange(len(free_vars[1]))]]
    polys.append(_to_dict(gens[r] * (Ph.get(t, zero) - Pg.get(t, zero)) * y_j - 1))
    for e in range(extra):
        eq = random.Random(f"{seed}:equation:{e}")
        coeffs = {v: Fraction(eq.randint(-_RANGE, _RANGE)) for v in range(r)}
        polys.append(_to_dict(_affine_poly((Fraction(eq.randint(-_RANGE, _RANGE)), coeffs), ctx, gens)))
    return _Slice(polys, nvars, h_forms, g_forms)


# ------------------------------------------------------------------------------ solving
def _in_process_backend(nvars: int) -> str:
    """python-flint or sympy, for systems small enough to finish quickly (neither can be
    interrupted); used only when Singular is not installed."""
    if nvars > GROEBNER_IN_PROCESS_MAX_VARIABLES:
        raise BudgetExceeded(f"{nvars} unknowns exceed the in-process Gröbner limit "
                             f"({GROEBNER_IN_PROCESS_MAX_VARIABLES}) and Singular is not installed",
                             phase="real witness: Gröbner basis")
    return "flint" if groebner.is_available("flint") else "sympy"


def _timeout(budget: Budget) -> float:
    left = budget.remaining_seconds()
    return GROEBNER_CALL_SECONDS if left is None else min(left, GROEBNER_CALL_SECONDS)


def _dimension(s: _Slice, budget: Budget, seed: int) -> int:
    """The Krull dimension of the slice: modulo a random prime with Singular (fast; a heuristic
    that only steers the search), else exactly over Q in process."""
    budget.charge(sum(len(p) for p in s.polys), "real witness: Gröbner basis")
    if groebner.is_available("singular"):
        return zero_dim.modular_dimension(s.polys, s.nvars, seed=seed, timeout=_timeout(budget))
    return groebner.krull_dimension(_in_process_backend(s.nvars), s.polys, s.nvars)


def _representation(s: _Slice, budget: Budget, seed: int) -> zero_dim.UnivariateData | None:
    """χ_t and the coordinates of a zero-dimensional slice: modular (Singular) or exact over Q."""
    if groebner.is_available("singular"):
        return zero_dim.modular_univariate_data(s.polys, s.nvars, seed=seed, budget=budget, timeout=_timeout(budget),
                                                coordinates=s.nvars - 1)  # not the Rabinowitsch variable
    name = _in_process_backend(s.nvars)
    q = groebner.quotient(name, s.polys, s.nvars)
    if q.dimension != 0:
        return None
    budget.charge(q.dim ** 3, "real witness: univariate representation")
    return zero_dim.exact_univariate_data(s.polys, q, name, seed)


def _isolate(f: flint.fmpz_poly) -> list[tuple[Fraction, Fraction]]:
    """Isolating intervals of the real roots of an irreducible integer polynomial (arb balls,
    each checked by an exact sign change)."""
    out = []
    coeffs = [Fraction(int(c)) for c in f.coeffs()]
    for z, _ in f.complex_roots():
        if not z.imag.is_zero():
            continue
        man, exp = z.real.mid().man_exp()
        rman, rexp = z.real.rad().man_exp()
        mid = Fraction(int(man)) * Fraction(2) ** int(exp)
        rad = Fraction(int(rman)) * Fraction(2) ** int(rexp) if int(rman) else Fraction(0)
        rad = max(rad * 2, Fraction(1, 2**80))
        lo, hi = mid - rad, mid + rad
        if not sign_change(coeffs, lo, hi):
            raise InternalError("arb root enclosure without a sign change")
        out.append((lo, hi))
    return out


def _evaluate_forms(forms: Sequence[Sequence[Affine]], rep: Sequence[Poly], f: Poly) -> list[list[Poly]]:
    out = []
    for layer in forms:
        row = []
        for const, coeffs in layer:
            acc: Poly = trim([const])
            for v, c in coeffs.items():
                acc = trim([a + c * b for a, b in itertools.zip_longest(acc, rep[v], fillvalue=Fraction(0))])
            row.append(poly_rem(acc, f) if len(f) > 1 else acc)
        out.append(row)
    return out


def _witness_from_root(net: MultilinearMap, s: _Slice, rep: list[Poly], f: flint.fmpz_poly,
                       interval: tuple[Fraction, Fraction]) -> RealWitness | None:
    fcoef = [Fraction(int(c)) for c in f.coeffs()]
    h = _evaluate_forms(s.h, rep, fcoef)
    g = _evaluate_forms(s.g, rep, fcoef)
    # f is irreducible: an element of Q[T]/(f) is 0 at α iff its remainder is 0
    h_nz = [next((i for i, q in enumerate(hk) if q), None) for hk in h]
    g_nz = [next((i for i, q in enumerate(gk) if q), None) for gk in g]
    if None in h_nz or None in g_nz:
        return None
    diff = None
    for t in itertools.product(*(range(n) for n in net.param_counts)):
        d = poly_rem(poly_sub(_product(h, t, fcoef), _product(g, t, fcoef)), fcoef)
        if d:
            diff = (t, d)
            break
    if diff is None:
        return None
    hints = {"h_nonzero": tuple(h_nz), "g_nonzero": tuple(g_nz), "difference": diff[0]}
    checks = [h[k][i] for k, i in enumerate(h_nz)] + [g[k][i] for k, i in enumerate(g_nz)] + [diff[1]]
    try:
        lo, hi = separate_from_zero(fcoef, interval[0], interval[1], checks)
    except NotSeparated:  # only after a wrong modular reconstruction (the entries are non-zero in Q(α))
        return None
    freeze = lambda v: tuple(tuple(tuple(q) for q in layer) for layer in v)  # noqa: E731
    return RealWitness(tuple(int(c) for c in f.coeffs()), (lo, hi), freeze(h), freeze(g), hints)


def _product(params: Sequence[Sequence[Poly]], t: IndexTuple, f: Poly) -> Poly:
    acc: Poly = [Fraction(1)]
    for k, i in enumerate(t):
        acc = poly_mul(acc, params[k][i])
        if len(f) > 1:
            acc = poly_rem(acc, f)
        if not acc:
            return []
    return acc


def _real_point(net: MultilinearMap, s: _Slice, rep: zero_dim.UnivariateData, budget: Budget) -> RealWitness | None:
    """A real point of a zero-dimensional slice, as a witness over the smallest field, or None.

    Every irreducible factor f of χ_t is tried, lowest degree first (degree 1: a rational
    witness); each real root of f gives a real point (the slice's points are (q_i(τ)) for the
    roots τ of χ_t)."""
    chi = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in rep.chi])
    factors = sorted((fac for fac, _ in chi.factor()[1]), key=lambda fac: fac.degree())
    for fac in factors:
        if fac.degree() < 1:
            continue
        den = fac.denom()
        f_int = flint.fmpz_poly([int((c * den).p) for c in fac.coeffs()])
        content = math.gcd(*(int(c) for c in f_int.coeffs()))
        f_int = flint.fmpz_poly([int(c) // content for c in f_int.coeffs()])
        for interval in _isolate(f_int):
            budget.check("real witness: real roots")
            coordinates = rep.coordinates_modulo([Fraction(int(c)) for c in f_int.coeffs()])
            if coordinates is None:
                return None
            w = _witness_from_root(net, s, coordinates, f_int, interval)
            if w is not None:
                return w
    return None


# ------------------------------------------------------------------------------ slots and free classes
def _parameter_slots(pieces, classes, free: int) -> list[tuple[int, int]]:
    """The (side, class) slots of the family parameters, in round-robin order (at most
    |supports| − 1 per class: a family of that dimension is a whole affine hyperplane)."""
    pools = {(side, c): len(pieces[side].supports[cls[0]]) - 1
             for side in (0, 1) for c, cls in enumerate(classes) if c != free}
    order = []
    while any(pools.values()):
        for key in sorted(pools):
            if pools[key] > 0:
                order.append(key)
                pools[key] -= 1
    return order


def _free_classes(pieces, classes) -> list[int]:
    """Candidate free classes: untied first (the system is linear in x, y), largest supports first."""
    size = lambda c: len(pieces[0].supports[classes[c][0]]) + len(pieces[1].supports[classes[c][0]])  # noqa: E731
    return sorted(range(len(classes)), key=lambda c: (len(classes[c]) > 1, -size(c), c))


# ------------------------------------------------------------------------------ the search
@dataclass
class _Progress:
    slices: int = 0
    heavy: int = 0
    last_limit: str = ""
    note: str = ""


_SLICES_PER_CLASS = 3  # fresh slices with one free class before the next class gets a turn
_HEAVY_STRIKES = 2  # slices over the per-call Gröbner time before a free class is dropped


def find_real_witness(net: MultilinearMap, model: ModelCollection, A: LiftingOperator, budget: Budget, seed: int,
                      *, pieces: tuple[LinearPiece, LinearPiece], max_slices: int = REAL_WITNESS_MAX_SLICES,
                      progress: _Progress | None = None) -> RealWitness | None:
    """A real counterexample h ∈ ``pieces[0]``, g ∈ ``pieces[1]``, or None (see the module docstring).

    Raises BudgetExceeded when the budget (work, clock) ends the search.
    """
    progress = progress or _Progress()
    classes = list(model.classes)
    rng = random.Random(seed)
    candidates = _free_classes(pieces, classes)
    empty: set[int] = set()
    heavy: dict[int, int] = {}
    attempt = 0
    while progress.slices < max_slices and len(empty) < len(candidates):
        # the preferred free class keeps its turn (cheap slices stay cheap); the next one gets
        # the turn when a class's slices are empty over C or over the per-call time
        usable = [c for c in candidates if c not in empty and heavy.get(c, 0) < _HEAVY_STRIKES]
        if not usable:
            break
        free = usable[(attempt // _SLICES_PER_CLASS) % len(usable)]
        attempt += 1
        try:
            s = _zero_dimensional_slice(net, A, pieces, classes, free, budget, rng)
            if s is None:  # empty even with every parameter free: no point over C on this chart
                empty.add(free)
                continue
            progress.slices += 1
            rep = _representation(s, budget, rng.getrandbits(32))
            w = _real_point(net, s, rep, budget) if rep is not None else None
        except BudgetExceeded as exc:
            if not _time_left(budget):
                raise
            heavy[free] = heavy.get(free, 0) + 1  # one Gröbner call over its cap: another slice
            progress.heavy += 1
            progress.last_limit = exc.message
            continue
        if w is not None:
            try:
                check_real_witness(net, model, w.witness())
            except WitnessCheckFailed:  # a wrong modular reconstruction (unlucky primes): next slice
                continue
            return w
    if len(empty) == len(candidates):
        progress.note = "the sliced incidence variety is empty over C"
    elif progress.heavy:
        progress.note = f"{progress.heavy} slice(s) over a limit (last: {progress.last_limit})"
    return None


def _time_left(budget: Budget) -> bool:
    """Whether the run's budget still has time (and work) for another slice."""
    left = budget.remaining_seconds()
    work = budget.remaining_work()
    return (left is None or left > 1.0) and (work is None or work > 0)


def _zero_dimensional_slice(net, A, pieces, classes, free: int, budget: Budget,
                            rng: random.Random) -> _Slice | None:
    """A random slice with finitely many points over C, or None when it is empty with every
    parameter free.

    Parameters are added one at a time from none (the linear search's slice) while the slice is
    empty -- empty slices with few parameters cost milliseconds modulo a prime, and starting from
    a dimension count overshoots: on a K = 3 network with 8 slots the count asked for 5
    parameters (14 unknowns, over 30 s) where 2 already gave finitely many points (0.01 s); then
    δ random affine equations cut a slice of dimension δ > 0. The slices are nested (one seed)."""
    slots = _parameter_slots(pieces, classes, free)
    seed = rng.getrandbits(64)
    n, extra = 0, 0
    while True:
        params: dict[tuple[int, int], int] = {}
        for key in slots[:n]:
            params[key] = params.get(key, 0) + 1
        s = _build_slice(net, A, pieces, classes, free, params, extra, seed, budget)
        if s.nvars > REAL_WITNESS_MAX_VARIABLES:
            raise BudgetExceeded(f"a slice of the incidence variety has {s.nvars} unknowns "
                                 f"(> {REAL_WITNESS_MAX_VARIABLES})", phase="real witness")
        dimension = _dimension(s, budget, rng.getrandbits(32))
        if dimension == 0:
            return s
        if dimension > 0:
            extra += dimension
        elif n >= len(slots):
            return None
        else:
            n += 1


def real_witness_decision(net: MultilinearMap, model: ModelCollection, A: LiftingOperator, budget: Budget,
                          seed: int, *, complex_dimension: int | None = None) -> Decision | Undecided:
    """Refute identifiability with a real (possibly algebraic) counterexample, or say why not.

    Parameters
    ----------
    net, model : the network and its model M = (M^L)
    A : its lifting operator (built once per run)
    budget : charged as the search goes; Singular gets the remaining seconds
    seed : every random choice (families, forms, slices) derives from it
    complex_dimension : what the difference-set route found over C (projective dimension of the
        flattening-rank-≤-2 tensors of Ker A ∩ W), for the reason when no real point is found

    Returns
    -------
    Decision (``refuted``, witness as in the module docstring) or Undecided (the reason).
    """
    pieces = list(model.pieces())
    pairs = list(itertools.combinations_with_replacement(range(len(pieces)), 2))
    if len(pairs) > REAL_WITNESS_MAX_PAIRS:
        return Undecided(f"{len(pairs)} pairs of model pieces exceed the real-witness limit ({REAL_WITNESS_MAX_PAIRS})",
                         complex_dimension)
    if A.n_rows > REAL_WITNESS_MAX_EQUATIONS:
        return Undecided(f"the slices would have {A.n_rows} equations M(h) = M(g), beyond the real-witness limit "
                         f"({REAL_WITNESS_MAX_EQUATIONS})", complex_dimension)
    progress = _Progress()
    try:
        for n, (i, j) in enumerate(pairs):
            w = find_real_witness(net, model, A, budget, seed + n, pieces=(pieces[i], pieces[j]), progress=progress)
            if w is not None:
                return _refuted(model, w, seed, progress)
    except (BudgetExceeded, BackendUnavailable) as exc:
        return Undecided(_open_reason(complex_dimension, progress, str(exc)), complex_dimension,
                         slices_tried=progress.slices)
    return Undecided(_open_reason(complex_dimension, progress, None), complex_dimension, slices_tried=progress.slices)


def _open_reason(complex_dimension, progress: _Progress, stopped: str | None) -> str:
    over_c = (f"over C the tensors of flattening rank ≤ 2 in Ker A ∩ W form a projective variety of dimension "
              f"{complex_dimension}" if complex_dimension is not None and complex_dimension >= 0 else "")
    tail = f"no real point found in {progress.slices} slices"
    if stopped:
        tail += f" ({stopped})"
    elif progress.note:
        tail += f"; {progress.note}"
    return f"{over_c}; {tail}" if over_c else tail


def _refuted(model: ModelCollection, w: RealWitness, seed: int, progress: _Progress) -> Decision:
    kind = "rational" if w.degree == 1 else f"real algebraic of degree {w.degree}"
    statement = (f"h and g lie in the model, have every layer non-zero, give the same product "
                 f"M_1(h_1)...M_K(h_K) = M_1(g_1)...M_K(g_K) and P(h) ≠ P(g): (6.2) fails (Proposition 6.3); "
                 f"the witness is {kind}, found by slicing the incidence variety and solving exactly")
    return Decision("identifiable", "refuted", statement, relies_on=("Proposition 6.3", "Definition 6.1"), value=False,
                    witness=w.witness(),
                    assumptions={"field": "R: the witness is real (an isolated real root of an integer polynomial)",
                                 "equivalence": "layer-wise classes <h> of section 3: h_k = λ_k g_k with ∏ λ_k = 1",
                                 "model": model.describe(), "genericity": "none"},
                    evidence={"method": "sliced incidence variety", "slices": progress.slices, "field_degree": w.degree},
                    seed=seed)


# ------------------------------------------------------------------------------ the exact check
def _fail(problem: str):
    raise WitnessCheckFailed(f"real witness: {problem}")


def _coordinates(raw, counts, name: str) -> list[list[Poly]]:
    if len(raw) != len(counts):
        _fail(f"{name} has {len(raw)} layers, expected {len(counts)}")
    out = []
    for k, (layer, s) in enumerate(zip(raw, counts)):
        if len(layer) != s:
            _fail(f"{name}[{k}] has {len(layer)} coordinates, expected {s}")
        out.append([trim([Fraction(c) for c in q]) if isinstance(q, (list, tuple)) else trim([Fraction(q)])
                    for q in layer])
    return out


def _in_model(model: ModelCollection, v: list[list[Poly]]) -> bool:
    for piece in model.pieces():
        if all(not q for k, layer in enumerate(v) for i, q in enumerate(layer) if i not in piece.supports[k]) and \
                all(v[k] == v[c[0]] for c in piece.classes for k in c):
            return True
    return False


def check_real_witness(net: MultilinearMap, model: ModelCollection, witness: Mapping) -> None:
    """Re-verify a witness exactly (rationals only); raise WitnessCheckFailed if it is invalid.

    Rational witnesses: h, g in the model, every layer non-zero, equal products, P(h) ≠ P(g).
    Algebraic ones: the checks of the module docstring (identities modulo χ, one bisection).
    """
    counts = net.param_counts
    if is_rational_witness(witness):
        h = net.check_params(witness["h"])
        g = net.check_params(witness["g"])
        if not (model.contains(h) and model.contains(g)):
            _fail("h or g is outside the model")
        if not all(any(x) for x in h) or not all(any(x) for x in g):
            _fail("a layer is zero")
        if net.evaluate(h) != net.evaluate(g):
            _fail("the products differ")
        if are_equivalent(h, g):
            _fail("P(h) = P(g)")
        return
    chi = trim([Fraction(int(c)) for c in witness["field"]["minpoly"]])
    if len(chi) < 2:
        _fail("the minimal polynomial must have degree >= 1")
    lo, hi = (Fraction(x) for x in witness["field"]["interval"])
    if not sign_change(chi, lo, hi):
        _fail("no sign change of the minimal polynomial on the interval")
    h = _coordinates(witness["h"], counts, "h")
    g = _coordinates(witness["g"], counts, "g")
    if not (_in_model(model, h) and _in_model(model, g)):
        _fail("h or g is outside the model")
    for left, right in zip(_product_matrix(net, h, chi), _product_matrix(net, g, chi)):
        for a, b in zip(left, right):
            if poly_rem(poly_sub(a, b), chi):
                _fail("M(h) − M(g) is not 0 modulo the minimal polynomial")
    hints = witness["hints"]
    checks = [h[k][i] for k, i in enumerate(hints["h_nonzero"])] + [g[k][i] for k, i in enumerate(hints["g_nonzero"])]
    if len(checks) != 2 * net.K:
        _fail("one non-zero hint per layer of h and of g is needed")
    t = tuple(hints["difference"])
    checks.append(poly_sub(_product(h, t, chi), _product(g, t, chi)))
    try:
        separate_from_zero(chi, lo, hi, checks)
    except NotSeparated:
        _fail("a hinted entry is not separated from 0 at the root")


def _product_matrix(net: MultilinearMap, params: list[list[Poly]], chi: Poly) -> list[list[Poly]]:
    """M_1(h_1)...M_K(h_K) with entries in Q[T]/(χ), dense."""
    prod: list[list[Poly]] | None = None
    for layer, hk in zip(net.layers, params):
        M = [[[] for _ in range(layer.cols)] for _ in range(layer.rows)]
        for p, r, c, v in layer.entries:
            M[r][c] = trim([a + v * b for a, b in itertools.zip_longest(M[r][c], hk[p], fillvalue=Fraction(0))])
        if prod is None:
            prod = M
            continue
        out = [[[] for _ in range(layer.cols)] for _ in range(len(prod))]
        for i, row in enumerate(prod):
            for j, a in enumerate(row):
                if not a:
                    continue
                for c, b in enumerate(M[j]):
                    if b:
                        out[i][c] = trim([x + y for x, y in itertools.zip_longest(out[i][c], poly_mul(a, b),
                                                                                  fillvalue=Fraction(0))])
        prod = [[poly_rem(x, chi) if x else [] for x in row] for row in out]
    return prod or []
