"""Reports: render each format and check what they say in the paper's notation (not just that a
file exists); one checker run per command; LaTeX that compiles; prose only from the certificate."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

import certificates.checker as checker_module
from certificates.cli import main
from certificates.report import (ACTION_CAPTION, FIGURES_OMITTED, MINOR_CAPTION, render, report_content,
                                 write_report)

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
GOLDEN = sorted((HERE / "golden").glob("*.cert.json"))


def load(folder, name):
    return json.loads((HERE / folder / f"{name}.json").read_text())


def golden(name):
    return json.loads((HERE / "golden" / f"{name}.cert.json").read_text())


def test_markdown_lists_every_claim_with_status_theorem_and_collisions():
    md = render(load("valid", "conv-paper-unscattered"), "md", figures=False)
    assert "**Independent checker:** verified: 4 claim(s) re-checked" in md
    for row in ("| lifting-rank | proved | Corollary 5.2, Proposition 8.2 | verified |",
                "| scattered | refuted | Definition 8.1, Algorithm 8.1 | verified |",
                "| identifiable | refuted | Theorem 8.4, Proposition 8.2, scattered | verified |"):
        assert row in md
    # {1,2,3}*{1,2,3}: y = (0,0,1,2,3,2,1,0,...): collisions at offsets 3, 4, 5
    assert "**collisions:** leaf x offset 3 count 2, leaf x offset 4 count 3, leaf x offset 5 count 2" in md


def test_conv_witness_is_labelled_by_edge_and_offset_with_one_path_notation():
    md = render(load("valid", "conv-paper-unscattered"), "md", figures=False)
    # h_1 = [2, 3, 1] is the kernel of edge v1 -> r (depth 1) at offsets 1, 2, 3
    assert "| 1 | h_1[0] | T_{v1 -> r}[1] | 2 | 3 |" in md and "| 2 | h_2[2] | T_{x -> v1}[3] | 1 | 1 |" in md
    # the path as the statement and the CLI write it, never as edge indices
    assert "**separating path p:** x -> v1 -> r" in md and "on the path x -> v1 -> r" in md
    assert "edge indices" not in md
    # 2z + 3z^2 + z^3 = z(z + 1)(z + 2): the kernels as the paper reads a collision
    assert "**T_{v1 -> r}(z) of h:** z·(z + 1)·(z + 2)" in md
    assert "**T_{x -> v1}(z) of g:** z·(z + 2)·(z + 4)" in md
    assert "- supports S_e in Z_16: v1 -> r (depth 1): {1, 2, 3}; x -> v1 (depth 2): {1, 2, 3}" in md


def test_feedforward_witness_names_the_weights():
    md = render(load("valid", "feedforward-path-collision"), "md", figures=False)
    # paper factor 1 = the output weights W_2; factor 2 = W_1, dense: parameter p = to * n_in + from
    assert "| 1 | h_1[0] | W_2[0, 0] | 1 | 0 |" in md and "| 2 | h_2[2] | W_1[1, 0] | 0 | 1 |" in md
    assert "- **h_1:** layer 1 = forward weights W_2 (units of layer 1 -> layer 2)" in md
    assert "- W_1 (2 x 2): dense" in md


def test_structured_witness_names_the_entries_and_the_model_pieces():
    md = render(golden("structured--sparse-factorization-colliding"), "md", figures=False)
    assert "| 2 | h_2[3] | M_2[3, 0] | 1 | 0 |" in md
    assert "**h lies in the model piece:** T_1 = {0, 1}, T_2 = {0, 3}" in md
    assert "**g lies in the model piece:** T_1 = {0, 1}, T_2 = {0, 2}" in md
    assert "- T_2 in {{0, 2}, {0, 3}}" in md and "- 2 linear piece(s) M^L" in md
    md = render(golden("structured--phase-retrieval"), "md", figures=False)
    assert "- tied layers: h_1 = h_2" in md and "### Model" in md
    assert golden("structured--phase-retrieval")["network"]["spec"]["description"] in md


def test_html_is_standalone_with_embedded_png_figures():
    page = render(load("valid", "conv-paper-scattered"), "html")
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert len(images) == 3  # the DAG, the Algorithm 8.1 plot and the Theorem 8.4 bound (mathtext)
    assert all(base64.b64decode(i).startswith(b"\x89PNG\r\n\x1a\n") for i in images)
    assert "http://" not in page and "https://" not in page
    assert ">proved</span>" in page and "<b>collisions:</b> none" in page


def test_latex_has_real_mathematics_and_keeps_the_description():
    doc = load("valid", "conv-paper-scattered")
    tex = render(doc, "tex", figures=False)
    assert tex.startswith(r"\documentclass{article}") and tex.rstrip().endswith(r"\end{document}")
    # Theorem 8.4 with K = 2, S' = 3, N = 16: 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N)
    assert r"6^{\frac{1}{p}}" in tex and r"\delta + \eta" in tex and r"\varepsilon" in tex
    # the statement's own mathematics is typeset, not escaped ASCII
    assert r"$\delta_p(\{h^*\}, \{h\}) \leq 7 (K S')^{1/p} \varepsilon^{1-K} (\delta+\eta)/\sqrt{N}$" in tex
    assert r"\textasciicircum" not in tex and r"delta\_p" not in tex
    tex = render(load("valid", "matrix-product"), "tex", figures=False)
    assert r"h_{2} = \left[\begin{matrix}1 & 2 & 3 & 4\end{matrix}\right]" in tex
    # the factor products of the witness, and the certified 4x4 minor (the identity here)
    assert (r"\left[\begin{matrix}1 & 0\\0 & 1\end{matrix}\right] \left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]"
            r" = \left[\begin{matrix}1 & 2\\3 & 4\end{matrix}\right]") in tex
    assert r"\left[\begin{matrix}1 & 0 & 0 & 0\\0 & 1 & 0 & 0\\0 & 0 & 1 & 0\\0 & 0 & 0 & 1\end{matrix}\right]" in tex
    assert r"$P(h) \neq P(g)$" in tex and r"$M_1(h_1)\cdots M_K(h_K)$" in tex
    tex = render(golden("structured--phase-retrieval"), "tex", figures=False)
    assert r"$P(M) = \{x \otimes x\}$" in tex  # the description, its Unicode as mathematics


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_latex_of_every_example_is_well_formed(path):
    tex = render(json.loads(path.read_text()), "tex", figures=False)
    assert r"\textasciicircum" not in tex and "[U+" not in tex
    body = tex.split(r"\begin{document}")[1]
    for line in body.splitlines():
        assert line.replace(r"\$", "").count("$") % 2 == 0, line
    assert tex.count(r"\begin{") == tex.count(r"\end{")


PDFLATEX = shutil.which("pdflatex")


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex not installed (apt-get install texlive-latex-base): "
                                              "the LaTeX is checked structurally only")
@pytest.mark.parametrize("name", ["conv--paper-scattered-123x1-10", "conv--paper-unscattered-123x123",
                                  "structured--phase-retrieval", "structured--bilinear-kernel-line",
                                  "feedforward--relu-three-layer", "structured--sparse-factorization-colliding"])
def test_latex_compiles(tmp_path, name):
    write_report(golden(name), tmp_path / "r.tex")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "r.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "r.pdf").stat().st_size > 1000


def test_latex_compiles_with_a_stable_bound_and_gram_enclosure(tmp_path):
    if PDFLATEX is None:
        pytest.skip("pdflatex not installed: the LaTeX is checked structurally only")
    write_report(load("valid", "stable-identity"), tmp_path / "s.tex")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "s.tex"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:]


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


def test_markdown_on_stdout_has_no_embedded_image_and_says_where_figures_go(tmp_path, capsys):
    cert = HERE / "valid" / "conv-paper-scattered.json"
    assert main(["report", str(cert), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert "data:image" not in out and "base64" not in out and FIGURES_OMITTED in out
    assert main(["report", str(cert), "-o", str(tmp_path / "r.md")]) == 0
    md = (tmp_path / "r.md").read_text()
    assert "![network](r-dag.png)" in md and FIGURES_OMITTED not in md
    assert (tmp_path / "r-dag.png").exists() and (tmp_path / "r-scatter.png").exists()


def _count_checks(monkeypatch) -> list:
    calls = []
    real = checker_module._check

    def counting(text):
        calls.append(1)
        return real(text)

    monkeypatch.setattr(checker_module, "_check", counting)
    return calls


@pytest.mark.parametrize("fmt", ["md", "tex", "html"])
def test_report_runs_the_checker_once(tmp_path, monkeypatch, capsys, fmt):
    calls = _count_checks(monkeypatch)
    cert = str(HERE / "valid" / "conv-paper-scattered.json")
    assert main(["report", cert, "--format", fmt]) == 0
    assert len(calls) == 1
    assert main(["report", cert, "-o", str(tmp_path / f"r.{fmt}")]) == 0
    assert len(calls) == 2


def test_certify_with_report_runs_the_checker_once(tmp_path, monkeypatch, capsys):
    calls = _count_checks(monkeypatch)
    spec = ROOT / "examples/structured/matrix-product.json"
    assert main(["certify", str(spec), "-o", str(tmp_path / "c.json"), "--report", str(tmp_path / "r.md"),
                 "--quiet"]) == 0
    assert len(calls) == 1
    md = (tmp_path / "r.md").read_text()
    assert "![network](r-dag.png)" in md and (tmp_path / "r-dag.png").exists()


def test_feedforward_report_draws_the_units():
    page = render(load("valid", "feedforward-path-collision"), "html")
    assert "<li><b>widths:</b> 2 -&gt; 2 -&gt; 1</li>" in page and "<li><b>samples:</b> 2</li>" in page
    assert page.count("data:image/png;base64,") == 1


def test_feedforward_figure_labels_do_not_overlap():
    """Every pair of edge labels of the drawing is apart (the crossing edges of a dense layer used
    to put theirs on the same spot)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from certificates import report_figures

    spec = json.loads((ROOT / "examples/feedforward/relu-three-layer.json").read_text())
    captured = {}
    real_png = report_figures._png

    def keep(fig):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        captured["boxes"] = [t.get_window_extent(renderer) for t in fig.axes[0].texts if "[" in t.get_text()]
        return real_png(fig)

    report_figures._png = keep
    try:
        report_figures.dag_figure(spec)
    finally:
        report_figures._png = real_png
        plt.close("all")
    boxes = captured["boxes"]
    assert len(boxes) == 10  # W1, W2: 4 edges each; W3: 2
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:] if a.overlaps(b)]


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
    # the report once printed "verified" beside text nobody checked
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


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_every_sentence_about_a_verified_claim_is_the_certificates(path):
    """The prose a report shows for a re-checked claim is the certificate's own (the checker
    verified it word for word); the report adds only labelled data and two formula captions."""
    doc = json.loads(path.read_text())
    info = report_content(doc)
    own = {c["statement"] for c in doc["claims"]} | {str(doc["network"]["spec"].get("description"))}
    own |= {f"[not re-checked ({c['status']}); the producer's text] {c['statement']}" for c in doc["claims"]}
    texts = [b[1] for b in info["blocks"] if b[0] == "text"]
    assert texts and all(t in own or t in (MINOR_CAPTION, ACTION_CAPTION) for t in texts)
    for block in info["blocks"]:
        if block[0] == "items":
            for label, value in block[1]:
                if label in ("assumptions", "rests on", "reason"):
                    claim_values = [("; ".join(c.get("assumptions", [])), ", ".join(c["relies_on"]), c.get("reason"))
                                    for c in doc["claims"]]
                    assert any(value in v for v in claim_values)


def test_the_nonlinear_witnesses_are_described_in_the_papers_words():
    # a Macaulay certificate: emptiness over C, hence over R; an algebraic witness: its field and
    # its coordinates as polynomials in α, the real root the interval isolates
    text = render(golden("structured--phase-retrieval-n4-m7"), "md", figures=False)
    assert "Macaulay matrix in degree 3" in text and "proved over C, hence holds over R" in text
    refuted = golden("structured--rank-one-sensing-3x3-m7")
    text = render(refuted, "md", figures=False)
    chi = refuted["claims"][1]["witness"]["field"]["minpoly"]
    x = sympy.Symbol("x")  # χ written independently, by sympy
    expected = str(sympy.Poly([int(c) for c in reversed(chi)], x).as_expr()).replace("**", "^").replace("*", " ")
    assert f"χ(x) = {expected} (degree 3)" in text
    assert any(line.startswith("- h:") and "α" in line for line in text.splitlines()) or "α^2" in text
    assert "the counterexample is real" in text
