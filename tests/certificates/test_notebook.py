"""Notebook display: the presenters registered in IPython's formatters (without importing the
types into certificates), Certification's own _repr_*_, and the example notebook executed end to
end by a real kernel so it never rots."""
from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from algebra.budget import Budget
from certificates.certify import certify
from certificates.notebook import PRESENTED, decision_markdown, network_html, network_latex, register
from graphs.builders import paper_unscattered_example
from graphs.conv_decisions import decide_identifiable
from graphs.specs import load_spec
from graphs.verdicts import spec_verdict

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "examples" / "notebooks" / "section-8-and-phase-retrieval.ipynb"


@pytest.fixture
def formatter():
    """IPython's display formatter with tensorlift's presenters registered (no kernel needed)."""
    formatters = pytest.importorskip("IPython.core.formatters")
    display = formatters.DisplayFormatter()
    assert register(SimpleNamespace(display_formatter=display))
    return display


def test_decisions_and_networks_get_rich_display_through_the_registry(formatter):
    loaded = load_spec(ROOT / "examples" / "structured" / "phase-retrieval.json")
    data, _ = formatter.format(loaded)
    assert {"text/html", "text/markdown", "text/latex"} <= set(data)
    assert r"M_{1}(h_{1}) = \left[\begin{matrix}h_{1,0}" in data["text/latex"]
    assert "tied layers: h_1 = h_2" in data["text/html"] and "data:image/png;base64," in data["text/html"]
    data, _ = formatter.format(spec_verdict(loaded))
    assert ">proved</span>" in data["text/html"] and "Proposition 6.3" in data["text/markdown"]
    data, _ = formatter.format(paper_unscattered_example())  # a ConvNetwork: its DAG
    assert "<b>N:</b> 16" in data["text/html"] and "data:image/png;base64," in data["text/html"]


def test_a_conv_refutation_shows_its_witness_by_layer_and_its_path_by_name():
    d = decide_identifiable(paper_unscattered_example(), Budget.unlimited())
    md = decision_markdown(d)
    assert "**separating path p:** x -> v1 -> r" in md
    assert "| h_1[0] | 2 | 3 |" in md and "| h_2[0] | 12 | 8 |" in md


def test_a_certification_displays_its_report_with_the_checkers_verdict():
    cert = certify(json.loads((ROOT / "examples" / "conv" / "paper-scattered-123x1-10.json").read_text()))
    page = cert._repr_html_()
    assert "<b>Independent checker:</b> verified: 4 claim(s) re-checked" in page and "<!DOCTYPE" not in page
    assert "**Independent checker:** verified" in cert._repr_markdown_()
    assert "check" in cert.extras  # checked once, kept for the next display


def test_every_presented_type_exists_where_it_is_named():
    import importlib

    for module, name in PRESENTED:
        assert hasattr(importlib.import_module(module), name)


def test_small_networks_show_their_factors_large_ones_do_not():
    from graphs.builders import haar_packet_tree

    assert network_latex(load_spec(ROOT / "examples" / "structured" / "outer-product-3x2.json")).startswith("$$M_{1}")
    assert network_latex(haar_packet_tree(3, 16)) is None and "LaTeX" not in network_html(haar_packet_tree(3, 16))


def test_the_example_notebook_runs(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")  # stored clean
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = "\n".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert html.count("<b>Independent checker:</b> verified") == 3  # three certificates, each re-checked
    assert "x -&gt; v1 -&gt; r" in html and "T_{v1 -&gt; r}(z) of h" in html  # the section 8 witness
    assert any("text/latex" in o.get("data", {}) for o in outputs)  # phase retrieval's factors
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the sweep's plot
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "rank A = " in printed  # the exported Singular script
    # the sweep: refuted up to m = 4 = 2S - 2, identifiable from m = 5 = 2S - 1 for these draws
    table = next(o["data"]["text/html"] for o in outputs if "<th>identifiable</th>" in o.get("data", {}).get("text/html", ""))
    header = re.findall(r"<th>(.*?)</th>", table)
    rows = [dict(zip(header, re.findall(r"<td>(.*?)</td>", row))) for row in re.findall(r"<tr>(<td>.*?)</tr>", table)]
    assert len(rows) == 14 and all((r["identifiable"] == "proved") == (int(r["value"]) >= 5) for r in rows)
