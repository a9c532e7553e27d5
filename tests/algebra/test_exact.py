"""Exact rank with witnesses (algebra.exact): closed forms, cross-checks, rejected witnesses."""
from __future__ import annotations

import dataclasses
import json
import random
from fractions import Fraction as F

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import algebra.exact as exact
from algebra.exact import (
    RankWitness,
    WitnessCheckFailed,
    bareiss_determinant,
    check_rank_witness,
    matrix_rank_witness,
    rank_witness,
    witness_from_json,
    witness_to_json,
)
from algebra.lifting import lifting_operator
from graphs.structured_spec import structured_network
from tests.strategies import full_layer, networks, nonzero_rationals, single_entry_networks


def sympy_rank(A) -> int:
    """Peer rank: sympy's Matrix.rank on the non-zero columns (independent of algebra.exact)."""
    if not A.columns or A.n_rows == 0:
        return 0
    return A.to_sympy().rank()


# --- closed forms -----------------------------------------------------------------------------


@pytest.mark.parametrize("m, r, n", [(1, 1, 1), (2, 1, 3), (2, 2, 2), (3, 2, 2), (2, 3, 4)])
def test_full_factors_give_rank_m_times_n(m, r, n):
    # Every entry of the m x r and r x n factors is a parameter: X = H1 H2 reaches every
    # m x n matrix (take H1 = [I 0] padded, or any rank-1 X = u v^T), so A is onto: rk = m n.
    net = structured_network({"layers": [full_layer(m, r), full_layer(r, n)]})
    A = lifting_operator(net)
    w = rank_witness(A)
    assert w.rank == m * n
    check_rank_witness(A, w)


@settings(max_examples=60, deadline=None)
@given(single_entry_networks(max_K=4))
def test_disjoint_single_entry_supports_closed_form(case):
    # Closed form. If every basis matrix M_k(e_p) is c_p E_{a_p b_p} (one entry), a column of A is
    # vec(prod_k c_{i_k} E_{a b}) = (prod c) e_{(a_1, b_K)} when the entries chain (b_k = a_{k+1})
    # and 0 otherwise. So A's non-zero columns are non-zero multiples of unit vectors and
    #     rk A = #{(i, j) : some chain i -> ... -> j through the supports}
    #          = number of non-zero entries of the boolean product B_1 B_2 ... B_K
    # of the 0/1 support patterns -- computed here with numpy, independently of A.
    net, weights = case
    supports = [(W > 0).astype(int) for W in weights]
    reach = supports[0]
    for B in supports[1:]:
        reach = (reach @ B > 0).astype(int)
    expected = int(np.count_nonzero(reach))
    A = lifting_operator(net)
    w = rank_witness(A)
    assert w.rank == expected
    check_rank_witness(A, w)


def test_zero_network_has_rank_zero():
    net = structured_network({"layers": [{"rows": 2, "cols": 2, "params": 2, "entries": []}]})
    A = lifting_operator(net)
    w = rank_witness(A)
    assert (w.rank, w.nonzero_columns, w.kernel) == (0, 0, ())  # right: all columns are zero
    check_rank_witness(A, w)
    w = rank_witness(A, side="left")
    assert w.kernel == ({0: 1}, {1: 1}, {2: 1}, {3: 1})
    check_rank_witness(A, w)


def test_k1_rank_is_rank_of_m1():
    rng = random.Random(5)
    entries = [[rng.randrange(4), rng.randrange(3), rng.randrange(3), rng.randint(-2, 2)] for _ in range(7)]
    net = structured_network({"layers": [{"rows": 3, "cols": 3, "params": 4, "entries": entries}]})
    M = sympy.zeros(9, 4)
    for p, i, j, c in entries:
        M[i * 3 + j, p] += c
    assert rank_witness(lifting_operator(net)).rank == M.rank()


# --- random networks: witnesses check, routes agree, canonical -----------------------------


@settings(max_examples=80, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3), st.sampled_from([None, "left", "right"]))
def test_fast_route_agrees_with_sympy_and_witnesses_check(net, side):
    A = lifting_operator(net)
    fast = rank_witness(A, side=side)
    ref = rank_witness(A, side=side, method="sympy")
    assert fast.rank == ref.rank == sympy_rank(A)
    check_rank_witness(A, fast)
    check_rank_witness(A, ref)
    # Given the same minor, the kernel normalised to 1 on the free coordinates is unique; with
    # a random 62-bit prime the modular pivots are the rational ones (failure ~ 2^-55).
    assert dataclasses.replace(fast, method="sympy", prime=None) == ref
    if side is None:
        expected_side = "left" if A.n_rows <= len(A.columns) else "right"
        assert fast.kernel_side == expected_side


