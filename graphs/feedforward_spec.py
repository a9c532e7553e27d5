"""The ``feedforward`` spec: its reader (field names, size limits) -> :class:`FeedforwardNetwork`.

This module is the only code that knows the feed-forward spec's field names (the network and its
multilinear map are :mod:`graphs.feedforward`'s)::

    {"kind": "feedforward",
     "widths": [n_0, n_1, ..., n_L],          # input width n_0, ..., output width n_L
     "edges": [EDGES_1, ..., EDGES_L],        # optional; per weight layer, null = dense
     "inputs": [[x_0 entries], ...],          # n samples, each a list of n_0 exact rationals
     "activations": [[MASK_1, ..., MASK_{L-1}], ...]}   # optional: per sample, per hidden layer

* Weight layer l (1 ≤ l ≤ L, in forward order) maps units of layer l − 1 to units of layer l;
  ``EDGES_l`` is a list of ``[from, to]`` pairs of 0-based unit indices; its parameter p is the
  weight of the p-th edge. Dense (``null``/omitted): every pair, in row-major order of the
  n_l x n_{l-1} weight matrix W_l (p = to * n_{l-1} + from).
* ``activations[s][l-1]`` is the 0/1 ReLU mask of hidden layer l (1 ≤ l ≤ L − 1) on sample s
  (the fixed pattern a_k(h) of section 1.2.2); omitted = every unit active (a linear network).

Examples
--------
>>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1], ["1/2"]],
...                              "activations": [[[1, 1]], [[1, 0]]]})
>>> ff.L, ff.edges, ff.masks
(2, (((0, 0), (0, 1)), ((0, 0), (1, 0))), (((1, 1),), ((1, 0),)))
"""
from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from algebra.errors import SpecError
from algebra.limits import MAX_CELLS, MAX_DIMENSION, MAX_ENTRIES, MAX_LAYERS, MAX_PARAMS, MAX_SAMPLES
from algebra.rational import parse_int, to_fraction

from .feedforward import Edge, FeedforwardNetwork

__all__ = ["parse_feedforward_spec", "FEEDFORWARD_FIELDS"]

FEEDFORWARD_FIELDS = {"kind", "name", "description", "widths", "edges", "inputs", "activations"}


def _rational_list(value, where: str, length: int) -> tuple[Fraction, ...]:
    if not isinstance(value, list) or len(value) != length:
        raise SpecError(where, f"expected a list of {length} exact rationals, got {value!r}")
    return tuple(to_fraction(x, f"{where}[{i}]") for i, x in enumerate(value))


def _ff_budget(field: str, value: int, limit: int, what: str) -> None:
    if value > limit:
        raise SpecError(field, f"{value} exceeds the supported maximum {limit} ({what}); "
                               "a spec this large would exhaust memory")


