r"""Readable reports of a certificate, in the paper's notation: Markdown, LaTeX and standalone HTML.

A report is rendered from the certificate document and the independent checker's verdict on it
(:func:`certificates.checker.check_certificate`; pass ``check=`` when it was run already, so a
run checks once). It shows the network (its description kept) and its model -- supports T_k and
ties, conv supports S_e, feed-forward weight layers W_l -- with a drawing of its DAG, then every
claim: its status, its statement, assumptions and the results it rests on, and its witness
labelled by what each number means (:class:`certificates.notation.Notation`): coordinates h_k[i]
as the entries M_k[r, c] they sit in, the weights W_l[to, from] or the kernel values
T_{u -> v}[s]; conv paths by node names from the leaf (``x -> v1 -> r``), as the statements and
the command line write them; kernels as factored polynomials in z; the model piece a parameter
lies in.

Every sentence shown for a claim is the certificate's own -- for a re-checked claim, text the
checker verified word for word. A claim the checker did not verify is shown labelled ``NOT
VERIFIED`` without its witness; one it does not re-check (``probable``, ``numeric``,
``inconclusive``) is labelled as the producer's text. LaTeX reports typeset the statements'
mathematics (:func:`certificates.tex.tex_text`); Markdown written to a stream omits the figures
with a note (:func:`report_files` writes them as PNG files beside a report file; HTML embeds them).

Examples
--------
>>> from certificates.certify import certify
>>> spec = {"kind": "structured", "name": "outer", "layers": [
...     {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]},
...     {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]}]}
>>> md = render(certify(spec).document, "md", figures=False)
>>> "| identifiable | proved |" in md
True
"""
from __future__ import annotations

import base64
import html
from fractions import Fraction
from pathlib import Path
from typing import Mapping

from algebra.errors import SpecError

from .checker import CheckReport, check_certificate
from .files import OutputFile, write_files
from .notation import Notation
from .report_figures import dag_figure, formula_png, network_graph, scatter_figure
from .tex import tex_escape, tex_math, tex_text

__all__ = ["render", "write_report", "report_files", "report_content", "content_figures", "html_fragment",
           "html_blocks", "status_badge", "FORMATS", "MAX_LIST", "MAX_DRAWN_NODES", "MINOR_CAPTION", "ACTION_CAPTION",
           "FIGURES_OMITTED"]

FORMATS = ("md", "tex", "html")
MAX_LIST = 12  # witness lists longer than this are shown truncated (the certificate has them all)
MAX_TABLE_ROWS = 24  # coordinates of a witness listed in its table
MAX_DRAWN_NODES = 300  # beyond this a drawing of the DAG is unreadable (and slow); skipped
MINOR_CAPTION = "The certified minor (non-zero determinant):"  # captions of formulas rebuilt from the witness
ACTION_CAPTION = "The same action:"
FIGURES_OMITTED = ("Figures are omitted on a stream: write the report to a file (-o FILE) to get them "
                   "as PNG files beside it.")


# ============================================================================ what a report shows
def _short(items: list, fmt=str) -> str:
    shown = ", ".join(fmt(x) for x in items[:MAX_LIST])
    return f"{shown}, ... ({len(items)} in all)" if len(items) > MAX_LIST else shown


def _frac(x) -> Fraction:
    return Fraction(x) if not isinstance(x, str) else Fraction(x.replace(" ", ""))


def _sympy_vector(values) -> str:
    import sympy

    return sympy.latex(sympy.Matrix([[sympy.Rational(_frac(v).numerator, _frac(v).denominator) for v in values]]))


