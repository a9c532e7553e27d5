"""An independent *truth* oracle for structured certificates, built on algebra + sympy.

The checker must accept a certificate exactly when it is true. Mutation and fuzz tests use this
oracle to decide what "true" means for a mutated document without trusting the checker: it
recomputes the hash with hashlib, A with :func:`algebra.lifting.lifting_operator`, ranks and
determinants with sympy, and equivalence with :func:`algebra.segre.are_equivalent`.
"""
from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction

import sympy

from algebra.lifting import lifting_operator
from algebra.network import MultilinearMap
from algebra.segre import are_equivalent

__all__ = ["structured_certificate_is_true"]


def _q(x) -> Fraction:
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise ValueError(x)
    if isinstance(x, str):
        num, _, den = x.partition("/")
        if not num.lstrip("+-").isdigit() or (den and not den.isdigit()):
            raise ValueError(x)
        return Fraction(int(num), int(den) if den else 1)
    return Fraction(x)


def _rank_true(claim, A, n_rows) -> bool:
    if claim["status"] != "proved" or set(claim) - {"id", "status", "statement", "relies_on", "value", "witness"}:
        return False
    r = claim["value"]
    w = claim["witness"]
    if set(w) != {"minor", "kernel"} or set(w["minor"]) != {"rows", "cols"} or set(w["kernel"]) != {"side", "vectors"}:
        return False
    full = A.to_sympy(full=True)
    if full.rank() != r:
        return False
    rows = w["minor"]["rows"]
    cols = [tuple(c) for c in w["minor"]["cols"]]
    if len(rows) != r or len(cols) != r or len(set(rows)) != r or len(set(cols)) != r:
        return False
    if any(not (0 <= x < n_rows) for x in rows):
        return False
    if any(len(c) != len(A.param_counts) or any(not 0 <= i < s for i, s in zip(c, A.param_counts)) for c in cols):
        return False
    if r and full.extract(rows, [A.column_index(c) for c in cols]).det() == 0:
        return False
    side, vecs = w["kernel"]["side"], w["kernel"]["vectors"]
    dense = []
    for vec in vecs:
        keys = [e[0] if side == "left" else tuple(e[0]) for e in vec]
        if len(set(keys)) != len(keys):
            return False
        if side == "left":
            v = [0] * n_rows
            for e in vec:
                if not 0 <= e[0] < n_rows:
                    return False
                v[e[0]] = _q(e[1])
            if any(sum(v[i] * x for i, x in col.items()) for col in A.columns.values()):
                return False
        elif side == "right":
            v = [0] * len(A.columns)
            index = {t: j for j, t in enumerate(A.columns)}
            for e in vec:
                t = tuple(e[0])
                if t not in index:
                    return False
                v[index[t]] = _q(e[1])
            if A.apply({t: v[j] for t, j in index.items()}):
                return False
        else:
            return False
        dense.append([sympy.Rational(x.numerator, x.denominator) if isinstance(x, Fraction) else x for x in v])
    expected = (n_rows if side == "left" else len(A.columns)) - r
    if len(vecs) != expected:
        return False
    return not dense or sympy.Matrix(dense).rank() == len(dense)


def structured_certificate_is_true(doc: dict) -> bool:
    """Whether a (well-typed) structured certificate states only true, correctly witnessed claims."""
    try:
        spec = doc["network"]["spec"]
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if hashlib.sha256(text.encode()).hexdigest() != doc["network"]["sha256"]:
            return False
        net = MultilinearMap.from_spec(spec)
        A = lifting_operator(net)
        n_rows = A.n_rows
        truth: dict[str, bool] = {}
        for claim in doc["claims"]:
            cid, status = claim["id"], claim["status"]
            if status not in ("proved", "refuted"):
                continue
            w = claim["witness"]
            if cid == "lifting-rank":
                ok = _rank_true(claim, A, n_rows)
            elif cid == "identifiable" and status == "proved":
                ok = (w == {"from_claim": "lifting-rank"} and truth.get("lifting-rank") is True
                      and claim["value"] is True
                      and [c for c in doc["claims"] if c["id"] == "lifting-rank"][0]["value"] == math.prod(net.param_counts))
            elif cid == "identifiable":
                h = [[_q(x) for x in hk] for hk in w["h"]]
                g = [[_q(x) for x in gk] for gk in w["g"]]
                ok = (set(w) == {"h", "g"} and claim["value"] is False
                      and [len(x) for x in h] == list(net.param_counts) == [len(x) for x in g]
                      and net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g))
            elif cid == "stable" and status == "refuted":
                ok = (w == {"from_claim": "identifiable"} and truth.get("identifiable") is True
                      and claim["value"] is False
                      and [c for c in doc["claims"] if c["id"] == "identifiable"][0]["status"] == "refuted")
            else:
                ok = False
            truth[cid] = ok
        return all(truth.values())
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError):
        return False
