"""Stability (paper, section 7): the ``stable`` decision, deep-NSP constants, σ_min, Theorem 7.2.

:func:`stability_decision` answers the question ``stable`` for a structured network from its
``identifiable`` decision: ``refuted`` when that is refuted (not even identifiable); when it
rests on Ker A = {0}, Theorem 7.2 with the deep-NSP constants (γ, ρ) = (1, +∞) (the first
"trivial fact" after Definition 7.1), ``proved`` with an exact enclosure σ_min(A)² ∈ [lo, hi]
(:func:`algebra.sigma_enclosure.sigma_min_enclosure`; the witness is the integer Gram matrix's
characteristic polynomial, ``docs/certificate-format.md``) when the Gram side is at most
:data:`~algebra.limits.PROVED_GRAM_SIDE`, else ``numeric`` with σ_min in floating point
(:func:`algebra.singular_values.sigma_min`); otherwise ``inconclusive``.

Deep-NSP (Definition 7.1) with constants (γ, ρ): for all T ∈ P(M^L) − P(M^L') with
‖A T‖ ≤ ρ and all T' ∈ Ker A, ‖T‖ ≤ γ ‖T − T'‖. Since P(M^L) − P(M^L') is a cone (rescale
one layer), the best γ does not depend on ρ when it is finite, and equals

    γ* = sup { ‖T‖ / ‖Π T‖ : T ∈ P(M^L) − P(M^L'), T ≠ 0 },    Π = orthogonal projection on (Ker A)^⊥.

What is computed:

* Ker A = {0} (exact, :func:`algebra.identifiability.injectivity_witness`) → (γ, ρ) = (1, +∞),
  ``proved`` (paper, the first "trivial fact" after Definition 7.1).
* A injective on the span V of P(M) → γ ≤ 1 / σ_min(Π restricted to V) < ∞ for every ρ; the
  number is a float (``numeric``), its finiteness is proved by the exact injectivity.
* otherwise a **numeric lower bound** for γ*: the largest ‖T‖/‖Π T‖ over sampled and locally
  optimised T = P(h) − P(g) (any sampled T is admissible, so every sample bounds γ* below,
  up to floating-point error). Infinite/huge when the model is not identifiable.

σ_min (smallest non-zero singular value of A) comes from :mod:`algebra.singular_values` in
floating point, with the exact rank, or rigorously enclosed by :mod:`algebra.sigma_enclosure`.

Examples
--------
>>> from fractions import Fraction
>>> from algebra.analysis import Analysis
>>> from algebra.identifiability import identifiability_decision
>>> from algebra.network import Layer, MultilinearMap
>>> col = Layer(2, 1, 2, ((0, 0, 0, Fraction(1)), (1, 1, 0, Fraction(2))))
>>> row = Layer(1, 2, 2, ((0, 0, 0, Fraction(1)), (1, 0, 1, Fraction(1))))
>>> run = Analysis(MultilinearMap((col, row)))      # A = diag(1, 1, 2, 2): Ker A = {0}
>>> d = stability_decision(run, identifiability_decision(run))
>>> d.status, d.value["sigma_min_squared"], d.value["inv_sigma_min_upper"]
('proved', {'lo': Fraction(1, 1), 'hi': Fraction(1, 1)}, Fraction(1, 1))
"""
from __future__ import annotations

import math
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import numpy as np

from .analysis import Analysis
from .budget import Budget
from .decision import Decision
from .errors import BudgetExceeded
from .exact import rank_witness
from .identifiability import injectivity_witness
from .lifting import LiftingOperator, lifting_operator, tuple_to_column
from .limits import PROVED_GRAM_SIDE
from .models import ModelCollection, full_model
from .network import MultilinearMap
from .segre import segre_dense, segre_norm_inf
from .sigma_enclosure import sigma_min_enclosure
from .singular_values import sigma_min

