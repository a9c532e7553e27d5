"""Every bundled example certifies to exactly the certificate recorded in ``golden/``.

The certificates are the project's observable behaviour: a refactoring must leave them alone, and
a change that means to alter one (a new proof route, a new witness field) updates its golden file
on purpose -- ``python tests/certificates/test_examples_unchanged.py`` rewrites them -- so the
difference shows in review. Timings are the only part left out (they differ between runs).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from certificates.certify import certify_file, dumps_certificate

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.json"))
GOLDEN = Path(__file__).resolve().parent / "golden"


def _golden_path(example: Path) -> Path:
    rel = example.relative_to(ROOT / "examples")
    return GOLDEN / (str(rel.with_suffix("")).replace("/", "--") + ".cert.json")


def _certificate_text(example: Path) -> str:
    document = dict(certify_file(example).document)
    document.pop("timings", None)
    return dumps_certificate(document)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: str(p.relative_to(ROOT / "examples")))
def test_example_certificate_is_unchanged(example):
    expected = _golden_path(example).read_text(encoding="utf-8")
    got = _certificate_text(example)
    if got != expected:
        claims = lambda text: [(c["id"], c["status"]) for c in json.loads(text)["claims"]]
        pytest.fail(f"the certificate of {example.name} changed (claims now {claims(got)}, recorded "
                    f"{claims(expected)}); if that is intended, regenerate golden/ and say why in the commit")


def test_every_golden_file_has_its_example():
    assert sorted(p.name for p in GOLDEN.glob("*.cert.json")) == sorted(_golden_path(p).name for p in EXAMPLES)


if __name__ == "__main__":  # regenerate the recorded certificates
    GOLDEN.mkdir(exist_ok=True)
    for old in GOLDEN.glob("*.cert.json"):
        old.unlink()
    for example in EXAMPLES:
        _golden_path(example).write_text(_certificate_text(example), encoding="utf-8")
        print(_golden_path(example).relative_to(ROOT), file=sys.stderr)
