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

from algebra.difference_set import check_difference_set_witness
from algebra.errors import WitnessCheckFailed
from algebra.lifting import lifting_operator
from algebra.models import full_model
from algebra.real_witness import check_real_witness
from algebra.segre import are_equivalent
from graphs.structured_spec import parse_model_spec, structured_network

__all__ = ["structured_certificate_is_true", "conv_certificate_is_true", "conv_outputs"]


def _q(x) -> Fraction:
    if isinstance(x, bool) or not isinstance(x, (int, str)):
        raise ValueError(x)
    if isinstance(x, str):
        num, _, den = x.partition("/")
        if not num.lstrip("+-").isdigit() or (den and not den.isdigit()):
            raise ValueError(x)
        return Fraction(int(num), int(den) if den else 1)
    return Fraction(x)


def _prime_certifies(p, minor) -> bool:
    """A witness's optional prime: a prime below 2^64 dividing no denominator of the (sympy)
    minor, modulo which the minor is non-singular (sympy's isprime and determinant)."""
    if isinstance(p, bool) or not isinstance(p, int) or not 2 <= p < 2**64 or not sympy.isprime(p):
        return False
    if any(sympy.Rational(x).q % p == 0 for x in minor):
        return False
    reduced = minor.applyfunc(lambda x: sympy.Rational(x).p * pow(int(sympy.Rational(x).q), -1, p) % p)
    return int(reduced.det()) % p != 0


def _rank_true(claim, A, n_rows) -> bool:
    if claim["status"] != "proved" or set(claim) - {"id", "status", "statement", "relies_on", "value", "witness", "evidence"}:
        return False
    r = claim["value"]
    w = claim["witness"]
    if set(w) != {"minor", "kernel"} or set(w["kernel"]) != {"side", "vectors"}:
        return False
    if set(w["minor"]) not in ({"rows", "cols"}, {"rows", "cols", "prime"}):
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
    if "prime" in w["minor"] and not _prime_certifies(w["minor"]["prime"], full.extract(rows, [A.column_index(c) for c in cols])):
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


def _groups_true(raw_groups, model, net):
    """The groups of a model-span basis, or None if they do not form one (brute force)."""
    import itertools

    sizes = net.param_counts
    K = len(sizes)
    supports = model.get("supports") or [None] * K
    ties = [sorted(x - 1 for x in grp) for grp in model.get("tie") or []]
    alternatives = [[list(range(sizes[k]))] if supports[k] is None else supports[k] for k in range(K)]
    box_union = set()
    for combo in itertools.product(*alternatives):
        sets = [set(c) for c in combo]
        for cls in ties:  # tied layers carry one vector: its support lies in every chosen set
            common = set.intersection(*(sets[k] for k in cls))
            for k in cls:
                sets[k] = common
        box_union.update(itertools.product(*(sorted(x) for x in sets)))
    groups = [[tuple(t) for t in g] for g in raw_groups]
    flat = [t for g in groups for t in g]
    if len(flat) != len(set(flat)) or not box_union <= set(flat) or any(not g for g in groups):
        return None
    for g in groups:  # one orbit: the tuples are permutations of each other within every tie class
        canon = {tuple(tuple(sorted(t[k] for k in cls)) for cls in ties) +
                 tuple(t[k] for k in range(K) if not any(k in cls for cls in ties)) for t in g}
        if len(canon) != 1:
            return None
    for g in groups:
        for t in g:
            if len(t) != K or any(not 0 <= i < s for i, s in zip(t, sizes)):
                return None
    return groups


def _AB(A, groups):
    B = sympy.zeros(A.n_cols, len(groups))
    for j, g in enumerate(groups):
        for t in g:
            B[A.column_index(t), j] = 1
    return A.to_sympy(full=True) * B


def _model_span_true(ms, model, net, A) -> bool:
    if set(ms) not in ({"groups", "minor_rows"}, {"groups", "minor_rows", "prime"}):
        return False
    groups = _groups_true(ms["groups"], model, net)
    if groups is None:
        return False
    rows = ms["minor_rows"]
    if len(rows) != len(groups) or len(set(rows)) != len(rows) or any(not 0 <= r < A.n_rows for r in rows):
        return False
    AB = _AB(A, groups)
    minor = AB.extract(rows, list(range(len(groups))))
    if "prime" in ms and not _prime_certifies(ms["prime"], minor):
        return False
    return AB.rank() == len(groups) and minor.det() != 0


