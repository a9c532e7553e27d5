"""Hostile certificates: small files built to make the checker run for minutes or eat memory.

Every family below is a function ``size -> bytes`` (``size``: roughly the file's size in bytes,
at most 1 MB) giving one certificate file. The checker must answer each with a verdict line and
exit 0, 1 or 2 within its time and memory bounds (``docs/certificate-format.md``, "Work budget");
:func:`run_checker` runs the standalone checker on one in a subprocess capped by
``resource.setrlimit`` and reports (exit code, stdout, stderr, seconds).

The families follow the ways a certificate can hide work: huge numbers where the checker
multiplies (the scale of a Gram matrix, the entries of a minor, every numeric field, a minimal
polynomial's coefficients), wide objects where it enumerates (a model's span, group
combinations, deep K, a Macaulay degree or block, a minimal polynomial's degree), loops it runs
to a bound (the bisection of an algebraic witness's interval), structures its readers recurse
into (deep nesting) and text it prints (odd Unicode).

Run ``python -m tests.certificates.hostile [DIR] [SIZE]`` to write every family into DIR.
"""
from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["FAMILIES", "EXPECTED", "FAST", "FAST_SIZE", "hostile", "run_checker", "certificate"]

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "certificates" / "checker.py"
MAX_SIZE = 1_000_000
REQUIRED = ("lifting-rank", "identifiable", "stable")


def _sha(spec) -> str:
    import hashlib

    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()  # (a lone surrogate: any hash)


def certificate(spec: dict, claims: list[dict]) -> dict:
    """A version-1 document around ``spec`` and ``claims``; every claim the format requires and
    ``claims`` lacks is added as ``inconclusive``."""
    have = {c["id"] for c in claims}
    required = REQUIRED + (("scattered",) if spec.get("kind") == "conv" else ())
    rest = [{"id": c, "status": "inconclusive", "statement": "Not decided.", "relies_on": [], "reason": "hostile"}
            for c in required if c not in have]
    return {"format": "tensorlift-certificate", "version": 1, "tool": {"name": "tensorlift", "version": "0"},
            "network": {"spec": spec, "sha256": _sha(spec)}, "claims": claims + rest}


def _claim(cid: str, status: str, witness: dict, value=None, kind: str = "structured", witness_kind: str = "",
           **values) -> dict:
    """A re-checked claim with the checker's canonical text for ``values`` (when they are given),
    so that the checker reaches the expensive step instead of stopping at the words."""
    out = {"id": cid, "status": status, "statement": "hostile", "relies_on": [], "witness": witness}
    if value is not None:
        out["value"] = value
    if witness_kind:
        from certificates.checker import canonical_claim_text

        try:
            statement, assumptions, relies_on = canonical_claim_text(kind, cid, status, witness_kind, **values)
        except (ValueError, KeyError, TypeError):  # e.g. a number too long to print
            return out
        out.update(statement=statement, relies_on=relies_on)
        if assumptions:
            out["assumptions"] = assumptions
    return out


def _identity_layer(n: int, digits: int = 0) -> dict:
    """One n x 1 layer with n parameters: A = diag of (10^digits + 1)... (the identity for 0)."""
    c = 10 ** digits + 7 if digits else 1
    return {"rows": n, "cols": 1, "params": n, "entries": [[i, i, 0, c] for i in range(n)]}


def _rank_claim(n: int, prime: int | None = None) -> dict:
    """rank n of an n x 1 layer with n parameters (A is n x n), the whole A as the minor."""
    minor = {"rows": list(range(n)), "cols": [[i] for i in range(n)]}
    if prime is not None:
        minor["prime"] = prime
    return _claim("lifting-rank", "proved", {"minor": minor, "kernel": {"side": "right", "vectors": []}}, n,
                  witness_kind="minor", n_rows=n, n_cols=n, n_nonzero=n, rank=n)


