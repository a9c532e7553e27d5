"""The leaf kernels of a convolutional network (paper, (8.2)) by one dynamic programme.

For every leaf f, X^f = C(kernel_f) with

    kernel_f = sum over paths p from f to the root of T^p(h),

T^p(h) the circular convolution of the edge kernels along p (8.2). Paths from different leaves
share their sub-paths near the root, so the programme works from the root:

    R_root = delta_0,    R_v = sum_{e = (v -> w)} T_e * R_w,    kernel_f = R_f,

processing every edge once. What T_e is -- the *kernel values* -- is a parameter:

* :class:`Indicators` -- T_e = 1_{S_e}, the indicator of the support: R_f = y_f, the output of
  Algorithm 8.1 (Definition 8.1); y_f[c] counts the valid index tuples of leaf f whose offsets
  sum to c mod N. Dense integer numpy vectors (int64 when the count bound fits, else exact
  Python integers).
* :class:`ExactKernels` -- T_e = T_e(h) for parameters h, exactly: sparse {offset: Fraction}.
* :class:`FloatKernels` -- T_e = T_e(h) in floating point: dense float64 numpy vectors.
* :class:`Totals` -- one number per node, T_e = a weight: weight 1 counts the leaf-root paths,
  weight |S_e| the valid index tuples (kernel_f summed over Z_N).

Memory. Leaves are yielded one by one, never stored, and R_w is freed as soon as every node
that needs it is done. Two visiting orders are valid -- level by level from the root (memory:
at most two adjacent levels, like the independent checker's copy) and depth first from the root
(memory: O(K) vectors on a tree) -- and the programme takes whichever keeps fewer vectors alive
for the network at hand (counted on the graph before any vector is built).

Budget. Every edge charges its work to the :class:`~algebra.budget.Budget` before it is done
(numpy: 1 + N // CONV_CELLS_PER_UNIT units per support offset; exact: one unit per product of
two non-zero values), so a long run stops with :class:`~algebra.errors.BudgetExceeded`.

Examples
--------
{1,2,3} * {1,2,3} on Z_8 (the paper's non-scattered example, folded):

>>> from graphs.builders import chain
>>> net = chain([[1, 2, 3], [1, 2, 3]], N=8)
>>> {f: y.tolist() for f, y in iter_leaf_kernels(net, Indicators(net))}
{'x': [0, 0, 1, 2, 3, 2, 1, 0]}
>>> exact_leaf_kernels(net, [[1, 0, 0], [0, 0, "1/2"]])   # z * (1/2) z^3
{'x': {4: Fraction(1, 2)}}
>>> count_paths(net), tuples_per_leaf(net)
(1, {'x': 9})
"""
from __future__ import annotations

import weakref
from fractions import Fraction
from typing import Iterable, Iterator, Protocol, Sequence

import numpy as np

from algebra.budget import Budget
from algebra.limits import CONV_CELLS_PER_UNIT

from .conv import ConvEdge, ConvNetwork

__all__ = [
    "KernelValues",
    "Indicators",
    "ExactKernels",
    "FloatKernels",
    "Totals",
    "iter_leaf_kernels",
    "leaf_kernels",
    "node_kernels",
    "exact_leaf_kernels",
    "network_matrix",
    "count_paths",
    "tuples_per_leaf",
    "shift_add",
]

# int64 holds every count below this bound exactly (sums of two such counts cannot overflow)
_INT64_SAFE = 2**62


class KernelValues(Protocol):
    """What the edge kernels T_e are, and how a node's vector accumulates T_e * R_w."""

    phase: str  # the budget phase the work is charged to

    def root(self): ...  # R_root = delta_0

    def zero(self): ...  # an empty accumulator

    def cost(self, edge: ConvEdge, vec) -> int: ...  # work units of add(acc, edge, vec)

    def add(self, acc, edge: ConvEdge, vec): ...  # acc + T_e * vec (may update acc in place)

    def finish(self, acc): ...  # the node's vector from its accumulator