__all__ = [
    "stability_decision",
    "THEOREM_7_2_BOUNDS",
    "DeepNSP",
    "dense_lifting",
    "sigma_min_numeric",
    "deep_nsp_constants",
    "gamma_lower_bound",
    "Theorem72Bound",
    "theorem_7_2_bound",
]


@dataclass(frozen=True)
class DeepNSP:
    """Deep-NSP constants (γ, ρ) with their status (``proved`` or ``numeric``)."""

    gamma: float
    rho: float
    status: str
    statement: str
    relies_on: tuple[str, ...] = ("Definition 7.1",)
    details: dict = field(default_factory=dict)


def dense_lifting(net: MultilinearMap, A: LiftingOperator | None = None) -> np.ndarray:
    """A as a dense float array with all S_1...S_K columns (lexicographic; small cases only)."""
    A = A if A is not None else lifting_operator(net)
    out = np.zeros((A.n_rows, A.n_cols))
    for t, col in A.columns.items():
        j = tuple_to_column(t, A.param_counts)
        for r, v in col.items():
            out[r, j] = float(v)
    return out


def _exact_rank(A: LiftingOperator, budget: Budget | None = None) -> int:
    return rank_witness(A, budget=budget).rank if A.columns else 0


def sigma_min_numeric(net: MultilinearMap, A: LiftingOperator | None = None) -> float:
    """Smallest non-zero singular value of A: :func:`algebra.singular_values.sigma_min` given the
    exact rank (so no tolerance decides which values count as zero). Floats: ``numeric``.

    >>> from algebra.network import Layer, MultilinearMap
    >>> net = MultilinearMap([Layer(2, 1, 2, [(0, 0, 0, 3), (1, 1, 0, 4)])])
    >>> round(sigma_min_numeric(net), 12)
    3.0
    """
    A = A if A is not None else lifting_operator(net)
    r = _exact_rank(A)
    if r == 0:
        return math.inf
    return float(sigma_min(A, rank=r).value)


def _row_space_basis(dense: np.ndarray, rank: int) -> np.ndarray:
    """Orthonormal basis (as rows) of (Ker A)^⊥ = row space of A."""
    _, _, vt = np.linalg.svd(dense, full_matrices=True)
    return vt[:rank]


def deep_nsp_constants(net: MultilinearMap, model: ModelCollection | None = None, *,
                       seed: int = 0, samples: int = 200) -> DeepNSP:
    """Deep-NSP constants where known exactly, otherwise a numeric lower bound for γ.

    Examples
    --------
    >>> from algebra.network import Layer, MultilinearMap
    >>> col = Layer(2, 1, 2, [(0, 0, 0, 1), (1, 1, 0, 1)])
    >>> row = Layer(1, 2, 2, [(0, 0, 0, 1), (1, 0, 1, 1)])
    >>> c = deep_nsp_constants(MultilinearMap([col, row]))
    >>> (c.gamma, c.rho, c.status)
    (1.0, inf, 'proved')
    """
    model = model or full_model(net)
    A = lifting_operator(net)
    wit = injectivity_witness(net, model, A)
    if wit is not None and wit["kind"] == "kernel-trivial":
        return DeepNSP(1.0, math.inf, "proved",
                       "Ker A = {0}: the deep-NSP holds with (γ, ρ) = (1, +∞) for every model (section 7)",
                       ("Definition 7.1", "section 7, first fact after Definition 7.1"), {"witness": wit})
    dense = dense_lifting(net, A)
    rank = _exact_rank(A)
    row_basis = _row_space_basis(dense, rank)
    if wit is not None:
        # V = span of P(M): columns of B are the orbit sums (normalised below).
        B = np.zeros((A.n_cols, len(wit["minor_cols"])))
        for j, grp in enumerate(wit["minor_cols"]):
            for t in grp:
                B[tuple_to_column(t, A.param_counts), j] = 1.0
        Q, _ = np.linalg.qr(B)
        s = np.linalg.svd(row_basis @ Q, compute_uv=False)
        gamma = float(1.0 / s[-1])
        return DeepNSP(gamma, math.inf, "numeric",
                       f"A is injective on the span V of P(M) (exact); γ = 1/σ_min(Π|V) ≈ {gamma:.6g} "
                       f"bounds ‖T‖/‖T − T'‖ on V ⊃ P(M^L) − P(M^L') for every ρ",
                       ("Definition 7.1", "Proposition 6.3"), {"witness": wit, "rank_A": rank})
    lb = gamma_lower_bound(net, model, seed=seed, samples=samples, _dense=(dense, row_basis))
    return DeepNSP(lb, math.nan, "numeric",
                   f"numeric lower bound γ ≥ {lb:.6g} from sampled T = P(h) − P(g) "
                   f"(seed {seed}, {samples} samples); no upper bound is known",
                   ("Definition 7.1",), {"rank_A": rank, "seed": seed, "samples": samples, "lower_bound_only": True})


