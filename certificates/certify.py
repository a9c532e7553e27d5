"""The certificate producer: spec -> claims -> certificate (format version 1).

The producer is heavy and untrusted; :mod:`certificates.checker` re-checks what it writes.
One small function per claim id, each wired to the implementation that computes it:

* ``lifting-rank`` -- structured: exact rank of A with a non-singular minor and kernel vectors
  (:func:`algebra.exact.rank_witness`, or a sympy DomainMatrix route when that is absent);
  conv: the structural count of distinct (leaf, offset-sum) classes (Proposition 8.2).
* ``scattered`` -- conv only: Algorithm 8.1 / Definition 8.1.
* ``identifiable`` -- structured: Ker A = {0} -> proved (Proposition 6.3), a constructive
  counterexample -> refuted, otherwise inconclusive with the reason; conv: Theorem 8.4.
* ``stable`` -- conv: Theorem 8.4's bound when scattered; structured: Theorem 7.2 with the
  deep-NSP constants (1, +inf) when Ker A = {0}, ``proved`` with an exact enclosure of sigma_min
  (:mod:`algebra.sigma_enclosure`) for Gram sides up to ``PROVED_GRAM_SIDE``, else ``numeric``.

The conv claims only present the decisions of :mod:`graphs.conv_decisions` (:func:`conv_claims`).

Examples
--------
>>> spec = {"kind": "structured", "layers": [
...     {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]},
...     {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]}]}
>>> cert = certify(spec)  # X = h_1 h_2^T: A is the identity, Ker A = {0}
>>> [(c["id"], c["status"]) for c in cert.document["claims"]][:2]
[('lifting-rank', 'proved'), ('identifiable', 'proved')]
>>> from certificates.checker import check_certificate
>>> check_certificate(cert.document).exit_code
0
"""
from __future__ import annotations

import contextlib
import json
import math
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable, Mapping

from algebra.budget import Budget
from algebra.decision import Decision, jsonable
from algebra.errors import BudgetExceeded
from algebra.lifting import LiftingOperator, lifting_operator
from algebra.limits import PROVED_GRAM_SIDE
from algebra.rational import fraction_to_str
from graphs.conv_decisions import decide_identifiable, decide_lifting_rank, decide_scattered, decide_stable
from graphs.specs import LoadedSpec, load_spec, parse_spec

from .checker import (FORMAT, MATMUL_STEPS, MAX_WORK, STABLE_DP_BOUND, STABLE_DP_CONDITION, STABLE_TENSOR_BOUND,
                      VERSION, canonical_claim_text, spec_sha256)
from .claims import Claim
from .files import OutputFile, write_files
from .version import installed_version

__all__ = [
    "Certification",
    "certify",
    "certify_file",
    "write_certificate",
    "dumps_certificate",
    "default_certificate_path",
    "lifting_rank_claim",
    "identifiable_structured_claim",
    "stable_structured_claim",
    "conv_claims",
    "TOOL_VERSION",
]

TOOL_VERSION = installed_version()  # pyproject.toml's version, via the installed metadata

Progress = Callable[[str], None]


@dataclass
class Certification:
    """The result of :func:`certify`: the certificate document and what the report needs."""

    document: dict
    claims: list[Claim]
    loaded: LoadedSpec
    extras: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.loaded.name


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise :class:`_TimeUp` inside the block after ``seconds`` (main thread, POSIX only)."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _raise(signum, frame):
        raise _TimeUp()

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ============================================================================ rank witnesses
def _fraction(x) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    num, den = getattr(x, "numerator", None), getattr(x, "denominator", None)
    if num is not None and den is not None:
        num = num() if callable(num) else num
        den = den() if callable(den) else den
        return Fraction(int(num), int(den))
    return Fraction(str(x))


