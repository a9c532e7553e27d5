"""Networks for the tests of the non-linear routes: phase retrieval, rank-one sensing, and
random small structured networks (hypothesis)."""
from __future__ import annotations

import random

from hypothesis import strategies as st

from algebra.models import parse_model
from algebra.network import MultilinearMap


def phase_retrieval(n: int, m: int, seed: int):
    """y_j = (a_j . x)^2, x ∈ R^n, m random integer a_j: X = diag(A h_1) A h_2 with h_1 = h_2."""
    rng = random.Random(seed)
    a = [[rng.choice([-1, 1]) * rng.randint(1, 5) for _ in range(n)] for _ in range(m)]
    l1 = {"rows": m, "cols": m, "params": n, "entries": [[i, j, j, a[j][i]] for j in range(m) for i in range(n)]}
    l2 = {"rows": m, "cols": 1, "params": n, "entries": [[i, j, 0, a[j][i]] for j in range(m) for i in range(n)]}
    net = MultilinearMap.from_spec({"layers": [l1, l2]})
    return net, parse_model({"tie": [[1, 2]]}, net)


def rank_one_sensing(n1: int, n2: int, m: int, seed: int, model: dict | None = None):
    """X_c = <B_c, u v^T>, u ∈ R^{n1}, v ∈ R^{n2}, m random integer B_c."""
    rng = random.Random(seed)
    l1 = {"rows": 1, "cols": n1, "params": n1, "entries": [[i, 0, i, 1] for i in range(n1)]}
    l2 = {"rows": n1, "cols": m, "params": n2,
          "entries": [[j, i, c, rng.choice([-1, 1]) * rng.randint(1, 5)] for c in range(m) for i in range(n1)
                      for j in range(n2)]}
    net = MultilinearMap.from_spec({"layers": [l1, l2]})
    return net, parse_model(model, net)


@st.composite
def small_networks(draw, max_K: int = 3, max_dim: int = 3, max_params: int = 3):
    """A random network with K in {2, .., max_K}, every dimension and S_k in 2..max, coefficients ±1..3."""
    K = draw(st.integers(2, max_K))
    dims = [draw(st.integers(1, max_dim)) for _ in range(K + 1)]
    layers = []
    for k in range(K):
        rows, cols = dims[k], dims[k + 1]
        params = draw(st.integers(2, max_params))
        cells = [(p, i, j) for p in range(params) for i in range(rows) for j in range(cols)]
        chosen = draw(st.lists(st.sampled_from(cells), unique=True, min_size=1, max_size=len(cells)))
        layers.append({"rows": rows, "cols": cols, "params": params,
                       "entries": [[p, i, j, draw(st.sampled_from([-3, -2, -1, 1, 2, 3]))] for p, i, j in chosen]})
    return MultilinearMap.from_spec({"layers": layers})
