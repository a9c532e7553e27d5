"""Convolutional linear networks (paper, section 8): the validated network object and its layout.

A convolutional linear network is a rooted DAG whose edges carry circular convolution kernels
on Z_N. Signals live at the nodes; the network maps the signals x^f at the leaves f to the signal
at the root r (paper, (8.1)): ``X x = sum_f X^f x^f``. :func:`graphs.conv_spec.parse_conv_spec`
reads a spec into a :class:`ConvNetwork`; the analyses (Algorithm 8.1, the structure of A,
stability, the decisions) live in their own modules and take the network as first argument.

Conventions pinned here (certificates and other modules depend on them)
-----------------------------------------------------------------------
* **Edges** point from the input (leaf) side towards the root. Leaves are the nodes without
  incoming edge.
* **Depth.** The depth of an edge is its number of edges to the root, itself included; edges into
  the root have depth 1 (layer 1). The *level* of a node is its distance to the root (root 0,
  leaves K), so an edge of depth k goes from level k to level k-1. Every leaf-root path has the
  same length K and every node a single level (the reader refuses other graphs).
* **Node order.** ``levels[0] = [root]``; ``levels[k]`` (k >= 1) lists the level-k nodes in the
  order in which they first appear as the source of an edge in the spec. ``leaves`` is
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
  of the kernels along p (:mod:`graphs.leaf_kernels` computes it).

Examples
--------
The paper's scattered example {1,2,3} * {1,10} (section 8):

>>> from graphs.conv_spec import parse_conv_spec
>>> net = parse_conv_spec({"kind": "conv", "N": 16, "root": "r", "edges": [
...     {"from": "x", "to": "v", "support": [1, 2, 3]},
...     {"from": "v", "to": "r", "support": [1, 10]}]})
>>> [e.name for e in net.edges_by_depth[0]], net.param_counts
(['v->r'], (2, 3))
>>> [e.name for e in net.paths()[0]]
['x->v', 'v->r']
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, Iterator, Mapping, Sequence

import networkx as nx

from algebra.errors import SpecError
from algebra.network import Layer, MultilinearMap
from algebra.rational import to_fraction

__all__ = ["ConvEdge", "ConvNetwork"]


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


class ConvNetwork:
    """A validated convolutional linear network (paper, section 8).

    Built by :func:`graphs.conv_spec.parse_conv_spec` (which checks everything this class relies
    on: acyclic, one root, one depth per edge, supports inside Z_N).

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
        The canonical spec (JSON-ready; reparses to an equal network), as the reader wrote it.
    """

    def __init__(self, name: str, N: int, boundary: str, root: str, edges: list[ConvEdge],
                 graph: nx.DiGraph, levels: list[list[str]], spec: Mapping[str, Any]):
        self.name = name
        self.N = N
        self.boundary = boundary
        self.root = root
        self.edges = edges
        self.graph = graph
        self.levels = levels
        self.K = len(levels) - 1
        self.leaves = list(levels[-1])
        self.edges_by_depth: list[list[ConvEdge]] = [[] for _ in range(self.K)]
        for e in edges:  # spec order within each depth
            self.edges_by_depth[e.depth - 1].append(e)
        self.param_counts = tuple(sum(len(e.support) for e in layer) for layer in self.edges_by_depth)
        self.node_index = [{v: i for i, v in enumerate(level)} for level in levels]
        self._spec = spec

    def __repr__(self) -> str:
        return (f"ConvNetwork(name={self.name!r}, N={self.N}, K={self.K}, "
                f"leaves={len(self.leaves)}, edges={len(self.edges)})")

    # ------------------------------------------------------------------ spec
    @property
    def spec(self) -> dict:
        """The canonical spec dict (spec order of edges and supports kept: they fix the layout)."""
        return copy.deepcopy(dict(self._spec))

    @property
    def S(self) -> int:
        """The paper's S = max_k S_k (the paper pads layers to a common S)."""
        return max(self.param_counts)

    @property
    def S_prime(self) -> int:
        """S' = max_e |S_e|, the size of the largest kernel (Theorem 8.4)."""
        return max(len(e.support) for e in self.edges)

    # ------------------------------------------------------------------ paths and indices
    def iter_paths(self, leaf: str | None = None) -> Iterator[list[ConvEdge]]:
        """Every leaf->root path (edge list from the leaf to the root), leaves in ``leaves`` order
        and, from one node, out-edges in spec order.

        A generator: the number of paths can grow exponentially on DAGs, so callers that may meet
        many of them stop early or count them (:func:`graphs.leaf_kernels.count_paths`).
        """
        for f in ([leaf] if leaf is not None else self.leaves):
            stack: list[tuple[str, list[ConvEdge]]] = [(f, [])]
            while stack:
                v, acc = stack.pop()
                if v == self.root:
                    yield acc
                    continue
                for e in reversed(self.out_edges(v)):  # reversed: the first out-edge is walked first
                    stack.append((e.target, acc + [e]))

    def paths(self, leaf: str | None = None) -> list[list[ConvEdge]]:
        """All leaf->root paths as a list (see :meth:`iter_paths`); for small networks and witnesses."""
        return list(self.iter_paths(leaf))

    @cached_property
    def _incident(self) -> tuple[dict[str, list[ConvEdge]], dict[str, list[ConvEdge]]]:
        """(out-edges, in-edges) of every node, each in spec order."""
        out: dict[str, list[ConvEdge]] = {v: [] for v in self.graph.nodes}
        into: dict[str, list[ConvEdge]] = {v: [] for v in self.graph.nodes}
        for e in self.edges:
            out[e.source].append(e)
            into[e.target].append(e)
        return out, into

    def out_edges(self, node: str) -> list[ConvEdge]:
        """Edges leaving ``node`` (towards the root), in spec order."""
        return self._incident[0][node]

    def in_edges(self, node: str) -> list[ConvEdge]:
        """Edges entering ``node`` (from the leaf side), in spec order."""
        return self._incident[1][node]

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
        # canonical by construction: one parameter per (edge, offset), one entry per (parameter, row)
        entries.sort()
        return Layer.from_checked(N * len(self.levels[k - 1]), N * len(self.levels[k]), self.param_counts[k - 1], tuple(entries))

    def to_multilinear(self) -> MultilinearMap:
        """Compile to the multilinear map h -> M_1(h_1) ... M_K(h_K) of (8.1)."""
        return MultilinearMap(tuple(self.layer(k) for k in range(1, self.K + 1)))
