"""Exact fibres (Proposition 6.3, part 1) against closed-form counts from root regrouping.

Why the counts: for linear convolution, h_1 * ... * h_K is the product of the kernel
polynomials H_k(z) = Σ_i h_{k,i} z^i of degrees L_k - 1. If the product p has n = Σ (L_k - 1)
distinct roots (and p(0) ≠ 0), every factorization p = G_1 ... G_K with deg G_k <= L_k - 1
has deg G_k = L_k - 1 exactly (the degrees must add up to n) and is determined, up to the
scalars λ_k with ∏ λ_k = 1, by which roots go to which factor. So the fibre has exactly
n! / ∏ (L_k - 1)! classes over C (K = 2: C(a + b - 2, a - 1)), each a simple point (the
factors are pairwise coprime, so the Jacobian -- a Sylvester-type matrix -- is invertible).
A class is real iff every factor is real, i.e. iff each conjugate pair of roots goes to one
factor: with r real roots and c pairs (K = 2), Σ_j C(c, j) C(r, a - 1 - 2j) real classes.
"""
from __future__ import annotations

import math
import shutil
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algebra import groebner
from algebra.errors import BackendUnavailable, SpecError
from algebra.fibres import available_backends, choose_backend, exact_fibre, fibre_system
from graphs.structured_spec import structured_network
from tests.algebra.fibre_networks import circular_conv_chain, linear_conv_chain, poly_from_roots, poly_mul
from tests.strategies import networks, parameters

FAST = [b for b in ("flint", "singular") if b in available_backends()]
ALL = ["sympy"] + FAST


def segre(h):
    """P(h) as a dict (the check that a witness is not in ⟨h̄⟩ needs P(h) ≠ P(h̄))."""
    out = {(): Fraction(1)}
    for hk in h:
        out = {idx + (i,): v * Fraction(x) for idx, v in out.items() for i, x in enumerate(hk) if x}
    return out


def real_factorizations(r: int, c: int, a: int) -> int:
    """Real factorizations A B with deg A = a - 1, for r real roots and c conjugate pairs."""
    return sum(math.comb(c, j) * math.comb(r, a - 1 - 2 * j) for j in range(c + 1) if a - 1 - 2 * j >= 0)


def check_witness(net, h_bar, result):
    if result.witness is not None:
        assert net.evaluate(result.witness) == net.evaluate(h_bar)
        assert segre(result.witness) != segre(h_bar)


# ----------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("a,b", [(1, 3), (2, 2), (2, 3), (3, 3)])
def test_blind_deconvolution_real_roots(backend, a, b):
    """All roots real, integer, distinct: C(a+b-2, a-1) classes, all real; rational witness."""
    roots = [1, -2, 3, -4, 5, 6][: a + b - 2]
    h_bar = [poly_from_roots(roots[: a - 1], 2), poly_from_roots(roots[a - 1:], -1)]
    net = linear_conv_chain([a, b])
    r = exact_fibre(net, h_bar, backend=backend)
    expected = math.comb(a + b - 2, a - 1)
    assert (r.points, r.points_with_multiplicity, r.real_points) == (expected, expected, expected)
    assert r.only_real_solution == (expected == 1)
    assert r.status == ("proved" if expected == 1 else "refuted")
    assert r.backend == backend
    check_witness(net, h_bar, r)
    if expected > 1:
        assert r.witness is not None  # every factorization is rational here


@pytest.mark.parametrize("backend", ALL)
def test_blind_deconvolution_one_real_class(backend):
    """p = (z - 2)(z² + 1): 3 classes over C (A takes one root), only A = z - 2 is real.

    So ⟨h̄⟩ is identifiable over R but not over C: status proved, field R only.
    """
    h_bar = [poly_from_roots([2]), [1, 0, 1]]
    r = exact_fibre(linear_conv_chain([2, 3]), h_bar, backend=backend)
    assert (r.points, r.real_points, r.only_real_solution, r.status) == (3, 1, True, "proved")
    assert r.field.startswith("R only")
    assert r.witness is None


@pytest.mark.parametrize("backend", FAST)
def test_blind_deconvolution_complex_pair_counts(backend):
    """A = (z - 1)(z + 2), B = (z² + 1)(z - 3): r = 3 real roots, c = 1 pair, a = 3.

    C(5, 2) = 10 classes over C; real ones: pair in B -> C(3, 2) = 3, pair in A -> C(3, 0) = 1.
    """
    h_bar = [poly_from_roots([1, -2]), poly_mul([1, 0, 1], poly_from_roots([3]))]
    net = linear_conv_chain([3, 4])
    r = exact_fibre(net, h_bar, backend=backend)
    assert r.points == math.comb(5, 2)
    assert r.real_points == real_factorizations(3, 1, 3) == 4
    assert r.status == "refuted"
    check_witness(net, h_bar, r)


