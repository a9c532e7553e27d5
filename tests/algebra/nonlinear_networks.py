"""Networks for the tests of the non-linear routes: phase retrieval, rank-one sensing, random small
structured networks (hypothesis), and the bundled examples.

Every network and model here is built with the plain constructors -- ``Layer`` and
``MultilinearMap`` from canonical entries, ``ModelCollection`` from per-layer alternatives and the
full partition into tie classes -- and examples are read with ``graphs.specs.load_spec``: the one
place to adapt if the spec readers move.
"""
from __future__ import annotations

import itertools
import random
from fractions import Fraction
from pathlib import Path

from hypothesis import strategies as st

from algebra.models import ModelCollection, full_model
from algebra.network import Layer, MultilinearMap

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def network(layers) -> MultilinearMap:
    """A network from (rows, cols, params, entries) with distinct (param, row, col) triples."""
    return MultilinearMap(tuple(
        Layer(rows, cols, params, tuple(sorted((p, r, c, Fraction(v)) for p, r, c, v in entries if v)))
        for rows, cols, params, entries in layers))


def model(param_counts, alternatives=None, ties=()) -> ModelCollection:
    """Per-layer alternative supports (None: full) and tie classes of 0-based layers."""
    K = len(param_counts)
    alts = tuple(tuple(tuple(sorted(s)) for s in a) if a is not None else (tuple(range(n)),)
                 for a, n in zip(alternatives or [None] * K, param_counts))
    tied = {k for c in ties for k in c}
    classes = tuple(sorted([tuple(sorted(c)) for c in ties] + [(k,) for k in range(K) if k not in tied]))
    return ModelCollection(tuple(param_counts), alts, classes)


def phase_retrieval(n: int, m: int, seed: int):
    """y_j = (a_j . x)^2, x ∈ R^n, m random integer a_j: X = diag(A h_1) A h_2 with h_1 = h_2."""
    rng = random.Random(seed)
    a = [[rng.choice([-1, 1]) * rng.randint(1, 5) for _ in range(n)] for _ in range(m)]
    net = network([(m, m, n, [(i, j, j, a[j][i]) for j in range(m) for i in range(n)]),
                   (m, 1, n, [(i, j, 0, a[j][i]) for j in range(m) for i in range(n)])])
    return net, model((n, n), ties=[(0, 1)])


def rank_one_sensing(n1: int, n2: int, m: int, seed: int, sparsity: int | None = None):
    """X_c = <B_c, u v^T>, u ∈ R^{n1} (``sparsity``-sparse if given), v ∈ R^{n2}, m random B_c."""
    rng = random.Random(seed)
    net = network([(1, n1, n1, [(i, 0, i, 1) for i in range(n1)]),
                   (n1, m, n2, [(j, i, c, rng.choice([-1, 1]) * rng.randint(1, 5))
                                for c in range(m) for i in range(n1) for j in range(n2)])])
    if sparsity is None:
        return net, full_model(net)
    return net, model((n1, n2), [list(itertools.combinations(range(n1), sparsity)), None])


def random_network(rng: random.Random) -> MultilinearMap:
    """The benchmark's networks: K in {2, 3}; S_k and the factors' dimensions in 2..4;
    coefficients in {±1, ±2, ±3}; one density (0.3, 0.5 or 0.8) per network."""
    K = rng.choice([2, 3])
    dims = [rng.randint(2, 4) for _ in range(K + 1)]
    density = rng.choice([0.3, 0.5, 0.8])
    layers = []
    for k in range(K):
        rows, cols, params = dims[k], dims[k + 1], rng.randint(2, 4)
        entries = [(p, i, j, rng.choice([-3, -2, -1, 1, 2, 3]))
                   for p in range(params) for i in range(rows) for j in range(cols) if rng.random() < density]
        layers.append((rows, cols, params, entries))
    return network(layers)


def load_example(name: str):
    """(spec, network, model) of a bundled example, e.g. ``"structured/phase-retrieval.json"``."""
    from graphs.specs import load_spec

    loaded = load_spec(EXAMPLES / name)
    net = loaded.multilinear()
    raw = loaded.spec.get("model")
    if raw is None:
        return loaded.spec, net, full_model(net)
    ties = [tuple(k - 1 for k in group) for group in raw.get("tie", [])]
    supports = raw.get("supports")
    return loaded.spec, net, model(net.param_counts, supports, ties)


@st.composite
def small_networks(draw, max_K: int = 3, max_dim: int = 3, max_params: int = 3):
    """A random network with K in {2, .., max_K}, dimensions 1..max_dim, S_k in 2..max_params,
    coefficients in {±1, ±2, ±3}."""
    K = draw(st.integers(2, max_K))
    dims = [draw(st.integers(1, max_dim)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        rows, cols = dims[k], dims[k + 1]
        params = draw(st.integers(2, max_params))
        cells = [(p, i, j) for p in range(params) for i in range(rows) for j in range(cols)]
        chosen = draw(st.lists(st.sampled_from(cells), unique=True, min_size=1, max_size=len(cells)))
        layers.append((rows, cols, params, [(p, i, j, draw(st.sampled_from([-3, -2, -1, 1, 2, 3])))
                                            for p, i, j in chosen]))
    return network(layers)
