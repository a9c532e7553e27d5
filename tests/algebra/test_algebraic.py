"""Exact arithmetic with one real algebraic number (algebra/algebraic.py), against sympy."""
from __future__ import annotations

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.algebraic import (NotSeparated, bisect, enclosure, poly_eval, poly_mul, poly_rem, separate_from_zero,
                               sign_change)

x = sympy.Symbol("x")
coeffs = st.lists(st.integers(-6, 6), min_size=1, max_size=6)


def _sym(c):
    return sympy.Poly(list(reversed([sympy.Rational(str(v)) for v in c])) or [0], x, domain="QQ")


@given(coeffs, coeffs.filter(lambda c: any(c[1:])))
def test_product_and_remainder_match_sympy(a, b):
    b = list(b)
    while b and b[-1] == 0:
        b.pop()
    assert _sym(poly_mul(a, b)) == _sym(a) * _sym(b)
    if len(b) > 1:
        assert _sym(poly_rem(a, b)) == _sym(a).rem(_sym(b))


@given(coeffs, st.fractions(-3, 3, max_denominator=8), st.fractions(0, 2, max_denominator=8))
def test_enclosure_contains_every_value(q, lo, width):
    hi = lo + width
    a, b = enclosure(q, lo, hi)
    for t in (lo, hi, (lo + hi) / 2, lo + width / 3):
        assert a <= poly_eval(q, t) <= b


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-5, 5), min_size=2, max_size=5).filter(lambda c: c[-1] != 0), coeffs,
       st.integers(-4, 4), st.integers(1, 8))
def test_separation_is_never_wrong(chi, q, lo, width):
    lo, hi = Fraction(lo), Fraction(lo + width)
    if not sign_change(chi, lo, hi):
        return
    try:
        a, b = separate_from_zero(chi, lo, hi, [q], max_steps=60)
    except NotSeparated:
        return  # allowed (q may vanish at the root, or need more steps); a wrong "non-zero" is not
    roots = [r for r in sympy.real_roots(_sym(chi)) if a <= r <= b]
    assert roots, "the final interval must contain a root"
    # q is non-zero at every root in the final interval, in particular at the one kept
    assert all(_sym(q).eval(r) != 0 for r in roots) if a < b else _sym(q).eval(a) != 0


def test_a_vanishing_polynomial_is_never_separated():
    chi = [-2, 0, 1]  # roots ±√2
    with pytest.raises(NotSeparated):
        separate_from_zero(chi, Fraction(1), Fraction(2), [[-2, 0, 1]], max_steps=200)
    with pytest.raises(NotSeparated):  # q = χ · (T + 1) vanishes at α as well
        separate_from_zero(chi, Fraction(1), Fraction(2), [poly_mul(chi, [1, 1])], max_steps=200)


def test_several_roots_in_the_interval_one_is_kept():
    chi = poly_mul([-2, 0, 1], [-5, 1])  # roots -√2, √2, 5, all inside [-2, 6]
    lo, hi = separate_from_zero(chi, Fraction(-2), Fraction(6), [[1]])
    assert sign_change(chi, lo, hi) or lo == hi
    # T − 5 vanishes at one of the roots: it is separated only on an interval away from 5
    try:
        a, b = separate_from_zero(chi, Fraction(-2), Fraction(6), [[-5, 1]], max_steps=100)
        assert not a <= 5 <= b
    except NotSeparated:
        pass


def test_a_midpoint_root_is_exact():
    chi = [-1, 1]  # root 1 = the midpoint of [0, 2]
    assert bisect(chi, Fraction(0), Fraction(2)) == (1, 1)
    assert separate_from_zero(chi, Fraction(0), Fraction(2), [[0, 1]]) == (1, 1)