def gamma_lower_bound(net: MultilinearMap, model: ModelCollection | None = None, *, seed: int = 0,
                      samples: int = 200, local_steps: int = 5, _dense=None) -> float:
    """max ‖T‖/‖Π T‖ over sampled (then locally optimised) T = P(h) − P(g), h, g in the model.

    Every admissible T gives ‖T‖/‖Π T‖ ≤ γ*, so the result is a lower bound of the best deep-NSP
    constant (up to floating-point error; status ``numeric``). Returns inf if Π T = 0 for a
    sampled T ≠ 0.
    """
    from scipy.optimize import minimize

    model = model or full_model(net)
    if _dense is None:
        A = lifting_operator(net)
        dense = dense_lifting(net, A)
        row_basis = _row_space_basis(dense, _exact_rank(A))
    else:
        dense, row_basis = _dense
    rng = np.random.default_rng(seed)
    pieces = list(model.pieces())

    def unpack(z, piece):
        h, pos = [], 0
        free = []
        for d in piece.free_dimensions():
            free.append(z[pos:pos + d])
            pos += d
        h = [np.zeros(s) for s in piece.param_counts]
        for cls, x in zip(piece.classes, free):
            for k in cls:
                h[k][list(piece.supports[k])] = x
        return h

    def ratio(z, a, b):
        na = sum(a.free_dimensions())
        T = (segre_dense(unpack(z[:na], a)) - segre_dense(unpack(z[na:], b))).ravel()
        nt = np.linalg.norm(T)
        if nt < 1e-12:
            return 0.0
        return nt / max(np.linalg.norm(row_basis @ T), 1e-300)

    best = 0.0
    starts = []
    for _ in range(samples):
        a = pieces[rng.integers(len(pieces))]
        b = pieces[rng.integers(len(pieces))]
        z = rng.standard_normal(sum(a.free_dimensions()) + sum(b.free_dimensions()))
        val = ratio(z, a, b)
        starts.append((val, z, a, b))
        best = max(best, val)
    starts.sort(key=lambda s: -s[0])
    for val, z, a, b in starts[:local_steps]:
        res = minimize(lambda w: -ratio(w, a, b), z, method="Nelder-Mead",
                       options={"maxiter": 400, "xatol": 1e-10, "fatol": 1e-12})
        best = max(best, -float(res.fun))
    return best if best < 1e12 else math.inf


@dataclass(frozen=True)
class Theorem72Bound:
    """Both inequalities of Theorem 7.2 with their preconditions.

    ``tensor_applies``: δ + η ≤ ρ; then ‖P(h*) − P(h̄)‖ ≤ ``tensor_bound`` = γ/σ_min (δ + η).
    ``dp_applies``: additionally h̄ ∈ R_* and tensor_bound ≤ ½ max(‖P(h̄)‖_∞, ‖P(h*)‖_∞); then
    d_p(⟨h*⟩, ⟨h̄⟩) ≤ ``dp_bound`` = 7 (KS)^{1/p} γ/σ_min min(‖P(h̄)‖_∞^{1/K−1}, ‖P(h*)‖_∞^{1/K−1}) (δ + η).
    """

    tensor_applies: bool
    tensor_bound: float
    dp_applies: bool
    dp_bound: float
    p: float


