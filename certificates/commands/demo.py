"""``tensorlift demo``: the main job on the paper's section-8 examples, and where to look.

Certifies the scattered convolutional network {1,2,3} * {1,10} (paper, section 8) and, for
contrast, the non-scattered {1,2,3} * {1,2,3}; writes each certificate and an HTML + Markdown
report under a folder it prints; re-checks every certificate with the standard-library-only
checker run as a separate process (exactly what a reader of the certificate would do).
"""
from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

from algebra.errors import SpecError
from graphs.bundled import example_location, examples_dir

__all__ = ["register", "run", "DEMO_EXAMPLES"]

# The bundled specs the demo certifies (inside graphs.bundled.examples_dir()); the first is the default.
DEMO_EXAMPLES = ["conv/paper-scattered-123x1-10.json", "conv/paper-unscattered-123x123.json"]


def register(sub) -> None:
    p = sub.add_parser("demo", help="certify the paper's section-8 examples, write reports, verify")
    p.add_argument("--output-dir", default="demo-output", help="where to write (default ./demo-output)")
    p.add_argument("specs", nargs="*", help="specs to certify instead of the bundled examples")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..certify import certify_file, dumps_certificate
    from ..files import OutputFile, write_files
    from ..checker import check_certificate
    from ..report import report_files
    from .certify import summary_lines

    out_dir = Path(args.output_dir)
    checker = resources.files("certificates") / "checker.py"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SpecError("--output-dir", f"cannot create {out_dir}: {exc.strerror or exc}") from None
    specs = [Path(s) for s in args.specs] or [examples_dir() / name for name in DEMO_EXAMPLES]
    print(f"tensorlift demo: writing to {out_dir.resolve()}/")
    all_ok = True
    written = []
    for spec in specs:
        result = certify_file(spec)
        stem = spec.name.rsplit(".", 1)[0]
        cert, html, md = (out_dir / f"{stem}{suffix}" for suffix in (".cert.json", ".report.html", ".report.md"))
        check = check_certificate(result.document)  # the reports' verdict, checked once
        write_files([OutputFile(cert, dumps_certificate(result.document), "--output-dir"),
                     *report_files(result.document, html, "html", option="--output-dir", check=check),
                     *report_files(result.document, md, "md", option="--output-dir", check=check)])
        print(f"\n== {example_location(spec)}  ({result.name}, {result.loaded.kind})")
        if result.loaded.spec.get("description"):
            print(f"   {result.loaded.spec['description']}")
        for line in summary_lines(result.claims):
            print("   " + line)
        # re-check as a reader would: the checker file alone, in a fresh isolated interpreter
        check = subprocess.run([sys.executable, "-I", str(checker), str(cert)], capture_output=True, text=True)
        verdict = check.stdout.strip() or check.stderr.strip()
        print(f"   independent checker (exit {check.returncode}): {verdict}")
        all_ok &= check.returncode == 0
        written.append((cert, html, md))
    print("\nWhere to look:")
    for cert, html, md in written:
        print(f"  {html}   (open in a browser: network drawing, claims, Algorithm 8.1 plot)")
        print(f"  {md}")
        print(f"  {cert}   (re-check: tensorlift verify {cert}  or  python {checker} {cert})")
    print("Format of the certificates: docs/certificate-format.md")
    return 0 if all_ok else 1