def _kernel_line_true(kl, model, net, A) -> bool:
    keys = {"groups", "minor_rows", "minor_groups", "kernel", "flattening_layer", "flattening_minor"}
    if set(kl) not in (keys, keys | {"prime"}):
        return False
    groups = _groups_true(kl["groups"], model, net)
    if groups is None:
        return False
    AB = _AB(A, groups)
    g = len(groups)
    rows, chosen = kl["minor_rows"], kl["minor_groups"]
    if (len(rows) != g - 1 or len(chosen) != g - 1 or len(set(rows)) != len(rows) or len(set(chosen)) != len(chosen)
            or any(not 0 <= r < A.n_rows for r in rows) or any(not 0 <= j < g for j in chosen)):
        return False
    if g > 1 and AB.extract(rows, chosen).det() == 0:
        return False
    if "prime" in kl and not _prime_certifies(kl["prime"], AB.extract(rows, chosen)):
        return False
    c = sympy.zeros(g, 1)
    seen = set()
    for j, q in kl["kernel"]:
        if j in seen or not 0 <= j < g:
            return False
        seen.add(j)
        c[j] = sympy.Rational(str(_q(q)))
    if c == sympy.zeros(g, 1) or AB * c != sympy.zeros(A.n_rows, 1) or AB.rank() != g - 1:
        return False
    T = {t: c[j] for j, grp in enumerate(groups) for t in grp}
    k = kl["flattening_layer"]
    fm = kl["flattening_minor"]
    if set(fm) != {"rows", "cols"} or not 0 <= k < net.K or len(fm["rows"]) != 3 or len(fm["cols"]) != 3:
        return False
    if len(set(fm["rows"])) != 3 or len({tuple(x) for x in fm["cols"]}) != 3:
        return False
    M = sympy.Matrix([[T.get(tuple(col[:k]) + (i,) + tuple(col[k:]), 0) for col in fm["cols"]] for i in fm["rows"]])
    return M.det() != 0


def _stable_true(claim, net, A, rank) -> bool:
    """Theorem 7.2 with Ker A = {0}: sigma_min^2 in [lo, hi], judged with sympy's Sturm counts
    on the characteristic polynomial of the Gram matrix (not Descartes, not Berkowitz)."""
    from certificates.checker import STABLE_DP_BOUND, STABLE_DP_CONDITION, STABLE_TENSOR_BOUND

    w, v = claim["witness"], claim["value"]
    if set(w) != {"from_claim", "gram", "scale", "charpoly"} or w["from_claim"] != "lifting-rank":
        return False
    if set(v) != {"gamma", "rho", "K", "S", "sigma_min_squared", "sigma_min_approx", "inv_sigma_min_upper",
                  "tensor_bound", "dp_bound", "dp_condition"} or set(v["sigma_min_squared"]) != {"lo", "hi"}:
        return False
    if (v["gamma"], v["rho"], v["K"], v["S"]) != ("1", "inf", net.K, max(net.param_counts)):
        return False
    if (v["tensor_bound"], v["dp_bound"], v["dp_condition"]) != (STABLE_TENSOR_BOUND, STABLE_DP_BOUND, STABLE_DP_CONDITION):
        return False
    if rank != math.prod(net.param_counts) or w["gram"] != "AtA":  # Ker A = {0}: B^T B, the smaller side
        return False
    d = w["scale"]
    if isinstance(d, bool) or not isinstance(d, int) or d < 1:
        return False
    lo, hi, u = _q(v["sigma_min_squared"]["lo"]), _q(v["sigma_min_squared"]["hi"]), _q(v["inv_sigma_min_upper"])
    if not 0 < lo <= hi or u <= 0 or u * u * lo < 1:
        return False
    approx = v["sigma_min_approx"]
    if len(approx) != 2 or any(abs(x - math.sqrt(e)) > 1e-9 * math.sqrt(e) for x, e in zip(approx, (lo, hi))):
        return False
    cols = [c for c in A.columns.values() if any(c.values())]
    rows = sorted({r for c in cols for r, x in c.items() if x})
    B = sympy.Matrix([[sympy.Rational(str(c.get(r, 0))) * d for c in cols] for r in rows])
    if any(not x.is_integer for x in B):
        return False
    G = B.T * B
    x = sympy.Symbol("x")
    chi = G.charpoly(x)
    if [str(c) for c in chi.all_coeffs()] != [str(_q(c)) for c in w["charpoly"]]:
        return False
    n = G.shape[0]
    q = sympy.Poly(sympy.cancel(chi.as_expr() / x ** (n - rank)), x).sqf_part()
    L, H = lo * d * d, hi * d * d
    L, H = sympy.Rational(L.numerator, L.denominator), sympy.Rational(H.numerator, H.denominator)
    below = q.count_roots(0, L) - (1 if q.eval(L) == 0 else 0)  # roots in (0, L): q(0) != 0
    return below == 0 and q.count_roots(0, H) >= 1


