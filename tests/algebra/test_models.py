"""Model collections (paper, section 1.2.2): parsing, pieces, membership, errors."""
import random
from fractions import Fraction

import pytest

from algebra.errors import BudgetExceeded, SpecError
from algebra.models import full_model, parse_model
from algebra.network import MultilinearMap
from tests.strategies import full_layer


def net_of(*shapes):
    return MultilinearMap.from_spec({"layers": [full_layer(r, c) for r, c in shapes]})


NET = net_of((2, 2), (2, 2), (2, 2))  # K = 3, S_k = 4


def test_default_is_the_full_model():
    m = parse_model(None, NET)
    assert m.is_full and m == full_model(NET) and m.n_pieces() == 1
    (piece,) = m.pieces()
    assert piece.supports == ((0, 1, 2, 3),) * 3
    assert piece.dimension_of_image() == 3 * (4 - 1) + 1  # Standard Fact 2: K(S-1)+1


def test_alternatives_multiply_into_pieces():
    m = parse_model({"supports": [[[0], [1, 2]], {"sparsity": 2}, None]}, NET)
    assert m.n_pieces() == 2 * 6 * 1
    pieces = list(m.pieces())
    assert len(pieces) == len(set(pieces)) == 12
    assert {p.supports[0] for p in pieces} == {(0,), (1, 2)}
    assert all(len(p.supports[1]) == 2 for p in pieces)


def test_grouped_sparsity_unions_of_groups():
    m = parse_model({"supports": [{"groups": [[0, 1], [2], [3]], "active": 2}, None, None]}, NET)
    assert m.alternatives[0] == ((0, 1, 2), (0, 1, 3), (2, 3))


def test_ties_are_one_based_and_share_supports():
    m = parse_model({"tie": [[1, 3]], "supports": [[[0, 1]], None, None]}, NET)
    assert m.classes == ((0, 2), (1,))
    (piece,) = m.pieces()
    assert piece.supports[2] == (0, 1)  # inherited from the tied layer 1
    # dim P(M) = (2-1) + (4-1) + 1: one scaling per tie class, not per layer
    assert piece.dimension_of_image() == 5
    h = piece.embed([[3, 4], [1, 2, 3, 4]])
    assert h[0] == h[2] == [3, 4, 0, 0] and piece.contains(h)
    h[2][0] = Fraction(5)
    assert not piece.contains(h)


def test_random_points_lie_in_their_piece():
    m = parse_model({"supports": [[[0], [1, 3]], None, None], "tie": [[2, 3]]}, NET)
    rng = random.Random(1)
    for piece in m.pieces():
        h = piece.random_point(rng)
        assert piece.contains(h) and m.contains(h)
        assert all(any(x != 0 for x in hk) for hk in h)
    assert not m.contains([[1, 1, 0, 0], [1] * 4, [1] * 4])


@pytest.mark.parametrize("model, field", [
    ("x", "model"),
    ({"support": []}, "model"),
    ({"supports": [None]}, "model.supports"),
    ({"supports": [[[0, 4]], None, None]}, "model.supports[0][0][1]"),
    ({"supports": [[[0, 0]], None, None]}, "model.supports[0][0]"),
    ({"supports": [[[]], None, None]}, "model.supports[0][0]"),
    ({"supports": [[], None, None]}, "model.supports[0]"),
    ({"supports": [{"sparsity": 5}, None, None]}, "model.supports[0].sparsity"),
    ({"supports": [{"groups": [[0, 1], [1]], "active": 1}, None, None]}, "model.supports[0].groups[1]"),
    ({"supports": [{"groups": [[0]], "active": 2}, None, None]}, "model.supports[0].active"),
    ({"supports": [{"k": 1}, None, None]}, "model.supports[0]"),
    ({"tie": [[0, 1]]}, "model.tie[0][0]"),
    ({"tie": [[1, 4]]}, "model.tie[0][1]"),
    ({"tie": [[1]]}, "model.tie[0]"),
    ({"tie": [[1, 1]]}, "model.tie[0]"),
    ({"tie": [1, 2]}, "model.tie[0]"),
    ({"tie": [[1, 2]], "supports": [[[0]], [[1]], None]}, "model.supports[1]"),
])
def test_bad_models_name_the_field(model, field):
    with pytest.raises(SpecError) as exc:
        parse_model(model, NET)
    assert exc.value.field == field


def test_tied_layers_need_equal_params():
    net = MultilinearMap.from_spec({"layers": [full_layer(1, 2), full_layer(2, 1)] })
    assert parse_model({"tie": [[1, 2]]}, net).classes == ((0, 1),)
    net3 = net_of((1, 2), (2, 2))
    with pytest.raises(SpecError, match="equal params"):
        parse_model({"tie": [[1, 2]]}, net3)


def test_budget_on_pieces():
    with pytest.raises(BudgetExceeded):
        parse_model({"supports": [{"sparsity": 2}] * 3}, NET, max_pieces=100)
