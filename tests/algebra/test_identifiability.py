"""Identifiability decisions (paper, section 6): proofs, witnesses, Theorems 6.4 / 6.5."""
import itertools
import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.budget import Budget
from algebra.errors import SpecError
from algebra.identifiability import (THEOREM_6_4_NOTE, find_nonidentifiability_witness, kernel_line_witness,
                                     identifiability_decision, injectivity_witness, is_identifiable,
                                     verify_nonidentifiability_witness, ROUTES, nonlinear_route)
from algebra.segre import are_equivalent
from algebra.lifting import lifting_operator
from graphs.structured_spec import parse_model_spec, structured_network
from tests.strategies import full_layer, networks


def segre(h):
    """P(h) as a dict, written out independently of the code under test."""
    return {idx: math.prod(hk[i] for hk, i in zip(h, idx))
            for idx in itertools.product(*(range(len(hk)) for hk in h))}


def assert_independent_witness(net, h, g):
    """Re-check a witness through the lifting operator: A(P(h) − P(g)) = 0 and P(h) ≠ P(g)."""
    A = lifting_operator(net)
    ph, pg = segre(h), segre(g)
    diff = {t: ph[t] - pg[t] for t in ph if ph[t] != pg[t]}
    assert diff, "P(h) == P(g)"
    assert A.apply(diff) == {}
    assert all(any(x != 0 for x in hk) for hk in h + g)




def blind_deconvolution(N, T1, T2):
    """X = circ(h1) h2: layer 1 an N x N circulant of h1 (params N), layer 2 a column (params N)."""
    l1 = {"rows": N, "cols": N, "params": N,
          "entries": [[i, (r) % N, (r - i) % N, 1] for i in range(N) for r in range(N)]}
    l2 = {"rows": N, "cols": 1, "params": N, "entries": [[j, j, 0, 1] for j in range(N)]}
    net = structured_network({"layers": [l1, l2]})
    return net, parse_model_spec({"supports": [[list(T1)], [list(T2)]]}, net)


def phase_retrieval(vectors):
    """Real phase retrieval y_j = (a_j · x)^2: M_1(h) = diag(A h), M_2(h) = A h, h_1 = h_2."""
    N, S = len(vectors), len(vectors[0])
    l1 = {"rows": N, "cols": N, "params": S, "entries": [[i, j, j, vectors[j][i]] for j in range(N) for i in range(S)]}
    l2 = {"rows": N, "cols": 1, "params": S, "entries": [[i, j, 0, vectors[j][i]] for j in range(N) for i in range(S)]}
    net = structured_network({"layers": [l1, l2]})
    return net, parse_model_spec({"tie": [[1, 2]]}, net)


def test_same_segre_against_the_tensor():
    rng = random.Random(0)
    for _ in range(200):
        h = [[Fraction(rng.randint(-2, 2)) for _ in range(2)] for _ in range(3)]
        lam = [Fraction(rng.choice([1, -1, 2, Fraction(1, 2)])) for _ in range(3)]
        g = [[l * x for x in hk] for l, hk in zip(lam, h)]
        if rng.random() < 0.3:
            g[0][rng.randrange(2)] += 1
        assert are_equivalent(h, g) == (segre(h) == segre(g))


def test_full_matrix_product_is_refuted_with_a_checked_witness():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    v = identifiability_decision(net, seed=3)
    assert v.status == "refuted" and v.relies_on == ("Definition 6.1", "Proposition 6.3")
    assert v.details["theorem_6_5"]["inequality_holds"]                 # rk A = 4 < 2 S = 8
    assert any("Theorem 6.5" in n for n in v.notes)
    assert_independent_witness(net, v.witness["h"], v.witness["g"])
    assert v.details["rank_A"] == 4
    assert v.to_dict()["witness"]["h"][0][0].count("/") <= 1  # rationals as strings


def test_outer_product_has_trivial_kernel():
    """X = h1 h2^T: A is the identity on R^{S1 x S2}, so Ker A = {0} (proved)."""
    col = {"rows": 3, "cols": 1, "params": 3, "entries": [[i, i, 0, 1] for i in range(3)]}
    row = {"rows": 1, "cols": 2, "params": 2, "entries": [[j, 0, j, 1] for j in range(2)]}
    net = structured_network({"layers": [col, row]})
    v = identifiability_decision(net)
    assert v.status == "proved" and v.witness == {"from_claim": "lifting-rank"}
    assert v.details["route"] == "kernel-trivial" and v.details["rank_A"] == 6
    assert len(injectivity_witness(net)["minor_rows"]) == 6          # the 6 x 6 minor behind it
    assert find_nonidentifiability_witness(net) is None


