"""``tensorlift certify SPEC``: decide what can be decided, write the certificate (and a report).

One budget per run, on by default (a spec must never run unbounded): ``--max-columns``
(non-zero columns of A to build), ``--time-limit`` (seconds) and ``--work`` (work units), the
same defaults as :func:`certificates.certify.certify` from Python; reaching one turns the
affected claims into ``inconclusive`` with the reason, in the same words as from Python. The
certificate and the report are written together: both go to temporary files first and are
renamed into place only when both are complete, so a failure leaves neither (no partial output).
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

from algebra.errors import SpecError
from algebra.limits import DEFAULT_MAX_COLUMNS

from .options import PhasePrinter, add_budget_options, budget_from_args

__all__ = ["register", "run", "summary_lines", "write_outputs"]


def register(sub) -> None:
    p = sub.add_parser("certify", help="run every applicable check and write a certificate")
    p.add_argument("spec", help="network spec (JSON or YAML)")
    p.add_argument("-o", "--output", help="certificate path (default: <spec name>.cert.json)")
    p.add_argument("--report", help="also write a report to this file")
    p.add_argument("--format", choices=("md", "tex", "html"), help="report format (default: from --report's suffix, else md)")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    add_budget_options(p, DEFAULT_MAX_COLUMNS)
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
    from ..certify import certify, default_certificate_path

    out = Path(args.output) if args.output else default_certificate_path(args.spec)
    _check_destination(out, "--output")
    if args.report:
        _check_destination(Path(args.report), "--report")
    loaded = _load(args.spec)
    budget = budget_from_args(args, None if args.quiet else PhasePrinter("certify"))
    result = certify(loaded, seed=args.seed, budget=budget)
    write_outputs(result.document, out, args.report, report_format(args.report, args.format) if args.report else None)
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


def _load(spec_path):
    from graphs.specs import parse_spec, read_spec_file

    spec = read_spec_file(spec_path)
    if not isinstance(spec.get("kind"), str):  # parse_spec would raise TypeError on a list
        raise SpecError("kind", f"expected a string naming the kind of network, got {spec.get('kind')!r:.60}")
    return parse_spec(spec)


def _check_destination(path: Path, option: str) -> None:
    """Refuse an output path that cannot be a file before spending time on the spec."""
    if path.is_dir():
        raise SpecError(option, f"{path} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise SpecError(option, f"{path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SpecError(option, f"{path}: the folder {parent} is not writable")


def write_outputs(document, cert_path: str | Path | None, report_path: str | Path | None = None,
                  fmt: str | None = None, report_option: str = "--report") -> None:
    """Write the certificate and (optionally) the report together, or neither.

    Everything is first written to temporary files in the destination folders (the report's PNG
    figures too), then renamed into place; if anything fails, the files already renamed are
    removed again and the temporaries deleted, and the error is a one-line :class:`SpecError`.

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

    cert_path = None if cert_path is None else Path(cert_path)
    staged: list[tuple[Path, Path]] = []  # (temporary, final)
    renamed: list[Path] = []
    scratch: list[Path] = []
    option = "--output"
    target = cert_path
    try:
        if cert_path is not None:
            if cert_path.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(cert_path))
            text = dumps_certificate(document)
            fd, tmp = tempfile.mkstemp(dir=cert_path.parent, prefix=f".{cert_path.name}.", suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            _usual_permissions(tmp)
            staged.append((Path(tmp), cert_path))
        if report_path is not None:
            from ..report import write_report

            option, target = report_option, Path(report_path)
            if target.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(target))
            folder = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
            scratch.append(folder)
            write_report(document, folder / target.name, fmt)
            for f in sorted(folder.iterdir()):  # the report and its figures (stem-<figure>.png)
                staged.append((f, target.parent / f.name))
        for tmp_file, final in staged:
            option, target = ("--output", final) if final == cert_path else (report_option, final)
            if final.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(final))
            os.replace(tmp_file, final)
            renamed.append(final)
    except OSError as exc:
        for final in renamed:
            with contextlib.suppress(OSError):
                final.unlink()
        raise SpecError(option, f"cannot write {target}: {exc.strerror or exc}") from None
    except BaseException:
        for final in renamed:
            with contextlib.suppress(OSError):
                final.unlink()
        raise
    finally:
        for tmp_file, _ in staged:
            with contextlib.suppress(OSError):
                tmp_file.unlink()
        for folder in scratch:
            shutil.rmtree(folder, ignore_errors=True)


def _usual_permissions(path) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
