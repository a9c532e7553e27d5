"""sigma_min of the lifting operator: closed forms, two routes, exact-rank hint."""
from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings

from algebra.exact import rank_witness
from algebra.lifting import lifting_operator
from algebra.singular_values import sigma_min
from graphs.structured_spec import structured_network
from tests.strategies import full_layer, networks, single_entry_networks


@pytest.mark.parametrize("m, r, n", [(1, 1, 1), (2, 3, 2), (3, 2, 4), (2, 5, 1)])
def test_full_factors_sigma_is_sqrt_inner_dimension(m, r, n):
    # Column ((i,k),(k,j)) of A is e_(i,j) and each e_(i,j) appears once per k: A A^T = r I,
    # so all m n non-zero singular values equal sqrt(r).
    net = structured_network({"layers": [full_layer(m, r), full_layer(r, n)]})
    for method in ("dense-svd", "gram-eigh"):
        s = sigma_min(lifting_operator(net), method=method)
        assert s.numeric_rank == m * n
        assert math.isclose(s.value, math.sqrt(r), rel_tol=1e-9)
        assert math.isclose(s.sigma_max, math.sqrt(r), rel_tol=1e-9)
        assert s.status == "numeric" and s.tolerance > 0


@settings(max_examples=60, deadline=None)
@given(single_entry_networks(max_K=3))
def test_single_entry_closed_form(case):
    # Every column of A is (prod of the chain's coefficients) e_(i,j), so A A^T is diagonal
    # with entry (i,j) = sum over chains i -> j of prod c^2 = (W_1 ... W_K)[i, j], W_k holding
    # the squared coefficients: the singular values are the square roots of its non-zero entries.
    net, weights = case
    D = weights[0]
    for W in weights[1:]:
        D = D @ W
    s = sigma_min(lifting_operator(net))
    assert s.numeric_rank == np.count_nonzero(D)
    if not D.any():
        assert s.value is None  # A = 0: no non-zero singular value
        return
    expected = math.sqrt(D[D > 0].min())
    assert math.isclose(s.value, expected, rel_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3))
def test_routes_agree_and_exact_rank_is_consistent(net):
    A = lifting_operator(net)
    exact_rank = rank_witness(A).rank
    dense = sigma_min(A, method="dense-svd")
    gram = sigma_min(A, method="gram-eigh", rank=exact_rank)
    assert dense.numeric_rank == exact_rank
    hinted = sigma_min(A, rank=exact_rank)
    assert hinted.rank_source == "exact" and hinted.consistent
    if exact_rank == 0:
        assert dense.value is None and gram.value is None
        return
    assert hinted.value == dense.value
    # the Gram route loses half the digits: agreement up to its own tolerance
    assert abs(gram.value - dense.value) <= gram.tolerance + 1e-12 * dense.sigma_max


def test_wrong_rank_hint_is_flagged():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    s = sigma_min(lifting_operator(net), rank=3)
    assert not s.consistent and s.numeric_rank == 4
    with pytest.raises(ValueError):
        sigma_min(lifting_operator(net), rank=5)


def test_generic_columns_with_zero_columns():
    cols = {0: {0: F(3)}, 1: {}, 2: {1: F(1, 2)}, 3: {0: F(0)}}
    s = sigma_min(cols, n_rows=2)
    assert s.value == pytest.approx(0.5) and s.sigma_max == pytest.approx(3.0)
    assert s.numeric_rank == 2
    assert sigma_min({0: {}}, n_rows=3).value is None
    with pytest.raises(ValueError):
        sigma_min(cols)


def test_k1_matches_numpy():
    rng = np.random.default_rng(3)
    entries = [[int(rng.integers(4)), int(rng.integers(3)), int(rng.integers(2)), int(rng.integers(-3, 4))]
               for _ in range(9)]
    net = structured_network({"layers": [{"rows": 3, "cols": 2, "params": 4, "entries": entries}]})
    M = np.zeros((6, 4))
    for p, i, j, c in entries:
        M[i * 2 + j, p] += c
    sv = np.linalg.svd(M, compute_uv=False)
    sv = sv[sv > 1e-9]
    assert sigma_min(lifting_operator(net)).value == pytest.approx(sv.min(), rel=1e-9)