def _polynomial(coefficients, x: str) -> str:
    """Σ c_i x^i (constant first) as text, highest power first: "3 x^2 - 1/2 x + 1"; [] is 0."""
    terms = []
    for i in reversed(range(len(coefficients))):
        c = _frac(coefficients[i])
        if c == 0:
            continue
        power = "" if i == 0 else (x if i == 1 else f"{x}^{i}")
        size = "" if power and abs(c) == 1 else str(abs(c))
        terms.append(("- " if c < 0 else "+ ") + " ".join(filter(None, (size, power))))
    text = " ".join(terms) or "0"
    return text[2:] if text.startswith("+ ") else "-" + text[2:] if text.startswith("- ") else text


def _difference_set_items(ds: Mapping) -> list[tuple[str, str]]:
    items = []
    for n, block in enumerate(ds["blocks"], 1):
        pieces = "every piece of the model" if block["pieces"] == "all" else f"{len(block['pieces'])} model piece(s)"
        d = len(block["kernel"])
        what = (f"W spanned by {len(block['groups'])} orbit-sum tensors ({pieces}); Ker A ∩ W has dimension {d} "
                f"(a non-singular {len(block['minor_rows'])} x {len(block['minor_rows'])} minor of A on W and "
                f"{d} kernel vector(s))")
        if d:
            what += (f"; {len(block['flattening_minors'])} 3 x 3 flattening minors of T(z) = Σ z_i B_i, cubic forms "
                     f"in z_1..z_{d}; their Macaulay matrix in degree {block['degree']} has a square block of "
                     f"{len(block['macaulay_rows'])} rows non-singular modulo the prime {block['prime']}, so every "
                     f"monomial of degree {block['degree']} lies in their ideal: no common zero over C but 0")
        items.append((f"block {n}", what))
    items.append(("field", "the emptiness is proved over C, hence holds over R"))
    return items


def _algebraic_items(w: Mapping) -> list[tuple[str, str]]:
    f = w["field"]
    chi = f["minpoly"]
    items = [("the field Q(α)", f"α is the real root of χ(x) = {_polynomial(chi, 'x')} (degree {len(chi) - 1}) "
                                f"in [{f['interval'][0]}, {f['interval'][1]}], where χ changes sign")]
    for key in ("h", "g"):
        items.append((key, " | ".join("[" + _short(layer, lambda q: _polynomial(q, "α")) + "]" for layer in w[key])))
    items.append(("checked", "M(h) − M(g) ≡ 0 modulo χ entry by entry (so at α); one coordinate of every layer of h "
                             "and of g, and one of P(h) − P(g), enclosed away from 0 on a bisection of the interval "
                             "that keeps the sign change: the counterexample is real"))
    return items


def _minor_matrix(spec, witness) -> str | None:
    """LaTeX of the certified minor (small cases only), rebuilt from the spec."""
    import sympy

    rows, cols = witness["minor"]["rows"], witness["minor"]["cols"]
    if not rows or len(rows) > 6:
        return None
    from algebra.lifting import lifting_operator
    from graphs.structured_spec import structured_network

    A = lifting_operator(structured_network(spec))
    entries = [[sympy.Rational(A.columns.get(tuple(c), {}).get(r, 0)) for c in cols] for r in rows]
    return sympy.latex(sympy.Matrix(entries))


def _factor_products(spec, witness) -> str | None:
    """LaTeX of M_1(h_1)...M_K(h_K) = X = M_1(g_1)...M_K(g_K) for small structured networks."""
    import sympy

    from algebra.network import dense_from_sparse
    from graphs.structured_spec import structured_network

    net = structured_network(spec)
    if any(l.rows > 6 or l.cols > 6 for l in net.layers):
        return None

    def mat(dense):
        return sympy.latex(sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in row] for row in dense]))

    sides = []
    for key in ("h", "g"):
        params = [[_frac(x) for x in hk] for hk in witness[key]]
        sides.append(" ".join(mat(dense_from_sparse(l.sparse_matrix(hk), l.rows, l.cols))
                              for l, hk in zip(net.layers, params)))
    X = mat(net.evaluate([[_frac(x) for x in hk] for hk in witness["h"]]))
    return f"{sides[0]} = {X} = {sides[1]}"


