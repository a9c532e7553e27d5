"""Exact fibre of a network at one parameter h̄ (paper, Proposition 6.3, part 1).

⟨h̄⟩ is identifiable iff every h with M_1(h_1)...M_K(h_K) = M_1(h̄_1)...M_K(h̄_K) lies in the
class ⟨h̄⟩ (h ~ h̄: h_k = λ_k h̄_k with ∏ λ_k = 1, section 3). This module decides that exactly,
for small networks, by Gröbner bases of the polynomial system M(h) = M(h̄) over Q.

Slicing the rescalings
----------------------
The torus {(λ_1..λ_K) : ∏ λ_k = 1} has dimension K - 1 and acts freely on the classes, so the
fibre is never zero-dimensional as it stands. A class ⟨h⟩ with every h_k ≠ 0 has, in every
layer k < K, a first non-zero coordinate p_k (its *pivot*); rescaling layer k by
λ_k = c_k / h_{k,p_k} (and layer K by 1/∏ λ_k) gives the **unique** representative with

    h_{k,q} = 0 for q < p_k,   h_{k,p_k} = c_k      (k < K),

where c_k = h̄_{k,p_k} when p_k is the pivot j_k of h̄ itself (the *normalised coordinate*:
the first non-zero coordinate of h̄_k) and c_k = 1 otherwise. Uniqueness: two such
representatives of one class differ by λ_k = 1 for k < K, hence also λ_K = 1. So the classes
of the fibre are in bijection with the disjoint union, over the ∏_{k<K} S_k pivot choices
(*strata*), of the points of the normalised systems. The main stratum (p_k = j_k for all k)
contains h̄ itself; the other strata are the complementary cases (a normalised coordinate
h_{k,j_k} vanishes, p_k > j_k, or an earlier coordinate does not, p_k < j_k). The bijection
holds over C as well as over R, and a real class has a real representative (the λ_k above are
real), so real points count real classes.

Why the first non-zero coordinate: it is as valid as any other, and fixing an *end*
coefficient of a convolution kernel makes the system triangular at its ends. On the
blind-deconvolution fibre with 70 points, Singular's ``std`` took 0.009 s with a_0 fixed,
0.005 s with a_4 fixed, but 0.54 s with a_1 and 1.25 s with a_2 fixed.

If M(h̄) ≠ 0, every solution h has all h_k ≠ 0 (a zero layer gives a zero product), so the
strata cover the whole fibre. If M(h̄) = 0 the class is trivially not identifiable: h̄ with
its last layer set to 0 has the same product and P(h) = 0 ≠ P(h̄).

Counting
--------
For a zero-dimensional stratum with reduced Gröbner basis G, the number of points over C
counted with multiplicity is dim_Q Q[x]/I, the number of standard monomials. Distinct points
and real points come from the characteristic polynomial χ_t of multiplication by a linear form
t = Σ c_i x_i on Q[x]/I (χ_t = ∏_p (X - t(p))^{mult p}, Stickelberger): if χ_t is squarefree,
I is radical and t separates the points; then (t has real coefficients and the point set is
closed under complex conjugation) a point p is real iff t(p) is real, so real points are the
real roots of χ_t, isolated exactly. If χ_t is not squarefree we replace I by its radical
I + (sqf χ_{x_1}, ..., sqf χ_{x_n}) (Seidenberg's lemma; χ_{x_i}(x_i) ∈ I by Cayley-Hamilton)
and retry with other seeded forms t.

Field caveat: the paper works over R (section 3). Exactly one point over C proves
identifiability over C and hence over R. Extra non-real points do not refute identifiability
over R; extra *real* points do (status ``refuted``; a rational extra point is returned as an
exact witness when one exists).

Backends
--------
``sympy`` (readable reference: sympy ``groebner`` and normal forms by border reduction in pure
Python), ``flint`` (python-flint's ``fmpz_mpoly_vec.buchberger_naive`` + ``autoreduction``,
normal forms by ``reduction_primitive_part``), ``singular`` (Singular's ``std`` and ``reduce``
driven through a script file). ``auto`` chooses by measurement, see :func:`choose_backend`.
"""
from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import flint

