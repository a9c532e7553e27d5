"""Exact structure of the lifting operator A of a convolutional network (Propositions 8.2, 8.3).

The column structure of A
-------------------------
Let i = (i_1, ..., i_K) be an index tuple (pinned layout of :mod:`graphs.conv`). M_k(e_{i_k}) has a
single non-zero block, at (target, source) of the edge e_k(i_k), equal to C(delta_{s_k}), the cyclic
shift by the kernel offset s_k that parameter i_k sits at. Hence (Corollary 5.2) column i of A is
vec(M_1(e_{i_1}) ... M_K(e_{i_K})) and

* if the edges e_1(i_1), ..., e_K(i_K) do not chain into a leaf-root path (i not in I), some block
  product is empty and the column is 0;
* if they form a path p_i from leaf f, the product is the N x N|F| matrix whose only non-zero
  block is block f, equal to C(delta_{sigma(i)}) with sigma(i) = s_1 + ... + s_K mod N: the column
  is the 0/1 vector with exactly N ones, at the entries (r, f-block column c) with r - c = sigma(i).

Theorem (rank of A). rank(A) = |{(f, sigma(i)) : i in I, f the leaf of p_i}|
= sum_f |{c : y_f[c] != 0}|, with y_f the output of Algorithm 8.1, whether or not the topology
is scattered.

Proof. Group the valid tuples into classes C_(f, c) = {i in I : leaf f, sigma(i) = c}. Two
columns in the same class are the same vector (the pattern depends only on (f, c)). Two columns in
different classes have disjoint supports: different leaves occupy different column blocks of X;
the same leaf with c != c' puts its ones where r - col = c resp. c' (mod N), which never
coincide. Non-zero vectors with pairwise disjoint supports are linearly independent, so the
column space of A has a basis made of one column per class, and invalid tuples add zero columns:
rank(A) = number of classes. Finally y_f[c] = |C_(f, c)| (the DP of :mod:`graphs.scattering`
counts exactly the valid tuples by leaf and offset sum, since 1_{S_e} * ... sums one Dirac per
choice of offsets), so the number of classes is the number of non-zero entries of the y_f. QED

Consequences (all exact):

* T is in Ker A iff sum_{i in C} T_i = 0 for every class C (entries at invalid tuples are
  free). When the topology is scattered
  (every class a singleton, Definition 8.1) this is Proposition 8.2.2: T_i = 0 for all i in I.
* Supports of distinct paths (Supp(p) of section 8) are disjoint iff no class meets two paths
  (Proposition 8.2.1 holds in the scattered case).
* A^T A = N G^T G with G the class-indicator matrix, so the non-zero singular values of A are
  sqrt(N |C|), one per class C: sigma_min = sqrt(N min_C |C|). For one path and a scattered
  topology every class is a singleton and every tuple is valid: Ker A = {0} and sigma_min =
  sqrt(N) (Proposition 8.3).

Witnesses (for certificates): rank >= r is the r x r identity minor on the class representatives
(smallest tuple of each class) and the rows (sigma * N|F| + b N) -- the entry (sigma, column 0 of
block b = index of f), row-major as in :mod:`algebra.lifting`; rank <= r is the structural argument
"columns of one class are equal, the rest are zero", which a checker re-derives from the spec.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

import numpy as np

from algebra.limits import MAX_CONV_KERNEL_VECTORS, MAX_CONV_TUPLES

from .conv import ConvNetwork
from .scattering import find_collisions, iter_scatter_vectors

__all__ = [
    "StructuralRank",
    "structural_rank",
    "kernel_basis",
    "singular_values",
    "Proposition83",
    "proposition_8_3",
    "disjoint_path_supports",
    "NonIdentifiabilityWitness",
    "find_nonidentifiability_witness",
    "nonidentifiability_witness",
    "same_network_action",
]

IndexTuple = tuple[int, ...]


@dataclass(frozen=True)
class StructuralRank:
    """rank(A) of a conv network and its structural witness (see the module docstring).

    Attributes
    ----------
    rank : int
        Number of distinct (leaf, offset-sum) pairs among valid index tuples.
    n_cols : int
        S_1 ... S_K, the number of columns of A (kernel dimension = n_cols - rank).
    n_rows : int
        N * N|F|.
    n_valid : int
        |I|, the number of valid index tuples (non-zero columns).
    scattered : bool
        Definition 8.1 (every class a singleton, i.e. rank == n_valid).
    classes : dict or None
        (leaf, offset) -> sorted list of the valid index tuples in that class (columns with
        identical supports); classes of different keys have disjoint supports. None when the
        enumeration budget was exceeded (rank is still exact).
    minor_rows, minor_cols : lists or None
        An identity minor of A: ``minor_cols[j]`` (the smallest tuple of class j) has its entry
        1 at row ``minor_rows[j]`` and 0 at the other minor rows.
    sigma_min_squared : int or None
        N * min |C| (exact square of the smallest non-zero singular value); None when rank = 0.
    method : str
    """

    rank: int
    n_cols: int
    n_rows: int
    n_valid: int
    scattered: bool
    classes: dict[tuple[str, int], list[IndexTuple]] | None = field(repr=False)
    minor_rows: list[int] | None = field(repr=False)
    minor_cols: list[IndexTuple] | None = field(repr=False)
    sigma_min_squared: int | None
    method: str = "structural (Proposition 8.2; identical or disjoint column supports)"

    @property
    def kernel_dimension(self) -> int:
        return self.n_cols - self.rank

    @property
    def sigma_min(self) -> float | None:
        return None if self.sigma_min_squared is None else math.sqrt(self.sigma_min_squared)


def structural_rank(net: ConvNetwork, max_tuples: int = MAX_CONV_TUPLES) -> StructuralRank:
    """rank(A) = sum_f |{c : y_f[c] != 0}| with the class witness (module docstring: the proof).

    Parameters
    ----------
    net : ConvNetwork
    max_tuples : int
        Enumerate the valid tuples (for the classes and the minor) only if |I| <= max_tuples;
        the rank itself always comes from Algorithm 8.1's DP and is exact.

    Examples
    --------
    {1,2,3} * {1,2,3}: 9 valid tuples land on 5 offset sums (2..6), so rank 5 of 9 columns.

    >>> from graphs.builders import paper_unscattered_example
    >>> r = structural_rank(paper_unscattered_example())
    >>> r.rank, r.n_cols, r.scattered, r.classes[("x", 3)]
    (5, 9, False, [(0, 1), (1, 0)])
    >>> r.sigma_min_squared  # N * min class size = 16 * 1
    16
    """
    rank = n_valid = 0
    smallest = None  # min |C| = smallest non-zero entry of the y_f
    for _, y in iter_scatter_vectors(net):  # streamed: no per-leaf lists kept
        nz = y[y != 0]
        rank += int(nz.size)
        n_valid += int(sum(int(v) for v in nz))
        if nz.size:
            m = int(min(nz))
            smallest = m if smallest is None else min(smallest, m)
    sigma2 = None if smallest is None else net.N * smallest
    classes = minor_rows = minor_cols = None
    if n_valid <= max_tuples:
        classes = {}
        for i, f, s in net.valid_tuples():
            classes.setdefault((f, s), []).append(i)
        classes = {key: classes[key] for key in sorted(classes, key=lambda k: (net.leaves.index(k[0]), k[1]))}
        n = net.N * len(net.leaves)
        minor_cols = [ts[0] for ts in classes.values()]
        minor_rows = [s * n + net.leaves.index(f) * net.N for (f, s) in classes]
        # the DP and the enumeration are independent routes to the same classes
        assert len(classes) == rank and sigma2 == net.N * min(len(ts) for ts in classes.values())
    return StructuralRank(rank=rank, n_cols=math.prod(net.param_counts), n_rows=net.N * net.N * len(net.leaves),
                          n_valid=n_valid, scattered=rank == n_valid, classes=classes,
                          minor_rows=minor_rows, minor_cols=minor_cols, sigma_min_squared=sigma2)


def kernel_basis(net: ConvNetwork, include_zero_columns: bool = True,
                 max_vectors: int = MAX_CONV_KERNEL_VECTORS) -> list[dict[IndexTuple, int]]:
    """A basis of Ker A as sparse tensors {index tuple: coefficient} (integers).

    For each class C with smallest tuple i0: e_i - e_{i0} for the other i in C; and e_i for every
    invalid tuple (zero columns) if ``include_zero_columns``. Dimension n_cols - rank.

    >>> from graphs.builders import paper_unscattered_example
    >>> kernel_basis(paper_unscattered_example())[:2]
    [{(0, 1): -1, (1, 0): 1}, {(0, 2): -1, (1, 1): 1}]
    """
    import itertools

    r = structural_rank(net)
    if r.classes is None or r.kernel_dimension > max_vectors:
        raise ValueError(f"kernel of dimension {r.kernel_dimension} is too large to list (max {max_vectors})")
    out: list[dict[IndexTuple, int]] = []
    valid = set()
    for ts in r.classes.values():
        valid.update(ts)
        out.extend({ts[0]: -1, t: 1} for t in ts[1:])
    if include_zero_columns:
        for t in itertools.product(*(range(s) for s in net.param_counts)):
            if t not in valid:
                out.append({t: 1})
    return out


def singular_values(net: ConvNetwork) -> dict[float, int]:
    """Non-zero singular values of A with multiplicities: sqrt(N |C|) once per class C."""
    r = structural_rank(net)
    if r.classes is None:
        raise ValueError("too many valid tuples to list the classes")
    out: dict[float, int] = {}
    for ts in r.classes.values():
        v = math.sqrt(net.N * len(ts))
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def disjoint_path_supports(net: ConvNetwork) -> bool:
    """Proposition 8.2.1: Supp(p) and Supp(p') disjoint for every pair of distinct paths.

    Supp(p) is the set of (leaf, offset) classes reached by p's tuples (as translates: the
    entries (r, f-block c) with r - c in that set).
    """
    seen: dict[tuple[str, int], int] = {}
    for pid, path in enumerate(net.paths()):
        f = path[0].source
        sums = {0}
        for e in path:
            sums = {(a + s) % net.N for a in sums for s in e.support}
        for s in sums:
            if seen.setdefault((f, s), pid) != pid:
                return False
    return True


@dataclass(frozen=True)
class Proposition83:
    """Outcome of Proposition 8.3's checks for one network."""

    applies: bool  # |P| = 1 and scattered
    single_path: bool
    scattered: bool
    kernel_trivial: bool  # rank == n_cols (Ker A = {0})
    sigma_min_squared: int | None  # N * min class size; = N when the proposition applies
    deep_nsp: tuple[float, float] | None  # (gamma, rho) = (1, inf) when it applies
    reason: str


