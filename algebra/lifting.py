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

The object A (shape, index-tuple convention, non-zero columns) is
:class:`algebra.lifting_operator.LiftingOperator`. Three constructions give the same A: :func:`lifting_operator_sparse` (products of sparse basis
matrices held as dicts), :func:`algebra.lifting_int.lifting_operator_int` (the same products as
batched dense integer matrices) and, independently, :func:`lifting_operator_sympy` (expand the
entries of the product as sympy polynomials and read off monomial coefficients, Proposition
5.1). Tests check they agree; :func:`lifting_operator` picks the faster of the first two.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator, Sequence

from .budget import Budget
from .errors import InternalError
from .limits import FRACTION_BITS_PER_UNIT, MAX_COMMON_DENOMINATOR_BITS
from .lifting_int import lifting_operator_int
from .lifting_operator import LIFTING_PHASE, IndexTuple, LiftingOperator, column_to_tuple, tuple_to_column
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
    M_1(e_{i_1}) ... M_k(e_{i_k}) fits a dense block of at most ``DENSE_BLOCK_LIMIT`` entries
    and every layer's common denominator stays small (at most
    :data:`~algebra.limits.MAX_COMMON_DENOMINATOR_BITS` bits of distinct denominators), and to
    :func:`lifting_operator_sparse` otherwise; both return the identical operator.

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
    denominator_bits = max(sum(d.bit_length() for d in {v.denominator for *_, v in layer.entries})
                           for layer in net.layers)
    if widest_block <= DENSE_BLOCK_LIMIT and denominator_bits <= MAX_COMMON_DENOMINATOR_BITS:
        return lifting_operator_int(net, budget)
    return lifting_operator_sparse(net, budget)


def _bits(matrix: SparseMatrix) -> int:
    """The size in bits (numerator and denominator) of a sparse matrix's largest entry."""
    return max((v.numerator.bit_length() + v.denominator.bit_length() for row in matrix.values() for v in row.values()),
               default=0)


def lifting_operator_sparse(net: MultilinearMap, budget: Budget | None = None) -> LiftingOperator:
    """Build A from products of sparse basis matrices M_k(e_i) (Corollary 5.2).

    Sparse propagation: keep the partial products M_1(e_{i_1}) ... M_k(e_{i_k}) that are
    non-zero and extend only those. ``budget`` (default :meth:`Budget.default`) is charged one
    unit per multiply-add (about a microsecond with small Fractions; more for big numbers, by
    their sizes: :data:`~algebra.limits.FRACTION_BITS_PER_UNIT`) and bounds the number of
    non-zero partial products kept at any layer by its ``max_columns``.

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
        basis_bits = max((_bits(b) for _, b in basis), default=0)
        for prefix, prod in partial.items():  # insertion order stays lexicographic
            # a product touches at most (rows of prod) x (entries of b) pairs, each costing by the digits
            size = 1 + (_bits(prod) + basis_bits) ** 2 // FRACTION_BITS_PER_UNIT
            budget.charge(len(prod) * basis_entries * size + len(basis), LIFTING_PHASE)
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