@settings(max_examples=40, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3))
def test_witness_is_deterministic_and_json_round_trips(net):
    A = lifting_operator(net)
    w1, w2 = rank_witness(A), rank_witness(lifting_operator(net))
    assert w1 == w2
    text = json.dumps(witness_to_json(w1), sort_keys=True)
    assert text == json.dumps(witness_to_json(w2), sort_keys=True)
    assert witness_from_json(json.loads(text)) == w1


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 6), st.integers(0, 7), st.integers(0, 4), st.integers(0, 2**32))
def test_generic_matrix_rank_against_sympy(n_rows, n_cols, k, seed):
    # A = U V with U n_rows x k, V k x n_cols sparse: rank <= k, often < min(n_rows, n_cols).
    rng = random.Random(seed)
    U = [[F(rng.randint(-3, 3), rng.randint(1, 3)) for _ in range(k)] for _ in range(n_rows)]
    V = [[F(rng.randint(-3, 3)) if rng.random() < 0.6 else F(0) for _ in range(n_cols)] for _ in range(k)]
    M = [[sum((U[i][t] * V[t][j] for t in range(k)), F(0)) for j in range(n_cols)] for i in range(n_rows)]
    cols = {j: {i: M[i][j] for i in range(n_rows) if M[i][j]} for j in range(n_cols)}
    expected = sympy.Matrix(n_rows, n_cols, lambda i, j: M[i][j]).rank() if n_rows and n_cols else 0
    for side in (None, "left", "right"):
        w = matrix_rank_witness(cols, n_rows, side=side)
        assert w.rank == expected
        assert w.n_cols == n_cols and w.nonzero_columns == sum(1 for c in cols.values() if c)
        check_rank_witness(cols, w)
        if w.kernel_side == "right":
            # zero columns are implicit: never listed in a kernel vector
            zero = {j for j, c in cols.items() if not c}
            assert not any(zero & set(v) for v in w.kernel)


def test_unlucky_prime_is_detected_and_retried(monkeypatch):
    # [[1, 1], [1, 4]] has det 3: rank 2 over Q but rank 1 modulo 3. The modular pivots give a
    # 1 x 1 minor; the exact kernel check must fail and the next prime must be used.
    real = exact._primes

    def primes(seed):
        yield 3
        yield from real(seed)

    monkeypatch.setattr(exact, "_primes", primes)
    cols = {0: {0: F(1), 1: F(1)}, 1: {0: F(1), 1: F(4)}}
    for side in ("left", "right"):
        w = matrix_rank_witness(cols, 2, side=side)
        assert w.rank == 2 and w.prime != 3
        check_rank_witness(cols, w)
    # a column that vanishes modulo the first prime
    w = matrix_rank_witness({0: {0: F(3)}}, 1, side="right")
    assert w.rank == 1 and w.prime != 3


# --- wrong witnesses are rejected -------------------------------------------------------------


def _example():
    # 3 x 4, rank 2: row 2 = row 0 + 2 row 1; column 3 = column 0 - column 1 / 2; column 2 zero
    cols = {0: {0: F(1), 2: F(1)}, 1: {1: F(2), 2: F(4)}, 2: {}, 3: {0: F(1), 1: F(-1), 2: F(-1)}}
    return cols


def test_example_witnesses():
    cols = _example()
    left = matrix_rank_witness(cols, 3, side="left")
    assert left.rank == 2 and left.kernel == ({0: F(-1), 1: F(-2), 2: F(1)},)
    right = matrix_rank_witness(cols, 3, side="right")
    assert right.kernel == ({0: F(-1), 1: F(1, 2), 3: F(1)},)
    check_rank_witness(cols, left)
    check_rank_witness(cols, right)


