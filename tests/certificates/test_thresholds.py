"""The literature's thresholds, end to end: ``certify`` decides them and the independent checker
re-verifies every decision (real phase retrieval, Balan-Casazza-Edidin: 2n − 1 generic
measurements make x identifiable up to sign, 2n − 2 never; rank-one matrix sensing u vᵀ from
2(n₁ + n₂) − 4 measurements)."""
from __future__ import annotations

import pytest

from certificates.certify import certify
from certificates.checker import check_certificate
from graphs.structured_spec import write_structured_spec
from graphs.specs import parse_spec
from tests.algebra.nonlinear_networks import phase_retrieval, rank_one_sensing


@pytest.mark.parametrize("case, status, witness", [
    (lambda: phase_retrieval(5, 9, 1), "proved", "difference_set"),   # n = 5, m = 2n − 1
    (lambda: phase_retrieval(5, 8, 1), "refuted", "h"),                # m = 2n − 2
    (lambda: rank_one_sensing(3, 4, 10, 1), "proved", "difference_set"),
], ids=["phase-retrieval-n5-m9", "phase-retrieval-n5-m8", "rank-one-3x4-m10"])
def test_certify_decides_the_thresholds_and_the_checker_agrees(case, status, witness):
    net, model = case()
    doc = certify(parse_spec(write_structured_spec(net, model, name="threshold"))).document
    claim = {c["id"]: c for c in doc["claims"]}["identifiable"]
    assert claim["status"] == status and witness in claim["witness"]
    report = check_certificate(doc)
    assert report.exit_code == 0 and report.claims["identifiable"] == "verified"
