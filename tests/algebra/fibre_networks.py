"""Convolution networks written as structured networks, for the fibre and σ_min tests."""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from algebra.network import MultilinearMap
from graphs.structured_spec import structured_network


def linear_conv_chain(lengths: Sequence[int]) -> MultilinearMap:
    """X = T(h_1) ... T(h_{K-1}) h_K = h_1 * ... * h_K (full linear convolution, a column).

    Layer k is the Toeplitz matrix of h_k acting on the convolution of the later kernels:
    n_k = Σ_{j>=k} L_j - (K - 1 - k) rows (0-based k), column c shifted by c.
    """
    K = len(lengths)
    n = [sum(lengths[k:]) - (K - 1 - k) for k in range(K)]
    layers = []
    for k in range(K - 1):
        layers.append({"rows": n[k], "cols": n[k + 1], "params": lengths[k],
                       "entries": [[i, i + c, c, 1] for i in range(lengths[k]) for c in range(n[k + 1])]})
    layers.append({"rows": lengths[-1], "cols": 1, "params": lengths[-1],
                   "entries": [[i, i, 0, 1] for i in range(lengths[-1])]})
    return structured_network({"kind": "structured", "layers": layers})


def circular_conv_chain(N: int, supports: Sequence[Sequence[int]]) -> MultilinearMap:
    """X = C(h_1) ... C(h_K), C(h) the N x N circulant of the kernel with the given support.

    Parameter i of layer k sits at position supports[k][i] of the kernel: C(h)[r, c] = h at
    (r - c) mod N.
    """
    layers = [{"rows": N, "cols": N, "params": len(s),
               "entries": [[i, (c + p) % N, c, 1] for i, p in enumerate(s) for c in range(N)]}
              for s in supports]
    return structured_network({"kind": "structured", "layers": layers})


def poly_from_roots(roots: Sequence, leading=1) -> list[Fraction]:
    """Coefficients (constant first) of leading * ∏ (z - r)."""
    c = [Fraction(leading)]
    for r in roots:
        c = [(c[i - 1] if i > 0 else 0) - Fraction(r) * (c[i] if i < len(c) else 0) for i in range(len(c) + 1)]
    return c


def poly_mul(a: Sequence, b: Sequence) -> list[Fraction]:
    """Coefficients of the product polynomial (linear convolution)."""
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            out[i + j] += Fraction(x) * Fraction(y)
    return out
