"""``tensorlift scatter SPEC [--json]``: Algorithm 8.1 on a conv network (Definition 8.1).

With ``--json``: one object ``{"scattered": bool, "leaves": {leaf: [y_f entries]}}`` on stdout
(the whole table). Without: a readable summary of the ``scattered`` decision
(:func:`graphs.conv_decisions.decide_scattered`), the outputs of the first few leaves (computed
alone: only the part of the network they reach) and the named collisions -- never the whole
table. Exit 0 either way (the verdict is a result, not an error); exit 2 on bad input.
"""
from __future__ import annotations

import json

from algebra.budget import Budget
from algebra.errors import BudgetExceeded, SpecError
from algebra.limits import DEFAULT_SECONDS, DEFAULT_WORK
from graphs.conv_decisions import decide_scattered
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


def summary(net, budget: Budget | None = None) -> str:
    """The readable report: verdict, the first leaves' non-zero entries, and named collisions.

    Built from the ``scattered`` decision and :data:`MAX_LEAVES_SHOWN` leaves computed alone,
    so its cost does not grow with the number of leaves beyond one streaming pass.
    """
    budget = budget or Budget.unlimited()
    decision = decide_scattered(net, budget)
    lines = [f"network {net.name}: conv, N = {net.N}, K = {net.K}, {len(net.leaves)} leaf(s), "
             f"{len(net.edges)} edges, S_k = {list(net.param_counts)}"]
    if decision.status == "inconclusive":
        lines.append(f"Algorithm 8.1: not decided ({decision.reason})")
        return "\n".join(lines)
    scattered = decision.value
    lines.append("Algorithm 8.1: " + (
        "sufficiently scattered (every entry of every y_f is 0 or 1)" if scattered else
        "NOT sufficiently scattered (Definition 8.1): the network is not identifiable (Proposition 8.2, Theorem 8.4)"))
    lines.append("y_f = M_1(1)...M_K(1) delta_f, non-zero entries as {offset: count}:")
    shown = algorithm_8_1(net, leaves=net.leaves[:MAX_LEAVES_SHOWN], budget=budget)
    for f, y in shown.items():
        lines.append(f"  {f}: {_sparse(y)}")
    if len(net.leaves) > MAX_LEAVES_SHOWN:
        lines.append(f"  ... {len(net.leaves) - MAX_LEAVES_SHOWN} more leaves (use --json for all)")
    if not scattered:
        bad = decision.details["n_collisions"]
        lines.append(f"collisions ({bad} offsets reached more than once):")
        found = find_collisions(net, limit=MAX_COLLISIONS_SHOWN, budget=budget)
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
    budget = Budget(work=DEFAULT_WORK, seconds=DEFAULT_SECONDS)
    if args.json:
        vectors = algorithm_8_1(net, budget=budget)  # the whole table is this output
        scattered = decide_scattered(net, budget)
        if scattered.status == "inconclusive":
            raise BudgetExceeded(scattered.reason)
        print(json.dumps({"scattered": scattered.value, "leaves": vectors}))
    else:
        print(summary(net, budget))
    return 0