def _stability_bounds(value) -> list[str]:
    r"""The bounds of a proved ``stable`` claim as full LaTeX inequalities, from its value.

    conv: Theorem 8.4's bound; structured: Theorem 7.2 with (gamma, rho) = (1, +inf) and the
    certified constant u >= 1/sigma_min.

    >>> print(_stability_bounds({"K": 2, "S": 3, "inv_sigma_min_upper": "5/4"})[0])
    \|P(h^*) - P(\bar h)\| \leq \frac{5 \delta}{4} + \frac{5 \eta}{4}
    """
    import sympy

    p, eps, delta, eta = sympy.symbols("p varepsilon delta eta", positive=True)
    if "S_prime" in value:
        K, S, N = value["K"], value["S_prime"], value["N"]
        expr = 7 * (sympy.Integer(K) * S) ** (1 / p) * eps ** (1 - K) * (delta + eta) / sympy.sqrt(N)
        return [r"\delta_p(\{h^*\}, \{\bar h\}) \leq " + sympy.latex(expr)]
    K, S, u = value["K"], value["S"], sympy.Rational(str(value["inv_sigma_min_upper"]))
    e = sympy.latex(sympy.Rational(1, K) - 1)
    scale = sympy.latex(7 * (sympy.Integer(K) * S) ** (1 / p) * u * (delta + eta))
    dp = (rf"{scale} \min\left(\|P(\bar h)\|_\infty^{{{e}}}, \|P(h^*)\|_\infty^{{{e}}}\right)")
    return [r"\|P(h^*) - P(\bar h)\| \leq " + sympy.latex(u * (delta + eta)),
            r"d_p(\langle h^*\rangle, \langle \bar h\rangle) \leq " + dp]


def _collisions(outputs) -> list[tuple[str, int, int]]:
    return [(f, i, c) for f, entries in outputs.items() for i, c in entries if c > 1]


def _displayed(claim: Mapping, state: str) -> dict:
    """The claim as the report may show it: as written when the checker verified it (its text
    is then the checker's canonical text); otherwise flagged, without value or witness."""
    if state == "verified":
        return dict(claim)
    if state.startswith("not re-checked"):  # probable/numeric/inconclusive: shown, labelled as such
        shown = dict(claim)
        shown["statement"] = f"[{state}; the producer's text] {claim.get('statement', '')}"
        return shown
    shown = {k: claim[k] for k in ("id", "status", "relies_on") if k in claim}
    shown["statement"] = (f"NOT VERIFIED by the independent checker ({state}). "
                          f"The certificate's unchecked text: {claim.get('statement', '')}")
    shown["_unverified"] = state
    return shown


def _facts(spec) -> list[tuple[str, str]]:
    kind = spec.get("kind")
    if kind == "conv":
        leaves = {e["from"] for e in spec["edges"]} - {e["to"] for e in spec["edges"]}
        return [("N", spec["N"]), ("edges", len(spec["edges"])), ("leaves", len(leaves)), ("root", spec["root"])]
    if kind == "structured":
        layers = spec["layers"]
        return [("K", len(layers)), ("factor shapes", " x ".join(f"({l['rows']}x{l['cols']})" for l in layers)),
                ("parameters S_k", ", ".join(str(l["params"]) for l in layers))]
    if kind == "feedforward":
        return [("widths", " -> ".join(map(str, spec["widths"]))), ("samples", len(spec["inputs"])),
                ("activation pattern", "given" if spec.get("activations") else "all units active")]
    return []


