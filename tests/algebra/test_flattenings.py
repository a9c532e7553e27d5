"""3 x 3 flattening minors (algebra/flattenings.py): the fast (python-flint) and the plain recipes
agree, and the minors vanish on every P(h) − P(g)."""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.flattenings import FlatteningMinor, flattening_minors, minor_form

tensors = st.integers(2, 3).flatmap(lambda K: st.tuples(
    st.just(K), st.lists(st.dictionaries(st.tuples(*[st.integers(0, 2)] * K), st.integers(-3, 3), max_size=12),
                         min_size=1, max_size=3)))


@settings(max_examples=40, deadline=None)
@given(tensors)
def test_fast_and_plain_minors_agree(data):
    K, family = data
    classes = [(k,) for k in range(K)]
    found = list(flattening_minors(family, K, classes))
    for minor, form in found:
        assert form == minor_form(family, minor)
    if found:  # and every minor it skipped is zero
        layer = found[0][0].layer
        rows = sorted({t[layer] for B in family for t in B})
        cols = sorted({t[:layer] + t[layer + 1:] for B in family for t in B})
        listed = {(m.rows, m.cols) for m, _ in found if m.layer == layer}
        for r3 in itertools.combinations(rows, 3):
            for c3 in itertools.combinations(cols, 3):
                if (r3, c3) not in listed:
                    assert not minor_form(family, FlatteningMinor(layer, r3, c3))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.integers(-4, 4), min_size=3, max_size=3), min_size=6, max_size=6))
def test_minors_vanish_on_differences_of_rank_one_tensors(vectors):
    h, g = vectors[:3], vectors[3:]
    T = {}
    for t in itertools.product(range(3), repeat=3):
        v = math.prod(h[k][t[k]] for k in range(3)) - math.prod(g[k][t[k]] for k in range(3))
        if v:
            T[t] = v
    for _, form in flattening_minors([T], 3, [(0,), (1,), (2,)]):
        assert not form  # never listed: a listed minor is non-zero
    assert not list(flattening_minors([T], 3, [(0,), (1,), (2,)]))
