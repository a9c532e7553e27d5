"""Convolutional linear networks (paper, section 8): spec, topology, layout, compilation.

A convolutional linear network is a rooted DAG whose edges carry circular convolution kernels
on Z_N. Signals live at the nodes; the network maps the signals x^f at the leaves f to the signal
at the root r (paper, (8.1)): ``X x = sum_f X^f x^f``.

Conventions pinned here (certificates and other modules depend on them)
-----------------------------------------------------------------------
* **Spec.** ``{"kind": "conv", "name": ..., "N": 16, "boundary": "circular", "root": "r",
  "edges": [{"from": "x", "to": "v1", "support": [1, 2, 3]}, ...]}``. Edges point from the
  input (leaf) side towards the root. Leaves are the nodes without incoming edge.
* **Depth.** The depth of an edge is its number of edges to the root, itself included; edges into
  the root have depth 1 (layer 1). The *level* of a node is its distance to the root (root 0,
  leaves K), so an edge of depth k goes from level k to level k-1. Every leaf-root path must have
  the same length K and every node a single level, else :class:`~algebra.errors.SpecError`.
* **Node order.** ``levels[0] = [root]``; ``levels[k]`` (k >= 1) lists the level-k nodes in the
  order in which they first appear as the ``from`` node of an edge in the spec. ``leaves`` is
  ``levels[K]`` (every leaf is at level K and every level-K node is a leaf).
* **Parameter layout.** Layer k's parameter vector h_k is the concatenation, over the edges of
  depth k in spec order, of each edge's kernel values in the order of its support list
  (so h is a list of K lists and S_k = sum of |S_e| over depth-k edges). T_e(h_k) is the kernel
  on Z_N that has value h_k[offset_e + j] at position support_e[j] and 0 elsewhere.
* **Convolution.** (u * v)[n] = sum_m u[m] v[(n - m) mod N]. The circulant matrix of a kernel u is
  C(u)[r, c] = u[(r - c) mod N], so C(u) x = u * x and C(u) C(v) = C(u * v).
* **M_k(h_k)** (Corollary 5.2 / (8.1)) is an N|levels[k-1]| x N|levels[k]| block matrix of N x N
  circulant blocks: block row a (a node at level k-1, the root side), block column b (a node at
  level k, the leaf side), each in the order of ``levels``; block (a, b) is C(T_e(h_k)) for the
  edge e = (b -> a) and 0 when there is no such edge.
* **X** = M_1(h_1) ... M_K(h_K) is N x N|F| = [X^f]_{f in leaves} (leaves in ``leaves`` order).
  By (8.2), X^f = C(kernel_f) with kernel_f = sum over paths p from f of T^p(h), the convolution
  of the kernels along p.

Examples
--------
The paper's scattered example {1,2,3} * {1,10} (section 8):

>>> net = parse_conv_spec({"kind": "conv", "N": 16, "root": "r", "edges": [
...     {"from": "x", "to": "v", "support": [1, 2, 3]},
...     {"from": "v", "to": "r", "support": [1, 10]}]})
>>> net.K, net.leaves, net.param_counts
(2, ['x'], (2, 3))
>>> [e.name for e in net.edges_by_depth[0]]
['v->r']
>>> k = net.path_sum_kernels([[1, 1], [1, 1, 1]])["x"]
>>> [int(v) for v in k]
[0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterator, Mapping, Sequence

import networkx as nx

from algebra.errors import SpecError
from algebra.limits import MAX_CONV_CELLS, MAX_CONV_EDGES, MAX_CONV_N
from algebra.network import Layer, MultilinearMap
from algebra.rational import parse_int, to_fraction

__all__ = ["ConvEdge", "ConvNetwork", "parse_conv_spec", "circular_convolve", "CONV_FIELDS", "BOUNDARIES"]

# Size limits (algebra.limits) are checked at parse time: Algorithm 8.1 keeps dense length-N
# integer vectors per node and does one length-N shift-add per support offset, so memory ~ 8 N
# bytes per live node and time ~ N * sum_e |S_e|. The benchmarks (Haar packet tree J=12, N=2^14:
# N sum|S_e| ~ 2^28; chain N=2^16) sit well inside.

CONV_FIELDS = {"kind", "name", "description", "N", "boundary", "root", "edges"}
EDGE_FIELDS = {"from", "to", "support"}
BOUNDARIES = ("circular",)


@dataclass(frozen=True)
class ConvEdge:
    """One edge of a convolutional network: ``source -> target`` with a kernel support.

    ``index`` is the edge's position in the spec's ``edges`` list, ``depth`` its layer (1 = into
    the root), ``offset`` the position of its first kernel value inside h_depth (pinned layout).
    It unpacks like a networkx edge: ``u, v = edge``.
    """

    source: str
    target: str
    support: tuple[int, ...]
    depth: int
    index: int
    offset: int

    @property
    def name(self) -> str:
        return f"{self.source}->{self.target}"

    @property
    def params(self) -> range:
        """The indices of this edge's values inside h_depth."""
        return range(self.offset, self.offset + len(self.support))

    def __iter__(self) -> Iterator[str]:
        yield self.source
        yield self.target


