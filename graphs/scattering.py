"""Algorithm 8.1 (sufficiently scattered topologies, Definition 8.1) and its collision witness.

For every leaf f, Algorithm 8.1 computes y_f = M_1(1) ... M_K(1) delta_f, the output of the
network with every kernel set to the indicator of its support and a Dirac at position 0 of
leaf f. By (8.2), y_f = sum over paths p from f of 1_{S_e1} * ... * 1_{S_eK}, so

    y_f[c] = #{valid index tuples i in I starting at leaf f with offset sum sigma(i) = c mod N}

(sigma(i) = sum of the kernel offsets chosen by i). The topology is *sufficiently scattered*
(Definition 8.1) iff every entry of every y_f is 0 or 1.

Efficiency: instead of running the whole network once per leaf, a dynamic programme over the
DAG computes, for every node v, R_v = sum over paths q from v to the root of the convolution of
the indicators along q:  R_root = delta_0,  R_v = sum_{e = (v -> w)} 1_{S_e} * R_w,  and
y_f = R_f. Every edge is processed once, so shared sub-paths near the root are reused. Nodes
are visited depth-first (a stack-based topological order from the root) and R_w is freed as
soon as every predecessor of w is done, so a tree needs only O(K N) memory.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .conv import ConvEdge, ConvNetwork

__all__ = [
    "algorithm_8_1",
    "iter_scatter_vectors",
    "is_scattered",
    "find_collision",
    "find_collisions",
    "Collision",
    "naive_scatter_vectors",
    "suggest_separation",
]


def _count_bound(net: ConvNetwork) -> int:
    """Exact upper bound on any entry of any R_v: the number of (path, tuple) pairs from v."""
    count = {net.root: 1}
    for v in _root_first_order(net):
        if v != net.root:
            count[v] = sum(len(e.support) * count[e.target] for e in net.out_edges(v))
    return max(count.values())


def _root_first_order(net: ConvNetwork) -> list[str]:
    """Stack-based (depth-first) topological order from the root: v after all its successors."""
    g = net.graph
    remaining = {v: g.out_degree(v) for v in g}
    stack = [net.root]
    order = []
    while stack:
        w = stack.pop()
        order.append(w)
        # push predecessors in reverse spec order so the first in-edge is explored first
        preds = [e.source for e in sorted((g.edges[u, w]["edge"] for u in g.predecessors(w)),
                                          key=lambda e: e.index, reverse=True)]
        for u in preds:
            remaining[u] -= 1
            if remaining[u] == 0:
                stack.append(u)
    return order


def _shift_add(acc: np.ndarray, vec: np.ndarray, support: tuple[int, ...]) -> None:
    """acc += 1_support * vec on Z_N (a sum of circular shifts)."""
    for s in support:
        if s == 0:
            acc += vec
        else:
            acc[s:] += vec[:-s]
            acc[:s] += vec[-s:]


def iter_scatter_vectors(net: ConvNetwork) -> Iterator[tuple[str, np.ndarray]]:
    """Yield (leaf, y_f) for every leaf, y_f as an integer numpy array, by the DP above.

    Leaves come in the DFS order of the DP (not necessarily ``net.leaves`` order). The arrays
    are int64 when the exact count bound fits, else Python-int object arrays (exact either way).
    """
    N = net.N
    dtype = np.int64 if _count_bound(net) < 2**62 else object
    g = net.graph
    pending = {v: g.in_degree(v) for v in g}  # predecessors still to compute
    R: dict[str, np.ndarray] = {}
    for v in _root_first_order(net):
        if v == net.root:
            vec = np.zeros(N, dtype=dtype)
            vec[0] = 1
        else:
            vec = np.zeros(N, dtype=dtype)
            for e in net.out_edges(v):
                _shift_add(vec, R[e.target], e.support)
                pending[e.target] -= 1
                if pending[e.target] == 0:
                    del R[e.target]  # every predecessor of the target is done
        if pending[v]:
            R[v] = vec
        else:
            yield v, vec


def algorithm_8_1(net: ConvNetwork) -> dict[str, list[int]]:
    """Algorithm 8.1: y_f = M_1(1) ... M_K(1) delta_f for every leaf, as integer lists.

    Returns
    -------
    dict
        leaf name -> [y_f[0], ..., y_f[N-1]], leaves in ``net.leaves`` order. The topology is
        sufficiently scattered iff every entry is 0 or 1 (see :func:`is_scattered`).

    Examples
    --------
    {1,2,3} * {1,2,3} on Z_8 is not scattered (an entry 2 and an entry 3):

    >>> from graphs.builders import chain
    >>> algorithm_8_1(chain([[1, 2, 3], [1, 2, 3]], N=8))
    {'x': [0, 0, 1, 2, 3, 2, 1, 0]}
    """
    out = dict(iter_scatter_vectors(net))
    return {f: [int(x) for x in out[f]] for f in net.leaves}


def is_scattered(net: ConvNetwork) -> bool:
    """True iff the topology is sufficiently scattered (Definition 8.1), via Algorithm 8.1.

    >>> from graphs.builders import paper_scattered_example, paper_unscattered_example
    >>> is_scattered(paper_scattered_example()), is_scattered(paper_unscattered_example())
    (True, False)
    """
    return all(int(y.max()) <= 1 for _, y in iter_scatter_vectors(net))


def naive_scatter_vectors(net: ConvNetwork) -> Iterator[tuple[str, np.ndarray]]:
    """Reference route for Algorithm 8.1: apply the whole compiled network to each leaf's Dirac.

    For each leaf, x is a Dirac at position 0 of that leaf's block; apply M_K(1), ..., M_1(1)
    (each as its block-circulant action, every edge of every layer) to get y = M_1(1)...M_K(1) x.
    Cost: |F| times the whole network. Used by the tests and the benchmark as the peer.
    """
    N = net.N
    for f in net.leaves:
        signal = {v: np.zeros(N, dtype=np.int64) for v in net.levels[net.K]}
        signal[f][0] = 1
        for k in range(net.K, 0, -1):
            nxt = {v: np.zeros(N, dtype=np.int64) for v in net.levels[k - 1]}
            for e in net.edges_by_depth[k - 1]:
                _shift_add(nxt[e.target], signal[e.source], e.support)
            signal = nxt
        yield f, signal[net.root]


# ---------------------------------------------------------------------- collisions
@dataclass(frozen=True)
class Collision:
    """Two valid index tuples at the same leaf with the same offset sum (a non-scattering witness).

    ``tuples`` are (i_1, ..., i_K) in the pinned layout (layer 1 first); ``paths`` the matching
    leaf->root edge lists; ``offsets`` the kernel offsets chosen per layer (layer 1 first);
    ``count`` = y_f[offset], the number of valid tuples that collide there.
    """

    leaf: str
    offset: int
    count: int
    tuples: tuple[tuple[int, ...], tuple[int, ...]]
    paths: tuple[tuple[ConvEdge, ...], tuple[ConvEdge, ...]]
    offsets: tuple[tuple[int, ...], tuple[int, ...]]

    def describe(self) -> str:
        """A one-line human description naming the colliding edges and offsets."""
        parts = []
        for path, offs in zip(self.paths, self.offsets):
            by_layer = sorted(path, key=lambda e: e.depth)
            parts.append(" + ".join(f"{s} on {e.name}" for e, s in zip(by_layer, offs)))
        return (f"leaf {self.leaf}: offset {self.offset} is reached {self.count} times, e.g. "
                f"{parts[0]}  and  {parts[1]}  (sums equal mod N)")


def _reach_vectors(net: ConvNetwork, leaf: str) -> dict[str, np.ndarray]:
    """R_v for every node v on some path from ``leaf`` to the root (object dtype: exact)."""
    import networkx as nx

    nodes = nx.descendants(net.graph, leaf) | {leaf}
    R: dict[str, np.ndarray] = {}
    for v in _root_first_order(net):
        if v not in nodes:
            continue
        vec = np.zeros(net.N, dtype=object)
        if v == net.root:
            vec[0] = 1
        else:
            for e in net.out_edges(v):
                _shift_add(vec, R[e.target], e.support)
        R[v] = vec
    return R


def _tuples_reaching(net: ConvNetwork, leaf: str, target: int, R: dict[str, np.ndarray], limit: int):
    """Up to ``limit`` (path, offsets) pairs from ``leaf`` whose offsets sum to ``target`` mod N.

    Depth-first from the leaf, pruned by R (only branches that can still reach the target).
    """
    N = net.N
    found = []

    def walk(v: str, need: int, path: list, offs: list) -> None:
        if len(found) >= limit:
            return
        if v == net.root:
            if need == 0:
                found.append((tuple(path), tuple(offs)))
            return
        for e in net.out_edges(v):
            for s in e.support:
                rest = (need - s) % N
                if R[e.target][rest]:
                    path.append(e)
                    offs.append(s)
                    walk(e.target, rest, path, offs)
                    path.pop()
                    offs.pop()

    walk(leaf, target, [], [])
    return found


def _to_index_tuple(path: tuple[ConvEdge, ...], offs: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(pinned index tuple, per-layer offsets), both layer 1 first, from a leaf->root walk."""
    pairs = sorted(zip(path, offs), key=lambda t: t[0].depth)
    return (tuple(e.offset + e.support.index(s) for e, s in pairs), tuple(s for _, s in pairs))