from .errors import BackendUnavailable, InternalError, SpecError
from .network import MultilinearMap
from .rational import fraction_to_str
from . import groebner as backends
from .groebner import BACKENDS, Polynomial, available_backends
from .zero_dim import count_real_roots, point_for_root, rational_roots, separating_form

__all__ = [
    "FibreResult",
    "StratumResult",
    "exact_fibre",
    "fibre_system",
    "choose_backend",
    "available_backends",
    "BACKENDS",
]


# --------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class StratumResult:
    """One normalised system (one pivot choice, see the module docstring).

    Attributes
    ----------
    pivots : tuple of int
        The pivot coordinate p_k of each layer k < K.
    dimension : int
        The Krull dimension of the system: -1 when it is empty (inconsistent), 0 for finitely
        many points, d > 0 for a d-dimensional part of the fibre.
    points_with_multiplicity, points, real_points : int or None
        Counts over C (with multiplicity, distinct) and over R; None when dimension > 0.
    """

    pivots: tuple[int, ...]
    dimension: int
    points_with_multiplicity: int | None
    points: int | None
    real_points: int | None


@dataclass(frozen=True)
class FibreResult:
    """The exact fibre {h : M(h) = M(h̄)} modulo rescaling (Proposition 6.3, part 1).

    Attributes
    ----------
    points : int or None
        Number of classes in the fibre over C (distinct points of all normalised systems);
        None if the complex fibre is positive-dimensional (infinitely many classes).
    points_with_multiplicity : int or None
        The same counted with multiplicity (Σ dim_Q Q[x]/I).
    real_points : int or None
        Number of real classes (⟨h̄⟩ included); None if not decided.
    only_real_solution : bool or None
        True iff no real class other than ⟨h̄⟩ lies in the fibre (within the model): the
        condition of Proposition 6.3 (1); None if not decided.
    status : str
        ``proved`` (⟨h̄⟩ identifiable: one point over C, or over R all extra points non-real),
        ``refuted`` (an extra real class exists, or M(h̄) = 0), ``inconclusive``
        (positive-dimensional complex fibre: real extra classes not decided here).
        These are outcomes of exact computations in this process (Gröbner bases, certified
        real root isolation), not certificate claims: the standard-library checker cannot
        re-verify a Gröbner basis, so fibre results are never written into certificates. Only a
        ``refuted`` result with a ``witness`` carries evidence anyone can re-check by
        evaluating M(witness) = M(h̄); without one, the extra real class is algebraic and its
        existence rests on the exact root count (see ``note``).
    field : str
        Over which field the status holds and why (the C-versus-R caveat above).
    backend, seconds
        The Gröbner backend used and the wall-clock time of the whole computation.
    normalisation : tuple of int
        j_k for k < K: the coordinate fixed to h̄_{k, j_k} in the main stratum.
    strata : tuple of StratumResult
    witness : list of list of Fraction or None
        An exact rational h with M(h) = M(h̄) and P(h) ≠ P(h̄), when one was found.
    note : str
    seed : int
        Seed of the separating linear forms (the counts do not depend on it).
    h_bar_in_model : bool
        Whether h̄ lies in the model given by ``supports`` (always True for the full model);
        if not, ⟨h̄⟩ is not among the counted classes and every class found is extra.
    """

    points: int | None
    points_with_multiplicity: int | None
    real_points: int | None
    only_real_solution: bool | None
    status: str
    field: str
    backend: str
    seconds: float
    normalisation: tuple[int, ...]
    strata: tuple[StratumResult, ...]
    witness: list[list[Fraction]] | None = None
    note: str = ""
    seed: int = 0
    h_bar_in_model: bool = True

    def to_dict(self) -> dict:
        """JSON-ready form (rationals as "p/q" strings), for certificates and reports.

        >>> FibreResult(1, 1, 1, True, "proved", "C", "sympy", 0.0, (0,), ()).to_dict()["status"]
        'proved'
        """
        out = {
            "points": self.points, "points_with_multiplicity": self.points_with_multiplicity,
            "real_points": self.real_points, "only_real_solution": self.only_real_solution,
            "status": self.status, "field": self.field, "backend": self.backend,
            "seconds": self.seconds, "normalisation": list(self.normalisation), "seed": self.seed,
            "h_bar_in_model": self.h_bar_in_model, "note": self.note,
            "strata": [{"pivots": list(s.pivots), "dimension": s.dimension,
                        "points_with_multiplicity": s.points_with_multiplicity,
                        "points": s.points, "real_points": s.real_points} for s in self.strata],
            "witness": None if self.witness is None else [[fraction_to_str(x) for x in hk] for hk in self.witness],
            "relies_on": "Proposition 6.3 (1)",
        }
        return out


