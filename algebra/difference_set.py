"""Proofs of identifiability: Ker A misses the difference set (paper, Proposition 6.3).

M is identifiable iff Ker A ∩ (P(M^L) − P(M^{L'})) ⊂ {0} for all pieces L, L' (Proposition 6.3,
(6.2)). Every T = P(h) − P(g), h ∈ M^L, g ∈ M^{L'}, lies in W = span P(M^L) + span P(M^{L'})
(the orbit sums of :mod:`algebra.model_span`; symmetric in tied positions) and has every
flattening -- layer k against the others -- of rank ≤ 2 (a sum of two tensors of flattening rank
≤ 1), so all 3 x 3 minors of its flattenings vanish (:mod:`algebra.flattenings`). Let
U = Ker A ∩ W with basis B_1, ..., B_d and T(z) = Σ z_i B_i. If the cubic forms "3 x 3 minors of
the flattenings of T(z)" have no common zero in C^d but z = 0, the only element of U with every
flattening of rank ≤ 2 is 0; then P(h) − P(g) ∈ Ker A forces P(h) = P(g), and (6.2) holds for
(L, L'). Over C, hence over R.

The certificate of "no common zero but 0" is a **Macaulay matrix** in some degree D with full
column rank (:mod:`algebra.macaulay`): every monomial of degree D is then a combination of the
products m·f of the listed minors f with monomials m, so it lies in the ideal of the minors, and
a common zero z has z_i^D = 0 for every i. Full rank is shown by a square block of listed rows
that is non-singular modulo a prime p (so its integer determinant is non-zero). Only this
direction ("full column rank => empty") is needed for soundness. The degrees tried go up to
Lazard's bound Σ_{i ≤ d}(deg f_i − 1) + 1 = 2d + 1 (beyond it nothing new can appear: the ideal
of an empty projective variety contains every monomial of that degree) or the column limit
:data:`algebra.limits.MACAULAY_MAX_COLUMNS`, whichever is smaller. d = 1 is the kernel-line
case (one non-zero minor, D = 3); d = 0 is injectivity of A on W (no minor needed).

One system on the whole span, or one per pair of pieces? W_{L,L'} ⊂ W_all, so Ker A ∩ W_{L,L'}
⊂ Ker A ∩ W_all: emptiness on the whole span implies it for every pair -- one system, one small
certificate -- and is tried first. It can fail where every pair succeeds: for sparsity models a
union of supports spans every coordinate, and Ker A ∩ W_all may hold tensors of flattening rank
≤ 2 that are no P(h) − P(g) of any pair. Then one **block** per pair (L, L') (L = L' included) is
tried, up to :data:`algebra.limits.DIFFERENCE_SET_MAX_PAIRS` pairs. The certificate lists blocks;
every pair of pieces must lie in one block.

Witness (the ``identifiable`` claim's witness when proved; ``docs/certificate-format.md``)::

    {"difference_set": {"blocks": [{
        "pieces": "all" | [[support of layer 1, ..., support of layer K], ...],
        "groups": [[index tuple, ...], ...],              # the orbit-sum basis of W
        "minor_rows": [...], "minor_groups": [...],       # A·G has a non-singular minor of size #groups − d
        "kernel": [[[group, integer], ...], ...],         # d vectors of Ker A ∩ W (identity on free groups)
        "flattening_minors": [{"layer": k, "rows": [i, i', i''], "cols": [t, t', t'']}, ...],
        "degree": D, "prime": p,
        "macaulay_rows": [[minor number, [e_1, ..., e_d]], ...]}]}}

A checker rebuilds: the groups from the block's pieces; A·G; the minor (rank ≥ #groups − d;
non-singular modulo the block's prime p when d ≥ 1, over Q when d = 0 and p is null) and
the kernel vectors (in Ker A, independent), so they span all of Ker A ∩ W; the tensors
B_i = Σ_j kernel[i][j] (orbit sum of group j) and from them each listed minor as a cubic form in
z (rows i of layer k, columns t of the other layers in layer order); the listed rows
z^e · f_minor; the primality of p; and eliminates the square block modulo p.
:func:`check_difference_set_witness` is that check (plain Python).

Examples
--------
Real phase retrieval y_j = (a_j · x)² in R⁴ from 7 generic measurements (tied layers): Ker A ∩ W
is 3-dimensional (10 symmetric coordinates, rank 7), and 10 of the 3 x 3 minors already span all
cubics in 3 variables (D = 3): identifiable up to sign (Balan-Casazza-Edidin: m = 2n − 1).

>>> import random
>>> from fractions import Fraction
>>> from algebra.network import Layer, MultilinearMap
>>> from algebra.models import ModelCollection
>>> from algebra.lifting import lifting_operator
>>> from algebra.budget import Budget
>>> rng = random.Random(1)
>>> a = [[rng.choice([-1, 1]) * rng.randint(1, 5) for _ in range(4)] for _ in range(7)]
>>> net = MultilinearMap((Layer(7, 7, 4, tuple((i, j, j, Fraction(a[j][i])) for i in range(4) for j in range(7))),
...                       Layer(7, 1, 4, tuple((i, j, 0, Fraction(a[j][i])) for i in range(4) for j in range(7)))))
>>> model = ModelCollection((4, 4), (((0, 1, 2, 3),), ((0, 1, 2, 3),)), ((0, 1),))   # h_1 = h_2
>>> A = lifting_operator(net)
>>> result = difference_set_decision(net, model, A, Budget.unlimited(), seed=0)
>>> block = result.witness["difference_set"]["blocks"][0]
>>> result.status, len(block["kernel"]), block["degree"], len(block["macaulay_rows"])
('proved', 3, 3, 10)
>>> check_difference_set_witness(net, model, A, result.witness)   # raises unless valid
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

import flint

from . import groebner, zero_dim
from .budget import Budget
from .decision import Decision
from .errors import BackendUnavailable, BudgetExceeded, InternalError, WitnessCheckFailed
from .exact import bareiss_determinant
from .flattenings import FlatteningMinor, flattening_minors, minor_form
from .lifting import LiftingOperator
from .limits import (DIFFERENCE_SET_EXACT_MAX_KERNEL, DIFFERENCE_SET_EXACT_SECONDS, DIFFERENCE_SET_GROEBNER_MAX_KERNEL,
                     DIFFERENCE_SET_IN_PROCESS_MAX_KERNEL, DIFFERENCE_SET_MAX_MINORS, DIFFERENCE_SET_MAX_PAIRS,
                     GROEBNER_CALL_SECONDS, MACAULAY_MAX_COLUMNS, MAX_SPAN_COORDINATES)
from .macaulay import (MacaulayCertificate, check_macaulay_certificate, is_prime, macaulay_certificate,
                       monomials_of_degree)
from .model_span import KernelOnSpan, kernel_on_span, span_columns, span_groups
from .modular import nonsingular_mod
from .models import LinearPiece, ModelCollection
from .network import MultilinearMap
from .undecided import Undecided

__all__ = ["difference_set_decision", "DifferenceSetBlock", "block_for_pieces", "check_difference_set_witness",
           "rank_two_locus_dimension"]

IndexTuple = tuple[int, ...]
_PRIME_TRIES = 4  # a non-singular minor fails a random 62-bit prime with probability < 2^-40


@dataclass(frozen=True)
class DifferenceSetBlock:
    """The outcome for one set of pieces (one W).

    ``certificate`` is the Macaulay certificate (None when d = 0, or when none was found);
    ``minors`` the minors its rows refer to (renumbered 0, 1, ...). When no certificate was
    found, ``complex_dimension`` is the projective dimension over C of the flattening-rank-≤-2
    tensors of Ker A ∩ W when known (``dimension_source`` says how: "dimension count" gives a
    lower bound, "Gröbner basis over Q" the value, "Gröbner basis modulo a random prime" the
    value with high probability), -1 when that variety is empty over C, and ``reason`` says what
    stopped.
    """

    pieces: tuple[LinearPiece, ...] | None
    kernel: KernelOnSpan
    minors: tuple[FlatteningMinor, ...] = ()
    certificate: MacaulayCertificate | None = None
    complex_dimension: int | None = None
    dimension_source: str = ""
    reason: str = ""

    @property
    def proved(self) -> bool:
        return self.kernel.dimension == 0 or self.certificate is not None

    def witness(self) -> dict:
        """The block as the certificate's JSON shape (Python values)."""
        pieces = "all" if self.pieces is None else [[list(s) for s in p.supports] for p in self.pieces]
        k = self.kernel
        out = {"pieces": pieces, "groups": [[list(t) for t in g] for g in k.groups],
               "minor_rows": list(k.minor_rows), "minor_groups": list(k.minor_groups),
               "kernel": [[[j, c] for j, c in sorted(v.items())] for v in k.kernel],
               "flattening_minors": [{"layer": m.layer, "rows": list(m.rows), "cols": [list(c) for c in m.cols]}
                                     for m in self.minors],
               "degree": self.certificate.degree if self.certificate else 0,
               "prime": self.certificate.prime if self.certificate else None,
               "macaulay_rows": [[j, list(e)] for j, e in self.certificate.rows] if self.certificate else []}
        return out