def proposition_8_3(net: ConvNetwork) -> Proposition83:
    """Check Proposition 8.3 exactly: |P| = 1 and scattered => Ker A = {0}, deep-NSP (1, +inf),
    sigma_min = sqrt(N).

    >>> from graphs.builders import paper_scattered_example
    >>> p = proposition_8_3(paper_scattered_example())
    >>> p.applies, p.kernel_trivial, p.sigma_min_squared, p.deep_nsp
    (True, True, 16, (1.0, inf))
    """
    single = len(net.edges) == net.K and len(net.leaves) == 1  # a chain: exactly one path
    r = structural_rank(net)
    applies = single and r.scattered
    if applies:
        reason = "one path and sufficiently scattered: every column valid, distinct, norm sqrt(N)"
    elif not single:
        reason = f"the network has {len(net.edges)} edges for K = {net.K}: more than one path"
    else:
        reason = "the topology is not sufficiently scattered (Algorithm 8.1)"
    return Proposition83(applies=applies, single_path=single, scattered=r.scattered,
                         kernel_trivial=r.rank == r.n_cols, sigma_min_squared=r.sigma_min_squared,
                         deep_nsp=(1.0, math.inf) if applies else None, reason=reason)


# ---------------------------------------------------------------------- non-identifiability
@dataclass(frozen=True)
class NonIdentifiabilityWitness:
    """Exact h, g (pinned layout) with M(h) = M(g) and P(h) != P(g) (Theorem 8.4, first part).

    ``construction`` names how it was built; ``all_kernels_nonzero`` says whether every edge
    kernel T_e is non-zero in both h and g; ``path_equivalent`` whether h and g are equivalent
    for the network equivalence {h} of section 8 (False for a good witness).
    """

    h: list[list[Fraction]]
    g: list[list[Fraction]]
    construction: str
    all_kernels_nonzero: bool
    path_equivalent: bool
    collision: object | None = None


