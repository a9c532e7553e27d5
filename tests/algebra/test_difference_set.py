"""The difference-set route (algebra/difference_set.py): proofs re-checked three ways, emptiness
cross-checked with a second Gröbner backend, tampering refused, and never a proof where a
counterexample exists."""
from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings

from algebra import groebner
from algebra.budget import Budget
from algebra.decision import Decision
from algebra.difference_set import (block_for_pieces, check_difference_set_witness, difference_set_decision,
                                    rank_two_locus_dimension)
from algebra.errors import BudgetExceeded, WitnessCheckFailed
from algebra.flattenings import flattening_minors
from algebra.identifiability import find_nonidentifiability_witness, kernel_line_witness
from algebra.lifting import lifting_operator
from algebra.models import full_model
from algebra.undecided import Undecided

from .nonlinear_networks import load_example, phase_retrieval, rank_one_sensing, small_networks
from .nonlinear_reference import reference_check_difference_set


def _load(name):
    _, net, model = load_example(f"structured/{name}")
    return net, model


def _decide(net, model, seconds=60):
    A = lifting_operator(net)
    return A, difference_set_decision(net, model, A, Budget(seconds=seconds), seed=0)


def _minors_ideal_dimension_over_q(net, model, A, backend):
    """Independent emptiness: the Krull dimension over Q (no prime) of the ideal of all minors."""
    block = block_for_pieces(net, model, A, list(model.pieces()), Budget.unlimited(), 0, label_all=True)
    forms = [{m: Fraction(c) for m, c in f.items()} for _, f in
             flattening_minors(block.kernel.tensors(), net.K, model.classes)]
    return groebner.krull_dimension(backend, forms, block.kernel.dimension)



def _rational_counterexample(net, model, seed):
    """Today's linear search for a rational counterexample, 5 s at most (None: none found)."""
    try:
        return find_nonidentifiability_witness(net, model, seed=seed, budget=Budget(seconds=5))
    except BudgetExceeded:
        return None

@pytest.mark.parametrize("case", ["pr47", "r1_10", pytest.param("pr58", marks=pytest.mark.slow)])
def test_proofs_are_rechecked_three_ways(case):
    net, model = {"pr47": lambda: phase_retrieval(4, 7, 1), "r1_10": lambda: rank_one_sensing(3, 4, 10, 1),
                  "pr58": lambda: phase_retrieval(5, 9, 1)}[case]()
    A, result = _decide(net, model)
    assert isinstance(result, Decision) and result.status == "proved"
    check_difference_set_witness(net, model, A, result.witness)                   # the producer's own check
    assert reference_check_difference_set(net, model, result.witness) is None     # sympy rank over QQ
    json.dumps(result.to_dict())
    # emptiness by a second, independent route: a Gröbner basis over Q (no prime at all); sympy
    # where it is quick, Singular over Q for d = 6 (sympy: 220 s, Singular 100 s)
    backend = "sympy" if case != "pr58" else "singular"
    if backend in groebner.available_backends():
        assert _minors_ideal_dimension_over_q(net, model, A, backend) <= 0


def test_nonempty_intersection_is_reported_not_proved():
    net, model = rank_one_sensing(3, 4, 9, 1)
    A, result = _decide(net, model)
    assert isinstance(result, Undecided)
    # the dimension count already proves the intersection non-empty over C
    assert result.complex_dimension == 0 and result.dimension_is_lower_bound and "dimension ≥ 0" in result.reason
    # over Q (sympy), the affine cone of the minors' zero set is a union of lines: dimension 1
    assert _minors_ideal_dimension_over_q(net, model, A, "sympy") == 1


def test_kernel_line_is_the_special_case_d_1():
    net, model = _load("bilinear-kernel-line.json")
    A, result = _decide(net, model)
    block = result.witness["difference_set"]["blocks"][0]
    assert result.status == "proved" and len(block["kernel"]) == 1
    assert block["degree"] == 3 and len(block["macaulay_rows"]) == 1
    assert kernel_line_witness(net, model, A) is not None  # today's route agrees


def test_injective_on_the_span_needs_no_macaulay_block():
    net, model = _load("phase-retrieval.json")
    A, result = _decide(net, model)
    block = result.witness["difference_set"]["blocks"][0]
    assert result.status == "proved" and block["kernel"] == [] and block["macaulay_rows"] == []
    assert reference_check_difference_set(net, model, result.witness) is None