def rank_two_locus_dimension(piece: LinearPiece) -> int | None:
    """dim {T on the box of ``piece`` : every flattening of rank ≤ 2}, for an untied piece whose
    supports all have ≥ 2 elements, else None.

    That set is the subspace variety {T ∈ A'_1 ⊗ ... ⊗ A'_K, dim A'_k = 2} (T lies in the tensor
    product of the column spaces of its flattenings), irreducible, of dimension
    Σ_k 2(|T_k| − 2) + 2^K (a Grassmannian per layer plus the 2 x ... x 2 core); for K = 2 it is
    the 2(|T_1| + |T_2|) − 4 of rank-≤-2 matrices.

    >>> from algebra.models import LinearPiece
    >>> rank_two_locus_dimension(LinearPiece(((0, 1, 2, 3), (0, 1, 2)), ((0,), (1,)), (4, 3)))
    10
    """
    if any(len(c) > 1 for c in piece.classes) or any(len(s) < 2 for s in piece.supports):
        return None
    return sum(2 * (len(s) - 2) for s in piece.supports) + 2 ** piece.K


def _lower_bound(pieces: Sequence[LinearPiece], kernel: KernelOnSpan) -> int | None:
    """A proved lower bound on the projective dimension of {T ∈ P(Ker A ∩ W) : flattening rank ≤ 2}
    (projective dimension theorem: (d − 1) + (s − 1) − (N − 1) in P^{N−1}, s the dimension of
    the irreducible rank-≤-2 locus of W), when W is the box of one untied piece."""
    if len(pieces) != 1:
        return None
    s = rank_two_locus_dimension(pieces[0])
    if s is None:
        return None
    N = len(kernel.groups)
    return (kernel.dimension - 1) + (s - 1) - (N - 1)


