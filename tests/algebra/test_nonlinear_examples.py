"""The bundled examples of the non-linear routes state their verdict in the description
("Verdict: <status>."); the non-linear routes alone re-derive it (the certify engine may decide
first by a linear route), and every witness passes the producer's check and the independent
oracles."""
from __future__ import annotations

import json
import re

import pytest

from algebra.budget import Budget
from algebra.decision import Decision
from algebra.difference_set import check_difference_set_witness
from algebra.lifting import lifting_operator
from algebra.nonlinear import nonlinear_identifiability
from algebra.real_witness import check_real_witness

from .nonlinear_networks import EXAMPLES, load_example
from .nonlinear_reference import reference_check_difference_set, reference_check_real_witness

PATTERN = re.compile(r"Verdict: (\w+)\.")
NONLINEAR = ["phase-retrieval-n4-m7", "phase-retrieval-n4-m6", "rank-one-sensing-3x4-m10", "rank-one-sensing-3x4-m9",
             "rank-one-sensing-3x3-m7", "trilinear-generic"]
CLAIMED = [EXAMPLES / "structured" / f"{name}.json" for name in NONLINEAR]


def test_the_required_examples_are_present_and_state_a_verdict():
    assert all(PATTERN.match(json.loads(p.read_text())["description"]) for p in CLAIMED)


@pytest.mark.parametrize("path", CLAIMED, ids=lambda p: p.name)
def test_description_states_the_verdict_of_the_nonlinear_routes(path):
    spec, net, model = load_example(str(path.relative_to(EXAMPLES)))
    claimed = PATTERN.match(spec["description"]).group(1)
    A = lifting_operator(net)
    result = nonlinear_identifiability(net, model, A, Budget(seconds=120), seed=0)
    assert isinstance(result, Decision) and result.status == claimed
    json.dumps(result.to_dict())  # certificates embed it
    if claimed == "proved":
        check_difference_set_witness(net, model, A, result.witness)
        assert reference_check_difference_set(net, model, result.witness) is None
    else:
        check_real_witness(net, model, result.witness)
        assert reference_check_real_witness(net, model, result.witness) is None
        degree = re.search(r"of degree (\d+)", spec["description"])
        if degree:  # the description names the field degree of the witness
            assert len(result.witness["field"]["minpoly"]) - 1 == int(degree.group(1))
        if "rational up to scale" in spec["description"]:
            assert "field" not in result.witness