def test_pairs_of_pieces_prove_what_the_whole_span_cannot():
    # u ∈ R^3 1-sparse, v ∈ R^2; 5 random measurements: Ker A ∩ span is the line of one 3 x 2
    # matrix (rank ≤ 2, so the whole-span block fails), but every pair of pieces spans only two
    # rows, which the kernel matrix (three non-zero rows) misses: A is injective there.
    net, model = rank_one_sensing(3, 2, 5, 3, sparsity=1)
    A, result = _decide(net, model)
    blocks = result.witness["difference_set"]["blocks"]
    assert result.status == "proved" and len(blocks) == 6 and all(b["pieces"] != "all" for b in blocks)
    check_difference_set_witness(net, model, A, result.witness)
    assert reference_check_difference_set(net, model, result.witness) is None
    missing = copy.deepcopy(result.witness)
    missing["difference_set"]["blocks"].pop(1)  # the block of pieces 1 and 2 (pieces 1, 2 alone are covered elsewhere)
    with pytest.raises(WitnessCheckFailed, match="lies in no block"):
        check_difference_set_witness(net, model, A, missing)


def _tamper(witness, change):
    w = copy.deepcopy(witness)
    change(w["difference_set"]["blocks"][0])
    return w


@pytest.mark.parametrize("change, math_broken", [
    (lambda b: b["kernel"][0].__setitem__(0, [b["kernel"][0][0][0], b["kernel"][0][0][1] + 1]), True),
    (lambda b: b["macaulay_rows"].pop(), True),
    (lambda b: b.__setitem__("macaulay_rows", b["macaulay_rows"][:-1] + b["macaulay_rows"][:1]), True),
    (lambda b: b["kernel"].pop(), True),
    (lambda b: b["groups"].pop(), True),
    (lambda b: b["flattening_minors"][0].__setitem__("rows", [0, 0, 1]), True),
    # hints only: the proof is still true (the reference computes ranks over QQ), but the checker's
    # rules -- a prime modulus, a minor of the stated size -- are not met
    (lambda b: b.__setitem__("prime", b["prime"] * 3), False),
    (lambda b: b["minor_rows"].pop(), False),
], ids=["kernel-entry", "row-dropped", "row-repeated", "kernel-vector-dropped", "group-dropped",
        "minor-with-a-repeated-row", "composite-prime", "minor-row-dropped"])
def test_tampered_witnesses_are_refused(change, math_broken):
    net, model = phase_retrieval(4, 7, 1)
    A, result = _decide(net, model)
    bad = _tamper(result.witness, change)
    with pytest.raises((WitnessCheckFailed, KeyError, IndexError, ValueError)):
        check_difference_set_witness(net, model, A, bad)
    if math_broken:
        try:
            assert reference_check_difference_set(net, model, bad) is not None
        except (KeyError, IndexError, ValueError):
            pass  # malformed for the reference too


def test_rank_two_locus_dimension_matches_terracini():
    from algebra.dimensions import join_dimension
    from algebra.models import LinearPiece
    for supports in [((0, 1, 2), (0, 1, 2, 3)), ((0, 1), (0, 1, 2), (0, 1, 2)), ((0, 1, 2), (0, 1, 2), (0, 1, 2))]:
        piece = LinearPiece(supports, tuple((k,) for k in range(len(supports))), tuple(len(s) for s in supports))
        # the rank-≤-2 locus is the closure of the secant variety J(Seg, Seg) for K ≤ 3
        assert rank_two_locus_dimension(piece) == join_dimension(piece, piece).value


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_networks())
def test_a_proof_never_meets_a_counterexample(net):
    model = full_model(net)
    A, result = _decide(net, model, seconds=20)
    found = _rational_counterexample(net, model, 0)
    if isinstance(result, Decision):
        assert found is None, "the difference set was proved empty, yet a rational counterexample exists"
        check_difference_set_witness(net, model, A, result.witness)
        assert reference_check_difference_set(net, model, result.witness) is None


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_networks(max_dim=4, max_params=4))
def test_a_proof_never_meets_a_counterexample_exhaustive(net):
    test_a_proof_never_meets_a_counterexample.hypothesis.inner_test(net)


def test_difference_set_proof_agrees_with_sympy_groebner_on_random_networks():
    # the certificate route and an exact Gröbner basis over Q (flint, then sympy) never disagree
    import random
    rng = random.Random(7)
    seen = 0
    for _ in range(40):
        net, model = rank_one_sensing(rng.randint(2, 3), rng.randint(2, 4), rng.randint(3, 10), rng.randint(0, 10**6))
        A, result = _decide(net, model, seconds=20)
        if not isinstance(result, Decision) or not result.witness["difference_set"]["blocks"][0]["kernel"]:
            continue
        seen += 1
        assert _minors_ideal_dimension_over_q(net, model, A, "flint") <= 0
    assert seen >= 3


def test_the_complex_dimension_is_the_same_with_and_without_singular(monkeypatch):
    net, model = phase_retrieval(4, 6, 1)  # tied: no dimension count, a Gröbner basis decides
    _, with_singular = _decide(net, model)
    real = groebner.is_available
    monkeypatch.setattr(groebner, "is_available", lambda name: name != "singular" and real(name))
    _, without = _decide(net, model)
    assert isinstance(without, Undecided) and without.complex_dimension == 0
    assert "Gröbner basis over Q" in without.reason
    if real("singular"):
        assert with_singular.complex_dimension == 0 and "Gröbner basis over Q" in with_singular.reason
