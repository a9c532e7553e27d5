"""Stability of convolutional networks (paper, section 8): the equivalence {h}, delta_p, Theorem 8.4.

>>> from graphs.builders import paper_scattered_example
>>> theorem_8_4_bound(paper_scattered_example(), epsilon=1, delta=0, eta=0)["bound"]
0.0
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

from .conv import ConvNetwork
from .leaf_kernels import FloatKernels, leaf_kernels
from .scattering import is_scattered

__all__ = ["are_network_equivalent", "restrict_to_path", "delta_p", "theorem_8_4_bound", "THEOREM_8_4_FORMULA",
           "recovery_experiment", "circulant_projection", "network_matrix_float"]

# Theorem 8.4's bound as the certificate writes it (docs/certificate-format.md, the conv ``stable`` value)
THEOREM_8_4_FORMULA = "7*(K*S')**(1/p)*eps**(1-K)*(delta+eta)/sqrt(N)"


def restrict_to_path(net: ConvNetwork, h: Sequence[Sequence], path) -> list[list]:
    """h^p: the K kernels on path p (layer 1 first), each in its edge's support order."""
    by_layer = sorted(path, key=lambda e: e.depth)
    return [[h[e.depth - 1][j] for j in e.params] for e in by_layer]


def are_network_equivalent(net: ConvNetwork, h: Sequence[Sequence], g: Sequence[Sequence]) -> bool:
    """Exact test of the network equivalence of section 8: for every path p there are lambda_e
    (e in p) with prod lambda_e = 1 and T_e(g) = lambda_e T_e(h) for all e in p.

    >>> from graphs.builders import paper_scattered_example
    >>> net = paper_scattered_example()
    >>> are_network_equivalent(net, [[3, 4, 5], [1, 2]], [["3/2", 2, "5/2"], [2, 4]])
    True
    >>> are_network_equivalent(net, [[3, 4, 5], [1, 2]], [[3, 4, 6], [1, 2]])
    False
    """
    for path in net.paths():
        product, free = Fraction(1), False
        for hk, gk in zip(restrict_to_path(net, h, path), restrict_to_path(net, g, path)):
            hk = [Fraction(x) for x in hk]
            gk = [Fraction(x) for x in gk]
            h_zero, g_zero = not any(hk), not any(gk)
            if h_zero and g_zero:
                free = True  # any lambda_e works: the product constraint can always be met
                continue
            if h_zero != g_zero:
                return False
            j = next(t for t, x in enumerate(hk) if x)
            lam = gk[j] / hk[j]
            if lam == 0 or any(b != lam * a for a, b in zip(hk, gk)):
                return False
            product *= lam
        if not free and product != 1:
            return False
    return True


# ---------------------------------------------------------------------- metric
def delta_p(net: ConvNetwork, h: Sequence[Sequence], g: Sequence[Sequence], p: float = 2) -> float:
    """delta_p({h}, {g}) = (sum over paths of d_p(<h^p>, <g^p>)^p)^{1/p} (section 8; max for p = inf).

    d_p is Definition 4.1 (:func:`algebra.segre.d_p`) applied to the path restrictions; every
    kernel on every path must be non-zero (else the class <h^p> is not defined).

    >>> from graphs.builders import paper_scattered_example
    >>> net = paper_scattered_example()
    >>> delta_p(net, [[3, 4, 5], [1, 2]], [["3/2", 2, "5/2"], [2, 4]])
    0.0
    >>> round(delta_p(net, [[1, 0, 0], [1, 0]], [[1, 0, 0], [0, 1]], 1), 12)
    2.0
    """
    from algebra.segre import d_p

    terms = []
    for path in net.paths():
        hp, gp = restrict_to_path(net, h, path), restrict_to_path(net, g, path)
        for name, x in (("h", hp), ("g", gp)):
            if any(not any(_f(v) for v in xk) for xk in x):
                raise ValueError(f"{name} has a zero kernel on path {' -> '.join(e.name for e in path)}: "
                                 "its class is not defined")
        terms.append(d_p([[_f(v) for v in xk] for xk in hp], [[_f(v) for v in xk] for xk in gp], p))
    if math.isinf(p):
        return max(terms)
    return sum(t ** p for t in terms) ** (1 / p)


def _f(x) -> float:
    return float(Fraction(x)) if isinstance(x, str) else float(x)