def theorem_7_2_bound(gamma: float, rho: float, sigma_min: float, delta: float, eta: float,
                      h_bar: Sequence[Sequence[float]], h_star: Sequence[Sequence[float]],
                      p: float = 2) -> Theorem72Bound:
    """The right-hand sides of Theorem 7.2 and whether its hypotheses hold.

    Parameters
    ----------
    gamma, rho : deep-NSP constants (Definition 7.1)
    sigma_min : smallest non-zero singular value of A
    delta, eta : ‖M(h̄) − X‖ ≤ δ (7.1), ‖M(h*) − X‖ ≤ η (7.2)
    h_bar, h_star : the parameters (the second inequality needs their ‖P(·)‖_∞)
    p : the d_p metric's exponent

    Examples
    --------
    >>> b = theorem_7_2_bound(1.0, math.inf, 2.0, 0.1, 0.1, [[1, 0], [1, 1]], [[1, 0], [1, 1.1]])
    >>> b.tensor_applies, round(b.tensor_bound, 12), b.dp_applies
    (True, 0.1, True)
    """
    K = len(h_bar)
    S = max(len(hk) for hk in h_bar)
    eps = delta + eta
    tensor_applies = bool(eps <= rho)
    tensor_bound = gamma / sigma_min * eps
    nb, ns = segre_norm_inf(h_bar), segre_norm_inf(h_star)
    dp_applies = bool(tensor_applies and nb > 0 and ns > 0 and tensor_bound <= 0.5 * max(nb, ns))
    inv_p = 0.0 if math.isinf(p) else 1.0 / p
    if nb > 0 and ns > 0:
        scale = min(nb ** (1.0 / K - 1.0), ns ** (1.0 / K - 1.0))
    else:
        scale = math.inf
    dp_bound = 7 * (K * S) ** inv_p * gamma / sigma_min * scale * eps
    return Theorem72Bound(tensor_applies, tensor_bound, dp_applies, dp_bound, p)


# ---------------------------------------------------------------------------- the decision
# Theorem 7.2 with u >= 1/sigma_min, as the certificate's value writes it (the checker holds the
# same three strings and compares them).
THEOREM_7_2_BOUNDS = {
    "tensor_bound": "||P(h*) - P(hbar)|| <= u*(delta+eta)",
    "dp_bound": ("d_p(<h*>, <hbar>) <= 7*(K*S)**(1/p)*u*min(||P(hbar)||_inf**(1/K-1), "
                 "||P(h*)||_inf**(1/K-1))*(delta+eta)"),
    "dp_condition": "hbar in R_*^{S x K} and u*(delta+eta) <= max(||P(hbar)||_inf, ||P(h*)||_inf)/2",
}
_FLOAT_MIN, _FLOAT_MAX = Fraction(sys.float_info.min), Fraction(sys.float_info.max)
# Integers of a certificate have at most 4300 digits (Python's int/str conversion limit, which the
# writer and every reader share): 4300 log2(10) bits, less one for safety.
_CERTIFICATE_BITS = 14283


def _inv_sqrt_upper(lo: Fraction) -> Fraction:
    """A short rational u >= 1/sqrt(lo) (exact when lo is the square of a rational).

    >>> _inv_sqrt_upper(Fraction(4, 9)), _inv_sqrt_upper(Fraction(2)) >= 1 / 2 ** 0.5
    (Fraction(3, 2), True)
    """
    num, den = math.isqrt(lo.numerator), math.isqrt(lo.denominator)
    if num * num == lo.numerator and den * den == lo.denominator:
        return Fraction(den, num)
    target = 1 / math.sqrt(lo)
    for digits in range(1, 40):  # round 1/sqrt(lo) up to `digits` significant digits, check exactly
        step = Fraction(10) ** (math.floor(math.log10(target)) - digits + 1)
        u = math.ceil(Fraction(target) / step) * step
        if u * u * lo >= 1 and u <= Fraction(target) * (1 + Fraction(1, 10 ** 9)):
            return u
    lo_root = math.isqrt(lo.numerator * lo.denominator)  # sqrt(lo) >= lo_root / den
    return Fraction(lo.denominator, lo_root)