# --------------------------------------------------------------------------------- system
def _check_supports(net: MultilinearMap, supports: Sequence[Sequence[int]] | None) -> list[tuple[int, ...]]:
    """Validated per-layer supports (sorted, unique); None means the full model."""
    if supports is None:
        return [tuple(range(l.params)) for l in net.layers]
    if len(supports) != net.K:
        raise SpecError("supports", f"expected {net.K} supports (one per layer), got {len(supports)}")
    out = []
    for k, (s, layer) in enumerate(zip(supports, net.layers)):
        s = tuple(sorted(set(s)))
        if not s:
            raise SpecError(f"supports[{k}]", "empty support (the layer would be 0)")
        bad = [i for i in s if not (isinstance(i, int) and 0 <= i < layer.params)]
        if bad:
            raise SpecError(f"supports[{k}]", f"coordinates {bad} out of range 0..{layer.params - 1}")
        out.append(s)
    return out


def _normalised_coordinates(h_bar: Sequence[Sequence[Fraction]]) -> tuple[int, ...]:
    """j_k: the first non-zero coordinate of h̄_k in each layer k < K."""
    return tuple(next(j for j, x in enumerate(hk) if x != 0) for hk in h_bar[:-1])


def fibre_system(
    net: MultilinearMap,
    h_bar: Sequence[Sequence],
    pivots: Sequence[int] | None = None,
    supports: Sequence[Sequence[int]] | None = None,
) -> tuple[list[Polynomial], list[tuple[int, int]], dict[tuple[int, int], Fraction]]:
    """The normalised polynomial system of one stratum of the fibre of ``h_bar``.

    Parameters
    ----------
    net : MultilinearMap
    h_bar : list of K parameter vectors (exact rationals)
    pivots : pivot coordinate p_k for each layer k < K; default: the main stratum p_k = j_k.
    supports : optional model M^L as per-layer supports: h_{k,i} = 0 for i not in supports[k].

    Returns
    -------
    polys : list of {exponent tuple: Fraction}
        The non-zero polynomials of M(h) - M(h̄) after substituting the fixed coordinates.
    unknowns : list of (layer, coordinate)
        The variable order (variable i is ``h[layer][coordinate]``).
    fixed : dict (layer, coordinate) -> Fraction
        The coordinates set to constants by the normalisation.

    Examples
    --------
    Scalar K = 2 network x = h_1 h_2: after fixing h_1 = h̄_1 = 2 one equation 2 y - 6 = 0.

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 1, 1, [(0, 0, 0, 1)]), Layer(1, 1, 1, [(0, 0, 0, 1)])])
    >>> polys, unknowns, fixed = fibre_system(net, [[2], [3]])
    >>> polys, unknowns, fixed
    ([{(1,): Fraction(2, 1), (0,): Fraction(-6, 1)}], [(1, 0)], {(0, 0): Fraction(2, 1)})
    """
    h_bar = net.check_params(h_bar)
    K = net.K
    norm = _normalised_coordinates(h_bar)
    if pivots is None:
        pivots = norm
    sup = _check_supports(net, supports)
    fixed: dict[tuple[int, int], Fraction] = {
        (k, i): Fraction(0) for k in range(K) for i in range(net.layers[k].params) if i not in sup[k]}
    for k in range(K - 1):
        if pivots[k] not in sup[k]:
            raise SpecError(f"pivots[{k}]", f"coordinate {pivots[k]} is outside the support {list(sup[k])}")
        for q in range(pivots[k]):
            fixed[(k, q)] = Fraction(0)
        fixed[(k, pivots[k])] = h_bar[k][norm[k]] if pivots[k] == norm[k] else Fraction(1)
    unknowns = [(k, i) for k in range(K) for i in range(net.layers[k].params) if (k, i) not in fixed]
    var_of = {u: n for n, u in enumerate(unknowns)}
    nv = len(unknowns)

    def layer_poly_matrix(k: int) -> dict[tuple[int, int], Polynomial]:
        """M_k(h_k) with polynomial entries (linear in the unknowns of layer k)."""
        out: dict[tuple[int, int], Polynomial] = {}
        for p, r, c, v in net.layers[k].entries:
            if (k, p) in fixed:
                mono, coef = (0,) * nv, v * fixed[(k, p)]
            else:
                e = [0] * nv
                e[var_of[(k, p)]] = 1
                mono, coef = tuple(e), v
            if coef:
                entry = out.setdefault((r, c), {})
                entry[mono] = entry.get(mono, 0) + coef
        return {rc: {m: x for m, x in poly.items() if x} for rc, poly in out.items()}

    prod = layer_poly_matrix(0)
    for k in range(1, K):
        nxt = layer_poly_matrix(k)
        by_row: dict[int, list[tuple[int, Polynomial]]] = {}
        for (r, c), poly in nxt.items():
            by_row.setdefault(r, []).append((c, poly))
        acc: dict[tuple[int, int], Polynomial] = {}
        for (r, mid), a in prod.items():
            for c, b in by_row.get(mid, ()):
                entry = acc.setdefault((r, c), {})
                for ma, xa in a.items():
                    for mb, xb in b.items():
                        m = tuple(i + j for i, j in zip(ma, mb))
                        entry[m] = entry.get(m, 0) + xa * xb
        prod = {rc: {m: x for m, x in poly.items() if x} for rc, poly in acc.items()}
    target = net.evaluate_sparse(h_bar)
    zero = (0,) * nv
    polys: dict[tuple[int, int], Polynomial] = {rc: dict(p) for rc, p in prod.items()}
    for r, row in target.items():
        for c, v in row.items():
            entry = polys.setdefault((r, c), {})
            entry[zero] = entry.get(zero, 0) - v
    out = []
    seen = set()
    for rc in sorted(polys):
        p = {m: Fraction(x) for m, x in polys[rc].items() if x}
        key = tuple(sorted(p.items()))
        if p and key not in seen:  # circulant layers repeat equations
            seen.add(key)
            out.append(p)
    return out, unknowns, fixed