def test_k1_injective_is_proved_although_2S_exceeds_the_rank():
    """Theorem 6.5's 'in particular' clause presumes two linear spaces spanning 2S' dimensions:
    with K = 1 and A = I, 2S > rk(A) yet Ker A = {0}. The verdict must be proved."""
    net = structured_network({"layers": [{"rows": 3, "cols": 1, "params": 3,
                                                "entries": [[i, i, 0, 1] for i in range(3)]}]})
    assert identifiability_decision(net).status == "proved"


@pytest.mark.parametrize("a, b", [(2, 2), (2, 3), (3, 3)])
def test_blind_deconvolution_contiguous_supports_is_refuted(a, b):
    """Contiguous supports: X = product of polynomials, whose roots can be regrouped."""
    net, model = blind_deconvolution(a + b - 1, range(a), range(b))
    v = identifiability_decision(net, model, seed=1)
    assert v.status == "refuted"
    h, g = v.witness["h"], v.witness["g"]
    assert model.contains(h) and model.contains(g)
    assert_independent_witness(net, h, g)


def test_blind_deconvolution_with_sidon_supports_is_proved():
    """T1 = {0, 1}, T2 = {0, 2} in Z_8: sums i + j all distinct, so A is injective on the box."""
    net, model = blind_deconvolution(8, [0, 1], [0, 2])
    v = identifiability_decision(net, model)
    assert v.status == "proved" and v.details["route"] == "model-span" and "model_span" in v.witness
    assert find_nonidentifiability_witness(net, model) is None
    # without the supports the same network is not identifiable
    assert identifiability_decision(net, seed=2).status == "refuted"


def test_phase_retrieval_enough_measurements_is_proved():
    """N = S(S+1)/2 generic measurements: A is injective on symmetric tensors = span{x ⊗ x}."""
    vecs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
    net, model = phase_retrieval(vecs)
    v = identifiability_decision(net, model)
    assert v.status == "proved"
    groups = v.witness["model_span"]["groups"]
    assert len(groups) == 6 and any(len(c) == 2 for c in groups)
    # the full (untied) model is not identifiable: antisymmetric tensors are in Ker A
    assert identifiability_decision(net, seed=1).status == "refuted"


def test_phase_retrieval_too_few_measurements_is_refuted_by_the_tied_search():
    net, model = phase_retrieval([[1, 2, 0], [0, 1, 3]])   # N = 2 < S = 3
    v = identifiability_decision(net, model, seed=0)
    assert v.status == "refuted"
    h, g = v.witness["h"], v.witness["g"]
    assert h[0] == h[1] and g[0] == g[1]                   # respects the tie
    assert_independent_witness(net, h, g)


def test_phase_retrieval_threshold_2S_minus_1():
    """Real phase retrieval is injective for N ≥ 2S − 1 generic measurements and not for N ≤ 2S − 2.
    N = 4 = 2S − 2: the row-splitting search finds x, y (z ⊥ a_1, a_2; w ⊥ a_3, a_4).
    N = 5: Ker A ∩ Sym^2 is a line spanned by a symmetric matrix of rank 3, while every
    x ⊗ x − y ⊗ y has rank ≤ 2: proved by the kernel-line route."""
    vecs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
    net, model = phase_retrieval(vecs)
    v = identifiability_decision(net, model)
    assert v.status == "refuted"
    x, y = v.witness["h"][0], v.witness["g"][0]
    assert all(sum(a * b for a, b in zip(vec, x)) ** 2 == sum(a * b for a, b in zip(vec, y)) ** 2 for vec in vecs)
    assert x != y and x != [-c for c in y]
    net, model = phase_retrieval(vecs + [[1, 2, 3]])
    v = identifiability_decision(net, model)
    assert v.status == "proved" and v.details["route"] == "kernel-line"
    check_kernel_line(net, v.witness)


