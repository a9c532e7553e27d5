"""Seeded random structured networks: the operators users bring, as the benchmarks and the budget
tests build them.

K layers of m x m factors with S parameters each; every (parameter, row, column) cell is non-zero
with probability ``density`` (30 %), its coefficient drawn from ±{1, 2, 3}. The same arguments give
the same spec on every machine (``random.Random(seed)``), so the benchmarks' peers (sympy,
Singular, Macaulay2) rank exactly the operator tensorlift ranks.

>>> spec = random_structured_spec(2, 3, 2, seed=1)
>>> [(layer["rows"], layer["cols"], layer["params"]) for layer in spec["layers"]]
[(3, 3, 2), (3, 3, 2)]
>>> spec == random_structured_spec(2, 3, 2, seed=1)
True
"""
from __future__ import annotations

import random

__all__ = ["random_structured_spec", "COEFFICIENTS"]

COEFFICIENTS = (1, -1, 2, -2, 3, -3)


def random_structured_spec(K: int, m: int, S: int, *, density: float = 0.3, seed: int = 0) -> dict:
    """A ``structured`` spec: K layers of m x m factors, S parameters per layer (module docstring)."""
    rng = random.Random(seed)
    layers = []
    for _ in range(K):
        entries = [[p, i, j, rng.choice(COEFFICIENTS)] for p in range(S) for i in range(m) for j in range(m)
                   if rng.random() < density]
        layers.append({"rows": m, "cols": m, "params": S, "entries": entries})
    return {"kind": "structured", "name": f"random K={K} m={m} S={S} seed={seed}", "layers": layers}