# --------------------------------------------------------------------------------- backends
def choose_backend(n_unknowns: int) -> str:
    """The ``auto`` route: the fastest available backend for a system with this many unknowns.

    Thresholds from ``tests/benchmarks/bench_fibres.py`` (2-core machine, Singular 4.3,
    python-flint 0.9), Gröbner + normal forms of the main stratum:

    * up to 8 unknowns python-flint wins, because Singular pays ~25 ms to start a process:
      blind deconvolution a = b = 3 / 4 (5 / 7 unknowns): flint 0.001 / 0.007 s, Singular
      0.020 / 0.038 s; chains (3, 3, 3) / (3, 4, 3) (8 / 9 unknowns): flint 0.14 / 0.84 s,
      Singular 0.26 / 1.6 s;
    * beyond, Singular: python-flint's Buchberger is the naive one (no pair-selection
      strategy) and can blow up -- a = 4, b = 7 (10 unknowns): flint 14 s, Singular 0.30 s;
      a = b = 6 (252 points, 11 unknowns): flint 2.8 s, Singular 0.94 s. (The lead measured
      one more case at flint > 60 s against Singular 0.7 s.)

    sympy (the readable reference: 0.35 s at 20 points, 13.6 s at 70) only when neither fast
    route is installed.
    """
    order = ("flint", "singular") if n_unknowns <= 8 else ("singular", "flint")
    for name in order:
        if backends.is_available(name):
            return name
    return "sympy"


# --------------------------------------------------------------------------------- counting
@dataclass
class _StratumCount:
    result: StratumResult
    rational_points: list[list[Fraction]] = field(default_factory=list)


