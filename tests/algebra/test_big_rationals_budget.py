"""The producer honours its budgets on huge rationals (docs: --work, --time-limit): the lifting
operator, the exact rank and the sigma_min enclosure charge big numbers by their digits, so a spec
of 1000-digit "p/q" coefficients stops at its work budget at once and at its time limit within a
few seconds -- and what the producer certifies from it, the checker verifies."""
from __future__ import annotations

import random
import time
from fractions import Fraction

from algebra.budget import Budget
from algebra.lifting import lifting_operator, lifting_operator_sparse
from algebra.lifting_int import lifting_operator_int
from algebra.rational import clearing_units
from certificates.certify import certify
from certificates.checker import check_certificate
from graphs.structured_spec import structured_network


def _big_rational_spec(n: int, digits: int = 1000, seed: int = 2) -> dict:
    """One n x n layer with n parameters, every entry a random digits/digits "p/q"."""
    rng = random.Random(seed)

    def big():
        return f"{rng.randrange(10 ** (digits - 1), 10 ** digits)}/{rng.randrange(10 ** (digits - 1), 10 ** digits)}"

    return {"kind": "structured", "layers": [{"rows": n, "cols": n, "params": n,
                                              "entries": [[p, r, c, big()] for p in range(n) for r in range(n)
                                                          for c in range(n)]}]}


def _statuses(result) -> dict:
    return {c.id: c.status for c in result.claims}


def test_a_small_work_budget_stops_at_once_on_huge_rationals():
    spec = _big_rational_spec(12)
    t0 = time.perf_counter()
    result = certify(spec, budget=Budget(work=10**5, seconds=300))
    assert time.perf_counter() - t0 < 10
    assert _statuses(result)["lifting-rank"] == "inconclusive"
    assert "work budget of 100000 units" in next(c for c in result.claims if c.id == "lifting-rank").reason


def test_a_time_limit_is_kept_within_a_few_seconds_on_huge_rationals():
    spec = _big_rational_spec(12)
    t0 = time.perf_counter()
    certify(spec, budget=Budget(seconds=3))
    assert time.perf_counter() - t0 < 3 + 5


def test_what_the_producer_certifies_from_huge_rationals_the_checker_verifies():
    result = certify(_big_rational_spec(4, digits=300))
    assert _statuses(result)["lifting-rank"] == "proved"
    assert check_certificate(result.document).exit_code == 0


def test_the_lifting_of_huge_denominators_takes_the_fraction_route_and_agrees():
    net = structured_network(_big_rational_spec(3, digits=400))
    assert lifting_operator(net).columns == lifting_operator_sparse(net).columns == lifting_operator_int(net).columns
    small = structured_network({"kind": "structured", "layers": [
        {"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, "1/3"], [0, 1, 1, 2]]}]})
    assert type(lifting_operator(small).columns).__name__ == "IntegerColumns"  # small denominators: the fast route


def test_clearing_denominators_is_charged_by_their_digits():
    small = [Fraction(1, 3), Fraction(2, 7)] * 50
    big = [Fraction(1, 10**999 + k) for k in range(100)]
    assert clearing_units(small) == 100
    assert clearing_units(big) > 1000 * clearing_units(small)
