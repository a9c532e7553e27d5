"""The set-up the README promises: its two commands first, CI running the test one, and a
system-package step that says what it installs and why, runs once, and can be skipped.

The Makefile's system-package step runs here against a fake ``apt-get`` (which logs its
arguments) and a PATH without Singular, in a temporary directory: nothing is installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
MAKE = shutil.which("make")
SINGULAR_LINE = ("system packages: installing singular with apt-get (skip with SYSTEM_PACKAGES=no): "
                 "singular, the optional fast Gröbner backend of algebra/fibres.py")


def test_readme_starts_with_the_two_setup_commands():
    first_block = README.split("```")[1].strip().splitlines()
    assert README.startswith("# tensorlift\n\n```\n")
    assert [line.split("#")[0].strip() for line in first_block] == ["make demo", "make test"]


def test_ci_runs_exactly_the_readme_test_command():
    commands = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    assert commands[-1] == "make test"


def test_every_make_target_the_readme_names_exists():
    targets = set(re.findall(r"^([a-z][a-z-]*):", (ROOT / "Makefile").read_text(), flags=re.M))
    named = set(re.findall(r"`make ([a-z][a-z-]*)", README))
    assert named and named <= targets, f"not in the Makefile: {sorted(named - targets)}"


@pytest.fixture
def sandbox(tmp_path):
    """A folder with the Makefile and a PATH holding only what its system step uses."""
    if MAKE is None:
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path)
    for name in ("pyproject.toml", "setup.py"):  # prerequisites of the venv step
        (tmp_path / name).touch()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("mkdir", "touch", "rm"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    log = tmp_path / "apt.log"
    # pdflatex is present (the tests below are about Singular); test_missing_pdflatex_... removes it
    fake = {"apt-get": f'echo "$*" >> {log}\n[ -z "$APT_FAIL" ]', "id": 'echo "${FAKE_UID:-0}"', "pdflatex": "exit 0"}
    for tool, body in fake.items():
        (bin_dir / tool).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / tool).chmod(0o755)
    return tmp_path, bin_dir, log


def make(sandbox, *args, **env) -> str:
    folder, bin_dir, _ = sandbox
    environment = {"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/"), **env}
    done = subprocess.run([MAKE, "--no-print-directory", f"PYTHON={sys.executable}", *args], cwd=folder,
                          env=environment, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def apt_calls(sandbox) -> list[str]:
    log = sandbox[2]
    return log.read_text().splitlines() if log.exists() else []


def test_missing_singular_is_installed_once_with_a_line_saying_why(sandbox):
    out = make(sandbox, ".venv/.system-packages")
    assert SINGULAR_LINE in out and "system packages: installed singular" in out
    assert apt_calls(sandbox) == ["update -qq", "install -y -qq --no-install-recommends singular"]
    make(sandbox, ".venv/.system-packages")
    assert len(apt_calls(sandbox)) == 2  # recorded: not run again


def test_failed_apt_get_is_reported_and_not_retried_until_asked(sandbox):
    out = make(sandbox, ".venv/.system-packages", APT_FAIL="1")
    assert "system packages: apt-get failed; continuing without singular (retry: make system-packages)" in out
    make(sandbox, ".venv/.system-packages", APT_FAIL="1")
    assert apt_calls(sandbox) == ["update -qq"]
    make(sandbox, "system-packages")
    assert apt_calls(sandbox)[1:] == ["update -qq", "install -y -qq --no-install-recommends singular"]


def test_missing_pdflatex_is_installed_with_singular_saying_it_is_optional(sandbox):
    (sandbox[1] / "pdflatex").unlink()
    out = make(sandbox, ".venv/.system-packages")
    assert "texlive-latex-base, pdflatex to compile the LaTeX reports in the tests (optional)" in out
    assert apt_calls(sandbox) == ["update -qq", "install -y -qq --no-install-recommends singular texlive-latex-base"]


def test_without_root_the_command_is_printed_not_run(sandbox):
    out = make(sandbox, ".venv/.system-packages", FAKE_UID="1000")
    assert "not installing singular (needs root: sudo apt-get install singular)" in out
    assert apt_calls(sandbox) == []


@pytest.mark.parametrize("target", ["install", "demo", "test"])
def test_system_packages_no_skips_the_step(sandbox, target):
    assert "apt-get" in make(sandbox, "-n", target)
    assert "apt-get" not in make(sandbox, "-n", target, "SYSTEM_PACKAGES=no")
