"""The ``structured`` spec reader (graphs/structured_spec.py): field names, size limits, the
model's spellings, and agreement with the algebra constructors it feeds."""
import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import BudgetExceeded, SpecError
from algebra.models import ModelCollection
from algebra.network import Layer, MultilinearMap
from graphs.structured_spec import (parse_model_spec, parse_structured_spec, structured_network,
                                    write_structured_spec)
from tests.strategies import full_layer, networks, small_rationals

FULL = (0, 1, 2, 3)


def net_of(*shapes):
    return structured_network({"layers": [full_layer(r, c) for r, c in shapes]})


NET = net_of((2, 2), (2, 2), (2, 2))  # K = 3, S_k = 4


# ----------------------------------------------------------------------------- layers
def test_duplicate_entries_are_summed_and_zeros_dropped():
    net = structured_network({"layers": [{"rows": 1, "cols": 1, "params": 2,
        "entries": [[0, 0, 0, 1], [0, 0, 0, "1/2"], [1, 0, 0, 1], [1, 0, 0, -1]]}]})
    assert net.layers[0].entries == ((0, 0, 0, Fraction(3, 2)),)


@st.composite
def raw_layer_specs(draw):
    """Layer dicts with unsorted, repeated and zero entries, coefficients as the spec writes them."""
    K = draw(st.integers(1, 3))
    dims = [draw(st.integers(1, 3)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        rows, cols, params = dims[k], dims[k + 1], draw(st.integers(1, 3))
        entries = draw(st.lists(st.tuples(st.integers(0, params - 1), st.integers(0, rows - 1),
                                          st.integers(0, cols - 1), small_rationals), max_size=12))
        layers.append({"rows": rows, "cols": cols, "params": params,
                       "entries": [[p, r, c, int(v) if v.denominator == 1 and draw(st.booleans()) else str(v)]
                                   for p, r, c, v in entries]})
    return layers


@given(raw_layer_specs())
@settings(max_examples=80, deadline=None)
def test_reader_agrees_with_the_algebra_constructors(layers):
    # two routes to the canonical entries: the reader's (spec fields, checked first) and the
    # validating Layer constructor's
    by_hand = MultilinearMap([Layer(l["rows"], l["cols"], l["params"],
                                    [(p, r, c, Fraction(v)) for p, r, c, v in l["entries"]]) for l in layers])
    assert structured_network({"kind": "structured", "layers": layers}) == by_hand


@given(networks(max_K=3, max_dim=3, max_params=3))
@settings(max_examples=40, deadline=None)
def test_writer_and_reader_round_trip(net):
    spec = write_structured_spec(net)
    assert structured_network(spec) == net
    assert write_structured_spec(structured_network(spec)) == spec


@pytest.mark.parametrize("layers, field, words", [
    ([full_layer(2, 3), full_layer(2, 2)], "layers[1].rows", "dimension mismatch"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[1, 0, 0, 1]]}], "layers[0].entries[0][0] (param)", "out of range"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 2, 0, 1]]}], "layers[0].entries[0][1] (row)", "out of range"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, 0.5]]}], "layers[0].entries[0][3] (coefficient)", "not an exact rational"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, "1/0"]]}], "layers[0].entries[0][3] (coefficient)", "zero denominator"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0]]}], "layers[0].entries[0]", "expected [param, row, col, coefficient]"),
    ([{"rows": 0, "cols": 2, "params": 1, "entries": []}], "layers[0].rows", ">= 1"),
    ([{"rows": 1, "cols": 2, "params": 1}], "layers[0].entries", "missing"),
    ([{"rows": 1, "cols": 2, "params": 1, "entries": [], "colour": 3}], "layers[0]", "unknown field"),
    ([{"rows": 1, "cols": 2, "params": 1, "entries": {}}], "layers[0].entries", "expected a list"),
    ([[1, 2]], "layers[0]", "expected an object"),
    ([], "layers", "non-empty"),
    ([{"rows": 1, "cols": 1, "params": 10**6, "entries": []}], "layers[0].params", "exceeds the supported maximum"),
])
def test_validation_names_field(layers, field, words):
    with pytest.raises(SpecError) as info:
        structured_network({"layers": layers})
    assert info.value.field == field
    assert words in str(info.value)


