"""Macaulay certificates (algebra/macaulay.py): found exactly when the projective variety is
empty, re-checked by an independent rank over QQ, and refused when tampered with."""
from __future__ import annotations

import random

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sympy.polys.matrices import DomainMatrix

from algebra.macaulay import (MacaulayCertificate, check_macaulay_certificate, is_prime, macaulay_certificate,
                              monomials_of_degree)


def _block_rank_over_qq(forms, nvars, cert):
    """Independent: the listed rows as an integer matrix, rank by sympy over ZZ (no prime)."""
    cols = {m: i for i, m in enumerate(monomials_of_degree(cert.degree, nvars))}
    rows = []
    for j, e in cert.rows:
        row = [0] * len(cols)
        for m, c in forms[j].items():
            row[cols[tuple(a + b for a, b in zip(m, e))]] += c
        rows.append([sympy.ZZ(x) for x in row])
    return DomainMatrix(rows, (len(rows), len(cols)), sympy.ZZ).rank(), len(cols)


def _projectively_empty(forms, nvars):
    """Independent: sympy's reduced Gröbner basis contains a power of every variable."""
    z = sympy.symbols(f"z0:{nvars}")
    polys = [sum(c * sympy.prod(v ** e for v, e in zip(z, m)) for m, c in f.items()) for f in forms]
    G = sympy.groebner(polys, *z, order="grevlex")
    lms = [sympy.Poly(g, *z).monoms(order="grevlex")[0] for g in G.exprs]
    return all(any(m[i] > 0 and sum(m) == m[i] for m in lms) for i in range(nvars))


def test_two_variable_example_and_its_checks():
    forms = [{(3, 0): 1}, {(0, 3): 1}, {(2, 1): 1, (1, 2): 1}]
    cert = macaulay_certificate(forms, 2, max_columns=100)
    assert cert is not None and check_macaulay_certificate(forms, 2, cert)
    assert _block_rank_over_qq(forms, 2, cert) == (5, 5)


def test_common_zero_means_no_certificate():
    # z0 z1 (z0 - z1) and z0^2 z1 share the zero (1 : 0) ... and (0 : 1)
    forms = [{(2, 1): 1, (1, 2): -1}, {(2, 1): 1}]
    assert macaulay_certificate(forms, 2, max_columns=1000, max_degree=5) is None  # Lazard: 2d + 1
    assert not _projectively_empty(forms, 2)


def test_tampered_certificates_are_refused():
    forms = [{(3, 0): 1}, {(0, 3): 1}, {(2, 1): 1, (1, 2): 1}]
    cert = macaulay_certificate(forms, 2, max_columns=100)
    composite = MacaulayCertificate(cert.degree, cert.prime * 3, cert.rows)
    short = MacaulayCertificate(cert.degree, cert.prime, cert.rows[:-1])
    repeated = MacaulayCertificate(cert.degree, cert.prime, cert.rows[:-1] + cert.rows[:1])
    wrong_degree = MacaulayCertificate(cert.degree + 1, cert.prime, cert.rows)
    out_of_range = MacaulayCertificate(cert.degree, cert.prime, ((7, cert.rows[0][1]),) + cert.rows[1:])
    for bad in (composite, short, repeated, wrong_degree):
        assert not check_macaulay_certificate(forms, 2, bad)
    assert not check_macaulay_certificate(forms, 2, out_of_range)


def test_dependent_rows_are_refused():
    # x^3 and 2 x^3: the block [[1], [2]] has two rows for one column -- and one form alone
    forms = [{(3,): 1}, {(3,): 2}]
    assert not check_macaulay_certificate(forms, 1, MacaulayCertificate(3, 2**61 - 1, ((0, (0,)), (1, (0,)))))
    assert check_macaulay_certificate(forms, 1, MacaulayCertificate(3, 2**61 - 1, ((1, (0,)),)))


def test_is_prime_matches_sympy():
    rng = random.Random(5)
    for n in list(range(2000)) + [rng.getrandbits(62) for _ in range(300)] + [2**61 - 1, 2**62 - 57]:
        assert is_prime(n) == sympy.isprime(n), n


def test_column_limit_is_respected():
    forms = [{(3, 0, 0): 1}, {(0, 3, 0): 1}, {(0, 0, 3): 1}]
    assert macaulay_certificate(forms, 3, max_columns=10) is None  # needs degree 7 (36 columns)
    cert = macaulay_certificate(forms, 3, max_columns=100)
    assert cert.degree == 7 and check_macaulay_certificate(forms, 3, cert)


cubic = st.dictionaries(st.tuples(st.integers(0, 3), st.integers(0, 3)).filter(lambda m: sum(m) == 3),
                        st.integers(-3, 3), min_size=1, max_size=4).map(lambda f: {m: c for m, c in f.items() if c})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cubic.filter(bool), min_size=1, max_size=4), st.integers(0, 10**6))
def test_certificate_exists_iff_projectively_empty(forms, seed):
    # binary cubics: Lazard's degree 2 * 2 + 1 = 5 needs 6 columns, always within the limit
    cert = macaulay_certificate(forms, 2, max_columns=100, seed=seed, max_degree=5)
    assert (cert is not None) == _projectively_empty(forms, 2)
    if cert is not None:
        assert check_macaulay_certificate(forms, 2, cert)
        rank, n = _block_rank_over_qq(forms, 2, cert)
        assert rank == n


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.sampled_from(monomials_of_degree(3, 3)), st.integers(-2, 2), min_size=1,
                                max_size=5), min_size=2, max_size=6), st.integers(0, 10**6))
def test_ternary_cubics_certificate_iff_empty(forms, seed):
    forms = [{m: c for m, c in f.items() if c} for f in forms]
    forms = [f for f in forms if f]
    if not forms:
        return
    cert = macaulay_certificate(forms, 3, max_columns=400, seed=seed, max_degree=7)
    assert (cert is not None) == _projectively_empty(forms, 3)