def _count_stratum(
    polys: list[Polynomial],
    nvars: int,
    backend: str,
    pivots: tuple[int, ...],
    seed: int,
    known_point: list[Fraction] | None,
    want_rational_points: bool,
) -> _StratumCount:
    q = backends.quotient(backend, polys, nvars)
    if q.dimension < 0:
        return _StratumCount(StratumResult(pivots, -1, 0, 0, 0))
    if q.dimension > 0:
        return _StratumCount(StratumResult(pivots, q.dimension, None, None, None))
    if nvars == 0:  # every coordinate fixed, and the system is consistent: one real point
        return _StratumCount(StratumResult(pivots, 0, 1, 1, 1))
    form = separating_form(polys, q, backend, seed)
    chi = form.chi
    distinct = form.quotient.dim
    real = count_real_roots(chi)
    rational_points = []
    if known_point is not None:
        t_bar = sum((c * x for c, x in zip(form.coeffs, known_point)), Fraction(0))
        if chi(flint.fmpq(t_bar.numerator, t_bar.denominator)) != 0:
            raise InternalError("h̄ must lie in its own fibre")
    if want_rational_points:
        for tau in rational_roots(chi):
            point = point_for_root(form, tau)
            if known_point is None or point != known_point:
                rational_points.append(point)
                break
    return _StratumCount(StratumResult(pivots, 0, q.dim, distinct, real), rational_points)


