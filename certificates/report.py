"""Readable reports of a certificate: Markdown, LaTeX and standalone HTML.

A report is rendered from the certificate document alone (so ``tensorlift report CERT`` needs no
spec file): the network with a drawing of its DAG (networkx + matplotlib, Agg backend), each
claim with its status, the theorem it uses and a plain explanation, the witnesses shown
compactly, the Algorithm 8.1 output per leaf as a plot with collisions (entries > 1)
highlighted, the stability bound, and the verdict of the independent checker. Formulas and
small matrices go through sympy's LaTeX printer.

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
import io
from fractions import Fraction
from pathlib import Path
from typing import Mapping

from .checker import check_certificate
from .files import OutputFile, write_files

__all__ = ["render", "write_report", "report_files", "FORMATS", "explanation", "dag_figure", "scatter_figure"]

FORMATS = ("md", "tex", "html")
MAX_LIST = 12  # witness lists longer than this are shown truncated (the certificate has them all)


# ============================================================================ figures
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    _plt().close(fig)
    return buf.getvalue()


def _graph(spec: Mapping):
    """The network as a networkx DiGraph with a ``layer`` per node (0 = output side)."""
    import networkx as nx

    g = nx.DiGraph()
    if spec.get("kind") == "conv":
        # insert nodes in depth-first order from the root so trees are drawn without crossings
        preds: dict = {}
        for e in spec["edges"]:
            preds.setdefault(e["to"], []).append(e["from"])
        stack, seen = [spec["root"]], set()
        while stack:
            v = stack.pop()
            if v in seen:
                continue
            seen.add(v)
            g.add_node(v)
            stack.extend(reversed(sorted(preds.get(v, []))))
        for e in spec["edges"]:
            g.add_edge(e["from"], e["to"], label="{" + ",".join(map(str, e["support"])) + "}")
        dist = {spec["root"]: 0}
        for v in reversed(list(nx.topological_sort(g))):
            if v != spec["root"]:
                dist[v] = 1 + max(dist[w] for w in g.successors(v))
        for v in g:
            g.nodes[v]["layer"] = dist[v]
    elif spec.get("kind") == "feedforward":
        widths = spec["widths"]
        L = len(widths) - 1
        for l, w in enumerate(widths):
            for u in range(w):
                g.add_node(f"L{l}:{u}", layer=L - l, y=(w - 1) / 2 - u)  # units stacked per layer
        edges = spec.get("edges") or [None] * L
        for l in range(L):
            pairs = edges[l] or [[a, b] for b in range(widths[l + 1]) for a in range(widths[l])]
            for p, (a, b) in enumerate(pairs):
                g.add_edge(f"L{l}:{a}", f"L{l + 1}:{b}", label=f"w{l + 1}[{p}]")
    else:
        layers = spec["layers"]
        dims = [layers[0]["rows"]] + [l["cols"] for l in layers]
        names = [f"m{k + 1}={d}" for k, d in enumerate(dims)]
        for k, l in enumerate(layers):
            g.add_edge(names[k + 1], names[k], label=f"M{k + 1} ({l['params']} params)")
        for k, n in enumerate(names):
            g.nodes[n]["layer"] = k
    return g


def _positions(g) -> dict:
    """Layered layout: leaves (in insertion = depth-first order) stacked on the left, every other
    node at the mean height of its predecessors, the output side on the right."""
    layer = {v: g.nodes[v]["layer"] for v in g}
    top = max(layer.values())
    if all("y" in g.nodes[v] for v in g):
        return {v: (float(top - layer[v]), g.nodes[v]["y"]) for v in g}
    y: dict = {}
    leaves = [v for v in g if g.in_degree(v) == 0]
    for i, v in enumerate(leaves):
        y[v] = -float(i)
    for k in range(top, -1, -1):
        for v in g:
            if layer[v] == k and v not in y:
                preds = [y[u] for u in g.predecessors(v) if u in y]
                y[v] = sum(preds) / len(preds) if preds else 0.0
    return {v: (float(top - layer[v]), y[v]) for v in g}


def dag_figure(spec: Mapping) -> bytes:
    """PNG drawing of the network: leaves on the left, the root/output on the right."""
    import networkx as nx

    plt = _plt()
    g = _graph(spec)
    n_layers = max(nx.get_node_attributes(g, "layer").values()) + 1
    pos = _positions(g)
    width = min(12, 2.2 + 1.8 * n_layers)
    height = min(10, 1.5 + 0.45 * max(sum(1 for v in g if g.nodes[v]["layer"] == k) for k in range(n_layers)))
    fig, ax = plt.subplots(figsize=(width, height))
    nx.draw_networkx(g, pos, ax=ax, node_color="#dbe9f6", edgecolors="#2b5b84", node_size=900,
                     font_size=8, arrowsize=12)
    if g.number_of_edges() <= 40:
        nx.draw_networkx_edge_labels(g, pos, nx.get_edge_attributes(g, "label"), ax=ax, font_size=7)
    ax.set_title(f"{spec.get('name', 'network')}  ({spec.get('kind')})", fontsize=10)
    ax.axis("off")
    return _png(fig)


def scatter_figure(outputs: Mapping[str, list], N: int, max_leaves: int = 16) -> bytes:
    """PNG of Algorithm 8.1's y_f per leaf; entries > 1 (collisions) drawn in red."""
    plt = _plt()
    leaves = list(outputs)[:max_leaves]
    cols = min(4, len(leaves))
    rows = -(-len(leaves) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.1 * rows), squeeze=False)
    for ax in axes.flat[len(leaves):]:
        ax.axis("off")
    for ax, f in zip(axes.flat, leaves):
        y = [0] * N
        for i, c in outputs[f]:
            y[i] = c
        colours = ["#c0392b" if c > 1 else "#2b5b84" for c in y]
        ax.bar(range(N), y, color=colours, width=0.8)
        ax.axhline(1, color="grey", lw=0.6, ls="--")
        ax.set_title(f"leaf {f}", fontsize=9)
        ax.set_xlim(-0.5, N - 0.5)
        ax.tick_params(labelsize=7)
    fig.suptitle("Algorithm 8.1: y_f = M_1(1)...M_K(1) delta_f (red: collisions, entries > 1)", fontsize=9)
    fig.tight_layout()
    return _png(fig)


