"""Hostile certificates (tests/certificates/hostile.py) get a verdict within the time and memory
the checker promises: one verdict line on stdout, exit 0, 1 or 2 as the family expects, no
traceback -- from the standalone checker and from ``tensorlift verify``, each in a subprocess
limited to 60 s of CPU and 1 GB of address space (docs/certificate-format.md, "Work budget").
"""
from __future__ import annotations

import shutil
import sys

import pytest

from .hostile import EXPECTED, FAMILIES, FAST, FAST_SIZE, MAX_SIZE, hostile, run_checker

SECONDS, MEMORY = 60, 2**30
VERIFY = [shutil.which("tensorlift") or f"{sys.prefix}/bin/tensorlift", "verify"]


def _assert_verdict(name, code, out, err):
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0].split(":")[0] in ("verified", "FAILED", "malformed"), (name, out, err[-500:])
    assert "Traceback" not in err, (name, err[-500:])
    assert code in EXPECTED[name], (name, code, out, err[-500:])


def test_every_family_has_an_expected_verdict():
    assert set(EXPECTED) == set(FAMILIES) and set(FAST) <= set(FAMILIES)


@pytest.mark.parametrize("name", FAST)
def test_a_small_hostile_certificate_gets_its_verdict(name, tmp_path):
    path = tmp_path / f"{name}.json"
    path.write_bytes(hostile(name, FAST_SIZE))
    _assert_verdict(name, *run_checker(path, SECONDS, MEMORY)[:3])


def test_tensorlift_verify_prints_any_claim_id_and_ends_in_a_verdict(tmp_path):
    path = tmp_path / "odd.json"
    path.write_bytes(hostile("odd-unicode-malformed", FAST_SIZE))
    code, out, err, _ = run_checker(path, SECONDS, MEMORY, command=VERIFY)
    _assert_verdict("odd-unicode-malformed", code, out, err)
    assert "x\\ud800" in out


@pytest.mark.slow
@pytest.mark.parametrize("command", ["checker", "tensorlift verify"])
@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_a_hostile_certificate_of_1_mb_gets_its_verdict_within_60_s_and_1_gb(name, command, tmp_path):
    path = tmp_path / f"{name}.json"
    path.write_bytes(hostile(name, MAX_SIZE))
    code, out, err, seconds = run_checker(path, SECONDS, MEMORY, command=None if command == "checker" else VERIFY)
    _assert_verdict(name, code, out, err)
    assert seconds < SECONDS, (name, seconds)
