from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import SpecError
from algebra.network import MultilinearMap
from tests.strategies import full_layer, networks, parameters


def test_full_matrix_product_is_ordinary_product():
    net = MultilinearMap.from_spec({"layers": [full_layer(2, 3), full_layer(3, 2)]})
    h1 = [1, 2, 3, 4, 5, 6]
    h2 = ["1/2", 0, -1, 2, 3, "-1/3"]
    X = net.evaluate([h1, h2])
    H1 = np.array(h1, dtype=object).reshape(2, 3)
    H2 = np.array([Fraction(x) for x in h2], dtype=object).reshape(3, 2)
    assert X == (H1 @ H2).tolist()


@given(st.data())
@settings(max_examples=40, deadline=None)
def test_float_evaluation_matches_exact(data):
    net = data.draw(networks())
    h = data.draw(parameters(net))
    exact = np.array(net.evaluate(h), dtype=float)
    approx = net.evaluate_float([[float(x) for x in hk] for hk in h])
    assert np.allclose(exact, approx)


def test_duplicate_entries_are_summed_and_zeros_dropped():
    net = MultilinearMap.from_spec({"layers": [{"rows": 1, "cols": 1, "params": 2,
        "entries": [[0, 0, 0, 1], [0, 0, 0, "1/2"], [1, 0, 0, 1], [1, 0, 0, -1]]}]})
    assert net.layers[0].entries == ((0, 0, 0, Fraction(3, 2)),)


def test_roundtrip_spec():
    spec = {"kind": "structured", "layers": [full_layer(2, 2), full_layer(2, 1)]}
    net = MultilinearMap.from_spec(spec)
    assert MultilinearMap.from_spec(net.to_spec()) == net


@pytest.mark.parametrize("layers, field, words", [
    ([full_layer(2, 3), full_layer(2, 2)], "layers[1].rows", "dimension mismatch"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[1, 0, 0, 1]]}], "layers[0].entries[0][0] (param)", "out of range"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 2, 0, 1]]}], "layers[0].entries[0][1] (row)", "out of range"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, 0.5]]}], "layers[0].entries[0][3] (coefficient)", "not an exact rational"),
    ([{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, "1/0"]]}], "layers[0].entries[0][3] (coefficient)", "zero denominator"),
    ([{"rows": 0, "cols": 2, "params": 1, "entries": []}], "layers[0].rows", ">= 1"),
    ([{"rows": 1, "cols": 2, "params": 1}], "layers[0].entries", "missing"),
    ([{"rows": 1, "cols": 2, "params": 1, "entries": [], "colour": 3}], "layers[0]", "unknown field"),
    ([], "layers", "non-empty"),
])
def test_validation_names_field(layers, field, words):
    with pytest.raises(SpecError) as info:
        MultilinearMap.from_spec({"layers": layers})
    assert info.value.field == field
    assert words in str(info.value)


def test_wrong_parameter_shape():
    net = MultilinearMap.from_spec({"layers": [full_layer(1, 2)]})
    with pytest.raises(SpecError, match=r"h\[0\]: expected 2 values"):
        net.evaluate([[1, 2, 3]])


def test_bad_model_is_rejected_when_the_spec_is_loaded():
    from graphs.specs import parse_spec

    spec = {"kind": "structured", "layers": [full_layer(1, 2), full_layer(2, 1)],
            "model": {"tie": [[1, 5]]}}
    with pytest.raises(SpecError) as info:
        parse_spec(spec)
    assert info.value.field.startswith("model")


@pytest.mark.parametrize("kind", [[], {}, None, 3, "convolution"])
def test_bad_kind_is_a_spec_error(kind):
    from graphs.specs import parse_spec

    with pytest.raises(SpecError, match="^kind: expected one of"):
        parse_spec({"kind": kind})
