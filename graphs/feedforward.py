"""Feed-forward networks with sparse connectivity and a fixed ReLU activation pattern.

Paper, section 1.2.2 (a ReLU network is, on each cell of a partition of the parameters, a deep
structured linear network), section 6 (the feed-forward example after Theorem 6.5) and
section 9 (one operator per sample, stacked).

A :class:`FeedforwardNetwork` has widths n_0 (inputs), ..., n_L (outputs); weight layer l
(1 ≤ l ≤ L, in forward order) maps units of layer l − 1 to units of layer l through its edges
(from, to) of 0-based unit indices, its parameter p being the weight of the p-th edge; sample s
has the input x_s and a 0/1 ReLU mask per hidden layer (the fixed pattern a_k(h) of
section 1.2.2). Sample s's output is y_s = W_L D_{s,L-1} W_{L-1} ... D_{s,1} W_1 x_s with
D_{s,l} = diag(mask). The ``feedforward`` spec is read by :mod:`graphs.feedforward_spec`.

The multilinear map (paper numbering: factor k = 1 is the OUTPUT side, so paper layer k holds
the weights of forward layer l = L + 1 − k) stacks the samples as the columns of
X = [y_1 ... y_n] (m x n with m = n_L) through block structure:

* M_1(h_1) = [W_L, W_L, ..., W_L]                        (m x n·n_{L-1}, n copies side by side)
* M_k(h_k) = blockdiag_s(D_{s,l} W_l), l = L + 1 − k      (n·n_l x n·n_{l-1}) for 1 < k < L
* M_L(h_L) = blockdiag_s(D_{s,1} W_1 x_s)                 (n·n_1 x n: block s is one column)

so M_1(h_1) ... M_L(h_L) = X exactly (for L = 1: M_1(h_1) = W_1 [x_1 ... x_n]). Its lifting A
is the per-sample operators A_s stacked (rows (o, s) of A are row o of A_s; A's row index is
o * n + s, row-major vec of X), as proposed in section 9.

Examples
--------
>>> from graphs.feedforward_spec import parse_feedforward_spec
>>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1],
...                              "inputs": [[1], [2]], "activations": [[[1, 1]], [[1, 0]]]})
>>> net = ff.to_multilinear()
>>> net.shape, net.param_counts
((1, 2), (2, 2))
>>> [[str(x) for x in row] for row in net.evaluate([[1, 1], [3, 5]])]   # y = [3 + 5, 2 * 3]
[['8', '6']]
>>> find_path_collision(ff) is None    # hidden unit 1 is off on sample 2: no collision
True

:func:`feedforward_identifiability` is the one place that decides the question ``identifiable``
for a feed-forward network: the structured routes of :mod:`algebra.identifiability` on the
compiled map, with section 6's path criterion before the counterexample search and the
hidden-unit rescaling after it. The certificate and :func:`graphs.verdicts.spec_verdict` both
present its decision.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Sequence

import networkx as nx

from algebra.analysis import Analysis
from algebra.budget import Budget
from algebra.decision import Decision
from algebra.dimensions import sigma2_dimension_formula
from algebra.errors import BudgetExceeded, InternalError
from algebra.identifiability import (Route, counterexample_route, identifiability_decision, kernel_line_route,
                                     kernel_trivial_route, model_span_route, nonlinear_route, refutation)
from algebra.limits import MAX_FF_PATHS
from algebra.network import Layer, MultilinearMap
from algebra.segre import are_equivalent

__all__ = [
    "FeedforwardNetwork",
    "iter_paths",
    "find_path_collision",
    "has_path_collision",
    "find_unit_rescaling",
    "every_output_reached",
    "feedforward_routes",
    "feedforward_identifiability",
]

Edge = tuple[int, int]


@dataclass(frozen=True)
class FeedforwardNetwork:
    """A feed-forward network with fixed inputs and a fixed activation pattern.

    Attributes
    ----------
    widths : (n_0, ..., n_L)
    edges : tuple over forward weight layers l = 1..L of tuples of (from, to) pairs
    inputs : tuple over samples of tuples of Fractions (length n_0)
    masks : tuple over samples of tuples over hidden layers 1..L-1 of 0/1 tuples
    name : str
    """

    widths: tuple[int, ...]
    edges: tuple[tuple[Edge, ...], ...]
    inputs: tuple[tuple[Fraction, ...], ...]
    masks: tuple[tuple[tuple[int, ...], ...], ...]
    name: str = "feedforward"

    @property
    def L(self) -> int:
        """Number of weight layers (= K of the multilinear map)."""
        return len(self.widths) - 1

    @property
    def n_samples(self) -> int:
        return len(self.inputs)

    def paper_layer(self, l: int) -> int:
        """Paper factor number k (1-based, output side first) of forward weight layer l (1-based)."""
        return self.L + 1 - l

    def to_graph(self) -> nx.DiGraph:
        """The network as a DAG on nodes (layer, unit); edge attribute ``param`` (0-based)."""
        g = nx.DiGraph()
        for l, width in enumerate(self.widths):
            g.add_nodes_from(((l, u) for u in range(width)), layer=l)
        for l, edges in enumerate(self.edges, start=1):
            for p, (a, b) in enumerate(edges):
                g.add_edge((l - 1, a), (l, b), param=p, weight_layer=l)
        return g

    def active(self, s: int, l: int, unit: int) -> bool:
        """Whether hidden unit ``unit`` of layer l (1 ≤ l ≤ L−1) is active on sample s."""
        return bool(self.masks[s][l - 1][unit])

    def to_multilinear(self) -> MultilinearMap:
        """The stacked multilinear map (see the module docstring); factor 1 = output weights."""
        L, n, w = self.L, self.n_samples, self.widths
        layers: list[Layer] = []
        for k in range(1, L + 1):
            l = L + 1 - k
            entries: dict[tuple[int, int, int], Fraction] = {}
            for p, (a, b) in enumerate(self.edges[l - 1]):
                for s in range(n):
                    if l < L and not self.active(s, l, b):
                        continue
                    if l == 1:
                        x = self.inputs[s][a]
                        if x == 0:
                            continue
                        row = b if L == 1 else s * w[1] + b
                        key, val = (p, row, s), x
                    elif l == L:
                        key, val = (p, b, s * w[L - 1] + a), Fraction(1)
                    else:
                        key, val = (p, s * w[l] + b, s * w[l - 1] + a), Fraction(1)
                    entries[key] = entries.get(key, Fraction(0)) + val
            rows = w[L] if k == 1 else n * w[l]
            cols = n if l == 1 else n * w[l - 1]
            ent = tuple(sorted((p, r, c, v) for (p, r, c), v in entries.items() if v != 0))
            layers.append(Layer.from_checked(rows, cols, len(self.edges[l - 1]), ent))
        return MultilinearMap(tuple(layers))

    def outputs(self, weights: Sequence[Sequence]) -> list[list[Fraction]]:
        """Direct forward pass y_s (exact), weights given per forward layer: the reference for tests."""
        out = []
        for s, x in enumerate(self.inputs):
            v = [Fraction(t) for t in x]
            for l, (edges, wl) in enumerate(zip(self.edges, weights), start=1):
                nxt = [Fraction(0)] * self.widths[l]
                for (a, b), wt in zip(edges, wl):
                    nxt[b] += Fraction(wt) * v[a]
                if l < self.L:
                    nxt = [val if self.active(s, l, u) else Fraction(0) for u, val in enumerate(nxt)]
                v = nxt
            out.append(v)
        return out


# ---------------------------------------------------------------------------- paths
def iter_paths(ff: FeedforwardNetwork, max_paths: int = MAX_FF_PATHS,
               budget: Budget | None = None) -> Iterator[tuple[int, int, tuple[int, ...]]]:
    """All input-to-output paths as (input unit, output unit, edge params per FORWARD layer).

    Raises BudgetExceeded beyond ``max_paths`` (or when ``budget``, charged L units a path, is
    reached).
    """
    out_edges = [{} for _ in ff.edges]
    for l, edges in enumerate(ff.edges):
        for p, (a, b) in enumerate(edges):
            out_edges[l].setdefault(a, []).append((p, b))
    count = 0

    def walk(l: int, unit: int, params: tuple[int, ...]):
        nonlocal count
        if l == ff.L:
            count += 1
            if count > max_paths:
                raise BudgetExceeded(f"more than {max_paths} input-output paths", phase="path criterion")
            if budget is not None:
                budget.charge(ff.L, "path criterion")
            yield unit, params
            return
        for p, b in out_edges[l].get(unit, []):
            yield from walk(l + 1, b, params + (p,))

    for i in range(ff.widths[0]):
        for o, params in walk(0, i, ()):
            yield i, o, params


def _path_active(ff: FeedforwardNetwork, params: tuple[int, ...], s: int) -> bool:
    for l in range(1, ff.L):  # hidden layers
        unit = ff.edges[l - 1][params[l - 1]][1]
        if not ff.active(s, l, unit):
            return False
    return True


def _dirac(ff: FeedforwardNetwork, params: tuple[int, ...]) -> list[list[Fraction]]:
    """The paper-ordered parameters h with h_k = e_{edge} (a Dirac rank-one tensor on the path)."""
    h = []
    for k in range(1, ff.L + 1):
        l = ff.L + 1 - k
        v = [Fraction(0)] * len(ff.edges[l - 1])
        v[params[l - 1]] = Fraction(1)
        h.append(v)
    return h


def find_path_collision(ff: FeedforwardNetwork, max_paths: int = MAX_FF_PATHS, budget: Budget | None = None):
    """Section 6's graph criterion, with its Dirac witness.

    Two distinct paths from the same input entry to the same output entry, both active on
    every sample whose input entry is non-zero (and on at least one sample), give identical
    columns of A; the Diracs h = δ_path1, g = δ_path2 (paper-ordered parameters, one 1 per
    layer) then have equal products and P(h) ≠ P(g), so the network is not identifiable
    (Proposition 6.3, section 6 footnote 10). The pair is re-verified exactly.

    Returns
    -------
    (h, g) or None

    Examples
    --------
    Two hidden units both active: the paths 0 -> 0 -> 0 and 0 -> 1 -> 0 collide.

    >>> from graphs.feedforward_spec import parse_feedforward_spec
    >>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1], [3]]})
    >>> h, g = find_path_collision(ff)
    >>> net = ff.to_multilinear()
    >>> net.evaluate(h) == net.evaluate(g), h, g
    (True, [[Fraction(1, 1), Fraction(0, 1)], [Fraction(1, 1), Fraction(0, 1)]], [[Fraction(0, 1), Fraction(1, 1)], [Fraction(0, 1), Fraction(1, 1)]])
    """
    first: dict[tuple[int, int], tuple[int, ...]] = {}
    net = None
    for i, o, params in iter_paths(ff, max_paths, budget):
        live = [s for s in range(ff.n_samples) if ff.inputs[s][i] != 0]
        if not live or not all(_path_active(ff, params, s) for s in live):
            continue
        if (i, o) not in first:
            first[(i, o)] = params
            continue
        h, g = _dirac(ff, first[(i, o)]), _dirac(ff, params)
        net = net or ff.to_multilinear()
        if net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g):
            return h, g
        raise InternalError("colliding paths did not give a valid witness")
    return None


def has_path_collision(ff: FeedforwardNetwork) -> bool:
    """Yes/no twin of :func:`find_path_collision`."""
    return find_path_collision(ff) is not None


def every_output_reached(ff: FeedforwardNetwork, budget: Budget | None = None) -> bool:
    """Section 6's hypothesis: every output entry of every sample is reached by an active path
    starting at a non-zero input entry.

    The paper says this makes A surjective (rk(A) = m n). That is not true in general: with a
    single path and two identical samples every entry is reached, yet the two rows of A are
    equal (see the tests). tensorlift therefore always computes rk(A) exactly and reports
    ``surjective`` from the rank, never from this test.

    >>> from graphs.feedforward_spec import parse_feedforward_spec
    >>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 1], "inputs": [[1], [1]]})
    >>> every_output_reached(ff), Analysis(ff.to_multilinear()).rank().value == 2
    (True, False)
    """
    reached = set()
    for i, o, params in iter_paths(ff, budget=budget):
        for s in range(ff.n_samples):
            if ff.inputs[s][i] != 0 and _path_active(ff, params, s):
                reached.add((o, s))
    return len(reached) == ff.widths[-1] * ff.n_samples


def find_unit_rescaling(ff: FeedforwardNetwork):
    """A hidden-unit rescaling witness: the ambiguity the layer-wise classes ⟨h⟩ do not quotient.

    Multiplying the weights into hidden unit u (forward layer l) by 2 and the weights out of u by
    1/2 leaves every output unchanged (the activation pattern is fixed), but it is not a
    layer-wise rescaling h_k -> λ_k h_k (section 3) as soon as layer l or l + 1 has an edge not
    touching u. Then P(h) ≠ P(g) with equal products: not identifiable in the sense of
    Definition 6.1 (the paper notes, after Proposition 4.2, that ~ is not adapted to such
    invariances). h = all weights 1. Re-verified exactly.

    >>> from graphs.feedforward_spec import parse_feedforward_spec
    >>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1]],
    ...                              "activations": [[[1, 0]]]})
    >>> h, g = find_unit_rescaling(ff)
    >>> [[str(x) for x in layer] for layer in g]      # paper order: output weights first
    [['1/2', '1'], ['2', '1']]
    """
    net = None
    for l in range(1, ff.L):
        for u in range(ff.widths[l]):
            into = [p for p, (a, b) in enumerate(ff.edges[l - 1]) if b == u]
            out = [p for p, (a, b) in enumerate(ff.edges[l]) if a == u]
            if not into or not out:
                continue
            if len(into) == len(ff.edges[l - 1]) and len(out) == len(ff.edges[l]):
                continue  # the rescaling is layer-wise: ⟨h⟩ already contains it
            forward_h = [[Fraction(1)] * len(e) for e in ff.edges]
            forward_g = [list(x) for x in forward_h]
            for p in into:
                forward_g[l - 1][p] = Fraction(2)
            for p in out:
                forward_g[l][p] = Fraction(1, 2)
            h, g = forward_h[::-1], forward_g[::-1]
            net = net or ff.to_multilinear()
            if net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g):
                return h, g
            raise InternalError("unit rescaling did not give a valid witness")
    return None


# ---------------------------------------------------------------------------- the decision
_PAPER_ORDER = "paper-ordered layers: h_1 = output weights"


def feedforward_routes(ff: FeedforwardNetwork) -> tuple[Route, ...]:
    """The routes of :func:`algebra.identifiability.identifiability_decision` for ``ff``: the
    structured ones, with section 6's path criterion (:func:`find_path_collision`, cheap and
    exact) before the counterexample search and a hidden-unit rescaling
    (:func:`find_unit_rescaling`) after it, then the non-linear routes."""

    def path_criterion(analysis: Analysis, rank: Decision) -> Decision | None:
        with analysis.phase("path criterion") as budget:
            found = find_path_collision(ff, budget=budget)
        if found is None:
            return None
        return refutation(analysis, *found, "section 6's path criterion: two distinct paths join the same input "
                          "entry to the same output entry and are both active on every sample (Dirac parameters "
                          "on them)", relies_on=("section 6 (feed-forward example)",), notes=(_PAPER_ORDER,))

    def unit_rescaling(analysis: Analysis, rank: Decision) -> Decision | None:
        found = find_unit_rescaling(ff)
        if found is None:
            return None
        return refutation(analysis, *found, "a hidden-unit rescaling: the weights into one hidden unit times 2 and "
                          "out of it times 1/2 leave every output unchanged but are not a layer-wise rescaling (the "
                          "classes <h> of section 3 do not quotient per-unit rescalings)",
                          relies_on=("section 3 (equivalence ~)",), notes=(_PAPER_ORDER,))

    return (kernel_trivial_route, model_span_route, kernel_line_route, path_criterion, counterexample_route,
            unit_rescaling, nonlinear_route)


def feedforward_identifiability(ff: FeedforwardNetwork, analysis: Analysis | None = None, *, seed: int = 0,
                                budget: Budget | None = None, rank: Decision | None = None) -> Decision:
    """Identifiability of the weights (full model) of a feed-forward network, with the paper's tests.

    Parameters
    ----------
    ff : FeedforwardNetwork
    analysis : Analysis, optional
        The run on ``ff.to_multilinear()`` (its A and rank are shared with the other questions);
        default: a new one with ``seed`` and ``budget`` (default :meth:`Budget.default`).
    rank : Decision, optional
        The ``lifting-rank`` decision to rest on (default ``analysis.rank()``).

    Returns
    -------
    Decision
        :func:`algebra.identifiability.identifiability_decision` with :func:`feedforward_routes`.
        The details also report the rank of A, whether A is surjective (rank = m n, section 6),
        every output reached, and the paper's inequalities m n ≥ dim Σ_2 (Theorem 6.4's
        condition, 2K(S − 1) + 2 for K > 2) and 2S > m n (Theorem 6.5's), with S = max_k S_k; the
        inequalities alone never decide the status: Theorem 6.4 is generic (a note only) and
        Theorem 6.5 becomes ``refuted`` only with an explicit witness.

    Examples
    --------
    >>> from graphs.feedforward_spec import parse_feedforward_spec
    >>> ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1], [3]]})
    >>> d = feedforward_identifiability(ff)      # two paths 0 -> 0 -> 0 and 0 -> 1 -> 0 collide
    >>> d.status, d.details["found_by"].startswith("section 6's path criterion")
    ('refuted', True)
    """
    if analysis is None:
        analysis = Analysis(ff.to_multilinear(), seed=seed, budget=budget)
    rank = rank if rank is not None else analysis.rank()
    decision = identifiability_decision(analysis, rank=rank, routes=feedforward_routes(ff))
    net = analysis.net
    m, n = net.shape
    K, S = net.K, net.S
    rank_A = rank.value if rank.status == "proved" else None
    details: dict = {"mn": m * n, "K": K, "S": S, "rank_A": rank_A,
                     "surjective": None if rank_A is None else rank_A == m * n}
    try:
        details["every_output_reached"] = every_output_reached(ff, analysis.budget)
    except BudgetExceeded:
        details["every_output_reached"] = None
    sigma2 = sigma2_dimension_formula(K, S)
    # Section 6 writes the condition as m n ≥ 2K(S − 1) + 2; that is dim Σ_2 for K > 2 only
    # (4(S − 1) for K = 2, section 4), so both are reported.
    details["theorem_6_4_inequality"] = {"lhs": "m n", "rhs": "dim Σ_2", "mn": m * n, "dim_sigma2": sigma2,
                                         "holds": m * n >= sigma2,
                                         "as_stated_rhs": 2 * K * (S - 1) + 2,
                                         "holds_as_stated": m * n >= 2 * K * (S - 1) + 2}
    details["theorem_6_5_inequality"] = {"lhs": "2 S", "rhs": "m n", "2S": 2 * S, "mn": m * n, "holds": 2 * S > m * n}
    notes = list(decision.notes)
    if decision.status == "inconclusive":
        if details["surjective"] and details["theorem_6_4_inequality"]["holds"] and not any("Theorem 6.4" in x for x in notes):
            notes.append("A is surjective and m n ≥ dim Σ_2: identifiable for almost every operator of this rank "
                         "(Theorem 6.4)")
        if details["theorem_6_5_inequality"]["holds"]:
            notes.append("2S > m n: Theorem 6.5 states non-identifiability, but no explicit witness was constructed")
    return decision.with_(details={**decision.details, **details}, notes=tuple(notes))
