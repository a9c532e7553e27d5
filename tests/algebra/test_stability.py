"""Stability (paper, section 7): deep-NSP constants and Theorem 7.2 on noisy instances."""
import math
import random

import numpy as np
import pytest
from scipy.optimize import least_squares

from algebra.lifting import lifting_operator
from algebra.segre import d_p, segre_dense
from algebra.stability import (deep_nsp_constants, dense_lifting, gamma_lower_bound, sigma_min_numeric,
                               theorem_7_2_bound)
from graphs.structured_spec import parse_model_spec, structured_network


def random_injective_net(seed, K=2, S=2, dim=3):
    """Random dense coefficients, sizes with m n = dim^2 ≥ S^K: Ker A = {0} generically."""
    rng = random.Random(seed)
    dims = [dim] + [2] * (K - 1) + [dim] if K > 1 else [dim, dim]
    layers = []
    for k in range(K):
        r, c = dims[k], dims[k + 1]
        layers.append({"rows": r, "cols": c, "params": S,
                       "entries": [[p, i, j, rng.randint(-4, 4)] for p in range(S) for i in range(r) for j in range(c)]})
    return structured_network({"layers": layers})


def recover(net, X, starts, rng):
    """h* by nonlinear least squares from several random starts (the best residual wins)."""
    counts = net.param_counts
    def residual(z):
        h, pos = [], 0
        for s in counts:
            h.append(z[pos:pos + s]); pos += s
        return (net.evaluate_float(h) - X).ravel()
    best = None
    for _ in range(starts):
        res = least_squares(residual, rng.standard_normal(sum(counts)))
        if best is None or res.cost < best.cost:
            best = res
    z, pos, h = best.x, 0, []
    for s in counts:
        h.append(z[pos:pos + s]); pos += s
    return h


@pytest.mark.parametrize("seed, K", [(0, 2), (1, 2), (2, 3), (3, 3)])
def test_theorem_7_2_on_noisy_instances(seed, K):
    net = random_injective_net(seed, K=K, dim=3 if K == 2 else 4)
    nsp = deep_nsp_constants(net)
    assert nsp.status == "proved" and (nsp.gamma, nsp.rho) == (1.0, math.inf)
    sigma = sigma_min_numeric(net)
    rng = np.random.default_rng(seed)
    for noise in (1e-3, 1e-2, 1e-1):
        h_bar = [rng.standard_normal(s) for s in net.param_counts]
        e = rng.standard_normal(net.shape)
        e *= noise / np.linalg.norm(e)
        X = net.evaluate_float(h_bar) + e
        h_star = recover(net, X, starts=4, rng=rng)
        delta = np.linalg.norm(net.evaluate_float(h_bar) - X)
        eta = np.linalg.norm(net.evaluate_float(h_star) - X)
        bound = theorem_7_2_bound(nsp.gamma, nsp.rho, sigma, delta, eta, h_bar, h_star)
        assert bound.tensor_applies
        err = np.linalg.norm(segre_dense(h_star) - segre_dense(h_bar))
        assert err <= bound.tensor_bound * (1 + 1e-9) + 1e-12
        if bound.dp_applies:
            for p in (1, 2, math.inf):
                b = theorem_7_2_bound(nsp.gamma, nsp.rho, sigma, delta, eta, h_bar, h_star, p=p)
                assert d_p(h_star, h_bar, p) <= b.dp_bound * (1 + 1e-9)


def test_sigma_min_against_numpy():
    net = random_injective_net(5)
    s = np.linalg.svd(dense_lifting(net), compute_uv=False)
    assert math.isclose(sigma_min_numeric(net), s[-1])


def test_theorem_7_2_preconditions():
    h = [[1.0, 0.0], [1.0, 1.0]]
    assert not theorem_7_2_bound(1.0, 0.1, 1.0, 0.1, 0.1, h, h).tensor_applies      # δ + η > ρ
    assert not theorem_7_2_bound(1.0, math.inf, 1.0, 5.0, 5.0, h, h).dp_applies      # far from P(h̄)
    assert not theorem_7_2_bound(1.0, math.inf, 1.0, 0.1, 0.1, [[0.0, 0.0], [1.0, 1.0]], h).dp_applies


def test_gamma_on_an_injective_model_span_is_finite_and_dominates_samples():
    """Phase retrieval with S(S+1)/2 measurements: A injective on symmetric tensors but not on
    R^{S^2}; γ_V is finite and every sampled ratio stays below it."""
    vecs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
    N, S = 6, 3
    l1 = {"rows": N, "cols": N, "params": S, "entries": [[i, j, j, vecs[j][i]] for j in range(N) for i in range(S)]}
    l2 = {"rows": N, "cols": 1, "params": S, "entries": [[i, j, 0, vecs[j][i]] for j in range(N) for i in range(S)]}
    net = structured_network({"layers": [l1, l2]})
    model = parse_model_spec({"tie": [[1, 2]]}, net)
    c = deep_nsp_constants(net, model)
    assert c.status == "numeric" and math.isfinite(c.gamma) and c.gamma >= 1
    lb = gamma_lower_bound(net, model, samples=100, seed=1)
    assert 1 - 1e-9 <= lb <= c.gamma * (1 + 1e-6)


def test_gamma_lower_bound_is_infinite_without_identifiability():
    """X = (a0 + a1)(b0 + b1): Ker A contains rank-one tensors, the ratio blows up."""
    layer = {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}
    net = structured_network({"layers": [layer, layer]})
    assert gamma_lower_bound(net, samples=50, local_steps=5) > 1e3
