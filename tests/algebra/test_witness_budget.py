"""The witness search and Theorem 6.4's reading are bounded: big dense layers give an
``inconclusive`` claim with a reason in seconds instead of running for hours."""
from __future__ import annotations

import time

import pytest

from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from algebra.identifiability import find_nonidentifiability_witness, identifiability_decision, theorem_6_4
from algebra.limits import SEARCH_MAX_UNKNOWNS
from graphs.structured_spec import structured_network


def _dense_empty(S):
    """Two 1x1 layers of S parameters and no entries: A = 0."""
    layer = {"rows": 1, "cols": 1, "params": S, "entries": []}
    return {"kind": "structured", "layers": [layer, layer]}


def _sum_layer(S):
    """X = (sum h_1)(sum h_2): not identifiable, and the untied search finds it when allowed."""
    layer = {"rows": 1, "cols": 1, "params": S, "entries": [[p, 0, 0, 1] for p in range(S)]}
    return structured_network({"layers": [layer, layer]})


def test_small_search_is_unchanged():
    h, g = find_nonidentifiability_witness(_sum_layer(3))
    net = _sum_layer(3)
    assert net.evaluate(h) == net.evaluate(g)


def test_systems_over_the_cap_are_skipped_and_reported():
    with pytest.raises(BudgetExceeded, match="size caps"):
        find_nonidentifiability_witness(structured_network(_dense_empty(600)), max_unknowns=10)
    assert SEARCH_MAX_UNKNOWNS >= 100


def test_time_budget_stops_the_search():
    with pytest.raises(BudgetExceeded, match="time limit"):
        find_nonidentifiability_witness(_sum_layer(40), budget=Budget(seconds=1e-9), max_unknowns=None)


def test_the_decision_reports_a_stopped_search():
    net = structured_network(_dense_empty(600))
    v = identifiability_decision(net, budget=Budget.default(max_columns=1000))
    assert v.status == "inconclusive"
    assert "budget reached: counterexample search: no witness found" in v.reason


def test_theorem_6_4_refuses_huge_joins():
    with pytest.raises(BudgetExceeded, match="Terracini"):
        theorem_6_4(structured_network(_dense_empty(3000)))


def test_densebig_certifies_quickly_and_inconclusively():
    # the reviewer's densebig.json: two dense 1x1 layers of 3000 parameters, no entries
    from certificates.certify import certify

    t0 = time.perf_counter()
    result = certify(_dense_empty(3000), budget=Budget(max_columns=200_000, seconds=300))
    assert time.perf_counter() - t0 < 20
    ident = next(c for c in result.claims if c.id == "identifiable")
    assert ident.status == "inconclusive" and "budget" in ident.reason


@pytest.mark.slow
def test_ffbig2_certifies_within_20_seconds(tmp_path, capsys):
    # A is beyond the column budget, but section 6's path criterion needs no A: two always-active
    # paths between the same entries refute identifiability at once, with a witness that verifies
    import json

    from certificates.cli import main

    spec = tmp_path / "ff.json"
    spec.write_text(json.dumps({"kind": "feedforward", "widths": [100, 100, 100, 100], "inputs": [[1] * 100]}))
    t0 = time.perf_counter()
    assert main(["certify", str(spec), "-o", str(tmp_path / "o.cert.json"), "--quiet", "--json"]) == 0
    assert time.perf_counter() - t0 < 30
    claims = {c["id"]: c for c in json.loads(capsys.readouterr().out)["claims"]}
    assert claims["lifting-rank"]["status"] == "inconclusive" and "budget" in claims["lifting-rank"]["reason"]
    assert claims["identifiable"]["status"] == claims["stable"]["status"] == "refuted"
    assert main(["verify", str(tmp_path / "o.cert.json")]) == 0


# --- a budget of N seconds stops a phase within N + 1 s ---------------------------------------

def _random_operator_spec():
    """K = 4 layers of 12 x 12 factors with 10 parameters (A: 144 x 10 000): its counterexample
    search alone runs for more than a second when nothing stops it."""
    from tests.operators import random_structured_spec

    return random_structured_spec(4, 12, 10)


@pytest.mark.parametrize("seconds", [0.2, 0.5])
def test_a_run_budget_of_n_seconds_stops_within_n_plus_one(seconds):
    from certificates.certify import certify

    t0 = time.perf_counter()
    result = certify(_random_operator_spec(), budget=Budget.default(seconds=seconds))
    assert time.perf_counter() - t0 < seconds + 1
    ident = next(c for c in result.claims if c.id == "identifiable")
    assert ident.status == "inconclusive" and f"time limit of {seconds:g} s reached" in ident.reason


def test_the_search_phase_stops_at_its_own_seconds(monkeypatch):
    # the search's child budget (SEARCH_SECONDS) holds inside a run that has time to spare
    import algebra.identifiability as identifiability
    from algebra.analysis import Analysis
    from graphs.specs import parse_spec

    monkeypatch.setattr(identifiability, "SEARCH_SECONDS", 0.3)
    analysis = Analysis(parse_spec(_random_operator_spec()).multilinear())
    decision = identifiability_decision(analysis, routes=(identifiability.counterexample_route,))
    assert "counterexample search: time limit of 0.3 s reached" in decision.reason
    assert analysis.timings["identifiability"] < 0.3 + 1


def test_the_nonlinear_routes_refuse_a_large_operator_before_any_kernel():
    # A: 144 x 10 000: the difference set is refused by a dimension count, the real search by the
    # number of equations of its slices -- both said in the reason, at once
    import algebra.identifiability as identifiability
    from algebra.analysis import Analysis
    from graphs.specs import parse_spec

    analysis = Analysis(parse_spec(_random_operator_spec()).multilinear())
    decision = identifiability_decision(analysis, routes=(identifiability.nonlinear_route,))
    assert decision.status == "inconclusive"
    assert "difference set: Ker A ∩ W has dimension ≥ 9856" in decision.reason
    assert "the slices would have 144 equations M(h) = M(g), beyond the real-witness limit" in decision.reason
    assert analysis.timings["identifiability"] < 2


def test_the_nonlinear_routes_stop_at_their_own_seconds(monkeypatch):
    # with the equation limit lifted, the real search stops at the routes' child budget
    # (NONLINEAR_SECONDS), not at the run's
    import algebra.identifiability as identifiability
    import algebra.real_witness as real_witness
    from algebra.analysis import Analysis
    from graphs.specs import parse_spec

    monkeypatch.setattr(identifiability, "NONLINEAR_SECONDS", 1.0)
    monkeypatch.setattr(real_witness, "REAL_WITNESS_MAX_EQUATIONS", 10**6)
    analysis = Analysis(parse_spec(_random_operator_spec()).multilinear())
    decision = identifiability_decision(analysis, routes=(identifiability.nonlinear_route,))
    assert decision.status == "inconclusive" and "no real point found" in decision.reason
    assert analysis.timings["identifiability"] < 1.0 + 2
