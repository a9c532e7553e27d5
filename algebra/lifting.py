"""The tensorial lifting A (paper, Proposition 5.1 and Corollary 5.2).

A is the unique linear map with M_1(h_1) ... M_K(h_K) = A P(h) for every h, where P is the
Segre embedding (4.1). Column (i_1, ..., i_K) of A is vec(M_1(e_{i_1}) ... M_K(e_{i_K})).

Conventions (the certificates depend on them):

* rows: vec is row-major, row index of entry (r, c) of X is ``r * n + c`` (X is m x n);
* columns: one per index tuple, in lexicographic order of (i_1, ..., i_K); the column number
  of a tuple is its mixed-radix value ``((i_1 * S_2 + i_2) * S_3 + i_3) ...``;
* only the non-zero columns are stored. They are found by propagating sparse partial
  products layer by layer, so a tuple whose prefix already gives a zero product is never
  extended -- the S_1 ... S_K column space is never enumerated when the factors are sparse.

Three constructions give the same A: :func:`lifting_operator_sparse` (products of sparse basis
matrices held as dicts), :func:`algebra.lifting_int.lifting_operator_int` (the same products as
batched dense integer matrices) and, independently, :func:`lifting_operator_sympy` (expand the
entries of the product as sympy polynomials and read off monomial coefficients, Proposition
5.1). Tests check they agree; :func:`lifting_operator` picks the faster of the first two.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Iterator, Mapping, Sequence

from .budget import Budget
from .errors import InternalError
from .network import MultilinearMap, SparseMatrix, sparse_matmul

__all__ = [
    "LiftingOperator",
    "lifting_operator",
    "lifting_operator_sparse",
    "lifting_operator_sympy",
    "tuple_to_column",
    "column_to_tuple",
    "LIFTING_PHASE",
]

IndexTuple = tuple[int, ...]


def tuple_to_column(index: IndexTuple, param_counts: Sequence[int]) -> int:
    """Mixed-radix (lexicographic) column number of an index tuple.

    >>> tuple_to_column((1, 0, 2), (2, 3, 4))
    14
    """
    col = 0
    for i, s in zip(index, param_counts):
        col = col * s + i
    return col


def column_to_tuple(col: int, param_counts: Sequence[int]) -> IndexTuple:
    """Inverse of :func:`tuple_to_column`.

    >>> column_to_tuple(14, (2, 3, 4))
    (1, 0, 2)
    """
    out = []
    for s in reversed(param_counts):
        col, i = divmod(col, s)
        out.append(i)
    return tuple(reversed(out))


@dataclass(frozen=True)
class LiftingOperator:
    """The lifting operator A of a network, stored by its non-zero columns.

    Attributes
    ----------
    shape : (m, n)
        Shape of the network's product X; A has m*n rows.
    param_counts : (S_1, ..., S_K)
        A has S_1 * ... * S_K columns (most of them possibly zero).
    columns : Mapping
        index tuple -> {row: Fraction}, only for non-zero columns, keys in lexicographic order.
        A plain dict from :func:`lifting_operator_sparse`; a read-only integer-backed mapping
        (:class:`algebra.lifting_int.IntegerColumns`, Fractions built on first read) from the
        batched route, so :func:`algebra.exact.rank_witness` can skip the Fraction round-trip.
        Use it as a Mapping (``dict(A.columns)`` for a real dict).
    """

    shape: tuple[int, int]
    param_counts: tuple[int, ...]
    columns: Mapping[IndexTuple, Mapping[int, Fraction]] = field(repr=False)

    @property
    def n_rows(self) -> int:
        return self.shape[0] * self.shape[1]

    @property
    def n_cols(self) -> int:
        return math.prod(self.param_counts)

    @property
    def nonzero_tuples(self) -> list[IndexTuple]:
        """The index tuples of the non-zero columns, in column (lexicographic) order."""
        return list(self.columns)

    def column_index(self, index: IndexTuple) -> int:
        return tuple_to_column(index, self.param_counts)

    def apply(self, tensor: Mapping[IndexTuple, Fraction]) -> dict[int, Fraction]:
        """A T for a sparse tensor T given as {index tuple: value}; returns {row: value}."""
        out: dict[int, Fraction] = {}
        for idx, t in tensor.items():
            col = self.columns.get(tuple(idx))
            if not col or not t:
                continue
            for r, v in col.items():
                out[r] = out.get(r, 0) + v * t
        return {r: v for r, v in out.items() if v}

    def dense_rows(self) -> list[list[Fraction]]:
        """A restricted to its non-zero columns, dense (n_rows x len(columns))."""
        tuples = self.nonzero_tuples
        dense = [[Fraction(0)] * len(tuples) for _ in range(self.n_rows)]
        for j, t in enumerate(tuples):
            for r, v in self.columns[t].items():
                dense[r][j] = v
        return dense

    def to_sympy(self, full: bool = False):
        """A as a sympy SparseMatrix over QQ (all S^K columns if ``full``, else non-zero ones)."""
        import sympy

        entries = {}
        for j, t in enumerate(self.nonzero_tuples):
            jj = self.column_index(t) if full else j
            for r, v in self.columns[t].items():
                entries[(r, jj)] = sympy.Rational(v.numerator, v.denominator)
        ncols = self.n_cols if full else len(self.columns)
        return sympy.SparseMatrix(self.n_rows, ncols, entries)


def _vec(matrix: SparseMatrix, n: int) -> dict[int, Fraction]:
    return {r * n + c: v for r, row in matrix.items() for c, v in row.items()}


# Dense integer batches need one rows x cols block per kept partial product; above this many
# entries per block the dict route is used. tests/benchmarks/bench_lifting_rank.py: with 4x4 and
# 8x8 factors (16-64 entries per block) the batched route is 4-17x faster; conv networks on long
# signals have N x N*|nodes| blocks that are almost all zero, where dense blocks waste memory.
DENSE_BLOCK_LIMIT = 1024


def lifting_operator(net: MultilinearMap, budget: Budget | None = None) -> LiftingOperator:
    """Build A (Corollary 5.2) by the faster exact route for this network.

    Dispatches to :func:`algebra.lifting_int.lifting_operator_int` when every partial product
    M_1(e_{i_1}) ... M_k(e_{i_k}) fits a dense block of at most ``DENSE_BLOCK_LIMIT`` entries,
    and to :func:`lifting_operator_sparse` otherwise; both return the identical operator.

    ``budget`` (default :meth:`Budget.default`) is charged as the partial products grow; more
    than its ``max_columns`` non-zero partial products at any layer raises
    :class:`~algebra.errors.BudgetExceeded` instead of exhausting memory.

    Examples
    --------
    K = 1 gives A = the matrix of M_1 (Corollary 5.2):

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 2, 2, [(0, 0, 0, 1), (1, 0, 1, Fraction(1, 2)), (1, 0, 0, 3)])])
    >>> A = lifting_operator(net)
    >>> A.columns
    {(0,): {0: Fraction(1, 1)}, (1,): {0: Fraction(3, 1), 1: Fraction(1, 2)}}
    """
    widest_block = net.shape[0] * max(layer.cols for layer in net.layers)
    if widest_block <= DENSE_BLOCK_LIMIT:
        from .lifting_int import lifting_operator_int  # imports this module: import lazily

        return lifting_operator_int(net, budget)
    return lifting_operator_sparse(net, budget)


LIFTING_PHASE = "lifting operator"  # the phase name budgets and progress report


def lifting_operator_sparse(net: MultilinearMap, budget: Budget | None = None) -> LiftingOperator:
    """Build A from products of sparse basis matrices M_k(e_i) (Corollary 5.2).

    Sparse propagation: keep the partial products M_1(e_{i_1}) ... M_k(e_{i_k}) that are
    non-zero and extend only those. ``budget`` (default :meth:`Budget.default`) is charged one
    unit per multiply-add (about a microsecond with Fractions) and bounds the number of non-zero
    partial products kept at any layer by its ``max_columns``.

    >>> from algebra.network import Layer
    >>> net = MultilinearMap([Layer(1, 1, 2, [(0, 0, 0, 2)]), Layer(1, 1, 3, [(2, 0, 0, Fraction(1, 3))])])
    >>> lifting_operator_sparse(net).columns      # tuples with a zero prefix are never formed
    {(0, 2): {0: Fraction(2, 3)}}
    """
    budget = budget if budget is not None else Budget.default()
    partial: dict[IndexTuple, SparseMatrix] = {}
    first = net.layers[0].basis_matrices()
    for i, b in enumerate(first):
        if b:
            partial[(i,)] = b
    for layer in net.layers[1:]:
        basis = [(i, b) for i, b in enumerate(layer.basis_matrices()) if b]
        nxt: dict[IndexTuple, SparseMatrix] = {}
        basis_entries = sum(sum(len(row) for row in b.values()) for _, b in basis)
        for prefix, prod in partial.items():  # insertion order stays lexicographic
            # a product touches at most (rows of prod) x (entries of b) pairs
            budget.charge(len(prod) * basis_entries + len(basis), LIFTING_PHASE)
            for i, b in basis:
                p = sparse_matmul(prod, b)
                if p:
                    nxt[prefix + (i,)] = p
            budget.check_columns(len(nxt), LIFTING_PHASE)
        partial = nxt
    budget.check_columns(len(partial), LIFTING_PHASE)
    n = net.shape[1]
    return LiftingOperator(net.shape, net.param_counts, {t: _vec(p, n) for t, p in partial.items()})


def lifting_operator_sympy(net: MultilinearMap) -> LiftingOperator:
    """Build A independently by expanding X = M_1(h_1) ... M_K(h_K) symbolically.

    Each entry of X is a polynomial whose monomials are h_{1,i_1} ... h_{K,i_K}
    (Proposition 5.1); its coefficient is A[row, (i_1, ..., i_K)]. Meant for small networks
    and as a cross-check of :func:`lifting_operator`; it is far slower.
    """
    import sympy

    symbols = [sympy.symbols(f"h{k}_0:{s}") for k, s in enumerate(net.param_counts)]
    gens = [x for layer in symbols for x in layer]
    product = None
    for layer, hs in zip(net.layers, symbols):
        m = sympy.zeros(layer.rows, layer.cols)
        for p, r, c, v in layer.entries:
            m[r, c] += sympy.Rational(v.numerator, v.denominator) * hs[p]
        product = m if product is None else product * m
    offsets = [0]
    for s in net.param_counts:
        offsets.append(offsets[-1] + s)
    columns: dict[IndexTuple, dict[int, Fraction]] = {}
    m, n = net.shape
    for r in range(m):
        for c in range(n):
            poly = sympy.Poly(sympy.expand(product[r, c]), *gens)
            for monom, coeff in poly.terms():
                if coeff == 0:
                    continue
                idx = []
                for k in range(net.K):
                    block = monom[offsets[k]:offsets[k + 1]]
                    if sum(block) != 1:
                        raise InternalError("Proposition 5.1: one variable per layer")
                    idx.append(block.index(1))
                col = columns.setdefault(tuple(idx), {})
                col[r * n + c] = Fraction(int(coeff.p), int(coeff.q))
    ordered = {t: columns[t] for t in sorted(columns)}
    return LiftingOperator(net.shape, net.param_counts, ordered)


def iter_tuples(param_counts: Sequence[int]) -> Iterator[IndexTuple]:
    """All index tuples in lexicographic order (only for small dense checks)."""
    import itertools

    return itertools.product(*(range(s) for s in param_counts))
