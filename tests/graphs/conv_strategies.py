"""Hypothesis strategies for convolutional networks (random trees/DAGs and exact parameters)."""
from __future__ import annotations

from hypothesis import strategies as st

from graphs.builders import chain, random_dag, random_tree

small_rationals = st.fractions(min_value=-3, max_value=3, max_denominator=3)


@st.composite
def conv_networks(draw, max_K: int = 3, max_N: int = 6, max_support: int = 3):
    """A random small conv network: a chain, a tree or a layered DAG."""
    K = draw(st.integers(1, max_K))
    N = draw(st.integers(1, max_N))
    kind = draw(st.sampled_from(["chain", "tree", "dag"]))
    seed = draw(st.integers(0, 10_000))
    if kind == "chain":
        sups = [draw(st.lists(st.integers(0, N - 1), min_size=1, max_size=min(max_support, N), unique=True))
                for _ in range(K)]
        return chain(sups, N)
    if kind == "tree":
        return random_tree(K, N, max_children=2, max_support=max_support, seed=seed)
    return random_dag(K, N, width=2, max_support=max_support, seed=seed)


@st.composite
def conv_params(draw, net, values=small_rationals):
    return [[draw(values) for _ in range(s)] for s in net.param_counts]
