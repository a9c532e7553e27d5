"""graphs.scattering: Algorithm 8.1 by DP vs the naive route vs the compiled map; collisions."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from graphs.builders import (blind_deconvolution, chain, haar_packet_tree, paper_scattered_example,
                             paper_unscattered_example, random_dag)
from graphs.scattering import (algorithm_8_1, find_collision, find_collisions, is_scattered,
                               iter_scatter_vectors, naive_scatter_vectors)

from .conv_strategies import conv_networks


def compiled_route(net):
    """y_f from the compiled multilinear map with all-ones parameters: column 0 of block f."""
    X = net.to_multilinear().evaluate([[1] * s for s in net.param_counts])
    N = net.N
    return {f: [int(X[r][b * N]) for r in range(N)] for b, f in enumerate(net.leaves)}


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_dp_naive_and_compiled_agree(net):
    dp = algorithm_8_1(net)
    assert list(dp) == net.leaves
    assert dp == {f: [int(v) for v in y] for f, y in naive_scatter_vectors(net)}
    assert dp == compiled_route(net)


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_y_counts_valid_tuples(net):
    counts = {f: [0] * net.N for f in net.leaves}
    for _, f, s in net.valid_tuples():
        counts[f][s] += 1
    assert algorithm_8_1(net) == counts


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_collision_iff_not_scattered_and_is_a_real_collision(net):
    c = find_collision(net)
    assert (c is None) == is_scattered(net)
    if c is not None:
        i, j = c.tuples
        assert i != j
        for t, path, offs in zip(c.tuples, c.paths, c.offsets):
            assert net.path_of_tuple(t) == list(path)
            assert path[0].source == c.leaf
            assert net.offset_sum(t) == c.offset == sum(offs) % net.N
        assert c.count == algorithm_8_1(net)[c.leaf][c.offset] >= 2


def test_paper_examples():
    y = algorithm_8_1(paper_scattered_example())["x"]
    assert y == [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]  # two replicas of {1,2,3}
    assert is_scattered(paper_scattered_example())
    y = algorithm_8_1(paper_unscattered_example())["x"]
    assert y[:7] == [0, 0, 1, 2, 3, 2, 1] and max(y) == 3
    c = find_collision(paper_unscattered_example())
    assert "offset 3" in c.describe() and "v1->r" in c.describe()
    assert [x.offset for x in find_collisions(paper_unscattered_example())] == [3, 4, 5]


@pytest.mark.parametrize("J,N", [(1, 2), (2, 4), (3, 8), (3, 16), (4, 16), (3, 6), (3, 5), (4, 9), (2, 3)])
def test_haar_tree_closed_form(J, N):
    """Supports {0, 2^{k-1}}: each leaf's y is {0,1} * {0,2} * ... = every m in [0, 2^J) once
    (binary expansion), folded mod N: y[c] = #{m < 2^J : m = c mod N}."""
    net = haar_packet_tree(J, N)
    expected = [sum(1 for m in range(2 ** J) if m % N == c) for c in range(N)]
    assert all(y == expected for y in algorithm_8_1(net).values())
    assert is_scattered(net) == (2 ** J <= N)


def test_haar_tree_refuses_self_overlapping_filters():
    with pytest.raises(ValueError):
        haar_packet_tree(3, 4)


@pytest.mark.parametrize("s1,s2,stride,N,scattered", [
    (4, 3, 4, 16, True), (4, 3, 1, 16, False), (4, 4, 4, 16, True), (4, 5, 3, 16, False), (1, 5, 1, 8, True)])
def test_blind_deconvolution(s1, s2, stride, N, scattered):
    assert is_scattered(blind_deconvolution(s1, s2, N, stride_2=stride)) == scattered


def test_dag_with_two_paths_to_one_leaf_collides_across_paths():
    # x -> a -> r and x -> b -> r, both offset 0: y_x[0] = 2 (paths p != p' collide)
    from graphs.conv_spec import parse_conv_spec
    net = parse_conv_spec({"kind": "conv", "N": 4, "root": "r", "edges": [
        {"from": "x", "to": "a", "support": [0]}, {"from": "x", "to": "b", "support": [1]},
        {"from": "a", "to": "r", "support": [1]}, {"from": "b", "to": "r", "support": [0]}]})
    c = find_collision(net)
    assert c.offset == 1 and c.paths[0] != c.paths[1]


def test_huge_counts_stay_exact():
    # 70 layers of support {0, 1} on Z_2: every count is 2^69, beyond int64
    net = chain([[0, 1]] * 70, 2)
    assert algorithm_8_1(net)["x"] == [2 ** 69, 2 ** 69]


def test_streaming_frees_memory_on_trees():
    net = haar_packet_tree(6, 64)
    seen = dict(iter_scatter_vectors(net))
    assert set(seen) == set(net.leaves)
    assert all(np.array_equal(v, np.r_[np.ones(64, int)]) for v in seen.values())


def test_random_dags_spec_order_independent():
    for seed in range(5):
        net = random_dag(3, 6, seed=seed)
        assert algorithm_8_1(net) == {f: [int(v) for v in y] for f, y in naive_scatter_vectors(net)}


def test_suggested_separation_really_separates():
    from graphs.scattering import suggest_separation

    net = blind_deconvolution(4, 3, 16, stride_2=1)
    msg = suggest_separation(net, find_collision(net))
    assert "x->v1" in msg and "[0, 4, 8]" in msg
    fixed = chain([[0, 1, 2, 3], [0, 4, 8]], 16)
    assert all(max(y) <= 1 for y in algorithm_8_1(fixed).values())
    # no room to dilate in Z_3: no suggestion rather than a wrong one
    tight = chain([[0, 1], [0, 1]], 3)
    assert suggest_separation(tight, find_collision(tight)) is None
