"""Univariate data of zero-dimensional systems (algebra/zero_dim.py): the exact route over Q and the
modular route (Singular modulo primes, rational reconstruction) agree, and the data satisfy the
system at every root."""
from __future__ import annotations

import random
from fractions import Fraction

import flint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from algebra import groebner, zero_dim
from algebra.algebraic import poly_mul, poly_rem


def _system(seed):
    """Three random quadrics in three unknowns with small integer coefficients (8 points)."""
    rng = random.Random(seed)
    monos = [(a, b, c) for a in range(3) for b in range(3) for c in range(3) if a + b + c <= 2]
    return [{m: Fraction(rng.randint(-3, 3)) for m in monos} | {(2 if i == 0 else 0, 2 if i == 1 else 0,
                                                                  2 if i == 2 else 0): Fraction(1)}
            for i in range(3)]


def _holds_at_every_root(polys, coords, f):
    """F(q_1(T), ..., q_n(T)) ≡ 0 modulo f for every system polynomial F."""
    for p in polys:
        acc = []
        for m, c in p.items():
            term = [c]
            for q, e in zip(coords, m):
                for _ in range(e):
                    term = poly_rem(poly_mul(term, q), f) if len(f) > 1 else poly_mul(term, q)
            acc = [a + b for a, b in zip(acc + [0] * len(term), term + [0] * len(acc))]
        if poly_rem(acc, f):
            return False
    return True


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_and_modular_routes_agree(seed):
    polys = _system(seed)
    q = groebner.quotient("flint", polys, 3)
    assert q.dimension == 0
    exact = zero_dim.exact_univariate_data(polys, q, "flint", seed)
    assert _holds_at_every_root(polys, exact.coordinates_modulo(exact.chi), exact.chi)
    if not groebner.is_available("singular"):
        pytest.skip("Singular is not installed")
    modular = zero_dim.modular_univariate_data(polys, 3, seed=seed)
    assert modular is not None
    # same points: the minimal polynomials of the coordinate x_j they use are the same
    chi = flint.fmpq_poly([flint.fmpq(c.numerator, c.denominator) for c in modular.chi])
    assert chi.degree() == q.dim
    for fac, _ in chi.factor()[1]:
        f = zero_dim.to_fractions(fac)
        coords = modular.coordinates_modulo(f)
        assert _holds_at_every_root(polys, coords, f)


@given(st.integers(-10**12, 10**12), st.integers(1, 10**12))
def test_rational_reconstruction_inverts_reduction(a, b):
    m = (2**127 - 1) * (2**89 - 1)
    value = Fraction(a, b)
    residue = value.numerator * pow(value.denominator, -1, m) % m
    assert zero_dim.rational_reconstruction(residue, m) == value


def test_separating_forms_count_real_points():
    # x² = 2, y² = 3: four real points, separated by x + 2y (and not by x alone)
    polys = [{(2, 0): Fraction(1), (0, 0): Fraction(-2)}, {(0, 2): Fraction(1), (0, 0): Fraction(-3)}]
    q = groebner.quotient("sympy", polys, 2)
    form = zero_dim.separating_form(polys, q, "sympy", 0)
    assert form.chi.degree() == 4 and zero_dim.count_real_roots(form.chi) == 4
