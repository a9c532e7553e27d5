"""Algorithm 8.1 (sufficiently scattered topologies, Definition 8.1) and its collision witness.

For every leaf f, Algorithm 8.1 computes y_f = M_1(1) ... M_K(1) delta_f, the output of the
network with every kernel set to the indicator of its support and a Dirac at position 0 of
leaf f. By (8.2), y_f = sum over paths p from f of 1_{S_e1} * ... * 1_{S_eK}, so

    y_f[c] = #{valid index tuples i in I starting at leaf f with offset sum sigma(i) = c mod N}

(sigma(i) = sum of the kernel offsets chosen by i). The topology is *sufficiently scattered*
(Definition 8.1) iff every entry of every y_f is 0 or 1.

The y_f are the leaf kernels of :mod:`graphs.leaf_kernels` with the kernel values
:class:`~graphs.leaf_kernels.Indicators`: one dynamic programme over the DAG that shares the
sub-paths near the root and streams the leaves, so a whole Haar packet tree of depth 12 on
N = 2^14 takes a fraction of a second (tests/benchmarks/bench_scatter.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from algebra.budget import Budget
from algebra.limits import CONV_CELLS_PER_UNIT, MAX_SCATTER_ENTRIES

from .conv import ConvEdge, ConvNetwork
from .conv_spec import network_spec, parse_conv_spec
from .leaf_kernels import Indicators, iter_leaf_kernels, node_kernels, shift_add

__all__ = [
    "algorithm_8_1",
    "iter_scatter_vectors",
    "is_scattered",
    "ScatterPass",
    "scatter_pass",
    "find_collision",
    "find_collisions",
    "Collision",
    "naive_scatter_vectors",
    "suggest_separation",
]


def iter_scatter_vectors(net: ConvNetwork, *, leaves: Sequence[str] | None = None,
                         budget: Budget | None = None) -> Iterator[tuple[str, np.ndarray]]:
    """Yield (leaf, y_f) for every leaf (or only ``leaves``), y_f an exact integer numpy array.

    Leaves come in the programme's visiting order (not necessarily ``net.leaves`` order). The
    arrays are int64 when the exact count bound fits, else Python-int object arrays.
    """
    return iter_leaf_kernels(net, Indicators(net), leaves=leaves, budget=budget)


def algorithm_8_1(net: ConvNetwork, *, leaves: Sequence[str] | None = None,
                  budget: Budget | None = None) -> dict[str, list[int]]:
    """Algorithm 8.1: y_f = M_1(1) ... M_K(1) delta_f for every leaf, as integer lists.

    Parameters
    ----------
    net : ConvNetwork
    leaves : sequence of str, optional
        Only these leaves (only the part of the network they reach is computed).
    budget : Budget, optional

    Returns
    -------
    dict
        leaf name -> [y_f[0], ..., y_f[N-1]], leaves in ``net.leaves`` order (or ``leaves``
        order). The topology is sufficiently scattered iff every entry of every leaf is 0 or 1
        (see :func:`is_scattered`).

    Examples
    --------
    {1,2,3} * {1,2,3} on Z_8 is not scattered (an entry 2 and an entry 3):

    >>> from graphs.builders import chain
    >>> algorithm_8_1(chain([[1, 2, 3], [1, 2, 3]], N=8))
    {'x': [0, 0, 1, 2, 3, 2, 1, 0]}
    """
    out = dict(iter_scatter_vectors(net, leaves=leaves, budget=budget))
    return {f: [int(x) for x in out[f]] for f in (net.leaves if leaves is None else leaves)}


def is_scattered(net: ConvNetwork, *, budget: Budget | None = None) -> bool:
    """True iff the topology is sufficiently scattered (Definition 8.1), via Algorithm 8.1.

    Stops at the first leaf with an entry above 1.

    >>> from graphs.builders import paper_scattered_example, paper_unscattered_example
    >>> is_scattered(paper_scattered_example()), is_scattered(paper_unscattered_example())
    (True, False)
    """
    return all(int(y.max()) <= 1 for _, y in iter_scatter_vectors(net, budget=budget))


@dataclass(frozen=True)
class ScatterPass:
    """What one streaming pass of Algorithm 8.1 over every leaf establishes.

    Attributes
    ----------
    scattered : bool
        Definition 8.1: every entry of every y_f is 0 or 1.
    classes_per_leaf : dict
        leaf -> |{c : y_f[c] != 0}|, the distinct offset sums of its valid tuples (leaves in
        ``net.leaves`` order); their sum is rank A (Proposition 8.2's argument).
    n_valid : int
        |I| = sum of all entries, the number of valid index tuples (non-zero columns of A).
    smallest_class : int
        The smallest non-zero entry (N times it is sigma_min(A)^2).
    first_collision : (leaf, offset, count) or None
        The first leaf by name with an entry above 1, its largest entry and the smallest offset
        carrying it -- the collision a checker recomputes and names.
    n_collisions : int
        Number of (leaf, offset) entries above 1.
    outputs : dict or None
        leaf -> [[offset, count], ...] (non-zero entries, leaves in ``net.leaves`` order), or
        None when there are more than the pass's ``max_entries``.
    """

    scattered: bool
    classes_per_leaf: dict[str, int]
    n_valid: int
    smallest_class: int
    first_collision: tuple[str, int, int] | None
    n_collisions: int
    outputs: dict[str, list[list[int]]] | None


def scatter_pass(net: ConvNetwork, *, budget: Budget | None = None,
                 max_entries: int = MAX_SCATTER_ENTRIES) -> ScatterPass:
    """One streaming pass of Algorithm 8.1: keeps per-leaf summaries, never the whole table.

    ``max_entries`` bounds the non-zero entries kept as ``outputs`` (0 keeps none).

    >>> from graphs.builders import paper_unscattered_example
    >>> p = scatter_pass(paper_unscattered_example())
    >>> p.scattered, p.classes_per_leaf, p.n_valid, p.first_collision, p.n_collisions
    (False, {'x': 5}, 9, ('x', 4, 3), 3)
    """
    classes: dict[str, int] = {}
    outputs: dict[str, tuple[np.ndarray, np.ndarray]] | None = {}  # Python lists only at the end
    n_valid = n_collisions = kept = 0
    smallest = first = None
    unit = 1 + net.N // CONV_CELLS_PER_UNIT
    for f, y in iter_scatter_vectors(net, budget=budget):
        if budget is not None:
            budget.charge(unit, "Algorithm 8.1")
        top, size = int(y.max()), int(np.count_nonzero(y))
        classes[f] = size
        if top <= 1:  # the common case, in two vector passes: every non-zero entry is 1
            n_valid += size
            low = 1
        else:
            n_valid += int(y.sum())  # exact: a leaf's sum is its tuple count, below int64's bound
            low = int(y[y > 0].min())
            n_collisions += int(np.count_nonzero(y > 1))
            if first is None or f < first[0]:
                first = (f, int(np.argmax(y)), top)  # argmax: the smallest offset carrying the top
        smallest = low if smallest is None else min(smallest, low)
        kept += size
        if outputs is not None:
            if kept > max_entries:
                outputs = None  # the table would be too large to hand on
            else:
                support = np.flatnonzero(y)
                outputs[f] = (support, y[support])
    return ScatterPass(
        scattered=first is None, classes_per_leaf={f: classes[f] for f in net.leaves}, n_valid=n_valid,
        smallest_class=int(smallest), first_collision=first, n_collisions=n_collisions,
        outputs=None if outputs is None else {f: [[int(c), int(v)] for c, v in zip(*outputs[f])] for f in net.leaves})


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
                shift_add(nxt[e.target], signal[e.source], e.support)
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


def _tuples_reaching(net: ConvNetwork, leaf: str, target: int, R: dict[str, np.ndarray], limit: int,
                     budget: Budget | None):
    """Up to ``limit`` (path, offsets) pairs from ``leaf`` whose offsets sum to ``target`` mod N.

    Depth-first from the leaf, pruned by R_v (only offsets the rest of the way can still reach),
    so every branch taken ends in a tuple.
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
            if budget is not None:
                budget.charge(len(e.support), "collision witness")
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


def find_collisions(net: ConvNetwork, limit: int | None = None, *, budget: Budget | None = None) -> list[Collision]:
    """One :class:`Collision` per (leaf, offset) with y_f[offset] >= 2, leaves/offsets in order.

    Streams Algorithm 8.1 once keeping only the offsets above 1, then rebuilds each witness
    from the dynamic programme restricted to its leaf.
    """
    values = Indicators(net)
    bad: dict[str, list[tuple[int, int]]] = {}
    for f, y in iter_leaf_kernels(net, values, budget=budget):
        over = np.flatnonzero(y > 1)[:limit]  # no leaf gives more than ``limit`` of them
        if over.size:
            bad[f] = [(int(c), int(y[c])) for c in over]
    out = []
    for f in net.leaves:
        if f not in bad:
            continue
        R = node_kernels(net, values, leaves=[f], budget=budget)
        for c, count in bad[f]:
            (p1, o1), (p2, o2) = _tuples_reaching(net, f, c, R, 2, budget)
            (t1, s1, p1), (t2, s2, p2) = sorted(  # canonical: lexicographically smaller tuple first
                [(*_to_index_tuple(p1, o1), p1), (*_to_index_tuple(p2, o2), p2)], key=lambda t: t[0])
            out.append(Collision(f, c, count, (t1, t2), (p1, p2), (s1, s2)))
            if limit is not None and len(out) >= limit:
                return out
    return out


def find_collision(net: ConvNetwork, *, budget: Budget | None = None) -> Collision | None:
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
    # cheap verdict first (streaming, stops at the first bad leaf), then the witness search
    if is_scattered(net, budget=budget):
        return None
    found = find_collisions(net, limit=1, budget=budget)
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
            if is_scattered(parse_conv_spec(network_spec(net, supports={e.index: new}))):
                return (f"dilating the support of edge {e.name} from {list(e.support)} to {new} "
                        f"makes the topology sufficiently scattered")
    return None
