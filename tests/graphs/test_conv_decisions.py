"""graphs.conv_decisions: the four section-8 decisions, their certificate-shaped witnesses,
cross-checked against independent routes, and the budget of the witness search."""
from __future__ import annotations

import time
from fractions import Fraction

from hypothesis import given, settings

from algebra.budget import Budget
from algebra.lifting import lifting_operator
from algebra.segre import are_equivalent
from graphs.builders import haar_packet_tree, paper_scattered_example, paper_unscattered_example
from graphs.conv_decisions import (conv_decisions, decide_identifiable, decide_lifting_rank, decide_scattered,
                                   decide_stable)
from graphs.conv_stability import restrict_to_path
from graphs.conv_structure import structural_rank

from .conv_reference import indicator_path_sums, path_count
from .conv_strategies import conv_networks

# A non-scattered tree whose witness search is long (about a minute unbudgeted): the greedy fill
# re-checks the exact action of 126 edges many times.
SLOW = haar_packet_tree(6, 40)


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_decisions_agree_with_independent_routes(net):
    rank, scattered, identifiable, stable = conv_decisions(net, Budget.unlimited())
    y = indicator_path_sums(net)  # Algorithm 8.1 path by path
    is_scattered = all(v <= 1 for ys in y.values() for v in ys)
    assert scattered.value == is_scattered and scattered.status == ("proved" if is_scattered else "refuted")
    assert scattered.witness == {"outputs": {f: [[c, v] for c, v in enumerate(y[f]) if v] for f in sorted(y)}}
    classes = {f: sum(1 for v in y[f] if v) for f in sorted(y)}
    assert rank.value == sum(classes.values()) == structural_rank(net).rank
    assert rank.witness == {"classes_per_leaf": classes}
    collisions = [(f, c, v) for f in sorted(y) for c, v in enumerate(y[f]) if v > 1]
    assert scattered.details["n_collisions"] == len(collisions)
    if collisions:
        leaf = collisions[0][0]
        top = max(y[leaf])
        assert scattered.details["collision"] == {"leaf": leaf, "offset": y[leaf].index(top), "count": top}
    assert identifiable.status == stable.status == scattered.status
    if is_scattered:
        assert stable.details["one_path"] == (sum(path_count(net).values()) == 1)
        assert ("proposition_8_3" in stable.value) == stable.details["one_path"]
    else:
        w = identifiable.witness
        h, g = w["h"], w["g"]
        assert all(isinstance(x, Fraction) for hk in h + g for x in hk)
        M = net.to_multilinear()  # independent route to the network action
        assert M.evaluate(h) == M.evaluate(g)
        path = [net.edges[j] for j in reversed(w["path"])]  # leaf to root
        assert [e.depth for e in path] == list(range(net.K, 0, -1)) and path[-1].target == net.root
        assert all(a.target == b.source for a, b in zip(path, path[1:]))
        assert identifiable.details["path"] == [path[0].source] + [e.target for e in path]
        assert not are_equivalent(restrict_to_path(net, h, path), restrict_to_path(net, g, path))
        nonzero = all(any(p[e.depth - 1][j] for j in e.params) for p in (h, g) for e in net.edges)
        assert identifiable.details["all_kernels_nonzero"] == nonzero


def test_lifting_rank_is_the_exact_rank_of_the_explicit_operator():
    for net in (paper_scattered_example(), paper_unscattered_example()):
        exact = lifting_operator(net.to_multilinear()).to_sympy().rank()
        assert decide_lifting_rank(net, Budget.unlimited()).value == exact


def test_stable_values_have_the_certificate_shape():
    d = decide_stable(paper_scattered_example(), Budget.unlimited())
    assert d.value == {"K": 2, "S_prime": 3, "N": 16, "formula": "7*(K*S')**(1/p)*eps**(1-K)*(delta+eta)/sqrt(N)",
                       "proposition_8_3": {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}}
    tree = decide_stable(haar_packet_tree(3, 16), Budget.unlimited())
    assert tree.status == "proved" and "proposition_8_3" not in tree.value and not tree.details["one_path"]
    refuted = decide_stable(paper_unscattered_example(), Budget.unlimited())
    assert (refuted.status, refuted.witness) == ("refuted", {"from_claim": "identifiable"})


def test_a_reached_time_budget_makes_the_witness_search_inconclusive_in_time():
    budget = Budget(seconds=0.5)
    started = time.monotonic()
    d = decide_identifiable(SLOW, budget)
    assert time.monotonic() - started < 0.5 + 1.0
    assert d.status == "inconclusive" and d.reason.endswith("time limit of 0.5 s reached")
    assert d.statement == "Not scattered, so not identifiable by Theorem 8.4, but no exact counterexample was built."
    stable = decide_stable(SLOW, budget, identifiable=d)
    assert stable.status == "inconclusive" and stable.reason == d.reason


def test_a_reached_work_budget_is_reproducible():
    reasons = {decide_identifiable(SLOW, Budget(work=50_000)).reason for _ in range(2)}
    assert len(reasons) == 1 and reasons.pop().endswith("work budget of 50000 units reached")


def test_a_budget_reached_by_algorithm_8_1_leaves_every_decision_inconclusive():
    budget = Budget(work=5)
    decisions = conv_decisions(SLOW, budget)
    assert [d.status for d in decisions] == ["inconclusive"] * 4
    assert {d.reason for d in decisions} == {"Algorithm 8.1: work budget of 5 units reached"}


def test_scattered_witness_asks_the_checker_to_recompute_beyond_the_entry_cap(monkeypatch):
    import graphs.conv_decisions as decisions

    net = haar_packet_tree(3, 16)  # 8 leaves x 8 non-zero entries
    monkeypatch.setattr(decisions, "MAX_SCATTER_ENTRIES", 64)
    assert "outputs" in decide_scattered(net, Budget.unlimited()).witness
    monkeypatch.setattr(decisions, "MAX_SCATTER_ENTRIES", 63)
    assert decide_scattered(net, Budget.unlimited()).witness == {"recompute": True}
