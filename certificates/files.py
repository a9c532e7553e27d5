"""Write a set of output files all together or not at all (no partial output, ever).

Every output of tensorlift -- a certificate, a report and its figures, the demo's files -- goes
through :func:`write_files`: each file is first written to a temporary file in its destination
folder (so the final rename stays on one file system), given the usual permissions (0666 minus
the umask; ``mkstemp`` creates 0600), then renamed into place. If anything fails, the files
already renamed are rolled back (a file that existed before gets its old content back) and the
temporaries are deleted; the error is one :class:`algebra.errors.SpecError` naming the
command-line option that gave the path.

Examples
--------
>>> import pathlib, tempfile
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> [p.name for p in write_files([OutputFile(d / "a.txt", "one\\n", "--output"),
...                              OutputFile(d / "b.png", b"\\x89PNG", "--report")])]
['a.txt', 'b.png']
>>> write_files([OutputFile(d / "a.txt", "two\\n", "--output"), OutputFile(d, "x", "--report")])
Traceback (most recent call last):
...
algebra.errors.SpecError: --report: cannot write ...: Is a directory
>>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())   # rolled back, no temporaries
('one\\n', ['a.txt', 'b.png'])
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from algebra.errors import SpecError

__all__ = ["OutputFile", "write_files", "check_destination"]


@dataclass(frozen=True)
class OutputFile:
    """One file to write: its path, its content (text is written as UTF-8) and the option
    that named the path (for the error message, e.g. ``"--report"``)."""

    path: Path
    content: str | bytes
    option: str = "output"


def _usual_permissions(path: str) -> None:
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _stage(out: OutputFile) -> Path:
    """Write the content to a temporary file beside the destination; return its path."""
    path = Path(out.path)
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    data = out.content.encode("utf-8") if isinstance(out.content, str) else out.content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        _usual_permissions(tmp)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def write_files(outputs: Iterable[OutputFile]) -> list[Path]:
    """Write every output or none of them; returns the written paths in the given order.

    Raises
    ------
    SpecError
        On any OSError (a directory, a missing or read-only folder, a full disk), naming the
        output's option and path; nothing is left behind and files that existed are restored.
    """
    outputs = list(outputs)
    staged: list[tuple[Path, OutputFile]] = []  # (temporary, output)
    placed: list[tuple[Path, Path | None]] = []  # (final path, backup of its old content)
    current: OutputFile | None = None
    try:
        for out in outputs:
            current = out
            staged.append((_stage(out), out))
        for tmp, out in staged:
            current = out
            final = Path(out.path)
            if final.is_dir():
                raise IsADirectoryError(21, "Is a directory", str(final))
            backup = None
            if final.exists():  # keep the old file until every new one is in place
                fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".old")
                os.close(fd)
                backup = Path(name)
                try:
                    os.replace(final, backup)
                except OSError:
                    backup.unlink(missing_ok=True)
                    raise
            placed.append((final, backup))
            os.replace(tmp, final)
    except BaseException as exc:
        for final, backup in reversed(placed):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, final)
                else:
                    final.unlink(missing_ok=True)
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and current is not None:
            raise SpecError(current.option, f"cannot write {current.path}: {exc.strerror or exc}") from None
        raise
    for _, backup in placed:
        if backup is not None:
            with contextlib.suppress(OSError):
                backup.unlink()
    return [Path(out.path) for out in outputs]


def check_destination(path: str | Path, option: str) -> None:
    """Refuse an output path that cannot be a file, before spending time on the computation.

    >>> check_destination("/nonexistent-folder/c.json", "--output")
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: --output: /nonexistent-folder/c.json: the folder /nonexistent-folder does not exist
    """
    path = Path(path)
    if path.is_dir():
        raise SpecError(option, f"{path} is a directory; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise SpecError(option, f"{path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SpecError(option, f"{path}: the folder {parent} is not writable")