def block_for_pieces(net: MultilinearMap, model: ModelCollection, A: LiftingOperator, pieces: Sequence[LinearPiece],
                     budget: Budget, seed: int, *, label_all: bool = False) -> DifferenceSetBlock:
    """Try to prove (6.2) for every pair of ``pieces`` with one Macaulay certificate (module docstring)."""
    groups = span_groups(pieces, model.classes, limit=MAX_SPAN_COORDINATES)
    # dim Ker A ∩ W >= #groups − #rows: when that many kernel coordinates already have more cubic
    # monomials than a certificate may list, no degree D >= 3 has one -- decided before any kernel
    least = len(groups) - A.n_rows
    if least > 0 and math.comb(least + 2, 3) > MACAULAY_MAX_COLUMNS:
        raise BudgetExceeded(f"Ker A ∩ W has dimension ≥ {least}, beyond a Macaulay certificate's "
                             f"{MACAULAY_MAX_COLUMNS} columns", phase="difference set")
    budget.charge(len(groups) * A.n_rows, "difference set: kernel on the model span")
    kernel = kernel_on_span(A, groups, seed=seed, budget=budget)
    block_pieces = None if label_all else tuple(pieces)
    d = kernel.dimension
    if d == 0:
        return DifferenceSetBlock(block_pieces, kernel)
    lower = _lower_bound(pieces, kernel)
    if lower is not None and lower >= 0:
        return DifferenceSetBlock(block_pieces, kernel, complex_dimension=lower, dimension_source="dimension count",
                                  reason="not empty over C")
    forms: list[tuple[FlatteningMinor, dict]] = []
    for minor, form in flattening_minors(kernel.tensors(), net.K, model.classes, budget=budget):
        forms.append((minor, form))
        if len(forms) >= DIFFERENCE_SET_MAX_MINORS:
            break
    complete = len(forms) < DIFFERENCE_SET_MAX_MINORS
    if not forms:  # every flattening of every T in U has rank ≤ 2: the whole P(U)
        return DifferenceSetBlock(block_pieces, kernel, complex_dimension=d - 1, dimension_source="no 3 x 3 minor",
                                  reason="not empty over C")
    max_degree = 2 * d + 1  # Lazard's bound for cubics in d variables
    # The block names one prime: the checker eliminates both the Macaulay block and the minor of
    # A·G modulo it, so a prime dividing the minor's determinant (or a denominator) is replaced.
    minor_columns = [span_columns(A, kernel.groups)[j] for j in kernel.minor_groups]
    for attempt in range(_PRIME_TRIES):
        cert = macaulay_certificate([f for _, f in forms], d, max_columns=MACAULAY_MAX_COLUMNS, seed=seed + attempt,
                                    budget=budget, max_degree=max_degree)
        if cert is None or nonsingular_mod(minor_columns, kernel.minor_rows, cert.prime):
            break
    else:
        raise InternalError(f"the minor of A·G is singular modulo {_PRIME_TRIES} random primes")
    if cert is not None:
        used = cert.forms_used
        renumber = {j: n for n, j in enumerate(used)}
        cert = MacaulayCertificate(cert.degree, cert.prime, tuple((renumber[j], m) for j, m in cert.rows))
        return DifferenceSetBlock(block_pieces, kernel, tuple(forms[j][0] for j in used), cert)
    dimension, source, reason = _complex_dimension([f for _, f in forms], d, complete, budget, seed)
    if dimension == -1:
        columns = math.comb(max_degree + d - 1, d - 1)
        reason = (f"empty over C ({source}), but no Macaulay certificate within {MACAULAY_MAX_COLUMNS} columns "
                  f"(d = {d}; Lazard's degree {max_degree} would have {columns})")
    return DifferenceSetBlock(block_pieces, kernel, complex_dimension=dimension, dimension_source=source, reason=reason)


