"""graphs.conv_structure: structural rank vs exact rank of the explicit A, kernels, Prop 8.2/8.3, witnesses."""
from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings

from algebra.lifting import lifting_operator
from algebra.segre import are_equivalent
from graphs.builders import (blind_deconvolution, chain, haar_packet_tree, paper_scattered_example,
                             paper_unscattered_example)
from graphs.conv_spec import parse_conv_spec
from graphs.conv_stability import are_network_equivalent, restrict_to_path
from graphs.conv_structure import (disjoint_path_supports, find_nonidentifiability_witness, kernel_basis,
                                   nonidentifiability_witness, proposition_8_3, singular_values,
                                   structural_rank)
from graphs.scattering import is_scattered

from .conv_strategies import conv_networks


def explicit_A(net):
    A = lifting_operator(net.to_multilinear())
    return A, A.dense_rows()


def exact_rank(dense):
    if not dense or not dense[0]:
        return 0
    return flint.fmpq_mat([[flint.fmpq(x.numerator, x.denominator) for x in row] for row in dense]).rank()


@settings(max_examples=30, deadline=None)
@given(net=conv_networks(max_K=3, max_N=5))
def test_structural_rank_equals_exact_rank_of_explicit_A(net):
    r = structural_rank(net)
    A, dense = explicit_A(net)
    assert r.rank == exact_rank(dense)
    assert r.n_valid == len(A.columns) and r.n_cols == A.n_cols and r.n_rows == A.n_rows
    assert r.scattered == is_scattered(net)
    # the identity minor certifies rank >= r
    for a, row in enumerate(r.minor_rows):
        for b, col in enumerate(r.minor_cols):
            assert A.columns[col].get(row, 0) == (1 if a == b else 0)
    # classes: identical columns inside, disjoint supports across
    seen = set()
    for ts in r.classes.values():
        supp = set(A.columns[ts[0]])
        assert all(A.columns[t] == A.columns[ts[0]] for t in ts)
        assert not supp & seen
        seen |= supp


def test_structural_rank_matches_sympy_on_paper_examples():
    import sympy

    for net, rank in [(paper_scattered_example(), 6), (paper_unscattered_example(), 5)]:
        A = lifting_operator(net.to_multilinear())
        assert A.to_sympy(full=True).rank() == rank == structural_rank(net).rank


@settings(max_examples=20, deadline=None)
@given(net=conv_networks(max_K=3, max_N=4, max_support=2))
def test_kernel_basis_is_a_basis_of_ker_A(net):
    r = structural_rank(net)
    if r.n_cols > 200:
        return
    A, _ = explicit_A(net)
    basis = kernel_basis(net)
    assert len(basis) == r.kernel_dimension
    for v in basis:
        assert A.apply({t: Fraction(c) for t, c in v.items()}) == {}


@settings(max_examples=20, deadline=None)
@given(net=conv_networks(max_K=3, max_N=5))
def test_singular_values_closed_form(net):
    A, dense = explicit_A(net)
    sv = np.linalg.svd(np.array(dense, dtype=float), compute_uv=False)
    sv = sorted(x for x in sv if x > 1e-9)
    expected = sorted(v for v, m in singular_values(net).items() for _ in range(m))
    assert np.allclose(sv, expected)
    assert math.isclose(sv[0], structural_rank(net).sigma_min)


@pytest.mark.parametrize("net", [paper_scattered_example(), blind_deconvolution(4, 3, 16, stride_2=4),
                                 chain([[0, 3], [0, 1, 2], [0, 6]], 12), chain([[5]], 7)])
def test_proposition_8_3_sigma_min_is_sqrt_N(net):
    p = proposition_8_3(net)
    assert p.applies and p.kernel_trivial and p.deep_nsp == (1.0, math.inf)
    _, dense = explicit_A(net)
    M = np.array(dense, dtype=float)
    sv = np.linalg.svd(M, compute_uv=False)
    assert np.allclose(sv, math.sqrt(net.N))  # every singular value, so sigma_min too
    assert M.shape[1] == math.prod(net.param_counts) and exact_rank(dense) == M.shape[1]  # Ker A = {0}


def test_proposition_8_3_does_not_apply():
    assert not proposition_8_3(paper_unscattered_example()).applies
    p = proposition_8_3(haar_packet_tree(2, 8))
    assert not p.applies and not p.single_path and p.scattered


@settings(max_examples=30, deadline=None)
@given(net=conv_networks(max_K=3, max_N=6))
def test_proposition_8_2_disjoint_supports_when_scattered(net):
    if is_scattered(net):
        assert disjoint_path_supports(net)
        r = structural_rank(net)
        assert r.rank == r.n_valid  # Ker A = {T : T_i = 0 on I}


@settings(max_examples=40, deadline=None)
@given(net=conv_networks(max_K=3, max_N=5))
def test_witness_iff_not_scattered_and_checked_independently(net):
    w = find_nonidentifiability_witness(net)
    assert (w is None) == is_scattered(net)
    if w is None:
        assert nonidentifiability_witness(net) is None
        return
    M = net.to_multilinear()  # an independent route to the network action
    assert M.evaluate(w.h) == M.evaluate(w.g)
    assert not are_equivalent(w.h, w.g)
    assert [len(x) for x in w.h] == list(net.param_counts) == [len(x) for x in w.g]
    # the separating path: P(h^p) != P(g^p) there, so {h} != {g} (section 8)
    assert not are_equivalent(restrict_to_path(net, w.h, w.path), restrict_to_path(net, w.g, w.path))
    assert not are_network_equivalent(net, w.h, w.g)
    if len(net.leaves) == 1 and len(net.edges) == net.K:  # chains always get non-zero kernels
        assert w.all_kernels_nonzero


def test_paper_witness_regroups_roots():
    h, g = nonidentifiability_witness(paper_unscattered_example())
    # (z-1)(z-2) and (z-3)(z-4) against (z-1)(z-3) and (z-2)(z-4), times z
    assert h == [[2, -3, 1], [12, -7, 1]] and g == [[3, -4, 1], [8, -6, 1]]


def test_tree_witness_falls_back_but_stays_valid():
    # two leaves sharing the root edge; the collision sits below the branch point
    net = parse_conv_spec({"kind": "conv", "N": 8, "root": "r", "edges": [
        {"from": "v", "to": "r", "support": [0, 1]},
        {"from": "x", "to": "v", "support": [0, 1]},
        {"from": "y", "to": "v", "support": [0, 4]}]})
    w = find_nonidentifiability_witness(net)
    M = net.to_multilinear()
    assert M.evaluate(w.h) == M.evaluate(w.g) and not are_equivalent(w.h, w.g)
    assert w.construction in {"two-term-swap", "dirac-filled", "dirac"}


def test_scattered_examples_have_no_witness():
    assert nonidentifiability_witness(paper_scattered_example()) is None
    assert nonidentifiability_witness(haar_packet_tree(3, 16)) is None
