"""The readable ``tensorlift scatter`` summary built the old way, from the full Algorithm 8.1
table (every leaf's y_f): the reference the streaming summary must equal, and the benchmark's peer."""
from __future__ import annotations

from certificates.commands.scatter import MAX_COLLISIONS_SHOWN, MAX_LEAVES_SHOWN
from graphs.scattering import algorithm_8_1, find_collisions, suggest_separation

__all__ = ["full_table_summary"]


def _sparse(y: list[int]) -> str:
    return "{" + ", ".join(f"{c}: {v}" for c, v in enumerate(y) if v) + "}"


def full_table_summary(net) -> str:
    vectors = algorithm_8_1(net)  # the whole table
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
