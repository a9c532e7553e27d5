"""Brute-force references for the leaf kernels of (8.2): enumerate every leaf-root path and
convolve its kernels one by one. Independent of graphs.leaf_kernels' dynamic programme (no
shared sub-paths, no numpy, dense Python lists), for the tests to cross-check it."""
from __future__ import annotations

from fractions import Fraction

__all__ = ["circular_convolve", "path_sum_kernels", "indicator_path_sums", "path_count"]


def circular_convolve(u, v, N: int) -> list:
    """(u * v)[n] = sum_m u[m] v[(n - m) mod N] for dense length-N kernels."""
    out = [0] * N
    for n, x in enumerate(u):
        if x:
            for m, y in enumerate(v):
                if y:
                    out[(n + m) % N] += x * y
    return out


def _dense_kernel(net, edge, h) -> list:
    out = [0] * net.N
    for j, s in enumerate(edge.support):
        out[s] = h[edge.depth - 1][edge.offset + j]
    return out


def path_sum_kernels(net, h) -> dict:
    """{leaf: dense kernel_f}, kernel_f = sum over paths p from f of T^p(h), path by path."""
    out = {f: [Fraction(0)] * net.N for f in net.leaves}
    for path in net.paths():
        acc = [Fraction(0)] * net.N
        acc[0] = Fraction(1)
        for e in path:
            acc = circular_convolve(acc, [Fraction(x) for x in _dense_kernel(net, e, h)], net.N)
        total = out[path[0].source]
        for n, v in enumerate(acc):
            total[n] += v
    return out


def indicator_path_sums(net) -> dict:
    """Algorithm 8.1's y_f by path enumeration: every kernel the indicator of its support."""
    ones = [[1] * s for s in net.param_counts]
    return {f: [int(x) for x in y] for f, y in path_sum_kernels(net, ones).items()}


def path_count(net) -> dict:
    """{leaf: number of leaf-root paths from it}, by enumeration."""
    counts = {f: 0 for f in net.leaves}
    for path in net.paths():
        counts[path[0].source] += 1
    return counts
