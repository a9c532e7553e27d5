"""The checker's table of proof rules, its one elimination routine and its per-check context.

The corpora and mutation tests (test_checker.py) judge the checker's verdicts; these tests pin
the structure that makes it extensible: every claim the producer can write has exactly one rule
that reads it, combinations without a rule get the documented exit status, the sparse
elimination agrees with an exact determinant (also mod p), and checking leaves the network as
it was built (shared results live in the context).
"""
from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import flint
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certificates import checker
from certificates.checker import canonical_claim_text, check_certificate

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CORPUS = sorted((HERE / "golden").glob("*.json")) + sorted((HERE / "valid").glob("*.json"))


def _docs():
    return [(p.name, json.loads(p.read_text())) for p in CORPUS]


def _key(doc, claim):
    kind = "conv" if doc["network"]["spec"]["kind"] == "conv" else "structured"
    witness_kind = next(k for w, k in checker._WITNESS_KEYS.items() if w in claim["witness"])
    return kind, claim["id"], claim["status"], witness_kind


# --------------------------------------------------------------------------- one table of rules
def test_every_claim_of_the_corpus_has_exactly_one_rule_that_reads_it():
    seen = set()
    for name, doc in _docs():
        net = checker._read_network(doc["network"]["spec"], checker._Budget())
        for claim in doc["claims"]:
            if claim["status"] not in ("proved", "refuted"):
                continue
            key = _key(doc, claim)
            assert key in checker._RULES, (name, key)
            seen.add(key)
            # the other rules of the same (kind, id, status) refuse this witness as malformed
            for other, rule in checker._RULES.items():
                if other[:3] == key[:3] and other != key:
                    with pytest.raises(checker._Malformed):
                        rule.check(copy.deepcopy(claim), net, checker._Context(checker._Budget()))
    assert seen == set(checker._RULES), f"rules no certificate exercises: {set(checker._RULES) - seen}"


def test_the_canonical_texts_are_the_golden_certificates_texts():
    # the texts moved into the rule table byte for byte: what the producer wrote is what it asks
    for name, doc in _docs():
        for claim in doc["claims"]:
            if claim["status"] in ("proved", "refuted"):
                statement = canonical_claim_text(*_key(doc, claim), **_values(doc, claim))[0]
                assert statement == claim["statement"], name


def _values(doc, claim):
    net = checker._read_network(doc["network"]["spec"], checker._Budget())
    ctx = checker._Context(checker._Budget())
    for c in doc["claims"]:
        if c["status"] in ("proved", "refuted"):
            values = checker._RULES[_key(doc, c)].check(c, net, ctx)
            if c is claim:
                return values
            ctx.verified[c["id"]] = c
    raise AssertionError("claim not in document")


def _format_example():
    return json.loads((HERE / "valid" / "format-example.json").read_text())


def _conv_example():
    return json.loads((HERE / "valid" / "conv-paper-scattered.json").read_text())


@pytest.mark.parametrize("edit, exit_code, message", [
    # a rank is a value, never refuted: the witness is read, then the claim fails ...
    (lambda d: d["claims"][0].update(status="refuted"), 1, "can only be 'proved'"),
    # ... and a witness that does not read stays malformed
    (lambda d: d["claims"][0].update(status="refuted", witness={"minor": {}, "kernel": {}}), 2, "witness.minor"),
    # 'scattered' is a conv notion, whatever its witness
    (lambda d: d["claims"].append({"id": "scattered", "status": "proved", "statement": "s", "relies_on": [],
                                   "witness": {"anything": 1}}), 1, "conv networks only"),
    # the value of a yes/no claim is read before its witness
    (lambda d: d["claims"][1].update(value=True, witness={"unknown": 1}), 1, "contradicts status"),
    (lambda d: d["claims"][2].update(value=True, witness={"unknown": 1}), 1, "contradicts status"),
    # a witness of a kind no rule reads for this claim
    (lambda d: d["claims"][1].update(witness={"from_claim": "lifting-rank"}), 2,
     "a refuted structured 'identifiable' claim takes a algebraic_counterexample or counterexample witness"),
    (lambda d: d["claims"][1].update(witness={}), 2, "takes a algebraic_counterexample or counterexample witness"),
])
def test_combinations_without_a_rule(edit, exit_code, message):
    doc = _format_example()
    edit(doc)
    report = check_certificate(doc)
    assert report.exit_code == exit_code, report.verdict
    assert message in (report.verdict if exit_code == 2 else report.failures[0])