# ============================================================================ blocks
# A report is a list of blocks, rendered by each format: ("heading", level, text),
# ("text", str), ("items", [(label, text)]), ("table", header, rows), ("math", latex, the formats
# it is shown in), ("figure", key, alt). Texts are plain (the certificate's);
# LaTeX typesets their mathematics.
def _witness_blocks(claim: Mapping, spec: Mapping, notation: Notation | None) -> list[tuple]:
    """The witness of a claim the checker verified, labelled in the paper's notation."""
    w = claim.get("witness") or {}
    items: list[tuple[str, str]] = []
    blocks: list[tuple] = []
    if "minor" in w:
        rows, cols = w["minor"]["rows"], w["minor"]["cols"]
        label = notation.monomial if notation else (lambda t: str(tuple(t)))
        items.append((f"non-singular {len(rows)} x {len(rows)} minor of A, rows", _short(rows)))
        items.append(("its columns (index tuples i, the monomials h_1[i_1]...h_K[i_K] of P(h))",
                      _short(cols, lambda c: f"{tuple(c)} = {label(c)}")))
        k = w["kernel"]
        items.append((f"{k['side']} kernel of A", f"{len(k['vectors'])} independent vector(s)"))
    if "classes_per_leaf" in w:
        items.append(("distinct (leaf, offset-sum) classes per leaf", _short(list(w["classes_per_leaf"].items()),
                                                                     lambda t: f"{t[0]}: {t[1]}")))
    if w.get("recompute"):
        items.append(("Algorithm 8.1 outputs", "too many to list; the checker recomputes them"))
    if "outputs" in w:
        coll = _collisions(w["outputs"])
        items.append(("collisions",
                      _short(coll, lambda t: f"leaf {t[0]} offset {t[1]} count {t[2]}") if coll else "none"))
    for key in ("model_span", "kernel_line"):
        if key in w:
            items.append(("basis of the span of the model's Segre images",
                          f"{len(w[key]['groups'])} tensors (sums over the orbits of tied layers' index tuples)"))
    if "kernel_line" in w:
        kl = w["kernel_line"]
        label = notation.monomial if notation else (lambda t: str(tuple(t)))
        items.append(("Ker A on that span: the line spanned by T, coordinates",
                      _short([(kl["groups"][j], v) for j, v in kl["kernel"]],
                             lambda t: f"{' + '.join(label(i) for i in t[0])}: {t[1]}")))
        items.append((f"flattening of T at layer {kl['flattening_layer'] + 1}",
                      f"a non-singular {len(kl['flattening_minor']['rows'])} x {len(kl['flattening_minor']['rows'])} "
                      "minor, so rank >= 3"))
    if "difference_set" in w:
        items += _difference_set_items(w["difference_set"])
    if "field" in w:
        items += _algebraic_items(w)
    elif "h" in w:
        if notation is not None:
            rows = notation.parameter_rows(w["h"], w["g"])
            blocks.append(("table", ("layer", "coordinate", "meaning", "h", "g"),
                           [tuple(map(str, r)) for r in rows[:MAX_TABLE_ROWS]]))
            if len(rows) > MAX_TABLE_ROWS:
                items.append(("non-zero coordinates", f"{len(rows)}; the first {MAX_TABLE_ROWS} are listed above"))
            if notation.kind == "conv":
                if "path" in w:
                    items.append(("separating path p", notation.path(w["path"])))
                for key in ("h", "g"):
                    for edge, poly in notation.kernel_polynomials(w[key])[:MAX_LIST]:
                        items.append((f"T_{{{edge}}}(z) of {key}", str(poly).replace("**", "^").replace("*", "·")))
            for key in ("h", "g"):
                piece = notation.piece_of(w[key])
                if piece:
                    items.append((f"{key} lies in the model piece", piece))
        else:
            items.append(("h", " | ".join("[" + _short(hk) + "]" for hk in w["h"])))
            items.append(("g", " | ".join("[" + _short(gk) + "]" for gk in w["g"])))
    if "from_claim" in w:
        items.append(("rests on claim", w["from_claim"]))
    if "charpoly" in w:
        interval = claim["value"]["sigma_min_squared"]
        items.append(("sigma_min(A)^2", f"in [{interval['lo']}, {interval['hi']}]" if interval["lo"] != interval["hi"]
                      else f"= {interval['lo']}"))
        n = len(w["charpoly"]) - 1
        scaled = "A" if w["scale"] == 1 else f"{w['scale']} A"
        items.append(("Gram matrix", f"{w['gram']} of {scaled} ({n} x {n}); the checker recomputes its "
                                     "characteristic polynomial and counts roots with Descartes' rule"))
    return blocks + ([("items", items)] if items else [])


