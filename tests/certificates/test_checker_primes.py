"""The minor check modulo the prime a witness names (docs/certificate-format.md, "prime").

The checker eliminates a witness's minor modulo its prime p: it must refuse a composite p (also
Carmichael numbers and strong pseudoprimes to the small bases), a singular minor, and a
non-singular minor whose determinant p divides -- the producer then names another prime -- and
agree with the exact determinant on random minors.
"""
from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.modular import candidate_primes, certifying_prime, nonsingular_mod
from certificates import checker
from certificates.checker import check_certificate, is_prime

HERE = Path(__file__).parent

# n < 2^64 that fool weaker tests: Carmichael numbers (every base coprime to n is a Fermat liar)
# and the least strong pseudoprimes to the bases 2; 2, 3; ...; 2, ..., 23 (OEIS A014233).
CARMICHAEL = [561, 1105, 1729, 2465, 2821, 6601, 8911, 41041, 825265, 321197185, 5394826801, 232250619601,
              9746347772161]
STRONG_PSEUDOPRIMES = [2047, 1373653, 25326001, 3215031751, 2152302898747, 3474749660383, 341550071728321,
                       3825123056546413051]
PRIMES = [2, 3, 5, 37, 41, 2**31 - 1, 2**61 - 1, 2**62 - 57, 18446744073709551557]  # the last: the largest below 2^64


@pytest.mark.parametrize("n", CARMICHAEL + STRONG_PSEUDOPRIMES + [0, 1, 4, 2**64 - 1, 2**61 + 1, 3 * 5 * 7 * 11 * 13])
def test_composites_are_not_prime(n):
    assert not is_prime(n) and not sympy.isprime(n)


@pytest.mark.parametrize("p", PRIMES)
def test_primes_are_prime(p):
    assert is_prime(p) and sympy.isprime(p)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**64 - 1))
def test_miller_rabin_agrees_with_flint_below_2_to_the_64(n):
    assert is_prime(n) == flint.fmpz(n).is_prime()


def _rank_certificate(matrix, prime=None):
    """A rank certificate of the one-layer network whose A is ``matrix`` (n x n, full rank claimed)."""
    n = len(matrix)
    spec = {"kind": "structured", "layers": [{"rows": n, "cols": 1, "params": n,
                                              "entries": [[j, i, 0, str(matrix[i][j])] for i in range(n)
                                                          for j in range(n) if matrix[i][j]]}]}
    minor = {"rows": list(range(n)), "cols": [[j] for j in range(n)]}
    if prime is not None:
        minor["prime"] = prime
    statement = f"The lifting operator A ({n} x {n}, {n} non-zero columns) has rank {n} over Q."
    rank = {"id": "lifting-rank", "status": "proved", "statement": statement, "relies_on": ["Corollary 5.2"],
            "value": n, "witness": {"minor": minor, "kernel": {"side": "right", "vectors": []}}}
    rest = [{"id": c, "status": "inconclusive", "statement": "s", "relies_on": [], "reason": "r"}
            for c in ("identifiable", "stable")]
    return {"format": "tensorlift-certificate", "version": 1, "tool": {"name": "tensorlift", "version": "0"},
            "network": {"spec": spec, "sha256": checker.spec_sha256(spec)}, "claims": [rank] + rest}


NONSINGULAR = [[2, 1], [1, 2]]  # det 3


def test_a_named_prime_certifies_a_nonsingular_minor():
    assert check_certificate(_rank_certificate(NONSINGULAR, 5)).exit_code == 0
    assert check_certificate(_rank_certificate(NONSINGULAR)).exit_code == 0  # the checker's own primes


def test_a_prime_dividing_the_determinant_is_refused_and_the_producer_picks_another():
    report = check_certificate(_rank_certificate(NONSINGULAR, 3))
    assert report.exit_code == 1
    assert report.failures == ["lifting-rank: the minor named by the witness is singular modulo the witness's prime 3"]
    columns = [{0: Fraction(2), 1: Fraction(1)}, {0: Fraction(1), 1: Fraction(2)}]
    p = certifying_prime(columns, [0, 1], first=3)
    assert p != 3 and nonsingular_mod(columns, [0, 1], p)
    assert check_certificate(_rank_certificate(NONSINGULAR, p)).exit_code == 0