@pytest.mark.parametrize("mutate, message", [
    (lambda w: dataclasses.replace(w, kernel=({0: F(-1), 1: F(-3), 2: F(1)},)), "not in the left kernel"),
    (lambda w: dataclasses.replace(w, minor_cols=(0, 3), minor_rows=(0, 2)), None),  # still fine
    (lambda w: dataclasses.replace(w, minor_rows=(0, 1), minor_cols=(1, 1)), "repeat"),
    (lambda w: dataclasses.replace(w, rank=3, minor_rows=(0, 1, 2), minor_cols=(0, 1, 3), kernel=()),
     "singular"),
    (lambda w: dataclasses.replace(w, minor_cols=(0, 2)), "zero"),
    (lambda w: dataclasses.replace(w, kernel=()), "expected 1"),
    (lambda w: dataclasses.replace(w, kernel=({0: F(-2), 1: F(-4), 2: F(2)},)), "no free coordinate"),
    (lambda w: dataclasses.replace(w, kernel=({0: F(-1), 1: F(-2), 7: F(1)},)), "invalid coordinate"),
    (lambda w: dataclasses.replace(w, kernel_side="up"), "kernel_side"),
    (lambda w: dataclasses.replace(w, rank=1, minor_rows=(0,), minor_cols=(0,),
                                   kernel=({1: F(1)}, {0: F(-1), 2: F(1)})), "not in the left kernel"),
])
def test_mutated_left_witness(mutate, message):
    cols = _example()
    w = mutate(matrix_rank_witness(cols, 3, side="left"))
    if message is None:
        check_rank_witness(cols, w)  # another valid minor: accepted
        return
    with pytest.raises(WitnessCheckFailed, match=message):
        check_rank_witness(cols, w)


def test_mutated_right_witness():
    cols = _example()
    w = matrix_rank_witness(cols, 3, side="right")
    bad = dataclasses.replace(w, kernel=({0: F(-1), 1: F(1, 3), 3: F(1)},))
    with pytest.raises(WitnessCheckFailed, match="not in the kernel"):
        check_rank_witness(cols, bad)
    # two copies of one vector: independence not evident
    bad = dataclasses.replace(w, rank=1, minor_rows=(0,), minor_cols=(0,), kernel=w.kernel * 2)
    with pytest.raises(WitnessCheckFailed, match="no free coordinate"):
        check_rank_witness(cols, bad)


@settings(max_examples=40, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3), st.data())
def test_random_kernel_mutation_is_rejected(net, data):
    A = lifting_operator(net)
    w = rank_witness(A)
    vectors = [(t, k) for t, v in enumerate(w.kernel) for k in v]
    if not vectors:
        return
    t, k = data.draw(st.sampled_from(vectors))
    kernel = [dict(v) for v in w.kernel]
    kernel[t][k] += data.draw(nonzero_rationals)
    with pytest.raises(WitnessCheckFailed):
        check_rank_witness(A, dataclasses.replace(w, kernel=tuple(kernel)))


def test_lifting_shape_mismatch_rejected():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    A = lifting_operator(net)
    w = dataclasses.replace(rank_witness(A), n_cols=15)
    with pytest.raises(WitnessCheckFailed, match="shape"):
        check_rank_witness(A, w)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(-4, 4), min_size=4, max_size=4), min_size=4, max_size=4),
       st.integers(1, 4))
def test_bareiss_matches_sympy(rows, n):
    M = [r[:n] for r in rows[:n]]
    assert bareiss_determinant(M) == sympy.Matrix(M).det()


def test_rank_witness_type():
    assert isinstance(rank_witness(lifting_operator(structured_network(
        {"layers": [full_layer(1, 1)]}))), RankWitness)


@settings(max_examples=50, deadline=None)
@given(networks(max_K=3, max_dim=3, max_params=3), st.data())
def test_overclaimed_rank_is_rejected(net, data):
    # Claim rank r + 1 with any bigger minor: every (r+1) x (r+1) minor of a rank-r matrix is
    # singular, so the check must refuse it at the determinant, whatever the kernel says.
    A = lifting_operator(net)
    w = rank_witness(A)
    rows = [i for i in range(A.n_rows) if i not in w.minor_rows]
    cols = [k for k in A.columns if k not in w.minor_cols]
    if not rows or not cols:
        return
    i, k = data.draw(st.sampled_from(rows)), data.draw(st.sampled_from(cols))
    bigger = dataclasses.replace(w, rank=w.rank + 1, minor_rows=w.minor_rows + (i,),
                                 minor_cols=w.minor_cols + (k,), kernel=w.kernel[1:])
    with pytest.raises(WitnessCheckFailed, match="singular"):
        check_rank_witness(A, bigger)


# --- the integer fast path gives the reference witnesses --------------------------------------


