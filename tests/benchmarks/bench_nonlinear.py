"""Benchmark: the non-linear identifiability routes on random small structured networks.

Run: ``python tests/benchmarks/bench_nonlinear.py [N] [SECONDS]`` or ``make bench``.

N (default 150) random networks -- K in {2, 3}, every S_k and every factor dimension in 2..4,
coefficients in {±1, ±2, ±3}, densities 0.3, 0.5 and 0.8 -- each decided first by the linear routes
(:func:`algebra.identifiability.identifiability_decision` with every route but the non-linear
one: injectivity, kernel line, the linear counterexample search) and, when those say
``inconclusive``, by
:func:`algebra.nonlinear.nonlinear_identifiability` under a budget of SECONDS (default 30) per
network (the engine runs them in this order; here they are timed apart). Every decision is
re-checked: Macaulay certificates with
:func:`algebra.difference_set.check_difference_set_witness`, real witnesses with
:func:`algebra.real_witness.check_real_witness`, the linear routes' witnesses by evaluation. Cross-check:
the difference-set route is also run on every network the linear search refuted -- it must never
prove one ("wrong" in the table).

Prints the share decided, the share per route, and the time per network (median, 90th
percentile, maximum) of the non-linear routes.
"""
from __future__ import annotations

import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

if __name__ == "__main__":  # allow running as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from algebra.budget import Budget
from algebra.decision import Decision
from algebra.difference_set import check_difference_set_witness, difference_set_decision
from algebra.identifiability import ROUTES, identifiability_decision, nonlinear_route
from algebra.lifting import lifting_operator
from algebra.models import full_model
from algebra.nonlinear import nonlinear_identifiability
from algebra.real_witness import check_real_witness
from tests.algebra.nonlinear_networks import random_network


LINEAR = tuple(route for route in ROUTES if route is not nonlinear_route)


def run(n: int = 150, seconds: float = 30.0, seed: int = 2) -> dict:
    rng = random.Random(seed)
    routes: Counter = Counter()
    times: list[float] = []
    wrong = []
    open_reasons = []
    for number in range(n):
        net = random_network(rng)
        model = full_model(net)
        verdict = identifiability_decision(net, model, seed=0, routes=LINEAR)
        A = lifting_operator(net)
        if verdict.status != "inconclusive":
            routes[f"linear: {verdict.status}"] += 1
            if verdict.status == "refuted":  # the proof route must not prove a refuted network
                cross = difference_set_decision(net, model, A, Budget(seconds=seconds), seed=0)
                if isinstance(cross, Decision) and cross.status == "proved":
                    wrong.append((number, "difference set proved a network with a rational counterexample"))
            continue
        start = time.perf_counter()
        result = nonlinear_identifiability(net, model, A, Budget(seconds=seconds), seed=0)
        times.append(time.perf_counter() - start)
        if isinstance(result, Decision):
            if result.status == "proved":
                check_difference_set_witness(net, model, A, result.witness)
                routes["difference set: proved"] += 1
            else:
                check_real_witness(net, model, result.witness)
                kind = "rational" if "field" not in result.witness else "algebraic"
                routes[f"real witness: refuted ({kind})"] += 1
        else:
            routes["open"] += 1
            open_reasons.append((number, net.param_counts, net.shape, result.reason))
    decided = n - routes["open"]
    print(f"\n{n} random networks (seed {seed}), {seconds:g} s budget per network for the non-linear routes")
    for name, count in sorted(routes.items()):
        print(f"  {name:36s} {count:4d}  ({100 * count / n:5.1f} %)")
    print(f"  decided: {decided} / {n} = {100 * decided / n:.1f} %; wrong: {len(wrong)}")
    if times:
        q = sorted(times)
        print(f"  non-linear routes on {len(times)} networks: median {statistics.median(q):.2f} s, "
              f"90th percentile {q[int(0.9 * (len(q) - 1))]:.2f} s, max {q[-1]:.2f} s")
    for number, counts, shape, reason in open_reasons:
        print(f"  open #{number} S = {counts}, X {shape[0]}x{shape[1]}: {reason}")
    for number, problem in wrong:
        print(f"  WRONG #{number}: {problem}")
    return {"routes": routes, "times": times, "wrong": wrong, "decided": decided, "n": n}


def test_bench_nonlinear():
    """Entry point for ``make bench``: nothing decided wrongly (checked in run())."""
    assert not run()["wrong"]


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 150, float(sys.argv[2]) if len(sys.argv) > 2 else 30.0)
