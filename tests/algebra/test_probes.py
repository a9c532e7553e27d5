"""Proposition 5.3: R random rank-1 probes span min(R, rk A) dimensions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.exact import rank_witness
from algebra.lifting import lifting_operator
from algebra.probes import failure_bound, probe_rank_exact, probe_rank_float
from graphs.structured_spec import structured_network
from tests.strategies import full_layer, networks


@settings(max_examples=60, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3), st.integers(0, 12), st.integers(0, 2**16))
def test_exact_probes_give_min_of_R_and_rank(net, R, seed):
    rk = rank_witness(lifting_operator(net)).rank
    p = probe_rank_exact(net, R, seed=seed)
    assert p.rank == min(R, rk)
    assert p.status == "probable" and p.seed == seed and p.n_probes == R
    assert p.failure_bound <= 12 * 3 / 2**32


@settings(max_examples=60, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3), st.integers(0, 12), st.integers(0, 2**16),
       st.integers(1, 3))
def test_exact_probe_rank_is_always_a_lower_bound(net, R, seed, size):
    # Even with a tiny sample set (frequent failures), probes lie in Im A: rank <= min(R, rk A).
    rk = rank_witness(lifting_operator(net)).rank
    p = probe_rank_exact(net, R, seed=seed, sample_size=size)
    assert p.rank <= min(R, rk)
    assert p.rank_at_least == p.rank


def test_failure_bound_holds_empirically():
    # X = h1 h2 (1 x 1, K = 2): rk A = 1, one probe fails iff h1 = 0 or h2 = 0.
    # With |T| = 8 the failure probability is 1 - (7/8)^2 = 15/64 ~ 0.234 <= bound 1*2/8.
    net = structured_network({"layers": [full_layer(1, 1), full_layer(1, 1)]})
    assert failure_bound(net, 1, sample_size=8) == 0.25
    fails = sum(probe_rank_exact(net, 1, seed=s, sample_size=8).rank == 0 for s in range(2000))
    rate = fails / 2000
    assert rate <= 0.25
    assert abs(rate - 15 / 64) < 0.03  # coordinates really are uniform on 8 values, 0 included


def test_failure_bound_formula():
    net = structured_network({"layers": [full_layer(2, 3), full_layer(3, 2), full_layer(2, 2)]})
    # min(R, m n = 4, S1 S2 S3 = 6*6*4) * K / |T|
    assert failure_bound(net, 2, sample_size=100) == 2 * 3 / 100
    assert failure_bound(net, 50, sample_size=100) == 4 * 3 / 100
    assert failure_bound(net, 50, sample_size=2) == 1.0


def test_seed_makes_probes_repeatable():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    a = probe_rank_float(net, 3, seed=7)
    b = probe_rank_float(net, 3, seed=7)
    assert a.singular_values == b.singular_values
    assert probe_rank_float(net, 3, seed=8).singular_values != a.singular_values


@pytest.mark.parametrize("seed", range(25))
def test_float_probes_give_min_of_R_and_rank(seed):
    rng = np.random.default_rng(seed)
    K = int(rng.integers(1, 4))
    dims = [int(rng.integers(1, 4)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        S = int(rng.integers(1, 4))
        entries = [[int(rng.integers(S)), int(rng.integers(dims[k])), int(rng.integers(dims[k + 1])),
                    int(rng.integers(-3, 4))] for _ in range(int(rng.integers(0, 8)))]
        layers.append({"rows": dims[k], "cols": dims[k + 1], "params": S, "entries": entries})
    net = structured_network({"layers": layers})
    rk = rank_witness(lifting_operator(net)).rank
    for R in range(0, 11):
        p = probe_rank_float(net, R, seed=seed)
        assert p.rank == min(R, rk), (R, rk, p)
        assert p.status == "numeric" and p.tolerance is not None
        # every singular value is clearly on one side of the reported tolerance
        assert all(s > 1e3 * p.tolerance or s <= p.tolerance for s in p.singular_values)


def test_bad_probe_count():
    net = structured_network({"layers": [full_layer(1, 1)]})
    with pytest.raises(ValueError):
        probe_rank_exact(net, -1)
    with pytest.raises(ValueError):
        probe_rank_float(net, 1.5)
