"""Hypothesis strategies shared by the test suite: random sparse structured networks."""
from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from algebra.network import MultilinearMap

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
    return MultilinearMap.from_spec({"kind": "structured", "layers": layers})


@st.composite
def parameters(draw, net: MultilinearMap, values=small_rationals) -> list[list[Fraction]]:
    """Random exact parameters h = [h_1, ..., h_K] for ``net``."""
    return [[draw(values) for _ in range(s)] for s in net.param_counts]


def full_layer(rows: int, cols: int) -> dict:
    """A layer whose parameters fill every entry of a rows x cols matrix."""
    return {"rows": rows, "cols": cols, "params": rows * cols,
            "entries": [[i * cols + j, i, j, 1] for i in range(rows) for j in range(cols)]}
