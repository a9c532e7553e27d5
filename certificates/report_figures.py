"""The figures of a report: the network's DAG, Algorithm 8.1's outputs, a formula (PNG bytes).

Drawn with networkx + matplotlib (Agg backend, no display needed) from the spec embedded in a
certificate. The DAG is laid out in layers, leaves (inputs) on the left and the root (output) on
the right, and labelled in the paper's notation: conv edges by their supports S_e; feed-forward
units x_i (inputs), u^l_i (hidden layer l) and y_i (outputs) with each weight layer named W_l
once above it (edge labels W_l[to, from] only when there are few edges, placed near the edge's
source so that crossing edges do not share a label position); structured networks as the chain
of factor dimensions m_1, ..., m_{K+1} with M_k on its arrow.

Examples
--------
>>> png = dag_figure({"kind": "feedforward", "widths": [2, 2, 1], "inputs": [[1, 2]]})
>>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""
from __future__ import annotations

import io
from typing import Mapping

__all__ = ["dag_figure", "scatter_figure", "formula_png", "network_graph", "MAX_EDGE_LABELS"]

MAX_EDGE_LABELS = 16  # per drawing; beyond it edges are named per layer only (labels would overlap)


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


def network_graph(spec: Mapping):
    """The network as a networkx DiGraph: nodes carry ``layer`` (0 = output side, the drawing's
    right), edges a ``label``; feed-forward nodes also a fixed height ``y``."""
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

        def unit(l, u):
            return f"x{u}" if l == 0 else f"y{u}" if l == L else f"u{l}.{u}"

        for l, w in enumerate(widths):
            for u in range(w):
                g.add_node(unit(l, u), layer=L - l, y=(w - 1) / 2 - u)  # units stacked per layer
        edges = spec.get("edges") or [None] * L
        for l in range(L):
            pairs = edges[l] or [[a, b] for b in range(widths[l + 1]) for a in range(widths[l])]
            for a, b in pairs:
                g.add_edge(unit(l, a), unit(l + 1, b), label=f"W{l + 1}[{b},{a}]", weight_layer=l + 1)
    else:
        layers = spec["layers"]
        dims = [layers[0]["rows"]] + [l["cols"] for l in layers]
        names = [f"m{k + 1}={d}" for k, d in enumerate(dims)]
        for k, l in enumerate(layers):
            g.add_edge(names[k + 1], names[k], label=f"M{k + 1} (S{k + 1}={l['params']})")
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
    """PNG drawing of the network: leaves (inputs) on the left, the root (output) on the right."""
    import networkx as nx

    plt = _plt()
    g = network_graph(spec)
    n_layers = max(nx.get_node_attributes(g, "layer").values()) + 1
    pos = _positions(g)
    tallest = max(sum(1 for v in g if g.nodes[v]["layer"] == k) for k in range(n_layers))
    width = min(12, 2.2 + 1.9 * n_layers)
    height = min(10, 1.6 + 0.55 * tallest)
    fig, ax = plt.subplots(figsize=(width, height))
    nx.draw_networkx(g, pos, ax=ax, node_color="#dbe9f6", edgecolors="#2b5b84", node_size=900,
                     font_size=8, arrowsize=12)
    labels = nx.get_edge_attributes(g, "label")
    if spec.get("kind") == "feedforward":
        top = max(y for _, y in pos.values())
        for l in sorted(set(nx.get_edge_attributes(g, "weight_layer").values())):
            ax.text(l - 0.5, top + 0.45, f"$W_{l}$", ha="center", fontsize=10, color="#2b5b84")  # unit layer l at x = l
        if len(labels) <= MAX_EDGE_LABELS:  # near the source end: crossing edges get apart labels
            nx.draw_networkx_edge_labels(g, pos, labels, ax=ax, font_size=7, label_pos=0.25)
        ax.set_ylim(min(y for _, y in pos.values()) - 0.5, top + 0.8)
    elif len(labels) <= 40:
        nx.draw_networkx_edge_labels(g, pos, labels, ax=ax, font_size=7)
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
    fig.suptitle(r"Algorithm 8.1: $y_f = M_1(\mathbf{1})\cdots M_K(\mathbf{1})\,\delta_f$ "
                 "(red: collisions, entries > 1)", fontsize=9)
    fig.tight_layout()
    return _png(fig)


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
