"""The ``conv`` spec (paper, section 8): read it into a validated :class:`~graphs.conv.ConvNetwork`,
and write one back.

This module is the only code that knows the spec's field names. A spec reads::

    {"kind": "conv", "name": "...", "description": "...", "N": 16, "boundary": "circular",
     "root": "r", "edges": [{"from": "x", "to": "v1", "support": [1, 2, 3]}, ...]}

Edges point from the input (leaf) side towards the root; ``support`` lists the kernel offsets
S_e in Z_N, in the order that fixes the parameter layout (see :mod:`graphs.conv`). ``name``,
``description`` and ``boundary`` are optional (``boundary`` is ``"circular"``, the only one the
paper's (8.1) uses).

Validation (every failure a :class:`~algebra.errors.SpecError` naming the field): known fields,
1 <= N <= MAX_CONV_N, non-empty duplicate-free supports inside Z_N, no duplicate edges, no cycle
(named), a single root that every node leads to, and one depth per edge: every leaf-root path has
the same length K (two offending paths are named). Sizes are capped by :mod:`algebra.limits`:
Algorithm 8.1 keeps dense length-N vectors and does one length-N shift-add per support offset, so
it touches N * sum_e |S_e| cells (MAX_CONV_CELLS).

Examples
--------
>>> net = parse_conv_spec({"kind": "conv", "N": 16, "root": "r", "edges": [
...     {"from": "x", "to": "v", "support": [1, 2, 3]},
...     {"from": "v", "to": "r", "support": [1, 10]}]})
>>> net.K, net.leaves, net.param_counts
(2, ['x'], (2, 3))
>>> parse_conv_spec(net.spec).spec == net.spec
True
>>> network_spec(net, supports={0: [1, 4, 7]})["edges"][0]
{'from': 'x', 'to': 'v', 'support': [1, 4, 7]}
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx

from algebra.errors import SpecError
from algebra.limits import MAX_CONV_CELLS, MAX_CONV_EDGES, MAX_CONV_N
from algebra.rational import parse_int

from .conv import ConvEdge, ConvNetwork

__all__ = ["parse_conv_spec", "conv_spec", "network_spec", "spec_to_json", "CONV_FIELDS", "EDGE_FIELDS",
           "BOUNDARIES"]

CONV_FIELDS = {"kind", "name", "description", "N", "boundary", "root", "edges"}
EDGE_FIELDS = {"from", "to", "support"}
BOUNDARIES = ("circular",)

RawEdge = tuple[str, str, tuple[int, ...]]


# ---------------------------------------------------------------------- writing
def conv_spec(N: int, root: str, edges: Iterable[tuple[str, str, Sequence[int]]], *, name: str = "conv",
              boundary: str = "circular", description: str | None = None) -> dict:
    """A conv spec dict from its parts; ``edges`` are (from, to, support) triples in spec order.

    >>> conv_spec(8, "r", [("x", "r", [0, 3])], name="one")
    {'kind': 'conv', 'name': 'one', 'N': 8, 'boundary': 'circular', 'root': 'r', 'edges': [{'from': 'x', 'to': 'r', 'support': [0, 3]}]}
    """
    spec: dict[str, Any] = {"kind": "conv", "name": name}
    if description is not None:
        spec["description"] = description
    spec.update({"N": N, "boundary": boundary, "root": root,
                 "edges": [{"from": u, "to": v, "support": list(sup)} for u, v, sup in edges]})
    return spec


def network_spec(net: ConvNetwork, *, supports: Mapping[int, Sequence[int]] | None = None,
                 description: str | None = None) -> dict:
    """The canonical spec of ``net``; ``supports`` replaces the supports of some edges (by index)."""
    supports = supports or {}
    return conv_spec(net.N, net.root, [(e.source, e.target, supports.get(e.index, e.support)) for e in net.edges],
                     name=net.name, boundary=net.boundary, description=description)


def spec_to_json(spec: Mapping) -> str:
    """JSON text of a conv spec with one edge per line (readable diffs; ``json.loads`` inverts it)."""
    head = {k: v for k, v in spec.items() if k != "edges"}
    lines = ["{"] + [f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items()]
    edges = [f"    {json.dumps(e)}" for e in spec["edges"]]
    lines += ['  "edges": ['] + [",\n".join(edges)] + ["  ]", "}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- reading
def parse_conv_spec(spec: Mapping) -> ConvNetwork:
    """Validate a ``conv`` spec and build the :class:`~graphs.conv.ConvNetwork`.

    Raises
    ------
    SpecError
        Naming the field: unknown fields, bad N/boundary/root, empty/duplicate/out-of-range
        supports, unknown nodes, duplicate edges, cycles (the cycle is named), several roots,
        nodes at two distances from the root (two paths named), leaves at different depths.

    Examples
    --------
    >>> parse_conv_spec({"kind": "conv", "N": 4, "root": "r", "edges": [
    ...     {"from": "x", "to": "r", "support": [0, 4]}]})
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: edges[0].support: offset 4 out of range 0..3 (kernels live on Z_N, N = 4)
    """
    name, N, boundary, root = _read_header(spec)
    raw = _read_edges(spec.get("edges"), N)
    graph = nx.DiGraph()
    for j, (u, v, sup) in enumerate(raw):
        graph.add_edge(u, v, index=j, support=sup)
    _check_root_and_cycles(graph, root)
    level = _levels(graph, root, raw)
    return _build(name, N, boundary, root, raw, graph, level)


def _read_header(spec: Any) -> tuple[str, int, str, str]:
    """(name, N, boundary, root), checked."""
    if not isinstance(spec, Mapping):
        raise SpecError("spec", f"expected a JSON object, got {type(spec).__name__}")
    if spec.get("kind", "conv") != "conv":
        raise SpecError("kind", f"expected 'conv', got {spec.get('kind')!r}")
    unknown = set(spec) - CONV_FIELDS
    if unknown:
        raise SpecError("spec", f"unknown field(s) {sorted(unknown)} for kind 'conv'")
    name = spec.get("name", "conv")
    if not isinstance(name, str):
        raise SpecError("name", f"expected a string, got {name!r}")
    if "N" not in spec:
        raise SpecError("N", "missing")
    N = parse_int(spec["N"], "N", minimum=1)
    if N > MAX_CONV_N:
        raise SpecError("N", f"{N} exceeds the supported maximum 2^{MAX_CONV_N.bit_length() - 1} (the dense per-leaf "
                             f"vectors of Algorithm 8.1 would need {8 * N / 2**30:.3g} GiB each)")
    boundary = spec.get("boundary", "circular")
    if boundary not in BOUNDARIES:
        raise SpecError("boundary", f"expected one of {list(BOUNDARIES)}, got {boundary!r}")
    if "root" not in spec:
        raise SpecError("root", "missing")
    return name, N, boundary, _node_name(spec["root"], "root")


def _node_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise SpecError(field, f"expected a non-empty node name (string), got {value!r}")
    return value


def _read_edges(raw_edges: Any, N: int) -> list[RawEdge]:
    """The edges as (from, to, support) in spec order, each checked on its own."""
    if not isinstance(raw_edges, list) or not raw_edges:
        raise SpecError("edges", "expected a non-empty list of edges")
    if len(raw_edges) > MAX_CONV_EDGES:
        raise SpecError("edges", f"{len(raw_edges)} edges exceed the supported maximum {MAX_CONV_EDGES}")
    parsed: list[RawEdge] = []
    first_index: dict[tuple[str, str], int] = {}
    for j, e in enumerate(raw_edges):
        where = f"edges[{j}]"
        if not isinstance(e, Mapping):
            raise SpecError(where, "expected an object with from, to, support")
        unknown = set(e) - EDGE_FIELDS
        if unknown:
            raise SpecError(where, f"unknown field(s) {sorted(unknown)}")
        for key in ("from", "to", "support"):
            if key not in e:
                raise SpecError(f"{where}.{key}", "missing")
        u = _node_name(e["from"], f"{where}.from")
        v = _node_name(e["to"], f"{where}.to")
        if u == v:
            raise SpecError(where, f"self-loop {u}->{u} (a cycle)")
        if (u, v) in first_index:
            raise SpecError(where, f"duplicate edge {u}->{v} (already edges[{first_index[u, v]}]); "
                                   "merge their supports")
        first_index[u, v] = j
        parsed.append((u, v, _read_support(e["support"], f"{where}.support", N)))
    work = N * sum(len(sup) for _, _, sup in parsed)
    if work > MAX_CONV_CELLS:
        raise SpecError("edges", f"N x (total support size) = {work} exceeds the supported maximum 2^"
                                 f"{MAX_CONV_CELLS.bit_length() - 1} (Algorithm 8.1 does one length-N shift-add "
                                 "per support offset)")
    return parsed


def _read_support(sup: Any, field: str, N: int) -> tuple[int, ...]:
    if not isinstance(sup, list) or not sup:
        raise SpecError(field, "expected a non-empty list of offsets")
    offsets = []
    seen: set[int] = set()  # a set: a list test is quadratic in |S_e| (up to N)
    for t, s in enumerate(sup):
        s = parse_int(s, f"{field}[{t}]")
        if not 0 <= s < N:
            raise SpecError(field, f"offset {s} out of range 0..{N - 1} (kernels live on Z_N, N = {N})")
        if s in seen:
            raise SpecError(field, f"duplicate offset {s}")
        seen.add(s)
        offsets.append(s)
    return tuple(offsets)


def _path_str(nodes: Sequence[str]) -> str:
    return "->".join(nodes)


def _check_root_and_cycles(graph: nx.DiGraph, root: str) -> None:
    """The root is a node without outgoing edge, the graph is acyclic and every node leads to the root."""
    if root not in graph:
        raise SpecError("root", f"node {root!r} is not an endpoint of any edge")
    if graph.out_degree(root):
        succ = next(iter(graph.successors(root)))
        raise SpecError("root", f"the root {root!r} has an outgoing edge {root}->{succ}; edges point towards the root")
    if not nx.is_directed_acyclic_graph(graph):
        cycle = [u for u, _ in nx.find_cycle(graph)]
        raise SpecError("edges", f"the graph has a cycle {_path_str(cycle + [cycle[0]])}")
    sinks = sorted(v for v in graph if graph.out_degree(v) == 0 and v != root)
    if sinks:
        raise SpecError("edges", f"several roots: {sinks} have no outgoing edge besides root {root!r}; "
                                 "every node must lead to the root")


def _levels(graph: nx.DiGraph, root: str, raw: list[RawEdge]) -> dict[str, int]:
    """Each node's distance to the root, after checking it is unique and every leaf is at the same one.

    Shortest and longest distances are computed with their next hops, so that an offending node
    is reported with two of its paths to the root.
    """
    order = list(reversed(list(nx.topological_sort(graph))))  # root side first
    lo: dict[str, tuple[int, str | None]] = {root: (0, None)}
    hi: dict[str, tuple[int, str | None]] = {root: (0, None)}
    for v in order:
        if v != root:
            succ = list(graph.successors(v))
            lo[v] = min((lo[w][0] + 1, w) for w in succ)
            hi[v] = max((hi[w][0] + 1, w) for w in succ)

    def walk(v: str, table) -> list[str]:
        out = [v]
        while table[out[-1]][1] is not None:
            out.append(table[out[-1]][1])
        return out

    for u, v, _ in raw:  # first offending edge in spec order
        if lo[v][0] != hi[v][0]:
            j = graph.edges[u, v]["index"]
            raise SpecError(
                f"edges[{j}]", f"edge {u}->{v} has no single depth: paths from {v} to the root have lengths "
                f"{lo[v][0]} ({_path_str(walk(v, lo))}) and {hi[v][0]} ({_path_str(walk(v, hi))})")
    for v in graph:
        if lo[v][0] != hi[v][0]:
            raise SpecError("edges", f"node {v} is at two distances from the root: "
                                     f"{_path_str(walk(v, lo))} and {_path_str(walk(v, hi))}")
    leaves = [v for v in graph if graph.in_degree(v) == 0]
    K = max(lo[f][0] for f in leaves)
    for u, _, _ in raw:
        if graph.in_degree(u) == 0 and lo[u][0] != K:
            deep = next(f for f in leaves if lo[f][0] == K)
            raise SpecError(
                "edges", f"leaf-root paths must all have the same length: {_path_str(walk(u, lo))} has "
                f"{lo[u][0]} edge(s) but {_path_str(walk(deep, lo))} has {K}")
    return {v: d for v, (d, _) in lo.items()}


def _build(name: str, N: int, boundary: str, root: str, raw: list[RawEdge], graph: nx.DiGraph,
           level: dict[str, int]) -> ConvNetwork:
    """The pinned layout (:mod:`graphs.conv`): levels in order of first appearance, edge offsets."""
    K = max(level.values())
    levels: list[list[str]] = [[root]] + [[] for _ in range(K)]
    seen = {root}
    edges: list[ConvEdge] = []
    offsets_by_depth = [0] * (K + 1)
    for j, (u, v, sup) in enumerate(raw):
        depth = level[u]
        if u not in seen:
            seen.add(u)
            levels[depth].append(u)
        edge = ConvEdge(u, v, sup, depth, j, offsets_by_depth[depth])
        offsets_by_depth[depth] += len(sup)
        edges.append(edge)
        data = graph[u][v]  # the edge's attribute dict
        data["depth"] = depth
        data["edge"] = edge
    nx.set_node_attributes(graph, level, "level")
    canonical = conv_spec(N, root, ((e.source, e.target, e.support) for e in edges), name=name, boundary=boundary)
    return ConvNetwork(name, N, boundary, root, edges, graph, levels, canonical)
