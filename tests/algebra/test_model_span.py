"""The span W of P(M^L) and Ker A ∩ W (algebra/model_span.py), against brute force and sympy."""
from __future__ import annotations

import itertools
import random

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algebra.lifting import lifting_operator
from algebra.model_span import kernel_on_span, span_columns, span_groups
from algebra.segre import segre

from .nonlinear_networks import model as make_model
from .nonlinear_networks import small_networks


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_networks(max_K=3, max_dim=2, max_params=3), st.integers(0, 10**6))
def test_kernel_on_span_matches_sympy(net, seed):
    rng = random.Random(seed)
    model = make_model(net.param_counts, [[rng.sample(range(s), rng.randint(1, s))] for s in net.param_counts])
    if net.param_counts[0] == net.param_counts[1] and rng.random() < 0.5:
        model = make_model(net.param_counts, ties=[(0, 1)])
    A = lifting_operator(net)
    groups = span_groups(list(model.pieces()), model.classes)
    # every P(h), h in a piece, is a combination of the orbit sums: constant on each group
    for piece in model.pieces():
        P = segre(piece.random_point(rng))
        for g in groups:
            assert len({P.get(t, 0) for t in g}) == 1
        assert set(P) <= {t for g in groups for t in g}
    k = kernel_on_span(A, groups, seed=seed)
    cols = span_columns(A, groups)
    M = sympy.Matrix(A.n_rows, len(groups), lambda r, j: cols[j].get(r, 0))
    assert k.dimension == len(groups) - M.rank()
    for T in k.tensors():
        assert A.apply(T) == {}
    for n, vec in enumerate(k.kernel):
        assert vec[k.free[n]] > 0 and all(k.free[m] not in vec for m in range(len(k.kernel)) if m != n)


def test_span_groups_of_tied_layers_are_symmetric_orbits():
    from algebra.models import LinearPiece
    piece = LinearPiece(((0, 1, 2), (0, 1, 2)), ((0, 1),), (3, 3))
    groups = span_groups([piece], piece.classes)
    assert len(groups) == 6 and sorted(len(g) for g in groups) == [1, 1, 1, 2, 2, 2]
    assert all(sorted(g) == sorted({tuple(reversed(t)) for t in g}) for g in groups)
    assert sorted(itertools.chain.from_iterable(groups)) == sorted(itertools.product(range(3), repeat=2))