def shift_add(acc: np.ndarray, vec: np.ndarray, support: Iterable[int], weights: Sequence | None = None) -> None:
    """acc += T * vec on Z_N in place, T the kernel with ``weights`` (default 1) at ``support``.

    A sum of circular shifts: (T * vec)[n] = sum_j weights[j] vec[(n - support[j]) mod N].

    >>> acc = np.zeros(4, dtype=np.int64)
    >>> shift_add(acc, np.array([1, 2, 0, 0]), [0, 3]); acc.tolist()
    [3, 2, 0, 1]
    """
    for j, s in enumerate(support):
        w = 1 if weights is None else weights[j]
        if s == 0:
            acc += vec if w == 1 else w * vec
        elif w == 1:
            acc[s:] += vec[:-s]
            acc[:s] += vec[-s:]
        else:
            acc[s:] += w * vec[:-s]
            acc[:s] += w * vec[-s:]


class Indicators:
    """T_e = 1_{S_e} (Algorithm 8.1): integer vectors, exact (int64 or Python integers)."""

    phase = "Algorithm 8.1"

    def __init__(self, net: ConvNetwork):
        self.N = net.N
        self.dtype = np.int64 if _largest_count_bound(net) < _INT64_SAFE else object
        self._unit = 1 + self.N // CONV_CELLS_PER_UNIT

    def root(self) -> np.ndarray:
        vec = np.zeros(self.N, dtype=self.dtype)
        vec[0] = 1
        return vec

    def zero(self) -> np.ndarray:
        return np.zeros(self.N, dtype=self.dtype)

    def cost(self, edge: ConvEdge, vec) -> int:
        return len(edge.support) * self._unit

    def add(self, acc: np.ndarray, edge: ConvEdge, vec: np.ndarray) -> np.ndarray:
        shift_add(acc, vec, edge.support)
        return acc

    def finish(self, acc: np.ndarray) -> np.ndarray:
        return acc


def _largest_count_bound(net: ConvNetwork) -> int:
    """An upper bound on every entry of every R_v under :class:`Indicators`.

    An entry of R_v is at most the number of valid tuples from v, T(v) = sum_{e = (v -> w)}
    |S_e| T(w) <= (sum_e |S_e|) max_w T(w); so the product over the levels of the largest such
    fan-out bounds them all. When that quick bound is too large for int64, the exact largest
    count (a leaf's, since each node lies on a path from a leaf and |S_e| >= 1) decides.
    """
    quick = 1
    for level in net.levels[1:]:
        quick *= max(sum(len(e.support) for e in net.out_edges(v)) for v in level)
    if quick < _INT64_SAFE:
        return quick
    return max(tuples_per_leaf(net).values())


class ExactKernels:
    """T_e = T_e(h) exactly: vectors are sparse {offset: Fraction} without zero entries.

    ``h`` is validated against the pinned layout (:meth:`graphs.conv.ConvNetwork.check_params`).
    """

    phase = "leaf kernels (exact)"

    def __init__(self, net: ConvNetwork, h: Sequence[Sequence]):
        self.N = net.N
        h = net.check_params(h)
        self._kernel = {e.index: [(s, h[e.depth - 1][e.offset + j]) for j, s in enumerate(e.support)
                                  if h[e.depth - 1][e.offset + j]] for e in net.edges}

    def root(self) -> dict[int, Fraction]:
        return {0: Fraction(1)}

    def zero(self) -> dict[int, Fraction]:
        return {}

    def cost(self, edge: ConvEdge, vec: dict) -> int:
        return len(self._kernel[edge.index]) * len(vec) + 1

    def add(self, acc: dict, edge: ConvEdge, vec: dict) -> dict:
        N = self.N
        for s, x in self._kernel[edge.index]:
            for t, y in vec.items():
                u = (s + t) % N
                acc[u] = acc.get(u, 0) + x * y
        return acc

    def finish(self, acc: dict) -> dict[int, Fraction]:
        return {t: Fraction(x) for t, x in sorted(acc.items()) if x}


class FloatKernels:
    """T_e = T_e(h) in floating point: dense float64 vectors (``numeric`` results only)."""

    phase = "leaf kernels (floating point)"

    def __init__(self, net: ConvNetwork, h: Sequence[Sequence[float]]):
        self.N = net.N
        self._weights = {e.index: [float(h[e.depth - 1][e.offset + j]) for j in range(len(e.support))]
                         for e in net.edges}
        self._unit = 1 + self.N // CONV_CELLS_PER_UNIT

    def root(self) -> np.ndarray:
        vec = np.zeros(self.N)
        vec[0] = 1.0
        return vec

    def zero(self) -> np.ndarray:
        return np.zeros(self.N)

    def cost(self, edge: ConvEdge, vec) -> int:
        return len(edge.support) * self._unit

    def add(self, acc: np.ndarray, edge: ConvEdge, vec: np.ndarray) -> np.ndarray:
        shift_add(acc, vec, edge.support, self._weights[edge.index])
        return acc

    def finish(self, acc: np.ndarray) -> np.ndarray:
        return acc