@st.composite
def wide_networks(draw):
    """Networks with many more columns than 4 x rows (so the pivot scan runs in several blocks
    and may stop early) and, in the conv-like variant, many proportional columns."""
    K = draw(st.integers(2, 3))
    n = draw(st.integers(1, 3))
    S = draw(st.integers(3, 5))
    conv = draw(st.booleans())
    coeffs = st.sampled_from(["1", "-1", "2", "1/2", "-3/4", "3"])
    layers = []
    for _ in range(K):
        if conv:  # every parameter a multiple of a cyclic shift: products are scaled shifts
            entries = []
            for p in range(S):
                shift, c = draw(st.integers(0, n - 1)), draw(coeffs)
                entries += [[p, i, (i + shift) % n, c] for i in range(n)]
        else:
            cells = [(p, i, j) for p in range(S) for i in range(n) for j in range(n)]
            chosen = draw(st.lists(st.sampled_from(cells), max_size=len(cells), unique=True))
            entries = [[p, i, j, draw(coeffs)] for p, i, j in chosen]
        layers.append({"rows": n, "cols": n, "params": S, "entries": entries})
    return structured_network({"kind": "structured", "layers": layers})


@settings(max_examples=60, deadline=None)
@given(wide_networks(), st.sampled_from([None, "left", "right"]))
def test_integer_lifting_gives_the_reference_witness(net, side):
    # lifting_operator_int keeps A as integers / denominator and rank_witness never builds
    # Fractions from it; the dict lifting goes through the Fractions; sympy shares no code.
    from algebra.lifting import lifting_operator_sparse
    from algebra.lifting_int import IntegerColumns, lifting_operator_int

    A_int, A_dict = lifting_operator_int(net), lifting_operator_sparse(net)
    assert isinstance(A_int.columns, IntegerColumns) and type(A_dict.columns) is dict
    fast = rank_witness(A_int, side=side)
    assert rank_witness(A_dict, side=side) == fast
    ref = rank_witness(A_dict, side=side, method="sympy")
    assert dataclasses.replace(fast, method="sympy", prime=None) == ref
    check_rank_witness(A_int, fast)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 5), st.integers(1, 50), st.integers(0, 3), st.sampled_from([2, 3, 5, 7, 2**61 - 1]),
       st.integers(0, 2**32))
def test_column_pivot_shortcuts_equal_the_full_rref(n_rows, n, k, p, seed):
    # exact._column_pivots skips proportional columns and stops at rank n_rows; it must return
    # the pivots of the reduced echelon form of the whole matrix modulo p, also for tiny primes
    # where columns vanish or become dependent modulo p.
    import flint

    rng = np.random.default_rng(seed)
    base = rng.integers(-2, 3, size=(max(k, 1), n_rows))
    rows = []
    for _ in range(n):
        kind = rng.integers(3)
        if kind == 0 or not rows:
            row = rng.integers(-3, 4, size=n_rows)
        elif kind == 1:  # proportional to an earlier column
            row = rows[rng.integers(len(rows))] * int(rng.choice([-2, -1, 1, 3]))
        else:  # in a k-dimensional subspace
            row = rng.integers(-2, 3, size=len(base)) @ base
        if row.any():
            rows.append(row)
    if not rows:
        return
    At = np.array(rows, dtype=np.int64)
    C, reps = exact._column_pivots(At, p)
    assert C == exact._pivots(flint.nmod_mat(exact._fmpz(At), p).transpose())
    assert list(reps) == sorted(reps) and set(C) <= set(reps.tolist())


HUGE = 3**45


@pytest.mark.parametrize("coeffs", [
    [str(HUGE), "1/7", -1, str(HUGE), 2, "-1/2"],  # products beyond int64: object dtype
    [f"1/{HUGE}", f"2/{HUGE}", f"-1/{HUGE}", f"1/{HUGE}", f"3/{HUGE}", f"-2/{HUGE}"],  # int64 over a huge denominator
    [f"{2**70}/{HUGE}", "1/7", -1, 1, 2, "-1/2"],
])
def test_integer_lifting_with_huge_entries_or_denominators(coeffs):
    # object-dtype integers, or int64 integers over a denominator beyond int64: the Python
    # integer branch of exact._integer_matrix must give the reference witnesses too
    from algebra.lifting import lifting_operator_sparse
    from algebra.lifting_int import lifting_operator_int

    cells = [(0, 0, 0), (0, 0, 1), (1, 1, 0), (1, 1, 1), (2, 0, 0), (2, 1, 1)]
    layer = {"rows": 2, "cols": 2, "params": 3, "entries": [[*cell, c] for cell, c in zip(cells, coeffs)]}
    net = structured_network({"layers": [layer, layer]})
    A_int, A_dict = lifting_operator_int(net), lifting_operator_sparse(net)
    for side in (None, "left", "right"):
        fast = rank_witness(A_int, side=side)
        assert fast == rank_witness(A_dict, side=side)
        ref = rank_witness(A_dict, side=side, method="sympy")
        assert dataclasses.replace(fast, method="sympy", prime=None) == ref
        check_rank_witness(A_int, fast)


