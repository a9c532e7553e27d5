"""Hypothesis strategies shared by the test suite: random sparse structured networks."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from algebra.models import ModelCollection
from algebra.network import MultilinearMap
from graphs.structured_spec import structured_network

small_rationals = st.fractions(min_value=-5, max_value=5, max_denominator=4)
nonzero_rationals = small_rationals.filter(lambda q: q != 0)


@st.composite
def networks(draw, max_K: int = 3, max_dim: int = 3, max_params: int = 4) -> MultilinearMap:
    """A random structured network with sparse rational coefficients."""
    K = draw(st.integers(1, max_K))
    dims = [draw(st.integers(1, max_dim)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        rows, cols = dims[k], dims[k + 1]
        params = draw(st.integers(1, max_params))
        n_entries = draw(st.integers(0, rows * cols * params))
        entries = [
            [draw(st.integers(0, params - 1)), draw(st.integers(0, rows - 1)),
             draw(st.integers(0, cols - 1)), str(draw(small_rationals))]
            for _ in range(n_entries)
        ]
        layers.append({"rows": rows, "cols": cols, "params": params, "entries": entries})
    return structured_network({"kind": "structured", "layers": layers})


@st.composite
def parameters(draw, net: MultilinearMap, values=small_rationals) -> list[list[Fraction]]:
    """Random exact parameters h = [h_1, ..., h_K] for ``net``."""
    return [[draw(values) for _ in range(s)] for s in net.param_counts]


def full_layer(rows: int, cols: int) -> dict:
    """A layer whose parameters fill every entry of a rows x cols matrix."""
    return {"rows": rows, "cols": cols, "params": rows * cols,
            "entries": [[i * cols + j, i, j, 1] for i in range(rows) for j in range(cols)]}


@st.composite
def single_entry_networks(draw, max_K: int = 4, max_dim: int = 3):
    """A network where each parameter sits at one entry of its factor, distinct parameters at
    distinct entries, with non-zero coefficients. Returns (net, [W_1, ..., W_K]) where W_k is
    the float matrix of squared coefficients (its support is the support pattern of layer k)."""
    import numpy as np

    K = draw(st.integers(1, max_K))
    dims = [draw(st.integers(1, max_dim)) for _ in range(K + 1)]
    layers, weights = [], []
    for k in range(K):
        rows, cols = dims[k], dims[k + 1]
        cells = [(i, j) for i in range(rows) for j in range(cols)]
        chosen = draw(st.lists(st.sampled_from(cells), min_size=1, unique=True))
        coeffs = [draw(nonzero_rationals) for _ in chosen]
        layers.append({"rows": rows, "cols": cols, "params": len(chosen),
                       "entries": [[p, i, j, str(c)] for p, ((i, j), c) in enumerate(zip(chosen, coeffs))]})
        W = np.zeros((rows, cols))
        for (i, j), c in zip(chosen, coeffs):
            W[i, j] = float(c) ** 2
        weights.append(W)
    return structured_network({"layers": layers}), weights


@st.composite
def models(draw, param_counts: tuple[int, ...]) -> ModelCollection:
    """A random linear model for these parameter counts: one or two supports per layer, and the
    first two layers tied (with the same supports) when their counts agree, sometimes."""
    subsets = [st.lists(st.integers(0, s - 1), min_size=1, max_size=s, unique=True).map(lambda xs: tuple(sorted(xs)))
               for s in param_counts]
    alternatives = [draw(st.lists(sub, min_size=1, max_size=2, unique=True)) for sub in subsets]
    classes = []
    if len(param_counts) >= 2 and param_counts[0] == param_counts[1] and draw(st.booleans()):
        alternatives[1] = alternatives[0]
        classes = [(0, 1)]
    return ModelCollection(tuple(param_counts), alternatives, classes)
