"""graphs.conv_stability: the equivalence {h}, delta_p, Theorem 8.4's bound and the recovery experiment."""
from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphs.builders import (blind_deconvolution, chain, haar_packet_tree, paper_scattered_example,
                             paper_unscattered_example, random_tree)
from graphs.conv_stability import (are_network_equivalent, circulant_projection, delta_p,
                                   network_matrix_float, recovery_experiment, theorem_8_4_bound)

from .conv_strategies import conv_networks

nonzero = st.fractions(min_value=-3, max_value=3, max_denominator=3).filter(lambda q: q != 0)


def rescale_by_potentials(net, h, seed):
    """g_e = lambda_e h_e with lambda_e = phi(target)/phi(source), phi = 1 at leaves and root:
    the product along every leaf-root path telescopes to 1, so g is in {h}."""
    rng = random.Random(seed)
    phi = {v: Fraction(rng.choice([-3, -2, -1, 1, 2, 3]), rng.choice([1, 2, 5])) for v in net.graph}
    for v in net.leaves + [net.root]:
        phi[v] = Fraction(1)
    g = [list(hk) for hk in h]
    for e in net.edges:
        lam = phi[e.target] / phi[e.source]
        for j in e.params:
            g[e.depth - 1][j] = h[e.depth - 1][j] * lam
    return g


@settings(max_examples=40, deadline=None)
@given(data=conv_networks(max_K=3, max_N=5).flatmap(lambda n: st.tuples(
    st.just(n), st.tuples(*[st.lists(nonzero, min_size=s, max_size=s) for s in n.param_counts]), st.integers(0, 999))))
def test_network_equivalence_gives_same_action_and_zero_delta(data):
    net, h, seed = data
    h = [list(x) for x in h]
    g = rescale_by_potentials(net, h, seed)
    assert are_network_equivalent(net, h, g) and are_network_equivalent(net, g, h)
    M = net.to_multilinear()
    assert M.evaluate(h) == M.evaluate(g)
    assert delta_p(net, h, g, 2) < 1e-9 and delta_p(net, h, g, math.inf) < 1e-9
    # change one kernel value: no longer equivalent, delta > 0
    g2 = [list(x) for x in g]
    g2[0][0] = g2[0][0] * 2
    assert not are_network_equivalent(net, h, g2)
    assert delta_p(net, h, g2, 1) > 1e-9


def test_delta_p_sums_over_paths():
    net = haar_packet_tree(2, 8)  # 4 paths
    h = [[1, 2] * 2, [1, 1] * 4]
    g = [list(x) for x in h]
    g[1][0] = 3  # touches the path of leaf r00 only
    one = {p: delta_p(net, h, g, p) for p in (1, 2, math.inf)}
    assert one[2] > 0
    g[1][7] = 3  # and now also leaf r11's, by the same amount
    assert math.isclose(delta_p(net, h, g, 2), math.sqrt(2) * one[2])
    assert math.isclose(delta_p(net, h, g, 1), 2 * one[1])
    assert math.isclose(delta_p(net, h, g, math.inf), one[math.inf])


def test_delta_p_rejects_zero_kernels():
    net = paper_scattered_example()
    with pytest.raises(ValueError, match="zero kernel"):
        delta_p(net, [[0, 0, 0], [1, 1]], [[1, 1, 1], [1, 1]])


def test_theorem_8_4_closed_form_and_preconditions():
    net = haar_packet_tree(3, 16)  # K = 3, S' = 2, N = 16
    r = theorem_8_4_bound(net, epsilon=0.5, delta=0.01, eta=0.02, p=1)
    assert math.isclose(r["bound"], 7 * 6 * 0.5 ** -2 * 0.03 / 4)
    assert r["applies"] and r["assumes"] == ["kernels"]
    assert theorem_8_4_bound(net, 0.5, 0.01, 0.02, p=math.inf)["bound"] == pytest.approx(7 * 4 * 0.03 / 4)
    snr = theorem_8_4_bound(net, 0.5, 0.3, 0.3)  # sqrt(16) * 0.125 / 2 = 0.25 < 0.6
    assert not snr["preconditions"]["snr"]["holds"] and not snr["applies"]
    bad = theorem_8_4_bound(paper_unscattered_example(), 1, 0, 0)
    assert not bad["preconditions"]["scattered"]["holds"] and not bad["applies"]
    h = [[1, 1, 1, 1], [1] * 8, [0.25, 1] * 8]
    k = theorem_8_4_bound(net, 0.5, 0, 0, h_bar=h)["preconditions"]["kernels"]
    assert k["holds"] is True
    assert theorem_8_4_bound(net, 2, 0, 0, h_bar=h)["preconditions"]["kernels"]["holds"] is False
    with pytest.raises(ValueError):
        theorem_8_4_bound(net, 0, 0, 0)


def test_float_network_and_circulant_projection():
    net = random_tree(2, 6, seed=3)
    rng = np.random.default_rng(0)
    h = [rng.standard_normal(s) for s in net.param_counts]
    X = network_matrix_float(net, h)
    assert np.allclose(X, net.to_multilinear().evaluate_float(h))
    Y = rng.standard_normal(X.shape)
    proj = circulant_projection(Y, net.N)
    kernels = rng.standard_normal(proj.shape)
    N = net.N
    for b in range(len(net.leaves)):
        C = np.array([[kernels[b][(r - c) % N] for c in range(N)] for r in range(N)])
        Yb = Y[:, b * N:(b + 1) * N]
        lhs = np.sum((C - Yb) ** 2)
        rhs = N * np.sum((kernels[b] - proj[b]) ** 2) + np.sum(Yb ** 2) - N * np.sum(proj[b] ** 2)
        assert math.isclose(lhs, rhs)


CASES = [paper_scattered_example(), blind_deconvolution(4, 3, 16, stride_2=4), haar_packet_tree(2, 8),
         chain([[0, 1], [0, 2], [0, 4]], 16)]


@pytest.mark.parametrize("net", CASES, ids=lambda n: n.name)
@pytest.mark.parametrize("delta", [0.0, 1e-3, 0.05, 0.3])
def test_recovery_never_violates_the_bound(net, delta):
    r = recovery_experiment(net, delta, seed=7, restarts=4)
    assert r["eta"] <= r["delta"] + 1e-7  # the optimiser does at least as well as h_bar itself
    if r["hypotheses_hold"]:
        assert r["delta_p"] <= r["theorem"]["bound"] + r["tolerance"]
    assert not r["violated"]


def test_recovery_is_reproducible():
    a = recovery_experiment(paper_scattered_example(), 0.01, seed=3, restarts=2)
    b = recovery_experiment(paper_scattered_example(), 0.01, seed=3, restarts=2)
    assert a["h_star"] == b["h_star"] and a["seed"] == 3
