"""``tensorlift certify SPEC``: decide what can be decided, write the certificate (and a report)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["register", "run", "summary_lines"]


def register(sub) -> None:
    p = sub.add_parser("certify", help="run every applicable check and write a certificate")
    p.add_argument("spec", help="network spec (JSON or YAML)")
    p.add_argument("-o", "--output", help="certificate path (default: <spec name>.cert.json)")
    p.add_argument("--report", help="also write a report to this file")
    p.add_argument("--format", choices=("md", "tex", "html"), help="report format (default: from --report's suffix, else md)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    p.add_argument("--max-columns", type=int, default=None, help="budget: most non-zero columns of A to build")
    p.add_argument("--time-limit", type=float, default=None, help="budget: seconds for the exact phases")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
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
    from ..certify import certify_file, default_certificate_path, write_certificate

    def progress(phase: str) -> None:
        if not args.quiet:
            print(f"tensorlift certify: {phase} ...", file=sys.stderr, flush=True)

    result = certify_file(args.spec, seed=args.seed, max_columns=args.max_columns,
                          time_limit=args.time_limit, progress=progress)
    out = Path(args.output) if args.output else default_certificate_path(args.spec)
    write_certificate(result.document, out)
    if args.report:
        from ..report import write_report

        write_report(result.document, args.report, report_format(args.report, args.format))
    if args.json:
        print(json.dumps({"spec": str(args.spec), "certificate": str(out), "report": args.report,
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
