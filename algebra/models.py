"""Model collections M = (M^L) for structured networks (paper, sections 1.2.2 and 3).

The paper constrains the parameters h = (h_1, ..., h_K) to lie in one of the sets M^L of a
collection M = (M^L)_L (sparsity, grouped sparsity, tied layers, ...). tensorlift handles the
*linear* models: every M^L is a linear subspace of Q^{S_1} x ... x Q^{S_K} of the form

    M^L = {h : supp(h_k) ⊂ T^L_k for every layer k, and h_i = h_j for every tied pair (i, j)},

so M is a finite union of linear pieces. The optional spec field ``"model"`` describes it::

    "model": {
      "supports": [SUPPORTS_OF_LAYER_1, ..., SUPPORTS_OF_LAYER_K],
      "tie": [[1, 2]]
    }

``supports`` (optional; default: every layer full) has one item per layer, in layer order:

* ``null`` or ``"full"``: the layer is unconstrained (T_k = all parameters);
* a list of alternative supports, each a list of 0-based parameter indices, e.g.
  ``[[0, 1], [2, 3]]`` (sparsity with a prescribed set of patterns);
* ``{"sparsity": s}``: every support of size s (the s-sparse vectors);
* ``{"groups": [[0, 1], [2, 3], [4]], "active": a}``: grouped sparsity, every union of
  ``a`` of the listed groups.

Every combination of one alternative per layer is one piece M^L (so M has
∏_k (number of alternatives of layer k) pieces, tied layers choosing together).

``tie`` (optional) lists groups of **1-based layer numbers** -- as in the paper, where the
layers are h_1, ..., h_K -- whose parameter vectors are equal: ``[[1, 2]]`` means h_1 = h_2
(phase retrieval, paper section 2.2). Parameter indices, as everywhere else in tensorlift,
are 0-based; only layer numbers in ``tie`` are 1-based. Tied layers need the same number of
parameters and the same supports (or ``null`` on all but one of them).

Examples
--------
>>> from algebra.network import MultilinearMap
>>> net = MultilinearMap.from_spec({"layers": [
...     {"rows": 1, "cols": 3, "params": 3, "entries": [[0, 0, 0, 1], [1, 0, 1, 1], [2, 0, 2, 1]]},
...     {"rows": 3, "cols": 1, "params": 3, "entries": [[0, 0, 0, 1], [1, 1, 0, 1], [2, 2, 0, 1]]}]})
>>> model = parse_model({"supports": [[[0, 1], [1, 2]], None]}, net)
>>> [piece.supports for piece in model.pieces()]
[((0, 1), (0, 1, 2)), ((1, 2), (0, 1, 2))]
>>> tied = parse_model({"tie": [[1, 2]]}, net)
>>> tied.classes, next(tied.pieces()).dimension_of_image()
(((0, 1),), 3)
"""
from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Mapping, Sequence

from .errors import BudgetExceeded, SpecError
from .limits import MAX_PIECES
from .network import MultilinearMap
from .rational import parse_int