def _complex_dimension(forms: Sequence[Mapping], d: int, complete: bool, budget: Budget,
                       seed: int) -> tuple[int | None, str, str]:
    """(projective dimension, source, reason) of the common zeros of the minors.

    Exactly over Q when quick: Singular (a subprocess) for d ≤ DIFFERENCE_SET_EXACT_MAX_KERNEL
    within DIFFERENCE_SET_EXACT_SECONDS, or python-flint in process for
    d ≤ DIFFERENCE_SET_IN_PROCESS_MAX_KERNEL (it cannot be interrupted); else Singular modulo a
    random prime (the value with high probability); for d > DIFFERENCE_SET_GROEBNER_MAX_KERNEL not
    at all (limits in :mod:`algebra.limits`)."""
    if not complete:
        return None, "", f"more than {DIFFERENCE_SET_MAX_MINORS} flattening minors"
    if d > DIFFERENCE_SET_GROEBNER_MAX_KERNEL:
        return None, "", (f"no Macaulay certificate within {MACAULAY_MAX_COLUMNS} columns, and with d = {d} > "
                          f"{DIFFERENCE_SET_GROEBNER_MAX_KERNEL} no Gröbner basis tells whether the minors have a "
                          f"common zero over C")
    polys = [{m: Fraction(c) for m, c in f.items()} for f in forms]
    budget.charge(sum(len(p) for p in polys), "difference set: Gröbner basis")
    left = budget.remaining_seconds()
    cap = GROEBNER_CALL_SECONDS if left is None else min(left, GROEBNER_CALL_SECONDS)
    affine, source = None, ""
    try:
        if groebner.is_available("singular"):
            if d <= DIFFERENCE_SET_EXACT_MAX_KERNEL:
                try:
                    affine = groebner.krull_dimension("singular", polys, d,
                                                      timeout=min(cap, DIFFERENCE_SET_EXACT_SECONDS))
                    source = "Gröbner basis over Q"
                except BudgetExceeded:
                    pass
            if affine is None:
                affine = zero_dim.modular_dimension(polys, d, seed=seed, timeout=cap)
                source = "Gröbner basis modulo a random prime"
        elif d <= DIFFERENCE_SET_IN_PROCESS_MAX_KERNEL:
            affine = groebner.krull_dimension("flint" if groebner.is_available("flint") else "sympy", polys, d)
            source = "Gröbner basis over Q"
        else:
            return None, "", "no Macaulay certificate found, and Singular is not installed to tell why"
    except BudgetExceeded as exc:
        return None, "", exc.message
    dimension = affine - 1  # a homogeneous ideal: the affine cone is one dimension more
    return dimension, source, "not empty over C" if dimension >= 0 else ""