def _claim_blocks(claim: Mapping, info: dict) -> list[tuple]:
    blocks: list[tuple] = [("heading", 3, f"{claim['id']}: {claim['status']}"), ("text", claim["statement"])]
    items = []
    if claim.get("assumptions"):
        items.append(("assumptions", "; ".join(claim["assumptions"])))
    if claim.get("relies_on"):
        items.append(("rests on", ", ".join(claim["relies_on"])))
    if claim.get("reason"):
        items.append(("reason", claim["reason"]))
    if claim.get("evidence"):
        items.append(("evidence", ", ".join(f"{k} = {v}" for k, v in claim["evidence"].items())))
    if items:
        blocks.append(("items", items))
    if claim.get("_unverified"):
        return blocks
    blocks += _witness_blocks(claim, info["spec"], info["notation"])
    w = claim.get("witness") or {}
    if info["kind"] == "structured" and "minor" in w:
        minor = _minor_matrix(info["spec"], w)
        if minor:
            blocks += [("text", MINOR_CAPTION), ("math", minor, ("md", "tex"))]
    if "h" in w and "field" not in w and info["kind"] != "conv":
        for label in ("h", "g"):
            blocks += [("math", rf"{label}_{{{k + 1}}} = {_sympy_vector(v)}", ("tex",)) for k, v in enumerate(w[label])]
        products = _factor_products(info["spec"], w) if info["kind"] == "structured" else None
        if products:
            blocks += [("text", ACTION_CAPTION), ("math", products, ("md", "tex"))]
    if claim["id"] == "stable" and claim["status"] == "proved" and "value" in claim:
        blocks += [("math", bound, FORMATS) for bound in _stability_bounds(claim["value"])]
    if claim["id"] == "scattered" and "outputs" in w:
        blocks.append(("figure", "scatter", "Algorithm 8.1 output per leaf"))
    return blocks


def report_content(document: Mapping, check: CheckReport | None = None) -> dict:
    """What every format of the report shows, computed once: the checker's verdict (``check``, or
    computed here), the network, its model and the claims as blocks (see the module docstring).

    Only what the independent checker accepted is shown as it stands: a malformed certificate
    gives a report with the verdict alone, a failed or unchecked claim is shown flagged and
    without its value or witness.
    """
    check = check if check is not None else check_certificate(document)
    if check.exit_code == 2:
        return {"spec": {}, "check": check, "claims": [], "name": "malformed certificate", "kind": "?",
                "facts": [], "figures": False, "notation": None, "network": [], "blocks": []}
    spec = document["network"]["spec"]
    claims = [_displayed(c, check.claims.get(c["id"], "not checked")) for c in document["claims"]]
    spec_checked = not any(f.startswith(("hash", "spec")) for f in check.failures)
    info = {"spec": spec, "check": check, "claims": claims, "figures": spec_checked,
            "name": str(spec.get("name", "network")), "kind": str(spec.get("kind", "?")), "notation": None}
    try:
        info["facts"] = _facts(spec) if spec_checked else []
        info["notation"] = Notation(spec) if spec_checked else None
    except (KeyError, TypeError, AttributeError, SpecError):
        info["facts"] = []
    network: list[tuple] = [("items", [("kind", info["kind"])] + [(k, str(v)) for k, v in info["facts"]])]
    if spec.get("description"):
        network.append(("text", str(spec["description"])))
    if info["notation"] is not None:
        n = info["notation"]
        network += [("heading", 3, "Model"), ("items", [("", line) for line in n.model_lines()]),
                    ("heading", 3, "Parameters"), ("items", [(f"h_{k + 1}", n.layer_title(k)) for k in range(n.K)])]
    network.append(("figure", "dag", "network"))
    info["network"] = network
    info["blocks"] = [block for c in claims for block in _claim_blocks(c, info)]
    return info


