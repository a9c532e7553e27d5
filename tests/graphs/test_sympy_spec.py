"""Sympy-native specs: from_sympy against the structured reader of the hand-written spec, the
lifting operator against the independent sympy expansion, the builders against the bundled
examples and the conv compiler, and one-line errors naming the offending entry."""
from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import SpecError
from algebra.lifting import lifting_operator, lifting_operator_sympy
from graphs.bundled import examples_dir
from graphs.conv_spec import parse_conv_spec
from graphs.specs import load_spec
from graphs.structured_spec import parse_structured_spec
from graphs.sympy_spec import circulant, diagonal, from_sympy, masked, parameter_symbols, to_sympy, toeplitz
from tests.strategies import networks, small_rationals


@st.composite
def linear_form_layers(draw, max_K: int = 3, max_dim: int = 3, max_params: int = 3):
    """(coefficient data per layer, dims): each layer a list of (param, row, col, Fraction)."""
    K = draw(st.integers(1, max_K))
    dims = [draw(st.integers(1, max_dim)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        params = draw(st.integers(1, max_params))
        n = draw(st.integers(0, dims[k] * dims[k + 1] * params))
        layers.append((params, [(draw(st.integers(0, params - 1)), draw(st.integers(0, dims[k] - 1)),
                                 draw(st.integers(0, dims[k + 1] - 1)), draw(small_rationals)) for _ in range(n)]))
    return dims, layers


@settings(max_examples=40, deadline=None)
@given(linear_form_layers())
def test_from_sympy_equals_the_structured_reader_of_the_hand_written_spec(data):
    dims, layers = data
    symbols = [parameter_symbols(f"p{k}_", params) for k, (params, _) in enumerate(layers)]
    matrices = []
    for k, (params, entries) in enumerate(layers):
        M = sympy.zeros(dims[k], dims[k + 1])
        for p, r, c, v in entries:
            M[r, c] += sympy.Rational(v.numerator, v.denominator) * symbols[k][p]
        matrices.append(M)
    hand = {"kind": "structured", "layers": [
        {"rows": dims[k], "cols": dims[k + 1], "params": params, "entries": [[p, r, c, str(v)] for p, r, c, v in entries]}
        for k, (params, entries) in enumerate(layers)]}
    loaded = from_sympy(matrices, symbols)
    expected, model = parse_structured_spec(hand)
    assert loaded.network == expected and loaded.model is None and model is None
    # the lifting operator of the read network equals the independent symbolic expansion
    assert dict(lifting_operator(loaded.network).columns) == dict(lifting_operator_sympy(expected).columns)


@settings(max_examples=30, deadline=None)
@given(networks())
def test_to_sympy_and_back_is_the_identity(net):
    assert from_sympy(*to_sympy(net)).network == net


def _same_as_example(loaded, name):
    example = load_spec(examples_dir() / "structured" / f"{name}.json")
    assert loaded.network == example.network
    assert loaded.model == example.model


def test_phase_retrieval_with_tied_symbols_is_the_bundled_example():
    x = parameter_symbols("x", 3)
    A = sympy.Matrix([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]])
    Ax = A * sympy.Matrix(x)
    loaded = from_sympy([sympy.diag(*Ax), Ax], params=[x, x])
    _same_as_example(loaded, "phase-retrieval")
    # the same tie spelled as the spec spells it
    y = parameter_symbols("y", 3)
    Ay = A * sympy.Matrix(y)
    assert from_sympy([sympy.diag(*Ax), Ay], params=[x, y], tie=[[1, 2]]).model == loaded.model


def test_circulant_layer_with_model_supports_is_the_bundled_sparse_factorization():
    h1, h2 = parameter_symbols("a", 8), parameter_symbols("b", 8)
    loaded = from_sympy([circulant(h1, 8), sympy.Matrix(h2)], params=[h1, h2],
                        supports=[[[h1[0], h1[1]]], [[h2[0], h2[2]], [0, 4]]])
    _same_as_example(loaded, "sparse-factorization")
    h1, h2 = parameter_symbols("a", 4), parameter_symbols("b", 4)
    _same_as_example(from_sympy([circulant(h1, 4), sympy.Matrix(h2)], params=[h1, h2],
                                supports=[[[0, 1]], [[0, 1, 2]]]), "blind-deconvolution")


@pytest.mark.parametrize("supports", [([1, 2, 3], [1, 10]), ([0, 5], [3, 4, 15]), ([7], [0])])
def test_circulant_factors_compile_like_the_conv_chain(supports):
    """M_1 M_2 of a two-layer conv chain x -> v -> r (graphs.conv's block-circulant compiler)."""
    s1, s2 = supports  # s1 on v -> r (layer 1), s2 on x -> v (layer 2)
    N = 16
    conv = parse_conv_spec({"kind": "conv", "N": N, "root": "r", "edges": [
        {"from": "v", "to": "r", "support": s1}, {"from": "x", "to": "v", "support": s2}]})
    h1, h2 = parameter_symbols("u", len(s1)), parameter_symbols("w", len(s2))
    loaded = from_sympy([circulant(h1, N, s1), circulant(h2, N, s2)], params=[h1, h2])
    assert loaded.network == conv.to_multilinear()


def test_toeplitz_is_linear_convolution_and_masks_and_diagonals_place_parameters():
    u = parameter_symbols("u", 3)
    T = toeplitz(u, 6, 4)
    values = {u[0]: 2, u[1]: -1, u[2]: 5}
    x = [1, 3, 0, -2]
    got = [int(v) for v in (T.subs(values) * sympy.Matrix(x))]
    assert got == list(np.convolve([2, -1, 5], x))
    assert toeplitz(u, 2, 2, support=[-1, 0, 1]) == sympy.Matrix([[u[1], u[0]], [u[2], u[1]]])
    w = parameter_symbols("w", 2)
    assert masked([[0, 1], [1, 0]], w) == sympy.Matrix([[0, w[0]], [w[1], 0]])
    assert diagonal(w) == sympy.diag(*w)
    with pytest.raises(SpecError, match="mask has 2 non-zero cells but 3 parameters"):
        masked([[0, 1], [1, 0]], u)
    with pytest.raises(SpecError, match=r"offset 9 outside Z_8"):
        circulant(w, 8, [0, 9])


def test_the_json_spec_reads_back_to_the_same_network(tmp_path):
    a, b = parameter_symbols("a", 2), parameter_symbols("b", 3)
    loaded = from_sympy([sympy.Matrix([[a[0], a[1] / 3]]), masked([[1, 1, 0], [0, 0, 1]], b)], params=[a, b],
                        supports=[None, {"sparsity": 2}], name="demo", description="two layers")
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(loaded.spec))
    again = load_spec(path)
    assert (again.network, again.model, again.spec) == (loaded.network, loaded.model, loaded.spec)
    assert loaded.spec["name"] == "demo" and loaded.spec["description"] == "two layers"
    assert loaded.spec["model"] == {"supports": [None, [[0, 1], [0, 2], [1, 2]]]}  # every support of size 2