def _rank_witness_sympy(A: LiftingOperator):
    """Exact rank, minor and kernel with sympy's DomainMatrix over QQ (fallback route)."""
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    keys = list(A.columns)
    n_rows, n_nz = A.n_rows, len(keys)
    if n_nz == 0:
        return 0, (), (), "right", (), "sympy"
    data: dict = {}
    for j, t in enumerate(keys):
        for r, v in A.columns[t].items():
            data.setdefault(r, {})[j] = QQ(v.numerator, v.denominator)
    M = DomainMatrix(data, (n_rows, n_nz), QQ)
    _, pivots = M.rref()
    r = len(pivots)
    sub = M.extract(list(range(n_rows)), list(pivots))
    _, row_pivots = sub.transpose().rref()
    side = "left" if n_rows - r < n_nz - r else "right"
    basis = (M.transpose() if side == "left" else M).nullspace().to_Matrix().tolist() if (
        (n_rows if side == "left" else n_nz) - r) else []
    kernel = []
    for vec in basis:
        v = {}
        for i, x in enumerate(vec):
            if x != 0:
                v[i if side == "left" else keys[i]] = Fraction(int(x.p), int(x.q))
        kernel.append(v)
    return r, tuple(row_pivots), tuple(keys[j] for j in pivots), side, tuple(kernel), "sympy"


def _rank_witness(A: LiftingOperator, seed: int):
    """(rank, minor rows, minor cols, side, kernel vectors, method) -- adapter over exact.py."""
    try:
        from algebra.exact import rank_witness
    except ImportError:
        return _rank_witness_sympy(A)
    w = rank_witness(A, seed=seed)
    kernel = tuple({k: _fraction(v) for k, v in vec.items()} for vec in w.kernel)
    method = w.method + (f" (prime {w.prime})" if getattr(w, "prime", None) else "")
    return w.rank, tuple(w.minor_rows), tuple(tuple(c) for c in w.minor_cols), w.kernel_side, kernel, method


def _sparse_vector_json(vec: Mapping, side: str) -> list:
    keys = sorted(vec)
    return [[k if side == "left" else list(k), fraction_to_str(vec[k])] for k in keys if vec[k] != 0]


def lifting_rank_claim(A: LiftingOperator, seed: int = 0, route=None) -> Claim:
    """``lifting-rank`` for a structured network: rank A with both witnesses (Corollary 5.2).

    ``route`` (tests only) replaces the rank-witness computation, e.g. by the sympy fallback.
    """
    r, rows, cols, side, kernel, method = route(A) if route else _rank_witness(A, seed)
    witness = {
        "minor": {"rows": list(rows), "cols": [list(c) for c in cols]},
        "kernel": {"side": side, "vectors": [_sparse_vector_json(v, side) for v in kernel]},
    }
    n_cols = A.n_cols
    statement, assumptions, relies_on = canonical_claim_text(
        "structured", "lifting-rank", "proved", "minor", n_rows=A.n_rows, n_cols=n_cols,
        n_nonzero=len(A.columns), rank=r)
    return Claim(
        "lifting-rank", "proved", statement,
        relies_on=tuple(relies_on), value=r, witness=witness,
        evidence={"method": method, "seed": seed},
        extra={"method": method, "n_rows": A.n_rows, "n_cols": n_cols, "nonzero_columns": len(A.columns)},
    )


# ============================================================================ structured claims
def _search_counterexample(net, model, seed: int):
    """Ask algebra.identifiability (issue 5) for (h, g, note); None when absent/none found.

    Adapter: accepts a function returning ``None``, a pair ``(h, g)`` or an object with
    ``.h``/``.g`` attributes, under the names the identifiability module may use.
    """
    try:
        import algebra.identifiability as ident
    except ImportError:
        return None, "no constructive witness search in this version (algebra.identifiability absent)"
    finder = None
    for name in ("find_nonidentifiability_witness", "nonidentifiability_witness", "find_witness"):
        finder = getattr(ident, name, None)
        if finder:
            break
    if finder is None:
        return None, "algebra.identifiability offers no witness search"
    try:
        try:
            found = finder(net, model=model, seed=seed)
        except TypeError:
            found = finder(net)
    except BudgetExceeded as exc:
        return None, f"witness search over budget: {exc}"
    if found is None:
        return None, "the constructive witness search (every layer, random rational base points) found no counterexample"
    if isinstance(found, tuple):
        h, g = found[0], found[1]
    else:
        h, g = found.h, found.g
    return (h, g), None