@pytest.mark.parametrize("spec, field", [
    ([], "spec"), ({"kind": "conv", "layers": []}, "kind"), ({"layers": [full_layer(1, 1)], "N": 3}, "spec")])
def test_whole_spec_errors(spec, field):
    with pytest.raises(SpecError) as info:
        parse_structured_spec(spec)
    assert info.value.field == field


# ----------------------------------------------------------------------------- the model
def test_no_model_is_none_the_full_model():
    for spec in ({"layers": [full_layer(1, 1)]}, {"layers": [full_layer(1, 1)], "model": None},
                 {"layers": [full_layer(1, 1)], "model": {}}):
        assert parse_structured_spec(spec)[1] is None


def test_alternatives_multiply_into_pieces():
    m = parse_model_spec({"supports": [[[0], [1, 2]], {"sparsity": 2}, None]}, NET)
    assert m == ModelCollection((4, 4, 4), [[(0,), (1, 2)], list(itertools.combinations(range(4), 2)), [FULL]])
    assert m.n_pieces() == 2 * 6 * 1


def test_full_spellings_are_the_full_layer():
    m = parse_model_spec({"supports": ["full", None, [[3, 2, 1, 0], [0, 1, 2, 3]]]}, NET)
    assert m.is_full and m.n_pieces() == 1


def test_grouped_sparsity_unions_of_groups():
    m = parse_model_spec({"supports": [{"groups": [[0, 1], [2], [3]], "active": 2}, None, None]}, NET)
    assert m.alternatives[0] == ((0, 1, 2), (0, 1, 3), (2, 3))


def test_ties_are_one_based_and_share_supports():
    m = parse_model_spec({"tie": [[1, 3]], "supports": [[[0, 1]], None, None]}, NET)
    assert m == ModelCollection((4, 4, 4), [[(0, 1)], [FULL], [(0, 1)]], classes=[(0, 2)])
    (piece,) = m.pieces()
    assert piece.supports[2] == (0, 1)  # inherited from the tied layer 1


def test_overlapping_tie_groups_merge():
    m = parse_model_spec({"tie": [[1, 2], [3, 2]]}, NET)
    assert m.classes == ((0, 1, 2),)


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
    ({"supports": ["empty", None, None]}, "model.supports[0]"),
    ({"tie": [[0, 1]]}, "model.tie[0][0]"),
    ({"tie": [[1, 4]]}, "model.tie[0][1]"),
    ({"tie": [[1]]}, "model.tie[0]"),
    ({"tie": [[1, 1]]}, "model.tie[0]"),
    ({"tie": [1, 2]}, "model.tie[0]"),
    ({"tie": {"1": 2}}, "model.tie"),
    ({"tie": [[1, 2]], "supports": [[[0]], [[1]], None]}, "model.supports[1]"),
])
def test_bad_models_name_the_field(model, field):
    with pytest.raises(SpecError) as exc:
        parse_model_spec(model, NET)
    assert exc.value.field == field


def test_tied_layers_need_equal_params():
    net = structured_network({"layers": [full_layer(1, 2), full_layer(2, 1)]})
    assert parse_model_spec({"tie": [[1, 2]]}, net).classes == ((0, 1),)
    net3 = net_of((1, 2), (2, 2))
    with pytest.raises(SpecError, match="equal params"):
        parse_model_spec({"tie": [[1, 2]]}, net3)


def test_budget_on_pieces():
    with pytest.raises(BudgetExceeded):
        parse_model_spec({"supports": [{"sparsity": 2}] * 3}, NET, max_pieces=100)
    with pytest.raises(BudgetExceeded):
        parse_model_spec({"supports": [{"sparsity": 2}, None, None]}, NET, max_pieces=5)
