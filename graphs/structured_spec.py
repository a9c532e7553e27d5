"""The ``structured`` spec: its reader (field names, size limits, the optional model) and writer.

This module is the only code that knows the structured spec's field names. It validates a spec
dict naming the offending field (:class:`algebra.errors.SpecError`) and returns validated
objects of :mod:`algebra`: the :class:`~algebra.network.MultilinearMap` and, when the spec
states a model, the :class:`~algebra.models.ModelCollection` -- read once here and carried on
by :class:`graphs.specs.LoadedSpec`, so no decider reads the raw ``"model"`` again.

The spec (``"kind": "structured"``; see also ``docs/certificate-format.md``)::

    {"kind": "structured", "name": "...", "description": "...",
     "layers": [{"rows": m_k, "cols": m_{k+1}, "params": S_k,
                 "entries": [[param, row, col, coefficient], ...]}, ...],
     "model": {"supports": [SUPPORTS_OF_LAYER_1, ..., SUPPORTS_OF_LAYER_K],
               "tie": [[1, 2]], "description": "..."}}

Entries are 0-based, coefficients exact (integers or strings ``"p/q"``); repeated
(param, row, col) triples are summed. The optional ``model`` (paper, sections 1.2.2 and 3):

* ``supports`` (optional; default every layer full) has one item per layer, in layer order:
  ``null`` or ``"full"`` (the layer is unconstrained); a list of alternative supports, each a
  list of 0-based parameter indices, e.g. ``[[0, 1], [2, 3]]``; ``{"sparsity": s}`` (every
  support of size s); ``{"groups": [[0, 1], [2, 3], [4]], "active": a}`` (grouped sparsity:
  every union of ``a`` of the listed groups). Every combination of one alternative per layer
  is one piece M^L, tied layers choosing together.
* ``tie`` (optional) lists groups of **1-based layer numbers** -- as in the paper, where the
  layers are h_1, ..., h_K -- whose parameter vectors are equal: ``[[1, 2]]`` means h_1 = h_2
  (phase retrieval, paper section 2.2). Tied layers need the same number of parameters and
  the same supports (or ``null`` on all but one of them).

An absent, ``null`` or empty ``model`` states no model (the full model R^{S_1} x ... x R^{S_K}).

Examples
--------
>>> net, model = parse_structured_spec({"kind": "structured", "layers": [
...     {"rows": 1, "cols": 3, "params": 3, "entries": [[0, 0, 0, 1], [1, 0, 1, 1], [2, 0, 2, 1]]},
...     {"rows": 3, "cols": 1, "params": 3, "entries": [[0, 0, 0, 1], [1, 1, 0, 1], [2, 2, 0, 1]]}],
...     "model": {"supports": [[[0, 1], [1, 2]], None]}})
>>> net.shape, [piece.supports for piece in model.pieces()]
((1, 1), [((0, 1), (0, 1, 2)), ((1, 2), (0, 1, 2))])
>>> parse_model_spec({"tie": [[1, 2]]}, net).classes
((0, 1),)
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any, Mapping

from algebra.errors import BudgetExceeded, SpecError
from algebra.limits import MAX_CELLS, MAX_DIMENSION, MAX_ENTRIES, MAX_LAYERS, MAX_PARAMS, MAX_PIECES
from algebra.models import ModelCollection
from algebra.network import Layer, MultilinearMap
from algebra.rational import fraction_to_str, parse_int, to_fraction

__all__ = ["parse_structured_spec", "structured_network", "parse_model_spec", "write_structured_spec", "STRUCTURED_FIELDS"]

STRUCTURED_FIELDS = {"kind", "name", "description", "layers", "model"}
LAYER_FIELDS = ("rows", "cols", "params", "entries")
MODEL_FIELDS = {"supports", "tie", "description"}

Support = tuple[int, ...]


def parse_structured_spec(spec: Mapping) -> tuple[MultilinearMap, ModelCollection | None]:
    """Validate a ``structured`` spec and build its network and (when stated) its model.

    Parameters
    ----------
    spec : dict
        The spec as read from JSON/YAML; ``kind`` may be omitted (Python callers).

    Returns
    -------
    (MultilinearMap, ModelCollection or None)
        The model is None when the spec states none (the full model).

    Raises
    ------
    SpecError
        Naming the offending field, e.g. ``layers[1].rows: dimension mismatch: ...``.
    BudgetExceeded
        When the model has more linear pieces than ``MAX_PIECES``.

    Examples
    --------
    >>> parse_structured_spec({"kind": "structured", "layers": [
    ...     {"rows": 1, "cols": 2, "params": 1, "entries": [[0, 0, 2, 1]]}]})
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: layers[0].entries[0][2] (col): index 2 out of range 0..1
    """
    if not isinstance(spec, Mapping):
        raise SpecError("spec", f"expected a JSON object, got {type(spec).__name__}")
    if spec.get("kind", "structured") != "structured":
        raise SpecError("kind", f"expected 'structured', got {spec.get('kind')!r:.60}")
    unknown = set(spec) - STRUCTURED_FIELDS
    if unknown:
        raise SpecError("spec", f"unknown field(s) {sorted(unknown)} for kind 'structured'")
    net = _read_layers(spec.get("layers"), "layers")
    return net, parse_model_spec(spec.get("model"), net)


def structured_network(spec: Mapping) -> MultilinearMap:
    """The multilinear map of a ``structured`` spec (its model is validated too, then dropped).

    >>> structured_network({"layers": [{"rows": 1, "cols": 1, "params": 2,
    ...                           "entries": [[0, 0, 0, 1], [1, 0, 0, "1/2"]]}]}).evaluate([[2, 2]])
    [[Fraction(3, 1)]]
    """
    return parse_structured_spec(spec)[0]


def _limit(field: str, value: int, limit: int, what: str) -> None:
    if value > limit:
        raise SpecError(field, f"{value} exceeds the supported maximum {limit} ({what}; "
                               f"it would need ~{value * 8 / 2**30:.3g} GiB for one dense vector of that size)")


def _read_layers(layers_spec: Any, field: str) -> MultilinearMap:
    if not isinstance(layers_spec, list) or not layers_spec:
        raise SpecError(field, "expected a non-empty list of layers")
    _limit(field, len(layers_spec), MAX_LAYERS, "number of layers K")
    layers: list[Layer] = []
    for k, ls in enumerate(layers_spec):
        where = f"{field}[{k}]"
        if not isinstance(ls, Mapping):
            raise SpecError(where, "expected an object with rows, cols, params, entries")
        unknown = set(ls) - {*LAYER_FIELDS, "name"}
        if unknown:
            raise SpecError(where, f"unknown field(s) {sorted(unknown)}")
        for key in LAYER_FIELDS:
            if key not in ls:
                raise SpecError(f"{where}.{key}", "missing")
        rows = parse_int(ls["rows"], f"{where}.rows", minimum=1)
        cols = parse_int(ls["cols"], f"{where}.cols", minimum=1)
        params = parse_int(ls["params"], f"{where}.params", minimum=1)
        _limit(f"{where}.rows", rows, MAX_DIMENSION, "rows of one layer")
        _limit(f"{where}.cols", cols, MAX_DIMENSION, "cols of one layer")
        _limit(f"{where}.params", params, MAX_PARAMS, "parameters S_k of one layer")
        _limit(f"{where}.rows x cols", rows * cols, MAX_CELLS, "cells of one layer's matrix")
        if layers and layers[-1].cols != rows:
            raise SpecError(
                f"{where}.rows",
                f"dimension mismatch: layer {k - 1} has {layers[-1].cols} cols but layer {k} has {rows} rows",
            )
        if not isinstance(ls["entries"], list):
            raise SpecError(f"{where}.entries", "expected a list of [param, row, col, coefficient]")
        _limit(f"{where}.entries", len(ls["entries"]), MAX_ENTRIES, "entries of one layer")
        acc: dict[tuple[int, int, int], Fraction] = {}
        for j, e in enumerate(ls["entries"]):
            ew = f"{where}.entries[{j}]"
            if not isinstance(e, list) or len(e) != 4:
                raise SpecError(ew, f"expected [param, row, col, coefficient], got {e!r:.60}")
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
        layers.append(Layer.from_checked(rows, cols, params, entries))
    m, n = layers[0].rows, layers[-1].cols
    _limit(f"{field}[0].rows x {field}[{len(layers) - 1}].cols", m * n, MAX_CELLS,
           "entries of the product X, the rows of the lifting operator A")
    return MultilinearMap(layers)


# ---------------------------------------------------------------------------- the model
def parse_model_spec(spec_model: Any, net: MultilinearMap, *, field: str = "model",
               max_pieces: int = MAX_PIECES) -> ModelCollection | None:
    """Validate the optional spec field ``"model"`` against ``net`` and build M = (M^L).

    Parameters
    ----------
    spec_model : dict or None
        The value of the spec's ``"model"`` field.
    net : MultilinearMap
        The network (gives K and S_1, ..., S_K).
    field : str
        The field name used in error messages.
    max_pieces : int
        Refuse (BudgetExceeded) collections with more linear pieces than this.

    Returns
    -------
    ModelCollection or None
        None when the spec states no model (``null`` or an empty object): the full model.

    Raises
    ------
    SpecError
        Naming the offending field, e.g. ``model.tie[0][1]: layer 3 out of range 1..2
        (layer numbers in 'tie' are 1-based)``.

    Examples
    --------
    >>> net = structured_network({"layers": [
    ...     {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}] * 2})
    >>> parse_model_spec({"tie": [[1, 3]]}, net)
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: model.tie[0][1]: layer 3 out of range 1..2 (layer numbers in 'tie' are 1-based, as in the paper)
    >>> parse_model_spec({"supports": [{"sparsity": 1}, None]}, net).n_pieces()
    2
    >>> parse_model_spec({}, net) is None
    True
    """
    if spec_model is None:
        return None
    if not isinstance(spec_model, Mapping):
        raise SpecError(field, f"expected an object with 'supports' and/or 'tie', got {type(spec_model).__name__}")
    if not spec_model:
        return None
    unknown = set(spec_model) - MODEL_FIELDS
    if unknown:
        raise SpecError(field, f"unknown field(s) {sorted(unknown)}; expected 'supports' and/or 'tie'")
    if not isinstance(spec_model.get("description", ""), str):
        raise SpecError(f"{field}.description", f"expected a string, got {spec_model['description']!r:.60}")
    K = net.K
    counts = tuple(net.param_counts)

    sup_v = spec_model.get("supports")
    if sup_v is None:
        sup_list = [None] * K
    elif not isinstance(sup_v, list) or len(sup_v) != K:
        raise SpecError(f"{field}.supports", f"expected a list with one item per layer ({K}), got {sup_v!r:.60}")
    else:
        sup_list = sup_v
    alternatives = [_layer_supports(v, f"{field}.supports[{k}]", counts[k], max_pieces) for k, v in enumerate(sup_list)]
    classes = _tie_classes(spec_model.get("tie", []), f"{field}.tie", counts)

    # Tied layers choose one support together: they must agree (null = "whatever the others say"),
    # as sets of supports -- the checker (certificates/checker.py) reads the spec the same way.
    for cls in classes:
        given = [k for k in cls if sup_list[k] is not None and sup_list[k] != "full"]
        for k in given[1:]:
            if set(alternatives[k]) != set(alternatives[given[0]]):
                raise SpecError(f"{field}.supports[{k}]", f"layer {k + 1} is tied to layer {given[0] + 1} but has "
                                                          "different supports")
        if given:
            for k in cls:
                alternatives[k] = alternatives[given[0]]
    model = ModelCollection(counts, alternatives, classes)
    if model.n_pieces() > max_pieces:
        raise BudgetExceeded(f"{field}: {model.n_pieces()} linear pieces exceed the budget of {max_pieces}")
    return model


def _support(value: Any, where: str, S: int) -> Support:
    if not isinstance(value, list):
        raise SpecError(where, f"expected a list of 0-based parameter indices, got {value!r:.60}")
    idx = [parse_int(v, f"{where}[{j}]", minimum=0) for j, v in enumerate(value)]
    for j, i in enumerate(idx):
        if i >= S:
            raise SpecError(f"{where}[{j}]", f"parameter index {i} out of range 0..{S - 1}")
    if len(set(idx)) != len(idx):
        raise SpecError(where, f"repeated parameter index in {idx}")
    if not idx:
        raise SpecError(where, "an empty support makes P(M^L) = {0}; remove it")
    return tuple(sorted(idx))


def _layer_supports(value: Any, where: str, S: int, max_pieces: int) -> tuple[Support, ...]:
    """One layer's alternative supports from its ``supports`` item (every spelling of the spec)."""
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
            groups = [_support(g, f"{where}.groups[{j}]", S) for j, g in enumerate(groups_v)]
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
        alts = [_support(v, f"{where}[{j}]", S) for j, v in enumerate(value)]
        return tuple(dict.fromkeys(alts))  # duplicates would only repeat pieces
    raise SpecError(where, f"expected null, \"full\", a list of supports, {{'sparsity': s}} or {{'groups', 'active'}}, "
                           f"got {value!r:.60}")


