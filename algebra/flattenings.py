"""3 x 3 minors of the flattenings of a linear family of tensors T(z) = Σ z_i B_i.

The flattening of a tensor T of order K at layer k is the matrix with rows indexed by i_k and
columns by the other indices (i_1, ..., i_{k−1}, i_{k+1}, ..., i_K). Every P(h) = h_1 ⊗ ... ⊗ h_K
has flattenings of rank ≤ 1, so every P(h) − P(g) has flattenings of rank ≤ 2: all their 3 x 3
minors vanish (used by :mod:`algebra.difference_set`, Proposition 6.3). For a family
T(z) = Σ z_i B_i with integer tensors B_i each entry is a linear form in z, and each 3 x 3 minor
a cubic form in z with integer coefficients.

Which flattenings: one per tie class (tied layers give the same minors, the tensors being
symmetric in tied positions), and for K = 2 only the first (the second is its transpose).

Examples
--------
T(z) = z_0 I_3 + z_1 E, E the matrix unit at (0, 1): the one 3 x 3 minor is z_0³.

>>> B0 = {(0, 0): 1, (1, 1): 1, (2, 2): 1}
>>> B1 = {(0, 1): 1}
>>> [(m.layer, m.rows, m.cols, form) for m, form in flattening_minors([B0, B1], 2, [(0,), (1,)])]
[(0, (0, 1, 2), ((0,), (1,), (2,)), {(3, 0): 1})]
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator, Mapping, Sequence

import flint

from .budget import Budget

__all__ = ["FlatteningMinor", "flattening_layers", "flattening_minors", "minor_form"]

IndexTuple = tuple[int, ...]


@dataclass(frozen=True)
class FlatteningMinor:
    """The 3 x 3 minor of the flattening at ``layer`` (0-based) on ``rows`` (three values of
    i_layer) and ``cols`` (three index tuples of the other layers, in layer order)."""

    layer: int
    rows: tuple[int, int, int]
    cols: tuple[IndexTuple, IndexTuple, IndexTuple]


def flattening_layers(K: int, classes: Sequence[Sequence[int]]) -> list[int]:
    """The layers whose flattenings are used: the first layer of each tie class (only one when K = 2).

    >>> flattening_layers(3, [(0,), (1,), (2,)]), flattening_layers(2, [(0,), (1,)]), flattening_layers(2, [(0, 1)])
    ([0, 1, 2], [0], [0])
    """
    layers = sorted(c[0] for c in classes)
    return layers[:1] if K == 2 else layers


def _entries(tensors: Sequence[Mapping[IndexTuple, int]], layer: int) -> dict[tuple[int, IndexTuple], dict[int, int]]:
    """(row, col) of the flattening -> the linear form {variable: coefficient} of that entry of T(z)."""
    out: dict[tuple[int, IndexTuple], dict[int, int]] = {}
    for i, B in enumerate(tensors):
        for t, v in B.items():
            if v:
                out.setdefault((t[layer], t[:layer] + t[layer + 1:]), {})[i] = int(v)
    return out


def minor_form(tensors: Sequence[Mapping[IndexTuple, int]], minor: FlatteningMinor) -> dict[tuple[int, ...], int]:
    """The cubic form of one minor, {exponent tuple: int} (plain Python; the checker's recipe).

    >>> minor_form([{(0, 0): 1, (1, 1): 1, (2, 2): 1}], FlatteningMinor(0, (0, 1, 2), ((0,), (1,), (2,))))
    {(3,): 1}
    """
    d = len(tensors)
    k = minor.layer
    linear = [[{i: int(B.get(c[:k] + (r,) + c[k:], 0)) for i, B in enumerate(tensors)} for c in minor.cols]
              for r in minor.rows]
    out: dict[tuple[int, ...], int] = {}
    for perm in itertools.permutations(range(3)):
        sign = -1 if sum(1 for a in range(3) for b in range(a + 1, 3) if perm[a] > perm[b]) % 2 else 1
        f1, f2, f3 = (linear[r][perm[r]] for r in range(3))
        for i, a in f1.items():
            if not a:
                continue
            for j, b in f2.items():
                if not b:
                    continue
                for l, c in f3.items():
                    if not c:
                        continue
                    e = [0] * d
                    e[i] += 1
                    e[j] += 1
                    e[l] += 1
                    key = tuple(e)
                    out[key] = out.get(key, 0) + sign * a * b * c
    return {m: c for m, c in sorted(out.items()) if c}


def flattening_minors(tensors: Sequence[Mapping[IndexTuple, int]], K: int, classes: Sequence[Sequence[int]], *,
                      budget: Budget | None = None) -> Iterator[tuple[FlatteningMinor, dict[tuple[int, ...], int]]]:
    """Every non-zero 3 x 3 minor of the flattenings of T(z) = Σ z_i tensors[i] (see the module
    docstring), with its cubic form; in a fixed order (layer, rows, columns).

    The forms are computed with python-flint multivariate integer polynomials (the same result
    as :func:`minor_form`, ~50x faster); ``budget`` is charged one unit per term.
    """
    d = len(tensors)
    if d == 0:
        return
    ctx = flint.fmpz_mpoly_ctx.get([f"z{i}" for i in range(d)], "lex")
    gens = ctx.gens()
    for layer in flattening_layers(K, classes):
        entries = _entries(tensors, layer)
        rows = sorted({r for r, _ in entries})
        cols = sorted({c for _, c in entries})
        polys = {rc: sum((gens[i] * v for i, v in form.items()), ctx.from_dict({})) for rc, form in entries.items()}
        zero = ctx.from_dict({})
        for r3 in itertools.combinations(rows, 3):
            for c3 in itertools.combinations(cols, 3):
                m = [[polys.get((r, c), zero) for c in c3] for r in r3]
                det = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                       - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                       + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))
                if det.is_zero():
                    continue
                form = {tuple(int(x) for x in e): int(c) for e, c in det.to_dict().items()}
                if budget is not None:
                    budget.charge(len(form), "flattening minors")
                yield FlatteningMinor(layer, r3, c3), form
