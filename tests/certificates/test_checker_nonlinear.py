"""The checker's two non-linear rules (docs/certificate-format.md, "difference_set" and "real
algebraic counterexample"; Proposition 6.3, Definition 6.1).

The producer's certificates of the bundled examples verify, standalone and under ``tensorlift
verify``; targeted single edits of their witnesses (the prime, the degree, a Macaulay row, a kernel
entry, a group, a minor row; each coefficient of chi, the interval, a coordinate, a hint) are
rejected -- or, where the edit leaves a true claim, accepted for the reason the case names -- and
every verdict agrees with the producer's own exact checks (algebra.difference_set,
algebra.real_witness). Hand-made witnesses over a reducible chi pin the "one root" rule, and sympy's
algebraic numbers re-evaluate the examples' algebraic witnesses independently.
"""
from __future__ import annotations

import copy
import functools
import json
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import flint
import pytest
import sympy

from algebra.difference_set import block_for_pieces, check_difference_set_witness
from algebra.errors import WitnessCheckFailed
from algebra.flattenings import FlatteningMinor, minor_form
from algebra.lifting import lifting_operator
from algebra.macaulay import monomials_of_degree
from algebra.model_span import span_columns
from algebra.models import full_model
from algebra.real_witness import check_real_witness
from certificates.certify import certify
from certificates.checker import check_certificate, is_prime
from graphs.structured_spec import parse_structured_spec

from .make_corpus import STABLE_REFUTED, canonicalize, rehash

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "structured"
VERIFY = [shutil.which("tensorlift") or f"{sys.prefix}/bin/tensorlift", "verify"]
WITNESS_KIND = {"phase-retrieval-n4-m7": "difference_set", "rank-one-sensing-3x4-m10": "difference_set",
                "rank-one-sensing-3x3-m7": "field", "rank-one-sensing-3x4-m9": "field", "phase-retrieval-n4-m6": "h"}


@functools.cache
def _example(name: str) -> str:
    """The producer's certificate of a bundled example, as JSON text (edited copies are made from it)."""
    return json.dumps(certify(json.loads((EXAMPLES / f"{name}.json").read_text())).document)


def _doc(name: str) -> dict:
    return json.loads(_example(name))


def _witness(doc: dict) -> dict:
    return next(c for c in doc["claims"] if c["id"] == "identifiable")["witness"]


def _checker_accepts(doc: dict) -> bool:
    """The checker's verdict on the claim as written (its canonical text refilled from the edited
    witness, so that an edit fails on the witness, not on the words); malformed counts as refused."""
    report = check_certificate(json.dumps(canonicalize(copy.deepcopy(doc))))
    assert report.exit_code in (0, 1, 2), report.verdict
    assert not any("canonical" in line for line in report.failures), report.failures
    return report.exit_code == 0