def check_kernel_line(net, witness):
    """Re-check a kernel-line witness (the certificate's shape) independently: T = Σ_j c_j (sum
    of group j's unit tensors) has A T = 0, the 3 x 3 flattening minor of T is non-singular, and
    dim Ker(A·B) = 1 by an independent rank."""
    import sympy
    w = witness["kernel_line"]
    A = lifting_operator(net)
    T = {t: c for j, c in w["kernel"] for t in w["groups"][j]}
    assert T and A.apply(T) == {}
    k = w["flattening_layer"]
    rows, cols = w["flattening_minor"]["rows"], w["flattening_minor"]["cols"]
    minor = sympy.Matrix([[T.get(c[:k] + (r,) + c[k:], 0) for c in cols] for r in rows])
    assert minor.det() != 0
    AB = sympy.Matrix([[sum(A.columns.get(t, {}).get(r, 0) for t in grp) for grp in w["groups"]]
                       for r in range(A.n_rows)])
    assert AB.rank() == len(w["groups"]) - 1


def test_kernel_line_route_on_a_random_operator():
    """A random 8 x 9 operator on R^{3x3}: Ker A is a line spanned by a (here) invertible matrix,
    so no P(h) − P(g) (rank ≤ 2) lies in it: proved. (Theorem 6.4 alone would only say
    'almost every A'.)"""
    rng = random.Random(11)
    C = [[[rng.randint(-9, 9) for _ in range(3)] for _ in range(3)] for _ in range(8)]
    l1 = {"rows": 1, "cols": 3, "params": 3, "entries": [[i, 0, i, 1] for i in range(3)]}
    l2 = {"rows": 3, "cols": 8, "params": 3,
          "entries": [[j, i, c, C[c][i][j]] for c in range(8) for i in range(3) for j in range(3)]}
    net = structured_network({"layers": [l1, l2]})
    v = identifiability_decision(net, seed=4)
    assert v.details["rank_A"] == 8 and v.status == "proved"
    check_kernel_line(net, v.witness)


def test_kernel_line_with_a_rank_two_kernel_is_refuted_instead():
    """Same shape, but the kernel line is spanned by a rank-2 matrix: not identifiable."""
    # rows measure every entry except through T = e0⊗e0 − e1⊗e1 directions: X_c = <C_c, H>
    basis = [[(0, 0, 1), (1, 1, 1)]] + [[(i, j, 1)] for i in range(3) for j in range(3) if (i, j) not in [(0, 0), (1, 1)]]
    l1 = {"rows": 1, "cols": 3, "params": 3, "entries": [[i, 0, i, 1] for i in range(3)]}
    l2 = {"rows": 3, "cols": 8, "params": 3, "entries": [[j, i, c, v] for c, row in enumerate(basis) for i, j, v in row]}
    net = structured_network({"layers": [l1, l2]})
    v = identifiability_decision(net)
    assert v.status == "refuted"
    assert_independent_witness(net, v.witness["h"], v.witness["g"])


def test_theorem_6_4_generic_kernel_is_inconclusive_not_proved():
    """A random 20 x 27 operator on R^{3x3x3} (K = 3): Ker A has dimension 7, rk(A) = 20 ≥
    dim Σ_2 = 14; no linear proof route and no witness: inconclusive with the Theorem 6.4 note.
    The non-linear route then proves it -- by a Macaulay certificate, never by Theorem 6.4."""
    rng = random.Random(11)
    C = [[[[rng.randint(-9, 9) for _ in range(3)] for _ in range(3)] for _ in range(3)] for _ in range(20)]
    l1 = {"rows": 1, "cols": 3, "params": 3, "entries": [[i, 0, i, 1] for i in range(3)]}
    l2 = {"rows": 3, "cols": 9, "params": 3, "entries": [[j, i, 3 * i + j, 1] for i in range(3) for j in range(3)]}
    l3 = {"rows": 9, "cols": 20, "params": 3,
          "entries": [[k, 3 * i + j, c, C[c][i][j][k]] for c in range(20) for i in range(3) for j in range(3)
                      for k in range(3)]}
    net = structured_network({"layers": [l1, l2, l3]})
    proof = identifiability_decision(net, seed=4)
    assert proof.status == "proved" and "difference_set" in proof.witness and "Theorem 6.4" not in proof.relies_on
    assert proof.assumptions["genericity"] == "none" and proof.assumptions["field"].startswith("C, hence R")
    linear = tuple(r for r in ROUTES if r is not nonlinear_route)
    v = identifiability_decision(net, seed=4, routes=linear)
    assert v.details["rank_A"] == 20
    assert v.status == "inconclusive"
    assert THEOREM_6_4_NOTE in v.notes[0] and THEOREM_6_4_NOTE in v.reason and "Theorem 6.4" in v.relies_on
    assert v.details["theorem_6_4"]["condition"] == "holds"
    assert "almost every" in v.assumptions["genericity"] and "layer-wise" in v.assumptions["equivalence"]
    assert v.to_dict()["assumptions"]["field"].startswith("R")