def _leaf_kernels(net: ConvNetwork, h: Sequence[Sequence[Fraction]]) -> dict[str, np.ndarray]:
    """kernel_f for every leaf by the DP of Algorithm 8.1 with actual kernels (exact)."""
    from .scattering import _root_first_order

    R: dict[str, np.ndarray] = {}
    for v in _root_first_order(net):
        vec = np.zeros(net.N, dtype=object)
        vec[:] = Fraction(0)
        if v == net.root:
            vec[0] = Fraction(1)
        else:
            for e in net.out_edges(v):
                w = R[e.target]
                hk = h[e.depth - 1]
                for j, s in enumerate(e.support):
                    x = hk[e.offset + j]
                    if x:
                        vec += np.roll(w, s) * x
        R[v] = vec
    return {f: R[f] for f in net.leaves}


def same_network_action(net: ConvNetwork, h, g) -> bool:
    """M_1(h_1)...M_K(h_K) == M_1(g_1)...M_K(g_K) exactly (compares every leaf kernel, (8.2))."""
    a, b = _leaf_kernels(net, h), _leaf_kernels(net, g)
    return all(list(a[f]) == list(b[f]) for f in net.leaves)


def _edge_nonzero(net: ConvNetwork, h) -> bool:
    return all(any(h[e.depth - 1][j] for j in e.params) for e in net.edges)