def difference_set_decision(net: MultilinearMap, model: ModelCollection, A: LiftingOperator, budget: Budget,
                            seed: int) -> Decision | Undecided:
    """Prove identifiability by the emptiness of Ker A ∩ W ∩ {flattening rank ≤ 2} (module docstring).

    Parameters
    ----------
    net, model : the network and its model M = (M^L)
    A : its lifting operator (built once per run)
    budget : charged as the route goes; a Gröbner basis gets the remaining seconds
    seed : chooses the primes

    Returns
    -------
    Decision (``proved``, witness ``{"difference_set": {"blocks": [...]}}``) or Undecided with
    the one-line reason and the complex dimension when known.
    """
    pieces = list(model.pieces())
    try:
        whole = block_for_pieces(net, model, A, pieces, budget, seed, label_all=True)
        if whole.proved:
            return _proved(model, [whole], seed)
        if len(pieces) == 1:
            return _undecided(whole)
        pairs = list(itertools.combinations_with_replacement(range(len(pieces)), 2))
        if len(pairs) > DIFFERENCE_SET_MAX_PAIRS:
            return _undecided(whole, f"; {len(pairs)} pairs of pieces exceed the per-pair limit "
                                     f"({DIFFERENCE_SET_MAX_PAIRS})")
        blocks = []
        for n, (i, j) in enumerate(pairs):
            pair = [pieces[i]] if i == j else [pieces[i], pieces[j]]
            block = block_for_pieces(net, model, A, pair, budget, seed + n + 1)
            if not block.proved:
                return _undecided(block, f" (pieces {i + 1} and {j + 1})")
            blocks.append(block)
        return _proved(model, blocks, seed)
    except BudgetExceeded as exc:
        return Undecided(exc.message)
    except BackendUnavailable as exc:
        return Undecided(str(exc))


def _undecided(block: DifferenceSetBlock, where: str = "") -> Undecided:
    d = block.kernel.dimension
    if block.complex_dimension is not None and block.complex_dimension >= 0:
        bound = "≥ " if block.dimension_source == "dimension count" else ""
        reason = (f"over C the tensors of flattening rank ≤ 2 in Ker A ∩ W form a projective variety of dimension "
                  f"{bound}{block.complex_dimension} ({block.dimension_source}){where}")
    else:
        reason = (block.reason or "no Macaulay certificate found") + where
    return Undecided(reason, block.complex_dimension, block.dimension_source == "dimension count",
                     details={"kernel_dimension": d, "dimension_source": block.dimension_source})


def _proved(model: ModelCollection, blocks: list[DifferenceSetBlock], seed: int) -> Decision:
    dims = [b.kernel.dimension for b in blocks]
    degrees = [b.certificate.degree for b in blocks if b.certificate]
    what = ("the whole span of P(M)" if blocks[0].pieces is None
            else f"each of the {len(blocks)} pairs of model pieces")
    statement = (f"On {what}, Ker A ∩ W (dimension {max(dims)}) holds no non-zero tensor whose flattenings all "
                 f"have rank ≤ 2: " + (f"a Macaulay matrix of the 3 x 3 flattening minors has full column rank in "
                                       f"degree {max(degrees)} (a square block non-singular modulo a prime), so "
                                       f"their only common zero is 0. " if degrees else "A is injective on W. ")
                 + "Every P(h) − P(g) has flattenings of rank ≤ 2, so (6.2) holds (Proposition 6.3)")
    witness = {"difference_set": {"blocks": [b.witness() for b in blocks]}}
    return Decision("identifiable", "proved", statement, relies_on=("Proposition 6.3", "Corollary 5.2"), value=True,
                    witness=witness,
                    assumptions={"field": "C, hence R: the Macaulay certificate excludes every complex zero",
                                 "equivalence": "layer-wise classes <h> of section 3: h_k = λ_k g_k with ∏ λ_k = 1",
                                 "model": model.describe(), "genericity": "none"},
                    evidence={"method": "Macaulay certificate of the flattening minors on Ker A ∩ W",
                              "blocks": len(blocks), "kernel_dimensions": dims, "degrees": degrees},
                    seed=seed)


# ------------------------------------------------------------------------------ the exact check
def _fail(problem: str):
    raise WitnessCheckFailed(f"difference-set witness: {problem}")


def _block_pieces(raw, model: ModelCollection) -> list[LinearPiece]:
    pieces = list(model.pieces())
    if raw == "all":
        return pieces
    by_supports = {tuple(tuple(s) for s in p.supports): p for p in pieces}
    out = []
    for supports in raw:
        key = tuple(tuple(int(i) for i in s) for s in supports)
        if key not in by_supports:
            _fail(f"{supports} is not a piece of the model")
        out.append(by_supports[key])
    return out


