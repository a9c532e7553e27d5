"""``tensorlift rank SPEC``: the exact rank of the lifting operator A (Corollary 5.2).

Routes. With ``--probes R``: Proposition 5.3 (R exact random rank-1 probes, status
``probable``) without building A. Otherwise a conv network answers structurally
(:func:`graphs.conv_structure.structural_rank`, Proposition 8.2); every other network is
decided by the engine: A is built once (:class:`algebra.analysis.Analysis`) and
:func:`algebra.exact.lifting_rank_decision` computes the rank over Q with a minor
(rank >= r) and a kernel basis (rank <= r), which is re-checked exactly before anything is
printed -- so the status is ``proved``. ``--max-columns``, ``--time-limit`` and ``--work`` are
the run's one budget; reaching it is a one-line error. On a terminal the phases (lifting
operator, exact rank, rank witness check) show their progress on stderr, unless ``--json``.
"""
from __future__ import annotations

import json
import math
import sys

from algebra.analysis import Analysis
from algebra.budget import Budget
from algebra.errors import BudgetExceeded
from algebra.exact import RANK_PHASE, check_rank_witness, lifting_rank_decision, witness_to_json
from algebra.limits import MAX_COMPILED_ENTRIES, RANK_MAX_COLUMNS
from algebra.probes import probe_rank_exact
from graphs.conv_structure import structural_rank
from graphs.specs import load_spec

from .options import add_budget_options, budget_from_args, positive_int, progress_sink

__all__ = ["register", "run", "rank_report", "CHECK_PHASE"]

CHECK_PHASE = "rank witness check"


