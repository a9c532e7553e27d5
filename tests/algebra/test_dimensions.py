"""Dimensions of P(M^L) and joins (paper, section 4 Standard Facts 2-3; section 6)."""
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import algebra.dimensions as dimensions
from algebra.dimensions import (join_dimension, join_dimensions, segre_image_dimension,
                                sigma2_dimension_formula, tangent_rank_at)
from algebra.models import full_model
from graphs.structured_spec import parse_model_spec, structured_network
from tests.strategies import models


def chain(K, S):
    layer = {"rows": 1, "cols": 1, "params": S, "entries": [[i, 0, 0, 1] for i in range(S)]}
    return structured_network({"layers": [layer] * K})


@pytest.mark.parametrize("K, S", [(K, S) for K in (2, 3, 4) for S in (2, 3, 4) if S ** K <= 256])
def test_full_model_secant_dimension_matches_the_paper(K, S):
    """dim Σ_2 = 2K(S−1)+2 (K > 2), 4(S−1) (K = 2): Terracini at random points equals it."""
    (piece,) = full_model(chain(K, S)).pieces()
    j = join_dimension(piece, piece, seed=K * 10 + S)
    assert j.value == sigma2_dimension_formula(K, S)
    assert j.lower_bound <= j.value <= j.upper_bound
    assert j.upper_bound == min(2 * (K * (S - 1) + 1), S ** K)
    if j.value < j.upper_bound:
        assert j.status == "probable" and 0 < j.failure_bound < Fraction(1, 1000)
    else:
        assert j.status == "proved" and j.failure_bound == 0


@pytest.mark.parametrize("K, S", [(2, 3), (3, 2), (3, 3), (4, 2)])
def test_segre_dimension_equals_tangent_rank(K, S):
    """Standard Fact 2: dim P = K(S−1)+1, cross-checked against the Jacobian rank."""
    (piece,) = full_model(chain(K, S)).pieces()
    h = piece.random_point(random.Random(K + S))
    assert tangent_rank_at(piece, h) == segre_image_dimension(piece) == K * (S - 1) + 1


def test_tied_and_sparse_pieces_dimension_by_two_routes():
    rng = random.Random(5)
    net = chain(3, 4)
    for spec in [{"tie": [[1, 2]]}, {"tie": [[1, 2, 3]]}, {"supports": [[[0, 1], [2]], {"sparsity": 3}, None]},
                 {"tie": [[1, 3]], "supports": [[[0, 1, 2]], None, None]}]:
        for piece in parse_model_spec(spec, net).pieces():
            h = piece.random_point(rng)
            assert tangent_rank_at(piece, h) == segre_image_dimension(piece), (spec, piece)


def test_phase_retrieval_join_is_symmetric_matrices():
    """h_1 = h_2 in R^S: P(M) = {x ⊗ x}; the join of it with itself is the symmetric rank<=2 matrices."""
    S = 4
    (piece,) = parse_model_spec({"tie": [[1, 2]]}, chain(2, S)).pieces()
    j = join_dimension(piece, piece, seed=3)
    # symmetric S x S matrices of rank <= 2: 2S - 1
    assert j.value == 2 * S - 1


def test_lower_bound_is_a_bound_at_degenerate_points():
    """At special points the tangent span can only be smaller (the lower bound is proved)."""
    (piece,) = full_model(chain(3, 3)).pieces()
    j = join_dimension(piece, piece, bound=1, seed=0)   # coordinates in {-1, 0, 1}
    assert j.lower_bound <= sigma2_dimension_formula(3, 3)


def test_k_equals_one_is_exact():
    (piece,) = full_model(chain(1, 5)).pieces()
    j = join_dimension(piece, piece)
    assert (j.value, j.status) == (5, "proved")


def test_join_dimensions_over_all_pairs_seeded_and_reproducible():
    m = parse_model_spec({"supports": [{"sparsity": 2}, None]}, chain(2, 3))
    first = join_dimensions(m, seed=7)
    assert len(first) == 3 * 4 // 2
    assert [j.to_dict() for j in first] == [j.to_dict() for j in join_dimensions(m, seed=7)]


def test_reachable_coordinates_count_the_union_of_boxes():
    import itertools
    from algebra.dimensions import _reachable_coordinates
    m = parse_model_spec({"supports": [[[0, 1], [1, 2]], [[0], [0, 2]], None]}, chain(3, 3))
    pieces = list(m.pieces())
    for a, b in itertools.product(pieces, repeat=2):
        union = set(itertools.product(*a.box())) | set(itertools.product(*b.box()))
        assert _reachable_coordinates(a, b) == len(union)


# --- the modular rank (the default) against the exact one ---------------------------------------

small_models = st.lists(st.integers(1, 4), min_size=1, max_size=4).flatmap(lambda S: models(tuple(S)))


@settings(max_examples=60, deadline=None)
@given(small_models, st.integers(0, 2**16), st.sampled_from([1, 3, 10**6]))
def test_modular_join_dimension_agrees_with_the_exact_one(model, seed, bound):
    # Same points (same seed): the rank modulo a random 31-bit prime equals the rank over Q
    # (failure < 1e-5 here), the bounds hold, and the modular failure bound is the larger one.
    pieces = list(model.pieces())
    for n, (a, b) in enumerate(zip(pieces, pieces[1:] + pieces[:1])):
        fast = join_dimension(a, b, seed=seed + n, bound=bound)
        ref = join_dimension(a, b, seed=seed + n, bound=bound, exact=True)
        assert fast.value == ref.value
        assert fast.lower_bound <= fast.value <= fast.upper_bound == ref.upper_bound
        assert fast.status == ref.status or (fast.status, ref.status) == ("inconclusive", "probable")
        assert fast.failure_bound >= ref.failure_bound


@pytest.mark.parametrize("prime", [2, 3, 5])
def test_modular_value_is_a_lower_bound_whatever_the_prime(monkeypatch, prime):
    # A tiny prime divides many minors: the rank drops, but never above the exact value, so the
    # lower bound stays proved.
    monkeypatch.setattr(dimensions, "_random_prime", lambda rng: prime)
    (piece,) = full_model(chain(3, 3)).pieces()
    for seed in range(4):
        low = join_dimension(piece, piece, seed=seed, bound=5)
        assert low.lower_bound == low.value <= join_dimension(piece, piece, seed=seed, bound=5, exact=True).value


def test_union_columns_number_the_union_of_boxes():
    import itertools
    m = parse_model_spec({"supports": [[[0, 1], [1, 2]], [[0], [0, 2]], None]}, chain(3, 3))
    for a, b in itertools.product(list(m.pieces()), repeat=2):
        positions, width = dimensions._union_columns(a.box(), b.box())
        order = list(itertools.product(*a.box()))
        order += [t for t in itertools.product(*b.box()) if t not in set(order)]
        assert width == len(order) == dimensions._reachable_coordinates(a, b)
        assert [order[j] for j in positions] == list(itertools.product(*b.box()))
