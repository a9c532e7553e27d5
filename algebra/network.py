"""Deep structured linear networks as multilinear maps (paper, section 1.2.2 and (1.2)).

A network has K layers. Layer k has a parameter vector h_k of length ``params`` (S_k; it may
differ per layer) and a linear map M_k : Q^{S_k} -> Q^{rows x cols} given by sparse exact
coefficients ``(param, row, col, coefficient)``:

    M_k(h_k)[row, col] = sum of coefficient * h_k[param] over the entries at (row, col).

The action of the network is X = M_1(h_1) ... M_K(h_K) (paper, (1.2)); layer k's ``cols`` must
equal layer k+1's ``rows``. Indices are 0-based everywhere in tensorlift.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np

from .errors import SpecError
from .limits import MAX_CELLS, MAX_DIMENSION, MAX_ENTRIES, MAX_LAYERS, MAX_PARAMS
from .rational import fraction_to_str, parse_int, to_fraction

__all__ = ["Layer", "MultilinearMap", "SparseMatrix", "sparse_matmul", "dense_from_sparse"]


def _budget(field: str, value: int, limit: int, what: str) -> None:
    if value > limit:
        raise SpecError(field, f"{value} exceeds the supported maximum {limit} ({what}; "
                               f"it would need ~{value * 8 / 2**30:.3g} GiB for one dense vector of that size)")

# A sparse exact matrix: row -> {col: value}; zero values are never stored.
SparseMatrix = dict[int, dict[int, Fraction]]


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


@dataclass(frozen=True)
class Layer:
    """One factor M_k of the network: a linear map Q^params -> Q^{rows x cols}.

    ``entries`` are ``(param, row, col, coefficient)`` with exact Fraction coefficients;
    repeated (param, row, col) triples are summed and zero coefficients dropped by
    :meth:`MultilinearMap.from_spec`, so the tuple is canonical (sorted, unique, non-zero).
    """

    rows: int
    cols: int
    params: int
    entries: tuple[tuple[int, int, int, Fraction], ...]

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

    Build one with :meth:`from_spec` (validating) or directly from already-checked
    :class:`Layer` objects.

    Examples
    --------
    A 2x2 matrix product with every entry a parameter (K = 2, S_1 = S_2 = 4):

    >>> def full(r, c):
    ...     return {"rows": r, "cols": c, "params": r * c,
    ...             "entries": [[i * c + j, i, j, 1] for i in range(r) for j in range(c)]}
    >>> net = MultilinearMap.from_spec({"kind": "structured", "layers": [full(2, 2), full(2, 2)]})
    >>> net.K, net.shape, net.param_counts
    (2, (2, 2), (4, 4))
    >>> net.evaluate([[1, 0, 0, 1], [1, 2, 3, 4]])
    [[Fraction(1, 1), Fraction(2, 1)], [Fraction(3, 1), Fraction(4, 1)]]
    """

    layers: tuple[Layer, ...]

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_spec(cls, spec: Mapping, field: str = "") -> "MultilinearMap":
        """Validate a ``structured`` spec (a dict read from JSON) and build the map.

        Raises :class:`~algebra.errors.SpecError` naming the offending field.
        """
        prefix = f"{field}." if field else ""
        if not isinstance(spec, Mapping):
            raise SpecError(field or "spec", f"expected a JSON object, got {type(spec).__name__}")
        layers_spec = spec.get("layers")
        if not isinstance(layers_spec, list) or not layers_spec:
            raise SpecError(f"{prefix}layers", "expected a non-empty list of layers")
        _budget(f"{prefix}layers", len(layers_spec), MAX_LAYERS, "number of layers K")
        layers: list[Layer] = []
        for k, ls in enumerate(layers_spec):
            where = f"{prefix}layers[{k}]"
            if not isinstance(ls, Mapping):
                raise SpecError(where, "expected an object with rows, cols, params, entries")
            unknown = set(ls) - {"rows", "cols", "params", "entries", "name"}
            if unknown:
                raise SpecError(where, f"unknown field(s) {sorted(unknown)}")
            for key in ("rows", "cols", "params", "entries"):
                if key not in ls:
                    raise SpecError(f"{where}.{key}", "missing")
            rows = parse_int(ls["rows"], f"{where}.rows", minimum=1)
            cols = parse_int(ls["cols"], f"{where}.cols", minimum=1)
            params = parse_int(ls["params"], f"{where}.params", minimum=1)
            _budget(f"{where}.rows", rows, MAX_DIMENSION, "rows of one layer")
            _budget(f"{where}.cols", cols, MAX_DIMENSION, "cols of one layer")
            _budget(f"{where}.params", params, MAX_PARAMS, "parameters S_k of one layer")
            _budget(f"{where}.rows x cols", rows * cols, MAX_CELLS, "cells of one layer's matrix")
            if layers and layers[-1].cols != rows:
                raise SpecError(
                    f"{where}.rows",
                    f"dimension mismatch: layer {k - 1} has {layers[-1].cols} cols but layer {k} has {rows} rows",
                )
            if not isinstance(ls["entries"], list):
                raise SpecError(f"{where}.entries", "expected a list of [param, row, col, coefficient]")
            _budget(f"{where}.entries", len(ls["entries"]), MAX_ENTRIES, "entries of one layer")
            acc: dict[tuple[int, int, int], Fraction] = {}
            for j, e in enumerate(ls["entries"]):
                ew = f"{where}.entries[{j}]"
                if not isinstance(e, list) or len(e) != 4:
                    raise SpecError(ew, f"expected [param, row, col, coefficient], got {e!r}")
                p = parse_int(e[0], f"{ew}[0] (param)", minimum=0)
                r = parse_int(e[1], f"{ew}[1] (row)", minimum=0)
                c = parse_int(e[2], f"{ew}[2] (col)", minimum=0)
                if p >= params:
                    raise SpecError(f"{ew}[0] (param)", f"index {p} out of range 0..{params - 1}")
                if r >= rows:
                    raise SpecError(f"{ew}[1] (row)", f"index {r} out of range 0..{rows - 1}")
                if c >= cols:
                    raise SpecError(f"{ew}[2] (col)", f"index {c} out of range 0..{cols - 1}")
                acc[(p, r, c)] = acc.get((p, r, c), Fraction(0)) + to_fraction(e[3], f"{ew}[3] (coefficient)")
            entries = tuple(sorted((p, r, c, v) for (p, r, c), v in acc.items() if v != 0))
            layers.append(Layer(rows, cols, params, entries))
        m, n = layers[0].rows, layers[-1].cols
        _budget(f"{prefix}layers[0].rows x layers[{len(layers) - 1}].cols", m * n, MAX_CELLS,
                "entries of the product X, the rows of the lifting operator A")
        return cls(tuple(layers))

    def to_spec(self) -> dict:
        """The canonical ``structured`` spec of this map (inverse of :meth:`from_spec`)."""
        return {
            "kind": "structured",
            "layers": [
                {"rows": l.rows, "cols": l.cols, "params": l.params,
                 "entries": [[p, r, c, fraction_to_str(v)] for p, r, c, v in l.entries]}
                for l in self.layers
            ],
        }

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