def circular_convolve(u: Sequence, v: Sequence, N: int) -> list:
    """Circular convolution on Z_N of two dense kernels (exact if the entries are exact).

    >>> circular_convolve([0, 1, 0, 0], [1, 0, 0, 2], 4)
    [2, 1, 0, 0]
    """
    out = [0] * N
    nz_v = [(m, y) for m, y in enumerate(v) if y]
    for n, x in enumerate(u):
        if x:
            for m, y in nz_v:
                out[(n + m) % N] += x * y
    return out


class ConvNetwork:
    """A validated convolutional linear network (paper, section 8). Build with :func:`parse_conv_spec`.

    Attributes
    ----------
    name, N, boundary, root : the spec's values.
    graph : networkx.DiGraph
        Nodes carry ``level``; edges carry ``support``, ``depth``, ``index``, ``edge`` (ConvEdge).
    K : int
        Number of layers (common leaf-root path length).
    edges : list[ConvEdge]
        In spec order.
    edges_by_depth : list[list[ConvEdge]]
        ``edges_by_depth[k - 1]`` = edges of depth k in spec order (the pinned layout order).
    levels : list[list[str]]
        Nodes by level (0 = root), in the documented order; ``leaves = levels[K]``.
    param_counts : tuple[int, ...]
        (S_1, ..., S_K).
    spec : dict
        The canonical spec (JSON-ready; reparses to an equal network).
    """

    def __init__(self, name: str, N: int, boundary: str, root: str, edges: list[ConvEdge],
                 graph: nx.DiGraph, levels: list[list[str]]):
        self.name = name
        self.N = N
        self.boundary = boundary
        self.root = root
        self.edges = edges
        self.graph = graph
        self.levels = levels
        self.K = len(levels) - 1
        self.leaves = list(levels[-1])
        self.edges_by_depth = [[e for e in edges if e.depth == k] for k in range(1, self.K + 1)]
        self.param_counts = tuple(sum(len(e.support) for e in layer) for layer in self.edges_by_depth)
        self.node_index = [{v: i for i, v in enumerate(level)} for level in levels]

    def __repr__(self) -> str:
        return (f"ConvNetwork(name={self.name!r}, N={self.N}, K={self.K}, "
                f"leaves={len(self.leaves)}, edges={len(self.edges)})")

    # ------------------------------------------------------------------ spec
    @property
    def spec(self) -> dict:
        """The canonical spec dict (spec order of edges and supports kept: they fix the layout)."""
        return {
            "kind": "conv",
            "name": self.name,
            "N": self.N,
            "boundary": self.boundary,
            "root": self.root,
            "edges": [{"from": e.source, "to": e.target, "support": list(e.support)} for e in self.edges],
        }

    @property
    def S(self) -> int:
        """The paper's S = max_k S_k (the paper pads layers to a common S)."""
        return max(self.param_counts)

    @property
    def S_prime(self) -> int:
        """S' = max_e |S_e|, the size of the largest kernel (Theorem 8.4)."""
        return max(len(e.support) for e in self.edges)

    # ------------------------------------------------------------------ paths and indices
    def paths(self, leaf: str | None = None) -> list[list[ConvEdge]]:
        """All leaf->root paths (edge lists from the leaf to the root), leaves in order.

        Path count can grow exponentially on DAGs; meant for small networks and witnesses.
        """
        out: list[list[ConvEdge]] = []
        out_edges = self._out_edges

        def walk(v: str, acc: list[ConvEdge]) -> None:
            if v == self.root:
                out.append(list(acc))
                return
            for e in out_edges[v]:
                acc.append(e)
                walk(e.target, acc)
                acc.pop()

        for f in ([leaf] if leaf is not None else self.leaves):
            walk(f, [])
        return out

    @cached_property
    def _out_edges(self) -> dict[str, list[ConvEdge]]:
        out: dict[str, list[ConvEdge]] = {v: [] for v in self.graph.nodes}
        for e in self.edges:
            out[e.source].append(e)
        return out

    def out_edges(self, node: str) -> list[ConvEdge]:
        """Edges leaving ``node`` (towards the root), in spec order."""
        return self._out_edges[node]

    def edge_of_param(self, depth: int, i: int) -> tuple[ConvEdge, int]:
        """The paper's e_k(i): the edge of layer ``depth`` owning h_depth[i], and the kernel offset."""
        for e in self.edges_by_depth[depth - 1]:
            if e.offset <= i < e.offset + len(e.support):
                return e, e.support[i - e.offset]
        raise IndexError(f"layer {depth} has {self.param_counts[depth - 1]} parameters, not index {i}")

    def path_of_tuple(self, index: Sequence[int]) -> list[ConvEdge] | None:
        """p_i as a leaf->root edge list if the index tuple (i_1..i_K) is valid (i in I), else None."""
        edges = [self.edge_of_param(k + 1, i)[0] for k, i in enumerate(index)]
        for k in range(1, self.K):  # edge of layer k+1 must end where edge of layer k starts
            if edges[k].target != edges[k - 1].source:
                return None
        return list(reversed(edges))

    def offset_sum(self, index: Sequence[int]) -> int:
        """sigma(i) = sum_k (offset of h_k[i_k] in its kernel) mod N."""
        return sum(self.edge_of_param(k + 1, i)[1] for k, i in enumerate(index)) % self.N

    def valid_tuples(self) -> Iterator[tuple[tuple[int, ...], str, int]]:
        """All valid index tuples i in I with their leaf and offset sum, lexicographically.

        Enumerates paths, so it is for small networks (tests, witnesses, structural rank).
        """
        import itertools

        rows = []
        for path in self.paths():
            leaf = path[0].source
            by_layer = sorted(path, key=lambda e: e.depth)  # layer 1 first
            choices = [[(e.offset + j, s) for j, s in enumerate(e.support)] for e in by_layer]
            for combo in itertools.product(*choices):
                rows.append((tuple(i for i, _ in combo), leaf, sum(s for _, s in combo) % self.N))
        rows.sort()
        return iter(rows)

    # ------------------------------------------------------------------ parameters
    def check_params(self, h: Sequence[Sequence], field: str = "h") -> list[list[Fraction]]:
        """Validate h = [h_1..h_K] against the pinned layout and convert to Fractions."""
        if len(h) != self.K:
            raise SpecError(field, f"expected {self.K} parameter vectors (one per layer), got {len(h)}")
        out = []
        for k, (hk, s) in enumerate(zip(h, self.param_counts)):
            if len(hk) != s:
                raise SpecError(f"{field}[{k}]", f"layer {k + 1} has {s} parameters, got {len(hk)}")
            out.append([to_fraction(x, f"{field}[{k}][{i}]") for i, x in enumerate(hk)])
        return out

    def kernel(self, edge: ConvEdge, h: Sequence[Sequence]) -> list:
        """T_e(h): the dense length-N kernel of ``edge`` under parameters h."""
        hk = h[edge.depth - 1]
        out = [0] * self.N
        for j, s in enumerate(edge.support):
            out[s] = hk[edge.offset + j]
        return out

    def params_from_kernels(self, kernels: Mapping[int, Sequence] | Sequence[Sequence], default=0) -> list[list]:
        """Build h (pinned layout) from per-edge kernel values given in support order.

        ``kernels[edge.index]`` lists the kernel values of that edge in its support order;
        missing edges get ``default`` everywhere.
        """
        get = kernels.get if isinstance(kernels, Mapping) else (lambda i, d=None: kernels[i])
        h = []
        for layer in self.edges_by_depth:
            hk = []
            for e in layer:
                vals = get(e.index, None)
                hk.extend(list(vals) if vals is not None else [default] * len(e.support))
            h.append(hk)
        return h

    # ------------------------------------------------------------------ evaluation
    def path_sum_kernels(self, h: Sequence[Sequence]) -> dict[str, list[Fraction]]:
        """kernel_f = sum over paths p from f of T^p(h) (paper, (8.2)), exactly, path by path.

        This enumerates paths explicitly and is independent of :meth:`to_multilinear`; the
        tests use the two as cross-checks.
        """
        h = self.check_params(h)
        out = {f: [Fraction(0)] * self.N for f in self.leaves}
        for path in self.paths():
            acc: list = [Fraction(0)] * self.N
            acc[0] = Fraction(1)
            for e in path:
                acc = circular_convolve(acc, self.kernel(e, h), self.N)
            tot = out[path[0].source]
            for n, v in enumerate(acc):
                tot[n] += v
        return out

    def evaluate(self, h: Sequence[Sequence]) -> list[list[Fraction]]:
        """X = [X^f]_f (N x N|F|) from the path sums: column n of X^f is kernel_f translated by n."""
        kernels = self.path_sum_kernels(h)
        N = self.N
        X = [[Fraction(0)] * (N * len(self.leaves)) for _ in range(N)]
        for b, f in enumerate(self.leaves):
            u = kernels[f]
            for c in range(N):
                for r in range(N):
                    X[r][b * N + c] = u[(r - c) % N]
        return X

    # ------------------------------------------------------------------ compilation
    def layer(self, k: int) -> Layer:
        """M_k as an :class:`algebra.network.Layer` (block-circulant, see the module docstring)."""
        N = self.N
        rows_index, cols_index = self.node_index[k - 1], self.node_index[k]
        entries = []
        for e in self.edges_by_depth[k - 1]:
            a, b = rows_index[e.target], cols_index[e.source]
            for j, s in enumerate(e.support):
                p = e.offset + j
                for r in range(N):  # C(delta_s)[r, c] = 1 iff r - c = s mod N
                    entries.append((p, a * N + r, b * N + (r - s) % N, Fraction(1)))
        entries.sort()
        return Layer(N * len(self.levels[k - 1]), N * len(self.levels[k]), self.param_counts[k - 1], tuple(entries))

    def to_multilinear(self) -> MultilinearMap:
        """Compile to the multilinear map h -> M_1(h_1) ... M_K(h_K) of (8.1)."""
        return MultilinearMap(tuple(self.layer(k) for k in range(1, self.K + 1)))

    def structural_rank(self):
        """rank(A) from the structure (Proposition 8.2 generalised); see :mod:`graphs.conv_structure`."""
        from .conv_structure import structural_rank

        return structural_rank(self)