def find_collisions(net: ConvNetwork, limit: int | None = None) -> list[Collision]:
    """One :class:`Collision` per (leaf, offset) with y_f[offset] >= 2, leaves/offsets in order."""
    out = []
    # stream the DP and keep only the leaves that collide (memory stays small on big trees)
    vectors = {f: [int(v) for v in y] for f, y in iter_scatter_vectors(net) if int(y.max()) >= 2}
    for f in net.leaves:
        if f not in vectors:
            continue
        y = vectors[f]
        bad = [c for c, v in enumerate(y) if v >= 2]
        R = _reach_vectors(net, f)
        for c in bad:
            (p1, o1), (p2, o2) = _tuples_reaching(net, f, c, R, 2)
            (t1, s1, p1), (t2, s2, p2) = sorted(  # canonical: lexicographically smaller tuple first
                [(*_to_index_tuple(p1, o1), p1), (*_to_index_tuple(p2, o2), p2)], key=lambda t: t[0])
            out.append(Collision(f, c, y[c], (t1, t2), (p1, p2), (s1, s2)))
            if limit is not None and len(out) >= limit:
                return out
    return out


def find_collision(net: ConvNetwork) -> Collision | None:
    """A witness that the topology is not sufficiently scattered, or None when it is.

    Examples
    --------
    >>> from graphs.builders import paper_unscattered_example
    >>> c = find_collision(paper_unscattered_example())
    >>> c.leaf, c.offset, c.tuples
    ('x', 3, ((0, 1), (1, 0)))
    >>> net = paper_unscattered_example()
    >>> net.offset_sum(c.tuples[0]) == net.offset_sum(c.tuples[1]) == c.offset
    True
    """
    # cheap verdict first (streaming DP), then the witness search only when needed
    if is_scattered(net):
        return None
    found = find_collisions(net, limit=1)
    return found[0] if found else None