def _theorem_6_4_note(net, model, seed: int) -> str | None:
    """The Theorem 6.4 reading when algebra.identifiability provides it (never a proof)."""
    try:
        import algebra.identifiability as ident
    except ImportError:
        return None
    fn = getattr(ident, "theorem_6_4", None)
    if fn is None:
        return None
    try:
        res = fn(net, model=model, seed=seed)
    except Exception:  # an optional note: its absence must not break a certificate
        return None
    holds = getattr(res, "holds", res if isinstance(res, bool) else None)
    if holds:
        evidence = getattr(res, "evidence", None)
        how = f" (rank condition {evidence})" if evidence else ""
        return "identifiable for almost every operator of this rank (Theorem 6.4)" + how
    return None


def _model_span_witness(net, model, A: LiftingOperator, seed: int) -> dict | None:
    """A is injective on span(U_L P(M^L)): from algebra.identifiability.injectivity_witness (issue 5)."""
    try:
        from algebra.identifiability import injectivity_witness
    except ImportError:
        return None
    try:
        w = injectivity_witness(net, model, A, seed=seed)
    except BudgetExceeded:
        return None
    if not w or w.get("kind") != "injective-on-model-span":
        return None
    return {"model_span": {"groups": [[list(t) for t in g] for g in w["minor_cols"]],
                           "minor_rows": list(w["minor_rows"])}}


def _kernel_line_witness(net, model, A: LiftingOperator, seed: int) -> dict | None:
    """Ker A ∩ span P(M) is a line of flattening rank >= 3: from algebra.identifiability (issue 5)."""
    try:
        from algebra.identifiability import kernel_line_witness
    except ImportError:
        return None
    try:
        w = kernel_line_witness(net, model, A, seed=seed)
    except BudgetExceeded:
        return None
    if not w or w.get("kind") != "kernel-line-high-rank":
        return None
    groups = w["groups"]
    T = dict(w["kernel_vector"])
    kernel = [[j, fraction_to_str(_fraction(T[g[0]]))] for j, g in enumerate(groups) if T.get(g[0])]
    rw = w["rank_witness"]
    rows, cols = w["flattening_minor"]
    return {"kernel_line": {
        "groups": [[list(t) for t in g] for g in groups],
        "minor_rows": list(rw.minor_rows) if rw else [], "minor_groups": [int(j) for j in rw.minor_cols] if rw else [],
        "kernel": kernel, "flattening_layer": int(w["flattening_layer"]),
        "flattening_minor": {"rows": [int(i) for i in rows], "cols": [list(c) for c in cols]}}}


