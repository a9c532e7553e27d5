"""Every bundled example whose description starts with "Verdict: <status>." gets that status
when tensorlift computes it (the description is a claim, the test re-derives it)."""
import itertools
import json
import math
import re
from pathlib import Path

import pytest

from algebra.identifiability import as_model
from algebra.lifting import lifting_operator
from algebra.segre import are_equivalent
from graphs.specs import load_spec
from graphs.verdicts import spec_verdict
from tests.algebra.nonlinear_reference import reference_check_difference_set, reference_check_real_witness

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# Conv examples state section 8's verdict (path-wise classes {h}), spec_verdict's default for conv.
CLAIMED = sorted(p for p in EXAMPLES.rglob("*.json")
                 if load_spec(p).spec.get("description", "").startswith("Verdict: "))


def test_the_examples_of_the_issue_are_present():
    names = {p.relative_to(EXAMPLES).as_posix() for p in CLAIMED}
    for required in ["structured/phase-retrieval.json", "structured/blind-deconvolution.json",
                     "structured/sparse-factorization.json", "structured/self-calibration.json",
                     "feedforward/relu-three-layer.json"]:
        assert required in names


@pytest.mark.parametrize("path", CLAIMED, ids=lambda p: p.name)
def test_description_states_the_computed_verdict(path):
    loaded = load_spec(path)
    description = loaded.spec["description"]
    claimed = re.match(r"Verdict: (\w+)\.", description).group(1)
    v = spec_verdict(loaded)
    assert v.status == claimed
    json.loads(json.dumps(v.to_dict()))     # the verdict serialises (certificates embed it)
    for number in re.findall(r"rk\(A\) = (\d+)", description):
        assert v.details["rank_A"] == int(number)
    if "Theorem 6.4" in description and claimed == "inconclusive":
        assert any("almost every operator" in n for n in v.notes)
    if "Theorem 6.4 would call" in description:   # a refuted model whose A passes 6.4's rank test
        from algebra.identifiability import theorem_6_4
        assert theorem_6_4(loaded.multilinear(), loaded.model).holds
    if v.status == "proved" and "difference_set" in v.witness:  # an independent oracle (sympy over QQ)
        model = as_model(loaded.model, loaded.multilinear())
        assert reference_check_difference_set(loaded.multilinear(), model, v.witness) is None
    if v.status == "refuted" and "field" in v.witness:  # real algebraic: sympy's algebraic numbers re-check it
        model = as_model(loaded.model, loaded.multilinear())
        assert reference_check_real_witness(loaded.multilinear(), model, v.witness) is None
        degree = re.search(r"of degree (\d+)", description)
        if degree:  # the description names the field degree of the witness
            assert len(v.witness["field"]["minpoly"]) - 1 == int(degree.group(1))
    elif v.status == "refuted":
        net = loaded.multilinear()
        h, g = v.witness["h"], v.witness["g"]
        if loaded.kind == "structured":
            model = as_model(loaded.model, net)   # the spec's model, or the full one
            assert model.contains(h) and model.contains(g)
        # independent re-check through the lifting: A (P(h) − P(g)) = 0, P(h) ≠ P(g)
        A = lifting_operator(net)
        diff = {}
        for idx in itertools.product(*(range(s) for s in net.param_counts)):
            d = math.prod(hk[i] for hk, i in zip(h, idx)) - math.prod(gk[i] for gk, i in zip(g, idx))
            if d:
                diff[idx] = d
        assert diff and A.apply(diff) == {} and not are_equivalent(h, g)
