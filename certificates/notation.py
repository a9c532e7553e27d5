"""The paper's names for what a certificate's numbers mean: coordinates of h, paths, the model.

A witness in a certificate is bare numbers: h = [h_1, ..., h_K] as lists, paths as edge
indices, minors as index tuples. :class:`Notation` reads the spec once and names them the way
the paper (and the user's spec) does:

* **structured** -- h_k[i] and the entries of M_k it sits in (``M_1[0, 2]``), the model's
  supports T_k and ties (sections 1.2.2, 3), and the piece M^L a parameter lies in;
* **feedforward** -- paper factor k holds forward weight layer l = K + 1 − k, so h_k[p] is the
  weight ``W_l[to, from]`` of the p-th edge of that layer (section 1.2.2);
* **conv** -- h_k[i] is the kernel value ``T_{u -> v}[s]`` of the depth-k edge u -> v at offset s
  (the layout pinned in :mod:`graphs.conv`), and a path is written by its node names from the
  leaf, ``x3 -> b -> r``, as the checker's statements and ``tensorlift scatter`` write it.

Reports and notebook displays use it; nothing here decides anything.

Examples
--------
>>> n = Notation({"kind": "conv", "N": 16, "root": "r", "edges": [
...     {"from": "v1", "to": "r", "support": [1, 2, 3]}, {"from": "x", "to": "v1", "support": [1, 2, 3]}]})
>>> n.coordinate(1, 2), n.path([0, 1])
(('h_2[2]', 'T_{x -> v1}[3]'), 'x -> v1 -> r')
>>> [str(p) for _, p in n.kernel_polynomials([["2", "-3", "1"], ["12", "-7", "1"]])]
['z*(z - 2)*(z - 1)', 'z*(z - 4)*(z - 3)']
"""
from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

from graphs.specs import parse_spec

__all__ = ["Notation", "MAX_POSITIONS", "MAX_POLYNOMIAL_DEGREE"]

MAX_POSITIONS = 3  # entries of M_k named for one structured parameter (the rest are counted)
MAX_POLYNOMIAL_DEGREE = 64  # conv kernels shown as factored polynomials in z up to this degree


def _set(items) -> str:
    return "{" + ", ".join(map(str, items)) + "}"