# ============================================================================ content
EXPLAIN = {
    ("lifting-rank", "proved"): (
        "Corollary 5.2 writes the network as X = A P(h) with a linear A acting on the rank-one tensor "
        "P(h). Its rank is certified from both sides: a non-singular square minor shows rank >= r, and "
        "independent vectors of the (left or right) kernel show rank <= r."),
    ("scattered", "proved"): (
        "Algorithm 8.1 pushes a Dirac from every leaf through the network with every kernel set to the "
        "indicator of its support; every output entry is 0 or 1, so different paths never add up on "
        "the same coefficient (Definition 8.1)."),
    ("scattered", "refuted"): (
        "Algorithm 8.1 finds an output entry larger than 1: two paths (or two offset choices on one "
        "path) land on the same coefficient, which the network cannot tell apart (Definition 8.1)."),
    ("identifiable", "proved"): (
        "Equal network actions force equal parameters up to the stated equivalence: for structured "
        "networks because Ker A = {0} (Proposition 6.3); for convolutional networks because the "
        "topology is sufficiently scattered (Theorem 8.4)."),
    ("identifiable", "refuted"): (
        "The witness gives two parameter sets h and g whose networks compute exactly the same map "
        "but which are not equivalent (P(h) != P(g)): the parameters cannot be recovered from the action."),
    ("identifiable", "inconclusive"): (
        "No exact argument decided identifiability; the reason says which theorem was tried."),
    ("stable", "proved"): (
        "The distance between the true and any nearly-fitting parameter classes is bounded by the noise "
        "levels: for convolutional networks by Theorem 8.4, under a significance (eps) and signal-to-noise "
        "hypothesis; for structured networks with Ker A = {0} by Theorem 7.2 with the deep-NSP constants "
        "(1, +inf) and an exactly certified lower bound on the smallest singular value of A."),
    ("stable", "refuted"): ("Without identifiability there is no stable recovery."),
    ("stable", "numeric"): (
        "Ker A = {0} gives the deep-NSP with constants (1, +inf); Theorem 7.2's bound then depends on "
        "the smallest singular value of A, computed here in floating point."),
}


