"""``tensorlift report CERT --format md|tex|html``: render a certificate for a person to read.

The checker runs once: its verdict is the report's (:func:`certificates.report.render` takes it).
On standard output Markdown and LaTeX omit the figures with a note; with ``-o FILE`` they are
written as PNG files beside the report (HTML embeds them either way).
"""
from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["register", "run"]


def register(sub) -> None:
    p = sub.add_parser("report", help="render a certificate as Markdown, LaTeX or HTML")
    p.add_argument("certificate", help="certificate JSON file")
    p.add_argument("--format", choices=("md", "tex", "html"), default=None,
                   help="output format (default: from -o's suffix, else md)")
    p.add_argument("-o", "--output", help="write here (default: stdout; LaTeX figures go beside the file)")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..checker import check_file
    from ..files import check_destination
    from ..report import render
    from .certify import report_format, write_outputs

    import json

    if args.output:
        check_destination(args.output, "--output")
    check = check_file(args.certificate)
    if check.exit_code == 2:
        print(f"tensorlift report: error: {check.verdict}", file=sys.stderr)
        return 2
    document = json.loads(Path(args.certificate).read_text(encoding="utf-8"))
    fmt = report_format(args.output, args.format)
    if args.output:  # report and figures, or nothing; the check above is the report's (one check per run)
        write_outputs(document, None, args.output, fmt, report_option="--output", check=check)
        print(f"report: {args.output}")
    else:  # figures cannot go to a stream: md and tex say so, html embeds them
        sys.stdout.write(render(document, fmt, check=check))
    if check.exit_code == 1:
        print(f"warning: this certificate does NOT verify ({check.verdict}); the report says so too",
              file=sys.stderr)
    return 0