def content_figures(info) -> dict[str, bytes]:
    """The PNG figures of a report's content (:func:`report_content`): ``dag`` and ``scatter``."""
    figs: dict = {}
    if not info["figures"]:  # the spec was not accepted by the checker: draw nothing from it
        return figs
    try:
        if network_graph(info["spec"]).number_of_nodes() <= MAX_DRAWN_NODES:
            figs["dag"] = dag_figure(info["spec"])
    except (KeyError, TypeError, ValueError):
        pass
    for c in info["claims"]:
        if c["id"] == "scattered" and "outputs" in (c.get("witness") or {}):
            figs["scatter"] = scatter_figure(c["witness"]["outputs"], info["spec"]["N"])
    return figs


# ============================================================================ renderers
def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _render_md(info, figs, names) -> str:
    check = info["check"]
    L = [f"# tensorlift report: {info['name']}", "", f"**Independent checker:** {check.verdict}", ""]
    if info.get("figures_omitted"):
        L += [f"*{FIGURES_OMITTED}*", ""]
    L += ["## Network", ""]

    def blocks(items):
        for block in items:
            kind = block[0]
            if kind == "heading":
                L.extend(["#" * block[1] + " " + block[2], ""])
            elif kind == "text":
                L.extend([block[1], ""])
            elif kind == "items":
                L.extend([f"- **{label}:** {text}" if label else f"- {text}" for label, text in block[1]] + [""])
            elif kind == "table":
                L.append("| " + " | ".join(block[1]) + " |")
                L.append("|" + "---|" * len(block[1]))
                L.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block[2])
                L.append("")
            elif kind == "math" and "md" in block[2]:
                L.extend([f"$${block[1]}$$", ""])
            elif kind == "figure" and block[1] in figs and names.get(block[1]):
                L.extend([f"![{block[2]}]({names[block[1]]})", ""])

    blocks(info["network"])
    L += ["## Claims", "", "| claim | status | rests on | checker |", "|---|---|---|---|"]
    for c in info["claims"]:
        L.append(f"| {c['id']} | {c['status']} | {', '.join(c['relies_on'])} | {check.claims.get(c['id'], '-')} |")
    L.append("")
    blocks(info["blocks"])
    return "\n".join(L)