def explanation(claim: Mapping) -> str:
    """A plain-language sentence on what a claim's status means."""
    if claim.get("_unverified"):
        return "The independent checker did not verify this claim; nothing in it is established."
    return EXPLAIN.get((claim["id"], claim["status"]),
                       "Not re-checked by the checker: " + ("the reason is given." if claim["status"] == "inconclusive"
                                                            else "the evidence is recorded in the certificate."))


def _short(items: list, fmt=str) -> str:
    shown = ", ".join(fmt(x) for x in items[:MAX_LIST])
    return f"{shown}, ... ({len(items)} in all)" if len(items) > MAX_LIST else shown


def _frac(x) -> Fraction:
    return Fraction(x) if not isinstance(x, str) else Fraction(x.replace(" ", ""))


def _sympy_vector(values) -> str:
    import sympy

    return sympy.latex(sympy.Matrix([[sympy.Rational(_frac(v).numerator, _frac(v).denominator) for v in values]]))


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

    from graphs.structured_spec import structured_network

    net = structured_network(spec)
    if any(l.rows > 6 or l.cols > 6 for l in net.layers):
        return None

    def mat(dense):
        return sympy.latex(sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in row] for row in dense]))

    sides = []
    for key in ("h", "g"):
        params = [[_frac(x) for x in hk] for hk in witness[key]]
        from algebra.network import dense_from_sparse

        sides.append(" ".join(mat(dense_from_sparse(l.sparse_matrix(hk), l.rows, l.cols))
                              for l, hk in zip(net.layers, params)))
    X = mat(net.evaluate([[_frac(x) for x in hk] for hk in witness["h"]]))
    return f"{sides[0]} = {X} = {sides[1]}"


def _stability_bounds(value) -> list[str]:
    r"""The bounds of a proved ``stable`` claim as full LaTeX inequalities.

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


def formula_png(latex: str) -> bytes | None:
    """The formula rendered by matplotlib's mathtext (no TeX needed); None if it cannot parse it."""
    plt = _plt()
    fig = plt.figure(figsize=(0.01, 0.01))
    fig.text(0, 0, f"${latex}$", fontsize=14)
    try:
        return _png(fig)
    except ValueError:  # a construct mathtext does not know
        plt.close(fig)
        return None


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


def _model(doc) -> dict:
    """Everything the three renderers share, computed once.

    Only what the independent checker accepted is shown as it stands: a malformed certificate
    gives a report with the verdict alone, a failed or unchecked claim is shown flagged and
    without its value or witness.
    """
    check = check_certificate(doc)
    if check.exit_code == 2:
        return {"spec": {}, "check": check, "claims": [], "by_id": {}, "name": "malformed certificate",
                "kind": "?", "facts": [], "figures": False}
    spec = doc["network"]["spec"]
    claims = [_displayed(c, check.claims.get(c["id"], "not checked")) for c in doc["claims"]]
    by_id = {c["id"]: c for c in claims}
    spec_checked = not any(f.startswith(("hash", "spec")) for f in check.failures)
    info = {"spec": spec, "check": check, "claims": claims, "by_id": by_id, "figures": spec_checked,
            "name": str(spec.get("name", "network")), "kind": str(spec.get("kind", "?"))}
    try:
        info["facts"] = _facts(spec) if spec_checked else []
    except (KeyError, TypeError, AttributeError):
        info["facts"] = []
    return info


def _facts(spec) -> list:
    info: dict = {}
    if spec.get("kind") == "conv":
        info["facts"] = [("N", spec["N"]), ("edges", len(spec["edges"])),
                         ("leaves", len({e["from"] for e in spec["edges"]} - {e["to"] for e in spec["edges"]})),
                         ("root", spec["root"])]
    elif spec.get("kind") == "structured":
        layers = spec["layers"]
        info["facts"] = [("K", len(layers)),
                         ("factor shapes", " x ".join(f"({l['rows']}x{l['cols']})" for l in layers)),
                         ("parameters S_k", ", ".join(str(l["params"]) for l in layers))]
    elif spec.get("kind") == "feedforward":
        info["facts"] = [("widths", " -> ".join(map(str, spec["widths"]))), ("samples", len(spec["inputs"])),
                         ("activation pattern", "given" if spec.get("activations") else "all units active")]
    else:
        info["facts"] = []
    return info["facts"]


