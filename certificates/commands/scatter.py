"""``tensorlift scatter SPEC [--json]``: Algorithm 8.1 on a conv network (Definition 8.1).

With ``--json``: one object ``{"scattered": bool, "leaves": {leaf: [y_f entries]}}`` on stdout.
Without: a readable summary naming the colliding offsets and edges. Exit 0 either way (the
verdict is a result, not an error); exit 2 on bad input.
"""
from __future__ import annotations

import json

from algebra.errors import SpecError
from graphs.scattering import algorithm_8_1, find_collisions, suggest_separation
from graphs.specs import load_spec

__all__ = ["register", "run", "summary"]

MAX_LEAVES_SHOWN = 8
MAX_COLLISIONS_SHOWN = 5


def register(sub) -> None:
    p = sub.add_parser("scatter", help="run Algorithm 8.1 (is the conv topology sufficiently scattered?)",
                       description="Run Algorithm 8.1 of the paper on a conv network spec: y_f = "
                                   "M_1(1)...M_K(1) delta_f for every leaf f; sufficiently scattered "
                                   "iff every entry is 0 or 1 (Definition 8.1).")
    p.add_argument("spec", metavar="SPEC", help="a conv network spec (JSON or YAML)")
    p.add_argument("--json", action="store_true", help="print one JSON object {scattered, leaves}")
    p.set_defaults(func=run)


def _load_conv(path):
    loaded = load_spec(path)
    if loaded.kind != "conv":
        raise SpecError("kind", f"scatter needs a 'conv' spec (Algorithm 8.1), got {loaded.kind!r}")
    return loaded.network


def _sparse(y: list[int]) -> str:
    return "{" + ", ".join(f"{c}: {v}" for c, v in enumerate(y) if v) + "}"


def summary(net, vectors: dict[str, list[int]]) -> str:
    """The readable report: verdict, per-leaf non-zero entries, and named collisions."""
    scattered = all(v <= 1 for y in vectors.values() for v in y)
    lines = [f"network {net.name}: conv, N = {net.N}, K = {net.K}, {len(net.leaves)} leaf(s), "
             f"{len(net.edges)} edges, S_k = {list(net.param_counts)}",
             "Algorithm 8.1: " + ("sufficiently scattered (every entry of every y_f is 0 or 1)" if scattered
                                  else "NOT sufficiently scattered (Definition 8.1): the network is not identifiable "
                                       "(Proposition 8.2, Theorem 8.4)")]
    lines.append("y_f = M_1(1)...M_K(1) delta_f, non-zero entries as {offset: count}:")
    for f in net.leaves[:MAX_LEAVES_SHOWN]:
        lines.append(f"  {f}: {_sparse(vectors[f])}")
    if len(net.leaves) > MAX_LEAVES_SHOWN:
        lines.append(f"  ... {len(net.leaves) - MAX_LEAVES_SHOWN} more leaves (use --json for all)")
    if not scattered:
        bad = sum(1 for y in vectors.values() for v in y if v >= 2)
        lines.append(f"collisions ({bad} offsets reached more than once):")
        found = find_collisions(net, limit=MAX_COLLISIONS_SHOWN)
        for c in found:
            lines.append("  " + c.describe())
        if bad > MAX_COLLISIONS_SHOWN:
            lines.append(f"  ... {bad - MAX_COLLISIONS_SHOWN} more")
        fix = suggest_separation(net, found[0])
        if fix:
            lines.append(f"suggestion: {fix}")
    return "\n".join(lines)


def run(args) -> int:
    net = _load_conv(args.spec)
    vectors = algorithm_8_1(net)
    if args.json:
        scattered = all(v <= 1 for y in vectors.values() for v in y)
        print(json.dumps({"scattered": scattered, "leaves": vectors}))
    else:
        print(summary(net, vectors))
    return 0
