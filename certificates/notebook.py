"""Rich display in Jupyter: networks, decisions and certifications shown in the paper's notation.

What is shown (presentation only -- everything displayed was decided elsewhere):

* a **network** (:class:`graphs.specs.LoadedSpec`, :class:`algebra.network.MultilinearMap`,
  :class:`graphs.conv.ConvNetwork`, :class:`graphs.feedforward.FeedforwardNetwork`): its kind and
  shape, its model, its factors M_k(h_k) as matrices of linear forms (LaTeX, small networks) and
  the drawing of its DAG;
* a **decision** (:class:`algebra.decision.Decision`): its status, statement, what it rests on,
  the reason of an inconclusive one, and its witness by layer (h_k[i], g_k[i]; a conv path by its
  node names);
* a **certification** (:class:`certificates.certify.Certification`, which has its own
  ``_repr_html_``): the report of :mod:`certificates.report`, with the independent checker's verdict.

Why registration and not methods: ``algebra`` and ``graphs`` may not import ``certificates``
(``tests/test_architecture.py`` reads function-level imports too), and a display registry inside
``algebra`` would put presentation into the exact-algebra layer. IPython's formatters accept
presenters for a type named by module and class (``for_type_by_name``) without importing it, which
is exactly this layering: :func:`register` installs them, and importing :mod:`certificates` inside a
running IPython calls it (``%load_ext certificates.notebook`` does too).

Examples
--------
>>> from algebra.decision import Decision
>>> d = Decision("identifiable", "refuted", "Not identifiable.", relies_on=("Proposition 6.3",),
...              witness={"h": [[1, 0], [2]], "g": [[0, 1], [2]]})
>>> "<td>h_1[1]</td><td>0</td><td>1</td>" in decision_html(d)
True
"""
from __future__ import annotations

import base64
import html
from fractions import Fraction
from typing import Any

from .report import MAX_DRAWN_NODES, content_figures, html_fragment, render, report_content, status_badge
from .report_figures import dag_figure, network_graph

__all__ = ["register", "load_ipython_extension", "decision_html", "decision_markdown", "network_html",
           "network_markdown", "network_latex", "certification_html", "certification_markdown", "PRESENTED",
           "MAX_LATEX_CELLS"]

MAX_LATEX_CELLS = 400  # factors M_k(h_k) larger than this many entries are described, not printed


# ============================================================================ decisions
def _value(x) -> str:
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    return str(x)


def _witness_rows(decision) -> list[tuple[str, str, str]]:
    """(coordinate, h, g) of the non-zero coordinates of a counterexample witness."""
    w = decision.witness or {}
    if "h" not in w:
        return []
    rows = []
    for k, (hk, gk) in enumerate(zip(w["h"], w["g"])):
        for i, (x, y) in enumerate(zip(hk, gk)):
            if Fraction(str(_value(x))) != 0 or Fraction(str(_value(y))) != 0:
                rows.append((f"h_{k + 1}[{i}]", _value(x), _value(y)))
    return rows


def _decision_items(decision) -> list[tuple[str, str]]:
    items = [("rests on", ", ".join(decision.relies_on))] if decision.relies_on else []
    if decision.reason:
        items.append(("reason", decision.reason))
    if decision.value is not None and decision.question == "lifting-rank":
        items.append(("rank of A", _value(decision.value)))
    path = (decision.details or {}).get("path")
    if path and isinstance(path[0], str):
        items.append(("separating path p", " -> ".join(path)))
    for key in ("from_claim", "model_span", "kernel_line", "minor"):
        if key in (decision.witness or {}):
            items.append(("witness", {"from_claim": "rests on " + str(decision.witness.get("from_claim")),
                                      "model_span": "A injective on the span of the model's Segre images",
                                      "kernel_line": "Ker A on the model's span is a line of flattening rank >= 3",
                                      "minor": "a non-singular minor and a kernel basis of A"}[key]))
    items += [("assumption", f"{k}: {v}") for k, v in (decision.assumptions or {}).items()]
    items += [("note", note) for note in decision.notes]
    return items