def _producer_accepts(check, *args) -> bool:
    """The producer's own exact re-check of a non-linear witness (algebra.difference_set,
    algebra.real_witness: plain Python, written apart from the checker) accepts it."""
    try:
        check(*args)
    except WitnessCheckFailed:
        return False
    return True


def structured_certificate_is_true(doc: dict) -> bool:
    """Whether a (well-typed) structured certificate states only true, correctly witnessed claims."""
    try:
        spec = doc["network"]["spec"]
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if hashlib.sha256(text.encode()).hexdigest() != doc["network"]["sha256"]:
            return False
        if spec.get("kind") == "feedforward":
            from graphs.feedforward_spec import parse_feedforward_spec  # the producer's own compilation

            net = parse_feedforward_spec(spec).to_multilinear()
        else:
            net = structured_network(spec)
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
            elif cid == "identifiable" and status == "proved" and "kernel_line" in w:
                ok = claim["value"] is True and set(w) == {"kernel_line"} and _kernel_line_true(
                    w["kernel_line"], spec.get("model") or {}, net, A)
            elif cid == "identifiable" and status == "proved" and "model_span" in w:
                ok = claim["value"] is True and set(w) == {"model_span"} and _model_span_true(
                    w["model_span"], spec.get("model") or {}, net, A)
            elif cid == "identifiable" and status == "proved" and "difference_set" in w:
                model = parse_model_spec(spec.get("model"), net) or full_model(net)
                ok = claim["value"] is True and set(w) == {"difference_set"} and _producer_accepts(
                    check_difference_set_witness, net, model, A, w)
            elif cid == "identifiable" and "field" in w:
                model = parse_model_spec(spec.get("model"), net) or full_model(net)
                ok = claim["value"] is False and set(w) == {"field", "h", "g", "hints"} and _producer_accepts(
                    check_real_witness, net, model, w)
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
            elif cid == "stable" and status == "proved":
                ok = (truth.get("lifting-rank") is True
                      and _stable_true(claim, net, A, [c for c in doc["claims"] if c["id"] == "lifting-rank"][0]["value"]))
            else:
                ok = False
            if not ok:  # one false claim makes the certificate false (and spares the later checks)
                return False
            truth[cid] = ok
        return True
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError):
        return False


# ============================================================================ conv (brute force)
def _conv_paths(spec):
    """All leaf-root paths as edge-index lists, depth 1 first, by plain recursion."""
    edges = spec["edges"]
    into = {}
    for j, e in enumerate(edges):
        into.setdefault(e["to"], []).append(j)
    out = []

    def walk(node, acc):
        if node not in into:
            out.append(list(acc))
            return
        for j in into[node]:
            walk(edges[j]["from"], acc + [j])

    walk(spec["root"], [])
    return out


def _cconv(a, b, N):
    out = [Fraction(0)] * N
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                if y:
                    out[(i + j) % N] += x * y
    return out


def conv_outputs(spec, kernel_of):
    """Per leaf, the sum over its paths of the circular convolution of the edge kernels (dense)."""
    N = spec["N"]
    out = {}
    for p in _conv_paths(spec):
        leaf = spec["edges"][p[-1]]["from"]
        acc = [Fraction(1)] + [Fraction(0)] * (N - 1)
        for j in p:
            acc = _cconv(acc, kernel_of(j), N)
        out[leaf] = [a + b for a, b in zip(out.get(leaf, [0] * N), acc)]
    return out


