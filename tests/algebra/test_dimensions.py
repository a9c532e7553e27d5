"""Dimensions of P(M^L) and joins (paper, section 4 Standard Facts 2-3; section 6)."""
import random
from fractions import Fraction

import pytest

from algebra.dimensions import (join_dimension, join_dimensions, segre_image_dimension,
                                sigma2_dimension_formula, tangent_rank_at)
from algebra.models import full_model
from graphs.structured_spec import parse_model_spec, structured_network


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