def decision_html(decision) -> str:
    """A decision as HTML: status, statement, what it rests on, its witness by layer."""
    H = html.escape
    L = [f"<div class='tensorlift'><p><b>{H(decision.question)}</b> {status_badge(decision.status)}</p>",
         f"<p>{H(decision.statement)}</p>"]
    items = _decision_items(decision)
    if items:
        L.append("<ul>" + "".join(f"<li><b>{H(k)}:</b> {H(v)}</li>" for k, v in items) + "</ul>")
    rows = _witness_rows(decision)
    if rows:
        L.append("<table><tr><th>coordinate</th><th>h</th><th>g</th></tr>"
                 + "".join(f"<tr><td>{H(c)}</td><td>{H(x)}</td><td>{H(y)}</td></tr>" for c, x, y in rows)
                 + "</table>")
    return "\n".join(L) + "</div>"


def decision_markdown(decision) -> str:
    """A decision as Markdown (the same content as :func:`decision_html`)."""
    L = [f"**{decision.question}: {decision.status}** — {decision.statement}", ""]
    L += [f"- **{k}:** {v}" for k, v in _decision_items(decision)]
    rows = _witness_rows(decision)
    if rows:
        L += ["", "| coordinate | h | g |", "|---|---|---|"] + [f"| {c} | {x} | {y} |" for c, x, y in rows]
    return "\n".join(L) + "\n"


# ============================================================================ networks
def _parts(obj) -> tuple[str, Any, Any, dict | None]:
    """(kind, network object, model, spec dict or None) of any network-like object."""
    from graphs.specs import LoadedSpec

    if isinstance(obj, LoadedSpec):
        return obj.kind, obj.network, obj.model, dict(obj.spec)
    kind = type(obj).__name__
    if kind == "ConvNetwork":
        return "conv", obj, None, obj.spec
    if kind == "FeedforwardNetwork":
        spec = {"kind": "feedforward", "name": obj.name, "widths": list(obj.widths),
                "edges": [[list(e) for e in layer] for layer in obj.edges],
                "inputs": [[_value(x) for x in sample] for sample in obj.inputs]}
        return "feedforward", obj, None, spec
    return "structured", obj, None, None


def _facts(kind: str, network, model) -> list[tuple[str, str]]:
    if kind == "conv":
        return [("N", str(network.N)), ("K", str(network.K)), ("edges", str(len(network.edges))),
                ("leaves", ", ".join(network.leaves)), ("S_k", ", ".join(map(str, network.param_counts)))]
    if kind == "feedforward":
        return [("widths", " -> ".join(map(str, network.widths))), ("samples", str(network.n_samples))]
    facts = [("K", str(network.K)), ("X", f"{network.shape[0]} x {network.shape[1]}"),
             ("S_k", ", ".join(map(str, network.param_counts)))]
    if model is not None:
        facts.append(("model", model.describe()))
    return facts


def network_latex(obj) -> str | None:
    """The factors M_k(h_k) as LaTeX matrices of linear forms (None when they are too large)."""
    import sympy

    from graphs.specs import to_multilinear
    from graphs.sympy_spec import to_sympy

    kind, network, _, _ = _parts(obj)
    net = to_multilinear(network)
    if sum(l.rows * l.cols for l in net.layers) > MAX_LATEX_CELLS:
        return None
    matrices, symbols = to_sympy(net)
    names = {x: f"h_{{{k + 1},{i}}}" for k, layer in enumerate(symbols) for i, x in enumerate(layer)}
    return "$$" + r" \quad ".join(f"M_{{{k + 1}}}(h_{{{k + 1}}}) = {sympy.latex(M, symbol_names=names)}"
                                  for k, M in enumerate(matrices)) + "$$"


