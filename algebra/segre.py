"""The Segre embedding, the equivalence ~ and the metric d_p (paper, sections 3 and 4).

* P(h) = h_1 ⊗ ... ⊗ h_K, entry (i_1, ..., i_K) = h_{1,i_1} ... h_{K,i_K}   (4.1)
* h ~ g iff h_k = λ_k g_k with ∏ λ_k = 1 (3.2); for h, g in R_*^{S×K} (no zero layer),
  P(h) = P(g) iff h ~ g (Standard Fact 1).
* R_diag: representatives with equal ‖h_k‖_∞ across layers; ⟨h⟩ ∩ R_diag is finite
  (the 2^{K-1} sign patterns with an even number of flips), and d_p (Definition 4.1) is the
  smallest ‖h' − g'‖_p over these representatives.
* Right-hand sides of Theorem 4.3 (stability of ⟨h⟩ from P(h)) and Theorem 4.5 (Lipschitz
  continuity of P).

Layers may have different lengths S_k; the paper pads every layer to S = max_k S_k with
zeros, which changes no norm here, so the formulas use S = max_k S_k.

Exact tests (P(h), ~) use Fractions; d_p and the theorem bounds involve K-th roots and are
floats (they feed ``numeric`` claims and cross-checks only).
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Sequence

import numpy as np

__all__ = [
    "segre",
    "segre_entry",
    "segre_dense",
    "is_degenerate",
    "are_equivalent",
    "rdiag_representatives",
    "d_p",
    "segre_norm_inf",
    "segre_distance",
    "theorem_4_3_hypothesis",
    "theorem_4_3_rhs",
    "theorem_4_5_rhs",
]

Params = Sequence[Sequence]


def segre_entry(h: Params, index: Sequence[int]):
    """One entry P(h)_i = h_{1,i_1} ... h_{K,i_K} (exact if h is)."""
    return math.prod((hk[i] for hk, i in zip(h, index)), start=Fraction(1) if _exact(h) else 1.0)


def segre(h: Params) -> dict[tuple[int, ...], Fraction]:
    """P(h) as a sparse tensor {index tuple: value} holding its non-zero entries, exactly.

    Only products of non-zero entries are formed, so the cost is ∏_k |supp h_k|.

    >>> segre([[1, 0, 2], ["1/2", 3]])
    {(0, 0): Fraction(1, 2), (0, 1): Fraction(3, 1), (2, 0): Fraction(1, 1), (2, 1): Fraction(6, 1)}
    """
    supports = [[(i, Fraction(x)) for i, x in enumerate(hk) if Fraction(x) != 0] for hk in h]
    out = {}
    for combo in itertools.product(*supports):
        out[tuple(i for i, _ in combo)] = math.prod((x for _, x in combo), start=Fraction(1))
    return out


def segre_dense(h: Sequence[Sequence[float]]) -> np.ndarray:
    """P(h) as a dense float array of shape (S_1, ..., S_K) (small sizes only)."""
    out = np.array(1.0)
    for hk in h:
        out = np.multiply.outer(out, np.array([_float(x) for x in hk]))
    return out


def _exact(h: Params) -> bool:
    return all(isinstance(x, (int, Fraction)) for hk in h for x in hk)


def is_degenerate(h: Params) -> bool:
    """True when some layer is zero, i.e. h ∉ R_*^{S×K} (3.1) and P(h) = 0."""
    return any(all(_float(x) == 0 for x in hk) for hk in h)


def are_equivalent(h: Params, g: Params) -> bool:
    """Exact test of P(h) = P(g) (for h, g ∈ R_*: h ~ g, Standard Fact 1).

    Layer by layer, h_k must be a multiple λ_k g_k, and ∏ λ_k = 1.

    >>> are_equivalent([[1, 2], [3, 3]], [[2, 4], ["3/2", "3/2"]])
    True
    >>> are_equivalent([[1, 2], [3, 3]], [[-1, -2], [3, 3]])
    False
    """
    h = [[Fraction(x) for x in hk] for hk in h]
    g = [[Fraction(x) for x in gk] for gk in g]
    if len(h) != len(g) or any(len(a) != len(b) for a, b in zip(h, g)):
        raise ValueError("h and g must have the same layer sizes")
    if is_degenerate(h) or is_degenerate(g):
        return is_degenerate(h) and is_degenerate(g)  # both P = 0
    product = Fraction(1)
    for hk, gk in zip(h, g):
        j = next(i for i, x in enumerate(gk) if x != 0)
        lam = hk[j] / gk[j]
        if lam == 0 or any(a != lam * b for a, b in zip(hk, gk)):
            return False
        product *= lam
    return product == 1


def _float(x) -> float:
    """A float from an int, Fraction, float or "p/q" string."""
    return float(Fraction(x)) if isinstance(x, str) else float(x)


def _inf_norm(v: Sequence) -> float:
    return max((abs(_float(x)) for x in v), default=0.0)


def segre_norm_inf(h: Params) -> float:
    """‖P(h)‖_∞ = ∏_k ‖h_k‖_∞."""
    return math.prod(_inf_norm(hk) for hk in h)


def rdiag_representatives(h: Params) -> list[list[np.ndarray]]:
    """⟨h⟩ ∩ R_diag^{S×K}: the 2^{K-1} representatives with ‖h'_k‖_∞ all equal (section 4).

    Each layer is rescaled to norm c = ‖P(h)‖_∞^{1/K}; the representatives differ by sign
    patterns with ∏ signs = 1.
    """
    if is_degenerate(h):
        raise ValueError("h has a zero layer: its class is not defined (h ∉ R_*, (3.1))")
    K = len(h)
    c = segre_norm_inf(h) ** (1.0 / K)
    base = [np.array([_float(x) for x in hk]) * (c / _inf_norm(hk)) for hk in h]
    reps = []
    for signs in itertools.product((1, -1), repeat=K - 1):
        last = math.prod(signs)
        reps.append([s * b for s, b in zip((*signs, last), base)])
    return reps


def _p_norm(blocks: Sequence[np.ndarray], p: float) -> float:
    flat = np.concatenate([np.ravel(b) for b in blocks])
    if math.isinf(p):
        return float(np.max(np.abs(flat), initial=0.0))
    return float(np.sum(np.abs(flat) ** p) ** (1.0 / p))


def d_p(h: Params, g: Params, p: float = 2) -> float:
    """The metric d_p(⟨h⟩, ⟨g⟩) of Definition 4.1 (Proposition 4.2: a metric on classes).

    Both R_diag representative sets are closed under the same sign flips, so it suffices to
    fix one representative of ⟨h⟩ and minimise over those of ⟨g⟩.

    >>> d_p([[1, 2], [3, 3]], [[2, 4], [1.5, 1.5]], 2)
    0.0
    >>> round(d_p([[1, 0]], [[0, 1]], 1), 12)
    2.0
    """
    if not (p >= 1):
        raise ValueError(f"p must lie in [1, inf], got {p}")
    h0 = rdiag_representatives(h)[0]
    return min(_p_norm([a - b for a, b in zip(h0, gr)], p) for gr in rdiag_representatives(g))


def segre_distance(h: Params, g: Params, q: float = 2) -> float:
    """‖P(h) − P(g)‖_q (dense; small sizes)."""
    diff = segre_dense(h) - segre_dense(g)
    return _p_norm([diff], q)


def _S(h: Params) -> int:
    return max(len(hk) for hk in h)


def theorem_4_3_hypothesis(h: Params, g: Params) -> bool:
    """Hypothesis of Theorem 4.3: ‖P(g) − P(h)‖_∞ ≤ ½ max(‖P(h)‖_∞, ‖P(g)‖_∞)."""
    return segre_distance(h, g, math.inf) <= 0.5 * max(segre_norm_inf(h), segre_norm_inf(g))


def theorem_4_3_rhs(h: Params, g: Params, p: float = 2, q: float = 2) -> float:
    """Right-hand side of (4.2): 7 (KS)^{1/p} min(‖P(h)‖_∞^{1/K−1}, ‖P(g)‖_∞^{1/K−1}) ‖P(h)−P(g)‖_q.

    Theorem 4.3: when :func:`theorem_4_3_hypothesis` holds, d_p(⟨h⟩, ⟨g⟩) ≤ this value.
    """
    K, S = len(h), _S(h)
    scale = min(segre_norm_inf(h) ** (1 / K - 1), segre_norm_inf(g) ** (1 / K - 1))
    return 7 * (K * S) ** (1 / p) * scale * segre_distance(h, g, q)


def theorem_4_5_rhs(h: Params, g: Params, q: float = 2) -> float:
    """Right-hand side of (4.3): S^{(K−1)/q} K^{1−1/q} max(‖P(h)‖_∞^{1−1/K}, ‖P(g)‖_∞^{1−1/K}) d_q.

    Theorem 4.5: ‖P(h) − P(g)‖_q ≤ this value for all h, g ∈ R_*.
    """
    K, S = len(h), _S(h)
    inv_q = 0.0 if math.isinf(q) else 1 / q
    scale = max(segre_norm_inf(h) ** (1 - 1 / K), segre_norm_inf(g) ** (1 - 1 / K))
    return S ** ((K - 1) * inv_q) * K ** (1 - inv_q) * scale * d_p(h, g, q)
