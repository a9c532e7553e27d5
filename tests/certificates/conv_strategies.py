"""Hypothesis strategy for random layered conv DAG specs (shared by the certificate tests)."""
from __future__ import annotations

from hypothesis import strategies as st

__all__ = ["conv_specs"]


@st.composite
def conv_specs(draw):
    """A random layered conv DAG (every leaf-root path of length K) with random supports."""
    K = draw(st.integers(1, 3))
    N = draw(st.integers(2, 9))
    levels = [["r"]] + [[f"n{k}_{i}" for i in range(draw(st.integers(1, 3)))] for k in range(1, K + 1)]
    edges = []
    for k in range(1, K + 1):
        for i, v in enumerate(levels[k]):
            targets = draw(st.lists(st.sampled_from(levels[k - 1]), min_size=1, max_size=2, unique=True))
            for t in targets:
                sup = draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=3, unique=True))
                edges.append({"from": v, "to": t, "support": sup})
        # every node of the previous level needs an incoming edge, else it would be a short leaf
        for t in levels[k - 1]:
            if k > 1 and not any(e["to"] == t for e in edges):
                edges.append({"from": levels[k][0], "to": t, "support": [0]})
    order = draw(st.permutations(range(len(edges))))
    return {"kind": "conv", "N": N, "root": "r", "edges": [edges[j] for j in order]}