def _render_tex(info, figs, names) -> str:
    T = tex_text
    L = [r"\documentclass{article}", r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}",
         r"\usepackage{amsmath,amssymb,graphicx}", r"\usepackage[margin=2cm]{geometry}",
         r"\setlength{\parindent}{0pt}", r"\begin{document}",
         rf"\section*{{tensorlift report: {tex_escape(info['name'])}}}",
         rf"\textbf{{Independent checker:}} {T(info['check'].verdict)}", ""]
    if info.get("figures_omitted"):
        L += [rf"\emph{{{tex_escape(FIGURES_OMITTED)}}}", ""]
    L += [r"\subsection*{Network}"]

    def blocks(items):
        for block in items:
            kind = block[0]
            if kind == "heading":
                L.append((r"\subsubsection*{" if block[1] == 3 else r"\paragraph{") + T(block[2]) + "}")
            elif kind == "text":
                L.extend([T(block[1]), ""])
            elif kind == "items" and block[1]:
                L.append(r"\begin{itemize}")
                L.extend(rf"\item \textbf{{{T(label)}:}} {T(text)}" if label else rf"\item {T(text)}"
                         for label, text in block[1])
                L.append(r"\end{itemize}")
            elif kind == "table":
                cols = len(block[1])
                L.append(r"\begin{center}\begin{tabular}{" + "l" * cols + r"}")
                L.append(" & ".join(rf"\textbf{{{tex_escape(h)}}}" for h in block[1]) + r" \\ \hline")
                L.extend(" & ".join(rf"${tex_math(c)}$" if c else "" for c in row) + r" \\" for row in block[2])
                L.append(r"\end{tabular}\end{center}")
            elif kind == "math" and "tex" in block[2]:
                L.append(rf"\[ {block[1]} \]")
            elif kind == "figure" and block[1] in figs and names.get(block[1]):
                width = r"0.8\linewidth" if block[1] == "dag" else r"0.7\linewidth"
                L.append(rf"\begin{{center}}\includegraphics[width={width}]{{{names[block[1]]}}}\end{{center}}")

    blocks(info["network"])
    L += [r"\subsection*{Claims}", r"\begin{center}\begin{tabular}{llll}",
          r"\textbf{claim} & \textbf{status} & \textbf{rests on} & \textbf{checker} \\ \hline"]
    L += [" & ".join(tex_escape(x) for x in (c["id"], c["status"], ", ".join(c["relies_on"]),
                                               info["check"].claims.get(c["id"], "-"))) + r" \\"
          for c in info["claims"]]
    L += [r"\end{tabular}\end{center}"]
    blocks(info["blocks"])
    L += [r"\end{document}", ""]
    return "\n".join(L)


def _render_html(info, figs, names) -> str:
    H = html.escape
    L = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
         f"<title>tensorlift report: {H(info['name'])}</title>", f"<style>{HTML_STYLE}</style></head><body>",
         html_fragment(info, figs), "</body></html>", ""]
    return "\n".join(L)


HTML_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
              ".tensorlift table{border-collapse:collapse}.tensorlift td,.tensorlift th{border:1px solid #ccc;"
              "padding:.2em .6em}.tensorlift .status{font-weight:bold;color:#fff;padding:.1em .5em;"
              "border-radius:.3em}.tensorlift code{background:#f4f4f4}")
STATUS_COLOUR = {"proved": "#1e7b34", "refuted": "#b03a2e", "probable": "#8a6d00", "numeric": "#8a6d00",
                 "inconclusive": "#555"}


def _png_tag(png: bytes, alt: str) -> str:
    return f"<img alt='{html.escape(alt)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'>"


def status_badge(status: str) -> str:
    """An HTML badge for a claim status (also used by the notebook display)."""
    return (f"<span class='status' style='background:{STATUS_COLOUR.get(status, '#555')};color:#fff;"
            f"font-weight:bold;padding:.1em .5em;border-radius:.3em'>{html.escape(status)}</span>")


def html_blocks(items, figs: Mapping[str, bytes]) -> str:
    """Blocks (see :func:`report_content`) as an HTML fragment, figures and formulas embedded."""
    H = html.escape
    L = []
    for block in items:
        kind = block[0]
        if kind == "heading":
            L.append(f"<h{block[1]} id='{H(block[2].split(':')[0])}'>{H(block[2])}</h{block[1]}>")
        elif kind == "text":
            L.append(f"<p>{H(block[1])}</p>")
        elif kind == "items" and block[1]:
            L.append("<ul>" + "".join(f"<li><b>{H(label)}:</b> {H(text)}</li>" if label else f"<li>{H(text)}</li>"
                                      for label, text in block[1]) + "</ul>")
        elif kind == "table":
            L.append("<table><tr>" + "".join(f"<th>{H(h)}</th>" for h in block[1]) + "</tr>"
                     + "".join("<tr>" + "".join(f"<td>{H(c)}</td>" for c in row) + "</tr>" for row in block[2])
                     + "</table>")
        elif kind == "math" and "html" in block[2]:
            png = formula_png(block[1]) if figs else None
            L.append((f"<p>{_png_tag(png, block[1])}</p>" if png else "")
                     + f"<p>LaTeX: <code>{H(block[1])}</code></p>")
        elif kind == "figure" and block[1] in figs:
            L.append(_png_tag(figs[block[1]], block[2]))
    return "\n".join(L)


