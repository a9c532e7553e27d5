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
rank(A) = number of classes. Finally y_f[c] = |C_(f, c)| (Algorithm 8.1's dynamic programme,
:mod:`graphs.leaf_kernels` with the support indicators, counts exactly the valid tuples by leaf
and offset sum, since 1_{S_e} * ... sums one Dirac per choice of offsets), so the number of
classes is the number of non-zero entries of the y_f. QED

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

Non-identifiability (Theorem 8.4, first part; Proposition 8.2's construction): when the topology
is not scattered, :func:`find_nonidentifiability_witness` builds exact h, g with the same network
action whose restrictions to some path p have P(h^p) != P(g^p).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Sequence

from algebra.budget import Budget
from algebra.errors import InternalError
from algebra.limits import MAX_CONV_KERNEL_VECTORS, MAX_CONV_TUPLES
from algebra.segre import are_equivalent

from .conv import ConvEdge, ConvNetwork
from .conv_stability import restrict_to_path
from .leaf_kernels import ExactKernels, count_paths, iter_leaf_kernels
from .scattering import Collision, find_collisions, scatter_pass

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
    "separating_path",
    "all_kernels_nonzero",
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
    sigma_min_squared : int
        N * min |C| (exact square of the smallest non-zero singular value; every leaf has a tuple).
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
    sigma_min_squared: int
    method: str = "structural (Proposition 8.2; identical or disjoint column supports)"

    @property
    def kernel_dimension(self) -> int:
        return self.n_cols - self.rank

    @property
    def sigma_min(self) -> float:
        return math.sqrt(self.sigma_min_squared)


def structural_rank(net: ConvNetwork, max_tuples: int = MAX_CONV_TUPLES, *,
                    budget: Budget | None = None) -> StructuralRank:
    """rank(A) = sum_f |{c : y_f[c] != 0}| with the class witness (module docstring: the proof).

    Parameters
    ----------
    net : ConvNetwork
    max_tuples : int
        Enumerate the valid tuples (for the classes and the minor) only if |I| <= max_tuples;
        the rank itself always comes from Algorithm 8.1's DP and is exact.
    budget : Budget, optional
        Charged by Algorithm 8.1 (:class:`~algebra.errors.BudgetExceeded` when spent).

    Raises
    ------
    InternalError
        When the dynamic programme and the enumeration of the valid tuples disagree.

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
    scatter = scatter_pass(net, budget=budget, max_entries=0)
    rank, n_valid = sum(scatter.classes_per_leaf.values()), scatter.n_valid
    sigma2 = net.N * scatter.smallest_class
    classes = minor_rows = minor_cols = None
    if n_valid <= max_tuples:
        classes = {}
        for i, f, s in net.valid_tuples():
            classes.setdefault((f, s), []).append(i)
        classes = {key: classes[key] for key in sorted(classes, key=lambda k: (net.leaves.index(k[0]), k[1]))}
        n = net.N * len(net.leaves)
        minor_cols = [ts[0] for ts in classes.values()]
        minor_rows = [s * n + net.leaves.index(f) * net.N for (f, s) in classes]
        # the dynamic programme and the enumeration are independent routes to the same classes
        if len(classes) != rank or sigma2 != net.N * min(len(ts) for ts in classes.values()):
            raise InternalError(f"{net.name}: Algorithm 8.1 counts {rank} classes (sigma_min^2 = {sigma2}) but "
                                f"the valid tuples form {len(classes)}")
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
    sigma_min_squared: int  # N * min class size; = N when the proposition applies
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
    single = count_paths(net) == 1
    r = structural_rank(net)
    applies = single and r.scattered
    if applies:
        reason = "one path and sufficiently scattered: every column valid, distinct, norm sqrt(N)"
    elif not single:
        reason = f"the network has {count_paths(net)} leaf-root paths, not one"
    else:
        reason = "the topology is not sufficiently scattered (Algorithm 8.1)"
    return Proposition83(applies=applies, single_path=single, scattered=r.scattered,
                         kernel_trivial=r.rank == r.n_cols, sigma_min_squared=r.sigma_min_squared,
                         deep_nsp=(1.0, math.inf) if applies else None, reason=reason)


# ---------------------------------------------------------------------- non-identifiability
@dataclass(frozen=True)
class NonIdentifiabilityWitness:
    """Exact h, g (pinned layout) with M(h) = M(g) and P(h^p) != P(g^p) on ``path`` (Theorem 8.4,
    first part: the classes {h} and {g} of section 8 differ).

    ``construction`` names how it was built; ``path`` is the first leaf->root path (in
    :meth:`~graphs.conv.ConvNetwork.iter_paths` order) that separates h from g;
    ``all_kernels_nonzero`` says whether every edge kernel T_e is non-zero in both h and g.
    """

    h: list[list[Fraction]]
    g: list[list[Fraction]]
    construction: str
    all_kernels_nonzero: bool
    path: tuple[ConvEdge, ...]
    collision: Collision | None = None


def same_network_action(net: ConvNetwork, h, g, *, budget: Budget | None = None) -> bool:
    """M_1(h_1)...M_K(h_K) == M_1(g_1)...M_K(g_K) exactly: every leaf kernel agrees (8.2).

    Streams both leaf kernels side by side and stops at the first leaf that differs.

    >>> from graphs.builders import paper_scattered_example
    >>> net = paper_scattered_example()
    >>> same_network_action(net, [[1, 2, 3], [2, 0]], [[2, 4, 6], [1, 0]])
    True
    """
    pairs = zip(iter_leaf_kernels(net, ExactKernels(net, h), budget=budget),
                iter_leaf_kernels(net, ExactKernels(net, g), budget=budget))
    return all(a == b for (_, a), (_, b) in pairs)


def all_kernels_nonzero(net: ConvNetwork, h: Sequence[Sequence]) -> bool:
    """True iff every edge kernel T_e(h) is non-zero (Theorem 8.4's parameters)."""
    return all(any(h[e.depth - 1][j] for j in e.params) for e in net.edges)


def separating_path(net: ConvNetwork, h, g, *, budget: Budget | None = None) -> tuple[ConvEdge, ...] | None:
    """The first leaf->root path p with P(h^p) != P(g^p), or None when {h} = {g} (section 8).

    >>> from graphs.builders import paper_unscattered_example
    >>> net = paper_unscattered_example()
    >>> [e.name for e in separating_path(net, [[1, 0, 0], [0, 1, 0]], [[0, 1, 0], [1, 0, 0]])]
    ['x->v1', 'v1->r']
    >>> separating_path(net, [[1, 2, 3], [2, 0, 0]], [[2, 4, 6], [1, 0, 0]]) is None
    True
    """
    for path in net.iter_paths():
        if budget is not None:
            budget.charge(net.K, "non-identifiability witness")
        if not are_equivalent(restrict_to_path(net, h, path), restrict_to_path(net, g, path)):
            return tuple(path)
    return None


def _accept(net: ConvNetwork, h, g, name: str, collision: Collision | None,
            budget: Budget | None) -> NonIdentifiabilityWitness | None:
    """The pair as a witness if it has the same action and a separating path (checked exactly)."""
    h = [[Fraction(x) for x in hk] for hk in h]
    g = [[Fraction(x) for x in gk] for gk in g]
    if not same_network_action(net, h, g, budget=budget):
        return None
    path = separating_path(net, h, g, budget=budget)
    if path is None:
        return None
    nonzero = all_kernels_nonzero(net, h) and all_kernels_nonzero(net, g)
    return NonIdentifiabilityWitness(h, g, name, nonzero, path, collision)


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


def _dirac_pair(net: ConvNetwork, collision: Collision) -> tuple[list, list]:
    """Proposition 8.2's construction: h = e_{i_1} x ... , g = e_{i'_1} x ...; M(h), M(g) are the
    (equal) columns i, i' of A, and P(h) = e_i != e_i' = P(g)."""
    i, j = collision.tuples
    h = [[Fraction(int(t == i[k])) for t in range(s)] for k, s in enumerate(net.param_counts)]
    g = [[Fraction(int(t == j[k])) for t in range(s)] for k, s in enumerate(net.param_counts)]
    return h, g


def _two_term_swap(net: ConvNetwork, collision: Collision):
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


def _fill(net: ConvNetwork, h, g, max_edges: int, budget: Budget | None):
    """Greedily make more kernels non-zero while the equal action survives (checked exactly):
    an edge whose kernels agree in h and g is set to all ones in both, kept if M(h) = M(g) and
    P(h) != P(g) still hold."""
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
        if same_network_action(net, h2, g2, budget=budget) and not are_equivalent(h2, g2):
            h, g = h2, g2
    return h, g


def find_nonidentifiability_witness(net: ConvNetwork, max_collisions: int = 20, max_fill_edges: int = 200, *,
                                    budget: Budget | None = None) -> NonIdentifiabilityWitness | None:
    """Exact h, g with equal network action and a path p with P(h^p) != P(g^p), or None when scattered.

    Constructions, in order of preference (each re-verified exactly before it is returned):

    1. chains with arithmetic-progression supports: regroup the roots of the kernel polynomials
       (full-support kernels), as for {1,2,3} * {1,2,3};
    2. a collision differing in two layers of one path: the two-term swap, other kernels filled;
    3. the Dirac construction of Proposition 8.2's proof, with kernels filled where possible;
    4. the plain Dirac construction (always valid).

    A witness with every edge kernel non-zero is preferred; ``all_kernels_nonzero`` reports it.

    Raises
    ------
    BudgetExceeded
        When ``budget`` is spent (every exact leaf-kernel computation and path charges it).
    InternalError
        When even the plain Dirac construction fails its exact re-check.

    Examples
    --------
    >>> from graphs.builders import paper_unscattered_example
    >>> w = find_nonidentifiability_witness(paper_unscattered_example())
    >>> w.construction, w.all_kernels_nonzero, [[int(x) for x in hk] for hk in w.h]
    ('chain-root-regroup', True, [[2, -3, 1], [12, -7, 1]])
    """
    collisions = find_collisions(net, limit=max_collisions, budget=budget)
    if not collisions:
        return None
    fallback = None
    pair = _chain_root_regroup(net)
    if pair:
        w = _accept(net, *pair, "chain-root-regroup", collisions[0], budget)
        if w and w.all_kernels_nonzero:
            return w
        fallback = fallback or w
    for c in collisions:
        pair = _two_term_swap(net, c)
        if pair:
            w = _accept(net, *_fill(net, *pair, max_fill_edges, budget), "two-term-swap", c, budget)
            if w and w.all_kernels_nonzero:
                return w
            fallback = fallback or w
    for c in collisions:
        w = _accept(net, *_fill(net, *_dirac_pair(net, c), max_fill_edges, budget), "dirac-filled", c, budget)
        if w and w.all_kernels_nonzero:
            return w
        fallback = fallback or w
    if fallback:
        return fallback
    w = _accept(net, *_dirac_pair(net, collisions[0]), "dirac", collisions[0], budget)
    if w is None:
        raise InternalError(f"{net.name}: the Dirac pair of the collision {collisions[0].describe()} is not a "
                            "witness, against Proposition 8.2")
    return w


def nonidentifiability_witness(net: ConvNetwork) -> tuple[list[list[Fraction]], list[list[Fraction]]] | None:
    """(h, g): K lists of Fractions each (pinned layout), equal action, P(h) != P(g); None if scattered."""
    w = find_nonidentifiability_witness(net)
    return None if w is None else (w.h, w.g)