def suggest_separation(net: ConvNetwork, collision: Collision, max_factor: int = 64,
                       max_edges: int = 500) -> str | None:
    """A concrete fix for a collision, verified by re-running Algorithm 8.1, or None.

    Tries to dilate the support of one colliding edge about its smallest offset,
    s -> s_min + m (s - s_min) for m = 2, 3, ... (the "algorithme à trous" spreading that makes
    {1,2,3} * {1,10} scattered), keeping offsets in Z_N distinct, and returns the first change
    that makes the whole topology sufficiently scattered.

    >>> from graphs.builders import paper_unscattered_example
    >>> net = paper_unscattered_example()
    >>> suggest_separation(net, find_collision(net))
    'dilating the support of edge x->v1 from [1, 2, 3] to [1, 4, 7] makes the topology sufficiently scattered'
    """
    from .conv import parse_conv_spec

    if len(net.edges) > max_edges:
        return None
    i, j = collision.tuples
    layers = [k for k in range(net.K) if i[k] != j[k]]
    candidates = []
    for path in collision.paths:
        for e in sorted(path, key=lambda e: -e.depth):  # leaf side first
            if e.depth - 1 in layers and len(e.support) >= 2 and e not in candidates:
                candidates.append(e)
    for e in candidates:
        lo = min(e.support)
        for m in range(2, max_factor + 1):
            new = [lo + m * (x - lo) for x in e.support]
            if max(new) >= net.N:
                break
            spec = net.spec
            spec["edges"][e.index]["support"] = new
            if is_scattered(parse_conv_spec(spec)):
                return (f"dilating the support of edge {e.name} from {list(e.support)} to {new} "
                        f"makes the topology sufficiently scattered")
    return None
