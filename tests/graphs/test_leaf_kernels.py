"""graphs.leaf_kernels: the one dynamic programme of (8.2) in each of its four value modes,
against independent constructions (path-by-path enumeration, the compiled multilinear map,
the valid index tuples), its streaming memory, and its budget."""
from __future__ import annotations

import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from graphs.builders import chain, haar_packet_tree, random_dag
from graphs.leaf_kernels import (ExactKernels, FloatKernels, Indicators, Totals, count_paths, exact_leaf_kernels,
                                 iter_leaf_kernels, leaf_kernels, network_matrix, node_kernels, tuples_per_leaf)

from .conv_reference import indicator_path_sums, path_count, path_sum_kernels
from .conv_strategies import conv_networks, conv_params

with_params = conv_networks().flatmap(lambda n: conv_params(n).map(lambda h: (n, h)))


def _dense(sparse: dict, N: int) -> list:
    return [sparse.get(d, Fraction(0)) for d in range(N)]


@settings(max_examples=40, deadline=None)
@given(data=with_params)
def test_exact_mode_equals_path_by_path_sums(data):
    net, h = data
    got = exact_leaf_kernels(net, h)
    assert list(got) == net.leaves
    assert {f: _dense(k, net.N) for f, k in got.items()} == path_sum_kernels(net, h)
    assert all(x != 0 for k in got.values() for x in k.values())  # sparse: no stored zeros


@settings(max_examples=30, deadline=None)
@given(data=with_params)
def test_exact_mode_equals_the_compiled_multilinear_product(data):
    net, h = data
    assert network_matrix(net, h) == net.to_multilinear().evaluate(h)


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_counting_mode_equals_path_enumeration_and_tuple_counts(net):
    y = {f: [int(v) for v in vec] for f, vec in leaf_kernels(net, Indicators(net)).items()}
    assert y == indicator_path_sums(net)
    counts = {f: [0] * net.N for f in net.leaves}
    for _, f, s in net.valid_tuples():
        counts[f][s] += 1
    assert y == counts


@settings(max_examples=40, deadline=None)
@given(data=with_params)
def test_float_mode_agrees_with_exact_mode(data):
    net, h = data
    exact = exact_leaf_kernels(net, h)
    floats = leaf_kernels(net, FloatKernels(net, [[float(x) for x in hk] for hk in h]))
    for f in net.leaves:
        assert np.allclose(floats[f], [float(x) for x in _dense(exact[f], net.N)], atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=4, max_N=5))
def test_totals_mode_counts_paths_and_tuples(net):
    assert leaf_kernels(net, Totals()) == path_count(net)
    assert count_paths(net) == len(net.paths())
    per_leaf = {f: 0 for f in net.leaves}
    for _, f, _ in net.valid_tuples():
        per_leaf[f] += 1
    assert tuples_per_leaf(net) == per_leaf


@settings(max_examples=30, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6), data=st.data())
def test_some_leaves_alone_equal_the_whole_programme(net, data):
    chosen = data.draw(st.lists(st.sampled_from(net.leaves), min_size=1, unique=True))
    whole = leaf_kernels(net, Indicators(net))
    alone = leaf_kernels(net, Indicators(net), leaves=chosen)
    assert list(alone) == chosen and all(np.array_equal(alone[f], whole[f]) for f in chosen)
    # node_kernels keeps every R_v on the way to the root; a leaf's is its y_f
    R = node_kernels(net, Indicators(net), leaves=chosen)
    assert all(np.array_equal(R[f], whole[f]) for f in chosen) and net.root in R


def test_modes_on_the_papers_example():
    net = chain([[1, 2, 3], [1, 2, 3]], 16)
    (f, y), = iter_leaf_kernels(net, Indicators(net))
    assert f == "x" and y.tolist()[:8] == [0, 0, 1, 2, 3, 2, 1, 0]
    # (z - 1)(z - 2) z * (z - 3)(z - 4) z: the regrouped-roots witness has one product
    h, g = [[2, -3, 1], [12, -7, 1]], [[3, -4, 1], [8, -6, 1]]
    assert exact_leaf_kernels(net, h) == exact_leaf_kernels(net, g)
    assert leaf_kernels(net, ExactKernels(net, h))["x"] == {2: 24, 3: -50, 4: 35, 5: -10, 6: 1}


def test_huge_counts_switch_to_exact_integers():
    net = chain([[0, 1]] * 70, 2)  # every count 2^69: beyond int64
    y = leaf_kernels(net, Indicators(net))["x"]
    assert y.dtype == object and y.tolist() == [2 ** 69, 2 ** 69]


def test_streaming_keeps_memory_at_a_few_vectors_on_a_tree():
    # 512 leaves of N = 2^12 int64 (32 KiB each): keeping one level would take 8 MiB, one vector
    # per node 32 MiB; the depth-first order keeps about K vectors alive.
    net = haar_packet_tree(9, 2 ** 12)
    values = Indicators(net)
    tracemalloc.start()
    try:
        for _ in iter_leaf_kernels(net, values):
            pass
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2 ** 20, f"peak {peak} bytes"


def test_the_level_order_is_kept_when_it_is_the_smaller_one():
    # a complete layered DAG: depth first and level by level keep the same vectors; leaves then
    # come in ``net.leaves`` order
    net = random_dag(3, 5, width=3, edge_prob=1.0, seed=1)
    assert [f for f, _ in iter_leaf_kernels(net, Indicators(net))] == net.leaves


def test_the_budget_stops_the_programme():
    net = haar_packet_tree(6, 64)
    with pytest.raises(BudgetExceeded, match="Algorithm 8.1: work budget of 10 units reached"):
        for _ in iter_leaf_kernels(net, Indicators(net), budget=Budget(work=10)):
            pass
    with pytest.raises(BudgetExceeded, match=r"leaf kernels \(exact\): work budget"):
        exact_leaf_kernels(net, [[1] * s for s in net.param_counts], budget=Budget(work=10))
    spent = Budget()
    list(iter_leaf_kernels(net, Indicators(net), budget=spent))
    assert spent.used == sum(len(e.support) for e in net.edges)  # N = 64: one unit per offset
