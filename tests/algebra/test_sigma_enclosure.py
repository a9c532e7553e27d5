"""Rigorous σ_min enclosures against closed forms (Proposition 8.3) and numpy's SVD."""
from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import algebra.sigma_enclosure as se
from algebra.errors import BudgetExceeded
from algebra.lifting import lifting_operator
from algebra.sigma_enclosure import descartes_roots_above, sigma_min_enclosure
from algebra.singular_values import sigma_min
from tests.algebra.fibre_networks import circular_conv_chain, linear_conv_chain, poly_from_roots
from tests.strategies import small_rationals


@pytest.mark.parametrize("N,supports", [
    (6, [[0, 1, 2], [0, 3]]),           # sums 0..5 all distinct
    (8, [[0, 1], [0, 2], [0, 4]]),      # the Haar-like chain: sums 0..7 distinct
    (7, [[0, 1, 2], [0, 3]]),           # distinct sums, a zero row-block (offset 6 unused)
])
def test_single_path_scattered_conv_has_sigma_sqrt_N(N, supports):
    """Proposition 8.3: a single-path, sufficiently scattered conv chain has σ_min = √N.

    Column (i_1..i_K) of A is vec of the circulant shift by s_1 + ... + s_K, a permutation
    matrix: columns with distinct shifts are orthogonal, each of squared norm N, so AᵀA = N I.
    """
    A = lifting_operator(circular_conv_chain(N, supports))
    e = sigma_min_enclosure(A)
    rank = int(np.prod([len(s) for s in supports]))
    assert (e.lo, e.hi, e.exact, e.rank, e.multiplicity) == (N, N, True, rank, rank)
    assert e.sigma_lo ** 2 <= N <= e.sigma_hi ** 2
    assert e.numeric == pytest.approx(N ** 0.5)


def test_linear_conv_closed_form():
    """Linear conv of two length-2 kernels: column (i, j) of A is e_{i+j}, so A Aᵀ =
    diag(1, 2, 1): σ_min = 1 exactly (multiplicity 2), rank 3."""
    e = sigma_min_enclosure(lifting_operator(linear_conv_chain([2, 2])))
    assert (e.lo, e.hi, e.exact, e.rank, e.multiplicity, e.gram_side) == (1, 1, True, 3, 2, "AAt")


def test_diagonal_with_zero_singular_value():
    """diag(3, 1/2, 0): the zero singular value is divided out, σ_min = 1/2 exactly."""
    cols = {0: {0: Fraction(3)}, 1: {1: Fraction(1, 2)}, 2: {}}
    e = sigma_min_enclosure(cols, n_rows=3)
    assert (e.lo, e.hi, e.rank, e.exact) == (Fraction(1, 4), Fraction(1, 4), 2, True)


def test_zero_operator_has_rank_zero():
    e = sigma_min_enclosure({0: {}}, n_rows=2)
    assert e.rank == 0 and e.lo == e.hi == 0


@pytest.mark.parametrize("shape", [(3, 2), (2, 3)])
def test_irrational_sigma_bisection(shape):
    """A = [[1, 1], [0, 1]] (padded with a zero row/column): λ_min = (3 - √5)/2 is irrational;
    the interval is checked exactly against λ² - 3λ + 1 and is narrow."""
    cols = {0: {0: 1}, 1: {0: 1, 1: 1}}
    if shape == (2, 3):
        cols[2] = {}
    e = sigma_min_enclosure(cols, n_rows=shape[0], bits=50)
    p = lambda x: x * x - 3 * x + 1
    assert not e.exact and p(e.lo) > 0 > p(e.hi)
    assert e.hi - e.lo <= e.hi / 2 ** 49


def test_bracket_fallback_from_trace(monkeypatch):
    """When the numeric guess is wrong the exact bisection from [0, trace G] still finds λ_min."""
    real_svd = np.linalg.svd
    monkeypatch.setattr(np.linalg, "svd", lambda a, compute_uv=False: real_svd(a, compute_uv=False) * 3)
    e = sigma_min_enclosure({0: {0: 1}, 1: {0: 1, 1: 1}}, n_rows=2, bits=30)
    p = lambda x: x * x - 3 * x + 1
    assert p(e.lo) > 0 > p(e.hi)


def test_budget(monkeypatch):
    monkeypatch.setattr(se, "MAX_ENCLOSURE_GRAM_SIDE", 1)
    with pytest.raises(BudgetExceeded, match="MAX_ENCLOSURE_GRAM_SIDE"):
        sigma_min_enclosure({0: {0: 1}, 1: {1: 1}}, n_rows=2)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.data())
def test_enclosure_contains_numpy_sigma_min(m, n, data):
    """Random rational matrices: numpy's σ_min (at the exact rank) lies in the enclosure up to
    float error, and the numeric module agrees."""
    cols = {j: {i: data.draw(small_rationals) for i in range(m)} for j in range(n)}
    e = sigma_min_enclosure(cols, n_rows=m, bits=40)
    dense = np.array([[float(cols[j][i]) for j in range(n)] for i in range(m)])
    sv = np.linalg.svd(dense, compute_uv=False)
    if e.rank == 0:
        assert np.allclose(sv, 0)
        return
    s = sv[e.rank - 1]
    assert float(e.sigma_lo) * (1 - 1e-9) <= s <= float(e.sigma_hi) * (1 + 1e-9)
    assert e.lo <= e.hi and (e.exact or e.hi - e.lo <= e.hi / 2 ** 39)
    assert sigma_min(cols, n_rows=m, rank=e.rank).value == pytest.approx(s)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=1, max_size=6), st.fractions(-6, 6, max_denominator=3))
def test_descartes_counts_roots_above(roots, c):
    """For real-rooted q = ∏ (x - r), roots above c counted exactly (with multiplicity)."""
    q = flint.fmpq_poly([int(x) for x in poly_from_roots(roots)])
    assert descartes_roots_above(q, c) == sum(1 for r in roots if r > c)


def test_entries_beyond_the_float_range_still_get_an_exact_enclosure():
    """A = [10^400]: the float guess overflows; bisection from [0, trace] must still enclose σ² = 10^800."""
    from algebra.lifting import lifting_operator
    from algebra.sigma_enclosure import sigma_min_enclosure
    from graphs.structured_spec import structured_network

    big = 10 ** 400
    net = structured_network({"layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, str(big)]]}]})
    enc = sigma_min_enclosure(lifting_operator(net))
    assert enc.numeric is None and enc.rank == 1
    assert enc.lo <= big * big <= enc.hi and enc.hi - enc.lo <= enc.hi / 2 ** 30