def _stable_claim(scale: int, side: int) -> dict:
    value = {"gamma": "1", "rho": "inf", "K": 1, "S": side, "sigma_min_squared": {"lo": "1", "hi": "1"},
             "sigma_min_approx": [1.0, 1.0], "inv_sigma_min_upper": "1",
             "tensor_bound": "||P(h*) - P(hbar)|| <= u*(delta+eta)",
             "dp_bound": ("d_p(<h*>, <hbar>) <= 7*(K*S)**(1/p)*u*min(||P(hbar)||_inf**(1/K-1), "
                          "||P(h*)||_inf**(1/K-1))*(delta+eta)"),
             "dp_condition": "hbar in R_*^{S x K} and u*(delta+eta) <= max(||P(hbar)||_inf, ||P(h*)||_inf)/2"}
    witness = {"from_claim": "lifting-rank", "gram": "AtA", "scale": scale, "charpoly": ["1"] * (side + 1)}
    from fractions import Fraction

    one = Fraction(1)
    return _claim("stable", "proved", witness, value, witness_kind="gram", lo=one, hi=one, u=one)


def _fits(make, size: int):
    """The largest parameter n (doubling, then bisecting) whose document stays within ``size``."""
    lo, hi = 1, 2
    while len(make(hi)) <= size and hi < 10 ** 7:
        lo, hi = hi, hi * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if len(make(mid)) <= size else (lo, mid)
    return make(lo)


def _dump(doc) -> bytes:
    """Compact JSON; non-ASCII as \\u escapes (a lone surrogate is valid JSON only that way)."""
    return json.dumps(doc, separators=(",", ":")).encode("ascii")


