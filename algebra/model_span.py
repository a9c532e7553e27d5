"""The linear span W of P(M^L) for a set of model pieces, and Ker A ∩ W (paper, section 6).

For h in a linear piece M^L (:mod:`algebra.models`) the Segre image P(h) = h_1 ⊗ ... ⊗ h_K lies
on the coordinate box T^L_1 x ... x T^L_K and is symmetric in the positions of each tie class;
such tensors span exactly the tensors of the box that are symmetric in the tied positions
(x ⊗ x spans the symmetric matrices). A basis of W = Σ_L span P(M^L) over a set of pieces is
therefore the set of *orbit sums*: the sums of the unit tensors over each orbit of index tuples
under the permutations of the positions within every tie class, for the index tuples of the
union of the pieces' boxes (:func:`span_groups`). Every P(h) − P(g) with h ∈ M^L, g ∈ M^{L'}
lies in W for any set of pieces holding L and L' (Proposition 6.3 quantifies over such pairs).

:func:`kernel_on_span` computes Ker A ∩ W exactly, with the evidence a checker needs to see
that the returned vectors span *all* of it: a non-singular minor of A·G (G the orbit-sum
basis) on all but d groups, and d kernel vectors with the identity pattern on the remaining
("free") groups -- the same pattern as the kernel-line witness of
:func:`algebra.identifiability.kernel_line_witness`.

Examples
--------
Phase retrieval in R^2 (h_1 = h_2 tied) from two measurements: W = symmetric 2 x 2 matrices
(3 orbit sums), A has rank 2 there, so Ker A ∩ W is a line.

>>> from fractions import Fraction
>>> from algebra.network import Layer, MultilinearMap
>>> from algebra.models import ModelCollection
>>> from algebra.lifting import lifting_operator
>>> a = [[1, 2], [3, -1]]
>>> net = MultilinearMap((Layer(2, 2, 2, tuple((i, j, j, Fraction(a[j][i])) for i in range(2) for j in range(2))),
...                       Layer(2, 1, 2, tuple((i, j, 0, Fraction(a[j][i])) for i in range(2) for j in range(2)))))
>>> model = ModelCollection((2, 2), (((0, 1),), ((0, 1),)), ((0, 1),))   # h_1 = h_2
>>> groups = span_groups(list(model.pieces()), model.classes)
>>> groups
[[(0, 0)], [(0, 1), (1, 0)], [(1, 1)]]
>>> A = lifting_operator(net)
>>> k = kernel_on_span(A, groups)
>>> k.dimension, k.tensors()[0], A.apply(k.tensors()[0])
(1, {(0, 0): -4, (0, 1): -5, (1, 0): -5, (1, 1): 6}, {})
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from .budget import Budget
from .errors import BudgetExceeded, InternalError
from .exact import RankWitness, check_rank_witness, matrix_rank_witness
from .lifting import LiftingOperator
from .models import LinearPiece

__all__ = ["span_groups", "span_columns", "KernelOnSpan", "kernel_on_span"]

IndexTuple = tuple[int, ...]


def span_groups(pieces: Sequence[LinearPiece], classes: Sequence[Sequence[int]],
                limit: int | None = None) -> list[list[IndexTuple]]:
    """The orbit-sum basis of W = Σ_L span P(M^L) over ``pieces`` (see the module docstring).

    Each group is the sorted orbit of one index tuple; the groups are sorted (by their smallest
    tuple). ``classes`` are the model's tie classes (0-based layers). Raises BudgetExceeded
    beyond ``limit`` groups.
    """
    tied = [tuple(c) for c in classes if len(c) > 1]
    seen: set[IndexTuple] = set()
    groups: list[list[IndexTuple]] = []
    for piece in pieces:
        for t in itertools.product(*piece.box()):
            if t in seen:
                continue
            orbit = {t}
            for cls in tied:
                grown = set()
                for s in orbit:
                    for perm in set(itertools.permutations([s[k] for k in cls])):
                        s2 = list(s)
                        for k, v in zip(cls, perm):
                            s2[k] = v
                        grown.add(tuple(s2))
                orbit = grown
            seen |= orbit
            groups.append(sorted(orbit))
            if limit is not None and len(groups) > limit:
                raise BudgetExceeded(f"the span of the model pieces has more than {limit} dimensions",
                                     phase="model span")
    return sorted(groups)


def span_columns(A: LiftingOperator, groups: Sequence[Sequence[IndexTuple]]) -> dict[int, dict[int, Fraction]]:
    """A·G: column j is A applied to the orbit sum of group j (zero columns kept as {})."""
    cols: dict[int, dict[int, Fraction]] = {}
    for j, grp in enumerate(groups):
        acc: dict[int, Fraction] = {}
        for t in grp:
            for r, v in A.columns.get(t, {}).items():
                acc[r] = acc.get(r, 0) + v
        cols[j] = {r: v for r, v in acc.items() if v}
    return cols


@dataclass(frozen=True)
class KernelOnSpan:
    """Ker A ∩ W with its evidence.

    Attributes
    ----------
    groups : list of list of index tuples
        The orbit-sum basis of W (:func:`span_groups`).
    kernel : tuple of dict
        d vectors {group: int}: primitive integer vectors (content 1, positive at their free
        group) spanning Ker A ∩ W in group coordinates. Vector i is non-zero at ``free[i]`` and
        zero at every other free group, so the vectors are evidently independent.
    free : tuple of int
        The free group of each kernel vector.
    minor_rows, minor_groups : tuple of int
        A non-singular square minor of A·G (rows of A x groups), of size #groups − d: with the d
        independent kernel vectors it shows dim(Ker A ∩ W) = d exactly.
    rank_witness : RankWitness or None
        The rank witness of A·G's non-zero columns the minor comes from (None when A·G = 0).
    """

    groups: list[list[IndexTuple]]
    kernel: tuple[Mapping[int, int], ...]
    free: tuple[int, ...]
    minor_rows: tuple[int, ...]
    minor_groups: tuple[int, ...]
    rank_witness: RankWitness | None

    @property
    def dimension(self) -> int:
        """d = dim(Ker A ∩ W)."""
        return len(self.kernel)

    def tensors(self) -> list[dict[IndexTuple, int]]:
        """The kernel vectors as sparse integer tensors {index tuple: value} (orbit sums expanded)."""
        out = []
        for vec in self.kernel:
            T: dict[IndexTuple, int] = {}
            for j, c in vec.items():
                for t in self.groups[j]:
                    T[t] = c
            out.append(dict(sorted(T.items())))
        return out


def _primitive(vec: Mapping[int, Fraction], free: int) -> dict[int, int]:
    den = math.lcm(*(Fraction(v).denominator for v in vec.values()))
    ints = {j: int(Fraction(v) * den) for j, v in vec.items() if v}
    g = math.gcd(*ints.values())
    sign = 1 if ints[free] > 0 else -1
    return {j: sign * v // g for j, v in sorted(ints.items())}


def kernel_on_span(A: LiftingOperator, groups: Sequence[Sequence[IndexTuple]], *, seed: int = 0,
                   budget: Budget | None = None) -> KernelOnSpan:
    """Ker A ∩ W for W spanned by the orbit sums ``groups``, exactly (see :class:`KernelOnSpan`).

    The rank of A·G comes from :func:`algebra.exact.matrix_rank_witness` (re-checked with
    :func:`algebra.exact.check_rank_witness`); zero columns of A·G are unit kernel vectors.
    """
    cols = span_columns(A, groups)
    zero = [j for j, c in cols.items() if not c]
    nonzero = {j: c for j, c in cols.items() if c}
    w = None
    if nonzero:
        w = matrix_rank_witness(nonzero, A.n_rows, seed=seed, side="right", budget=budget)
        check_rank_witness(nonzero, w)
    pivots = set(w.minor_cols) if w else set()
    vectors: list[tuple[int, dict[int, int]]] = [(j, {j: 1}) for j in zero]
    for vec in (w.kernel if w else ()):
        free = next(j for j in vec if j not in pivots)
        vectors.append((free, _primitive(vec, free)))
    vectors.sort()
    if len(vectors) + (w.rank if w else 0) != len(groups):
        raise InternalError("kernel on the model span: rank + nullity != number of groups")
    return KernelOnSpan(list(map(list, groups)), tuple(v for _, v in vectors), tuple(f for f, _ in vectors),
                        tuple(w.minor_rows) if w else (), tuple(w.minor_cols) if w else (), w)