def _witness_lines(claim, spec) -> list[tuple[str, str]]:
    """(label, plain text) pairs describing a witness compactly."""
    w = claim.get("witness") or {}
    out = []
    if "minor" in w:
        out.append(("minor rows", _short(w["minor"]["rows"])))
        out.append(("minor columns", _short(w["minor"]["cols"], lambda c: "(" + ",".join(map(str, c)) + ")")))
        k = w["kernel"]
        out.append((f"{k['side']} kernel", f"{len(k['vectors'])} independent vector(s)"))
    if "classes_per_leaf" in w:
        out.append(("classes per leaf", _short(list(w["classes_per_leaf"].items()), lambda t: f"{t[0]}: {t[1]}")))
    if w.get("recompute"):
        out.append(("Algorithm 8.1 outputs", "too many to list; the checker recomputes them"))
    if "outputs" in w:
        coll = _collisions(w["outputs"])
        out.append(("collisions", _short(coll, lambda t: f"leaf {t[0]} offset {t[1]} count {t[2]}") if coll else "none"))
    if "h" in w:
        out.append(("h", " | ".join("[" + _short(hk) + "]" for hk in w["h"])))
        out.append(("g", " | ".join("[" + _short(gk) + "]" for gk in w["g"])))
        if "path" in w:
            out.append(("separating path (edge indices, root first)", _short(w["path"])))
    if "from_claim" in w:
        out.append(("rests on claim", w["from_claim"]))
    if "charpoly" in w:
        interval = claim["value"]["sigma_min_squared"]
        out.append(("sigma_min(A)^2", f"in [{interval['lo']}, {interval['hi']}]" if interval["lo"] != interval["hi"]
                    else f"= {interval['lo']}"))
        n = len(w["charpoly"]) - 1
        scaled = "A" if w["scale"] == 1 else f"{w['scale']} A"
        out.append(("Gram matrix", f"{w['gram']} of {scaled} ({n} x {n}); the checker recomputes its "
                                   "characteristic polynomial and counts roots with Descartes' rule"))
    if claim.get("reason"):
        out.append(("reason", claim["reason"]))
    if claim.get("evidence"):
        out.append(("evidence", ", ".join(f"{k} = {v}" for k, v in claim["evidence"].items())))
    if claim.get("assumptions"):
        out.append(("assumptions", "; ".join(claim["assumptions"])))
    return out


MAX_DRAWN_NODES = 300  # beyond this a drawing of the DAG is unreadable (and slow); skipped


def _figures(info) -> dict[str, bytes]:
    figs: dict = {}
    if not info["figures"]:  # the spec was not accepted by the checker: draw nothing from it
        return figs
    if _graph(info["spec"]).number_of_nodes() <= MAX_DRAWN_NODES:
        figs["dag"] = dag_figure(info["spec"])
    sc = info["by_id"].get("scattered")
    if sc and "outputs" in (sc.get("witness") or {}):
        figs["scatter"] = scatter_figure(sc["witness"]["outputs"], info["spec"]["N"])
    return figs


# ============================================================================ renderers
def _render_md(info, figs, names) -> str:
    L = [f"# tensorlift report: {info['name']}", ""]
    check = info["check"]
    L += [f"**Independent checker:** {check.verdict}", ""]
    L += ["## Network", "", f"- kind: `{info['kind']}`"]
    L += [f"- {k}: {v}" for k, v in info["facts"]]
    if info["spec"].get("description"):
        L += [f"- description: {info['spec']['description']}"]
    L += [""]
    if "dag" in figs:
        L += [f"![network]({names['dag']})", ""]
    L += ["## Claims", "", "| claim | status | rests on | checker |", "|---|---|---|---|"]
    for c in info["claims"]:
        L.append(f"| {c['id']} | {c['status']} | {', '.join(c['relies_on'])} | {check.claims.get(c['id'], '-')} |")
    L.append("")
    for c in info["claims"]:
        L += [f"### {c['id']}: {c['status']}", "", c["statement"], "", f"*Why:* {explanation(c)}", ""]
        for label, text in _witness_lines(c, info["spec"]):
            L.append(f"- {label}: {text}")
        if c["id"] == "stable" and c["status"] == "proved" and "value" in c:
            L += [""] + [f"Bound: ${b}$" for b in _stability_bounds(c["value"])]
        if c["id"] == "scattered" and "scatter" in figs:
            L += ["", f"![Algorithm 8.1 output]({names['scatter']})"]
        L.append("")
    return "\n".join(L)


