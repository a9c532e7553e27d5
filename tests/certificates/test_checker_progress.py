"""The checker's progress line: drawn on a terminal's stderr (the claim, its phase, the time, the
share of the work budget), silent when stderr is piped -- standalone and under tensorlift verify."""
from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from certificates.checker import check_certificate, main

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CERT = HERE / "valid" / "model-span-tied.json"


def test_the_progress_line_names_the_claim_phase_and_share_of_the_budget():
    stream = io.StringIO()
    assert check_certificate(CERT.read_bytes(), progress=stream).exit_code == 0
    text = stream.getvalue()
    assert text.startswith("\r") and "% of the work budget" in text and " s, " in text
    assert "identifiable: " in text or "lifting-rank: " in text
    assert text.endswith("\r\x1b[K")  # the line is cleared before the verdict


def test_no_progress_when_stderr_is_not_a_terminal(capsys):
    assert main([str(CERT)]) == 0
    out, err = capsys.readouterr()
    assert "\r" not in err and "\r" not in out and out.startswith("verified")


def _stderr_on_a_terminal(argv) -> tuple[str, str]:
    master, slave = pty.openpty()
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=slave, timeout=120, cwd=ROOT)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return out.stdout.decode(), b"".join(chunks).decode(errors="replace")


def test_the_standalone_checker_and_tensorlift_verify_draw_progress_on_a_terminal():
    for argv in ([sys.executable, str(ROOT / "certificates" / "checker.py"), str(CERT)],
                 [sys.executable, "-m", "certificates", "verify", str(CERT)]):
        out, err = _stderr_on_a_terminal(argv)
        assert out.startswith("verified"), (argv, out, err)
        assert "% of the work budget" in err and "\r" in err, argv
