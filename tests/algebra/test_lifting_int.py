"""The batched integer lifting equals the reference sparse lifting (columns, order, values)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import BudgetExceeded
from algebra.lifting import lifting_operator_sparse
from algebra.lifting_int import lifting_operator_int
from algebra.network import MultilinearMap
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
    net = MultilinearMap.from_spec({"layers": [layer, layer, layer]})
    assert lifting_operator_int(net).columns == lifting_operator_sparse(net).columns


def test_budget():
    net = MultilinearMap.from_spec({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    with pytest.raises(BudgetExceeded):
        lifting_operator_int(net, max_columns=7)
    assert len(lifting_operator_int(net, max_columns=8).columns) == 8
