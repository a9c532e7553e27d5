"""graphs.bundled: the bundled examples are found through importlib.resources, nowhere else."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from algebra.errors import TensorliftError
from graphs.bundled import example_location, examples_dir

ROOT = Path(__file__).resolve().parents[2]


def test_the_editable_install_maps_the_checkouts_examples_folder():
    assert examples_dir().resolve() == (ROOT / "examples").resolve()


def test_without_an_install_the_error_says_how_to_install(monkeypatch):
    def not_installed(name):
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    monkeypatch.setattr(resources, "files", not_installed)
    with pytest.raises(TensorliftError, match="not installed: install tensorlift with `make install` or `pip install .`"):
        examples_dir()


def test_a_zipped_install_is_refused_by_name(monkeypatch):
    monkeypatch.setattr(resources, "files", lambda name: object())
    with pytest.raises(TensorliftError, match="not files on disk"):
        examples_dir()


def test_location_is_relative_below_the_current_directory_else_absolute(tmp_path, monkeypatch):
    spec = tmp_path / "examples" / "conv" / "a.json"
    monkeypatch.chdir(tmp_path)
    assert example_location(spec) == "examples/conv/a.json"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert example_location(spec) == str(spec)
