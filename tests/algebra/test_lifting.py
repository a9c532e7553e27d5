import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

import pytest

from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from algebra.lifting import (
    DENSE_BLOCK_LIMIT, column_to_tuple, lifting_operator, lifting_operator_sparse, lifting_operator_sympy,
    tuple_to_column,
)
from algebra.lifting_int import lifting_operator_int

ROUTES = [lifting_operator_sparse, lifting_operator_int]
from graphs.structured_spec import structured_network
from tests.strategies import full_layer, networks, parameters


def segre(h):
    """P(h) as a dict, written out independently of algebra.segre."""
    return {idx: math.prod(hk[i] for hk, i in zip(h, idx))
            for idx in itertools.product(*(range(len(hk)) for hk in h))}


@pytest.mark.parametrize("route", ROUTES)
@given(data=st.data())
@settings(max_examples=40, deadline=None)
def test_lifting_reproduces_the_product(route, data):
    """Corollary 5.2: A P(h) = M_1(h_1) ... M_K(h_K), exactly."""
    net = data.draw(networks())
    h = [[Fraction(x) for x in hk] for hk in data.draw(parameters(net))]
    A = route(net)
    AP = A.apply(segre(h))
    m, n = net.shape
    X = net.evaluate(h)
    assert all(AP.get(r * n + c, 0) == X[r][c] for r in range(m) for c in range(n))


@pytest.mark.parametrize("route", ROUTES)
@given(data=st.data())
@settings(max_examples=20, deadline=None)
def test_two_constructions_agree(route, data):
    net = data.draw(networks(max_K=3, max_dim=2, max_params=3))
    fast = route(net)
    slow = lifting_operator_sympy(net)
    assert dict(fast.columns) == dict(slow.columns)
    assert list(fast.columns) == list(slow.columns)  # both in lexicographic order


def test_k1_is_the_matrix_of_m1():
    spec = {"layers": [{"rows": 2, "cols": 2, "params": 3,
                        "entries": [[0, 0, 0, 2], [1, 0, 1, "1/3"], [2, 1, 1, -1], [0, 1, 0, 5]]}]}
    A = lifting_operator(structured_network(spec))
    assert dict(A.columns) == {(0,): {0: 2, 2: 5}, (1,): {1: Fraction(1, 3)}, (2,): {3: -1}}


def test_full_product_columns_are_kronecker_units():
    # K = 2, full factors: column (i, j) of A is vec(E_{ab} E_{b'c}) -> one 1 or zero.
    net = structured_network({"layers": [full_layer(2, 3), full_layer(3, 2)]})
    A = lifting_operator(net)
    assert len(A.columns) == 2 * 3 * 2  # only tuples with matching inner index survive
    for (i, j), col in A.columns.items():
        a, b = divmod(i, 3)
        b2, c = divmod(j, 2)
        assert b == b2 and col == {a * 2 + c: 1}


def test_dispatch_uses_dense_blocks_only_when_small():
    small = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    wide = {"rows": 1, "cols": DENSE_BLOCK_LIMIT + 1, "params": 1, "entries": [[0, 0, 5, 1]]}
    big = structured_network({"layers": [wide, {"rows": DENSE_BLOCK_LIMIT + 1, "cols": 1, "params": 1,
                                                      "entries": [[0, 5, 0, 2]]}]})
    assert lifting_operator(small).columns == lifting_operator_sparse(small).columns
    assert dict(lifting_operator(big).columns) == {(0, 0): {0: 2}}


@pytest.mark.parametrize("route", ROUTES)
def test_sparse_propagation_never_extends_zero_prefixes(route):
    # Layer 1 uses only parameter 0; the others must never appear in a column.
    first = {"rows": 1, "cols": 2, "params": 50, "entries": [[0, 0, 0, 1]]}
    net = structured_network({"layers": [first, full_layer(2, 2), full_layer(2, 2)]})
    A = route(net)
    assert {t[0] for t in A.columns} == {0}
    assert A.n_cols == 50 * 4 * 4


@pytest.mark.parametrize("route", ROUTES)
def test_budget(route):
    net = structured_network({"layers": [full_layer(3, 3)] * 3})
    with pytest.raises(BudgetExceeded):
        route(net, Budget(max_columns=10))


@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.data())
def test_column_numbering_roundtrip(counts, data):
    col = data.draw(st.integers(0, math.prod(counts) - 1))
    t = column_to_tuple(col, counts)
    assert tuple_to_column(t, counts) == col
    assert sorted(itertools.product(*(range(s) for s in counts))).index(t) == col