def _tex_escape(s: str) -> str:
    rep = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
           "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
    return "".join(rep.get(ch, ch) for ch in str(s))


def _render_tex(info, figs, names) -> str:
    E = _tex_escape
    L = [r"\documentclass{article}", r"\usepackage{amsmath,graphicx}", r"\usepackage[margin=2cm]{geometry}",
         r"\begin{document}", rf"\section*{{tensorlift report: {E(info['name'])}}}",
         rf"\textbf{{Independent checker:}} {E(info['check'].verdict)}", "",
         r"\subsection*{Network}", r"\begin{itemize}", rf"\item kind: \texttt{{{E(info['kind'])}}}"]
    L += [rf"\item {E(k)}: {E(v)}" for k, v in info["facts"]]
    L += [r"\end{itemize}"]
    if "dag" in names:
        L += [rf"\begin{{center}}\includegraphics[width=0.8\linewidth]{{{names['dag']}}}\end{{center}}"]
    L += [r"\subsection*{Claims}"]
    for c in info["claims"]:
        L += [rf"\paragraph{{{E(c['id'])}: {E(c['status'])}}} {E(c['statement'])}", "",
              rf"\emph{{Rests on:}} {E(', '.join(c['relies_on']))}. \emph{{Why:}} {E(explanation(c))}", "",
              r"\begin{itemize}"]
        L += [rf"\item {E(label)}: {E(text)}" for label, text in _witness_lines(c, info["spec"])]
        L += [r"\end{itemize}"]
        w = c.get("witness") or {}
        if "minor" in w and info["kind"] == "structured":
            m = _minor_matrix(info["spec"], w)
            if m:
                L += [rf"Certified minor (non-zero determinant): \[ {m} \]"]
        if "h" in w:
            for label in ("h", "g"):
                L += [rf"\[ {label}_{{{k + 1}}} = {_sympy_vector(v)} \]" for k, v in enumerate(w[label])]
            products = _factor_products(info["spec"], w) if info["kind"] == "structured" else None
            if products:
                L += [rf"Same action: \[ {products} \]"]
        if c["id"] == "stable" and c["status"] == "proved" and "value" in c:
            L += [rf"\[ {b} \]" for b in _stability_bounds(c["value"])]
        if c["id"] == "scattered" and "scatter" in names:
            L += [rf"\begin{{center}}\includegraphics[width=\linewidth]{{{names['scatter']}}}\end{{center}}"]
    L += [r"\end{document}", ""]
    return "\n".join(L)


