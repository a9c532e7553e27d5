"""graphs.conv and graphs.conv_spec: spec validation, pinned layout, compilation vs direct path sums."""
from __future__ import annotations

import copy
from fractions import Fraction

import pytest
from hypothesis import given, settings

from algebra.errors import SpecError
from algebra.lifting import lifting_operator
from graphs.builders import chain, haar_packet_tree, random_dag
from graphs.conv_spec import parse_conv_spec
from graphs.leaf_kernels import network_matrix
from graphs.specs import parse_spec

from .conv_reference import circular_convolve, path_sum_kernels
from .conv_strategies import conv_networks, conv_params

BASE = {"kind": "conv", "name": "t", "N": 8, "boundary": "circular", "root": "r",
        "edges": [{"from": "a", "to": "v", "support": [0, 1]},
                  {"from": "b", "to": "v", "support": [2]},
                  {"from": "v", "to": "r", "support": [0, 4]}]}


def mutate(**changes):
    spec = copy.deepcopy(BASE)
    for k, v in changes.items():
        if v is None:
            spec.pop(k)
        else:
            spec[k] = v
    return spec


def edges(*triples):
    return [{"from": u, "to": v, "support": s} for u, v, s in triples]


BAD = [
    (mutate(N=0), "N"),
    (mutate(N=None), "N"),
    (mutate(boundary="zero-padded"), "boundary"),
    (mutate(root=None), "root"),
    (mutate(root="zz"), "root"),
    (mutate(extra=1), "spec"),
    (mutate(edges=[]), "edges"),
    (mutate(edges=edges(("a", "r", []))), "edges[0].support"),
    (mutate(edges=edges(("a", "r", [1, 1]))), "edges[0].support"),
    (mutate(edges=edges(("a", "r", [8]))), "edges[0].support"),
    (mutate(edges=edges(("a", "r", [-1]))), "edges[0].support"),
    (mutate(edges=edges(("a", "r", ["1"]))), "edges[0].support[0]"),
    (mutate(edges=edges(("a", "r", [1]), ("a", "r", [2]))), "edges[1]"),
    (mutate(edges=edges(("a", "a", [1]))), "edges[0]"),
    (mutate(edges=edges(("a", "b", [1]), ("b", "c", [1]), ("c", "a", [1]), ("c", "r", [0]))), "edges"),
    (mutate(edges=edges(("a", "r", [1]), ("b", "s", [1]))), "edges"),  # several roots
    (mutate(edges=edges(("r", "a", [1]), ("a", "b", [1]))), "root"),
    (mutate(edges=edges(("a", "r", [1]), ("b", "v", [1]), ("v", "r", [1]))), "edges"),  # leaf depths differ
    (mutate(edges=edges(("a", "v", [1]), ("v", "r", [1]), ("v", "w", [0]), ("w", "r", [0]))), "edges[0]"),  # a->v: lengths 2 and 3
    (mutate(edges=[{"from": "a", "to": "r"}]), "edges[0].support"),
    (mutate(edges=[{"from": "a", "to": "r", "support": [0], "w": 1}]), "edges[0]"),
    (mutate(edges=[{"from": 3, "to": "r", "support": [0]}]), "edges[0].from"),
]


@pytest.mark.parametrize("spec,field", BAD)
def test_bad_specs_name_the_field(spec, field):
    with pytest.raises(SpecError) as info:
        parse_conv_spec(spec)
    assert info.value.field == field, str(info.value)


def test_non_unique_depth_names_both_paths():
    spec = mutate(edges=edges(("a", "v", [1]), ("v", "r", [1]), ("v", "w", [0]), ("w", "r", [0]), ("b", "w", [1])))
    with pytest.raises(SpecError) as info:
        parse_conv_spec(spec)
    msg = str(info.value)
    assert "v->r" in msg and "v->w->r" in msg


def test_cycle_is_named():
    spec = mutate(edges=edges(("a", "b", [1]), ("b", "c", [1]), ("c", "a", [1]), ("c", "r", [0])))
    with pytest.raises(SpecError, match="cycle"):
        parse_conv_spec(spec)