def test_dense_budget_refuses_instead_of_aborting(monkeypatch):
    """The modular route's dense integer matrix is bounded: over budget -> BudgetExceeded."""
    import algebra.exact as exact
    from algebra.errors import BudgetExceeded

    cols = {j: {i: F(i + j + 1) for i in range(4)} for j in range(5)}  # 4 x 5 = 20 cells
    monkeypatch.setattr(exact, "MAX_DENSE_CELLS", 19)
    with pytest.raises(BudgetExceeded, match="dense 5 x 4 integer matrix"):
        exact.matrix_rank_witness(cols, 4)
    monkeypatch.setattr(exact, "MAX_DENSE_CELLS", 20)
    assert exact.matrix_rank_witness(cols, 4).rank == 2


# --- the self-check runs in C (python-flint): minor modulo a prime, kernel by integer products ---


def test_a_large_singular_minor_is_rejected():
    # 40 x 40 of rank 39 (last column = sum of the others): singular modulo every prime, and the
    # exact determinant confirms it
    rng = random.Random(3)
    n = 40
    cols = {j: {i: F(rng.randint(-3, 3)) for i in range(n)} for j in range(n - 1)}
    cols[n - 1] = {i: sum((cols[j][i] for j in range(n - 1)), F(0)) for i in range(n)}
    cols = {j: {i: v for i, v in c.items() if v} for j, c in cols.items()}
    w = matrix_rank_witness(cols, n)
    assert w.rank == n - 1
    bad = dataclasses.replace(w, rank=n, minor_rows=tuple(range(n)), minor_cols=tuple(range(n)), kernel=())
    with pytest.raises(WitnessCheckFailed, match="singular"):
        check_rank_witness(cols, bad)


def test_a_minor_singular_only_modulo_the_check_prime_is_accepted(monkeypatch):
    # det [[1, 1], [1, 4]] = 3: zero modulo 3 but not over Q -- the exact determinant decides
    monkeypatch.setattr(exact, "_check_prime", lambda: 3)
    cols = {0: {0: F(1), 1: F(1)}, 1: {0: F(1), 1: F(4)}}
    w = matrix_rank_witness(cols, 2)
    assert w.rank == 2
    check_rank_witness(cols, w)


@pytest.mark.parametrize("side", ["left", "right"])
def test_a_wrong_kernel_vector_is_rejected_in_any_block(monkeypatch, side):
    # 300 kernel vectors checked in blocks of 256 vectors and (here) 7 entries: a wrong entry in
    # vector 280 is found, with its own number
    monkeypatch.setattr(exact, "CHECK_BLOCK_CELLS", 7)
    n = 301
    if side == "right":  # 1 x 301: the right kernel has 300 vectors
        cols = {j: {0: F(j + 1, 2)} for j in range(n)}
        w = matrix_rank_witness(cols, 1, side="right")
    else:  # 301 x 1: the left kernel has 300 vectors
        cols = {0: {i: F(i + 1, 3) for i in range(n)}}
        w = matrix_rank_witness(cols, n, side="left")
    assert len(w.kernel) == 300
    check_rank_witness(cols, w)
    kernel = [dict(v) for v in w.kernel]
    key = next(k for k in kernel[280] if kernel[280][k] != 1)
    kernel[280][key] += F(1, 7)
    with pytest.raises(WitnessCheckFailed, match=f"{side}-kernel vector 280 is not in the"):
        check_rank_witness(cols, dataclasses.replace(w, kernel=tuple(kernel)))


def test_the_check_of_an_integer_lifting_operator_builds_no_fractions():
    # A from the batched integer lifting keeps A = P / D; the rank and its check read P only
    from algebra.lifting_int import lifting_operator_int
    from tests.operators import random_structured_spec

    A = lifting_operator_int(structured_network(random_structured_spec(3, 4, 5)))
    for side in ("left", "right"):
        check_rank_witness(A, rank_witness(A, side=side))
    assert A.columns._fractions is None