def check_difference_set_witness(net: MultilinearMap, model: ModelCollection, A: LiftingOperator,
                                 witness: Mapping) -> None:
    """Re-verify a witness exactly (plain Python integers and Fractions, no Gröbner basis);
    raise WitnessCheckFailed if it is invalid. See the module docstring for what is checked."""
    blocks = witness["difference_set"]["blocks"]
    pieces = list(model.pieces())
    covered: set[tuple[int, int]] = set()
    index = {tuple(p.supports): n for n, p in enumerate(pieces)}
    for block in blocks:
        members = _block_pieces(block["pieces"], model)
        ids = sorted(index[tuple(p.supports)] for p in members)
        covered |= {(i, j) for i in ids for j in ids if i <= j}
        _check_block(net, model, A, members, block)
    missing = [(i, j) for i in range(len(pieces)) for j in range(i, len(pieces)) if (i, j) not in covered]
    if missing:
        _fail(f"the pair of pieces {missing[0]} lies in no block")


def _check_block(net, model, A, members, block) -> None:
    groups = [[tuple(t) for t in g] for g in block["groups"]]
    if groups != span_groups(members, model.classes):
        _fail("the groups are not the orbit-sum basis of the block's span")
    cols = span_columns(A, groups)
    kernel = [{int(j): int(c) for j, c in vec} for vec in block["kernel"]]
    d = len(kernel)
    for vec in kernel:
        image: dict[int, Fraction] = {}
        for j, c in vec.items():
            for r, v in cols[j].items():
                image[r] = image.get(r, 0) + v * c
        if any(image.values()):
            _fail("a kernel vector is not in Ker A")
    # d independent kernel vectors and a non-singular minor on #groups − d groups (any groups:
    # rank-nullity then makes dim(Ker A ∩ W) = d exactly)
    if d and flint.fmpz_mat([[vec.get(j, 0) for j in range(len(groups))] for vec in kernel]).rank() < d:
        _fail("the kernel vectors are linearly dependent")
    rows, chosen = list(block["minor_rows"]), list(block["minor_groups"])
    if len(rows) != len(chosen) or len(chosen) != len(groups) - d:
        _fail("the minor must use #groups − d groups")
    if chosen:
        dense = [[cols[j].get(r, Fraction(0)) for j in chosen] for r in rows]
        den = math.lcm(*(x.denominator for row in dense for x in row))
        if bareiss_determinant([[int(x * den) for x in row] for row in dense]) == 0:
            _fail("the minor of A on the span is singular")
        if d:
            p = int(block["prime"])
            if not (2 <= p < 2**64 and is_prime(p)):
                _fail(f"the block's prime {p} is not a prime below 2^64")
            if not nonsingular_mod([cols[j] for j in chosen], rows, p):
                _fail("the minor of A on the span is singular modulo the block's prime")
    if d == 0:
        return
    tensors = []
    for vec in kernel:
        T: dict[IndexTuple, int] = {}
        for j, c in vec.items():
            for t in groups[j]:
                T[t] = c
        tensors.append(T)
    forms = []
    counts = net.param_counts
    for m in block["flattening_minors"]:
        k = int(m["layer"])
        rows, cols = tuple(int(i) for i in m["rows"]), tuple(tuple(int(i) for i in c) for c in m["cols"])
        others = counts[:k] + counts[k + 1:]
        if not (0 <= k < net.K and len(set(rows)) == 3 == len(rows) and len(set(cols)) == 3 == len(cols)
                and all(0 <= i < counts[k] for i in rows)
                and all(len(c) == len(others) and all(0 <= i < s for i, s in zip(c, others)) for c in cols)):
            _fail(f"flattening minor {m} is not three distinct rows and columns of a flattening")
        forms.append(minor_form(tensors, FlatteningMinor(k, rows, cols)))
    cert = MacaulayCertificate(int(block["degree"]), int(block["prime"]),
                               tuple((int(j), tuple(int(x) for x in e)) for j, e in block["macaulay_rows"]))
    if any(not f for f in forms) or not check_macaulay_certificate(forms, d, cert):
        _fail("the Macaulay block is not a non-singular square block modulo its prime")
    if len(cert.rows) != len(monomials_of_degree(cert.degree, d)):
        _fail("the Macaulay block is not square")
