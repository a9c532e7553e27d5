"""The one all-or-nothing writer (certificates/files.py) and its users."""
from __future__ import annotations

import json
import os
import stat

import pytest

from algebra.errors import SpecError
from certificates.files import OutputFile, write_files

GOOD = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]}


def test_files_get_the_usual_permissions(tmp_path):
    old = os.umask(0o027)
    try:
        write_files([OutputFile(tmp_path / "a.txt", "x")])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o640


def test_a_failure_while_staging_writes_nothing(tmp_path):
    outputs = [OutputFile(tmp_path / "a.txt", "a", "--output"),
               OutputFile(tmp_path / "missing" / "b.txt", b"b", "--report")]
    with pytest.raises(SpecError) as exc:
        write_files(outputs)
    assert exc.value.field == "--report" and "missing/b.txt" in exc.value.problem
    assert list(tmp_path.iterdir()) == []


def test_a_failure_while_renaming_restores_what_was_there(tmp_path, monkeypatch):
    from certificates import files

    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(f"old {name}")
    real_replace = os.replace

    def fail_on_c(src, dst):
        if str(dst).endswith("c.txt"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", fail_on_c)
    with pytest.raises(SpecError, match="^--output-dir: cannot write .*c.txt: No space left on device$"):
        write_files([OutputFile(tmp_path / n, "new", "--output-dir") for n in ("a.txt", "b.txt", "c.txt")])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
    assert [(tmp_path / n).read_text() for n in ("a.txt", "b.txt")] == ["old a.txt", "old b.txt"]


def test_an_interrupt_rolls_back_too(tmp_path, monkeypatch):
    from certificates import files

    real_replace = os.replace
    seen = []

    def interrupted(src, dst):
        seen.append(dst)
        if len(seen) == 2:
            raise KeyboardInterrupt
        return real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_files([OutputFile(tmp_path / "a.txt", "a"), OutputFile(tmp_path / "b.txt", "b")])
    assert list(tmp_path.iterdir()) == []


def test_write_certificate_creates_its_folder_and_replaces_atomically(tmp_path):
    from certificates.certify import certify, dumps_certificate, write_certificate

    doc = certify(GOOD).document
    path = write_certificate(doc, tmp_path / "new" / "c.json")
    assert path.read_text() == dumps_certificate(doc)
    write_certificate({"a": 1}, path)
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["c.json"]


def test_write_report_writes_the_report_and_its_figures(tmp_path):
    from certificates.certify import certify
    from certificates.report import report_files, write_report

    spec = {"kind": "conv", "N": 4, "root": "r", "edges": [{"from": "x", "to": "r", "support": [0, 1]}]}
    doc = certify(spec).document
    names = [f.path.name for f in report_files(doc, tmp_path / "r.md")]
    assert names[0] == "r.md" and set(names[1:]) == {"r-dag.png", "r-scatter.png"}
    write_report(doc, tmp_path / "out" / "r.md")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)
    assert [f.path.name for f in report_files(doc, tmp_path / "r.html")] == ["r.html"]  # HTML embeds them


def test_demo_writes_each_examples_files_together(tmp_path, capsys):
    from certificates.cli import main

    spec = tmp_path / "s.json"
    spec.write_text(json.dumps(GOOD))
    out = tmp_path / "out"
    out.mkdir()
    (out / "s.report.md").mkdir()  # the Markdown report cannot be written
    assert main(["demo", "--output-dir", str(out), str(spec)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tensorlift demo: error: --output-dir: cannot write") and len(err.splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == ["s.report.md"]  # no certificate, no HTML
