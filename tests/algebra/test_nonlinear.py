"""The two routes together (algebra/nonlinear.py): what stays open is said in one line, with both
what is known over C and what the real search did, within the budget."""
from __future__ import annotations

import random
import time

from algebra.budget import Budget
from algebra.lifting import lifting_operator
from algebra.models import full_model
from algebra.nonlinear import nonlinear_identifiability
from algebra.undecided import Undecided

from .nonlinear_networks import phase_retrieval, random_network


def test_an_open_case_says_both_what_is_known_over_c_and_what_was_tried():
    net, model = phase_retrieval(5, 8, 1)  # 70 points per slice: more than 3 s of reconstruction
    start = time.monotonic()
    result = nonlinear_identifiability(net, model, lifting_operator(net), Budget(seconds=3), seed=0)
    assert time.monotonic() - start < 10  # the budget's clock stops the search
    assert isinstance(result, Undecided)
    assert result.reason.startswith("over C") and "no real point found in" in result.reason
    assert "\n" not in result.reason
    assert result.complex_dimension == 0  # Ker A ∩ W meets the rank-≤-2 matrices in finitely many lines
    d = result.decision()
    assert d.status == "inconclusive" and d.reason == result.reason


def test_no_zero_over_c_means_no_real_search():
    # network #60 of the benchmark: d = 8, empty over C, but no Macaulay certificate within the
    # column limit (it needs degree 5, 792 columns): the route says so and searches no real point
    rng = random.Random(2)
    for _ in range(61):
        net = random_network(rng)
    result = nonlinear_identifiability(net, full_model(net), lifting_operator(net), Budget(seconds=30), seed=0)
    assert isinstance(result, Undecided) and result.complex_dimension == -1 and result.slices_tried == 0
    assert "empty over C" in result.reason and "no Macaulay certificate within" in result.reason