def _model_lines(spec: dict | None) -> list[str]:
    from .notation import Notation

    if spec is None:
        return []
    return Notation(spec).model_lines()


def network_html(obj) -> str:
    """A network as HTML: kind and shape, model, factors (LaTeX, small networks), DAG drawing."""
    H = html.escape
    kind, network, model, spec = _parts(obj)
    name = (spec or {}).get("name") or getattr(network, "name", "") or "network"
    L = [f"<div class='tensorlift'><p><b>{H(str(name))}</b> ({H(kind)})</p><ul>"]
    L += [f"<li><b>{H(k)}:</b> {H(v)}</li>" for k, v in _facts(kind, network, model)]
    L += [f"<li>{H(line)}</li>" for line in _model_lines(spec)]
    L.append("</ul>")
    if spec and spec.get("description"):
        L.append(f"<p>{H(spec['description'])}</p>")
    latex = network_latex(obj) if kind != "conv" else None
    if latex:
        L.append(f"<p>{H(latex)}</p>")
    if spec is None:  # a bare multilinear map: its chain of factors
        from graphs.structured_spec import write_structured_spec

        spec = write_structured_spec(network)
    if network_graph(spec).number_of_nodes() <= MAX_DRAWN_NODES:
        png = dag_figure(spec)
        L.append(f"<img alt='network' src='data:image/png;base64,{base64.b64encode(png).decode()}'>")
    return "\n".join(L) + "</div>"


def network_markdown(obj) -> str:
    """A network as Markdown: kind, shape, model and (small networks) its factors in LaTeX."""
    kind, network, model, spec = _parts(obj)
    name = (spec or {}).get("name") or getattr(network, "name", "") or "network"
    L = [f"**{name}** ({kind})", ""] + [f"- **{k}:** {v}" for k, v in _facts(kind, network, model)]
    L += [f"- {line}" for line in _model_lines(spec)]
    latex = network_latex(obj) if kind != "conv" else None
    return "\n".join(L + ([f"\n{latex}"] if latex else [])) + "\n"


# ============================================================================ certifications
def _check_of(certification):
    """The checker's verdict on a certification, run once and kept with it."""
    from .checker import check_certificate

    if "check" not in certification.extras:
        certification.extras["check"] = check_certificate(certification.document)
    return certification.extras["check"]


def certification_html(certification) -> str:
    """The report of a certification (checker verdict, network, model, claims, witnesses), as HTML."""
    info = report_content(certification.document, _check_of(certification))
    return html_fragment(info, content_figures(info))


def certification_markdown(certification) -> str:
    """The report of a certification as Markdown (figures omitted)."""
    return render(certification.document, "md", check=_check_of(certification), figures=False)


# ============================================================================ registration
# (module, class) -> {mime type: presenter}
PRESENTED = {
    ("algebra.decision", "Decision"): {"text/html": decision_html, "text/markdown": decision_markdown},
    ("graphs.specs", "LoadedSpec"): {"text/html": network_html, "text/markdown": network_markdown,
                                     "text/latex": network_latex},
    ("algebra.network", "MultilinearMap"): {"text/html": network_html, "text/markdown": network_markdown,
                                            "text/latex": network_latex},
    ("graphs.conv", "ConvNetwork"): {"text/html": network_html, "text/markdown": network_markdown},
    ("graphs.feedforward", "FeedforwardNetwork"): {"text/html": network_html, "text/markdown": network_markdown},
}


def register(shell=None) -> bool:
    """Install the presenters in an IPython shell's formatters (default: the running one).

    Returns False outside IPython (nothing to do).
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    formatters = shell.display_formatter.formatters
    for (module, name), presenters in PRESENTED.items():
        for mime, presenter in presenters.items():
            formatters[mime].for_type_by_name(module, name, presenter)
    return True


def load_ipython_extension(shell) -> None:
    """``%load_ext certificates.notebook``."""
    register(shell)