def _accept(net, h, g, name, collision=None) -> NonIdentifiabilityWitness | None:
    from algebra.segre import are_equivalent

    from .conv_stability import are_network_equivalent

    h = [[Fraction(x) for x in hk] for hk in h]
    g = [[Fraction(x) for x in gk] for gk in g]
    if not same_network_action(net, h, g) or are_equivalent(h, g):
        return None
    nonzero = _edge_nonzero(net, h) and _edge_nonzero(net, g)
    return NonIdentifiabilityWitness(h, g, name, nonzero, are_network_equivalent(net, h, g), collision)


def _chain_root_regroup(net: ConvNetwork):
    """Chains whose supports of size >= 2 are arithmetic progressions with one common step d:
    kernel_k(z) = z^{o_k} prod_{r in roots_k} (z^d - r); h and g use the same integer roots
    1..R split differently between two layers (a root swapped), so the products agree in
    Q[z] (hence in Q[z]/(z^N - 1)) while the factors are not proportional (unique factorisation).
    """
    if len(net.edges) != net.K or len(net.leaves) != 1:
        return None
    layers = [layer[0] for layer in net.edges_by_depth]
    step = None
    for e in layers:
        if len(e.support) >= 2:
            srt = sorted(e.support)
            diffs = {b - a for a, b in zip(srt, srt[1:])}
            if len(diffs) != 1 or (step is not None and diffs != {step}):
                return None
            step = diffs.pop()
    big = [k for k, e in enumerate(layers) if len(e.support) >= 2]
    if len(big) < 2:
        return None
    roots, nxt = [], 1
    for e in layers:
        roots.append(list(range(nxt, nxt + len(e.support) - 1)))
        nxt += len(e.support) - 1
    swapped = [list(r) for r in roots]
    a, b = big[0], big[1]
    swapped[a][-1], swapped[b][0] = roots[b][0], roots[a][-1]

    def params(root_sets):
        kernels = {}
        for e, rs in zip(layers, root_sets):
            poly = [Fraction(1)]  # coefficients in w = z^d, constant first
            for r in rs:  # multiply by (w - r)
                poly = [(poly[j - 1] if j else 0) - r * (poly[j] if j < len(poly) else 0) for j in range(len(poly) + 1)]
            o = min(e.support)
            kernels[e.index] = [poly[(s - o) // step] if step else poly[0] for s in e.support]
        return net.params_from_kernels(kernels)

    return params(roots), params(swapped)


def _dirac_pair(net: ConvNetwork, collision) -> tuple[list, list]:
    """Proposition 8.2's construction: h = e_{i_1} x ... , g = e_{i'_1} x ...; M(h), M(g) are the
    (equal) columns i, i' of A, and P(h) = e_i != e_i' = P(g)."""
    i, j = collision.tuples
    h = [[Fraction(int(t == i[k])) for t in range(s)] for k, s in enumerate(net.param_counts)]
    g = [[Fraction(int(t == j[k])) for t in range(s)] for k, s in enumerate(net.param_counts)]
    return h, g


def _two_term_swap(net: ConvNetwork, collision):
    """When the colliding tuples share their path and differ in exactly two layers a < b:
    with d = s'_a - s_a = s_b - s'_b (mod N), h_a = z^{s_a}(1 + w), h_b = z^{s'_b}(1 + 2w),
    g_a = z^{s_a}(1 + 2w), g_b = z^{s'_b}(1 + w) (w = z^d): equal products, non-proportional
    factors. Every other edge on the path keeps its Dirac (completed by :func:`_fill`)."""
    i, j = collision.tuples
    if collision.paths[0] != collision.paths[1]:
        return None
    D = [k for k in range(net.K) if i[k] != j[k]]
    if len(D) != 2:
        return None
    h, g = _dirac_pair(net, collision)
    a, b = D
    # layer a: h has 1 at i_a and 1 at j_a; g has 1 at i_a and 2 at j_a
    h[a][j[a]], g[a][j[a]] = Fraction(1), Fraction(2)
    g[a][i[a]] = Fraction(1)
    # layer b: h has 1 at j_b (s'_b) and 2 at i_b (s_b); g has 1 at both
    h[b][j[b]], h[b][i[b]] = Fraction(1), Fraction(2)
    g[b][j[b]], g[b][i[b]] = Fraction(1), Fraction(1)
    return h, g


def _fill(net: ConvNetwork, h, g, max_edges: int):
    """Greedily make more kernels non-zero while the equal action survives (checked exactly):
    an edge whose kernels agree in h and g is set to all ones in both, kept if M(h) = M(g) and
    P(h) != P(g) still hold."""
    from algebra.segre import are_equivalent

    if len(net.edges) > max_edges:
        return h, g
    for e in net.edges:
        k = e.depth - 1
        if any(h[k][p] != g[k][p] for p in e.params) or all(h[k][p] == 1 for p in e.params):
            continue
        h2 = [list(x) for x in h]
        g2 = [list(x) for x in g]
        for p in e.params:
            h2[k][p] = g2[k][p] = Fraction(1)
        if same_network_action(net, h2, g2) and not are_equivalent(h2, g2):
            h, g = h2, g2
    return h, g


def find_nonidentifiability_witness(net: ConvNetwork, max_collisions: int = 20,
                                    max_fill_edges: int = 200) -> NonIdentifiabilityWitness | None:
    """Exact h, g with equal network action and P(h) != P(g), or None when scattered.

    Constructions, in order of preference (each re-verified exactly before it is returned):

    1. chains with arithmetic-progression supports: regroup the roots of the kernel polynomials
       (full-support kernels), as for {1,2,3} * {1,2,3};
    2. a collision differing in two layers of one path: the two-term swap, other kernels filled;
    3. the Dirac construction of Proposition 8.2's proof, with kernels filled where possible;
    4. the plain Dirac construction (always valid).

    A witness with every edge kernel non-zero is preferred; ``all_kernels_nonzero`` reports it.

    Examples
    --------
    >>> from graphs.builders import paper_unscattered_example
    >>> w = find_nonidentifiability_witness(paper_unscattered_example())
    >>> w.construction, w.all_kernels_nonzero, [[int(x) for x in hk] for hk in w.h]
    ('chain-root-regroup', True, [[2, -3, 1], [12, -7, 1]])
    """
    collisions = find_collisions(net, limit=max_collisions)
    if not collisions:
        return None
    fallback = None
    pair = _chain_root_regroup(net)
    if pair:
        w = _accept(net, *pair, "chain-root-regroup", collisions[0])
        if w and w.all_kernels_nonzero:
            return w
        fallback = fallback or w
    for c in collisions:
        pair = _two_term_swap(net, c)
        if pair:
            w = _accept(net, *_fill(net, *pair, max_fill_edges), "two-term-swap", c)
            if w and w.all_kernels_nonzero:
                return w
            fallback = fallback or w
    for c in collisions:
        w = _accept(net, *_fill(net, *_dirac_pair(net, c), max_fill_edges), "dirac-filled", c)
        if w and w.all_kernels_nonzero:
            return w
        fallback = fallback or w
    if fallback:
        return fallback
    w = _accept(net, *_dirac_pair(net, collisions[0]), "dirac", collisions[0])
    assert w is not None, "Proposition 8.2: the Dirac pair of a collision is always a witness"
    return w


def nonidentifiability_witness(net: ConvNetwork) -> tuple[list[list[Fraction]], list[list[Fraction]]] | None:
    """(h, g): K lists of Fractions each (pinned layout), equal action, P(h) != P(g); None if scattered."""
    w = find_nonidentifiability_witness(net)
    return None if w is None else (w.h, w.g)
