"""``tensorlift certify SPEC``: decide what can be decided, write the certificate (and a report).

``tensorlift certify SPEC SPEC ...`` (or a folder) certifies each spec in its own run -- in
``--jobs`` processes, or on a Dask cluster given ``--scheduler`` -- writes every certificate into
``--out-dir``, prints one summary table (``--summary FILE.csv|.json`` writes it, ``--plot FILE.png``
plots a sweep's share of identifiable specs) and exits with one status: 0 all certified, 2 a spec
was bad input, 3 a bug (:mod:`certificates.batch`).

One budget per run, on by default (a spec must never run unbounded): ``--max-columns``
(non-zero columns of A to build), ``--time-limit`` (seconds) and ``--work`` (work units), the
same defaults as :func:`certificates.certify.certify` from Python; reaching one turns the
affected claims into ``inconclusive`` with the reason, in the same words as from Python. The
certificate, the report and its figures are written together by
:func:`certificates.files.write_files`, so a failure leaves none of them (no partial output).
"""
from __future__ import annotations

import json
from pathlib import Path

from algebra.errors import SpecError
from algebra.limits import DEFAULT_MAX_COLUMNS
from graphs.specs import load_spec

from ..files import OutputFile, check_destination, write_files
from .options import add_budget_options, budget_from_args, positive_int, progress_sink

__all__ = ["register", "run", "run_one", "run_batch", "summary_lines", "write_outputs", "report_format"]


def register(sub) -> None:
    p = sub.add_parser("certify", help="run every applicable check and write a certificate (or many: a batch)")
    p.add_argument("spec", nargs="+", help="network spec (JSON or YAML); several, or a folder, make a batch")
    p.add_argument("-o", "--output", help="certificate path (default: <spec name>.cert.json)")
    p.add_argument("--report", help="also write a report to this file")
    p.add_argument("--format", choices=("md", "tex", "html"), help="report format (default: from --report's suffix, else md)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    add_budget_options(p, DEFAULT_MAX_COLUMNS)
    p.add_argument("--quiet", action="store_true", help="no progress on the terminal (none with --json or when "
                                                        "stderr is not a terminal either)")
    batch = p.add_argument_group("batch (several specs or a folder)")
    batch.add_argument("--jobs", type=positive_int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on this Dask scheduler (e.g. tcp://host:8786; needs tensorlift[cluster])")
    batch.add_argument("--out-dir", default=".", metavar="DIR", help="folder of the certificates (default: .)")
    batch.add_argument("--summary", metavar="FILE", help="write the summary table (.csv, or .json)")
    batch.add_argument("--plot", metavar="FILE", help="plot a sweep's share of identifiable specs (PNG)")
    p.set_defaults(func=run)


def summary_lines(claims) -> list[str]:
    """One readable line per claim: status, id, statement, what it rests on."""
    from ..claims import THEOREM_OF

    lines = []
    for c in claims:
        rests = ", ".join(r for r in c.relies_on if r[:1].isupper()) or THEOREM_OF.get(c.id, "")
        text = c.statement if c.status != "inconclusive" else f"{c.statement} Reason: {c.reason}"
        lines.append(f"{c.status:<12} {c.id:<13} {text} [{rests}]")
    return lines


def report_format(path: str | None, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = Path(path or "").suffix.lower()
    return {".tex": "tex", ".html": "html", ".htm": "html"}.get(suffix, "md")


def run(args) -> int:
    if len(args.spec) > 1 or Path(args.spec[0]).is_dir():
        return run_batch(args)
    for option in ("jobs", "scheduler", "summary", "plot"):
        if getattr(args, option) not in (None, 1):
            raise SpecError(f"--{option}", "is for a batch (several specs or a folder)")
    return run_one(args, args.spec[0])


def run_one(args, spec: str) -> int:
    """One spec: the certificate (and report), the summary of its claims."""
    from ..certify import certify, default_certificate_path

    out = Path(args.output) if args.output else default_certificate_path(spec)
    check_destination(out, "--output")
    if args.report:
        check_destination(args.report, "--report")
    loaded = load_spec(spec)
    budget = budget_from_args(args, progress_sink("certify", silent=args.quiet or args.json))
    result = certify(loaded, seed=args.seed, budget=budget)
    write_outputs(result.document, out, args.report, report_format(args.report, args.format) if args.report else None)
    if args.json:
        print(json.dumps({"spec": str(spec), "certificate": str(out), "report": args.report,
                          "sha256": result.document["network"]["sha256"],
                          "claims": [{"id": c.id, "status": c.status, "statement": c.statement,
                                      "relies_on": list(c.relies_on), **({"reason": c.reason} if c.reason else {})}
                                     for c in result.claims]}, indent=1))
    else:
        print(f"{result.name} ({result.loaded.kind}): {len(result.claims)} claims")
        for line in summary_lines(result.claims):
            print("  " + line)
        print(f"certificate: {out}" + (f"\nreport: {args.report}" if args.report else ""))
        print(f"re-check it with: tensorlift verify {out}")
    return 0


def run_batch(args) -> int:
    """Several specs (or a folder): every certificate, one summary, one exit status."""
    from ..batch import certify_batch

    for option, value in (("--output", args.output), ("--report", args.report), ("--format", args.format)):
        if value:
            raise SpecError(option, "is for one spec; in a batch the certificates go to --out-dir "
                                    "(report one with `tensorlift report CERT`)")
    out_dir = Path(args.out_dir)
    if not out_dir.is_dir():
        raise SpecError("--out-dir", f"{out_dir}: no such folder")
    for option, value in (("--summary", args.summary), ("--plot", args.plot)):
        if value:
            check_destination(value, option)
    result = certify_batch(args.spec, jobs=args.jobs, scheduler=args.scheduler, seed=args.seed, work=args.work,
                           seconds=args.time_limit, max_columns=args.max_columns)
    write_files(result.files(out_dir, summary=args.summary, plot=args.plot))  # all of them, or none
    if args.json:
        print(result.to_json(), end="")
    else:
        print(result.table())
        done = sum(1 for r in result.rows if not r.error)
        print(f"{done} of {len(result.rows)} spec(s) certified; certificates in {out_dir}/"
              + (f"; summary: {args.summary}" if args.summary else "") + (f"; plot: {args.plot}" if args.plot else ""))
    return result.exit_code


def write_outputs(document, cert_path: str | Path | None, report_path: str | Path | None = None,
                  fmt: str | None = None, report_option: str = "--report", check=None) -> None:
    """Write the certificate and (optionally) the report with its figures together, or nothing.

    One :func:`certificates.files.write_files` call: every file is staged beside its
    destination and renamed into place only when all are written; on failure nothing is left
    and the error is a one-line :class:`SpecError` naming the option. ``check`` is the checker's
    verdict on ``document`` when the caller has it (the report runs the checker once otherwise).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_outputs({"a": 1}, d / "c.json", d, "md")
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: --report: cannot write ...: Is a directory
    >>> sorted(p.name for p in d.iterdir())
    []
    """
    from ..certify import dumps_certificate
    from ..report import report_files

    outputs = []
    if cert_path is not None:
        outputs.append(OutputFile(Path(cert_path), dumps_certificate(document), "--output"))
    if report_path is not None:
        outputs += report_files(document, report_path, fmt, option=report_option, check=check)
    write_files(outputs)