def test_layout_levels_and_spec_roundtrip():
    net = parse_conv_spec(BASE)
    assert net.K == 2 and net.leaves == ["a", "b"] and net.levels == [["r"], ["v"], ["a", "b"]]
    assert net.param_counts == (2, 3)
    assert [(e.name, e.depth, e.offset) for e in net.edges] == [("a->v", 2, 0), ("b->v", 2, 2), ("v->r", 1, 0)]
    assert net.edge_of_param(2, 2) == (net.edges[1], 2)
    assert parse_conv_spec(net.spec).spec == net.spec
    assert net.graph.edges["a", "v"]["depth"] == 2 and net.graph.nodes["a"]["level"] == 2
    assert parse_spec(BASE).network.spec == net.spec  # dispatch through graphs.specs
    u, v = net.edges[0]
    assert (u, v) == ("a", "v")


def test_single_edge_single_offset():
    net = parse_conv_spec({"kind": "conv", "N": 1, "root": "r", "edges": [{"from": "x", "to": "r", "support": [0]}]})
    assert net.K == 1 and net.to_multilinear().evaluate([[5]]) == [[Fraction(5)]]


def test_circulant_blocks_of_M_k():
    net = parse_conv_spec(BASE)
    N = net.N
    h2 = [Fraction(1), Fraction(2), Fraction(3)]
    M2 = net.to_multilinear().layers[1].sparse_matrix(h2)
    # block (v, a) = C(T_{a->v}) with kernel 1 at 0, 2 at 1; block (v, b) = 3 at offset 2
    for r in range(N):
        for c in range(N):
            d = (r - c) % N
            assert M2.get(r, {}).get(c, 0) == {0: 1, 1: 2}.get(d, 0)
            assert M2.get(r, {}).get(N + c, 0) == (3 if d == 2 else 0)


@settings(max_examples=40, deadline=None)
@given(data=conv_networks().flatmap(lambda n: conv_params(n).map(lambda h: (n, h))))
def test_compiled_map_equals_path_sums(data):
    net, h = data
    X = net.to_multilinear().evaluate(h)
    assert X == network_matrix(net, h)
    kernels = path_sum_kernels(net, h)  # X^f = C(kernel_f), path by path (8.2)
    N = net.N
    assert all(X[r][b * N + c] == kernels[f][(r - c) % N]
               for b, f in enumerate(net.leaves) for r in range(N) for c in range(N))


@settings(max_examples=25, deadline=None)
@given(net=conv_networks(max_K=3, max_N=5))
def test_lifting_columns_are_circulant_patterns_of_valid_tuples(net):
    A = lifting_operator(net.to_multilinear())
    valid = {i: (f, s) for i, f, s in net.valid_tuples()}
    assert set(A.columns) == set(valid)
    N, n = net.N, net.N * len(net.leaves)
    for i, col in A.columns.items():
        f, s = valid[i]
        b = net.leaves.index(f)
        expected = {r * n + b * N + (r - s) % N: 1 for r in range(N)}
        assert col == expected
        assert net.path_of_tuple(i)[0].source == f and net.offset_sum(i) == s


def test_haar_tree_shape():
    net = haar_packet_tree(3, 16)
    assert net.K == 3 and len(net.leaves) == 8 and len(net.edges) == 14
    assert {e.support for e in net.edges_by_depth[2]} == {(0, 4)}
    assert all(len(net.paths(f)) == 1 for f in net.leaves)


def test_random_dag_is_valid_for_many_seeds():
    for seed in range(30):
        net = random_dag(3, 5, seed=seed)
        assert all(len(p) == 3 for p in net.paths())


def test_circular_convolve_wraps():
    assert circular_convolve([0, 0, 1], [0, 1, 1], 3) == [1, 1, 0]  # z^2 (z + z^2) = z^3 + z^4 = 1 + z
    assert network_matrix(chain([[1]], 2), [[7]]) == [[0, 7], [7, 0]]


def test_builders_write_loadable_specs(tmp_path):
    from graphs.builders import random_tree, write_spec
    from graphs.specs import load_spec

    for net in [chain([[1, 2, 3], [1, 10]], 16), haar_packet_tree(2, 8), random_dag(3, 5, seed=4),
                random_tree(3, 7, seed=2)]:
        path = write_spec(net, tmp_path / f"{net.name}.json")
        loaded = load_spec(path)
        assert loaded.kind == "conv" and loaded.network.spec == net.spec
        assert loaded.multilinear().param_counts == net.param_counts