__all__ = ["LinearPiece", "ModelCollection", "parse_model", "full_model"]


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

    Build one with :func:`parse_model` (validating) or :func:`full_model`.

    Attributes
    ----------
    param_counts : (S_1, ..., S_K)
    alternatives : tuple
        ``alternatives[k]`` is the tuple of alternative supports of layer k (0-based).
    classes : tuple
        Tie classes of 0-based layers (singletons included), sorted.
    """

    param_counts: tuple[int, ...]
    alternatives: tuple[tuple[Support, ...], ...]
    classes: tuple[tuple[int, ...], ...]

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
        parts = [f"{self.n_pieces()} linear piece(s)"]
        ties = [c for c in self.classes if len(c) > 1]
        if ties:
            parts.append("tied layers " + ", ".join("h_" + " = h_".join(str(k + 1) for k in c) for c in ties))
        return "model with " + "; ".join(parts)


def full_model(net: MultilinearMap) -> ModelCollection:
    """The default model M = R^{S_1} x ... x R^{S_K} (one piece, no ties)."""
    counts = tuple(net.param_counts)
    return ModelCollection(counts, tuple((tuple(range(s)),) for s in counts), tuple((k,) for k in range(len(counts))))


def _parse_support(value, where: str, S: int) -> Support:
    if not isinstance(value, list):
        raise SpecError(where, f"expected a list of 0-based parameter indices, got {value!r}")
    idx = [parse_int(v, f"{where}[{j}]", minimum=0) for j, v in enumerate(value)]
    for j, i in enumerate(idx):
        if i >= S:
            raise SpecError(f"{where}[{j}]", f"parameter index {i} out of range 0..{S - 1}")
    if len(set(idx)) != len(idx):
        raise SpecError(where, f"repeated parameter index in {idx}")
    if not idx:
        raise SpecError(where, "an empty support makes P(M^L) = {0}; remove it")
    return tuple(sorted(idx))


def _parse_layer_supports(value, where: str, S: int, max_pieces: int) -> tuple[Support, ...]:
    if value is None or value == "full":
        return (tuple(range(S)),)
    if isinstance(value, Mapping):
        keys = set(value)
        if keys == {"sparsity"}:
            s = parse_int(value["sparsity"], f"{where}.sparsity", minimum=1)
            if s > S:
                raise SpecError(f"{where}.sparsity", f"expected at most {S} (the layer's params), got {s}")
            if math.comb(S, s) > max_pieces:
                raise BudgetExceeded(f"{where}.sparsity: {math.comb(S, s)} supports exceed the budget of {max_pieces} pieces")
            return tuple(itertools.combinations(range(S), s))
        if keys == {"groups", "active"}:
            groups_v = value["groups"]
            if not isinstance(groups_v, list) or not groups_v:
                raise SpecError(f"{where}.groups", "expected a non-empty list of groups (lists of parameter indices)")
            groups = [_parse_support(g, f"{where}.groups[{j}]", S) for j, g in enumerate(groups_v)]
            seen: set[int] = set()
            for j, g in enumerate(groups):
                if seen & set(g):
                    raise SpecError(f"{where}.groups[{j}]", f"overlaps an earlier group at {sorted(seen & set(g))}")
                seen |= set(g)
            a = parse_int(value["active"], f"{where}.active", minimum=1)
            if a > len(groups):
                raise SpecError(f"{where}.active", f"expected at most {len(groups)} (the number of groups), got {a}")
            if math.comb(len(groups), a) > max_pieces:
                raise BudgetExceeded(f"{where}: {math.comb(len(groups), a)} supports exceed the budget of {max_pieces} pieces")
            return tuple(tuple(sorted(itertools.chain(*combo))) for combo in itertools.combinations(groups, a))
        raise SpecError(where, f"expected {{'sparsity': s}} or {{'groups': [...], 'active': a}}, got keys {sorted(keys)}")
    if isinstance(value, list):
        if not value:
            raise SpecError(where, "expected at least one alternative support (use null for the full layer)")
        alts = [_parse_support(v, f"{where}[{j}]", S) for j, v in enumerate(value)]
        out: list[Support] = []
        for a in alts:  # duplicates would only repeat pieces
            if a not in out:
                out.append(a)
        return tuple(out)
    raise SpecError(where, f"expected null, \"full\", a list of supports, {{'sparsity': s}} or {{'groups', 'active'}}, got {value!r}")


def parse_model(spec_model, net: MultilinearMap, *, field: str = "model",
                max_pieces: int = MAX_PIECES) -> ModelCollection:
    """Validate the optional spec field ``"model"`` against ``net`` and build M = (M^L).

    Parameters
    ----------
    spec_model : dict or None
        The value of the spec's ``"model"`` field; None gives :func:`full_model`.
    net : MultilinearMap
        The network (gives K and S_1, ..., S_K).
    field : str
        The field name used in error messages.
    max_pieces : int
        Refuse (BudgetExceeded) collections with more linear pieces than this.

    Returns
    -------
    ModelCollection

    Raises
    ------
    SpecError
        Naming the offending field, e.g. ``model.tie[0][1]: layer 3 out of range 1..2
        (layer numbers in 'tie' are 1-based)``.

    Examples
    --------
    >>> from algebra.network import MultilinearMap
    >>> net = MultilinearMap.from_spec({"layers": [
    ...     {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}] * 2})
    >>> parse_model({"tie": [[1, 3]]}, net)
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: model.tie[0][1]: layer 3 out of range 1..2 (layer numbers in 'tie' are 1-based, as in the paper)
    >>> parse_model({"supports": [{"sparsity": 1}, None]}, net).n_pieces()
    2
    """
    if spec_model is None:
        return full_model(net)
    if not isinstance(spec_model, Mapping):
        raise SpecError(field, f"expected an object with 'supports' and/or 'tie', got {type(spec_model).__name__}")
    unknown = set(spec_model) - {"supports", "tie", "description"}
    if unknown:
        raise SpecError(field, f"unknown field(s) {sorted(unknown)}; expected 'supports' and/or 'tie'")
    K = net.K
    counts = tuple(net.param_counts)

    sup_v = spec_model.get("supports")
    if sup_v is None:
        sup_list = [None] * K
    elif not isinstance(sup_v, list) or len(sup_v) != K:
        raise SpecError(f"{field}.supports", f"expected a list with one item per layer ({K}), got {sup_v!r}")
    else:
        sup_list = sup_v
    alternatives = [
        _parse_layer_supports(v, f"{field}.supports[{k}]", counts[k], max_pieces) for k, v in enumerate(sup_list)
    ]

    # Tie classes by union-find over 0-based layers; the spec uses 1-based layer numbers.
    parent = list(range(K))

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    tie_v = spec_model.get("tie", [])
    if not isinstance(tie_v, list):
        raise SpecError(f"{field}.tie", f"expected a list of groups of 1-based layer numbers, e.g. [[1, 2]], got {tie_v!r}")
    for g, group in enumerate(tie_v):
        where = f"{field}.tie[{g}]"
        if not isinstance(group, list) or len(group) < 2:
            raise SpecError(where, f"expected a list of at least two 1-based layer numbers, got {group!r}")
        layers = []
        for j, v in enumerate(group):
            k = parse_int(v, f"{where}[{j}]")
            if not 1 <= k <= K:
                raise SpecError(f"{where}[{j}]", f"layer {k} out of range 1..{K} (layer numbers in 'tie' are 1-based, as in the paper)")
            layers.append(k - 1)
        if len(set(layers)) != len(layers):
            raise SpecError(where, f"repeated layer in {group}")
        for k in layers[1:]:
            if counts[k] != counts[layers[0]]:
                raise SpecError(where, f"tied layers need equal params: layer {layers[0] + 1} has {counts[layers[0]]}, layer {k + 1} has {counts[k]}")
            parent[root(k)] = root(layers[0])
    classes_d: dict[int, list[int]] = {}
    for k in range(K):
        classes_d.setdefault(root(k), []).append(k)
    classes = tuple(sorted(tuple(sorted(c)) for c in classes_d.values()))

    # Tied layers choose one support together: they must agree (null = "whatever the others say").
    for cls in classes:
        if len(cls) == 1:
            continue
        given = [k for k in cls if sup_list[k] is not None and sup_list[k] != "full"]
        if not given:
            continue
        ref = alternatives[given[0]]
        for k in given[1:]:
            if alternatives[k] != ref:
                raise SpecError(f"{field}.supports[{k}]", f"layer {k + 1} is tied to layer {given[0] + 1} but has different supports")
        for k in cls:
            alternatives[k] = ref

    model = ModelCollection(counts, tuple(alternatives), classes)
    if model.n_pieces() > max_pieces:
        raise BudgetExceeded(f"{field}: {model.n_pieces()} linear pieces exceed the budget of {max_pieces}")
    return model