class Totals:
    """One integer per node, T_e = ``weight(e)``: the sum over Z_N of the other modes' kernels.

    ``Totals()`` counts leaf-root paths (weight 1); ``Totals(lambda e: len(e.support))`` counts
    valid index tuples (the sum of y_f over Z_N).
    """

    phase = "path counts"

    def __init__(self, weight=None):
        self.weight = weight or (lambda e: 1)

    def root(self) -> int:
        return 1

    def zero(self) -> int:
        return 0

    def cost(self, edge: ConvEdge, vec) -> int:
        return 1

    def add(self, acc: int, edge: ConvEdge, vec: int) -> int:
        return acc + self.weight(edge) * vec

    def finish(self, acc: int) -> int:
        return acc


# ---------------------------------------------------------------------- the programme
def _sub_dag(net: ConvNetwork, leaves: Iterable[str] | None) -> set[str]:
    """The nodes on some path from ``leaves`` to the root (every node when ``leaves`` is None)."""
    if leaves is None:
        return set(net.graph.nodes)
    nodes: set[str] = set()
    stack = list(leaves)
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            stack.extend(e.target for e in net.out_edges(v))
    return nodes


def _depth_first_order(net: ConvNetwork, nodes: set[str]) -> list[str]:
    """Root first, then depth first: a node right after its last successor, first in-edge first."""
    remaining = {v: len(net.out_edges(v)) for v in nodes}
    stack, order = [net.root], []
    while stack:
        w = stack.pop()
        order.append(w)
        for e in reversed(net.in_edges(w)):  # reversed: the first in-edge is explored first
            u = e.source
            if u in nodes:
                remaining[u] -= 1
                if remaining[u] == 0:
                    stack.append(u)
    return order


def _peak_vectors(net: ConvNetwork, order: list[str], waiting: dict[str, int]) -> int:
    """The most vectors alive at once when the programme visits ``order`` (none is built here)."""
    left = dict(waiting)
    live = peak = 0
    for v in order:
        peak = max(peak, live + 1)  # v's accumulator next to the vectors it reads
        if waiting[v]:
            live += 1
        for e in net.out_edges(v):
            left[e.target] -= 1
            if left[e.target] == 0:
                live -= 1
    return peak


# the whole network's plan, kept while the network lives (every pass over a network reuses it)
_FULL_PLANS: "weakref.WeakKeyDictionary[ConvNetwork, tuple[list[str], dict[str, int]]]" = weakref.WeakKeyDictionary()


def _plan(net: ConvNetwork, leaves: Iterable[str] | None) -> tuple[list[str], dict[str, int]]:
    """(visiting order, number of in-edges each node's vector waits for) on the sub-DAG of ``leaves``."""
    if leaves is None:
        if net not in _FULL_PLANS:
            _FULL_PLANS[net] = _make_plan(net, None)
        return _FULL_PLANS[net]
    return _make_plan(net, leaves)


def _make_plan(net: ConvNetwork, leaves: Iterable[str] | None) -> tuple[list[str], dict[str, int]]:
    nodes = _sub_dag(net, leaves)
    waiting = {v: sum(1 for e in net.in_edges(v) if e.source in nodes) for v in nodes}
    by_level = [v for level in net.levels for v in level if v in nodes]
    depth_first = _depth_first_order(net, nodes)
    if _peak_vectors(net, depth_first, waiting) < _peak_vectors(net, by_level, waiting):
        return depth_first, waiting
    return by_level, waiting  # on ties: leaves come in ``net.leaves`` order


