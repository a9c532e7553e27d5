"""Reports: render one of each format and check what they say (not just that a file exists)."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from certificates.cli import main
from certificates.report import render, write_report

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def load(folder, name):
    return json.loads((HERE / folder / f"{name}.json").read_text())


def test_markdown_lists_every_claim_with_status_theorem_and_collisions():
    md = render(load("valid", "conv-paper-unscattered"), "md", figures=False)
    assert "**Independent checker:** verified: 4 claim(s) re-checked" in md
    for row in ("| lifting-rank | proved | Corollary 5.2, Proposition 8.2 | verified |",
                "| scattered | refuted | Definition 8.1, Algorithm 8.1 | verified |",
                "| identifiable | refuted | Theorem 8.4, Proposition 8.2, scattered | verified |"):
        assert row in md
    # {1,2,3}*{1,2,3}: y = (0,0,1,2,3,2,1,0,...): collisions at offsets 3, 4, 5
    assert "collisions: leaf x offset 3 count 2, leaf x offset 4 count 3, leaf x offset 5 count 2" in md
    assert "h: [2, 3, 1] | [12, 7, 1]" in md


def test_html_is_standalone_with_embedded_png_figures():
    page = render(load("valid", "conv-paper-scattered"), "html")
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == 3  # the DAG, the Algorithm 8.1 plot and the Theorem 8.4 bound (mathtext)
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert "http://" not in page and "https://" not in page
    assert ">proved</span>" in page and "collisions: none" in page


def test_latex_uses_sympy_for_witnesses_matrices_and_the_bound():
    tex = render(load("valid", "conv-paper-scattered"), "tex", figures=False)
    assert tex.startswith(r"\documentclass{article}") and tex.rstrip().endswith(r"\end{document}")
    # Theorem 8.4 with K = 2, S' = 3, N = 16: 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N)
    assert r"6^{\frac{1}{p}}" in tex and r"\delta + \eta" in tex and r"\varepsilon" in tex
    tex = render(load("valid", "matrix-product"), "tex", figures=False)
    assert r"h_{2} = \left[\begin{matrix}1 & 2 & 3 & 4\end{matrix}\right]" in tex
    # the factor products of the witness, and the certified 4x4 minor (the identity here)
    assert (r"\left[\begin{matrix}1 & 0\\0 & 1\end{matrix}\right] \left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]"
            r" = \left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]") in tex
    assert r"\left[\begin{matrix}1 & 0 & 0 & 0\\0 & 1 & 0 & 0\\0 & 0 & 1 & 0\\0 & 0 & 0 & 1\end{matrix}\right]" in tex


def test_report_of_a_failing_certificate_says_so():
    md = render(load("invalid", "conv-rank-wrong"), "md", figures=False)
    assert "**Independent checker:** FAILED" in md
    assert "| lifting-rank | proved | Corollary 5.2, Proposition 8.2 | failed |" in md


def test_write_report_puts_latex_figures_beside(tmp_path):
    out = write_report(load("valid", "conv-haar-tree"), tmp_path / "haar.tex")
    tex = out.read_text()
    assert r"\includegraphics[width=0.8\linewidth]{haar-dag.png}" in tex
    assert (tmp_path / "haar-dag.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "haar-scatter.png").read_bytes().startswith(b"\x89PNG")


def test_report_command(tmp_path, capsys):
    assert main(["report", str(HERE / "valid" / "sparse-rational.json"), "--format", "md"]) == 0
    assert "### identifiable: refuted" in capsys.readouterr().out
    assert main(["report", str(HERE / "malformed" / "version-2.json")]) == 2
    assert main(["report", str(HERE / "valid" / "outer-product.json"), "-o", str(tmp_path / "r.html")]) == 0
    assert "<h3 id='stable'>stable: numeric</h3>" in (tmp_path / "r.html").read_text()


def test_certify_with_report(tmp_path, capsys):
    spec = Path(__file__).resolve().parents[2] / "examples/structured/matrix-product.json"
    assert main(["certify", str(spec), "-o", str(tmp_path / "c.json"), "--report", str(tmp_path / "r.md"),
                 "--quiet"]) == 0
    md = (tmp_path / "r.md").read_text()
    assert "![network](r-dag.png)" in md and (tmp_path / "r-dag.png").exists()


def test_feedforward_report_draws_the_units():
    page = render(load("valid", "feedforward-path-collision"), "html")
    assert "<li>widths: 2 -&gt; 2 -&gt; 1</li>" in page and "<li>samples: 2</li>" in page
    assert page.count("data:image/png;base64,") == 1


def test_large_conv_network_report_skips_what_cannot_be_shown():
    from certificates.certify import certify
    from graphs.builders import haar_packet_tree_spec
    from graphs.specs import parse_spec

    doc = certify(parse_spec(haar_packet_tree_spec(9, 2 ** 11))).document  # 512 leaves, 262144 outputs
    assert doc["claims"][1]["witness"] == {"recompute": True}
    page = render(doc, "html")
    assert "data:image/png" not in page  # 1023 nodes: no drawing; no outputs listed: no plot
    assert "too many to list; the checker recomputes them" in page
    assert "verified: 4 claim(s) re-checked" in page


def test_certificates_are_deterministic():
    from certificates.certify import certify, dumps_certificate

    spec = load("valid", "matrix-product")["network"]["spec"]
    assert dumps_certificate(certify(spec).document) == dumps_certificate(certify(spec).document)


def test_the_report_shows_unverified_text_only_flagged():
    # regression: the report printed "verified" beside text nobody checked
    import copy

    from certificates.certify import certify

    doc = certify(json.loads((ROOT / "examples" / "conv" / "haar-packet-J3-N16.json").read_text())).document
    honest = render(doc, "md", figures=False)
    assert "NOT VERIFIED" not in honest and doc["claims"][2]["statement"] in honest
    tampered = copy.deepcopy(doc)
    lie = "The network is identifiable up to <h> for ALL parameters, including zero kernels."
    tampered["claims"][2]["statement"] = lie
    for fmt in ("md", "html", "tex"):
        text = render(tampered, fmt, figures=False)
        assert "NOT VERIFIED by the independent checker (failed)" in text
        assert "verified: " not in text.split("Claims")[0] or "FAILED" in text
    md = render(tampered, "md", figures=False)
    assert f"NOT VERIFIED by the independent checker (failed). The certificate's unchecked text: {lie}" in md
    assert md.count(lie) == 1


def test_the_report_labels_claims_that_are_not_rechecked():
    doc = json.loads((HERE / "valid" / "format-example.json").read_text())
    md = render(doc, "md", figures=False)
    assert "[not re-checked (inconclusive); the producer's text] An example of a claim that is not re-checked." in md