def _round_up_short(x: Fraction, slack: Fraction) -> Fraction:
    """The shortest decimal in [x, x + slack] (x itself when slack = 0): rounding an upper bound
    up keeps it an upper bound, and the interval at most doubles.

    >>> _round_up_short(Fraction(1, 3), Fraction(1, 100))
    Fraction(17, 50)
    """
    if slack <= 0:
        return x
    for digits in range(0, 60):
        step = Fraction(1, 10 ** digits)
        y = math.ceil(x / step) * step
        if y - x <= slack:
            return y
    return x


def _sigma_min_proof(A: LiftingOperator, budget: Budget) -> tuple[dict, dict, float | None] | str:
    """(value part, witness, numeric sigma_min) of a proved enclosure of sigma_min(A), or why not."""
    n_rows = len({r for col in A.columns.values() for r in col})
    side_size = min(len(A.columns), n_rows)
    if side_size > PROVED_GRAM_SIDE:
        return (f"the exact sigma_min enclosure is limited to Gram sides <= {PROVED_GRAM_SIDE} "
                f"(this one is {side_size}); sigma_min is floating point")
    try:
        enc = sigma_min_enclosure(A, budget=budget)
    except BudgetExceeded as exc:
        return f"no exact sigma_min enclosure ({exc.reason})"
    if enc.lo <= 0:  # only for A = 0, excluded by Ker A = {0}; a zero lower bound proves nothing
        return "the exact enclosure gave no positive lower bound on sigma_min"
    if not (_FLOAT_MIN <= enc.lo and enc.hi <= _FLOAT_MAX):  # the value carries float approximations
        return "sigma_min(A)^2 lies outside the floating-point range of the certificate's approximations"
    numbers = [*enc.charpoly, enc.scale, enc.lo.numerator, enc.lo.denominator, enc.hi.numerator, enc.hi.denominator]
    if max(abs(int(x)).bit_length() for x in numbers) > _CERTIFICATE_BITS:
        return ("the exact enclosure's numbers (characteristic polynomial, scale, bounds) exceed the 4300 digits "
                "a certificate's integers may have")
    hi = _round_up_short(enc.hi, enc.hi - enc.lo)
    value = {"sigma_min_squared": {"lo": enc.lo, "hi": hi},
             "sigma_min_approx": [math.sqrt(enc.lo), math.sqrt(hi)],
             "inv_sigma_min_upper": _inv_sqrt_upper(enc.lo)}
    witness = {"from_claim": "lifting-rank", "gram": enc.gram_side, "scale": enc.scale,
               "charpoly": [str(c) for c in enc.charpoly]}
    return value, witness, enc.numeric


def _sigma_min_evidence(A: LiftingOperator, budget: Budget) -> dict | None:
    """sigma_min(A) in floating point with its tolerance, or None when floats cannot hold it."""
    try:  # only called when Ker A = {0}: every non-zero column is independent
        s = sigma_min(A, rank=len(A.columns), budget=budget)
    except (BudgetExceeded, OverflowError, FloatingPointError):  # e.g. entries beyond floats
        return None
    if s.value is None or not math.isfinite(s.value) or s.value <= 0:
        return None
    return {"sigma_min": float(s.value), "tolerance": float(s.tolerance), "method": s.method,
            "rank_source": s.rank_source, "consistent": bool(s.consistent)}