def _producer_accepts(doc: dict) -> bool:
    """The producer's own exact check of the identifiable claim's witness."""
    spec = doc["network"]["spec"]
    net, model = parse_structured_spec(spec)
    model = model or full_model(net)
    w = _witness(doc)
    try:
        if "difference_set" in w:
            check_difference_set_witness(net, model, lifting_operator(net), w)
        else:
            check_real_witness(net, model, w)
    except (WitnessCheckFailed, KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return False
    return True


# --------------------------------------------------------------------------- the examples verify
@pytest.mark.parametrize("name", sorted(WITNESS_KIND))
def test_the_examples_certificates_verify(name):
    doc = _doc(name)
    assert WITNESS_KIND[name] in _witness(doc)
    report = check_certificate(json.dumps(doc))
    assert report.exit_code == 0, report.failures
    assert report.claims["identifiable"] == "verified"
    assert _producer_accepts(doc) or WITNESS_KIND[name] == "h"


@pytest.mark.parametrize("name", ["phase-retrieval-n4-m7", "rank-one-sensing-3x3-m7"])
def test_tensorlift_verify_and_the_standalone_checker_accept_them(name, tmp_path):
    path = tmp_path / f"{name}.cert.json"
    path.write_text(_example(name))
    for argv in (VERIFY, [sys.executable, "-I", str(ROOT / "certificates" / "checker.py")]):
        out = subprocess.run(argv + [str(path)], capture_output=True, text=True)
        assert out.returncode == 0 and out.stdout.startswith("verified"), (argv, out.stdout, out.stderr)


# --------------------------------------------------------------------------- difference-set edits
def _block(doc: dict) -> dict:
    return _witness(doc)["difference_set"]["blocks"][0]


def _edited(name: str, edit) -> dict:
    doc = _doc(name)
    edit(_block(doc) if "difference_set" in _witness(doc) else _witness(doc))
    return doc


def _move_tuple(b):
    """Move the last index tuple of the first group of several tuples to another group (without
    ties every group is one tuple: then copy one into another group)."""
    j = next((j for j, g in enumerate(b["groups"]) if len(g) > 1), None)
    if j is None:
        b["groups"][1].append(b["groups"][0][0])
    else:
        b["groups"][(j + 1) % len(b["groups"])].append(b["groups"][j].pop())


def _swap_minor_rows(b):
    m = b["flattening_minors"][0]
    m["rows"][0], m["rows"][1] = m["rows"][1], m["rows"][0]


DS_REJECTED = {
    "prime composite (p + 1)": lambda b: b.update(prime=b["prime"] + 1),
    "degree + 1": lambda b: b.update(degree=b["degree"] + 1),
    "degree - 1": lambda b: b.update(degree=b["degree"] - 1),
    "Macaulay row: exponent raised": lambda b: b["macaulay_rows"][0][1].__setitem__(0, b["macaulay_rows"][0][1][0] + 1),
    "Macaulay row dropped": lambda b: b["macaulay_rows"].pop(),
    "Macaulay row duplicated": lambda b: b["macaulay_rows"].__setitem__(1, list(b["macaulay_rows"][0])),
    "Macaulay row appended": lambda b: b["macaulay_rows"].append(b["macaulay_rows"][0]),
    "kernel entry + 1": lambda b: b["kernel"][0][0].__setitem__(1, b["kernel"][0][0][1] + 1),
    "kernel entry - 1": lambda b: b["kernel"][-1][-1].__setitem__(1, b["kernel"][-1][-1][1] - 1),
    "kernel vector dropped": lambda b: b["kernel"].pop(),
    "a tuple moved to another group": _move_tuple,
    "a group dropped": lambda b: b["groups"].pop(),
    "minor row repeated": lambda b: b["minor_rows"].__setitem__(0, b["minor_rows"][1]),
    "minor group dropped": lambda b: b["minor_groups"].pop(),
    "flattening minor with a repeated row": lambda b: b["flattening_minors"][0]["rows"].__setitem__(
        0, b["flattening_minors"][0]["rows"][1]),
    "a piece that is not the model's": lambda b: b.update(pieces=[[[0, 1, 2], [0, 1, 2]]]),
}
# Edits that leave a true claim: the checker must accept them, and says why here.
DS_STILL_TRUE = {
    # swapping two rows of a 3 x 3 minor only changes its sign: the same ideal
    "flattening minor rows swapped": _swap_minor_rows,
    # the model has one piece: "all" and the list of that piece are the same block
    "pieces listed instead of 'all'": lambda b: b.update(pieces=[[[0, 1, 2, 3], [0, 1, 2, 3]]]),
}


@pytest.mark.parametrize("name", ["phase-retrieval-n4-m7", "rank-one-sensing-3x4-m10"])
@pytest.mark.parametrize("what", sorted(DS_REJECTED))
def test_a_difference_set_edit_is_rejected_by_the_checker_and_the_producer(name, what):
    doc = _edited(name, DS_REJECTED[what])
    if what == "a piece that is not the model's" and name != "phase-retrieval-n4-m7":
        doc = _edited(name, lambda b: b.update(pieces=[[[0, 1], [0, 1, 2, 3]]]))
    assert not _checker_accepts(doc), what
    assert not _producer_accepts(doc), what


@pytest.mark.parametrize("what", sorted(DS_STILL_TRUE))
def test_a_difference_set_edit_that_leaves_a_true_claim_is_accepted(what):
    doc = _edited("phase-retrieval-n4-m7", DS_STILL_TRUE[what])
    assert _checker_accepts(doc), what


@pytest.mark.parametrize("name", ["phase-retrieval-n4-m7", "rank-one-sensing-3x4-m10"])
@pytest.mark.parametrize("shift", [-2, 2, 1_000_000_000])
def test_another_prime_is_accepted_exactly_when_it_is_prime_and_both_minors_stay_non_singular(name, shift):
    p = _block(_doc(name))["prime"] + shift
    doc = _edited(name, lambda b: b.update(prime=p))
    if not is_prime(p):
        assert not _checker_accepts(doc) and not _producer_accepts(doc)
    else:  # a true claim exactly when both minors are non-singular modulo p (flint's ranks)
        assert _checker_accepts(doc) == _nonsingular_mod(doc, p) == _producer_accepts(doc)


def _blocks_integer_minors(doc: dict) -> tuple[list, list]:
    """(the Macaulay block, the minor of A·G) of the first block as integer/rational matrices,
    rebuilt with the producer's functions (the tests' independent reading of the witness)."""
    spec = doc["network"]["spec"]
    net, _ = parse_structured_spec(spec)
    b = _block(doc)
    groups = [[tuple(t) for t in g] for g in b["groups"]]
    tensors = []
    for vec in b["kernel"]:
        T = {}
        for j, c in vec:
            for t in groups[j]:
                T[t] = c
        tensors.append(T)
    d = len(tensors)
    forms = [minor_form(tensors, FlatteningMinor(m["layer"], tuple(m["rows"]), tuple(map(tuple, m["cols"]))))
             for m in b["flattening_minors"]]
    index = {m: i for i, m in enumerate(monomials_of_degree(b["degree"], d))}
    macaulay = []
    for j, e in b["macaulay_rows"]:
        row = [0] * len(index)
        for m, c in forms[j].items():
            row[index[tuple(x + y for x, y in zip(m, e))]] += c
        macaulay.append(row)
    cols = span_columns(lifting_operator(net), groups)
    minor = [[cols[j].get(r, Fraction(0)) for j in b["minor_groups"]] for r in b["minor_rows"]]
    return macaulay, minor


def _nonsingular_mod(doc: dict, p: int) -> bool:
    macaulay, minor = _blocks_integer_minors(doc)
    residues = [[x.numerator * pow(x.denominator, -1, p) % p for x in row] for row in minor]
    return (flint.nmod_mat(macaulay, p).rank() == len(macaulay)
            and flint.nmod_mat(residues, p).rank() == len(residues))


@pytest.mark.parametrize("name", ["phase-retrieval-n4-m7", "rank-one-sensing-3x4-m10"])
def test_a_prime_dividing_a_determinant_is_rejected(name):
    macaulay, minor = _blocks_integer_minors(_doc(name))
    den = 1
    for row in minor:
        for x in row:
            den = den * x.denominator // __import__("math").gcd(den, x.denominator)
    dets = [int(flint.fmpz_mat(macaulay).det()), int(flint.fmpz_mat([[int(x * den) for x in row] for row in minor]).det())]
    primes = sorted({q for det in dets for q in sympy.factorint(det, limit=10**6) if 2 < q < 2**64 and is_prime(q)})
    assert primes, "no small prime divides either determinant"
    for q in primes[:3]:
        doc = _edited(name, lambda b: b.update(prime=q))
        assert not _checker_accepts(doc) and not _producer_accepts(doc), q


@pytest.mark.parametrize("name", ["phase-retrieval-n4-m7", "rank-one-sensing-3x4-m10"])
def test_every_minor_row_or_macaulay_row_swap_agrees_with_the_exact_ranks(name):
    """A minor row replaced by any other row of A, a Macaulay row by a row of another minor: the
    checker accepts exactly when the new square blocks are non-singular modulo p (then the claim
    is still true), as the producer's check does."""
    doc = _doc(name)
    b = _block(doc)
    n_rows = 7 if name.startswith("phase") else 10
    cases = [lambda b, r=r: b["minor_rows"].__setitem__(0, r) for r in range(n_rows) if r not in b["minor_rows"][1:]]
    cases += [lambda b, j=j: b["macaulay_rows"][0].__setitem__(0, j) for j in range(len(b["flattening_minors"]))]
    for edit in cases:
        edited = _edited(name, edit)
        truth = len(set(map(str, _block(edited)["macaulay_rows"]))) == len(b["macaulay_rows"]) and \
            _nonsingular_mod(edited, b["prime"])
        assert _checker_accepts(edited) == truth == _producer_accepts(edited)


def test_blocks_per_pair_of_pieces_cover_every_pair():
    """A model of two tied pieces: one block per pair (L, L'), L = L' included (block_for_pieces);
    dropping a block leaves a pair uncovered."""
    spec = json.loads((EXAMPLES / "phase-retrieval-n4-m7.json").read_text())
    spec["model"] = {"supports": [[[0, 1, 2], [1, 2, 3]], None], "tie": [[1, 2]]}
    net, model = parse_structured_spec(spec)
    A = lifting_operator(net)
    pieces = list(model.pieces())
    blocks = []
    from algebra.budget import Budget

    for n, (i, j) in enumerate([(0, 0), (0, 1), (1, 1)]):
        block = block_for_pieces(net, model, A, [pieces[i]] if i == j else [pieces[i], pieces[j]], Budget.unlimited(), n)
        assert block.proved
        blocks.append(json.loads(json.dumps(block.witness())))
    doc = json.loads(json.dumps(certify(spec).document))
    claim = next(c for c in doc["claims"] if c["id"] == "identifiable")
    claim.update(status="proved", value=True, witness={"difference_set": {"blocks": blocks}})
    claim.pop("reason", None)
    doc["claims"] = [c for c in doc["claims"] if c["id"] != "stable"] + [
        {"id": "stable", "status": "inconclusive", "statement": "Not decided.", "relies_on": [], "reason": "test"}]
    assert _checker_accepts(doc) and _producer_accepts(doc)
    for k in range(3):
        fewer = copy.deepcopy(doc)
        del _witness(fewer)["difference_set"]["blocks"][k]
        # the diagonal blocks are implied by the mixed one (its span holds both pieces' boxes)
        assert _checker_accepts(fewer) == (k != 1) == _producer_accepts(fewer), k


# --------------------------------------------------------------------------- algebraic edits
ALG = "rank-one-sensing-3x3-m7"


def _chi_edits():
    n = len(_witness(_doc(ALG))["field"]["minpoly"])
    for i in range(n):
        for delta in (-1, 1):
            yield f"minpoly[{i}] {delta:+d}", lambda w, i=i, delta=delta: w["field"]["minpoly"].__setitem__(
                i, w["field"]["minpoly"][i] + delta)


def _coordinate_edit(side, k, i, j, delta):
    def edit(w):
        q = w[side][k][i]
        q[j] = str(Fraction(q[j]) + delta)
    return edit


ALG_REJECTED = dict(_chi_edits())
ALG_REJECTED.update({
    "interval swapped": lambda w: w["field"]["interval"].reverse(),
    "lo moved to hi": lambda w: w["field"]["interval"].__setitem__(0, w["field"]["interval"][1]),
    "interval moved past the root": lambda w: w["field"].update(interval=[
        str(2 * Fraction(w["field"]["interval"][1]) - Fraction(w["field"]["interval"][0])),
        str(3 * Fraction(w["field"]["interval"][1]) - 2 * Fraction(w["field"]["interval"][0]))]),
    "h[0][1] q_0 + 1": _coordinate_edit("h", 0, 1, 0, 1),
    "h[0][1] q_1 - 1": _coordinate_edit("h", 0, 1, 1, -1),
    "h[1][2] q_2 + 1": _coordinate_edit("h", 1, 2, 2, 1),
    "g[0][0] q_0 + 1": _coordinate_edit("g", 0, 0, 0, 1),
    "g[1][1] q_1 - 1": _coordinate_edit("g", 1, 1, 1, -1),
    "h[0][0] a new q_3": lambda w: w["h"][0][0].extend(["0"] * (3 - len(w["h"][0][0])) + ["1"]),
})


@pytest.mark.parametrize("what", sorted(ALG_REJECTED))
def test_an_algebraic_edit_is_rejected_by_the_checker_and_the_producer(what):
    doc = _edited(ALG, ALG_REJECTED[what])
    assert not _checker_accepts(doc), what
    assert not _producer_accepts(doc), what


def _half_interval(w):
    """The half of the interval that keeps the sign change (the same root)."""
    lo, hi = (Fraction(x) for x in w["field"]["interval"])
    chi = w["field"]["minpoly"]
    value = lambda x: sum(c * x ** i for i, c in enumerate(chi))  # noqa: E731
    m = (lo + hi) / 2
    w["field"]["interval"] = [str(lo), str(m)] if value(lo) * value(m) < 0 else [str(m), str(hi)]


ALG_STILL_TRUE = {
    # a sub-interval with the sign change isolates the same root
    "interval halved keeping the sign change": _half_interval,
    # every coordinate of this witness is non-zero at alpha, so any one per layer may be the hint
    "another non-zero coordinate as hint": lambda w: w["hints"]["h_nonzero"].__setitem__(0, (w["hints"]["h_nonzero"][0] + 1) % 3),
    # P(h) - P(g) is a non-zero rank-2 matrix: (0, 1) is one of its non-zero entries too
    "another entry of P(h) - P(g) as hint": lambda w: w["hints"].update(difference=[0, 1]),
    # q + chi(T) is q at every root of chi: the same witness in another representative
    "a coordinate plus chi": lambda w: w["h"][0][1].__setitem__(
        slice(None), [str(Fraction(x) + c) for x, c in zip(w["h"][0][1] + ["0"] * 4, w["field"]["minpoly"])]),
}


@pytest.mark.parametrize("what", sorted(ALG_STILL_TRUE))
def test_an_algebraic_edit_that_leaves_a_true_claim_is_accepted(what):
    doc = _edited(ALG, ALG_STILL_TRUE[what])
    assert _checker_accepts(doc) and _producer_accepts(doc), what


# --------------------------------------------------------------------------- one root only
# X = h_1[0] h_2[0]: h_1[1] acts on nothing, so (h_1[0], q) and (h_1[0], q') give the same product
# and P(h) - P(g) has the entry (q - q') h_2[0] at t = (1, 0).
UNUSED_PARAMETER = {"kind": "structured", "name": "one-unused-parameter",
                    "layers": [{"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1]]},
                               {"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]}


def _algebraic_certificate(chi, interval, q_h, q_g, h_nonzero=(0, 0)) -> dict:
    doc = certify(UNUSED_PARAMETER).document
    witness = {"field": {"minpoly": list(chi), "interval": [str(x) for x in interval]},
               "h": [[["1"], [str(c) for c in q_h]], [["1"]]], "g": [[["1"], [str(c) for c in q_g]], [["1"]]],
               "hints": {"h_nonzero": list(h_nonzero), "g_nonzero": [0, 0], "difference": [1, 0]}}
    ident = {"id": "identifiable", "status": "refuted", "statement": "", "relies_on": [], "value": False,
             "witness": witness}
    return canonicalize(rehash({**doc, "claims": [doc["claims"][0], ident, copy.deepcopy(STABLE_REFUTED)]}))


def _expand(*factors) -> list[int]:
    """The integer coefficients (constant first) of a product of integer polynomials."""
    out = sympy.Poly(sympy.Mul(*[sum(c * sympy.Symbol("x") ** i for i, c in enumerate(f)) for f in factors]),
                     sympy.Symbol("x"))
    return [int(c) for c in reversed(out.all_coeffs())]


def test_a_square_root_of_2_witness_verifies_and_a_zero_hint_does_not():
    chi = [-2, 0, 1]
    assert _checker_accepts(_algebraic_certificate(chi, (1, 2), [0, 1], [1]))  # alpha - 1 != 0
    doc = _algebraic_certificate(chi, (1, 2), [0, 1], [1], h_nonzero=(1, 0))
    _witness(doc)["h"][0][1] = []  # the hinted coordinate is 0 ...
    _witness(doc)["g"][0][1] = ["1"]
    assert not _checker_accepts(doc) and not _producer_accepts(doc)


def test_every_condition_must_hold_at_the_one_root_the_bisection_keeps():
    """chi = (5x - 6)(x^2 - 2)(10x - 13) has the roots 6/5, 13/10 and sqrt 2 in [1, 2]; the bisection
    keeps 6/5. A hinted coordinate vanishing at 6/5 and a difference vanishing at 13/10 and sqrt 2:
    each condition holds at some root, all at none -- rejected (no two roots are combined)."""
    chi = _expand([-6, 5], [-2, 0, 1], [-13, 10])
    q_h = [-6, 5]  # 0 at 6/5
    q_g = [a - b for a, b in zip(q_h + [0, 0], _expand([-13, 10], [-2, 0, 1]))]  # q_h - q_g: 0 at 13/10, sqrt 2
    doc = _algebraic_certificate(chi, (1, 2), q_h, q_g, h_nonzero=(1, 0))
    assert not _checker_accepts(doc) and not _producer_accepts(doc)
    # on [135/100, 2] only sqrt 2 remains: the hinted coordinate is fine there, the difference is not
    doc = _algebraic_certificate(chi, (Fraction(135, 100), 2), q_h, q_g, h_nonzero=(1, 0))
    assert not _checker_accepts(doc) and not _producer_accepts(doc)
    # a difference vanishing only at 13/10: true at sqrt 2 (its own interval) but not at 6/5 (the kept root
    # of [1, 2], where the hinted coordinate vanishes)
    q_g = [a - b for a, b in zip(q_h + [0], [-13, 10, 0])]
    assert _checker_accepts(_algebraic_certificate(chi, (Fraction(135, 100), 2), q_h, q_g, h_nonzero=(1, 0)))
    assert not _checker_accepts(_algebraic_certificate(chi, (1, 2), q_h, q_g, h_nonzero=(1, 0)))


def test_a_rational_root_met_by_the_bisection_is_alpha_itself():
    """chi = (2x - 3)(x^2 + 1) on [1, 2]: the first midpoint 3/2 is a root, so alpha = 3/2 exactly."""
    chi = _expand([-3, 2], [1, 0, 1])
    assert _checker_accepts(_algebraic_certificate(chi, (1, 2), [0, 1], [1]))  # 3/2 - 1 != 0
    doc = _algebraic_certificate(chi, (1, 2), [-3, 2], [0], h_nonzero=(1, 0))  # h_1[1] = 2 alpha - 3 = 0
    assert not _checker_accepts(doc) and not _producer_accepts(doc)


# --------------------------------------------------------------------------- sympy's algebraic numbers
@pytest.mark.parametrize("name", ["rank-one-sensing-3x3-m7", "rank-one-sensing-3x4-m9"])
def test_sympy_confirms_the_algebraic_witnesses(name):
    """The root of chi in the interval as a sympy CRootOf; M(h) = M(g) and P(h) != P(g) in Q(alpha)
    (remainders modulo alpha's minimal polynomial), and numerically at 60 digits."""
    doc = _doc(name)
    w = _witness(doc)
    x = sympy.Symbol("x")
    chi = sympy.Poly(list(reversed(w["field"]["minpoly"])), x)
    lo, hi = (sympy.Rational(v) for v in w["field"]["interval"])
    roots = [r for r in chi.real_roots() if lo <= r <= hi]
    assert len(roots) == 1
    alpha = roots[0]
    f = sympy.Poly(alpha.poly.as_expr(), x)  # alpha's minimal polynomial (an irreducible factor of chi)

    def element(q):
        return sympy.Poly(sum(sympy.Rational(c) * x ** i for i, c in enumerate(q)), x, domain="QQ")

    net, _ = parse_structured_spec(doc["network"]["spec"])

    def product(params):
        out = None
        for layer, hk in zip(net.layers, params):
            M = [[sympy.Poly(0, x, domain="QQ") for _ in range(layer.cols)] for _ in range(layer.rows)]
            for p, r, c, v in layer.entries:
                M[r][c] += element(hk[p]) * sympy.Rational(v)
            out = M if out is None else [[sum((out[i][m] * M[m][j] for m in range(len(M))),
                                              sympy.Poly(0, x, domain="QQ")).rem(f)
                                           for j in range(layer.cols)] for i in range(len(out))]
        return out

    h = [[element(q) for q in hk] for hk in w["h"]]
    g = [[element(q) for q in gk] for gk in w["g"]]
    assert all((a - b).rem(f).is_zero for ra, rb in zip(product(w["h"]), product(w["g"])) for a, b in zip(ra, rb))
    t = w["hints"]["difference"]
    diff = (sympy.prod([h[k][i] for k, i in enumerate(t)]) - sympy.prod([g[k][i] for k, i in enumerate(t)])).rem(f)
    assert not diff.is_zero
    value = diff.as_expr().subs(x, alpha.evalf(60))
    assert abs(value) > sympy.Float("1e-40")


def test_the_blocks_prime_is_replaced_when_the_minor_of_A_G_is_singular_modulo_it(monkeypatch):
    """The block's one prime certifies both square blocks: a prime the minor of A·G fails is
    replaced by the next seed's (algebra.difference_set.block_for_pieces), and the checker agrees."""
    import algebra.difference_set as difference_set

    primes, real = [], difference_set.nonsingular_mod

    def first_prime_fails(columns, rows, p):
        primes.append(p)
        return len(primes) > 1 and real(columns, rows, p)

    monkeypatch.setattr(difference_set, "nonsingular_mod", first_prime_fails)
    doc = json.loads(json.dumps(certify(json.loads((EXAMPLES / "phase-retrieval-n4-m7.json").read_text())).document))
    assert primes[0] != primes[1] and _block(doc)["prime"] == primes[1]
    assert check_certificate(json.dumps(doc)).exit_code == 0
