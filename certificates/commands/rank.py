"""``tensorlift rank SPEC``: the exact rank of the lifting operator A (Corollary 5.2).

Routes. With ``--probes R``: Proposition 5.3 (R exact random rank-1 probes, status
``probable``) without building A. Otherwise a kind that knows its rank structurally (a
convolutional network, Proposition 8.2: :func:`graphs.conv_structure.structural_rank`) answers
directly; otherwise A is built from its non-zero columns and :func:`algebra.exact.rank_witness` computes the rank
over Q with a minor (rank >= r) and a kernel basis (rank <= r), which is re-checked exactly
before anything is printed -- so the status is ``proved``.
"""
from __future__ import annotations

import json
import math
import sys

from algebra.errors import BudgetExceeded
from algebra.exact import check_rank_witness, rank_witness, witness_to_json
from algebra.lifting import lifting_operator
from algebra.limits import MAX_COMPILED_ENTRIES, RANK_MAX_COLUMNS
from algebra.probes import probe_rank_exact
from graphs.conv_structure import structural_rank
from graphs.specs import load_spec

from .options import positive_int

__all__ = ["register", "run", "rank_report"]



def register(sub) -> None:
    p = sub.add_parser("rank", help="exact rank of the lifting operator A of a network spec",
                       description=__doc__.splitlines()[0])
    p.add_argument("spec", metavar="SPEC", help="network spec (JSON or YAML)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--max-columns", type=positive_int, default=RANK_MAX_COLUMNS, metavar="N",
                   help=f"refuse lifting operators with more than N non-zero columns "
                        f"(default {RANK_MAX_COLUMNS})")
    p.add_argument("--seed", type=int, default=0, help="seed of the modular primes (default 0)")
    p.add_argument("--witness", action="store_true",
                   help="with --json, include the minor and kernel witnesses")
    p.add_argument("--probes", type=positive_int, metavar="R",
                   help="do not build A: rank from R random integer rank-1 probes "
                        "(Proposition 5.3; status probable, with its failure bound and seed)")
    p.add_argument("--generic", action="store_true",
                   help="always build A and compute the rank with witnesses, even when the "
                        "network knows its rank structurally (a cross-check)")
    p.set_defaults(func=run)


def _structural(loaded) -> tuple[int, dict] | None:
    """(rank, extra fields) when the kind knows its rank from its structure, else None.

    A convolutional network does (Proposition 8.2, :func:`graphs.conv_structure.structural_rank`):
    ``nonzero_columns`` is the number of valid index tuples, ``reason`` the argument.
    """
    if loaded.kind != "conv":
        return None
    r = structural_rank(loaded.network, max_tuples=0)  # the rank only: no class enumeration
    return r.rank, {"nonzero_columns": r.n_valid, "reason": r.method}


def _knows_shape(network) -> bool:
    return hasattr(network, "param_counts") and (hasattr(network, "shape") or
                                                 (hasattr(network, "N") and hasattr(network, "leaves")))


def _output_shape(network) -> tuple[int, int]:
    """(m, n), the shape of X, without compiling the network (conv: N x N|F|)."""
    shape = getattr(network, "shape", None)
    if shape is not None:
        return tuple(shape)
    return network.N, network.N * len(network.leaves)


def _compiled(loaded, max_columns):
    """The network's MultilinearMap, refused when compiling it would exhaust memory."""
    network = loaded.network
    if hasattr(network, "edges") and hasattr(network, "N"):  # conv: circulant blocks, N entries per offset
        entries = network.N * sum(len(e.support) for e in network.edges)
        if entries > MAX_COMPILED_ENTRIES:
            raise BudgetExceeded(f"building A for this conv network needs {entries} matrix entries "
                                 f"(> {MAX_COMPILED_ENTRIES}); drop --generic/--probes to use the "
                                 "structural rank (Proposition 8.2)")
    return loaded.multilinear()


def rank_report(spec_path: str, *, max_columns: int | None = RANK_MAX_COLUMNS, seed: int = 0,
                with_witness: bool = False, generic: bool = False, probes: int | None = None) -> dict:
    """The JSON-ready result of ``tensorlift rank`` (raises SpecError / BudgetExceeded).

    ``generic`` skips the structural rank and always builds A (cross-check);
    ``probes`` = R uses Proposition 5.3 instead of A: R exact integer probes span min(R, rk A)
    dimensions except with probability <= the reported bound. If all R are independent only
    rk A >= R is known and the status is ``inconclusive``.
    """
    loaded = load_spec(spec_path)
    structural = None if (generic or probes is not None) else _structural(loaded)
    # the structural route never compiles the network into a MultilinearMap: for a conv network
    # that map has N x sum|S_e| entries (the whole circulant blocks), far more than its answer needs
    net = None if structural is not None and _knows_shape(loaded.network) else _compiled(loaded, max_columns)
    shape_of = net if net is not None else loaded.network
    m, n = _output_shape(shape_of)
    report = {
        "spec": str(spec_path),
        "kind": loaded.kind,
        "shape": [m * n, math.prod(shape_of.param_counts)],
        "theorem": "Corollary 5.2 (lifting operator)",
    }
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
    if structural is not None:
        rank, extra = structural
        report.update({"rank": rank, "status": extra.pop("status", "proved"),
                       "method": "structural", "nonzero_columns": extra.pop("nonzero_columns", None)})
        report.update(extra)
        report["kernel_dimension"] = report["shape"][1] - rank
        return report
    A = lifting_operator(net, max_columns=max_columns)
    w = rank_witness(A, seed=seed)
    check_rank_witness(A, w)  # never print a proved rank that does not re-check
    report.update({
        "rank": w.rank, "status": "proved", "method": w.method, "prime": w.prime, "seed": seed,
        "nonzero_columns": len(A.columns), "kernel_side": w.kernel_side,
        "kernel_dimension": A.n_cols - w.rank,  # dim Ker A, zero columns included
    })
    if with_witness:
        report["witness"] = witness_to_json(w)
    return report


def run(args) -> int:
    report = rank_report(args.spec, max_columns=args.max_columns, seed=args.seed,
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