def html_fragment(info, figs) -> str:
    """The report as one ``<div class='tensorlift'>`` (the page's body, or a notebook cell's output)."""
    H = html.escape
    check = info["check"]
    L = [f"<div class='tensorlift'><h1>tensorlift report: {H(info['name'])}</h1>",
         f"<p><b>Independent checker:</b> {H(check.verdict)}</p>", "<h2>Network</h2>",
         html_blocks(info["network"], figs),
         "<h2>Claims</h2><table><tr><th>claim</th><th>status</th><th>rests on</th><th>checker</th></tr>"]
    for c in info["claims"]:
        L.append(f"<tr><td>{H(c['id'])}</td><td>{status_badge(c['status'])}</td>"
                 f"<td>{H(', '.join(c['relies_on']))}</td><td>{H(check.claims.get(c['id'], '-'))}</td></tr>")
    L += ["</table>", html_blocks(info["blocks"], figs), "</div>"]
    return "\n".join(L)


def _render(info: dict, fmt: str, figs: Mapping[str, bytes], names: Mapping[str, str]) -> str:
    return {"md": _render_md, "tex": _render_tex, "html": _render_html}[fmt](info, figs, names)


def render(document: Mapping, fmt: str = "md", *, check: CheckReport | None = None, figures: bool = True,
           figure_names: Mapping[str, str] | None = None) -> str:
    """Render a certificate document as ``md``, ``tex`` or ``html`` text.

    ``check`` is the checker's verdict on ``document`` (computed here when None). HTML embeds its
    figures (base64 PNG). Markdown and LaTeX reference them by ``figure_names`` (figure key
    ``"dag"``/``"scatter"`` -> file name; :func:`report_files` writes the PNG files beside the
    report) and otherwise omit them with a note.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    info = report_content(document, check)
    drawn = figures and (fmt == "html" or bool(figure_names))  # a stream of md/tex cannot show a PNG
    info["figures_omitted"] = figures and not drawn and info["figures"]
    return _render(info, fmt, content_figures(info) if drawn else {}, dict(figure_names or {}))


def report_files(document: Mapping, path: str | Path, fmt: str | None = None, option: str = "--report", *,
                 check: CheckReport | None = None) -> list[OutputFile]:
    """The report and its PNG figures (Markdown and LaTeX; HTML embeds them) as files to write.

    ``fmt`` defaults to the one of ``path``'s suffix; figures are named ``<stem>-<figure>.png``
    beside the report. ``check`` is the checker's verdict (computed here, once, when None).
    ``option`` names the command-line option of ``path`` in write errors. Write them with
    :func:`certificates.files.write_files` (all or nothing).
    """
    path = Path(path)
    fmt = fmt or {".tex": "tex", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "md")
    info = report_content(document, check)
    figs = content_figures(info)
    names: dict[str, str] = {}
    files = []
    if fmt in ("tex", "md"):  # figures as PNG files beside the report (HTML embeds them)
        names = {k: f"{path.stem}-{k}.png" for k in figs}
        files = [OutputFile(path.parent / names[k], data, option) for k, data in figs.items()]
    return [OutputFile(path, _render(info, fmt, figs, names), option)] + files


def write_report(document: Mapping, path: str | Path, fmt: str | None = None, *,
                 check: CheckReport | None = None) -> Path:
    """Write a report file and its figures (creating its folder), all or nothing; returns the
    report path. A write failure is a :class:`algebra.errors.SpecError` naming ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_files(report_files(document, path, fmt, option="path", check=check))[0]