# ============================================================================ families
def huge_scale(size: int, side: int = 20) -> bytes:
    """A proved ``stable`` claim whose Gram scale is a huge integer (the characteristic polynomial
    of scale^2 I)."""
    digits = min(4000, max(10, size // 4))
    upper = [[p, r, 0, 1] for p in range(side) for r in range(p + 1)]  # A upper triangular: a dense Gram matrix
    spec = {"kind": "structured", "layers": [{"rows": side, "cols": 1, "params": side, "entries": upper}]}
    return _dump(certificate(spec, [_rank_claim(side), _stable_claim(10 ** (digits - 1) + 3, side)]))


def wide_gram(size: int, side: int | None = None) -> bytes:
    """A proved ``stable`` claim over a dense n x n A of 10-digit integers (a dense Gram matrix of
    20-digit entries; side ``side``, or as large as the file allows)."""
    def make(n):
        rng = random.Random(n)
        entries = [[p, r, 0, rng.randrange(10 ** 9, 10 ** 10)] for p in range(n) for r in range(n)]
        spec = {"kind": "structured", "layers": [{"rows": n, "cols": 1, "params": n, "entries": entries}]}
        return _dump(certificate(spec, [_rank_claim(n), _stable_claim(1, n)]))

    return make(side) if side else _fits(make, size)


def huge_minor_entries(size: int, n: int = 12) -> bytes:
    """A rank claim on an n x n minor whose entries are "p/q" strings of thousands of digits."""
    digits = max(10, min(1999, size // (n * n * 2 + 1)))
    entries = [[p, r, 0, f"{10 ** (digits - 1) + 17 * p + r}/{10 ** (digits - 1) + 3 + r * p}"]
               for p in range(n) for r in range(n)]
    spec = {"kind": "structured", "layers": [{"rows": n, "cols": 1, "params": n, "entries": entries}]}
    return _dump(certificate(spec, [_rank_claim(n)]))


def group_combinatorics(size: int) -> bytes:
    """A (true) refuted claim under a model with tens of thousands of singleton groups, half of
    them active (the cover test must not enumerate combinations)."""
    def make(n):
        spec = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": n, "entries": [[0, 0, 0, 1]]}],
                "model": {"supports": [{"groups": [[i] for i in range(n)], "active": n // 2}]}}
        h = ["1" if i < n // 2 else "0" for i in range(n)]
        g = ["1" if i == 0 or 1 < i <= n // 2 else "0" for i in range(n)]  # same product (only h_0 acts): true
        return _dump(certificate(spec, [_claim("identifiable", "refuted", {"h": [h], "g": [g]}, False,
                                               witness_kind="counterexample", model=True, n_cols=n)]))

    return _fits(make, size)


def wide_model_span(size: int, layers: int = 400, params: int = 200_000) -> bytes:
    """A model_span witness with no model over K layers of many parameters each (the span is
    the whole space: its size must be compared with the cap before anything is built)."""
    spec = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": params, "entries": [[0, 0, 0, 1]]}
                                             for _ in range(layers)]}
    witness = {"model_span": {"groups": [[[0] * layers]], "minor_rows": [0]}}
    return _dump(certificate(spec, [_claim("identifiable", "proved", witness, True, witness_kind="model_span",
                                           model=False, n_cols=params ** layers, n_groups=1)]))


def deep_k_true_rank(size: int, layers: int = 1000, params: int = 20_000) -> bytes:
    """A TRUE rank-1 claim on K = 1000 layers of 1 x 1 matrices with 20 000 parameters each:
    S_1...S_K has thousands of digits (the canonical text must not print it in decimal)."""
    spec = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": params, "entries": [[0, 0, 0, 1]]}
                                             for _ in range(layers)]}
    doc = certificate(spec, [_claim("lifting-rank", "proved", {"minor": {"rows": [0], "cols": [[0] * layers]},
                                                              "kernel": {"side": "right", "vectors": []}}, 1,
                                    witness_kind="minor", n_rows=1, n_cols=params ** layers, n_nonzero=1, rank=1)])
    return _dump(doc)


def deep_k_products(size: int) -> bytes:
    """Many layers of 2 x 2 factors with big coefficients, and a refuted claim whose witness
    networks the checker must evaluate (entries grow with K)."""
    digits = 1000

    def make(K):
        c = str(10 ** (digits - 1) + 1)
        layer = {"rows": 2, "cols": 2, "params": 2, "entries": [[0, 0, 0, c], [0, 0, 1, c], [0, 1, 0, c], [0, 1, 1, c],
                                                                [1, 0, 0, 1], [1, 1, 1, 1]]}
        spec = {"kind": "structured", "layers": [layer] * K}
        h = [[c, c]] * K
        g = [[str(2 * int(c)), str(2 * int(c))]] + [[c, c]] * (K - 2) + [[f"{c}/2", f"{c}/2"]]
        return _dump(certificate(spec, [_claim("identifiable", "refuted", {"h": h, "g": g}, False,
                                               witness_kind="counterexample", model=False, n_cols=2 ** K)]))

    return _fits(make, size)


def many_columns(size: int) -> bytes:
    """Dense 1 x 1 layers: millions of non-zero columns for the rank claim's kernel check."""
    def make(S):
        layer = {"rows": 1, "cols": 1, "params": S, "entries": [[p, 0, 0, 1] for p in range(S)]}
        spec = {"kind": "structured", "layers": [layer, layer]}
        return _dump(certificate(spec, [_claim("lifting-rank", "proved", {
            "minor": {"rows": [0], "cols": [[0, 0]]}, "kernel": {"side": "right", "vectors": []}}, 1,
            witness_kind="minor", n_rows=1, n_cols=S * S, n_nonzero=S * S, rank=1)]))

    return _fits(make, size)


def huge_kernel_entries(size: int) -> bytes:
    """A right kernel whose vectors carry 1900-digit rationals, checked exactly against A."""
    def make(S):
        layer = {"rows": 1, "cols": 1, "params": S, "entries": [[p, 0, 0, p + 1] for p in range(S)]}
        spec = {"kind": "structured", "layers": [layer]}
        big = 10 ** 1899 + 1
        vectors = [[[[0], f"-{(j + 2) * big}/{big}"], [[j + 1], "1"]] for j in range(S - 1)]
        return _dump(certificate(spec, [_claim("lifting-rank", "proved", {
            "minor": {"rows": [0], "cols": [[0]]}, "kernel": {"side": "right", "vectors": vectors}}, 1,
            witness_kind="minor", n_rows=1, n_cols=S, n_nonzero=S, rank=1)]))

    return _fits(make, size)


def exact_elimination(size: int, digits: int = 20) -> bytes:
    """A dense n x n minor without a prime whose determinant both of the checker's own primes
    divide (one column scaled by their product): the checker falls back to exact elimination."""
    def make(n):
        rng = random.Random(n)
        scale = (2**61 - 1) * (2**62 - 57)
        entries = [[p, r, 0, rng.randrange(10 ** (digits - 1), 10 ** digits) * (scale if p == 0 else 1)]
                   for p in range(n) for r in range(n)]
        spec = {"kind": "structured", "layers": [{"rows": n, "cols": 1, "params": n, "entries": entries}]}
        return _dump(certificate(spec, [_rank_claim(n)]))

    return _fits(make, size)


def chain_kernel(size: int) -> bytes:
    """A right kernel of many vectors e_j - e_{j+1} (not in the evident form: the checker eliminates)."""
    def make(S):
        layer = {"rows": 1, "cols": 1, "params": S, "entries": [[p, 0, 0, 1] for p in range(S)]}
        vectors = [[[[j], "1"], [[j + 1], "-1"]] for j in range(S - 1)]
        return _dump(certificate({"kind": "structured", "layers": [layer]}, [_claim("lifting-rank", "proved", {
            "minor": {"rows": [0], "cols": [[0]]}, "kernel": {"side": "right", "vectors": vectors}}, 1,
            witness_kind="minor", n_rows=1, n_cols=S, n_nonzero=S, rank=1)]))

    return _fits(make, size)


def tie_many_alternatives(size: int, params: int = 447) -> bytes:
    """Two tied layers whose supports list repeats thousands of alternatives (the model span's
    tie class tests every pair of values against every alternative)."""
    def make(n):
        alternatives = [[i % params] for i in range(n)]
        layer = {"rows": 1, "cols": 1, "params": params, "entries": [[0, 0, 0, 1]]}
        spec = {"kind": "structured", "layers": [layer, layer],
                "model": {"supports": [alternatives, None], "tie": [[1, 2]]}}
        witness = {"model_span": {"groups": [[[i, i]] for i in range(params)], "minor_rows": [0]}}
        return _dump(certificate(spec, [_claim("identifiable", "proved", witness, True, witness_kind="model_span",
                                               model=True, n_cols=params * params, n_groups=params)]))

    return _fits(make, size)


def feedforward_wide(size: int, width: int = 445) -> bytes:
    """A dense feed-forward network just inside the checker's compile cap (400 000 entries)."""
    spec = {"kind": "feedforward", "widths": [1, width, width, 1], "inputs": [["1"]]}
    return _dump(certificate(spec, [_claim("lifting-rank", "proved", {
        "minor": {"rows": [0], "cols": [[0, 0, 0]]}, "kernel": {"side": "right", "vectors": []}}, 1)]))


def many_span_groups(size: int) -> bytes:
    """A model_span witness with a hundred thousand groups, each a column of A to compute."""
    def make(S):
        layer = {"rows": 1, "cols": 1, "params": S, "entries": [[p, 0, 0, 1] for p in range(S)]}
        spec = {"kind": "structured", "layers": [layer], "model": {"supports": [{"sparsity": 1}]}}
        witness = {"model_span": {"groups": [[[i]] for i in range(S)], "minor_rows": [0]}}
        return _dump(certificate(spec, [_claim("identifiable", "proved", witness, True, witness_kind="model_span",
                                               model=True, n_cols=S, n_groups=S)]))

    return _fits(make, size)


def conv_many_offsets(size: int) -> bytes:
    """A conv chain whose offset sums never collide: Algorithm 8.1 meets 12^K offsets."""
    edges = [{"from": f"v{k + 1}", "to": f"v{k}" if k else "r", "support": [7 ** (k + 2) * i for i in range(12)]}
             for k in range(9)]
    spec = {"kind": "conv", "N": 10 ** 12, "root": "r", "edges": edges}
    return _dump(certificate(spec, [_claim("lifting-rank", "proved", {"classes_per_leaf": {"v9": 1}}, 1),
                                    _claim("scattered", "proved", {"recompute": True}, True)]))


def huge_ints_everywhere(size: int) -> bytes:
    """4000-digit integers in every numeric field of a small valid-looking certificate."""
    big = 10 ** 3999 + 9
    spec = {"kind": "structured", "layers": [{"rows": 2, "cols": 1, "params": 2,
                                              "entries": [[0, 0, 0, big], [1, 1, 0, big]]}]}
    rank = _claim("lifting-rank", "proved", {"minor": {"rows": [0, big], "cols": [[0], [big]], "prime": big},
                                             "kernel": {"side": "right", "vectors": [[[[big], str(big)]]]}}, big)
    stable = _stable_claim(big, 2)
    stable["value"]["K"], stable["value"]["S"] = big, big
    doc = certificate(spec, [rank, _claim("identifiable", "refuted", {"h": [[big, big]], "g": [[big, 0]]}, False),
                             stable])
    doc["seeds"] = {"seed": big}
    doc["version"] = 1
    return _dump(doc)


def deep_nesting(size: int) -> bytes:
    """A witness nested hundreds of thousands of levels deep."""
    spec = {"kind": "structured", "layers": [_identity_layer(1)]}
    doc = _dump(certificate(spec, [_claim("lifting-rank", "proved", {"minor": "NEST", "kernel": {}}, 1)]))
    depth = max(10, (size - len(doc)) // 2)
    return doc.replace(b'"NEST"', b"[" * depth + b"]" * depth)


def odd_unicode(size: int) -> bytes:
    """Lone surrogates, bidi controls and NULs in a claim id, statements, names and node names."""
    weird = "x\ud800\u202e\u0000\udfff\U0001f600"
    printable = "x\u202e\u0000\u0301\U0001f600\ufeff"  # the spec is hashed as UTF-8: no lone surrogates there
    spec = {"kind": "conv", "N": 4, "root": "r" + printable, "name": printable,
            "edges": [{"from": "a" + printable, "to": "r" + printable, "support": [0]}]}
    doc = certificate(spec, [])
    doc["claims"].append({"id": weird, "status": "inconclusive", "statement": weird, "relies_on": [weird],
                          "reason": weird})
    return _dump(doc)


def odd_unicode_malformed(size: int) -> bytes:
    """A malformed certificate whose claim id holds a lone surrogate (the diagnostics print it)."""
    doc = certificate({"kind": "structured", "layers": [_identity_layer(1)]}, [])
    doc["claims"].append(_claim("x\ud800", "proved", {}))
    return _dump(doc)


def unreadable_bytes(size: int) -> bytes:
    """Invalid UTF-8 and a truncated document."""
    return b'{"format": "tensorlift-certificate", "claims": ["\xff\xfe' + b"\x80" * max(0, size - 60)


def tied_different_supports(size: int) -> bytes:
    """Tied layers with different supports: the producer refuses the spec, so must the checker."""
    layer = {"rows": 1, "cols": 1, "params": 5, "entries": [[0, 0, 0, 1]]}
    spec = {"kind": "structured", "layers": [layer, layer],
            "model": {"supports": [[[0, 1]], [[0, 2], [0, 4]]], "tie": [[1, 2]]}}
    witness = {"model_span": {"groups": [[[0, 0]]], "minor_rows": [0]}}
    return _dump(certificate(spec, [_claim("identifiable", "proved", witness, True, witness_kind="model_span",
                                           model=True, n_cols=25, n_groups=1)]))


def _corpus(name: str) -> dict:
    return json.loads((Path(__file__).parent / "valid" / f"{name}.json").read_text())


def _difference_set(edit) -> bytes:
    """The valid difference-set certificate of phase retrieval (n = 4, m = 7), its one block edited."""
    doc = _corpus("difference-set-phase-retrieval")
    edit(doc["claims"][1]["witness"]["difference_set"]["blocks"][0])
    return _dump(doc)


def huge_macaulay_degree(size: int) -> bytes:
    """A Macaulay degree of 4000 digits (the number of monomials must not be computed in full)."""
    return _difference_set(lambda b: b.update(degree=10 ** 3999 + 3))


def huge_macaulay_block(size: int) -> bytes:
    """Degree 141 in 3 variables: 10 153 distinct rows, as many as the monomials, listed -- a
    square block of 10^8 entries the elimination may fill (bounded before it starts)."""
    def edit(b):
        D = 141  # C(143, 2) = 10 153 monomials of degree D; C(140, 2) = 9730 multipliers z^e per minor
        b["degree"] = D
        b["macaulay_rows"] = [[j, [a, D - 3 - a - c, c]] for j in range(2) for a in range(D - 2)
                              for c in range(D - 2 - a)][:10153]
    return _difference_set(edit)


def _algebraic(chi: list, interval: tuple, q_h: list, q_g: list, h_nonzero=(0, 0)) -> dict:
    """A refuted claim on X = h_1[0] h_2[0] (h_1[1] acts on nothing) with coordinates in Q(alpha)."""
    layers = [{"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1]]},
              {"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]
    witness = {"field": {"minpoly": chi, "interval": [str(x) for x in interval]},
               "h": [[["1"], q_h], [["1"]]], "g": [[["1"], q_g], [["1"]]],
               "hints": {"h_nonzero": list(h_nonzero), "g_nonzero": [0, 0], "difference": [1, 0]}}
    return certificate({"kind": "structured", "layers": layers}, [_claim(
        "identifiable", "refuted", witness, False, witness_kind="algebraic_counterexample", model=False, n_cols=2,
        degree=len(chi) - 1)])


def huge_minpoly_degree(size: int) -> bytes:
    """chi = x^n - 2 with n as large as the file allows, and P(h) - P(g) = alpha - 1: its root
    2^(1/n) is so close to 1 that separating alpha - 1 from 0 takes many evaluations of chi."""
    def make(n):
        return _dump(_algebraic([-2] + [0] * (n - 1) + [1], (1, 2), ["0", "1"], ["1"]))

    return _fits(make, size)


def thousand_digit_coefficients(size: int) -> bytes:
    """chi = c (x^2 - 2) and coordinates whose numerators and denominators have 1000-4000 digits
    (a true claim: sqrt 2 with a huge-but-equal action)."""
    c, big = 10 ** 3999 + 7, 10 ** 999 + 3
    q_h = [f"{big}/{big + 2}", f"{big + 4}/{big + 6}"]
    q_g = [f"{big + 8}/{big + 10}"]
    return _dump(_algebraic([-2 * c, 0, c], (1, 2), q_h, q_g))


def many_bisection_steps(size: int, degree: int = 200) -> bytes:
    """A hinted coordinate that vanishes at alpha (chi itself, of degree 200 with 100-digit
    coefficients): the bisection runs until its step bound, evaluating chi at ever longer points."""
    chi = [-(10 ** 99 + 1)] + [10 ** 99 + i for i in range(1, degree)] + [10 ** 99]
    return _dump(_algebraic(chi, (-3, 0), [str(x) for x in chi], ["1"], h_nonzero=(1, 0)))


FAMILIES = {
    "huge-scale": huge_scale,
    "huge-scale-side-40": lambda size: huge_scale(size, side=40),
    "wide-gram": wide_gram,
    "wide-gram-120": lambda size: wide_gram(size, side=120),
    "huge-minor-entries": huge_minor_entries,
    "group-combinatorics": group_combinatorics,
    "wide-model-span": wide_model_span,
    "wide-model-span-deep": lambda size: wide_model_span(size, layers=1000, params=100_000),
    "deep-k-true-rank": deep_k_true_rank,
    "deep-k-products": deep_k_products,
    "many-columns": many_columns,
    "huge-kernel-entries": huge_kernel_entries,
    "chain-kernel": chain_kernel,
    "exact-elimination": exact_elimination,
    "tie-many-alternatives": tie_many_alternatives,
    "feedforward-wide": feedforward_wide,
    "many-span-groups": many_span_groups,
    "conv-many-offsets": conv_many_offsets,
    "huge-ints-everywhere": huge_ints_everywhere,
    "deep-nesting": deep_nesting,
    "odd-unicode": odd_unicode,
    "odd-unicode-malformed": odd_unicode_malformed,
    "unreadable-bytes": unreadable_bytes,
    "tied-different-supports": tied_different_supports,
    "huge-macaulay-degree": huge_macaulay_degree,
    "huge-macaulay-block": huge_macaulay_block,
    "huge-minpoly-degree": huge_minpoly_degree,
    "thousand-digit-coefficients": thousand_digit_coefficients,
    "many-bisection-steps": many_bisection_steps,
}
# The exit codes a verdict may have: 0 where the hostile claim is true (the checker must verify it
# within its budget), 1 where it is over the budget or wrong, 2 where the document is malformed.
EXPECTED = {
    "huge-scale": {1}, "huge-scale-side-40": {1}, "wide-gram": {1}, "wide-gram-120": {1},
    "huge-minor-entries": {0}, "group-combinatorics": {0}, "wide-model-span": {1}, "wide-model-span-deep": {1},
    "deep-k-true-rank": {0}, "deep-k-products": {1}, "many-columns": {1}, "huge-kernel-entries": {0},
    "chain-kernel": {0}, "exact-elimination": {0, 1}, "tie-many-alternatives": {1}, "feedforward-wide": {1}, "many-span-groups": {1},
    "conv-many-offsets": {1}, "huge-ints-everywhere": {2}, "deep-nesting": {2}, "odd-unicode": {0},
    "odd-unicode-malformed": {2}, "unreadable-bytes": {2}, "tied-different-supports": {2},
    "huge-macaulay-degree": {1}, "huge-macaulay-block": {1}, "huge-minpoly-degree": {0, 1},
    "thousand-digit-coefficients": {0}, "many-bisection-steps": {1},
}
# The subset `make test` runs, each at FAST_SIZE bytes (a few seconds in all); `make test-slow`
# runs every family at 1 MB.
FAST = ("huge-scale", "huge-minor-entries", "group-combinatorics", "wide-model-span", "deep-k-true-rank",
        "chain-kernel", "huge-ints-everywhere", "deep-nesting", "odd-unicode", "odd-unicode-malformed",
        "unreadable-bytes", "tied-different-supports", "huge-macaulay-degree", "huge-macaulay-block",
        "huge-minpoly-degree", "thousand-digit-coefficients")
FAST_SIZE = 50_000


def hostile(name: str, size: int = MAX_SIZE) -> bytes:
    """The certificate file of family ``name`` at about ``size`` bytes (never more than 1 MB)."""
    data = FAMILIES[name](size)
    if len(data) > MAX_SIZE:
        raise ValueError(f"{name}: {len(data)} bytes exceed the 1 MB the hostile families stay within")
    return data


def run_checker(path, seconds: float = 60, memory: int = 2**30, command=None) -> tuple[int, str, str, float]:
    """Run the standalone checker (or ``command + [path]``) on ``path`` in a subprocess limited
    to ``seconds`` of CPU time and ``memory`` bytes of address space; (exit, stdout, stderr, s)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (int(seconds) + 1, int(seconds) + 2))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    argv = (command or [sys.executable, "-I", str(CHECKER)]) + [str(path)]
    t0 = time.monotonic()
    out = subprocess.run(argv, capture_output=True, preexec_fn=limit, timeout=seconds * 2 + 10)
    return (out.returncode, out.stdout.decode("utf-8", "replace"), out.stderr.decode("utf-8", "replace"),
            time.monotonic() - t0)


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0] if argv else "hostile")
    size = int(argv[1]) if len(argv) > 1 else MAX_SIZE
    folder.mkdir(parents=True, exist_ok=True)
    for name in FAMILIES:
        data = hostile(name, size)
        (folder / f"{name}.json").write_bytes(data)
        print(f"{name:28s} {len(data):8d} bytes")


if __name__ == "__main__":
    main()
