"""Model collections M = (M^L) for structured networks (paper, sections 1.2.2 and 3).

The paper constrains the parameters h = (h_1, ..., h_K) to lie in one of the sets M^L of a
collection M = (M^L)_L (sparsity, grouped sparsity, tied layers, ...). tensorlift handles the
*linear* models: every M^L is a linear subspace of Q^{S_1} x ... x Q^{S_K} of the form

    M^L = {h : supp(h_k) ⊂ T^L_k for every layer k, and h_i = h_j for every tied pair (i, j)},

so M is a finite union of linear pieces. A :class:`ModelCollection` holds, per layer, the
alternative supports T_k (tuples of 0-based parameter indices) and the tie classes (tuples of
0-based layers); every combination of one alternative per tie class is one piece M^L. How a
spec spells a model (``"sparsity"``, ``"groups"``, 1-based tie numbers) is the spec reader's
business (``graphs.structured_spec``).

Examples
--------
>>> model = ModelCollection((3, 3), [[(0, 1), (1, 2)], [(0, 1, 2)]])
>>> [piece.supports for piece in model.pieces()]
[((0, 1), (0, 1, 2)), ((1, 2), (0, 1, 2))]
>>> tied = ModelCollection((3, 3), [[(0, 1, 2)], [(0, 1, 2)]], classes=[(0, 1)])
>>> tied.classes, next(tied.pieces()).dimension_of_image()
(((0, 1),), 3)
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Iterator, Sequence

from .errors import SpecError
from .network import MultilinearMap

__all__ = ["LinearPiece", "ModelCollection", "full_model"]


Support = tuple[int, ...]


@dataclass(frozen=True)
class LinearPiece:
    """One linear model M^L: per-layer supports and tie classes.

    Attributes
    ----------
    supports : tuple of tuples
        ``supports[k]`` is the sorted tuple of 0-based parameter indices allowed at layer k
        (0-based layer index k).
    classes : tuple of tuples
        The partition of the 0-based layers into tie classes (singletons for untied layers),
        sorted by smallest member. Tied layers share one parameter vector.
    param_counts : tuple
        (S_1, ..., S_K).
    """

    supports: tuple[Support, ...]
    classes: tuple[tuple[int, ...], ...]
    param_counts: tuple[int, ...]

    @property
    def K(self) -> int:
        return len(self.supports)

    def class_of(self, layer: int) -> tuple[int, ...]:
        """The tie class (0-based layers) containing ``layer``."""
        return next(c for c in self.classes if layer in c)

    def is_tied(self, layer: int) -> bool:
        return len(self.class_of(layer)) > 1

    def free_dimensions(self) -> tuple[int, ...]:
        """d_c = |T_c| for each tie class c (the dimension of the class's parameter space)."""
        return tuple(len(self.supports[c[0]]) for c in self.classes)

    def dimension(self) -> int:
        """dim M^L = Σ_c d_c."""
        return sum(self.free_dimensions())

    def dimension_of_image(self) -> int:
        """dim P(M^L) = Σ_c (d_c − 1) + 1 over tie classes c; 0 when some d_c = 0.

        P is invariant exactly under the rescalings h_c -> λ_c h_c with ∏_k λ_{c(k)} = 1, a
        group of dimension (#classes − 1); off that group its fibres are finite (Standard
        Fact 1 of the paper, section 4), so dim P(M^L) = dim M^L − (#classes − 1).
        For no ties this is Σ_k (d_k − 1) + 1 = K(S − 1) + 1 on the full model (Fact 2).
        """
        dims = self.free_dimensions()
        if min(dims) == 0:
            return 0
        return sum(d - 1 for d in dims) + 1

    def embed(self, free: Sequence[Sequence]) -> list[list[Fraction]]:
        """Build h from one coordinate vector per tie class (coordinates on its support)."""
        if len(free) != len(self.classes):
            raise ValueError(f"expected {len(self.classes)} class vectors, got {len(free)}")
        h: list[list[Fraction]] = [[Fraction(0)] * s for s in self.param_counts]
        for cls, x in zip(self.classes, free):
            supp = self.supports[cls[0]]
            if len(x) != len(supp):
                raise ValueError(f"class {cls}: expected {len(supp)} values, got {len(x)}")
            for k in cls:
                for i, v in zip(supp, x):
                    h[k][i] = Fraction(v)
        return h

    def contains(self, h: Sequence[Sequence]) -> bool:
        """Whether h ∈ M^L: supports respected and tied layers equal (exact)."""
        if len(h) != self.K:
            return False
        for k, (hk, supp) in enumerate(zip(h, self.supports)):
            if len(hk) != self.param_counts[k]:
                return False
            allowed = set(supp)
            if any(Fraction(v) != 0 for i, v in enumerate(hk) if i not in allowed):
                return False
        for cls in self.classes:
            first = [Fraction(v) for v in h[cls[0]]]
            if any([Fraction(v) for v in h[k]] != first for k in cls[1:]):
                return False
        return True

    def random_point(self, rng: random.Random, bound: int = 9) -> list[list[Fraction]]:
        """A random h ∈ M^L with non-zero integer entries in [-bound, bound] on the supports."""
        free = []
        for d in self.free_dimensions():
            free.append([Fraction(rng.choice([-1, 1]) * rng.randint(1, bound)) for _ in range(d)])
        return self.embed(free)

    def box(self) -> tuple[Support, ...]:
        """The coordinate box T_1 x ... x T_K that contains every P(h), h ∈ M^L."""
        return self.supports


@dataclass(frozen=True)
class ModelCollection:
    """A finite collection of linear models M = (M^L) for a network with K layers.

    Parameters
    ----------
    param_counts : sequence of int
        (S_1, ..., S_K), each >= 1.
    alternatives : sequence
        ``alternatives[k]`` lists the alternative supports of layer k (0-based), each a
        non-empty collection of distinct 0-based parameter indices in 0..S_k - 1; stored as
        sorted tuples, repeated alternatives dropped (they would only repeat pieces).
    classes : sequence of sequences of int, optional
        Tie classes of 0-based layers whose parameter vectors are equal (h_i = h_j); untied
        layers may be left out (they become singletons). Tied layers need the same number of
        parameters and the same alternatives. Stored as a sorted partition of the layers.

    Raises
    ------
    SpecError
        Naming the argument, e.g. ``alternatives[0][1]: parameter index 4 out of range 0..2``.

    Examples
    --------
    >>> ModelCollection((3, 2), [[(2, 0)], [(0, 1)]]).alternatives
    (((0, 2),), ((0, 1),))
    >>> ModelCollection((3, 2), [[(0,)], [(0,)]], classes=[(1, 0)])
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: classes[0]: tied layers need equal parameter counts: layer 0 has 3, layer 1 has 2
    """

    param_counts: tuple[int, ...]
    alternatives: tuple[tuple[Support, ...], ...]
    classes: tuple[tuple[int, ...], ...] = ()

    def __post_init__(self):
        counts = _int_tuple(self.param_counts, "param_counts", 1)
        K = len(counts)
        if K == 0:
            raise SpecError("param_counts", "expected at least one layer")
        alternatives = _sequence(self.alternatives, "alternatives")
        if len(alternatives) != K:
            raise SpecError("alternatives", f"expected one item per layer ({K}), got {len(alternatives)}")
        alts = tuple(_layer_alternatives(a, f"alternatives[{k}]", counts[k]) for k, a in enumerate(alternatives))
        classes = _tie_classes(self.classes, K)
        for j, cls in enumerate(classes):
            for k in cls[1:]:
                if counts[k] != counts[cls[0]]:
                    raise SpecError(f"classes[{j}]", f"tied layers need equal parameter counts: layer {cls[0]} has "
                                                     f"{counts[cls[0]]}, layer {k} has {counts[k]}")
                if alts[k] != alts[cls[0]]:
                    raise SpecError(f"classes[{j}]", f"tied layers need the same alternatives: layers {cls[0]} and "
                                                     f"{k} differ")
        object.__setattr__(self, "param_counts", counts)
        object.__setattr__(self, "alternatives", alts)
        object.__setattr__(self, "classes", classes)

    @property
    def K(self) -> int:
        return len(self.param_counts)

    @property
    def is_full(self) -> bool:
        """True for the default model R^{S_1} x ... x R^{S_K} (one piece, no ties)."""
        return all(len(c) == 1 for c in self.classes) and all(
            alts == (tuple(range(s)),) for alts, s in zip(self.alternatives, self.param_counts)
        )

    @property
    def has_ties(self) -> bool:
        return any(len(c) > 1 for c in self.classes)

    def n_pieces(self) -> int:
        """Number of linear pieces M^L (tied layers choose their support together)."""
        return math.prod(len(self.alternatives[c[0]]) for c in self.classes)

    def pieces(self) -> Iterator[LinearPiece]:
        """Iterate over the linear pieces M^L in a fixed (lexicographic) order."""
        per_class = [self.alternatives[c[0]] for c in self.classes]
        for choice in itertools.product(*per_class):
            supports: list[Support] = [()] * self.K
            for cls, supp in zip(self.classes, choice):
                for k in cls:
                    supports[k] = supp
            yield LinearPiece(tuple(supports), self.classes, self.param_counts)

    def contains(self, h: Sequence[Sequence]) -> bool:
        """Whether h belongs to some piece M^L."""
        return any(piece.contains(h) for piece in self.pieces())

    def describe(self) -> str:
        """A one-line human description (for claims' statements)."""
        if self.is_full:
            return "the full model R^{S_1} x ... x R^{S_K}"
        n = self.n_pieces()
        parts = [f"{n} linear piece{'s' if n != 1 else ''}"]
        ties = [c for c in self.classes if len(c) > 1]
        if ties:
            parts.append("tied layers " + ", ".join("h_" + " = h_".join(str(k + 1) for k in c) for c in ties))
        return "the model (" + "; ".join(parts) + ")"


def full_model(net: MultilinearMap) -> ModelCollection:
    """The default model M = R^{S_1} x ... x R^{S_K} (one piece, no ties).

    >>> from algebra.network import Layer
    >>> full_model(MultilinearMap([Layer(1, 1, 2, [(0, 0, 0, 1)])])).is_full
    True
    """
    counts = tuple(net.param_counts)
    return ModelCollection(counts, tuple((tuple(range(s)),) for s in counts))


def _sequence(value: object, name: str) -> tuple:
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise SpecError(name, f"expected a sequence, got {value!r:.60}")
    return tuple(value)


def _int_tuple(value: object, name: str, minimum: int) -> tuple[int, ...]:
    items = _sequence(value, name)
    for j, x in enumerate(items):
        if isinstance(x, bool) or not isinstance(x, int) or x < minimum:
            raise SpecError(f"{name}[{j}]", f"expected an integer >= {minimum}, got {x!r:.60}")
    return items


def _layer_alternatives(value: object, name: str, S: int) -> tuple[Support, ...]:
    out: list[Support] = []
    for j, support in enumerate(_sequence(value, name)):
        idx = _int_tuple(support, f"{name}[{j}]", 0)
        if not idx:
            raise SpecError(f"{name}[{j}]", "an empty support makes P(M^L) = {0}")
        for i in idx:
            if i >= S:
                raise SpecError(f"{name}[{j}]", f"parameter index {i} out of range 0..{S - 1}")
        if len(set(idx)) != len(idx):
            raise SpecError(f"{name}[{j}]", f"repeated parameter index in {list(idx)}")
        support = tuple(sorted(idx))
        if support not in out:
            out.append(support)
    if not out:
        raise SpecError(name, "expected at least one alternative support")
    return tuple(out)


def _tie_classes(value: object, K: int) -> tuple[tuple[int, ...], ...]:
    """The partition of 0..K-1 into the given classes and singletons, sorted."""
    seen: dict[int, int] = {}
    classes: list[tuple[int, ...]] = []
    for j, cls in enumerate(_sequence(value, "classes")):
        members = _int_tuple(cls, f"classes[{j}]", 0)
        if not members:
            raise SpecError(f"classes[{j}]", "expected at least one layer")
        for k in members:
            if k >= K:
                raise SpecError(f"classes[{j}]", f"layer {k} out of range 0..{K - 1}")
            if k in seen:
                where = "twice in this class" if seen[k] == j else f"also in classes[{seen[k]}]"
                raise SpecError(f"classes[{j}]", f"layer {k} is {where}")
            seen[k] = j
        classes.append(tuple(sorted(members)))
    classes += [(k,) for k in range(K) if k not in seen]
    return tuple(sorted(classes))
