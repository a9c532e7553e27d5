"""``tensorlift export SPEC --to m2|singular|sage [-o FILE]``: a script for a computer algebra system.

The script defines the lifting operator A exactly over Q, prints its rank and, unless
``--rank-only``, the dimension of the identifiability system of Proposition 6.3
(:mod:`certificates.export`), so an algebraist can re-derive a verdict in Macaulay2, Singular or
Sage. Written to standard output, or with ``-o`` through :func:`certificates.files.write_files`
(all or nothing). ``--max-columns``, ``--time-limit`` and ``--work`` bound building A.
"""
from __future__ import annotations

import sys

from algebra.limits import DEFAULT_MAX_COLUMNS
from graphs.specs import load_spec

from ..export import TARGETS, export_script
from ..files import OutputFile, check_destination, write_files
from .options import add_budget_options, budget_from_args

__all__ = ["register", "run"]


def register(sub) -> None:
    p = sub.add_parser("export", help="write A and the identifiability system for Macaulay2, Singular or Sage",
                       description=__doc__.splitlines()[0])
    p.add_argument("spec", metavar="SPEC", help="network spec (JSON or YAML)")
    p.add_argument("--to", required=True, choices=TARGETS, help="the computer algebra system")
    p.add_argument("-o", "--output", help="write the script here (default: standard output)")
    p.add_argument("--rank-only", action="store_true", help="only A and its rank, not the identifiability system")
    add_budget_options(p, DEFAULT_MAX_COLUMNS)
    p.set_defaults(func=run)


def run(args) -> int:
    if args.output:
        check_destination(args.output, "--output")
    script = export_script(load_spec(args.spec), args.to, rank_only=args.rank_only, budget=budget_from_args(args))
    if args.output:
        write_files([OutputFile(args.output, script, "--output")])
        print(f"{args.to} script: {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(script)
    return 0
