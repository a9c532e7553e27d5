"""Stability (paper, section 7): deep-NSP constants, σ_min, and Theorem 7.2's bound.

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
floating point, with the exact rank; the rigorous enclosure of σ_min is
:func:`algebra.sigma_enclosure.sigma_min_enclosure`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .identifiability import injectivity_witness, lifting_rank
from .lifting import LiftingOperator, lifting_operator, tuple_to_column
from .models import ModelCollection, full_model
from .network import MultilinearMap
from .segre import segre_dense, segre_norm_inf
from .singular_values import sigma_min

__all__ = [
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


def sigma_min_numeric(net: MultilinearMap, A: LiftingOperator | None = None) -> float:
    """Smallest non-zero singular value of A: :func:`algebra.singular_values.sigma_min` given the
    exact rank (so no tolerance decides which values count as zero). Floats: ``numeric``.

    >>> from algebra.network import Layer, MultilinearMap
    >>> net = MultilinearMap([Layer(2, 1, 2, [(0, 0, 0, 3), (1, 1, 0, 4)])])
    >>> round(sigma_min_numeric(net), 12)
    3.0
    """
    A = A if A is not None else lifting_operator(net)
    r = lifting_rank(net, A)
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
    rank = lifting_rank(net, A)
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
        row_basis = _row_space_basis(dense, lifting_rank(net, A))
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