class Notation:
    """The paper's names for the coordinates, paths and model of one spec (see the module docstring).

    Parameters
    ----------
    spec : dict
        A spec of any kind, as embedded in a certificate. Raises
        :class:`algebra.errors.SpecError` if the reader refuses it.
    """

    def __init__(self, spec: Mapping):
        self.loaded = parse_spec(spec)
        self.kind = self.loaded.kind
        self.spec = spec
        net = self.loaded.network
        if self.kind == "structured":
            self._positions: list[dict[int, list[tuple[int, int]]]] = []
            for layer in net.layers:
                where: dict[int, list[tuple[int, int]]] = {}
                for p, r, c, _ in layer.entries:
                    where.setdefault(p, []).append((r, c))
                self._positions.append(where)

    # ------------------------------------------------------------------ layers and coordinates
    @property
    def K(self) -> int:
        return self.loaded.multilinear().K if self.kind != "conv" else self.loaded.network.K

    def layer_title(self, k: int) -> str:
        """What layer k (0-based; the paper's h_{k+1}) is, in one phrase."""
        net = self.loaded.network
        if self.kind == "conv":
            layer = net.edges_by_depth[k]
            edges = ", ".join(e.name.replace("->", " -> ") for e in layer[:MAX_POSITIONS * 2])
            more = f", ... ({len(layer)} edges)" if len(layer) > MAX_POSITIONS * 2 else ""
            return f"layer {k + 1} (depth-{k + 1} edges: {edges}{more})"
        if self.kind == "feedforward":
            l = net.L - k
            return f"layer {k + 1} = forward weights W_{l} (units of layer {l - 1} -> layer {l})"
        layer = net.layers[k]
        return f"layer {k + 1}: M_{k + 1}(h_{k + 1}), {layer.rows} x {layer.cols}, S_{k + 1} = {layer.params}"

    def coordinate(self, k: int, i: int) -> tuple[str, str]:
        """(name, meaning) of h_{k+1}[i] (0-based k and i), e.g. ``("h_1[4]", "T_{v1 -> r}[3]")``."""
        name = f"h_{k + 1}[{i}]"
        net = self.loaded.network
        if self.kind == "conv":
            edge, offset = net.edge_of_param(k + 1, i)
            return name, f"T_{{{edge.source} -> {edge.target}}}[{offset}]"
        if self.kind == "feedforward":
            l = net.L - k
            a, b = net.edges[l - 1][i]
            return name, f"W_{l}[{b}, {a}]"
        cells = self._positions[k].get(i, [])
        shown = ", ".join(f"M_{k + 1}[{r}, {c}]" for r, c in cells[:MAX_POSITIONS])
        more = f" and {len(cells) - MAX_POSITIONS} more" if len(cells) > MAX_POSITIONS else ""
        return name, (shown + more) if cells else "in no entry of M_" + str(k + 1)

    def monomial(self, index: Sequence[int]) -> str:
        """Column (i_1, ..., i_K) of A: the coefficient of h_1[i_1] ... h_K[i_K] in X (Proposition 5.1)."""
        return " ".join(f"h_{k + 1}[{i}]" for k, i in enumerate(index))

    def parameter_rows(self, h: Sequence[Sequence], g: Sequence[Sequence] | None = None) -> list[tuple]:
        """(layer, name, meaning, h value, g value) for every coordinate where h (or g) is non-zero."""
        rows = []
        for k, hk in enumerate(h):
            gk = g[k] if g is not None else [0] * len(hk)
            for i, (x, y) in enumerate(zip(hk, gk)):
                if Fraction(str(x)) != 0 or Fraction(str(y)) != 0:
                    name, meaning = self.coordinate(k, i)
                    rows.append((k + 1, name, meaning, str(x), str(y) if g is not None else None))
        return rows

    # ------------------------------------------------------------------ conv
    def path(self, edge_indices: Sequence[int]) -> str:
        """A conv path given as edge indices (depth 1 first, the certificate's order) by its node
        names from the leaf: ``x -> v1 -> r``."""
        edges = self.spec["edges"]
        chain = [edges[i] for i in reversed(list(edge_indices))]
        return " -> ".join([chain[0]["from"]] + [e["to"] for e in chain])

    def kernel_polynomials(self, h: Sequence[Sequence]) -> list[tuple[str, object]]:
        """Each edge's non-zero kernel T_e(h) as a polynomial in z (sum of h values times z^offset),
        factored over Q -- the paper's way to read a collision (section 8)."""
        import sympy

        z = sympy.Symbol("z")
        out = []
        for e in self.loaded.network.edges:
            if max(e.support) > MAX_POLYNOMIAL_DEGREE:
                continue
            values = h[e.depth - 1][e.offset:e.offset + len(e.support)]
            poly = sum(sympy.Rational(str(v)) * z ** s for v, s in zip(values, e.support))
            if poly != 0:
                out.append((f"{e.source} -> {e.target}", sympy.factor(poly)))
        return out

    # ------------------------------------------------------------------ the model
    def model_lines(self) -> list[str]:
        """The model the claims are about, one line per item (sections 1.2.2, 3 and 8)."""
        spec, net = self.spec, self.loaded.network
        if self.kind == "conv":
            return [f"supports S_e in Z_{net.N}: " + "; ".join(
                f"{e.source} -> {e.target} (depth {e.depth}): {_set(e.support)}" for e in net.edges),
                "every kernel T_e supported on S_e (the model R^{S x K} of section 8)"]
        if self.kind == "feedforward":
            lines = []
            for l, edges in enumerate(net.edges, start=1):
                dense = len(edges) == net.widths[l - 1] * net.widths[l]
                lines.append(f"W_{l} ({net.widths[l]} x {net.widths[l - 1]}): "
                             + ("dense" if dense else f"{len(edges)} weights on the edges "
                                + ", ".join(f"{a}->{b}" for a, b in edges[:12]) + (" ..." if len(edges) > 12 else "")))
            active = [sum(map(sum, masks)) for masks in net.masks]
            lines.append(f"{net.n_samples} sample(s); active hidden units per sample: {active}"
                         if net.L > 1 else f"{net.n_samples} sample(s)")
            return lines
        model = self.loaded.model
        if model is None:
            return ["the full model R^{S_1} x ... x R^{S_K} (no supports, no ties)"]
        raw = (spec.get("model") or {}).get("supports") or [None] * model.K
        lines = []
        for k, (alts, S) in enumerate(zip(model.alternatives, model.param_counts)):
            given = raw[k] if k < len(raw) else None
            if alts == (tuple(range(S)),):
                lines.append(f"T_{k + 1}: full ({S} parameters)")
            elif isinstance(given, Mapping) and "sparsity" in given:
                lines.append(f"T_{k + 1}: every support of size {given['sparsity']} ({len(alts)} supports)")
            elif isinstance(given, Mapping) and "groups" in given:
                lines.append(f"T_{k + 1}: unions of {given['active']} of the groups "
                             + ", ".join(_set(g) for g in given["groups"]) + f" ({len(alts)} supports)")
            else:
                lines.append(f"T_{k + 1} in " + ("{" + ", ".join(_set(t) for t in alts[:12])
                                                  + (", ..." if len(alts) > 12 else "") + "}"))
        for cls in model.classes:
            if len(cls) > 1:
                lines.append("tied layers: " + " = ".join(f"h_{k + 1}" for k in cls))
        lines.append(f"{model.n_pieces()} linear piece(s) M^L")
        return lines

    def piece_of(self, h: Sequence[Sequence]) -> str | None:
        """The supports of the first model piece M^L containing h (structured networks with a
        model of several pieces), e.g. ``T_1 = {0, 1}, T_2 = {0, 3}``; None otherwise."""
        model = self.loaded.model
        if self.kind != "structured" or model is None or model.n_pieces() < 2:
            return None
        values = [[Fraction(str(x)) for x in hk] for hk in h]
        for piece in model.pieces():
            if piece.contains(values):
                return ", ".join(f"T_{k + 1} = {_set(t)}" for k, t in enumerate(piece.supports))
        return None