@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize("seed", range(3))
def test_blind_deconvolution_random_kernels(backend, seed):
    """Random small integer kernels (a = b = 4): the product has distinct roots (checked with
    sympy's discriminant), so 20 = C(6, 3) classes; the real count follows from the number of
    real roots of the product (Sturm), by the regrouping formula."""
    import random

    import sympy

    rng = random.Random(seed)
    z = sympy.Symbol("z")
    while True:
        ka = [rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(4)]
        kb = [rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(4)]
        p = sympy.Poly(list(reversed(poly_mul(ka, kb))), z)
        if sympy.discriminant(p) != 0:
            break
    r_real = p.count_roots()
    r = exact_fibre(linear_conv_chain([4, 4]), [ka, kb], backend=backend)
    assert r.points == r.points_with_multiplicity == 20
    assert r.real_points == real_factorizations(r_real, (6 - r_real) // 2, 4)


@pytest.mark.parametrize("backend", ALL)
def test_double_root_counts_multiplicity(backend):
    """p = (z - 1)²: one class (A = z - 1) but a double point (Jacobian singular): the radical
    (Seidenberg) route must count 1 distinct point, 2 with multiplicity."""
    h_bar = [[-1, 1], [-1, 1]]
    r = exact_fibre(linear_conv_chain([2, 2]), h_bar, backend=backend)
    assert (r.points, r.points_with_multiplicity, r.real_points, r.status) == (1, 2, 1, "proved")


@pytest.mark.parametrize("backend", FAST)
@pytest.mark.parametrize("lengths", [(2, 2, 2), (2, 3, 2)])
def test_conv_chain_multinomial(backend, lengths):
    """K = 3 chain: n = Σ (L_k - 1) distinct real roots split into groups of sizes L_k - 1:
    n! / ∏ (L_k - 1)! classes ((2,2,2): 3! = 6; (2,3,2): 4!/2! = 12), all real."""
    n = sum(L - 1 for L in lengths)
    roots = [1, -2, 3, -4, 5][:n]
    h_bar, start = [], 0
    for L in lengths:
        h_bar.append(poly_from_roots(roots[start:start + L - 1]))
        start += L - 1
    net = linear_conv_chain(lengths)
    r = exact_fibre(net, h_bar, backend=backend)
    expected = math.factorial(n) // math.prod(math.factorial(L - 1) for L in lengths)
    assert r.points == r.real_points == expected
    assert len(r.strata) == lengths[0] * lengths[1]
    check_witness(net, h_bar, r)


def test_conv_chain_multinomial_sympy():
    """The reference route on the smallest K = 3 chain: 3! = 6 classes."""
    net = linear_conv_chain([2, 2, 2])
    r = exact_fibre(net, [poly_from_roots([1]), poly_from_roots([-2]), poly_from_roots([3])], backend="sympy")
    assert r.points == r.real_points == 6


@pytest.mark.parametrize("backend", ALL)
def test_circular_without_wraparound_equals_linear(backend):
    """Circular convolution on Z_N with a + b - 1 <= N has no wrap-around, so the same count
    C(a + b - 2, a - 1) as linear convolution (N x N circulant layers repeat equations)."""
    h_bar = [poly_from_roots([1]), poly_from_roots([2, -3])]
    lin = exact_fibre(linear_conv_chain([2, 3]), h_bar, backend=backend)
    circ = exact_fibre(circular_conv_chain(5, [range(2), range(3)]), h_bar, backend=backend)
    assert lin.points == circ.points == 3
    assert lin.real_points == circ.real_points == 3


@pytest.mark.parametrize("backend", ALL)
def test_scattered_single_path_is_identifiable(backend):
    """Supports {0, 1, 2} and {0, 3} on Z_6 are sufficiently scattered (all sums distinct), a
    single path: Ker A = {0} (Proposition 8.3) so the fibre is the one class ⟨h̄⟩."""
    net = circular_conv_chain(6, [[0, 1, 2], [0, 3]])
    r = exact_fibre(net, [[1, -2, 3], [2, 5]], backend=backend)
    assert (r.points, r.real_points, r.status) == (1, 1, "proved")
    assert r.field.startswith("C, hence R")


# ----------------------------------------------------------------------------- edge cases
def scalar_net(S1=1):
    return structured_network({"layers": [
        {"rows": 1, "cols": 1, "params": S1, "entries": [[i, 0, 0, 1] for i in range(S1)]},
        {"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]})


def test_zero_product_is_refuted_with_witness():
    """M(h̄) = 0 with h̄ in R_*: h = 0 has the same product and P(0) ≠ P(h̄)."""
    net = structured_network({"layers": [
        {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]},
        {"rows": 2, "cols": 1, "params": 1, "entries": [[0, 1, 0, 1]]}]})
    h_bar = [[1, 0], [1]]  # (1, 0) . (0, 1)^T = 0
    r = exact_fibre(net, h_bar, backend="sympy")
    assert r.status == "refuted" and r.only_real_solution is False
    check_witness(net, h_bar, r)


def test_zero_layer_is_a_spec_error():
    with pytest.raises(SpecError, match=r"h_bar\[1\]"):
        exact_fibre(linear_conv_chain([2, 2]), [[1, 1], [0, 0]])


@pytest.mark.parametrize("backend", ALL)
def test_positive_dimensional_fibre_is_inconclusive(backend):
    """K = 1, x = a_0 + a_1: the fibre is a line, infinitely many classes over C; no stratum
    has isolated points to offer a rational witness, so: inconclusive, never `proved`."""
    net = structured_network({"layers": [
        {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}]})
    r = exact_fibre(net, [[1, 2]], backend=backend)
    assert r.status == "inconclusive" and r.points is None and r.witness is None
    assert [s.dimension for s in r.strata] == [1]


@pytest.mark.parametrize("backend", ALL)
def test_positive_dimensional_main_stratum_with_witness_elsewhere(backend):
    """x = (a_0 + a_1) b: the main stratum (a_0 = 1) is a line (dimension > 0), the
    complementary stratum a_0 = 0, a_1 = 1 is the single point b = 9: a rational witness."""
    net = scalar_net(2)
    r = exact_fibre(net, [[1, 2], [3]], backend=backend)
    assert [s.dimension for s in r.strata] == [1, 0]
    assert r.status == "refuted" and r.points is None
    assert r.witness == [[0, 1], [9]]
    check_witness(net, [[1, 2], [3]], r)


@pytest.mark.parametrize("backend", ALL)
def test_single_layer_injective(backend):
    """K = 1, M_1 injective: no rescaling, the fibre is {h̄}."""
    net = structured_network({"layers": [
        {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1], [1, 1, 0, 2]]}]})
    r = exact_fibre(net, [[1, 2]], backend=backend)
    assert (r.points, r.status) == (1, "proved")


def test_fibre_system_main_stratum_normalises_first_nonzero():
    polys, unknowns, fixed = fibre_system(linear_conv_chain([2, 2]), [[0, 3], [1, 1]])
    assert fixed == {(0, 0): 0, (0, 1): 3}
    assert unknowns == [(1, 0), (1, 1)]


def test_unknown_backend_is_a_spec_error():
    with pytest.raises(SpecError, match="backend"):
        exact_fibre(scalar_net(), [[1], [1]], backend="magma")


def test_missing_singular_says_how_to_install(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(BackendUnavailable, match="apt-get install singular"):
        exact_fibre(scalar_net(), [[1], [1]], backend="singular")
    assert "singular" not in available_backends()
    assert choose_backend(5) in ("flint", "sympy")


# ----------------------------------------------------------------------------- cross-checks
def _summary(r):
    return (r.points, r.points_with_multiplicity, r.real_points, r.status,
            tuple((s.pivots, s.dimension, s.points) for s in r.strata))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_routes_agree_on_random_networks(data):
    """sympy, python-flint and Singular give the same fibre on random small networks."""
    net = data.draw(networks(max_K=2, max_dim=2, max_params=3))
    h_bar = data.draw(parameters(net, values=st.fractions(-5, 5, max_denominator=4).filter(bool)))
    results = [_summary(exact_fibre(net, h_bar, backend=b)) for b in ALL]
    assert all(r == results[0] for r in results)


@pytest.mark.parametrize("a,b", [(3, 4)])
def test_fast_routes_agree_on_blind_deconvolution(a, b):
    h_bar = [[2, -1, 3], [1, 1, -2, 3]]
    results = [_summary(exact_fibre(linear_conv_chain([a, b]), h_bar, backend=x)) for x in FAST]
    assert all(r == results[0] for r in results)
    assert results[0][0] == math.comb(a + b - 2, a - 1)


@pytest.mark.slow
@pytest.mark.parametrize("backend", FAST)
def test_blind_deconvolution_70_points(backend):
    """a = b = 5, eight distinct real roots: C(8, 4) = 70 real classes."""
    roots = [1, -2, 3, -4, 5, -6, 7, 8]
    h_bar = [poly_from_roots(roots[:4]), poly_from_roots(roots[4:])]
    r = exact_fibre(linear_conv_chain([5, 5]), h_bar, backend=backend)
    assert r.points == r.real_points == 70


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-6, 6), min_size=1, max_size=4), st.lists(st.integers(-20, 20), min_size=1, max_size=4))
def test_real_root_count_matches_sturm(roots, extra):
    """arb's certified isolation (used by every route) against sympy's Sturm count."""
    import flint
    import sympy

    from algebra.zero_dim import count_real_roots as _count_real_roots, squarefree_part as _squarefree_part

    p = flint.fmpq_poly([int(c) for c in poly_mul(poly_from_roots(roots), extra + [1])])
    sq = _squarefree_part(p)
    z = sympy.Symbol("z")
    expected = sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(sq.coeffs())], z).count_roots()
    assert _count_real_roots(sq) == expected