def test_a_prime_dividing_a_denominator_is_refused_and_the_producer_picks_another():
    matrix = [["1/7", 1], [0, 1]]
    report = check_certificate(_rank_certificate(matrix, 7))
    assert report.exit_code == 1 and "divisible by the prime 7" in report.failures[0]
    columns = [{0: Fraction(1, 7)}, {0: Fraction(1), 1: Fraction(1)}]
    assert not nonsingular_mod(columns, [0, 1], 7)
    p = certifying_prime(columns, [0, 1], first=7)
    assert p != 7 and check_certificate(_rank_certificate(matrix, p)).exit_code == 0


def test_a_singular_minor_is_refused_whatever_the_prime():
    singular = [[1, 2], [2, 4]]
    for prime in (None, 5, 2**61 - 1):
        report = check_certificate(_rank_certificate(singular, prime))
        assert report.exit_code == 1 and "is singular" in report.failures[0], prime
    with pytest.raises(Exception, match="singular"):
        certifying_prime([{0: Fraction(1), 1: Fraction(2)}, {0: Fraction(2), 1: Fraction(4)}], [0, 1])


@pytest.mark.parametrize("p", CARMICHAEL[:3] + STRONG_PSEUDOPRIMES)
def test_a_composite_prime_is_refused(p):
    report = check_certificate(_rank_certificate(NONSINGULAR, p))
    assert report.exit_code == 1
    assert report.failures == [f"lifting-rank: the witness's prime {p} is not prime"]


@pytest.mark.parametrize("p, problem", [(1, "expected an integer >= 2"), (2**64 + 13, "below 2^64"),
                                        ("5", "expected an integer"), (True, "expected an integer")])
def test_a_prime_outside_the_format_is_malformed(p, problem):
    report = check_certificate(_rank_certificate(NONSINGULAR, p))
    assert report.exit_code == 2 and problem in report.verdict


small_matrices = st.integers(1, 5).flatmap(
    lambda n: st.lists(st.lists(st.integers(-4, 4), min_size=n, max_size=n), min_size=n, max_size=n))


@settings(max_examples=200, deadline=None)
@given(small_matrices, st.sampled_from([2, 3, 5, 7, 11, 2**31 - 1, 2**61 - 1]))
def test_the_minor_check_modulo_p_is_the_determinant_modulo_p(matrix, p):
    det = int(flint.fmpz_mat(matrix).det())
    report = check_certificate(_rank_certificate(matrix, p))
    assert (report.exit_code == 0) == (det % p != 0), (report.failures, det)
    assert nonsingular_mod([{i: Fraction(matrix[i][j]) for i in range(len(matrix))} for j in range(len(matrix))],
                           list(range(len(matrix))), p) == (det % p != 0)


@settings(max_examples=100, deadline=None)
@given(small_matrices)
def test_without_a_prime_the_checker_decides_exactly(matrix):
    det = int(flint.fmpz_mat(matrix).det())
    assert (check_certificate(_rank_certificate(matrix)).exit_code == 0) == (det != 0)


def test_a_minor_whose_determinant_the_checkers_own_primes_divide_still_verifies():
    # det = (2^61 - 1)(2^62 - 57): singular modulo both of the checker's own primes, so the
    # prime-less certificate is verified by the exact elimination
    d = (2**61 - 1) * (2**62 - 57)
    assert check_certificate(_rank_certificate([[d, 0], [0, 1]])).exit_code == 0
    assert check_certificate(_rank_certificate([[d, 0], [0, 1]], 2**61 - 1)).exit_code == 1


def test_the_candidate_primes_are_reproducible_and_prime():
    first = [p for p, _ in zip(candidate_primes(7), range(3))]
    assert first == [p for p, _ in zip(candidate_primes(7), range(3))]
    assert all(2**61 <= p < 2**62 and is_prime(p) for p in first)


def test_every_minor_the_producer_writes_names_a_prime_the_checker_accepts():
    for path in sorted((HERE / "golden").glob("*.json")):
        doc = json.loads(path.read_text())
        for claim in doc["claims"]:
            w = claim.get("witness", {})
            minor = w.get("minor") or w.get("model_span") or w.get("kernel_line")
            if claim["status"] == "proved" and minor is not None and (minor.get("rows") or minor.get("minor_rows")):
                assert is_prime(minor["prime"]), path.name
                broken = copy.deepcopy(doc)
                bad = next(c for c in broken["claims"] if c["id"] == claim["id"])["witness"]
                (bad.get("minor") or bad.get("model_span") or bad.get("kernel_line"))["prime"] = 4
                assert check_certificate(broken).exit_code == 1, path.name
