"""Multilinear maps (paper, (1.2)): evaluation and the validating constructors.

Reading the ``structured`` spec (its field names and size limits) is tested with its reader in
tests/graphs/test_structured_spec.py.
"""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import SpecError
from algebra.network import Layer, MultilinearMap
from tests.strategies import networks, parameters


def full(rows, cols):
    return Layer(rows, cols, rows * cols, [(i * cols + j, i, j, 1) for i in range(rows) for j in range(cols)])


def test_full_matrix_product_is_ordinary_product():
    net = MultilinearMap([full(2, 3), full(3, 2)])
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
    layer = Layer(1, 1, 2, [(1, 0, 0, 1), (0, 0, 0, 1), (0, 0, 0, Fraction(1, 2)), (1, 0, 0, -1)])
    assert layer.entries == ((0, 0, 0, Fraction(3, 2)),)


@given(st.data())
@settings(max_examples=60, deadline=None)
def test_canonical_entries_do_not_depend_on_their_order(data):
    net = data.draw(networks())
    for layer in net.layers:
        shuffled = data.draw(st.permutations(layer.entries))
        split = [(p, r, c, v / 2) for p, r, c, v in shuffled] * 2  # each entry as two halves
        assert Layer(layer.rows, layer.cols, layer.params, split) == layer
        assert Layer(layer.rows, layer.cols, layer.params, layer.entries) == layer
        assert Layer.from_checked(layer.rows, layer.cols, layer.params, layer.entries) == layer


def test_wrong_parameter_shape():
    net = MultilinearMap([full(1, 2)])
    with pytest.raises(SpecError, match=r"h\[0\]: expected 2 values"):
        net.evaluate([[1, 2, 3]])


@pytest.mark.parametrize("args, argument, words", [
    ((0, 1, 1, []), "rows", ">= 1"),
    ((1, True, 1, []), "cols", ">= 1"),
    ((1, 1, 1.0, []), "params", ">= 1"),
    ((2, 4, 4, [(3, 0, 5, 1)]), "entries", "entry (3, 0, 5): col 5 out of range 0..3"),
    ((2, 4, 4, [(4, 0, 0, 1)]), "entries", "param 4 out of range 0..3"),
    ((2, 4, 4, [(0, -1, 0, 1)]), "entries", "row -1 out of range 0..1"),
    ((2, 4, 4, [(0, 0, 0, 0.5)]), "entries", "not an int or a Fraction"),
    ((2, 4, 4, [(0, 0, 0, "1/2")]), "entries", "not an int or a Fraction"),
    ((2, 4, 4, [(0, 0, 0)]), "entries", "expected (param, row, col, coefficient)"),
    ((2, 4, 4, [("0", 0, 0, 1)]), "entries", "param '0' is not an integer"),
    ((2, 4, 4, 7), "entries", "expected a sequence"),
])
def test_layer_errors_name_the_argument(args, argument, words):
    with pytest.raises(SpecError) as exc:
        Layer(*args)
    assert exc.value.field == argument and words in exc.value.problem, str(exc.value)


@pytest.mark.parametrize("layers, argument, words", [
    ([], "layers", "at least one Layer"),
    ([full(2, 2), "layer"], "layers[1]", "expected a Layer"),
    ([full(2, 3), full(2, 2)], "layers[1]", "2 rows, but layers[0] has 3 cols"),
    (full(2, 2), "layers", "expected a sequence"),
])
def test_multilinear_map_errors_name_the_argument(layers, argument, words):
    with pytest.raises(SpecError) as exc:
        MultilinearMap(layers)
    assert exc.value.field == argument and words in exc.value.problem, str(exc.value)