# ---------------------------------------------------------------------- Theorem 8.4
def theorem_8_4_bound(net: ConvNetwork, epsilon: float, delta: float, eta: float, p: float = 2,
                      h_bar: Sequence[Sequence] | None = None) -> dict:
    """The bound of Theorem 8.4 with its preconditions checked and reported.

    delta_p({h*}, {h_bar}) <= 7 (K S')^{1/p} epsilon^{1-K} (delta + eta) / sqrt(N), when

    * the topology is sufficiently scattered (Algorithm 8.1 returns true),
    * every edge kernel of h_bar has ||T_e(h_bar)||_inf >= epsilon > 0 (checked if h_bar is given),
    * the signal-to-noise ratio is sufficient: delta + eta <= sqrt(N) epsilon^K / 2,

    with ||M(h_bar) - X|| <= delta (8.3) and ||M(h*) - X|| <= eta (8.4).

    Returns
    -------
    dict
        ``bound`` (float), ``formula``, ``applies`` (all preconditions hold),
        ``preconditions`` {name: {"holds": bool | None, "statement": str}} (None = not checked),
        and the constants ``K``, ``S_prime``, ``N``, ``p``, ``epsilon``, ``delta``, ``eta``.

    Examples
    --------
    >>> from graphs.builders import paper_scattered_example
    >>> r = theorem_8_4_bound(paper_scattered_example(), epsilon=1, delta=0.1, eta=0.1, p=2)
    >>> round(r["bound"], 6), r["applies"]   # 7 * sqrt(2*3) * 1 * 0.2 / 4
    (0.857321, True)
    >>> theorem_8_4_bound(paper_scattered_example(), 1, 2, 1)["preconditions"]["snr"]["holds"]
    False
    """
    K, S_prime, N = net.K, net.S_prime, net.N
    if epsilon <= 0:
        raise ValueError(f"epsilon must be > 0, got {epsilon}")
    if delta < 0 or eta < 0:
        raise ValueError("delta and eta are norms: they must be >= 0")
    if not p >= 1:
        raise ValueError(f"p must lie in [1, inf], got {p}")
    root = 1.0 if math.isinf(p) else (K * S_prime) ** (1 / p)
    bound = 7 * root * epsilon ** (1 - K) * (delta + eta) / math.sqrt(N)
    snr_limit = math.sqrt(N) * epsilon ** K / 2
    pre = {
        "scattered": {"holds": is_scattered(net),
                      "statement": "Algorithm 8.1 returns true (sufficiently scattered, Definition 8.1)"},
        "snr": {"holds": delta + eta <= snr_limit,
                "statement": f"delta + eta = {delta + eta:.6g} <= sqrt(N) epsilon^K / 2 = {snr_limit:.6g}"},
    }
    if h_bar is None:
        pre["kernels"] = {"holds": None, "statement": f"||T_e(h_bar)||_inf >= epsilon = {epsilon:g} for every "
                                                       "edge (not checked: h_bar not given)"}
    else:
        smallest = min(max(abs(_f(h_bar[e.depth - 1][j])) for j in e.params) for e in net.edges)
        pre["kernels"] = {"holds": smallest >= epsilon,
                          "statement": f"min_e ||T_e(h_bar)||_inf = {smallest:.6g} >= epsilon = {epsilon:g}"}
    return {
        "theorem": "Theorem 8.4",
        "bound": bound,
        "formula": "7 (K S')^(1/p) epsilon^(1-K) (delta + eta) / sqrt(N)",
        # every checked precondition holds; an unchecked one (None) is listed under "assumes"
        "applies": all(c["holds"] is not False for c in pre.values()),
        "assumes": [name for name, c in pre.items() if c["holds"] is None],
        "preconditions": pre,
        "K": K, "S_prime": S_prime, "N": N, "p": p, "epsilon": epsilon, "delta": delta, "eta": eta,
    }


# ---------------------------------------------------------------------- numeric experiment
def _leaf_kernel_rows(net: ConvNetwork, h: Sequence[Sequence[float]]) -> np.ndarray:
    """kernel_f of (8.2) for every leaf (rows in ``net.leaves`` order), in floating point."""
    return np.array(list(leaf_kernels(net, FloatKernels(net, h)).values()))