def identifiable_structured_claim(net, model, rank: Claim, seed: int = 0,
                                  A: LiftingOperator | None = None) -> Claim:
    """``identifiable`` w.r.t. <h> (Definition 6.1) for a structured network.

    ``model`` is the spec's :class:`algebra.models.ModelCollection` (``LoadedSpec.model``), None
    when the spec states none.

    Ker A = {0} (rank A = S_1 ... S_K) -> proved (Proposition 6.3); a counterexample (h, g) with
    equal action and P(h) != P(g) -> refuted; otherwise inconclusive with the reason.
    """
    from algebra.segre import are_equivalent

    n_cols = math.prod(net.param_counts)
    has_model = model is not None
    model_text = "the model of the spec" if has_model else "the full model R^{S_1} x ... x R^{S_K}"

    def text(status, witness_kind, **values):
        statement, assumptions, relies_on = canonical_claim_text(
            "structured", "identifiable", status, witness_kind, model=has_model, n_cols=n_cols, **values)
        return {"statement": statement, "assumptions": tuple(assumptions), "relies_on": tuple(relies_on)}

    if rank.status == "proved" and rank.value == n_cols:
        return Claim("identifiable", "proved", value=True, witness={"from_claim": "lifting-rank"},
                     **text("proved", "from_claim"))
    span = _model_span_witness(net, model, A, seed) if has_model and A is not None else None
    if span is not None:
        n_groups = len(span["model_span"]["groups"])
        return Claim("identifiable", "proved", value=True, witness=span,
                     **text("proved", "model_span", n_groups=n_groups))
    line = _kernel_line_witness(net, model, A, seed) if A is not None else None
    if line is not None:
        k = line["kernel_line"]["flattening_layer"]
        return Claim("identifiable", "proved", value=True, witness=line,
                     **text("proved", "kernel_line", layer=k + 1))
    found, why = _search_counterexample(net, model, seed)
    if found is not None:
        h, g = ([[Fraction(x) for x in hk] for hk in p] for p in found)
        # the producer checks its own witness before writing it (the checker will again)
        if net.evaluate(h) != net.evaluate(g) or are_equivalent(h, g):
            raise RuntimeError("internal error: the witness search returned an invalid counterexample")
        return Claim(
            "identifiable", "refuted", value=False,
            witness={"h": [[fraction_to_str(x) for x in hk] for hk in h],
                     "g": [[fraction_to_str(x) for x in gk] for gk in g]},
            **text("refuted", "counterexample"))
    if rank.status != "proved":
        why = "the lifting rank is unknown (" + (rank.reason or rank.status) + ")"
    else:
        why = f"Ker A != {{0}} (rank A = {rank.value} < S_1...S_K = {n_cols}); {why}"
    note = _theorem_6_4_note(net, model, seed)
    if note:
        why += f"; {note}, which is not a proof for this A"
    return Claim("identifiable", "inconclusive",
                 f"Identifiability of <h> in {model_text} is not decided.",
                 relies_on=("Proposition 6.3", "Theorem 6.4", "Theorem 6.5"), reason=why)


def _sigma_min_evidence(A: LiftingOperator) -> dict | None:
    """sigma_min(A) in floating point with its tolerance (algebra.singular_values, else numpy)."""
    rank = len(A.columns)  # only called when Ker A = {0}: every column is independent
    try:
        from algebra.singular_values import sigma_min
    except ImportError:
        sigma_min = None
    if sigma_min is not None:
        try:
            s = sigma_min(A, rank=rank)
        except (BudgetExceeded, OverflowError, FloatingPointError):  # e.g. entries beyond floats
            return None
        if s.value is None or not math.isfinite(s.value) or s.value <= 0:
            return None
        return {"sigma_min": float(s.value), "tolerance": float(s.tolerance), "method": s.method,
                "rank_source": s.rank_source, "consistent": bool(s.consistent)}
    if len(A.columns) > 4000 or A.n_rows > 4000:
        return None
    import numpy as np

    dense = np.zeros((A.n_rows, len(A.columns)))
    for j, t in enumerate(A.columns):
        for r, v in A.columns[t].items():
            dense[r, j] = float(v)
    sv = np.linalg.svd(dense, compute_uv=False)
    tol = 1e-9 * max(1.0, float(sv[0]) if sv.size else 1.0)
    return {"sigma_min": float(sv[rank - 1]), "tolerance": tol, "method": "numpy.linalg.svd"}


_FLOAT_MIN, _FLOAT_MAX = Fraction(sys.float_info.min), Fraction(sys.float_info.max)