def test_auto_route_is_recorded_and_agrees():
    """``auto`` picks a route by size (see choose_backend) and gives the closed-form count."""
    r = exact_fibre(linear_conv_chain([2, 3]), [poly_from_roots([1]), poly_from_roots([2, 3])])
    assert r.backend == choose_backend(3) and r.points == 3
    assert choose_backend(4) in available_backends()


@pytest.mark.parametrize("backend", ALL)
def test_irrational_extra_real_classes_refute_without_witness(backend):
    """p = (z - 1)(z² - 2), a = 2: 3 real classes (A = z - 1, z - √2, z + √2); the extra ones
    are real but irrational: refuted by the exact real root count, no rational witness."""
    r = exact_fibre(linear_conv_chain([2, 3]), [poly_from_roots([1]), [-2, 0, 1]], backend=backend)
    assert (r.points, r.real_points, r.status, r.witness) == (3, 3, "refuted", None)
    assert "algebraic" in r.note


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_counts_do_not_depend_on_the_seed(seed):
    h_bar = [poly_from_roots([1, -2]), poly_mul([1, 0, 1], poly_from_roots([3]))]
    r = exact_fibre(linear_conv_chain([3, 4]), h_bar, seed=seed)
    assert (r.points, r.real_points, r.seed) == (10, 4, seed)


