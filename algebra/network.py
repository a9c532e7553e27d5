"""Deep structured linear networks as multilinear maps (paper, section 1.2.2 and (1.2)).

A network has K layers. Layer k has a parameter vector h_k of length ``params`` (S_k; it may
differ per layer) and a linear map M_k : Q^{S_k} -> Q^{rows x cols} given by sparse exact
coefficients ``(param, row, col, coefficient)``:

    M_k(h_k)[row, col] = sum of coefficient * h_k[param] over the entries at (row, col).

The action of the network is X = M_1(h_1) ... M_K(h_K) (paper, (1.2)); layer k's ``cols`` must
equal layer k+1's ``rows``. Indices are 0-based everywhere in tensorlift.

The constructors :class:`Layer` and :class:`MultilinearMap` validate their arguments (raising
:class:`~algebra.errors.SpecError` naming the argument); :meth:`Layer.from_checked` is the cheap
route for parts a caller has already checked. Reading a spec file is not this module's business:
``graphs.structured_spec`` reads the ``structured`` spec and its size limits.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

import numpy as np

from .errors import SpecError
from .rational import to_fraction

__all__ = ["Layer", "MultilinearMap", "SparseMatrix", "sparse_matmul", "dense_from_sparse"]

# A sparse exact matrix: row -> {col: value}; zero values are never stored.
SparseMatrix = dict[int, dict[int, Fraction]]

Entry = tuple[int, int, int, Fraction]


def sparse_matmul(a: Mapping[int, Mapping[int, Fraction]], b: Mapping[int, Mapping[int, Fraction]]) -> SparseMatrix:
    """Exact product of two sparse matrices held as ``row -> {col: value}``."""
    out: SparseMatrix = {}
    for r, row in a.items():
        acc: dict[int, Fraction] = {}
        for mid, v in row.items():
            brow = b.get(mid)
            if not brow:
                continue
            for c, w in brow.items():
                acc[c] = acc.get(c, 0) + v * w
        acc = {c: x for c, x in acc.items() if x != 0}
        if acc:
            out[r] = acc
    return out


def dense_from_sparse(a: Mapping[int, Mapping[int, Fraction]], rows: int, cols: int) -> list[list[Fraction]]:
    """Dense list-of-lists copy of a sparse matrix."""
    dense = [[Fraction(0)] * cols for _ in range(rows)]
    for r, row in a.items():
        for c, v in row.items():
            dense[r][c] = Fraction(v)
    return dense


def _dimension(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SpecError(name, f"expected an integer >= 1, got {value!r:.60}")
    return value


def _canonical_entries(entries: Iterable, rows: int, cols: int, params: int) -> tuple[Entry, ...]:
    """Check every (param, row, col, coefficient) and return them summed, non-zero and sorted.

    One pass when the entries are already canonical (the common case of a compiled network);
    otherwise repeated triples are summed, zeros dropped and the result sorted.
    """
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Iterable):
        raise SpecError("entries", f"expected a sequence of (param, row, col, coefficient), got {type(entries).__name__}")
    out: list[Entry] = []
    canonical = True
    previous: tuple[int, int, int] | None = None
    for e in entries:
        if isinstance(e, (str, bytes)) or not isinstance(e, Sequence) or len(e) != 4:
            raise SpecError("entries", f"entry {e!r:.60}: expected (param, row, col, coefficient)")
        p, r, c, v = e
        key = (p, r, c)
        for value, name, bound in ((p, "param", params), (r, "row", rows), (c, "col", cols)):
            if isinstance(value, bool) or not isinstance(value, int):
                raise SpecError("entries", f"entry {key!r:.60}: {name} {value!r:.30} is not an integer")
            if not 0 <= value < bound:
                raise SpecError("entries", f"entry {key}: {name} {value} out of range 0..{bound - 1}")
        if not isinstance(v, Fraction):
            if isinstance(v, bool) or not isinstance(v, int):  # a float is rarely the rational meant
                raise SpecError("entries", f"entry {key}: coefficient {v!r:.40} is not an int or a Fraction")
            v = Fraction(v)
        if v == 0 or (previous is not None and key <= previous):
            canonical = False
        previous = key
        out.append((p, r, c, v))
    if canonical:
        return tuple(out)
    acc: dict[tuple[int, int, int], Fraction] = {}
    for p, r, c, v in out:
        acc[(p, r, c)] = acc.get((p, r, c), Fraction(0)) + v
    return tuple(sorted((p, r, c, v) for (p, r, c), v in acc.items() if v != 0))


@dataclass(frozen=True)
class Layer:
    """One factor M_k of the network: a linear map Q^params -> Q^{rows x cols}.

    Parameters
    ----------
    rows, cols, params : int
        The shape of M_k(h_k) and the length S_k of h_k (each >= 1).
    entries : iterable of (param, row, col, coefficient)
        0-based indices in range and exact coefficients (int or Fraction). Repeated
        (param, row, col) triples are summed and zero coefficients dropped, so ``entries`` is
        stored canonical (sorted, unique triples, non-zero Fractions).

    Raises
    ------
    SpecError
        Naming the argument, e.g. ``entries: entry (3, 0, 5): col 5 out of range 0..3``.

    Examples
    --------
    >>> Layer(1, 2, 2, [(1, 0, 1, 2), (0, 0, 0, 1), (1, 0, 1, -1), (0, 0, 1, 0)]).entries
    ((0, 0, 0, Fraction(1, 1)), (1, 0, 1, Fraction(1, 1)))
    >>> Layer(1, 4, 4, [(3, 0, 5, 1)])
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: entries: entry (3, 0, 5): col 5 out of range 0..3
    """

    rows: int
    cols: int
    params: int
    entries: tuple[Entry, ...] = ()

    def __post_init__(self):
        rows = _dimension(self.rows, "rows")
        cols = _dimension(self.cols, "cols")
        params = _dimension(self.params, "params")
        object.__setattr__(self, "entries", _canonical_entries(self.entries, rows, cols, params))

    @classmethod
    def from_checked(cls, rows: int, cols: int, params: int, entries: tuple[Entry, ...]) -> "Layer":
        """A layer from parts the caller has already checked: no validation, no copy.

        ``entries`` must already be canonical (sorted, unique (param, row, col) triples in
        range, non-zero Fraction coefficients), as a spec reader or a network compiler builds them.
        """
        layer = object.__new__(cls)
        for name, value in (("rows", rows), ("cols", cols), ("params", params), ("entries", entries)):
            object.__setattr__(layer, name, value)
        return layer

    def basis_matrix(self, param: int) -> SparseMatrix:
        """M_k(e_param) as a sparse matrix (the building block of the lifting, Cor. 5.2)."""
        out: SparseMatrix = {}
        for p, r, c, v in self.entries:
            if p == param:
                out.setdefault(r, {})[c] = v
        return out

    def basis_matrices(self) -> list[SparseMatrix]:
        """[M_k(e_0), ..., M_k(e_{S_k - 1})], each sparse."""
        out: list[SparseMatrix] = [{} for _ in range(self.params)]
        for p, r, c, v in self.entries:
            out[p].setdefault(r, {})[c] = v
        return out

    def sparse_matrix(self, h: Sequence) -> SparseMatrix:
        """M_k(h) exactly, as a sparse matrix."""
        out: SparseMatrix = {}
        for p, r, c, v in self.entries:
            x = v * Fraction(h[p])
            if x:
                row = out.setdefault(r, {})
                row[c] = row.get(c, 0) + x
        return {r: {c: x for c, x in row.items() if x} for r, row in out.items() if any(row.values())}

    def float_matrix(self, h: Sequence[float]) -> np.ndarray:
        """M_k(h) in floating point (for ``numeric`` claims and optimisation)."""
        m = np.zeros((self.rows, self.cols))
        if self.entries:
            p, r, c, v = (np.array(x) for x in zip(*self.entries))
            np.add.at(m, (r.astype(int), c.astype(int)), v.astype(float) * np.asarray(h, float)[p.astype(int)])
        return m


@dataclass(frozen=True)
class MultilinearMap:
    """A deep structured linear network h -> M_1(h_1) ... M_K(h_K) (paper, (1.2)).

    Parameters
    ----------
    layers : sequence of Layer
        M_1, ..., M_K (at least one); layer k's ``cols`` must equal layer k+1's ``rows``.

    Raises
    ------
    SpecError
        Naming the argument, e.g. ``layers[1]: 3 rows, but layers[0] has 2 cols ...``.

    Examples
    --------
    A 2x2 matrix product with every entry a parameter (K = 2, S_1 = S_2 = 4):

    >>> def full(r, c):
    ...     return Layer(r, c, r * c, [(i * c + j, i, j, 1) for i in range(r) for j in range(c)])
    >>> net = MultilinearMap([full(2, 2), full(2, 2)])
    >>> net.K, net.shape, net.param_counts
    (2, (2, 2), (4, 4))
    >>> net.evaluate([[1, 0, 0, 1], [1, 2, 3, 4]])
    [[Fraction(1, 1), Fraction(2, 1)], [Fraction(3, 1), Fraction(4, 1)]]
    >>> MultilinearMap([full(2, 2), full(3, 1)])
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: layers[1]: 3 rows, but layers[0] has 2 cols (the product M_1 ... M_K needs them equal)
    """

    layers: tuple[Layer, ...]

    def __post_init__(self):
        layers = self.layers
        if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Iterable):
            raise SpecError("layers", f"expected a sequence of Layer, got {type(layers).__name__}")
        layers = tuple(layers)
        if not layers:
            raise SpecError("layers", "expected at least one Layer")
        for k, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise SpecError(f"layers[{k}]", f"expected a Layer, got {type(layer).__name__}")
            if k and layers[k - 1].cols != layer.rows:
                raise SpecError(f"layers[{k}]", f"{layer.rows} rows, but layers[{k - 1}] has {layers[k - 1].cols} "
                                                "cols (the product M_1 ... M_K needs them equal)")
        object.__setattr__(self, "layers", layers)

    # ----------------------------------------------------------------- shape
    @property
    def K(self) -> int:
        """Number of factors."""
        return len(self.layers)

    @property
    def shape(self) -> tuple[int, int]:
        """(m, n) = (m_1, m_{K+1}): the shape of the product X."""
        return (self.layers[0].rows, self.layers[-1].cols)

    @property
    def param_counts(self) -> tuple[int, ...]:
        """(S_1, ..., S_K)."""
        return tuple(l.params for l in self.layers)

    @property
    def S(self) -> int:
        """The paper's S = max_k S_k (the paper pads every layer to one S)."""
        return max(self.param_counts)

    # ----------------------------------------------------------------- evaluation
    def check_params(self, h: Sequence[Sequence]) -> list[list[Fraction]]:
        """Validate a parameter list h = [h_1, ..., h_K] and convert it to Fractions."""
        if len(h) != self.K:
            raise SpecError("h", f"expected {self.K} parameter vectors, got {len(h)}")
        out = []
        for k, (hk, layer) in enumerate(zip(h, self.layers)):
            if len(hk) != layer.params:
                raise SpecError(f"h[{k}]", f"expected {layer.params} values, got {len(hk)}")
            out.append([to_fraction(x, f"h[{k}][{i}]") for i, x in enumerate(hk)])
        return out

    def evaluate_sparse(self, h: Sequence[Sequence]) -> SparseMatrix:
        """M_1(h_1) ... M_K(h_K) exactly, as a sparse matrix."""
        h = self.check_params(h)
        prod = self.layers[0].sparse_matrix(h[0])
        for layer, hk in zip(self.layers[1:], h[1:]):
            prod = sparse_matmul(prod, layer.sparse_matrix(hk))
        return prod

    def evaluate(self, h: Sequence[Sequence]) -> list[list[Fraction]]:
        """M_1(h_1) ... M_K(h_K) exactly over Q, as a dense list of lists."""
        return dense_from_sparse(self.evaluate_sparse(h), *self.shape)

    def evaluate_float(self, h: Sequence[Sequence[float]]) -> np.ndarray:
        """M_1(h_1) ... M_K(h_K) in floating point (numpy)."""
        prod = self.layers[0].float_matrix(h[0])
        for layer, hk in zip(self.layers[1:], h[1:]):
            prod = prod @ layer.float_matrix(hk)
        return prod