def _inv_sqrt_upper(lo: Fraction) -> Fraction:
    """A short rational u >= 1/sqrt(lo) (exact when lo is the square of a rational)."""
    num, den = math.isqrt(lo.numerator), math.isqrt(lo.denominator)
    if num * num == lo.numerator and den * den == lo.denominator:
        return Fraction(den, num)
    target = 1 / math.sqrt(lo)
    for digits in range(1, 40):  # round 1/sqrt(lo) up to `digits` significant digits, check exactly
        step = Fraction(10) ** (math.floor(math.log10(target)) - digits + 1)
        u = math.ceil(Fraction(target) / step) * step
        if u * u * lo >= 1 and u <= Fraction(target) * (1 + Fraction(1, 10 ** 9)):
            return u
    lo_root = math.isqrt(lo.numerator * lo.denominator)  # sqrt(lo) >= lo_root / den
    return Fraction(lo.denominator, lo_root)


def _round_up_short(x: Fraction, slack: Fraction) -> Fraction:
    """The shortest decimal in [x, x + slack] (x itself when slack = 0): rounding an upper bound
    up keeps it an upper bound, and the interval at most doubles.

    >>> _round_up_short(Fraction(1, 3), Fraction(1, 100))
    Fraction(17, 50)
    """
    if slack <= 0:
        return x
    for digits in range(0, 60):
        step = Fraction(1, 10 ** digits)
        y = math.ceil(x / step) * step
        if y - x <= slack:
            return y
    return x


def _integer_gram_charpoly(A: LiftingOperator, side: str) -> tuple[int, list[int]]:
    """(d, det(x I - G)) with G the Gram matrix of d A on ``side`` (coefficients highest first).

    The order of rows/columns does not matter: a permutation is a similarity.
    """
    import flint

    d = 1
    for col in A.columns.values():
        for v in col.values():
            d = math.lcm(d, Fraction(v).denominator)
    cols = [{r: int(Fraction(v) * d) for r, v in col.items() if v} for col in A.columns.values()]
    cols = [c for c in cols if c]
    rows = sorted({r for c in cols for r in c})
    dense = [[c.get(r, 0) for c in cols] for r in rows]  # m x n, rows = non-zero rows of A
    B = flint.fmpz_mat(dense)
    G = B.transpose() * B if side == "AtA" else B * B.transpose()
    return d, [int(c) for c in reversed(G.charpoly().coeffs())]


def _sigma_min_proof(net, A: LiftingOperator) -> tuple[dict, dict, Any] | str:
    """(value part, witness, enclosure) of a proved sigma_min enclosure, or the reason why not."""
    n_rows = len({r for col in A.columns.values() for r in col})
    side_size = min(len(A.columns), n_rows)
    if side_size > PROVED_GRAM_SIDE:
        return (f"the exact sigma_min enclosure is limited to Gram sides <= {PROVED_GRAM_SIDE} "
                f"(this one is {side_size}); sigma_min is floating point")
    try:
        from algebra.sigma_enclosure import sigma_min_enclosure
        enc = sigma_min_enclosure(A)
    except (ImportError, BudgetExceeded) as exc:
        return f"no exact sigma_min enclosure ({type(exc).__name__}: {exc})"
    if enc.lo <= 0:  # only for A = 0, excluded by Ker A = {0}; a zero lower bound proves nothing
        return "the exact enclosure gave no positive lower bound on sigma_min"
    if not (_FLOAT_MIN <= enc.lo and enc.hi <= _FLOAT_MAX):  # the value carries float approximations
        return "sigma_min(A)^2 lies outside the floating-point range of the certificate's approximations"
    d, chi = _integer_gram_charpoly(A, enc.gram_side)
    u = _inv_sqrt_upper(enc.lo)
    hi = _round_up_short(enc.hi, enc.hi - enc.lo)
    value = {"sigma_min_squared": {"lo": fraction_to_str(enc.lo), "hi": fraction_to_str(hi)},
             "sigma_min_approx": [math.sqrt(enc.lo), math.sqrt(hi)],
             "inv_sigma_min_upper": fraction_to_str(u)}
    witness = {"from_claim": "lifting-rank", "gram": enc.gram_side, "scale": d, "charpoly": [str(c) for c in chi]}
    return value, witness, enc