def register(sub) -> None:
    p = sub.add_parser("rank", help="exact rank of the lifting operator A of a network spec",
                       description=__doc__.splitlines()[0])
    p.add_argument("spec", metavar="SPEC", help="network spec (JSON or YAML)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    add_budget_options(p, RANK_MAX_COLUMNS)
    p.add_argument("--seed", type=int, default=0, help="seed of the modular primes (default 0)")
    p.add_argument("--witness", action="store_true",
                   help="with --json, include the minor and kernel witnesses")
    p.add_argument("--probes", type=positive_int, metavar="R",
                   help="do not build A: rank from R random integer rank-1 probes "
                        "(Proposition 5.3; status probable, with its failure bound and seed)")
    p.add_argument("--generic", action="store_true",
                   help="always build A and compute the rank with witnesses, even for a conv network "
                        "whose rank is known structurally (a cross-check)")
    p.set_defaults(func=run)


def _compiled(loaded):
    """The network's MultilinearMap, refused when compiling a conv network would exhaust memory."""
    if loaded.kind == "conv":  # circulant blocks: N entries per offset
        network = loaded.network
        entries = network.N * sum(len(e.support) for e in network.edges)
        if entries > MAX_COMPILED_ENTRIES:
            raise BudgetExceeded(f"building A for this conv network needs {entries} matrix entries "
                                 f"(> {MAX_COMPILED_ENTRIES}); drop --generic/--probes to use the "
                                 "structural rank (Proposition 8.2)")
    return loaded.multilinear()


def rank_report(spec_path: str, *, budget: Budget | None = None, seed: int = 0, with_witness: bool = False,
                generic: bool = False, probes: int | None = None) -> dict:
    """The JSON-ready result of ``tensorlift rank`` (raises SpecError / BudgetExceeded).

    ``budget`` defaults to :meth:`Budget.default` with ``max_columns`` = ``RANK_MAX_COLUMNS``.
    ``generic`` skips a conv network's structural rank and always builds A (cross-check);
    ``probes`` = R uses Proposition 5.3 instead of A: R exact integer probes span min(R, rk A)
    dimensions except with probability <= the reported bound. If all R are independent only
    rk A >= R is known and the status is ``inconclusive``.
    """
    budget = budget if budget is not None else Budget.default(max_columns=RANK_MAX_COLUMNS)
    loaded = load_spec(spec_path)
    report = {"spec": str(spec_path), "kind": loaded.kind, "theorem": "Corollary 5.2 (lifting operator)"}
    if loaded.kind == "conv" and not generic and probes is None:
        # never compiled into a MultilinearMap: for a conv network that map has N x sum|S_e|
        # entries (the whole circulant blocks), far more than its answer needs
        structural = structural_rank(loaded.network, max_tuples=0, budget=budget)  # the rank only
        report.update({"shape": [structural.n_rows, structural.n_cols], "rank": structural.rank,
                       "status": "proved", "method": "structural", "nonzero_columns": structural.n_valid,
                       "reason": structural.method, "kernel_dimension": structural.kernel_dimension})
        return report
    net = _compiled(loaded)
    m, n = net.shape
    report["shape"] = [m * n, math.prod(net.param_counts)]
    if probes is not None:
        p = probe_rank_exact(net, probes, seed=seed)
        report.update({"method": p.method, "n_probes": probes, "seed": seed,
                       "failure_bound": p.failure_bound, "sample_size": p.sample_size,
                       "rank_at_least": p.rank, "theorem": "Proposition 5.3 (random rank-1 probes)",
                       "nonzero_columns": None})
        if p.rank < probes:
            report.update({"rank": p.rank, "status": "probable"})
        else:
            report.update({"rank": None, "status": "inconclusive",
                           "reason": f"all {probes} probes are independent: rk A >= {probes} "
                                     f"(proved); use more probes"})
        return report
    analysis = Analysis(net, seed=seed, budget=budget)
    A = analysis.lifting()
    with analysis.phase(RANK_PHASE) as phase_budget, phase_budget.alarm(RANK_PHASE):
        decision = lifting_rank_decision(A, seed=seed, budget=phase_budget)
    w = decision.details["rank_witness"]
    with analysis.phase(CHECK_PHASE):
        check_rank_witness(A, w)  # never print a proved rank that does not re-check
    report.update({
        "rank": decision.value, "status": decision.status, "method": w.method, "prime": w.prime, "seed": seed,
        "nonzero_columns": len(A.columns), "kernel_side": w.kernel_side,
        "kernel_dimension": A.n_cols - w.rank,  # dim Ker A, zero columns included
    })
    if with_witness:
        report["witness"] = witness_to_json(w)
    return report


def run(args) -> int:
    budget = budget_from_args(args, progress_sink("rank", silent=args.json))
    report = rank_report(args.spec, budget=budget, seed=args.seed,
                         with_witness=args.witness, generic=args.generic, probes=args.probes)
    if args.json:
        json.dump(report, sys.stdout)
        sys.stdout.write("\n")
        return 0
    rows, cols = report["shape"]
    print(f"spec: {report['spec']} (kind {report['kind']})")
    nz = report.get("nonzero_columns")
    nz_text = f", {nz} non-zero columns" if nz is not None else ""
    print(f"lifting operator A: {rows} x {cols}{nz_text}")
    if report["rank"] is None:
        print(f"rank(A) >= {report['rank_at_least']}  [{report['status']}: {report['reason']}]")
        return 0
    print(f"rank(A) = {report['rank']}  [{report['status']}, method {report['method']}]")
    if report.get("n_probes") is not None:
        print(f"Proposition 5.3 with {report['n_probes']} integer probes (seed {report['seed']}): "
              f"rank >= {report['rank_at_least']} proved, equality fails with probability <= "
              f"{report['failure_bound']:.2g}")
    elif report["method"] == "structural":
        print(f"from the network's structure: {report['reason']}")
        print(f"dim Ker A = {cols - report['rank']}")
    else:
        side = report["kernel_side"]
        print(f"witnesses: a non-singular {report['rank']} x {report['rank']} minor (rank >= "
              f"{report['rank']}) and {side}-kernel vectors (rank <= {report['rank']}), "
              f"re-checked exactly")
        print(f"dim Ker A = {cols - report['rank']}"
              + (" -- Ker A = {0}: identifiable (Proposition 6.3)" if report['rank'] == cols else ""))
    return 0
