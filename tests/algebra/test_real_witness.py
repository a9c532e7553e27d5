"""Real algebraic counterexamples (algebra/real_witness.py): every witness re-evaluated with sympy's
algebraic numbers, tampering refused, the in-process and the modular Gröbner routes agree, and
never a refutation of a proved network."""
from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from algebra import groebner
from algebra.budget import Budget
from algebra.decision import Decision
from algebra.difference_set import difference_set_decision
from algebra.errors import BudgetExceeded, WitnessCheckFailed
from algebra.identifiability import find_nonidentifiability_witness, identifiability_decision
from algebra.lifting import lifting_operator
from algebra.models import full_model
from algebra.real_witness import check_real_witness, real_witness_decision
from algebra.undecided import Undecided

from .nonlinear_networks import phase_retrieval, rank_one_sensing, small_networks
from .nonlinear_reference import reference_check_difference_set, reference_check_real_witness


def _refute(net, model, seconds=60, seed=0):
    return real_witness_decision(net, model, lifting_operator(net), Budget(seconds=seconds), seed=seed)



def _rational_counterexample(net, model, seed):
    """Today's linear search for a rational counterexample, 5 s at most (None: none found)."""
    try:
        return find_nonidentifiability_witness(net, model, seed=seed, budget=Budget(seconds=5))
    except BudgetExceeded:
        return None

@pytest.mark.parametrize("case, degree", [((3, 3, 7, 1), 3), ((3, 4, 9, 1), 6), ((2, 3, 4, 5), None)])
def test_algebraic_witnesses_pass_the_sympy_oracle(case, degree):
    net, model = rank_one_sensing(*case)
    result = _refute(net, model)
    assert isinstance(result, Decision) and result.status == "refuted"
    w = result.witness
    check_real_witness(net, model, w)
    assert reference_check_real_witness(net, model, w) is None
    if degree is not None:
        assert len(w["field"]["minpoly"]) - 1 == degree


def test_rational_points_use_the_rational_format():
    net, model = phase_retrieval(4, 6, 1)  # the incidence variety is a union of rational planes
    result = _refute(net, model)
    assert result.status == "refuted" and set(result.witness) == {"h", "g"}
    assert reference_check_real_witness(net, model, result.witness) is None


def _witness():
    net, model = rank_one_sensing(3, 3, 7, 1)
    return net, model, _refute(net, model).witness


def _bump(q):
    return [c + 1 for c in q] if q else [Fraction(1)]


@pytest.mark.parametrize("change", [
    lambda w: w["h"][1].__setitem__(0, _bump(w["h"][1][0])),                        # a coordinate
    lambda w: w["field"].__setitem__("minpoly", [c * 2 + 1 for c in w["field"]["minpoly"]]),
    lambda w: w["g"].__setitem__(0, [[] for _ in w["g"][0]]),                       # a zero layer
    lambda w: w.__setitem__("g", copy.deepcopy(w["h"])),                            # g = h
], ids=["coordinate", "minpoly", "zero-layer", "g-equals-h"])
def test_tampered_witnesses_are_refused_by_both_checks(change):
    net, model, w = _witness()
    bad = copy.deepcopy(w)
    change(bad)
    with pytest.raises(WitnessCheckFailed):
        check_real_witness(net, model, bad)
    assert reference_check_real_witness(net, model, bad) is not None


def test_an_interval_without_sign_change_is_refused():
    net, model, w = _witness()
    bad = copy.deepcopy(w)
    lo, hi = bad["field"]["interval"]
    bad["field"]["interval"] = [hi, hi + 1]
    with pytest.raises(WitnessCheckFailed, match="sign change"):
        check_real_witness(net, model, bad)


def test_a_hint_at_a_vanishing_entry_is_refused():
    net, model, w = _witness()
    bad = copy.deepcopy(w)
    zero = [(k, i) for k, layer in enumerate(bad["h"]) for i, q in enumerate(layer) if not q]
    if not zero:  # make one: scale nothing, just point the hint at a coordinate set to 0 in h and g
        bad["h"][0][0] = []
        bad["g"][0][0] = []
        zero = [(0, 0)]
    k, i = zero[0]
    bad["hints"]["h_nonzero"][k] = i
    with pytest.raises(WitnessCheckFailed):
        check_real_witness(net, model, bad)