def stable_structured_claim(net, A: LiftingOperator | None, identifiable: Claim) -> Claim:
    """``stable`` for a structured network (Theorem 7.2).

    Ker A = {0} gives the deep-NSP constants (γ, ρ) = (1, +∞) (section 7, the first fact after
    Definition 7.1). σ_min(A) is then *proved* to lie in [√lo, √hi] by
    :func:`algebra.sigma_enclosure.sigma_min_enclosure` when the Gram side is at most
    ``PROVED_GRAM_SIDE`` (the checker recomputes the characteristic polynomial and the
    Descartes counts), and Theorem 7.2's bounds hold with u >= 1/√lo >= 1/σ_min; otherwise
    σ_min is floating point and the claim is ``numeric``.
    """
    if identifiable.status == "refuted":
        statement, _, relies_on = canonical_claim_text("structured", "stable", "refuted", "from_claim")
        return Claim("stable", "refuted", statement, relies_on=tuple(relies_on), value=False,
                     witness={"from_claim": "identifiable"})
    kernel_trivial = (identifiable.status == "proved" and A is not None
                      and identifiable.witness == {"from_claim": "lifting-rank"})  # Ker A = {0}
    if kernel_trivial:
        proof = _sigma_min_proof(net, A)
        if not isinstance(proof, str):
            sigma, witness, enc = proof
            value = {"gamma": "1", "rho": "inf", "K": net.K, "S": max(net.param_counts), **sigma,
                     "tensor_bound": STABLE_TENSOR_BOUND, "dp_bound": STABLE_DP_BOUND,
                     "dp_condition": STABLE_DP_CONDITION}
            interval = sigma["sigma_min_squared"]
            statement, assumptions, relies_on = canonical_claim_text(
                "structured", "stable", "proved", "gram", lo=Fraction(interval["lo"]), hi=Fraction(interval["hi"]),
                u=Fraction(sigma["inv_sigma_min_upper"]))
            return Claim(
                "stable", "proved", statement, relies_on=tuple(relies_on),
                value=value, witness=witness, assumptions=tuple(assumptions),
                evidence={"method": "exact characteristic polynomial of the integer Gram matrix, "
                                    "Descartes' rule of signs (all roots real)",
                          "sigma_min_numeric": enc.numeric})
        evidence = _sigma_min_evidence(A)
        if evidence is not None:
            evidence["exact_enclosure"] = proof
            smin = evidence["sigma_min"]
            return Claim(
                "stable", "numeric",
                f"Ker A = {{0}} satisfies the deep-NSP with constants (1, +inf), so Theorem 7.2 gives stable "
                f"recovery with sigma_min(A) ~ {smin:.6g} (floating point).",
                relies_on=("Theorem 7.2", "Definition 7.1", "identifiable"),
                value={"gamma": "1", "rho": "inf", "sigma_min": smin}, evidence=evidence)
    reason = ("Ker A = {0} gives the deep-NSP constants (1, +inf), but sigma_min(A) could be neither "
              "enclosed exactly nor computed in floating point" if kernel_trivial else
              "deep-NSP constants are only known here when Ker A = {0}")
    return Claim("stable", "inconclusive", "Stability of the recovery is not decided.",
                 relies_on=("Theorem 7.2",), reason=reason)


