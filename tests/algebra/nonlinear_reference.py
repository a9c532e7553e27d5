"""Independent re-checks of the non-linear witnesses (test oracles; no producer code shared).

* :func:`reference_check_difference_set` re-verifies a ``difference_set`` witness with its own
  arithmetic: the tie orbits, A from the layers' basis matrices, the kernel vectors, the minor of
  A on the span (sympy rank over QQ), every flattening minor expanded as a cubic form by a plain
  3 x 3 determinant of linear forms, and the listed Macaulay rows -- whose square block must have
  full rank over QQ (sympy ``DomainMatrix``), not modulo the prime the producer used.
* :func:`reference_check_real_witness` re-evaluates an algebraic witness with sympy's algebraic
  numbers: the real root of the minimal polynomial in the interval (``CRootOf``), the field
  Q(α) (``AlgebraicField``), and exact arithmetic there -- M(h) = M(g), every layer non-zero,
  P(h) ≠ P(g).

Both return None when the witness is valid and a string saying what is wrong otherwise.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import sympy
from sympy.polys.matrices import DomainMatrix

__all__ = ["reference_check_difference_set", "reference_check_real_witness", "lifting_columns"]


def lifting_columns(net) -> dict[tuple[int, ...], dict[int, Fraction]]:
    """A by its non-zero columns: column t = vec(M_1(e_{t_1}) ... M_K(e_{t_K})), row r*n + c."""
    n = net.layers[-1].cols
    mats = []
    for layer in net.layers:
        per_param = [{} for _ in range(layer.params)]
        for p, r, c, v in layer.entries:
            per_param[p][(r, c)] = Fraction(v)
        mats.append(per_param)
    out = {}
    for t in itertools.product(*(range(layer.params) for layer in net.layers)):
        prod = mats[0][t[0]]
        for k in range(1, len(t)):
            nxt: dict = {}
            for (r, m), a in prod.items():
                for (m2, c), b in mats[k][t[k]].items():
                    if m == m2:
                        nxt[(r, c)] = nxt.get((r, c), 0) + a * b
            prod = {rc: v for rc, v in nxt.items() if v}
        if prod:
            out[t] = {r * n + c: v for (r, c), v in prod.items()}
    return out


def _orbit(t, classes):
    orbit = {tuple(t)}
    for cls in classes:
        if len(cls) < 2:
            continue
        grown = set()
        for s in orbit:
            for perm in itertools.permutations([s[k] for k in cls]):
                s2 = list(s)
                for k, v in zip(cls, perm):
                    s2[k] = v
                grown.add(tuple(s2))
        orbit = grown
    return orbit


def _det3_form(linear, d):
    """det of a 3 x 3 matrix of linear forms (dicts variable -> value) as {exponents: value}."""
    out: dict = {}
    for perm in itertools.permutations(range(3)):
        inversions = sum(1 for a in range(3) for b in range(a + 1, 3) if perm[a] > perm[b])
        sign = -1 if inversions % 2 else 1
        for (i, a), (j, b), (l, c) in itertools.product(*(linear[r][perm[r]].items() for r in range(3))):
            e = [0] * d
            for v in (i, j, l):
                e[v] += 1
            out[tuple(e)] = out.get(tuple(e), 0) + sign * a * b * c
    return {m: v for m, v in out.items() if v}


def _monomials(degree, d):
    if d == 1:
        return [(degree,)]
    return [(i,) + rest for i in range(degree + 1) for rest in _monomials(degree - i, d - 1)]


def reference_check_difference_set(net, model, witness) -> str | None:
    A = lifting_columns(net)
    classes = [c for c in model.classes]
    pieces = list(model.pieces())
    covered = set()
    for block in witness["difference_set"]["blocks"]:
        if block["pieces"] == "all":
            members = pieces
        else:
            members = [p for p in pieces if [list(s) for s in p.supports] in block["pieces"]]
            if len(members) != len(block["pieces"]):
                return "unknown piece"
        ids = [pieces.index(p) for p in members]
        covered |= {(min(i, j), max(i, j)) for i in ids for j in ids}
        box = set()
        for p in members:
            box |= set(itertools.product(*p.supports))
        groups = [sorted(g) for g in {frozenset(_orbit(t, classes)) for t in box}]
        given = [sorted(tuple(t) for t in g) for g in block["groups"]]
        if sorted(groups) != sorted(given):
            return "groups differ from the orbits of the block's boxes"
        cols = []
        for g in given:
            col: dict = {}
            for t in g:
                for r, v in A.get(t, {}).items():
                    col[r] = col.get(r, 0) + v
            cols.append(col)
        n_rows = net.shape[0] * net.shape[1]
        AG = sympy.Matrix(n_rows, len(given), lambda r, j: sympy.Rational(cols[j].get(r, 0)))
        rank = AG.rank()
        d = len(block["kernel"])
        if rank != len(given) - d:
            return f"rank of A on the span is {rank}, not #groups − d = {len(given) - d}"
        vectors = []
        for vec in block["kernel"]:
            c = sympy.zeros(len(given), 1)
            for j, x in vec:
                c[int(j)] = int(x)
            if any(AG * c):
                return "kernel vector not in Ker A"
            vectors.append(c)
        if d and sympy.Matrix.hstack(*vectors).rank() != d:
            return "kernel vectors dependent"
        if d == 0:
            continue
        tensors = []
        for c in vectors:
            T = {}
            for j, g in enumerate(given):
                for t in g:
                    T[t] = int(c[j])
            tensors.append(T)
        forms = []
        for m in block["flattening_minors"]:
            k = m["layer"]
            linear = [[{i: T.get(tuple(col[:k]) + (r,) + tuple(col[k:]), 0) for i, T in enumerate(tensors)}
                       for col in m["cols"]] for r in m["rows"]]
            forms.append(_det3_form([[{i: v for i, v in f.items() if v} for f in row] for row in linear], d))
        D = block["degree"]
        columns = {m: n for n, m in enumerate(_monomials(D, d))}
        rows = []
        for j, e in block["macaulay_rows"]:
            row = [0] * len(columns)
            for m, v in forms[j].items():
                row[columns[tuple(a + b for a, b in zip(m, e))]] += v
            rows.append(row)
        if len(rows) != len(columns):
            return "the Macaulay block is not square"
        if DomainMatrix([[sympy.ZZ(x) for x in r] for r in rows], (len(rows), len(columns)), sympy.ZZ).rank() != len(columns):
            return "the Macaulay block is singular over QQ"
    need = {(i, j) for i in range(len(pieces)) for j in range(i, len(pieces))}
    if need - covered:
        return "a pair of pieces is not covered"
    return None


def reference_check_real_witness(net, model, witness) -> str | None:
    x = sympy.Symbol("x")
    if "field" not in witness:
        h = [[sympy.Rational(str(v)) for v in hk] for hk in witness["h"]]
        g = [[sympy.Rational(str(v)) for v in gk] for gk in witness["g"]]
        K, to = sympy.QQ, sympy.QQ.from_sympy
        h = [[to(v) for v in hk] for hk in h]
        g = [[to(v) for v in gk] for gk in g]
    else:
        chi = sympy.Poly([int(c) for c in reversed(witness["field"]["minpoly"])], x)
        lo, hi = (sympy.Rational(str(v)) for v in witness["field"]["interval"])
        roots = [r for r in sympy.real_roots(chi) if lo < r < hi]
        if len(roots) != 1:
            return f"{len(roots)} real roots of the minimal polynomial in the interval"
        alpha = roots[0]
        K = sympy.QQ.algebraic_field(alpha)  # Q[x]/(minimal polynomial of α); K.new([1, 0]) is α

        def elem(q):  # Σ q_i α^i, reduced modulo the minimal polynomial by sympy's ANP arithmetic
            return K.new([sympy.QQ(sympy.Rational(str(c)).p, sympy.Rational(str(c)).q) for c in reversed(q)])

        h = [[elem(q) for q in hk] for hk in witness["h"]]
        g = [[elem(q) for q in gk] for gk in witness["g"]]
    zero = K.zero
    for name, v in (("h", h), ("g", g)):
        if any(all(c == zero for c in layer) for layer in v):
            return f"a layer of {name} is zero"
        inside = any(all(c == zero for k, layer in enumerate(v) for i, c in enumerate(layer) if i not in p.supports[k])
                     and all(v[k] == v[cls[0]] for cls in p.classes for k in cls) for p in model.pieces())
        if not inside:
            return f"{name} is outside the model"

    def product(v):
        M = None
        for layer, hk in zip(net.layers, v):
            L = [[zero] * layer.cols for _ in range(layer.rows)]
            for p, r, c, val in layer.entries:
                L[r][c] += K.from_sympy(sympy.Rational(val.numerator, val.denominator)) * hk[p]
            if M is None:
                M = L
            else:
                M = [[sum((M[i][m] * L[m][j] for m in range(len(L))), zero) for j in range(layer.cols)]
                     for i in range(len(M))]
        return M

    if product(h) != product(g):
        return "M(h) != M(g) in Q(α)"
    for t in itertools.product(*(range(s) for s in net.param_counts)):
        ph, pg = K.one, K.one
        for k, i in enumerate(t):
            ph *= h[k][i]
            pg *= g[k][i]
        if ph != pg:
            return None
    return "P(h) = P(g)"