def test_a_reducible_minimal_polynomial_with_several_roots_is_still_sound():
    # a rational witness written in the algebraic format over χ = (T² − 2)(T − 5), on an interval
    # holding all three roots: the identities hold modulo χ (they hold exactly), and whichever
    # root the bisection keeps, every hinted entry is non-zero there
    net, model = phase_retrieval(4, 6, 1)
    w = _refute(net, model).witness
    k_h = [next(i for i, x in enumerate(layer) if x) for layer in w["h"]]
    k_g = [next(i for i, x in enumerate(layer) if x) for layer in w["g"]]
    from algebra.segre import segre
    ph, pg = segre(w["h"]), segre(w["g"])
    t = next(t for t in set(ph) | set(pg) if ph.get(t, 0) != pg.get(t, 0))
    algebraic = {"field": {"minpoly": [10, -2, -5, 1], "interval": [-2, 6]},
                 "h": [[[x] if x else [] for x in layer] for layer in w["h"]],
                 "g": [[[x] if x else [] for x in layer] for layer in w["g"]],
                 "hints": {"h_nonzero": k_h, "g_nonzero": k_g, "difference": list(t)}}
    check_real_witness(net, model, algebraic)


def test_in_process_and_singular_routes_both_refute(monkeypatch):
    net, model = rank_one_sensing(3, 3, 7, 1)
    modular = _refute(net, model)
    real = groebner.is_available
    monkeypatch.setattr(groebner, "is_available", lambda name: name != "singular" and real(name))
    exact = _refute(net, model)
    for result in (modular, exact):
        assert result.status == "refuted"
        assert reference_check_real_witness(net, model, result.witness) is None


def test_identifiable_networks_are_never_refuted():
    for net, model in (phase_retrieval(4, 7, 1), rank_one_sensing(3, 4, 10, 1)):
        result = _refute(net, model, seconds=20)
        assert isinstance(result, Undecided)
        assert result.reason


def test_the_reason_says_what_was_tried():
    net, model = phase_retrieval(4, 7, 1)
    result = _refute(net, model, seconds=20)
    assert "slices" in result.reason and result.slices_tried >= 0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_networks())
def test_never_refuted_and_proved(net):
    model = full_model(net)
    A = lifting_operator(net)
    refuted = real_witness_decision(net, model, A, Budget(seconds=10), seed=0)
    proved = difference_set_decision(net, model, A, Budget(seconds=10), seed=0)
    today = identifiability_decision(net, model, seed=0)
    if isinstance(refuted, Decision):
        check_real_witness(net, model, refuted.witness)
        assert reference_check_real_witness(net, model, refuted.witness) is None
        assert not isinstance(proved, Decision) and today.status != "proved"


@pytest.mark.slow
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_networks(max_dim=4, max_params=4))
def test_never_refuted_and_proved_exhaustive(net):
    test_never_refuted_and_proved.hypothesis.inner_test(net)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["sensing", "phase"]), st.integers(2, 4), st.integers(2, 4), st.integers(-2, 1),
       st.integers(0, 10**6))
def test_near_the_threshold_proofs_and_refutations_never_meet(kind, n1, n2, offset, seed):
    # measurement counts around the identifiability threshold (2(n1 + n2) − 4 for rank-one
    # sensing, 2n − 1 for phase retrieval), where both routes decide often
    if kind == "sensing":
        net, model = rank_one_sensing(n1, n2, max(1, 2 * (n1 + n2) - 4 + offset), seed)
    else:
        net, model = phase_retrieval(n1, max(1, 2 * n1 - 1 + offset), seed)
    A = lifting_operator(net)
    proved = difference_set_decision(net, model, A, Budget(seconds=20), seed=seed)
    refuted = real_witness_decision(net, model, A, Budget(seconds=20), seed=seed)
    assert not (isinstance(proved, Decision) and isinstance(refuted, Decision))
    event("proved" if isinstance(proved, Decision) else "refuted" if isinstance(refuted, Decision) else "open")
    if isinstance(proved, Decision):
        assert reference_check_difference_set(net, model, proved.witness) is None
        assert _rational_counterexample(net, model, seed) is None
    if isinstance(refuted, Decision):
        assert reference_check_real_witness(net, model, refuted.witness) is None