def _run(net: ConvNetwork, values: KernelValues, leaves: Iterable[str] | None, budget: Budget | None,
         keep: bool) -> Iterator[tuple[str, object]]:
    """Yield (node, R_node): the leaves only, or every node of the sub-DAG when ``keep``."""
    order, waiting = _plan(net, leaves)
    left = dict(waiting)
    R: dict[str, object] = {}
    for v in order:
        if v == net.root:
            vec = values.root()
        else:
            acc = values.zero()
            for e in net.out_edges(v):
                w = R[e.target]
                if budget is not None:
                    budget.charge(values.cost(e, w), values.phase)
                acc = values.add(acc, e, w)
                left[e.target] -= 1
                if left[e.target] == 0 and not keep:
                    del R[e.target]  # every node that reads it is done
            vec = values.finish(acc)
        if keep:
            R[v] = vec
            yield v, vec
        elif waiting[v]:
            R[v] = vec
        else:
            yield v, vec


def iter_leaf_kernels(net: ConvNetwork, values: KernelValues, *, leaves: Iterable[str] | None = None,
                      budget: Budget | None = None) -> Iterator[tuple[str, object]]:
    """Yield (leaf f, kernel_f) for every leaf, or only for ``leaves`` (computing only what they need).

    Leaves come in the programme's visiting order (``net.leaves`` order when it goes level by
    level); use :func:`leaf_kernels` for a dict in a fixed order. Raises
    :class:`~algebra.errors.BudgetExceeded` when ``budget`` is spent.
    """
    return _run(net, values, leaves, budget, keep=False)


def leaf_kernels(net: ConvNetwork, values: KernelValues, *, leaves: Sequence[str] | None = None,
                 budget: Budget | None = None) -> dict[str, object]:
    """{leaf: kernel_f} in ``net.leaves`` order (or the order of ``leaves``)."""
    got = dict(_run(net, values, leaves, budget, keep=False))
    return {f: got[f] for f in (net.leaves if leaves is None else leaves)}


def node_kernels(net: ConvNetwork, values: KernelValues, *, leaves: Iterable[str] | None = None,
                 budget: Budget | None = None) -> dict[str, object]:
    """R_v for every node v on a path from ``leaves`` to the root (nothing freed: for searches
    that walk down from a leaf and ask which offsets R_v can still reach)."""
    return dict(_run(net, values, leaves, budget, keep=True))


# ---------------------------------------------------------------------- the common uses
def exact_leaf_kernels(net: ConvNetwork, h: Sequence[Sequence], *, budget: Budget | None = None
                       ) -> dict[str, dict[int, Fraction]]:
    """kernel_f of (8.2) under parameters h, exactly, as sparse {offset: value}, leaves in order."""
    return leaf_kernels(net, ExactKernels(net, h), budget=budget)


def network_matrix(net: ConvNetwork, h: Sequence[Sequence], *, budget: Budget | None = None
                   ) -> list[list[Fraction]]:
    """X = M_1(h_1) ... M_K(h_K) = [X^f]_f (N x N|F|), exactly: X^f = C(kernel_f) (8.2).

    >>> from graphs.builders import chain
    >>> network_matrix(chain([[1]], 2), [[7]])
    [[Fraction(0, 1), Fraction(7, 1)], [Fraction(7, 1), Fraction(0, 1)]]
    """
    N = net.N
    X = [[Fraction(0)] * (N * len(net.leaves)) for _ in range(N)]
    for b, (f, kernel) in enumerate(exact_leaf_kernels(net, h, budget=budget).items()):
        for d, x in kernel.items():  # C(u)[r, c] = u[(r - c) mod N]
            for c in range(N):
                X[(c + d) % N][b * N + c] = x
    return X


def count_paths(net: ConvNetwork) -> int:
    """|P|, the number of leaf-root paths.

    >>> from graphs.builders import haar_packet_tree
    >>> count_paths(haar_packet_tree(3, 16))
    8
    """
    return sum(y for _, y in iter_leaf_kernels(net, Totals()))


def tuples_per_leaf(net: ConvNetwork) -> dict[str, int]:
    """{leaf f: number of valid index tuples from f} = sum_c y_f[c]; summed over the leaves it is
    |I|, the number of non-zero columns of A.

    >>> from graphs.builders import haar_packet_tree
    >>> set(tuples_per_leaf(haar_packet_tree(3, 16)).values())
    {8}
    """
    return leaf_kernels(net, Totals(lambda e: len(e.support)))
