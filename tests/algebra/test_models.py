"""Model collections (paper, section 1.2.2): the validating constructor, pieces, membership.

How a spec spells a model ("sparsity", "groups", 1-based ties) is tested with its reader in
tests/graphs/test_structured_spec.py.
"""
import itertools
import random
from fractions import Fraction

import pytest

from algebra.errors import SpecError
from algebra.models import ModelCollection, full_model
from algebra.network import Layer, MultilinearMap


def full(rows, cols):
    return Layer(rows, cols, rows * cols, [(i * cols + j, i, j, 1) for i in range(rows) for j in range(cols)])


NET = MultilinearMap([full(2, 2), full(2, 2), full(2, 2)])  # K = 3, S_k = 4
FULL = (0, 1, 2, 3)


def test_default_is_the_full_model():
    m = full_model(NET)
    assert m.is_full and m == ModelCollection((4, 4, 4), [[FULL]] * 3) and m.n_pieces() == 1
    assert m.classes == ((0,), (1,), (2,))
    (piece,) = m.pieces()
    assert piece.supports == (FULL,) * 3
    assert piece.dimension_of_image() == 3 * (4 - 1) + 1  # Standard Fact 2: K(S-1)+1


def test_alternatives_multiply_into_pieces():
    m = ModelCollection((4, 4, 4), [[(0,), (2, 1)], list(itertools.combinations(range(4), 2)), [FULL]])
    assert m.alternatives[0] == ((0,), (1, 2))  # stored sorted
    assert m.n_pieces() == 2 * 6 * 1
    pieces = list(m.pieces())
    assert len(pieces) == len(set(pieces)) == 12
    assert {p.supports[0] for p in pieces} == {(0,), (1, 2)}
    assert all(len(p.supports[1]) == 2 for p in pieces)


def test_repeated_alternatives_are_dropped_and_classes_completed():
    m = ModelCollection((4, 4, 4), [[(1, 0), (0, 1), (3,)], [FULL], [FULL]], classes=[[2, 1]])
    assert m.alternatives[0] == ((0, 1), (3,))
    assert m.classes == ((0,), (1, 2))


def test_tied_layers_share_one_support():
    m = ModelCollection((4, 4, 4), [[(0, 1)], [FULL], [(0, 1)]], classes=[(0, 2)])
    assert m.classes == ((0, 2), (1,))
    (piece,) = m.pieces()
    # dim P(M) = (2-1) + (4-1) + 1: one scaling per tie class, not per layer
    assert piece.dimension_of_image() == 5
    h = piece.embed([[3, 4], [1, 2, 3, 4]])
    assert h[0] == h[2] == [3, 4, 0, 0] and piece.contains(h)
    h[2][0] = Fraction(5)
    assert not piece.contains(h)


def test_random_points_lie_in_their_piece():
    m = ModelCollection((4, 4, 4), [[(0,), (1, 3)], [FULL], [FULL]], classes=[(1, 2)])
    rng = random.Random(1)
    for piece in m.pieces():
        h = piece.random_point(rng)
        assert piece.contains(h) and m.contains(h)
        assert all(any(x != 0 for x in hk) for hk in h)
    assert not m.contains([[1, 1, 0, 0], [1] * 4, [1] * 4])


@pytest.mark.parametrize("counts, alternatives, classes, argument, words", [
    ((), [], (), "param_counts", "at least one layer"),
    ((4, 0), [[FULL], [(0,)]], (), "param_counts[1]", ">= 1"),
    ((4, 4), [[FULL]], (), "alternatives", "one item per layer (2)"),
    ((4, 4), [[FULL], []], (), "alternatives[1]", "at least one alternative"),
    ((4, 4), [[FULL], [()]], (), "alternatives[1][0]", "empty support"),
    ((4, 4), [[FULL], [(0, 4)]], (), "alternatives[1][0]", "index 4 out of range 0..3"),
    ((4, 4), [[FULL], [(1, 1)]], (), "alternatives[1][0]", "repeated parameter index"),
    ((4, 4), [[FULL], [(0, "1")]], (), "alternatives[1][0][1]", "expected an integer"),
    ((4, 4), [[FULL], "full"], (), "alternatives[1]", "expected a sequence"),
    ((4, 4), [[FULL], [FULL]], [(0, 2)], "classes[0]", "layer 2 out of range 0..1"),
    ((4, 4), [[FULL], [FULL]], [(0, 0)], "classes[0]", "layer 0 is twice in this class"),
    ((4, 4, 4), [[FULL]] * 3, [(0, 1), (1, 2)], "classes[1]", "layer 1 is also in classes[0]"),
    ((4, 3), [[(0,)], [(0,)]], [(0, 1)], "classes[0]", "equal parameter counts"),
    ((4, 4), [[(0,)], [(1,)]], [(0, 1)], "classes[0]", "same alternatives"),
])
def test_constructor_errors_name_the_argument(counts, alternatives, classes, argument, words):
    with pytest.raises(SpecError) as exc:
        ModelCollection(counts, alternatives, classes)
    assert exc.value.field == argument and words in exc.value.problem, str(exc.value)