def parse_feedforward_spec(spec: Mapping) -> FeedforwardNetwork:
    """Validate a ``feedforward`` spec and build the network (errors name the field).

    >>> parse_feedforward_spec({"kind": "feedforward", "widths": [2, 1], "inputs": [[1, "1/2"]],
    ...                         "edges": [[[0, 0], [2, 0]]]})
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: edges[0][1][0]: unit 2 out of range 0..1 (layer 0 has 2 units)
    """
    if not isinstance(spec, Mapping):
        raise SpecError("spec", "expected a JSON object")
    if spec.get("kind", "feedforward") != "feedforward":
        raise SpecError("kind", f"expected 'feedforward', got {spec.get('kind')!r:.60}")
    unknown = set(spec) - FEEDFORWARD_FIELDS
    if unknown:
        raise SpecError("spec", f"unknown field(s) {sorted(unknown)} for kind 'feedforward'")
    for key in ("widths", "inputs"):
        if key not in spec:
            raise SpecError(key, "missing")
    widths_v = spec["widths"]
    if not isinstance(widths_v, list) or len(widths_v) < 2:
        raise SpecError("widths", "expected a list [input width, ..., output width] of at least 2 integers")
    if len(widths_v) > MAX_LAYERS + 1:
        raise SpecError("widths", f"{len(widths_v) - 1} weight layers exceed the supported maximum {MAX_LAYERS}")
    widths = tuple(parse_int(x, f"widths[{i}]", minimum=1) for i, x in enumerate(widths_v))
    for i, w in enumerate(widths):
        _ff_budget(f"widths[{i}]", w, MAX_DIMENSION, "units of one layer")
    L = len(widths) - 1

    edges_v = spec.get("edges")
    if edges_v is None:
        edges_v = [None] * L
    if not isinstance(edges_v, list) or len(edges_v) != L:
        raise SpecError("edges", f"expected one item per weight layer ({L}), got {edges_v!r}")
    edges: list[tuple[Edge, ...]] = []
    for l, ev in enumerate(edges_v):
        n_in, n_out = widths[l], widths[l + 1]
        if ev is None:
            _ff_budget(f"edges[{l}]", n_in * n_out, MAX_PARAMS, f"weights of dense layer {l + 1} (parameters S_k)")
            edges.append(tuple((a, b) for b in range(n_out) for a in range(n_in)))
            continue
        if not isinstance(ev, list) or not ev:
            raise SpecError(f"edges[{l}]", "expected a non-empty list of [from, to] pairs (or null for dense)")
        _ff_budget(f"edges[{l}]", len(ev), MAX_PARAMS, f"weights of layer {l + 1} (parameters S_k)")
        seen = set()
        layer_edges = []
        for j, e in enumerate(ev):
            where = f"edges[{l}][{j}]"
            if not isinstance(e, list) or len(e) != 2:
                raise SpecError(where, f"expected [from, to], got {e!r}")
            a = parse_int(e[0], f"{where}[0]", minimum=0)
            b = parse_int(e[1], f"{where}[1]", minimum=0)
            if a >= n_in:
                raise SpecError(f"{where}[0]", f"unit {a} out of range 0..{n_in - 1} (layer {l} has {n_in} units)")
            if b >= n_out:
                raise SpecError(f"{where}[1]", f"unit {b} out of range 0..{n_out - 1} (layer {l + 1} has {n_out} units)")
            if (a, b) in seen:
                raise SpecError(where, f"duplicate edge {a}->{b}")
            seen.add((a, b))
            layer_edges.append((a, b))
        edges.append(tuple(layer_edges))

    inputs_v = spec["inputs"]
    if not isinstance(inputs_v, list) or not inputs_v:
        raise SpecError("inputs", "expected a non-empty list of samples (each a list of input values)")
    _ff_budget("inputs", len(inputs_v), MAX_SAMPLES, "samples")
    # the stacked multilinear map (module docstring) has n * n_l x n * n_{l-1} blocks and
    # n * |edges_l| entries per layer: keep it inside the structured budgets
    n_s = len(inputs_v)
    for k in range(1, L + 1):  # the shapes of to_multilinear's layers, before building them
        l = L + 1 - k
        rows = widths[L] if k == 1 else n_s * widths[l]
        cols = n_s if l == 1 else n_s * widths[l - 1]
        what = f"of the stacked matrix of weight layer {l} over {n_s} sample(s)"
        _ff_budget("inputs", max(rows, cols), MAX_DIMENSION, "rows/cols " + what)
        _ff_budget("inputs", rows * cols, MAX_CELLS, "cells " + what)
        _ff_budget("inputs", n_s * len(edges[l - 1]), MAX_ENTRIES, "entries " + what)
    inputs = tuple(_rational_list(x, f"inputs[{s}]", widths[0]) for s, x in enumerate(inputs_v))
    n = len(inputs)

    act_v = spec.get("activations")
    if act_v is None:
        masks = tuple(tuple(tuple([1] * widths[l]) for l in range(1, L)) for _ in range(n))
    else:
        if not isinstance(act_v, list) or len(act_v) != n:
            raise SpecError("activations", f"expected one item per sample ({n}), got {act_v!r}")
        masks_l = []
        for s, ms in enumerate(act_v):
            if not isinstance(ms, list) or len(ms) != L - 1:
                raise SpecError(f"activations[{s}]", f"expected one 0/1 mask per hidden layer ({L - 1})")
            per = []
            for l, mk in enumerate(ms, start=1):
                where = f"activations[{s}][{l - 1}]"
                if not isinstance(mk, list) or len(mk) != widths[l]:
                    raise SpecError(where, f"expected {widths[l]} values 0/1 (hidden layer {l} has {widths[l]} units)")
                for u, bit in enumerate(mk):
                    if isinstance(bit, bool) or not isinstance(bit, int) or bit not in (0, 1):
                        raise SpecError(f"{where}[{u}]", f"expected 0 or 1, got {bit!r}")
                per.append(tuple(mk))
            masks_l.append(tuple(per))
        masks = tuple(masks_l)
    return FeedforwardNetwork(widths, tuple(edges), inputs, masks, str(spec.get("name", "feedforward")))
