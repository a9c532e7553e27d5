"""Stability of convolutional networks (paper, section 8): the equivalence {h}, delta_p, Theorem 8.4."""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from .conv import ConvNetwork

__all__ = ["are_network_equivalent", "restrict_to_path"]


def restrict_to_path(net: ConvNetwork, h: Sequence[Sequence], path) -> list[list]:
    """h^p: the K kernels on path p (layer 1 first), each in its edge's support order."""
    by_layer = sorted(path, key=lambda e: e.depth)
    return [[h[e.depth - 1][j] for j in e.params] for e in by_layer]


def are_network_equivalent(net: ConvNetwork, h: Sequence[Sequence], g: Sequence[Sequence]) -> bool:
    """Exact test of the network equivalence of section 8: for every path p there are lambda_e
    (e in p) with prod lambda_e = 1 and T_e(g) = lambda_e T_e(h) for all e in p.

    >>> from graphs.builders import paper_scattered_example
    >>> net = paper_scattered_example()
    >>> are_network_equivalent(net, [[3, 4, 5], [1, 2]], [["3/2", 2, "5/2"], [2, 4]])
    True
    >>> are_network_equivalent(net, [[3, 4, 5], [1, 2]], [[3, 4, 6], [1, 2]])
    False
    """
    for path in net.paths():
        product, free = Fraction(1), False
        for hk, gk in zip(restrict_to_path(net, h, path), restrict_to_path(net, g, path)):
            hk = [Fraction(x) for x in hk]
            gk = [Fraction(x) for x in gk]
            h_zero, g_zero = not any(hk), not any(gk)
            if h_zero and g_zero:
                free = True  # any lambda_e works: the product constraint can always be met
                continue
            if h_zero != g_zero:
                return False
            j = next(t for t, x in enumerate(hk) if x)
            lam = gk[j] / hk[j]
            if lam == 0 or any(b != lam * a for a, b in zip(hk, gk)):
                return False
            product *= lam
        if not free and product != 1:
            return False
    return True
