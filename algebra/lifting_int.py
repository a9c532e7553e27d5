"""A faster construction of the lifting operator A: batched integer products (Corollary 5.2).

Same result as :func:`algebra.lifting.lifting_operator_sparse` (same non-zero columns, same order,
same Fractions -- the tests check equality) but the partial products M_1(e_{i_1}) ...
M_k(e_{i_k}) are held as a stack of dense integer matrices and extended for all parameters of
the next layer at once with one ``numpy.matmul``, instead of one Python dict product per pair.

Exactness: layer k's coefficients are scaled by the lcm D_k of their denominators, so every
partial product is an integer matrix; A = (integer product) / (D_1 ... D_K). ``int64`` is used
only when an a-priori bound on every entry (prod_k max|coefficient_k| times the number of
paths, prod of the inner dimensions) is below 2^62; otherwise numpy ``object`` arrays of
Python integers (exact, slower).

Sparse propagation is kept: only non-zero partial products are extended, and prefixes are
processed in chunks so that at most ``chunk_entries`` integers are alive per step.

Memory: every kept partial product is a dense rows x cols integer matrix, so this suits
networks whose products are dense-ish (random structured layers). For very sparse products of
large matrices (convolutional networks on long signals) the dict-based
:func:`algebra.lifting.lifting_operator_sparse` stores far less; :func:`algebra.lifting.lifting_operator`
chooses between the two.

The result keeps the integer form: its ``columns`` are an :class:`IntegerColumns` view that
behaves like the dict of the other constructions but builds the Fractions only when one is
read. :func:`algebra.exact.rank_witness` reads the integers instead.

Measured (tests/benchmarks/bench_lifting_rank.py, K = 4, S = 8, 4x4 factors, 30 % density):
0.002 s against 0.10 s for :func:`algebra.lifting.lifting_operator_sparse`; reading all of the
Fraction view adds 0.009 s (Fraction entries are shared per distinct value).
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from fractions import Fraction

import numpy as np

from .budget import Budget
from .lifting_operator import LIFTING_PHASE, LiftingOperator
from .network import MultilinearMap

__all__ = ["lifting_operator_int", "IntegerColumns", "INT_OPS_PER_UNIT"]

# int64 multiply-adds per work unit (~1 us): numpy's batched matmul does ~1000 of them per
# microsecond on the reference machine (a 144 x 10000 operator, 1.7e7 of them, takes 0.025 s);
# with Python integers (dtype object) one multiply-add costs about a unit.
INT_OPS_PER_UNIT = 1000


class _FractionCache(dict):
    """integer v -> Fraction(v, denominator), computed once per distinct v."""

    def __init__(self, denominator: int):
        super().__init__()
        self.denominator = denominator

    def __missing__(self, v):
        f = self[v] = Fraction(int(v), self.denominator)
        return f


class IntegerColumns(Mapping):
    """Read-only ``{index tuple: {row: Fraction}}`` view of A = ``integers`` / ``denominator``.

    The ``columns`` of a lifting operator built by :func:`lifting_operator_int`. It behaves
    like the dict of the other constructions (same keys in the same order, same values,
    equal to it), but keeps the exact integer form the products were computed in:
    ``integers[j, r] / denominator`` is A[r, j-th non-zero column]. The Fraction dicts are
    built only when a value is first read -- :func:`algebra.exact.rank_witness` works on
    ``integers`` directly, and building ~65k Fractions used to cost more than the whole
    lifting (tests/benchmarks/bench_lifting_rank.py).

    Attributes
    ----------
    tuples : list of tuple
        The index tuples of the non-zero columns, lexicographic.
    integers : numpy.ndarray
        ``len(tuples) x n_rows``, dtype int64 or object (Python integers); no zero row.
    denominator : int
        A common denominator of A (positive).

    Examples
    --------
    >>> cols = IntegerColumns([(0, 1), (1, 0)], np.array([[0, 3], [-4, 0]]), 2)
    >>> cols
    {(0, 1): {1: Fraction(3, 2)}, (1, 0): {0: Fraction(-2, 1)}}
    >>> (0, 1) in cols, len(cols), cols == {(0, 1): {1: Fraction(3, 2)}, (1, 0): {0: -2}}
    (True, 2, True)
    """

    def __init__(self, tuples: list, integers: np.ndarray, denominator: int):
        self.tuples = tuples
        self.integers = integers
        integers.flags.writeable = False  # a read-only view: the Fractions are derived from it
        self.denominator = int(denominator)
        self._positions: dict | None = None
        self._fractions: dict | None = None

    def _dict(self) -> dict:
        if self._fractions is None:
            # Entries repeat a lot (sums of products of few coefficients): share one immutable
            # Fraction per distinct integer instead of normalising each entry again.
            fractions = _FractionCache(self.denominator)
            rows = self.integers.tolist()
            self._fractions = {key: {r: fractions[v] for r, v in enumerate(row) if v}
                               for key, row in zip(self.tuples, rows)}
        return self._fractions

    def __getitem__(self, key):
        return self._dict()[key]

    def __contains__(self, key) -> bool:
        if self._positions is None:
            self._positions = dict.fromkeys(self.tuples)
        return key in self._positions

    def __iter__(self) -> Iterator:
        return iter(self.tuples)

    def __len__(self) -> int:
        return len(self.tuples)

    def items(self):
        return self._dict().items()

    def values(self):
        return self._dict().values()

    def __repr__(self) -> str:
        return repr(self._dict())


def _integer_basis(layer, dtype):
    D = math.lcm(1, *[v.denominator for *_, v in layer.entries])
    B = np.zeros((layer.params, layer.rows, layer.cols), dtype=dtype)
    for p, r, c, v in layer.entries:
        B[p, r, c] = v.numerator * (D // v.denominator)
    return B, D


def lifting_operator_int(net: MultilinearMap, budget: Budget | None = None, *,
                         chunk_entries: int = 4_000_000) -> LiftingOperator:
    """Build A like :func:`algebra.lifting.lifting_operator`, with batched integer products.

    Parameters
    ----------
    net : MultilinearMap
    budget : Budget, optional
        Default :meth:`Budget.default`. Charged before each batched product (one unit per
        :data:`INT_OPS_PER_UNIT` integer multiply-adds); more than its ``max_columns`` non-zero
        partial products at any layer raises :class:`~algebra.errors.BudgetExceeded`.
    chunk_entries : int
        Memory bound: integers materialised per matmul step.

    Examples
    --------
    >>> from algebra.lifting import lifting_operator_sparse
    >>> from fractions import Fraction
    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 2, 2, [(0, 0, 0, Fraction(1, 2)), (1, 0, 1, 3)]),
    ...                       Layer(2, 2, 2, [(0, 0, 1, 1), (1, 1, 0, Fraction(-2, 3))])])
    >>> A = lifting_operator_int(net)
    >>> A.columns
    {(0, 0): {1: Fraction(1, 2)}, (1, 1): {0: Fraction(-2, 1)}}
    >>> A.columns == lifting_operator_sparse(net).columns
    True
    """
    budget = budget if budget is not None else Budget.default()
    # a-priori bound on |entries| of every integer partial product, to choose int64 safely
    bound = 1
    for k, layer in enumerate(net.layers):
        D = math.lcm(1, *[v.denominator for *_, v in layer.entries])
        bound *= max([abs(v.numerator) * (D // v.denominator) for *_, v in layer.entries] + [0])
        if k < net.K - 1:
            bound *= layer.cols  # number of paths through the inner index
    dtype = np.int64 if bound < 2**62 else object
    bases, dens = zip(*(_integer_basis(layer, dtype) for layer in net.layers))

    def nonzero(stack):
        flat = stack.reshape(stack.shape[0], math.prod(stack.shape[1:]))  # works for 0 rows
        return np.flatnonzero(flat.any(axis=1))

    idx = nonzero(bases[0])
    P = bases[0][idx]
    keys = idx[:, None]  # one row (i_1, ..., i_k) per kept product; tuples only at the end
    for B in bases[1:]:
        idx = nonzero(B)
        Bn = B[idx]
        per_prefix = max(1, len(idx) * P.shape[1] * B.shape[2])
        chunk = max(1, chunk_entries // per_prefix)
        key_parts, parts, count = [], [], 0
        for start in range(0, len(keys), chunk):
            n_prefixes = min(chunk, len(keys) - start)
            ops = n_prefixes * len(idx) * P.shape[1] * P.shape[2] * B.shape[2]
            budget.charge(ops // (INT_OPS_PER_UNIT if dtype is np.int64 else 1) + n_prefixes, LIFTING_PHASE)
            Q = np.matmul(P[start:start + chunk, None], Bn[None])  # (n, s, rows, cols)
            Q = Q.reshape(-1, Q.shape[-2], Q.shape[-1])
            keep = nonzero(Q)
            parts.append(Q[keep])
            s = len(idx)
            key_parts.append(np.column_stack([keys[start + keep // s], idx[keep % s]]))
            count += len(keep)
            budget.check_columns(count, LIFTING_PHASE)
        keys = np.concatenate(key_parts) if parts else np.zeros((0, keys.shape[1] + 1), dtype=np.intp)
        P = np.concatenate(parts) if parts else np.zeros((0, P.shape[1], B.shape[2]), dtype=dtype)
    budget.check_columns(len(keys), LIFTING_PHASE)
    # rows of A are vec(X) row-major: each kept product flattened is one column of A
    integers = P.reshape(P.shape[0], math.prod(P.shape[1:]))
    tuples = list(map(tuple, keys.tolist()))
    return LiftingOperator(net.shape, net.param_counts, IntegerColumns(tuples, integers, math.prod(dens)))