# --------------------------------------------------------------------------------- driver
def exact_fibre(
    net: MultilinearMap,
    h_bar: Sequence[Sequence],
    backend: str = "auto",
    seed: int = 0,
    max_strata: int = 4096,
    supports: Sequence[Sequence[int]] | None = None,
) -> FibreResult:
    """Decide exactly whether ⟨h̄⟩ is the only class with M(h) = M(h̄) (Proposition 6.3, 1).

    Parameters
    ----------
    net : MultilinearMap
    h_bar : list of K parameter vectors (exact rationals: ints, Fractions, "p/q" strings)
    backend : "auto", "sympy", "flint" or "singular"
    seed : seed of the separating linear forms (the answer does not depend on it)
    max_strata : refuse (SpecError) networks with more than this many pivot strata
    supports : optional model M^L given by per-layer supports (h_{k,i} = 0 off supports[k]);
        the fibre is then intersected with M^L, as in Proposition 6.3 (1) for one L. h̄ itself
        need not lie in M^L (then every class found is an extra one).

    Returns
    -------
    FibreResult

    Raises
    ------
    BackendUnavailable
        When the requested optional backend is not installed.
    SpecError
        Bad ``h_bar`` or ``backend``.

    Examples
    --------
    Blind deconvolution of two kernels of length 2: (a0 + a1 z)(b0 + b1 z) has two roots, so
    besides ⟨h̄⟩ there is exactly one other factorization (swap the roots), and it is real:

    >>> from algebra.network import Layer
    >>> conv = MultilinearMap([Layer(3, 2, 2, [(0, 0, 0, 1), (1, 1, 0, 1), (0, 1, 1, 1), (1, 2, 1, 1)]),
    ...                        Layer(2, 1, 2, [(0, 0, 0, 1), (1, 1, 0, 1)])])
    >>> r = exact_fibre(conv, [[1, 1], [-2, 1]], backend="sympy")
    >>> r.points, r.real_points, r.status
    (2, 2, 'refuted')
    >>> r.witness  # a = 1 - z/2, b = -2 - 2z: a b = (1 + z)(-2 + z)
    [[Fraction(1, 1), Fraction(-1, 2)], [Fraction(-2, 1), Fraction(-2, 1)]]

    Notes
    -----
    Proposition 6.3 (1) with the full model M = R^{S_1} × ... × R^{S_K}. See the module
    docstring for the normalisation and the C-versus-R caveat.
    """
    start = time.perf_counter()
    h_bar = net.check_params(h_bar)
    if backend not in ("auto",) + BACKENDS:
        raise SpecError("backend", f"expected one of auto, {', '.join(BACKENDS)}; got {backend!r}")
    if backend != "auto" and not backends.is_available(backend):
        raise BackendUnavailable(backends.unavailable_message(backend))
    for k, hk in enumerate(h_bar):
        if not any(hk):
            raise SpecError(f"h_bar[{k}]", "layer is zero: h̄ must lie in R_*^{S×K} (paper, (3.1))")
    if not net.evaluate_sparse(h_bar):
        witness = [[Fraction(0)] * l.params for l in net.layers]  # 0 lies in every (linear) model
        return FibreResult(
            points=None, points_with_multiplicity=None, real_points=None, only_real_solution=False,
            status="refuted", field="R and C: the witness is rational", backend=backend,
            seconds=time.perf_counter() - start, normalisation=(), strata=(), witness=witness,
            note="M(h̄) = 0: h = 0 gives the same product with P(h) = 0 ≠ P(h̄)",
            seed=seed, h_bar_in_model=True,
        )
    norm = _normalised_coordinates(h_bar)
    sup = _check_supports(net, supports)
    in_model = all(x == 0 for k, hk in enumerate(h_bar) for i, x in enumerate(hk) if i not in sup[k])
    orders = sup[:-1]
    n_strata = math.prod(len(o) for o in orders)
    if n_strata > max_strata:
        raise SpecError("max_strata", f"{n_strata} pivot strata exceed the limit {max_strata}")
    strata: list[StratumResult] = []
    witness = None
    # One route for all strata, chosen on the size of the largest system (the first pivots).
    largest = sum(len(s) for s in sup) - (net.K - 1)
    name = backend if backend != "auto" else choose_backend(largest)
    chosen = name
    for combo in itertools.product(*orders):
        combo = tuple(combo)
        polys, unknowns, fixed = fibre_system(net, h_bar, combo, sup)
        main = combo == norm and in_model
        known = [h_bar[k][i] for k, i in unknowns] if main else None
        count = _count_stratum(polys, len(unknowns), name, tuple(combo), seed, known, witness is None)
        strata.append(count.result)
        if count.rational_points and witness is None:
            witness = [[fixed.get((k, i), Fraction(0)) for i in range(l.params)] for k, l in enumerate(net.layers)]
            for (k, i), x in zip(unknowns, count.rational_points[0]):
                witness[k][i] = x
            if net.evaluate_sparse(witness) != net.evaluate_sparse(h_bar):
                raise InternalError("a rational fibre point does not have the product of h̄")
    common = dict(backend=chosen, normalisation=norm, strata=tuple(strata), witness=witness, seed=seed,
                  h_bar_in_model=in_model)
    if any(s.dimension > 0 for s in strata):
        if witness is None:
            return FibreResult(
                points=None, points_with_multiplicity=None, real_points=None, only_real_solution=None,
                status="inconclusive",
                field="C: the complex fibre is positive-dimensional (infinitely many classes over C); "
                      "whether extra real classes exist is not decided",
                seconds=time.perf_counter() - start, note="not identifiable over C; over R undecided", **common)
        return FibreResult(
            points=None, points_with_multiplicity=None, real_points=None, only_real_solution=False,
            status="refuted", field="R and C: the witness is rational", seconds=time.perf_counter() - start,
            note="positive-dimensional complex fibre; a rational witness shows ⟨h̄⟩ is not identifiable",
            **common)
    points = sum(s.points for s in strata)
    mult = sum(s.points_with_multiplicity for s in strata)
    real = sum(s.real_points for s in strata)
    extra, extra_real = points - in_model, real - in_model
    if extra == 0:
        status, fld, note = "proved", "C, hence R: the complex fibre holds no class but ⟨h̄⟩", ""
    elif extra_real == 0:
        status, fld = "proved", "R only: the extra classes are all non-real (exact real root count)"
        note = f"{extra} extra class(es) over C, none real: identifiable over R, not over C"
    else:
        status, fld = "refuted", "R: an extra real class exists (exact real root count)"
        note = f"{extra_real} extra real class(es)" + (
            "; rational witness given" if witness else "; no rational witness (the extra classes are algebraic)")
    return FibreResult(points=points, points_with_multiplicity=mult, real_points=real,
                       only_real_solution=extra_real == 0, status=status, field=fld,
                       seconds=time.perf_counter() - start, note=note, **common)