# ----------------------------------------------------------------------------- models (supports)
@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("b_roots,expected", [([2, 3], 1), ([2, -2], 2)])
def test_sparse_support_counts_root_pairs(backend, b_roots, expected):
    """Model: A = a_0 + a_2 z² (support {0, 2}), B of length 3. An even A has roots ±r, so the
    classes in the model are the pairs {r, -r} among the roots of p = A B:
    p roots {±1, 2, 3} -> 1 class (⟨h̄⟩ only: proved); {±1, ±2} -> 2 classes (refuted)."""
    net = linear_conv_chain([3, 3])
    h_bar = [poly_from_roots([1, -1]), poly_from_roots(b_roots)]
    r = exact_fibre(net, h_bar, backend=backend, supports=[[0, 2], [0, 1, 2]])
    assert r.h_bar_in_model and (r.points, r.real_points) == (expected, expected)
    assert r.status == ("proved" if expected == 1 else "refuted")
    if r.witness is not None:
        assert r.witness[0][1] == 0
        check_witness(net, h_bar, r)


@pytest.mark.parametrize("backend", ALL)
def test_h_bar_outside_the_model(backend):
    """h̄: A = (z - 1)(z - 2) (odd coefficient ≠ 0), B = (z + 1)(z + 2); in the model
    A = a_0 + a_2 z² the fibre has the classes A = z² - 1, z² - 4: two, both extra."""
    net = linear_conv_chain([3, 3])
    h_bar = [poly_from_roots([1, 2]), poly_from_roots([-1, -2])]
    r = exact_fibre(net, h_bar, backend=backend, supports=[[0, 2], [0, 1, 2]])
    assert not r.h_bar_in_model
    assert (r.points, r.real_points, r.only_real_solution, r.status) == (2, 2, False, "refuted")
    check_witness(net, h_bar, r)


def test_bad_supports_are_spec_errors():
    net = linear_conv_chain([2, 2])
    with pytest.raises(SpecError, match="supports"):
        exact_fibre(net, [[1, 1], [1, 1]], supports=[[0]])
    with pytest.raises(SpecError, match=r"supports\[1\]"):
        exact_fibre(net, [[1, 1], [1, 1]], supports=[[0, 1], [5]])
    with pytest.raises(SpecError, match=r"supports\[0\]"):
        exact_fibre(net, [[1, 1], [1, 1]], supports=[[], [0]])


def test_to_dict_is_json_and_witness_is_exact():
    import json

    net = linear_conv_chain([2, 2])
    r = exact_fibre(net, [poly_from_roots([1]), poly_from_roots([2])], backend="sympy")
    d = json.loads(json.dumps(r.to_dict()))
    assert d["points"] == 2 and d["status"] == "refuted"
    w = [[Fraction(x) for x in hk] for hk in d["witness"]]
    assert net.evaluate(w) == net.evaluate([poly_from_roots([1]), poly_from_roots([2])])
