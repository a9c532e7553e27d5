"""Proved ``stable`` claims of structured networks: Theorem 7.2 with Ker A = {0} and an exact
enclosure of sigma_min (producer: algebra.sigma_enclosure; checker: Berkowitz + Descartes)."""
from __future__ import annotations

import copy
import json
import math
from fractions import Fraction
from pathlib import Path

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import algebra.stability as stability
import certificates.checker as checker
from certificates.certify import certify, certify_file
from certificates.checker import _Budget, _charpoly, _roots_above, check_certificate

from .make_corpus import STABLE_IRRATIONAL_SPEC, canonicalize
from .oracle import structured_certificate_is_true

ROOT = Path(__file__).parents[2]


def _stable(doc) -> dict:
    return next(c for c in doc["claims"] if c["id"] == "stable")


def _interval(claim) -> tuple[Fraction, Fraction]:
    v = claim["value"]["sigma_min_squared"]
    return Fraction(v["lo"]), Fraction(v["hi"])


# --------------------------------------------------------------------------- closed forms
def test_identity_lifting_gives_sigma_min_exactly_one():
    # X = u v^T: A is the 6 x 6 identity, so sigma_min = 1 and u = 1/sigma_min = 1 exactly
    doc = certify_file(ROOT / "examples/structured/outer-product-3x2.json").document
    claim = _stable(doc)
    assert claim["status"] == "proved"
    assert _interval(claim) == (1, 1)
    assert claim["value"]["inv_sigma_min_upper"] == "1"
    assert (claim["value"]["gamma"], claim["value"]["rho"]) == ("1", "inf")
    assert (claim["value"]["K"], claim["value"]["S"]) == (2, 3)
    assert claim["witness"]["charpoly"] == [str(c) for c in (1, -6, 15, -20, 15, -6, 1)]  # (x - 1)^6
    report = check_certificate(json.dumps(doc))
    assert report.exit_code == 0 and report.claims["stable"] == "verified", report.failures


def test_irrational_sigma_min_is_bracketed():
    # A^T A = [[1, 1], [1, 2]]: lambda^2 - 3 lambda + 1, sigma_min^2 = (3 - sqrt 5)/2
    claim = _stable(certify(STABLE_IRRATIONAL_SPEC).document)
    assert claim["status"] == "proved"
    lo, hi = _interval(claim)
    p = lambda x: x * x - 3 * x + 1  # > 0 left of the smaller root, < 0 between the roots
    assert p(lo) > 0 > p(hi) and lo < Fraction(1, 2)
    assert hi - lo < Fraction(1, 10 ** 9)
    u = Fraction(claim["value"]["inv_sigma_min_upper"])
    assert u * u * lo >= 1 and float(u) == pytest.approx(2 / (math.sqrt(5) - 1), rel=1e-8)
    assert claim["value"]["sigma_min_approx"][0] == pytest.approx((math.sqrt(5) - 1) / 2)


def test_feedforward_bottleneck_has_sigma_min_one_on_the_small_gram_side():
    # A: w_2 (x) w_1 -> w_2 w_1^T [x_1 x_2 x_3]; A^T A = I_2 (x) X X^T, X X^T = [[2, 1], [1, 2]]
    claim = _stable(certify_file(ROOT / "examples/feedforward/linear-bottleneck.json").document)
    assert claim["status"] == "proved"
    assert claim["witness"]["gram"] == "AtA" and claim["witness"]["charpoly"] == ["1", "-8", "22", "-24", "9"]
    assert _interval(claim) == (1, 1)


# --------------------------------------------------------------------------- the checker rejects
def _mutated(doc, edit):
    out = copy.deepcopy(doc)
    edit(_stable(out))
    canonicalize(out)  # these tests are about the values: keep the statement in step with them
    return check_certificate(json.dumps(out))


@pytest.fixture(scope="module")
def irrational():
    return certify(STABLE_IRRATIONAL_SPEC).document


@pytest.mark.parametrize("lo, hi, why", [
    ("39/100", "2/5", "sigma_min^2 < lo"),       # interval above (3 - sqrt 5)/2 = 0.38196...
    ("37/100", "19/50", "sigma_min^2 > hi"),     # interval below
    ("3819660112501/10000000000000", "3819660112502/10000000000000", None),  # 0.38196601125010515: true
])
def test_intervals_are_judged_exactly(irrational, lo, hi, why):
    def edit(c):
        c["value"]["sigma_min_squared"] = {"lo": lo, "hi": hi}
        c["value"]["sigma_min_approx"] = [math.sqrt(Fraction(lo)), math.sqrt(Fraction(hi))]
        c["value"]["inv_sigma_min_upper"] = "2"
    report = _mutated(irrational, edit)
    if why is None:
        assert report.exit_code == 0, report.failures
    else:
        assert report.exit_code == 1 and why in report.failures[0], report.failures