a, b = parameter_symbols("a", 2), parameter_symbols("b", 2)


@pytest.mark.parametrize("entry, params, message", [
    (a[0] * a[1], [a], r"matrices\[0\]\[0, 0\]: a0\*a1 is not linear in params\[0\] \(a0, a1\): term a0\*a1"),
    (a[0] ** 2, [a], r"matrices\[0\]\[0, 0\]: a0\*\*2 is not linear"),
    (sympy.sqrt(2) * a[0], [a], r"matrices\[0\]\[0, 0\]: the coefficient sqrt\(2\) of a0 is not rational"),
    (0.5 * a[0], [a], r"the coefficient 0.5\d* of a0 is a float; write it as an exact rational"),
    (a[0] + 1, [a], r"a0 \+ 1 has the constant term 1; M_1\(h_1\) must be linear"),
    (b[0], [a], r"uses the symbol b0, but M_1 may use only params\[0\]'s symbols \(it is not a parameter"),
    (sympy.pi * a[1], [a], r"the coefficient pi of a1 is not rational"),
])
def test_bad_entries_are_named_on_one_line(entry, params, message):
    with pytest.raises(SpecError, match=message) as info:
        from_sympy([sympy.Matrix([[entry]])], params=params)
    assert "\n" not in str(info.value)


def test_symbols_of_another_layer_and_shape_mismatches_are_refused():
    with pytest.raises(SpecError, match=r"matrices\[1\]\[0, 0\]: a1 \+ b0 uses the symbol a1, but M_2 may use only "
                                        r"params\[1\]'s symbols \(it belongs to params\[0\]\)"):
        from_sympy([sympy.Matrix([[a[0]]]), sympy.Matrix([[b[0] + a[1]]])], params=[a, b])
    with pytest.raises(SpecError, match=r"params\[1\]: the symbol a1 is also in params\[0\]"):
        from_sympy([sympy.Matrix([[a[0]]]), sympy.Matrix([[b[0]]])], params=[a, [b[0], a[1]]])
    with pytest.raises(SpecError, match=r"matrices\[1\]: 2 rows, but matrices\[0\] has 1 cols"):
        from_sympy([sympy.Matrix([[a[0]]]), sympy.Matrix([[b[0]], [b[1]]])], params=[a, b])
    with pytest.raises(SpecError, match=r"supports\[0\]\[0\]: .* is not one of params' symbols"):
        from_sympy([sympy.Matrix([[a[0]]])], params=[a], supports=[[[b[0]]]])
    with pytest.raises(SpecError, match=r"model.tie\[0\]\[1\]: layer 3 out of range 1..1"):
        from_sympy([sympy.Matrix([[a[0]]])], params=[a], tie=[[1, 3]])


def test_coefficients_are_exact_rationals():
    loaded = from_sympy([sympy.Matrix([[sympy.Rational(2, 6) * a[0] - a[1] + a[1] * Fraction(1, 2)]])], params=[a])
    assert loaded.network.layers[0].entries == ((0, 0, 0, Fraction(1, 3)), (1, 0, 0, Fraction(-1, 2)))