# ============================================================================ conv claims
def _conv_claim(decision: Decision) -> Claim:
    """A section-8 decision as a certificate claim: a decided one carries the checker's canonical
    text for its witness kind, filled with the values the decision names in its details."""
    d = decision
    if d.status == "inconclusive":
        return Claim(d.question, "inconclusive", d.statement, relies_on=tuple(d.relies_on), reason=d.reason)
    extra: dict = {}
    if d.question == "lifting-rank":
        kind, values = "classes_per_leaf", {"rank": d.value}
    elif d.question == "scattered":
        kind, values = "algorithm_8_1", d.details["collision"] or {}
    elif d.question == "identifiable" and d.status == "refuted":
        kind = "counterexample"
        values = {"path": d.details["path"], "all_kernels_nonzero": d.details["all_kernels_nonzero"]}
        extra = {"construction": d.details["construction"], "all_kernels_nonzero": d.details["all_kernels_nonzero"]}
    elif d.question == "stable" and d.status == "proved":
        kind, values = "from_claim", {k: d.details[k] for k in ("K", "S_prime", "N", "one_path")}
    else:
        kind, values = "from_claim", {}
    statement, assumptions, relies_on = canonical_claim_text("conv", d.question, d.status, kind, **values)
    return Claim(d.question, d.status, statement, relies_on=tuple(relies_on), value=jsonable(d.value),
                 witness=jsonable(d.witness), assumptions=tuple(assumptions), extra=extra)


def conv_claims(loaded: LoadedSpec, budget: Budget | None = None,
                progress: Progress | None = None) -> tuple[list[Claim], dict]:
    """The four claims of a conv network (section 8), and a few facts for the summary.

    Presents the decisions of :mod:`graphs.conv_decisions` (lifting-rank, scattered,
    identifiable, stable); a budget reached makes the pending claims ``inconclusive`` with the
    budget's message as the reason.
    """
    net = loaded.network
    budget = budget or Budget.unlimited()
    say = progress or (lambda s: None)
    say("Algorithm 8.1")
    scattered = decide_scattered(net, budget)
    say("structural rank")
    rank = decide_lifting_rank(net, budget, scattered)
    if scattered.status == "refuted":
        say("non-identifiability witness")
    identifiable = decide_identifiable(net, budget, scattered)
    stable = decide_stable(net, budget, scattered, identifiable)
    return [_conv_claim(d) for d in (rank, scattered, identifiable, stable)], {"K": net.K, "N": net.N}


# ============================================================================ driver
def _beyond_checker_budget(A: LiftingOperator, K: int) -> Claim | None:
    """An inconclusive rank claim when the independent checker could not re-check a rank witness
    of A within its work budget (it enumerates every non-zero column, one sparse product each,
    see ``checker.MAX_WORK``): a ``proved`` claim nobody can re-check is not written."""
    work = len(A.columns) * MATMUL_STEPS
    if K < 2 or work <= MAX_WORK:
        return None
    return Claim("lifting-rank", "inconclusive", "The rank of the lifting operator A is not certified.",
                 relies_on=("Corollary 5.2",),
                 reason=f"A has {len(A.columns)} non-zero columns: re-checking a rank witness would take at least "
                        f"{work} steps, beyond the independent checker's work budget of {MAX_WORK} (checker.MAX_WORK)")


