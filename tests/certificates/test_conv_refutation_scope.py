"""A conv refutation must say when its witness needs a zero edge kernel (Theorem 8.4 is stated
for parameters whose kernels are all non-zero, so such a witness proves less)."""
from certificates.certify import certify

# Not scattered (x: 0+1 = 1+0), but the only collision pairs a y-path with zero kernels.
TREE = {"kind": "conv", "name": "tree", "N": 8, "boundary": "circular", "root": "r",
        "edges": [{"from": "v", "to": "r", "support": [0, 1]},
                  {"from": "x", "to": "v", "support": [0, 1]},
                  {"from": "y", "to": "v", "support": [0, 4]}]}
CHAIN = {"kind": "conv", "name": "chain", "N": 16, "boundary": "circular", "root": "r",
         "edges": [{"from": "v", "to": "r", "support": [1, 2, 3]},
                   {"from": "x", "to": "v", "support": [1, 2, 3]}]}


def _identifiable(spec):
    return next(c for c in certify(spec).claims if c.id == "identifiable")


def test_witness_with_a_zero_kernel_limits_the_statement():
    claim = _identifiable(TREE)
    assert claim.status == "refuted"
    assert claim.extra["all_kernels_nonzero"] is False
    assert "over all of R^{S x K} only" in claim.statement


def test_witness_with_nonzero_kernels_says_so():
    claim = _identifiable(CHAIN)
    assert claim.status == "refuted" and claim.extra["all_kernels_nonzero"] is True
    assert "every edge kernel of h and g is non-zero" in claim.statement