def test_a_structured_stable_claim_with_a_conv_witness_is_malformed():
    doc = _conv_example()
    doc["claims"][3]["witness"] = {"from_claim": "lifting-rank", "gram": "AtA", "scale": 1, "charpoly": ["1"]}
    report = check_certificate(doc)
    assert report.exit_code == 2 and "takes a from_claim witness" in report.verdict


# --------------------------------------------------------------------------- the context
def test_checking_leaves_the_network_as_it_was_built():
    # shared results (verified claims, the Algorithm 8.1 pass) live in the context, not on the net
    for name, doc in _docs():
        net = checker._read_network(doc["network"]["spec"], checker._Budget())
        before = {k: copy.deepcopy(v) for k, v in vars(net).items()}
        ctx = checker._Context(checker._Budget())
        for claim in doc["claims"]:
            if claim["status"] in ("proved", "refuted"):
                checker._compare_words(claim, *checker._verify(claim, net, ctx))
                ctx.verified[claim["id"]] = claim
        assert vars(net) == before, name


def test_one_algorithm_8_1_pass_serves_the_rank_and_the_collision():
    doc = json.loads((HERE / "valid" / "conv-paper-unscattered.json").read_text())
    doc["claims"][1]["witness"] = {"recompute": True}  # no outputs to compare: reuse the rank's pass
    net = checker._read_network(doc["network"]["spec"], checker._Budget())
    ctx = checker._Context(checker._Budget())
    checker._verify(doc["claims"][0], net, ctx)
    ctx.verified["lifting-rank"] = doc["claims"][0]
    used, first_pass = ctx.budget.used, ctx.scatter
    _, (statement, _, _) = checker._verify(doc["claims"][1], net, ctx)
    assert ctx.budget.used == used and ctx.scatter is first_pass
    leaf, offset, count = first_pass.collision
    assert f"(leaf {leaf}, offset {offset}: {count} path/offset choices collide)" in statement


# --------------------------------------------------------------------------- the one elimination routine
def _columns(matrix, rows):
    """The columns of ``matrix`` as sparse vectors over the row labels ``rows``."""
    n = len(matrix)
    return [{rows[i]: Fraction(matrix[i][j]) for i in range(n) if matrix[i][j]} for j in range(n)]


square = st.integers(1, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(-3, 3), min_size=n, max_size=n), min_size=n, max_size=n))


def _minor_is_shown_nonsingular(columns, rows, prime=None) -> bool:
    """The checker's minor check (checker._check_minor) as a yes/no."""
    try:
        checker._check_minor([(c, 1) for c in columns], rows, prime, 10 ** 7, checker._Budget(), "the minor")
    except checker._Failed:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(square)
def test_the_sparse_elimination_agrees_with_the_determinant(matrix):
    det = flint.fmpz_mat(matrix).det()
    rows = [7 * i + 3 for i in range(len(matrix))]  # arbitrary labels, plus an entry outside the minor
    columns = [{**c, 10 ** 6: Fraction(5)} for c in _columns(matrix, rows)]
    assert _minor_is_shown_nonsingular(columns, rows) == (det != 0)  # the checker's own primes, then exact
    assert checker._independent(_columns(matrix, rows), checker._Budget()) == (det != 0)  # exact over Q