def _tie_classes(tie_v: Any, where: str, counts: tuple[int, ...]) -> list[tuple[int, ...]]:
    """The tied groups as 0-based layer classes (merged when they share a layer); the spec's
    layer numbers are 1-based."""
    K = len(counts)
    if not isinstance(tie_v, list):
        raise SpecError(where, f"expected a list of groups of 1-based layer numbers, e.g. [[1, 2]], got {tie_v!r:.60}")
    parent = list(range(K))  # union-find over 0-based layers

    def root(k: int) -> int:
        while parent[k] != k:
            k = parent[k]
        return k

    for g, group in enumerate(tie_v):
        gw = f"{where}[{g}]"
        if not isinstance(group, list) or len(group) < 2:
            raise SpecError(gw, f"expected a list of at least two 1-based layer numbers, got {group!r:.60}")
        layers = []
        for j, v in enumerate(group):
            k = parse_int(v, f"{gw}[{j}]")
            if not 1 <= k <= K:
                raise SpecError(f"{gw}[{j}]", f"layer {k} out of range 1..{K} (layer numbers in 'tie' are 1-based, as in the paper)")
            layers.append(k - 1)
        if len(set(layers)) != len(layers):
            raise SpecError(gw, f"repeated layer in {group}")
        for k in layers[1:]:
            if counts[k] != counts[layers[0]]:
                raise SpecError(gw, f"tied layers need equal params: layer {layers[0] + 1} has {counts[layers[0]]}, "
                                    f"layer {k + 1} has {counts[k]}")
            parent[root(k)] = root(layers[0])
    classes: dict[int, list[int]] = {}
    for k in range(K):
        classes.setdefault(root(k), []).append(k)
    return sorted(tuple(c) for c in classes.values() if len(c) > 1)