# ---------------------------------------------------------------------- parsing
def _node_name(value: Any, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise SpecError(field, f"expected a non-empty node name (string), got {value!r}")
    return value


def _path_str(nodes: Sequence[str]) -> str:
    return "->".join(nodes)


def parse_conv_spec(spec: Mapping) -> ConvNetwork:
    """Validate a ``conv`` spec and build the :class:`ConvNetwork`.

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
    root = _node_name(spec["root"], "root")
    raw_edges = spec.get("edges")
    if not isinstance(raw_edges, list) or not raw_edges:
        raise SpecError("edges", "expected a non-empty list of edges")
    if len(raw_edges) > MAX_CONV_EDGES:
        raise SpecError("edges", f"{len(raw_edges)} edges exceed the supported maximum {MAX_CONV_EDGES}")

    graph = nx.DiGraph()
    parsed: list[tuple[str, str, tuple[int, ...]]] = []
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
        if graph.has_edge(u, v):
            first = graph.edges[u, v]["index"]
            raise SpecError(where, f"duplicate edge {u}->{v} (already edges[{first}]); merge their supports")
        sup = e["support"]
        if not isinstance(sup, list) or not sup:
            raise SpecError(f"{where}.support", "expected a non-empty list of offsets")
        offsets = []
        seen_offsets: set[int] = set()  # a set: a list test is quadratic in |S_e| (up to N)
        for t, s in enumerate(sup):
            s = parse_int(s, f"{where}.support[{t}]")
            if not 0 <= s < N:
                raise SpecError(f"{where}.support", f"offset {s} out of range 0..{N - 1} (kernels live on Z_N, N = {N})")
            if s in seen_offsets:
                raise SpecError(f"{where}.support", f"duplicate offset {s}")
            seen_offsets.add(s)
            offsets.append(s)
        graph.add_edge(u, v, index=j, support=tuple(offsets))
        parsed.append((u, v, tuple(offsets)))
    work = N * sum(len(sup) for _, _, sup in parsed)
    if work > MAX_CONV_CELLS:
        raise SpecError("edges", f"N x (total support size) = {work} exceeds the supported maximum 2^"
                                 f"{MAX_CONV_CELLS.bit_length() - 1} (Algorithm 8.1 does one length-N shift-add "
                                 "per support offset)")

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

    # distances to the root: shortest and longest, with next hops to name offending paths
    order = list(reversed(list(nx.topological_sort(graph))))  # root side first
    lo: dict[str, tuple[int, str | None]] = {root: (0, None)}
    hi: dict[str, tuple[int, str | None]] = {root: (0, None)}
    for v in order:
        if v == root:
            continue
        succ = list(graph.successors(v))
        lo[v] = min((lo[w][0] + 1, w) for w in succ)
        hi[v] = max((hi[w][0] + 1, w) for w in succ)

    def walk(v: str, table) -> list[str]:
        out = [v]
        while table[out[-1]][1] is not None:
            out.append(table[out[-1]][1])
        return out

    for u, v, _ in parsed:  # first offending edge in spec order
        if lo[v][0] != hi[v][0]:
            j = graph.edges[u, v]["index"]
            raise SpecError(
                f"edges[{j}]", f"edge {u}->{v} has no single depth: paths from {v} to the root have lengths "
                f"{lo[v][0]} ({_path_str(walk(v, lo))}) and {hi[v][0]} ({_path_str(walk(v, hi))})")
    for v in graph:
        if lo[v][0] != hi[v][0]:
            raise SpecError("edges", f"node {v} is at two distances from the root: "
                                     f"{_path_str(walk(v, lo))} and {_path_str(walk(v, hi))}")
    leaves_all = [v for v in graph if graph.in_degree(v) == 0]
    K = max(lo[f][0] for f in leaves_all)
    for u, v, _ in parsed:
        if graph.in_degree(u) == 0 and lo[u][0] != K:
            deep = next(f for f in leaves_all if lo[f][0] == K)
            raise SpecError(
                "edges", f"leaf-root paths must all have the same length: {_path_str(walk(u, lo))} has "
                f"{lo[u][0]} edge(s) but {_path_str(walk(deep, lo))} has {K}")

    levels: list[list[str]] = [[root]] + [[] for _ in range(K)]
    seen = {root}
    edges: list[ConvEdge] = []
    offsets_by_depth = [0] * (K + 1)
    for j, (u, v, sup) in enumerate(parsed):
        depth = lo[u][0]
        if u not in seen:
            seen.add(u)
            levels[depth].append(u)
        edge = ConvEdge(u, v, sup, depth, j, offsets_by_depth[depth])
        offsets_by_depth[depth] += len(sup)
        edges.append(edge)
        graph.edges[u, v]["depth"] = depth
        graph.edges[u, v]["edge"] = edge
    for v in graph:
        graph.nodes[v]["level"] = lo[v][0]
    return ConvNetwork(name, N, boundary, root, edges, graph, levels)
