"""The lifting operator A as an object: its shape, index-tuple convention and non-zero columns.

A (Corollary 5.2) has one row per entry of the product X (row-major: entry (r, c) of an m x n X is
row ``r * n + c``) and one column per index tuple (i_1, ..., i_K), numbered in lexicographic
(mixed-radix) order; only the non-zero columns are stored. :mod:`algebra.lifting` and
:mod:`algebra.lifting_int` build it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Mapping, Sequence

__all__ = ["LiftingOperator", "IndexTuple", "tuple_to_column", "column_to_tuple", "LIFTING_PHASE"]

LIFTING_PHASE = "lifting operator"  # the phase name budgets and progress report

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