# ---------------------------------------------------------------------------- the writer
def write_structured_spec(net: MultilinearMap, model: ModelCollection | None = None, *, name: str | None = None,
                          description: str | None = None) -> dict:
    """The canonical ``structured`` spec of a network and its model (:func:`parse_structured_spec`
    reads it back to the same objects).

    Parameters
    ----------
    net : MultilinearMap
    model : ModelCollection, optional
        Written as the spec's ``"model"`` (per-layer lists of alternative supports, ``null`` for a
        full layer, ties as 1-based layer numbers); omitted when None or the full model.
    name, description : str, optional

    Examples
    --------
    >>> net = structured_network({"layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, "2/4"]]}]})
    >>> write_structured_spec(net)
    {'kind': 'structured', 'layers': [{'rows': 1, 'cols': 1, 'params': 1, 'entries': [[0, 0, 0, '1/2']]}]}
    >>> structured_network(write_structured_spec(net)) == net
    True
    >>> tied = ModelCollection((1, 1), [[(0,)], [(0,)]], classes=[(0, 1)])
    >>> write_structured_spec(MultilinearMap([net.layers[0]] * 2), tied, name="x")["model"]
    {'supports': [None, None], 'tie': [[1, 2]]}
    """
    spec: dict[str, Any] = {"kind": "structured"}
    if name is not None:
        spec["name"] = name
    if description is not None:
        spec["description"] = description
    spec["layers"] = [
        {"rows": layer.rows, "cols": layer.cols, "params": layer.params,
         "entries": [[p, r, c, fraction_to_str(v)] for p, r, c, v in layer.entries]}
        for layer in net.layers
    ]
    if model is not None and not model.is_full:
        supports = [None if alts == (tuple(range(s)),) else [list(t) for t in alts]
                    for alts, s in zip(model.alternatives, model.param_counts)]
        out: dict[str, Any] = {"supports": supports}
        ties = [[k + 1 for k in cls] for cls in model.classes if len(cls) > 1]
        if ties:
            out["tie"] = ties
        spec["model"] = out
    return spec