def stability_decision(analysis: Analysis, identifiable: Decision) -> Decision:
    """The question ``stable`` (Theorem 7.2) for a structured network, from its ``identifiable``
    decision (see the module docstring).

    Ker A = {0} gives the deep-NSP constants (γ, ρ) = (1, +∞); σ_min(A) is then *proved* to lie
    in [√lo, √hi] when the Gram side is at most ``PROVED_GRAM_SIDE`` (the certificate's checker
    recomputes the characteristic polynomial and the Descartes counts), and Theorem 7.2's bounds
    hold with u >= 1/√lo >= 1/σ_min; otherwise σ_min is floating point and the decision is
    ``numeric``. The proved value and witness have the certificate's shape
    (``docs/certificate-format.md``, the structured ``stable`` claim).
    """
    if identifiable.status == "refuted":
        return Decision("stable", "refuted", "Stable recovery fails: the parameters are not even identifiable.",
                        relies_on=("Theorem 7.2", "identifiable"), value=False, witness={"from_claim": "identifiable"})
    if not (identifiable.status == "proved" and identifiable.witness == {"from_claim": "lifting-rank"}):
        return Decision("stable", "inconclusive", "Stability of the recovery is not decided.",
                        relies_on=("Theorem 7.2",), reason="deep-NSP constants are only known here when Ker A = {0}")
    try:
        with analysis.phase("stability") as budget:
            A = analysis.lifting()  # Ker A = {0} was read from its rank: A is built
            proof = _sigma_min_proof(A, budget)
            evidence = _sigma_min_evidence(A, budget) if isinstance(proof, str) else None
    except BudgetExceeded as exc:  # the run's time was up before this phase
        return Decision("stable", "inconclusive", "Stability of the recovery is not decided.",
                        relies_on=("Theorem 7.2",), reason=exc.reason)
    if not isinstance(proof, str):
        sigma, witness, numeric = proof
        lo, hi = sigma["sigma_min_squared"]["lo"], sigma["sigma_min_squared"]["hi"]
        u = sigma["inv_sigma_min_upper"]
        interval = f"sigma_min(A)^2 = {lo}" if lo == hi else f"sigma_min(A)^2 in [{lo}, {hi}]"
        return Decision(
            "stable", "proved",
            f"Ker A = {{0}} satisfies the deep-NSP with constants (1, +inf) and {interval}, so Theorem 7.2 "
            f"gives ||P(h*) - P(hbar)|| <= u (delta + eta) and (7.5) with u = {u} >= 1/sigma_min.",
            relies_on=("Theorem 7.2", "Definition 7.1", "lifting-rank", "identifiable"),
            value={"gamma": Fraction(1), "rho": "inf", "K": analysis.net.K, "S": max(analysis.net.param_counts),
                   **sigma, **THEOREM_7_2_BOUNDS},
            witness=witness,
            assumptions={"noise": "(7.1) and (7.2): ||M(hbar) - X|| <= delta and ||M(h*) - X|| <= eta",
                         "(7.5)": "hbar in R_*^{S x K} and u (delta + eta) <= max(||P(hbar)||_inf, ||P(h*)||_inf)/2"},
            evidence={"method": "exact characteristic polynomial of the integer Gram matrix, "
                                "Descartes' rule of signs (all roots real)",
                      "sigma_min_numeric": numeric})
    if evidence is None:
        return Decision("stable", "inconclusive", "Stability of the recovery is not decided.",
                        relies_on=("Theorem 7.2",),
                        reason="Ker A = {0} gives the deep-NSP constants (1, +inf), but sigma_min(A) could be "
                               "neither enclosed exactly nor computed in floating point")
    evidence["exact_enclosure"] = proof
    smin = evidence["sigma_min"]
    return Decision(
        "stable", "numeric",
        f"Ker A = {{0}} satisfies the deep-NSP with constants (1, +inf), so Theorem 7.2 gives stable "
        f"recovery with sigma_min(A) ~ {smin:.6g} (floating point).",
        relies_on=("Theorem 7.2", "Definition 7.1", "identifiable"),
        value={"gamma": "1", "rho": "inf", "sigma_min": smin}, evidence=evidence)
