"""``tensorlift sweep NAME --out-dir DIR``: write a family of specs that varies one quantity.

``phase-retrieval``: real phase retrieval with ``--S`` unknowns and m random integer measurements
for each m of ``--m`` (e.g. ``1..8`` or ``3,5,7``), ``--trials`` draws each, from ``--seed``
(:func:`graphs.sweeps.phase_retrieval_sweep`). The folder gets the spec files and the manifest
``sweep.json``; ``tensorlift certify DIR --plot share.png`` then plots the share of identifiable
specs against m. Written through :func:`certificates.files.write_files` (all or nothing).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from algebra.errors import SpecError
from graphs.sweeps import MANIFEST, SWEEPS

from ..files import OutputFile, write_files
from .options import positive_int

__all__ = ["register", "run", "int_range"]


def int_range(text: str) -> list[int]:
    """``"1..4"`` or ``"2,5,7"`` as a list of positive integers.

    >>> int_range("1..4"), int_range("2,5")
    ([1, 2, 3, 4], [2, 5])
    """
    try:
        if ".." in text:
            lo, hi = (int(x) for x in text.split(".."))
            values = list(range(lo, hi + 1))
        else:
            values = [int(x) for x in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a range like 1..8 or a list like 2,4,6, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def register(sub) -> None:
    p = sub.add_parser("sweep", help="write a family of specs varying one quantity (for certify's --plot)",
                       description=__doc__.splitlines()[0])
    p.add_argument("name", choices=sorted(SWEEPS), help="the family")
    p.add_argument("--out-dir", required=True, metavar="DIR", help="folder to write (created if missing)")
    p.add_argument("--S", type=positive_int, default=3, help="unknowns (default 3)")
    p.add_argument("--m", type=int_range, default=int_range("1..8"), metavar="RANGE",
                   help="numbers of measurements, e.g. 1..8 (default) or 3,5,7")
    p.add_argument("--trials", type=positive_int, default=3, help="random draws per value (default 3)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random measurements (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    sweep = SWEEPS[args.name](args.S, args.m, trials=args.trials, seed=args.seed)
    out = Path(args.out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError("--out-dir", f"cannot create {out}: {exc.strerror or exc}") from None
    files = [OutputFile(out / sweep.file_name(spec), json.dumps(spec, indent=1, ensure_ascii=False) + "\n", "--out-dir")
             for _, spec in sweep.items]
    files.append(OutputFile(out / MANIFEST, json.dumps(sweep.manifest(), indent=1) + "\n", "--out-dir"))
    write_files(files)
    print(f"{len(sweep.items)} specs ({sweep.quantity} = {', '.join(map(str, args.m))}; {args.trials} trial(s) each) "
          f"and {MANIFEST} in {out}/")
    print(f"certify them with: tensorlift certify {out} --jobs 2 --out-dir {out} --summary {out}/summary.csv "
          f"--plot {out}/share.png")
    return 0