def conv_layout(spec):
    """Edge j -> (layer index, offset) in the pinned layout, from the paths' positions."""
    depth = {}
    for p in _conv_paths(spec):
        for k, j in enumerate(p):
            depth[j] = k
    fill, slots = {}, {}
    for j, e in enumerate(spec["edges"]):
        k = depth[j]
        slots[j] = (k, fill.get(k, 0))
        fill[k] = fill.get(k, 0) + len(e["support"])
    return slots, [fill[k] for k in sorted(fill)]


def conv_certificate_is_true(doc: dict) -> bool:
    """Whether a conv certificate's re-checkable claims are true (brute force over paths)."""
    try:
        spec = doc["network"]["spec"]
        text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if hashlib.sha256(text.encode()).hexdigest() != doc["network"]["sha256"]:
            return False
        N = spec["N"]
        edges = spec["edges"]

        def indicator(j):
            return [Fraction(1) if o in edges[j]["support"] else Fraction(0) for o in range(N)]

        y = conv_outputs(spec, indicator)
        scattered = all(c in (0, 1) for v in y.values() for c in v)
        slots, sizes = conv_layout(spec)
        K = len(sizes)
        truth = {}
        for claim in doc["claims"]:
            cid, status = claim["id"], claim["status"]
            if status not in ("proved", "refuted"):
                continue
            w = claim["witness"]
            if cid == "scattered":
                want = {f: [[i, int(c)] for i, c in enumerate(v) if c] for f, v in y.items()}
                ok = (w == {"outputs": want} and claim["value"] is scattered
                      and (status == "proved") == scattered)
            elif cid == "lifting-rank":
                ok = (status == "proved" and claim["value"] == sum(sum(1 for c in v if c) for v in y.values())
                      and w == {"classes_per_leaf": {f: sum(1 for c in v if c) for f, v in y.items()}})
            elif cid == "identifiable" and status == "proved" and ("kernel_line" in w or "model_span" in w):
                ok = False  # structured-network witness kinds: never valid for a conv network
            elif cid == "identifiable" and status == "proved":
                ok = w == {"from_claim": "scattered"} and claim["value"] is True and truth.get("scattered") and scattered
            elif cid == "identifiable":
                h = [[_q(x) for x in hk] for hk in w["h"]]
                g = [[_q(x) for x in gk] for gk in w["g"]]
                path = w["path"]
                if set(w) != {"h", "g", "path"} or claim["value"] is not False:
                    ok = False
                elif [len(x) for x in h] != sizes or [len(x) for x in g] != sizes or path not in _conv_paths(spec):
                    ok = False
                else:
                    def kern(params):
                        def of(j):
                            k, s = slots[j]
                            v = [Fraction(0)] * N
                            for i, o in enumerate(edges[j]["support"]):
                                v[o] = params[k][s + i]
                            return v
                        return of
                    hp = [[h[slots[j][0]][slots[j][1] + i] for i in range(len(edges[j]["support"]))] for j in path]
                    gp = [[g[slots[j][0]][slots[j][1] + i] for i in range(len(edges[j]["support"]))] for j in path]
                    ok = conv_outputs(spec, kern(h)) == conv_outputs(spec, kern(g)) and not are_equivalent(hp, gp)
            elif cid == "stable" and status == "proved":
                v = claim["value"]
                ok = (w == {"from_claim": "scattered"} and truth.get("scattered") and scattered
                      and isinstance(v, dict) and set(v) - {"proposition_8_3"} == {"K", "S_prime", "N", "formula"}
                      and (v.get("proposition_8_3", {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"})
                           == {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"})
                      and ("proposition_8_3" not in v or len(_conv_paths(spec)) == 1)
                      and (v["K"], v["S_prime"], v["N"]) == (K, max(len(e["support"]) for e in edges), N)
                      and isinstance(v["formula"], str) and v["formula"] != "")
            elif cid == "stable":
                ok = (w == {"from_claim": "identifiable"} and truth.get("identifiable") is True
                      and claim["value"] is False
                      and [c for c in doc["claims"] if c["id"] == "identifiable"][0]["status"] == "refuted")
            else:
                ok = False
            truth[cid] = bool(ok)
        return all(truth.values())
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, ZeroDivisionError, RecursionError):
        return False
