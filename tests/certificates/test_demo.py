"""``tensorlift demo``: certificates and reports written, every certificate verified by the checker."""
from __future__ import annotations

import json

from certificates.checker import check_file
from certificates.cli import main
from graphs.bundled import examples_dir


def test_demo_on_explicit_structured_spec(tmp_path, capsys):
    assert main(["demo", "--output-dir", str(tmp_path), str(examples_dir() / "structured/matrix-product.json")]) == 0
    out = capsys.readouterr().out
    assert f"writing to {tmp_path.resolve()}/" in out
    assert "independent checker (exit 0): verified" in out
    cert = tmp_path / "matrix-product.cert.json"
    assert check_file(cert).exit_code == 0
    assert "<h1>tensorlift report: matrix-product-2x2x2</h1>" in (tmp_path / "matrix-product.report.html").read_text()
    assert "Where to look:" in out and str(cert) in out


def test_default_demo_certifies_the_papers_conv_examples(tmp_path, capsys):
    assert main(["demo", "--output-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.count("independent checker (exit 0): verified: 4 claim(s) re-checked") == 2
    scattered = json.loads((tmp_path / "paper-scattered-123x1-10.cert.json").read_text())
    status = {c["id"]: c["status"] for c in scattered["claims"]}
    assert status == {"lifting-rank": "proved", "scattered": "proved", "identifiable": "proved", "stable": "proved"}
    assert scattered["claims"][0]["value"] == 6  # |{1,2,3} + {1,10}| = 6 distinct offset sums
    other = json.loads((tmp_path / "paper-unscattered-123x123.cert.json").read_text())
    status = {c["id"]: c["status"] for c in other["claims"]}
    assert status == {"lifting-rank": "proved", "scattered": "refuted", "identifiable": "refuted", "stable": "refuted"}
    assert other["claims"][0]["value"] == 5  # {2, ..., 6}