def certify(spec: Mapping | LoadedSpec, *, seed: int = 0, max_columns: int | None = None,
            time_limit: float | None = None, progress: Progress | None = None) -> Certification:
    """Run every applicable check on a spec and assemble the certificate.

    Parameters
    ----------
    spec : dict or LoadedSpec
        The spec exactly as read (it is embedded verbatim and hashed).
    seed : int
        Seed of every random choice (written into the certificate).
    max_columns, time_limit : optional budgets
        Exceeding them turns the affected claim into ``inconclusive`` with the reason.
    progress : callable, optional
        Called with the name of each phase as it starts.
    """
    loaded = spec if isinstance(spec, LoadedSpec) else parse_spec(spec)
    say = progress or (lambda s: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def remaining():
        return None if time_limit is None else time_limit - (time.perf_counter() - started)

    claims: list[Claim]
    extras: dict = {"kind": loaded.kind}
    if loaded.kind == "conv":
        t0 = time.perf_counter()
        claims, more = conv_claims(loaded, Budget(seconds=time_limit, max_columns=max_columns), say)
        extras.update(more)
        timings["conv"] = round(time.perf_counter() - t0, 6)
    else:
        net = loaded.multilinear()
        A = None
        t0 = time.perf_counter()
        say("lifting operator")
        try:
            with _time_limit(remaining()):
                A = lifting_operator(net, max_columns=max_columns)
                timings["lifting"] = round(time.perf_counter() - t0, 6)
                t0 = time.perf_counter()
                say("exact rank")
                rank = _beyond_checker_budget(A, net.K) or lifting_rank_claim(A, seed)
                timings["rank"] = round(time.perf_counter() - t0, 6)
        except BudgetExceeded as exc:
            rank = Claim("lifting-rank", "inconclusive", "The rank of the lifting operator A is not computed.",
                         relies_on=("Corollary 5.2",), reason=f"budget exceeded: {exc}")
            A = None
        except _TimeUp:
            rank = Claim("lifting-rank", "inconclusive", "The rank of the lifting operator A is not computed.",
                         relies_on=("Corollary 5.2",), reason=f"time limit of {time_limit} s reached (--time-limit)")
            A = None
        t0 = time.perf_counter()
        say("identifiability")
        try:
            with _time_limit(remaining()):
                ident = identifiable_structured_claim(net, loaded.model, rank, seed, A)
        except _TimeUp:
            ident = Claim("identifiable", "inconclusive", "Identifiability is not decided.",
                          relies_on=("Proposition 6.3",), reason=f"time limit of {time_limit} s reached (--time-limit)")
        timings["identifiability"] = round(time.perf_counter() - t0, 6)
        t0 = time.perf_counter()
        stable = stable_structured_claim(net, A, ident)
        timings["stability"] = round(time.perf_counter() - t0, 6)
        claims = [rank, ident, stable]
        extras.update(rank.extra)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "tool": {"name": "tensorlift", "version": TOOL_VERSION},
        "network": {"spec": loaded.spec, "sha256": spec_sha256(loaded.spec)},
        "seeds": {"seed": seed},
        "timings": timings,
        "claims": [c.to_dict() for c in claims],
    }
    return Certification(document, claims, loaded, extras)


def certify_file(path: str | Path, **kwargs) -> Certification:
    """Read a spec file and :func:`certify` it."""
    return certify(load_spec(path), **kwargs)


def default_certificate_path(spec_path: str | Path) -> Path:
    """``<spec name>.cert.json`` in the current directory."""
    name = Path(spec_path).name
    for suffix in (".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(f"{name}.cert.json")


def write_certificate(document: Mapping, path: str | Path) -> Path:
    """Write a certificate atomically (no partial file on failure; its folder is created);
    deterministic layout. A write failure is a :class:`algebra.errors.SpecError` naming ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_files([OutputFile(path, dumps_certificate(document), "path")])
    return path


def dumps_certificate(document, width: int = 100) -> str:
    """Readable, deterministic JSON: objects one key per line, short lists on one line.

    >>> print(dumps_certificate({"a": [1, 2], "b": {"c": "x"}}))
    {
     "a": [1, 2],
     "b": {
      "c": "x"
     }
    }
    <BLANKLINE>
    """
    return _dump(document, 0, width) + "\n"


def _dump(x, level: int, width: int) -> str:
    flat = json.dumps(x, ensure_ascii=False)
    if not isinstance(x, (dict, list)) or (isinstance(x, list) and len(flat) + level <= width) or not x:
        return flat
    pad = " " * (level + 1)
    if isinstance(x, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, level + 1, width)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    items = [pad + _dump(v, level + 1, width) for v in x]
    return "[\n" + ",\n".join(items) + "\n" + " " * level + "]"
