"""The batched integer lifting equals the reference sparse lifting (columns, order, values)."""
from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from algebra.lifting import lifting_operator_sparse
from algebra.lifting_int import IntegerColumns, lifting_operator_int
from graphs.structured_spec import structured_network
from tests.strategies import full_layer, networks


@settings(max_examples=80, deadline=None)
@given(networks(max_K=4, max_dim=3, max_params=3), st.sampled_from([1, 7, 4_000_000]))
def test_equals_reference_lifting(net, chunk):
    ref = lifting_operator_sparse(net)
    fast = lifting_operator_int(net, chunk_entries=chunk)
    assert list(fast.columns) == list(ref.columns)  # lexicographic order kept
    assert fast.columns == ref.columns
    assert (fast.shape, fast.param_counts) == (ref.shape, ref.param_counts)


def test_huge_coefficients_use_exact_python_integers():
    big = str(3**45)  # products exceed int64: the object-dtype path must stay exact
    layer = {"rows": 2, "cols": 2, "params": 2,
             "entries": [[0, 0, 0, big], [0, 0, 1, "1/7"], [1, 1, 0, -1], [1, 1, 1, big]]}
    net = structured_network({"layers": [layer, layer, layer]})
    assert lifting_operator_int(net).columns == lifting_operator_sparse(net).columns


def test_budget():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    with pytest.raises(BudgetExceeded):
        lifting_operator_int(net, Budget(max_columns=7))
    assert len(lifting_operator_int(net, Budget(max_columns=8)).columns) == 8


@settings(max_examples=60, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3))
def test_integer_columns_behave_like_the_reference_dict(net):
    # the lazy IntegerColumns view must answer every Mapping question like the dict would
    ref = lifting_operator_sparse(net)
    fast = lifting_operator_int(net)
    assert fast == ref  # LiftingOperator equality goes through the Mapping
    cols = fast.columns
    assert isinstance(cols, IntegerColumns) and len(cols) == len(ref.columns)
    absent = tuple(s for s in net.param_counts)  # out of range: never a column
    assert absent not in cols and cols.get(absent) is None
    for t, col in ref.columns.items():
        assert t in cols and cols[t] == col and cols.get(t) == col
    assert list(cols.items()) == list(ref.columns.items())
    assert list(cols.values()) == list(ref.columns.values())
    assert list(cols.keys()) == list(ref.columns.keys())
    # rows within a column are in increasing order here (the dict route keeps insertion order)
    assert repr(cols) == repr({t: dict(sorted(c.items())) for t, c in ref.columns.items()})
    # the integer form itself: integers / denominator is A, and it is read-only
    for j, (t, col) in enumerate(ref.columns.items()):
        assert {r: Fraction(int(v), cols.denominator) for r, v in enumerate(cols.integers[j]) if v} == col
    if len(cols):
        with pytest.raises(ValueError):
            cols.integers[0, 0] = 1