def circulant_projection(X: np.ndarray, N: int) -> np.ndarray:
    """For X = [X^f]_f (N x N|F|): the kernels x_f with x_f[d] = mean of X^f over r - c = d mod N.

    C(x_f) is the orthogonal projection of X^f onto circulant matrices, so for any kernel k
    ||C(k) - X^f||_F^2 = N ||k - x_f||^2 + ||X^f||_F^2 - N ||x_f||^2.
    """
    F = X.shape[1] // N
    r, c = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
    d = (r - c) % N
    out = np.zeros((F, N))
    for b in range(F):
        out[b] = np.bincount(d.ravel(), weights=X[:, b * N:(b + 1) * N].ravel(), minlength=N) / N
    return out


def network_matrix_float(net: ConvNetwork, h: Sequence[Sequence[float]]) -> np.ndarray:
    """X = M_1(h_1)...M_K(h_K) (N x N|F|) in floating point, from the leaf kernels."""
    k = _leaf_kernel_rows(net, h)
    N = net.N
    r, c = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
    return np.hstack([kf[(r - c) % N] for kf in k])


def _split(net: ConvNetwork, flat: np.ndarray) -> list[np.ndarray]:
    out, start = [], 0
    for s in net.param_counts:
        out.append(flat[start:start + s])
        start += s
    return out


def recovery_experiment(net: ConvNetwork, delta: float, *, p: float = 2, seed: int = 0,
                        restarts: int = 8, h_bar: Sequence[Sequence[float]] | None = None,
                        tolerance: float = 1e-9) -> dict:
    """Theorem 8.4 in action: draw h_bar, form X = M(h_bar) + noise of Frobenius norm delta,
    recover h* by nonlinear least squares (scipy, Levenberg-Marquardt, ``restarts`` random
    starts, best kept), and report delta_p({h*}, {h_bar}) next to the bound.

    The objective ||M(h) - X||_F^2 is evaluated through the circulant projection (an exact
    identity, see :func:`circulant_projection`), so only leaf kernels are formed. epsilon is
    taken as min_e ||T_e(h_bar)||_inf (the largest value the theorem allows) and eta as the
    achieved ||M(h*) - X||_F. Floating point throughout: a ``numeric`` result.

    Returns
    -------
    dict with ``seed``, ``h_bar``, ``h_star`` (lists of floats), ``delta``, ``eta``, ``epsilon``,
    ``delta_p``, ``theorem`` (the :func:`theorem_8_4_bound` dict), ``hypotheses_hold`` and
    ``violated`` (``hypotheses_hold and delta_p > bound + tolerance``: floating-point round-off
    of order 1e-15 must not count as a violation; never True if the theorem holds).
    """
    from scipy.optimize import least_squares

    rng = np.random.default_rng(seed)
    N = net.N
    if h_bar is None:
        h_bar = [rng.standard_normal(s) for s in net.param_counts]
    h_bar = [np.asarray(x, dtype=float) for x in h_bar]
    X_clean = network_matrix_float(net, h_bar)
    noise = rng.standard_normal(X_clean.shape)
    if delta > 0:
        noise *= delta / np.linalg.norm(noise)
    else:
        noise[:] = 0.0
    X = X_clean + noise
    target = circulant_projection(X, N)

    def residual(flat):
        return (math.sqrt(N) * (_leaf_kernel_rows(net, _split(net, flat)) - target)).ravel()

    best = None
    n_params = sum(net.param_counts)
    for _ in range(restarts):
        start = rng.standard_normal(n_params)
        sol = least_squares(residual, start, method="lm" if residual(start).size >= n_params else "trf",
                            xtol=1e-14, ftol=1e-14, gtol=1e-14, max_nfev=200 * n_params)
        if best is None or sol.cost < best.cost:
            best = sol
    h_star = _split(net, best.x)
    eta = float(np.linalg.norm(network_matrix_float(net, h_star) - X))  # direct, no cancellation
    epsilon = min(float(np.max(np.abs(h_bar[e.depth - 1][list(e.params)]))) for e in net.edges)
    theorem = theorem_8_4_bound(net, epsilon, float(np.linalg.norm(noise)), eta, p, h_bar=h_bar)
    dp = delta_p(net, h_star, h_bar, p)
    return {
        "seed": seed, "restarts": restarts, "p": p,
        "h_bar": [x.tolist() for x in h_bar], "h_star": [x.tolist() for x in h_star],
        "delta": float(np.linalg.norm(noise)), "eta": eta, "epsilon": epsilon,
        "delta_p": dp, "theorem": theorem, "hypotheses_hold": theorem["applies"],
        "tolerance": tolerance,
        "violated": bool(theorem["applies"] and dp > theorem["bound"] + tolerance),
    }