@pytest.mark.parametrize("edit, why", [
    (lambda c: c["witness"].update(scale=3), "characteristic polynomial differs"),
    (lambda c: c["witness"]["charpoly"].__setitem__(1, "-4"), "characteristic polynomial differs"),
    (lambda c: c["value"].update(inv_sigma_min_upper="8/5"), "not >= 1/sqrt(lo)"),  # 1/sigma_min = 1.618...
    (lambda c: c["value"].update(K=3), "(K, S)"),
    (lambda c: c["value"]["sigma_min_approx"].__setitem__(0, 0.5), "sigma_min_approx"),
])
def test_witness_edits_are_rejected(irrational, edit, why):
    report = _mutated(irrational, edit)
    assert report.exit_code == 1 and why in report.failures[0], report.failures


@pytest.mark.parametrize("charpoly_padding", [[], ["0", "0"]])
def test_the_other_gram_side_is_malformed(charpoly_padding):
    # Ker A = {0} means A has full column rank, so B^T B is never the larger Gram matrix and the
    # producer never writes "AAt"; the checker reads that form as malformed, with or without the
    # 6 x 6 charpoly (x^2 times the 4 x 4 one) that A A^T would have
    doc = certify_file(ROOT / "examples/feedforward/linear-bottleneck.json").document

    def edit(c):
        c["witness"]["gram"] = "AAt"
        c["witness"]["charpoly"] = c["witness"]["charpoly"] + charpoly_padding
    report = _mutated(doc, edit)
    assert report.exit_code == 2 and "witness.gram: expected 'AtA'" in report.verdict, report.verdict


def test_the_producer_only_proves_stability_on_the_smaller_gram_side():
    # the enclosure picks A^T A exactly when A has at most as many non-zero columns as non-zero
    # rows -- always so under Ker A = {0}, which every proved structured stable claim rests on
    for path in sorted((ROOT / "tests/certificates/golden").glob("*.json")):
        stable = _stable(json.loads(path.read_text()))
        if stable["status"] == "proved" and "gram" in stable["witness"]:
            assert stable["witness"]["gram"] == "AtA", path.name


def test_checker_budget_fails_cleanly(irrational, monkeypatch):
    monkeypatch.setattr(checker, "_MAX_GRAM_SIDE", 1)
    report = check_certificate(json.dumps(irrational))
    assert report.exit_code == 1 and "budget" in report.failures[0]


# --------------------------------------------------------------------------- producer fallback
def test_over_budget_falls_back_to_numeric_with_the_reason(monkeypatch):
    monkeypatch.setattr(stability, "PROVED_GRAM_SIDE", 5)
    claim = _stable(certify_file(ROOT / "examples/structured/outer-product-3x2.json").document)
    assert claim["status"] == "numeric"
    assert "limited to Gram sides <= 5" in claim["evidence"]["exact_enclosure"]
    assert claim["evidence"]["sigma_min"] == pytest.approx(1.0)


def test_kernel_not_trivial_stays_inconclusive():
    claim = _stable(certify_file(ROOT / "examples/structured/phase-retrieval.json").document)
    assert claim["status"] == "inconclusive"


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(0, 3), st.data())
def test_random_injective_single_layer_certificates_verify_and_are_true(n, extra, data):
    # K = 1, A = M_1 (rows x params): random small rational entries, full column rank or not
    m = n + extra
    q = st.sampled_from([0, 0, 1, -1, 2, "1/2", "-3/2"])
    entries = [[p, r, 0, v] for p in range(n) for r in range(m) for v in [data.draw(q)] if v != 0]
    spec = {"kind": "structured", "layers": [{"rows": m, "cols": 1, "params": n, "entries": entries}]}
    doc = certify(spec).document
    claim = _stable(doc)
    assert check_certificate(json.dumps(doc)).exit_code == 0
    assert structured_certificate_is_true(doc)
    if claim["status"] == "proved":  # cross-check with numpy's SVD
        import numpy as np

        dense = np.zeros((m, n))
        for p, r, _, v in entries:
            dense[r, p] += float(Fraction(v))
        smin = np.linalg.svd(dense, compute_uv=False)[-1]
        lo, hi = _interval(claim)
        assert float(lo) <= smin ** 2 * (1 + 1e-9) and smin ** 2 <= float(hi) * (1 + 1e-9)


# --------------------------------------------------------------------------- the checker's algebra
@settings(max_examples=60, deadline=None)
@given(st.integers(0, 7).flatmap(lambda n: st.lists(st.lists(st.integers(-9, 9), min_size=n, max_size=n),
                                                   min_size=n, max_size=n)))
def test_berkowitz_matches_flint(G):
    expected = [1] if not G else [int(c) for c in reversed(flint.fmpz_mat(G).charpoly().coeffs())]
    assert _charpoly(G, _Budget()) == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.fractions(-5, 5, max_denominator=6), min_size=1, max_size=6),
       st.fractions(-6, 6, max_denominator=7))
def test_descartes_counts_real_rooted_polynomials_exactly(roots, c):
    x = sympy.Symbol("x")
    expr = sympy.prod([(x - sympy.Rational(r.numerator, r.denominator)) for r in roots])
    _, poly = sympy.Poly(expr, x).clear_denoms()
    m, above = _roots_above([int(a) for a in poly.all_coeffs()], c, _Budget())
    assert m == roots.count(c)
    assert above == sum(1 for r in roots if r > c)