def test_witness_search_respects_supports():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    model = parse_model_spec({"supports": [[[0, 3]], [[0, 1, 3]]]}, net)  # diagonal x upper-triangular
    found = find_nonidentifiability_witness(net, model, seed=5)
    if found is not None:
        assert verify_nonidentifiability_witness(net, model, *found)
        assert model.contains(found[0]) and model.contains(found[1])


def test_same_seed_same_witness():
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 3)]})
    assert find_nonidentifiability_witness(net, seed=9) == find_nonidentifiability_witness(net, seed=9)


@given(networks(max_K=3, max_dim=2, max_params=3), st.integers(0, 5))
@settings(max_examples=40, deadline=None)
def test_decision_routes_are_consistent(net, seed):
    """proved and refuted exclude each other; every refutation passes the independent check."""
    v = identifiability_decision(net, seed=seed)
    found = find_nonidentifiability_witness(net, seed=seed + 1)
    if v.status == "proved":
        assert found is None
        assert injectivity_witness(net) is not None or kernel_line_witness(net) is not None
    if found is not None:
        assert v.status == "refuted"
        assert_independent_witness(net, *found)
    if v.status == "refuted":
        assert_independent_witness(net, v.witness["h"], v.witness["g"])
    assert is_identifiable(net, seed=seed) == {"proved": True, "refuted": False}.get(v.status)


def test_budget_on_the_lifting_still_allows_a_witness():
    """The kernel search needs only net.evaluate, so a lifting over budget does not stop it."""
    net = structured_network({"layers": [full_layer(2, 2), full_layer(2, 2)]})
    v = identifiability_decision(net, budget=Budget.default(max_columns=1))
    assert "skipped" in v.details["lifting"] and "rank_A" not in v.details
    assert v.status == "refuted"
    assert_independent_witness(net, v.witness["h"], v.witness["g"])


@st.composite
def networks_with_models(draw):
    net = draw(networks(max_K=3, max_dim=2, max_params=3))
    supports = []
    for s in net.param_counts:
        if draw(st.booleans()):
            supports.append(None)
        else:
            alts = draw(st.lists(st.lists(st.integers(0, s - 1), min_size=1, max_size=s, unique=True),
                                 min_size=1, max_size=2))
            supports.append(alts)
    tie = []
    equal = [k for k in range(1, net.K) if net.param_counts[k] == net.param_counts[0]]
    if equal and draw(st.booleans()):
        tie = [[1, equal[0] + 1]]
        supports[equal[0]] = None
    return net, parse_model_spec({"supports": supports, "tie": tie}, net)


@given(networks_with_models(), st.integers(0, 3))
@settings(max_examples=40, deadline=None)
def test_decisions_respect_models(net_model, seed):
    net, model = net_model
    v = identifiability_decision(net, model, seed=seed)
    if v.status == "refuted":
        h, g = v.witness["h"], v.witness["g"]
        assert model.contains(h) and model.contains(g)
        assert_independent_witness(net, h, g)
    if v.status == "proved":
        assert find_nonidentifiability_witness(net, model, seed=seed + 7) is None


