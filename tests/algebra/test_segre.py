import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from algebra.segre import (
    are_equivalent, d_p, rdiag_representatives, segre, segre_dense, segre_distance,
    theorem_4_3_hypothesis, theorem_4_3_rhs, theorem_4_5_rhs,
)
from tests.strategies import nonzero_rationals, small_rationals

P_VALUES = [1, 1.5, 2, 3, math.inf]


@st.composite
def param_sets(draw, K=None, S=None, values=small_rationals):
    K = K or draw(st.integers(1, 4))
    S = S or draw(st.integers(1, 3))
    h = [[draw(values) for _ in range(S)] for _ in range(K)]
    assume(all(any(x != 0 for x in hk) for hk in h))
    return h


@st.composite
def rescalings(draw, K):
    lams = [draw(nonzero_rationals) for _ in range(K - 1)]
    return lams + [1 / math.prod(lams, start=Fraction(1))]


@given(st.data())
def test_segre_matches_outer_product(data):
    h = data.draw(param_sets())
    sparse = segre(h)
    dense = segre_dense([[float(x) for x in hk] for hk in h])
    for idx in itertools.product(*(range(len(hk)) for hk in h)):
        assert float(sparse.get(idx, 0)) == pytest.approx(dense[idx])


@given(st.data())
def test_equivalence_iff_equal_segre(data):
    """Standard Fact 1: P(h) = P(g) iff h ~ g, checked on rescalings and on random pairs."""
    h = data.draw(param_sets())
    lams = data.draw(rescalings(len(h)))
    g = [[lam * x for x in hk] for lam, hk in zip(lams, h)]
    assert are_equivalent(h, g) and segre(h) == segre(g)
    g2 = data.draw(param_sets(K=len(h), S=len(h[0])))
    assert are_equivalent(h, g2) == (segre(h) == segre(g2))


def test_sign_flip_of_one_layer_is_not_equivalent():
    assert not are_equivalent([[1, 2], [1, 1]], [[-1, -2], [1, 1]])
    assert are_equivalent([[1, 2], [1, 1]], [[-1, -2], [-1, -1]])


def test_rdiag_representatives_are_in_the_class_and_balanced():
    h = [[1, -4], ["1/2", 0], [3, 3]]
    reps = rdiag_representatives(h)
    assert len(reps) == 4
    for r in reps:
        norms = [np.max(np.abs(rk)) for rk in r]
        assert np.allclose(norms, norms[0])
        assert np.allclose(segre_dense(r), segre_dense([[float(Fraction(x)) for x in hk] for hk in h]))


@given(st.data())
@settings(max_examples=60)
def test_d_p_is_a_metric_on_classes(data):
    K = data.draw(st.integers(1, 3))
    S = data.draw(st.integers(1, 3))
    h, g, f = (data.draw(param_sets(K=K, S=S)) for _ in range(3))
    p = data.draw(st.sampled_from(P_VALUES))
    assert d_p(h, h, p) == pytest.approx(0, abs=1e-12)
    assert d_p(h, g, p) == pytest.approx(d_p(g, h, p), rel=1e-9, abs=1e-12)
    assert d_p(h, f, p) <= d_p(h, g, p) + d_p(g, f, p) + 1e-9
    if not are_equivalent(h, g):
        assert d_p(h, g, p) > 1e-12
    # invariance under the rescalings that define the class
    lams = data.draw(rescalings(K))
    h2 = [[lam * x for x in hk] for lam, hk in zip(lams, h)]
    assert d_p(h2, g, p) == pytest.approx(d_p(h, g, p), rel=1e-9, abs=1e-12)


def _floats(h):
    return [[float(x) for x in hk] for hk in h]


@given(st.data())
@settings(max_examples=80)
def test_theorem_4_3_on_close_pairs(data):
    """Theorem 4.3 on random pairs satisfying its hypothesis (g a perturbation of h)."""
    K = data.draw(st.integers(1, 3))
    S = data.draw(st.integers(1, 3))
    h = _floats(data.draw(param_sets(K=K, S=S, values=nonzero_rationals)))
    noise = data.draw(st.floats(1e-6, 0.3))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    g = [list(np.asarray(hk) + noise * rng.standard_normal(S)) for hk in h]
    assume(theorem_4_3_hypothesis(h, g))
    for p in P_VALUES:
        for q in P_VALUES:
            assert d_p(h, g, p) <= theorem_4_3_rhs(h, g, p, q) * (1 + 1e-9) + 1e-12


@given(st.data())
@settings(max_examples=80)
def test_theorem_4_5_on_random_pairs(data):
    K = data.draw(st.integers(1, 3))
    S = data.draw(st.integers(1, 3))
    h = _floats(data.draw(param_sets(K=K, S=S)))
    g = _floats(data.draw(param_sets(K=K, S=S)))
    for q in P_VALUES:
        assert segre_distance(h, g, q) <= theorem_4_5_rhs(h, g, q) * (1 + 1e-9) + 1e-12


def test_theorem_4_5_tightness_example():
    """Section 4: h = 1, g = ε gives RHS ≤ K ‖P(h) − P(g)‖_q (the bound is tight up to K)."""
    K, S, eps = 3, 2, 1e-3
    h = [[1.0] * S for _ in range(K)]
    g = [[eps] * S for _ in range(K)]
    for q in (1, 2, math.inf):
        assert theorem_4_5_rhs(h, g, q) <= K * segre_distance(h, g, q) * (1 + 1e-9)
