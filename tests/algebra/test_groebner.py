"""Gröbner backends (algebra/groebner.py): exact Krull dimensions agree across sympy, python-flint and
Singular; modulo a prime they agree with Q on random systems; a timeout becomes BudgetExceeded."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra import groebner
from algebra.errors import BudgetExceeded


def _brute_dimension(lms, n):
    """Largest set of variables whose coordinate subspace no monomial vanishes... on: brute force."""
    if any(sum(m) == 0 for m in lms):
        return -1
    best = 0
    for size in range(n + 1):
        for S in itertools.combinations(range(n), size):
            if all(any(m[i] > 0 and i not in S for i in range(n)) for m in lms):
                best = max(best, size)
    return best


@given(st.lists(st.tuples(*[st.integers(0, 2)] * 4), min_size=1, max_size=6))
def test_monomial_dimension_matches_brute_force(lms):
    assert groebner.monomial_dimension(lms, 4) == _brute_dimension(lms, 4)


def _random_system(rng, n, k, degree):
    monos = [m for m in itertools.product(range(degree + 1), repeat=n) if sum(m) <= degree]
    polys = []
    for _ in range(k):
        chosen = rng.sample(monos, min(len(monos), rng.randint(2, 5)))
        polys.append({m: Fraction(rng.choice([-2, -1, 1, 2])) for m in chosen})
    return polys


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 3), st.integers(1, 3))
def test_backends_agree_on_the_dimension(seed, n, k):
    polys = _random_system(random.Random(seed), n, k, 2)
    dims = {b: groebner.krull_dimension(b, polys, n) for b in groebner.available_backends()}
    assert len(set(dims.values())) == 1, dims
    if "singular" in dims:
        from algebra.zero_dim import modular_dimension
        assert modular_dimension(polys, n, seed=seed) == dims["singular"]


def test_quotient_matrices_agree_across_backends():
    polys = [{(2, 0): Fraction(1), (0, 1): Fraction(-1)}, {(0, 2): Fraction(1), (1, 0): Fraction(-2)}]
    quotients = {b: groebner.quotient(b, polys, 2) for b in groebner.available_backends()}
    assert {q.dim for q in quotients.values()} == {4}
    charpolys = {b: (q.mult[0] + q.mult[1] * 3).charpoly() for b, q in quotients.items()}
    assert len(set(map(str, charpolys.values()))) == 1


@pytest.mark.skipif(not groebner.is_available("singular"), reason="Singular is not installed")
def test_a_singular_timeout_is_a_budget_exceeded():
    polys = _random_system(random.Random(3), 9, 9, 3)
    with pytest.raises(BudgetExceeded, match="Gröbner basis over budget"):
        groebner.quotient("singular", polys, 9, timeout=0.01)
    with pytest.raises(BudgetExceeded):
        groebner.quotients_mod_primes(polys, 9, [1000003], timeout=0)
