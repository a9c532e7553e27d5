"""Coefficients beyond the float range: exact claims still certify and verify; the float-based
parts say they could not be computed instead of crashing (a 1000-digit coefficient is valid)."""
from certificates.certify import certify
from certificates.checker import check_certificate


def test_huge_coefficient_certifies_and_verifies():
    big = str(10 ** 400)
    spec = {"kind": "structured", "name": "big",
            "layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, big]]}]}
    result = certify(spec)
    status = {c.id: c.status for c in result.claims}
    assert status == {"lifting-rank": "proved", "identifiable": "proved", "stable": "inconclusive"}
    stable = next(c for c in result.claims if c.id == "stable")
    assert "floating point" in stable.reason
    assert check_certificate(result.document).exit_code == 0
