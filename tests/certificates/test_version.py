"""One version, pyproject.toml's: --version, the certificates and the installed metadata agree."""
from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from certificates.certify import TOOL_VERSION
from certificates.cli import main
from certificates.version import UNKNOWN_VERSION, installed_version

PYPROJECT_VERSION = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]["version"]


def test_version_option_prints_pyprojects_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"tensorlift {PYPROJECT_VERSION}\n"


def test_certificates_record_the_same_version():
    assert TOOL_VERSION == installed_version() == PYPROJECT_VERSION


def test_a_bare_checkout_reports_an_unknown_version(monkeypatch):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert installed_version() == UNKNOWN_VERSION == "0+unknown"