def _render_html(info, figs, names) -> str:
    H = html.escape
    colour = {"proved": "#1e7b34", "refuted": "#b03a2e", "probable": "#8a6d00", "numeric": "#8a6d00",
              "inconclusive": "#555"}
    L = ["<!DOCTYPE html>", "<html><head><meta charset='utf-8'>",
         f"<title>tensorlift report: {H(info['name'])}</title>",
         "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}"
         ".status{font-weight:bold;color:#fff;padding:.1em .5em;border-radius:.3em}"
         "code{background:#f4f4f4}</style></head><body>",
         f"<h1>tensorlift report: {H(info['name'])}</h1>",
         f"<p><b>Independent checker:</b> {H(info['check'].verdict)}</p>",
         "<h2>Network</h2><ul>", f"<li>kind: <code>{H(info['kind'])}</code></li>"]
    L += [f"<li>{H(str(k))}: {H(str(v))}</li>" for k, v in info["facts"]]
    L += ["</ul>"]
    if "dag" in figs:
        L += [f"<img alt='network' src='data:image/png;base64,{base64.b64encode(figs['dag']).decode()}'>"]
    L += ["<h2>Claims</h2><table><tr><th>claim</th><th>status</th><th>rests on</th><th>checker</th></tr>"]
    for c in info["claims"]:
        L.append(f"<tr><td>{H(c['id'])}</td><td><span class='status' style='background:{colour[c['status']]}'>"
                 f"{H(c['status'])}</span></td><td>{H(', '.join(c['relies_on']))}</td>"
                 f"<td>{H(info['check'].claims.get(c['id'], '-'))}</td></tr>")
    L.append("</table>")
    for c in info["claims"]:
        L += [f"<h3 id='{H(c['id'])}'>{H(c['id'])}: {H(c['status'])}</h3>", f"<p>{H(c['statement'])}</p>",
              f"<p><i>Why:</i> {H(explanation(c))}</p><ul>"]
        L += [f"<li>{H(label)}: {H(text)}</li>" for label, text in _witness_lines(c, info["spec"])]
        L.append("</ul>")
        if c["id"] == "stable" and c["status"] == "proved" and "value" in c:
            for bound in _stability_bounds(c["value"]):
                png = formula_png(bound) if figs else None
                if png:
                    L.append(f"<p><img alt='{H(bound)}' src='data:image/png;base64,{base64.b64encode(png).decode()}'></p>")
                L.append(f"<p>Bound (LaTeX): <code>{H(bound)}</code></p>")
        if c["id"] == "scattered" and "scatter" in figs:
            L.append(f"<img alt='Algorithm 8.1 output' src='data:image/png;base64,"
                     f"{base64.b64encode(figs['scatter']).decode()}'>")
    L += ["</body></html>", ""]
    return "\n".join(L)


def render(document: Mapping, fmt: str = "md", figures: bool = True, figure_names: Mapping[str, str] | None = None,
           _figs: dict | None = None) -> str:
    """Render a certificate document as ``md``, ``tex`` or ``html`` text.

    HTML embeds its figures (base64 PNG); Markdown embeds them as data URIs unless
    ``figure_names`` maps figure keys (``"dag"``, ``"scatter"``) to file names, as LaTeX needs
    (use :func:`write_report` to write the PNG files next to the report).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {fmt!r}")
    info = _model(document)
    figs = (_figs if _figs is not None else _figures(info)) if figures else {}
    if figure_names is None:
        names = {k: f"data:image/png;base64,{base64.b64encode(v).decode()}" for k, v in figs.items()}
        if fmt == "tex":
            names = {}
    else:
        names = {k: v for k, v in figure_names.items() if k in figs}
    return {"md": _render_md, "tex": _render_tex, "html": _render_html}[fmt](info, figs, names)


def report_files(document: Mapping, path: str | Path, fmt: str | None = None,
                 option: str = "--report") -> list[OutputFile]:
    """The report and its PNG figures (Markdown and LaTeX; HTML embeds them) as files to write.

    ``fmt`` defaults to the one of ``path``'s suffix; figures are named ``<stem>-<figure>.png``
    beside the report. ``option`` names the command-line option of ``path`` in write errors.
    Write them with :func:`certificates.files.write_files` (all or nothing).
    """
    path = Path(path)
    fmt = fmt or {".tex": "tex", ".html": "html", ".htm": "html"}.get(path.suffix.lower(), "md")
    figs = _figures(_model(document))
    names = None
    files = []
    if fmt in ("tex", "md"):  # figures as PNG files beside the report (HTML embeds them)
        names = {k: f"{path.stem}-{k}.png" for k in figs}
        files = [OutputFile(path.parent / names[k], data, option) for k, data in figs.items()]
    return [OutputFile(path, render(document, fmt, figure_names=names, _figs=figs), option)] + files


def write_report(document: Mapping, path: str | Path, fmt: str | None = None) -> Path:
    """Write a report file and its figures (creating its folder), all or nothing; returns the
    report path. A write failure is a :class:`algebra.errors.SpecError` naming ``path``."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return write_files(report_files(document, path, fmt, option="path"))[0]