def test_a_spec_model_is_read_by_its_reader_never_by_the_decider():
    """The deciders take a ModelCollection (read once from the spec); a raw "model" dict is a
    caller's bug, refused instead of being parsed a second time."""
    from algebra.identifiability import as_model

    net, model = blind_deconvolution(8, [0, 1], [0, 2])
    raw = {"supports": [[[0, 1]], [[0, 2]]]}
    assert parse_model_spec(raw, net) == model
    assert identifiability_decision(net, model).status == "proved"
    assert find_nonidentifiability_witness(net, model=model, seed=0) is None
    for decide in (lambda: identifiability_decision(net, raw), lambda: find_nonidentifiability_witness(net, model=raw)):
        with pytest.raises(TypeError, match="ModelCollection"):
            decide()
    other, _ = blind_deconvolution(4, [0, 1], [0, 2])
    with pytest.raises(SpecError, match="^model: made for parameter counts"):
        as_model(model, other)


def test_theorem_6_4_function_matches_the_decision_note():
    from algebra.identifiability import theorem_6_4
    vecs = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, 2, 3]]
    net, model = phase_retrieval(vecs)
    r = theorem_6_4(net, model)
    assert r.holds and r.rank == 5 and r.note == THEOREM_6_4_NOTE
    assert max(j.value for j in r.joins) == 2 * 3 - 1   # secant of x ⊗ x: symmetric rank <= 2


@given(networks(max_K=2, max_dim=3, max_params=4), st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_k2_with_a_two_parameter_layer_is_always_decided(net, seed):
    """K = 2, min(S_1, S_2) ≤ 2: every tensor has matrix rank ≤ 2, so Ker A ≠ {0} always gives
    T = P(h) − P(g) in the kernel; the verdict must be proved or refuted, never inconclusive."""
    if net.K != 2 or min(net.param_counts) > 2:
        return
    v = identifiability_decision(net, seed=seed)
    assert v.status in ("proved", "refuted")
    assert (v.status == "proved") == (v.details["rank_A"] == net.param_counts[0] * net.param_counts[1])


def test_kernel_rank2_route_directly():
    """A 1 x 2 times 2 x 1 structure with X = a_0 b_0 + a_1 b_1 + a_0 b_1 (3 x 3 params, rank 1
    kernel matrices exist) -- check the route's witness on its own."""
    from algebra.identifiability import _SizeCaps, _WitnessSearch
    from algebra.models import full_model
    l1 = {"rows": 1, "cols": 2, "params": 3, "entries": [[0, 0, 0, 1], [1, 0, 1, 1], [2, 0, 0, 1], [2, 0, 1, 1]]}
    l2 = {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]}
    net = structured_network({"layers": [l1, l2]})
    model = full_model(net)
    (piece,) = model.pieces()
    search = _WitnessSearch(net, model, lifting_operator(net), 0, Budget.default(), _SizeCaps(None), {})
    found = search.kernel_rank2(piece)
    assert found is not None
    assert_independent_witness(net, *found)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), st.integers(1, 3), st.integers(2, 4), st.booleans(), st.integers(0, 2**16))
def test_proportional_columns_on_the_integers_equal_those_on_the_fractions(K, n, S, circulant, seed):
    # The Dirac scan groups A's columns on the integer form of A (no Fraction view) exactly as on
    # its Fractions: same classes in the same order, same ratios between members, same charges.
    import algebra.identifiability as identifiability
    from algebra.lifting import lifting_operator_sparse
    from algebra.lifting_int import lifting_operator_int
    from algebra.models import full_model

    rng = random.Random(seed)
    layers = []
    for _ in range(K):
        if circulant:  # every parameter a multiple of a cyclic shift: many proportional columns
            entries = [[p, i, (i + shift) % n, c] for p in range(S)
                       for shift, c in [(rng.randrange(n), rng.choice([1, -2, 3, "1/2"]))] for i in range(n)]
        else:
            entries = [[p, i, j, rng.choice([1, -1, 2, "-3/4"])] for p in range(S) for i in range(n)
                       for j in range(n) if rng.random() < 0.4]
        layers.append({"rows": n, "cols": n, "params": S, "entries": entries})
    net = structured_network({"layers": layers})
    model = full_model(net)
    found = []
    for A in (lifting_operator_int(net), lifting_operator_sparse(net)):
        search = identifiability._WitnessSearch(net, model, A, 0, Budget.unlimited(), identifiability._SizeCaps(None), {})
        classes = search._proportional_columns(lambda t: True)
        found.append(([[t for t, _ in c] for c in classes], [[Fraction(x) / c[0][1] for _, x in c] for c in classes],
                      search.budget.used))
    assert found[0] == found[1]