@settings(max_examples=200, deadline=None)
@given(square, st.data())
def test_the_sparse_elimination_rejects_singular_matrices(matrix, data):
    # replace one column by a rational combination of the others (or by zero)
    n = len(matrix)
    j = data.draw(st.integers(0, n - 1))
    coefficients = [data.draw(st.fractions(-3, 3, max_denominator=4)) for _ in range(n)]
    columns = [{i: Fraction(matrix[i][c]) for i in range(n) if matrix[i][c]} for c in range(n)]
    combo: dict = {}
    for c in range(n):
        if c != j:
            for i, x in columns[c].items():
                combo[i] = combo.get(i, 0) + coefficients[c] * x
    columns[j] = {i: x for i, x in combo.items() if x}
    assert not checker._independent(columns, checker._Budget())
    assert not _minor_is_shown_nonsingular(columns, list(range(n)))
    assert not _minor_is_shown_nonsingular(columns, list(range(n)), prime=2 ** 61 - 1)


@settings(max_examples=200, deadline=None)
@given(square, st.sampled_from([2, 3, 5, 7, 2 ** 31 - 1]))
def test_the_elimination_mod_p_is_the_determinant_mod_p(matrix, p):
    det = int(flint.fmpz_mat(matrix).det())
    residues = [{i: int(x) % p for i, x in c.items() if int(x) % p} for c in _columns(matrix, list(range(len(matrix))))]
    independent_mod_p = checker._independent(residues, checker._Budget(), prime=p)
    assert independent_mod_p == (det % p != 0)
    assert _minor_is_shown_nonsingular(_columns(matrix, list(range(len(matrix)))), list(range(len(matrix))), p) \
        == (det % p != 0)
    if independent_mod_p:  # non-singular mod p implies non-singular over Q
        assert checker._independent(_columns(matrix, list(range(len(matrix)))), checker._Budget())


def test_the_reduction_mod_p_refuses_a_denominator_divisible_by_p():
    with pytest.raises(checker._Failed, match="divisible by the prime 3"):
        checker._residues({0: Fraction(1, 3)}, 1, 3, checker._Budget(), "reducing")
    with pytest.raises(checker._Failed, match="divisible by the prime 3"):  # a column's own denominator
        checker._residues({0: 1, 1: 3}, 3, 3, checker._Budget(), "reducing")
    assert checker._residues({0: 1, 1: 3}, 3, 5, checker._Budget(), "reducing") == {0: 1, 1: 3}  # up to the unit 1/3


def test_the_elimination_charges_its_row_updates():
    dense = [{i: Fraction(i + j + 1) ** 2 for i in range(8)} for j in range(8)]
    for prime in (None, 2 ** 61 - 1):
        vectors = dense if prime is None else [{i: int(x) % prime for i, x in v.items()} for v in dense]
        budget = checker._Budget()
        checker._independent(vectors, budget, prime)
        assert budget.used > 0
        with pytest.raises(checker._Failed, match="work budget"):
            checker._independent(vectors, checker._Budget(limit=5), prime)


def test_big_numbers_cost_more_than_small_ones():
    # the same elimination over Q with 1000-digit entries is charged far more (the digits count)
    small = [{i: Fraction((i + 2) ** (j + 1)) for i in range(6)} for j in range(6)]
    big = [{i: x * 10 ** 1000 + 1 for i, x in v.items()} for v in small]
    used = []
    for vectors in (small, big):
        budget = checker._Budget()
        checker._independent(vectors, budget)
        used.append(budget.used)
    assert used[1] > 50 * used[0]


# --------------------------------------------------------------------------- the conv reader
nodes = st.sampled_from(["r", "a", "b", "c", "d"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(nodes, nodes), min_size=1, max_size=7))
def test_the_conv_reader_accepts_what_the_producer_accepts(pairs):
    # the checker settles distances from the root backwards; graphs/conv.py walks networkx: the
    # two independent readers must agree on which topologies are networks, and on their shape
    from algebra.errors import SpecError
    from graphs.conv_spec import parse_conv_spec

    spec = {"kind": "conv", "N": 4, "root": "r", "edges": [{"from": u, "to": v, "support": [0]} for u, v in pairs]}
    try:
        produced = parse_conv_spec(spec)
    except SpecError:
        produced = None
    try:
        mine = checker._Conv(spec)
    except checker._Malformed:
        mine = None
    assert (produced is None) == (mine is None), spec
    if mine is not None:
        assert (mine.K, mine.leaves, tuple(mine.params)) == (produced.K, sorted(produced.leaves),
                                                              produced.param_counts)
