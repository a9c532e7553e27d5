"""Feed-forward networks with fixed activation patterns (paper, sections 1.2.2, 6 and 9)."""
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from algebra.errors import SpecError
from algebra.analysis import Analysis
from algebra.lifting import lifting_operator
from algebra.segre import are_equivalent
from graphs.feedforward import (every_output_reached, feedforward_identifiability, find_path_collision, find_unit_rescaling,
                                has_path_collision, iter_paths)
from graphs.feedforward_spec import parse_feedforward_spec
from graphs.specs import parse_spec
from tests.strategies import small_rationals


@st.composite
def feedforward_specs(draw, max_L=3, max_width=3, max_samples=3):
    L = draw(st.integers(1, max_L))
    widths = [draw(st.integers(1, max_width)) for _ in range(L + 1)]
    edges = []
    for l in range(L):
        pairs = [[a, b] for a in range(widths[l]) for b in range(widths[l + 1])]
        chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, unique_by=tuple))
        edges.append(chosen if draw(st.booleans()) else None)
    n = draw(st.integers(1, max_samples))
    inputs = [[str(draw(small_rationals)) for _ in range(widths[0])] for _ in range(n)]
    acts = [[[draw(st.integers(0, 1)) for _ in range(widths[l])] for l in range(1, L)] for _ in range(n)]
    return {"kind": "feedforward", "widths": widths, "edges": edges, "inputs": inputs, "activations": acts}


def paper_to_forward(h):
    return list(reversed(h))


@given(feedforward_specs(), st.data())
@settings(max_examples=60, deadline=None)
def test_stacked_multilinear_map_equals_the_forward_pass(spec, data):
    """Two constructions: the block-structured product and a direct masked forward pass."""
    ff = parse_feedforward_spec(spec)
    net = ff.to_multilinear()
    h = [[data.draw(small_rationals) for _ in range(s)] for s in net.param_counts]
    X = net.evaluate(h)
    Y = ff.outputs(paper_to_forward(h))
    assert X == [[Y[s][o] for s in range(ff.n_samples)] for o in range(ff.widths[-1])]


@given(feedforward_specs(max_L=3, max_width=2, max_samples=3))
@settings(max_examples=30, deadline=None)
def test_lifting_is_the_per_sample_operators_stacked(spec):
    """Section 9: A's row (o, s) is row o of sample s's own operator A_s."""
    ff = parse_feedforward_spec(spec)
    A = lifting_operator(ff.to_multilinear())
    n = ff.n_samples
    for s in range(n):
        one = dict(spec, inputs=[spec["inputs"][s]], activations=[spec["activations"][s]])
        As = lifting_operator(parse_feedforward_spec(one).to_multilinear())
        for t in set(A.columns) | set(As.columns):
            got = {r // n: v for r, v in A.columns.get(t, {}).items() if r % n == s}
            assert got == dict(As.columns.get(t, {}))


def test_path_collision_gives_a_dirac_witness():
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [2, 2, 1], "inputs": [[1, 0], [1, 2]]})
    h, g = find_path_collision(ff)
    net = ff.to_multilinear()
    assert net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g)
    assert all(sorted(x) == [0] * (len(x) - 1) + [1] for x in h + g)   # Diracs
    v = feedforward_identifiability(ff)
    assert v.status == "refuted" and "Proposition 6.3" in v.relies_on


def test_relu_removes_the_collision():
    """With unit 1 off on sample 1 and unit 0 off on sample 2, no pair of paths is always active."""
    spec = {"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1], [1]],
            "activations": [[[1, 0]], [[0, 1]]]}
    ff = parse_feedforward_spec(spec)
    assert not has_path_collision(ff)
    # X = [w1_0 * v_0, w1_1 * v_1]: A is surjective (rank 2 = m n), Ker A ≠ {0} (4 columns)
    v = feedforward_identifiability(ff)
    assert v.details["surjective"] is True and v.details["rank_A"] == 2
    # yet not identifiable: a per-unit rescaling is not a layer-wise one
    assert v.status == "refuted"
    h, g = v.witness["h"], v.witness["g"]
    net = ff.to_multilinear()
    assert net.evaluate(h) == net.evaluate(g) and not are_equivalent(h, g)


def test_zero_input_entry_does_not_need_activity():
    """Paths from an input entry that is 0 on a sample need not be active on it."""
    spec = {"kind": "feedforward", "widths": [2, 2, 1], "inputs": [[1, 0], [0, 1]],
            "activations": [[[1, 1]], [[1, 0]]]}
    ff = parse_feedforward_spec(spec)
    h, g = find_path_collision(ff)   # input 0 is live only on sample 0, where both units are on
    assert {h[-1].index(1), g[-1].index(1)} == {0, 2}   # forward layer 1 edges 0->0 and 0->1


def test_single_layer_surjective_and_kernel_trivial():
    """L = 1, inputs the identity: X = W, A = identity, rank m n = S: proved identifiable."""
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [2, 3], "inputs": [[1, 0], [0, 1]]})
    v = feedforward_identifiability(ff)
    assert v.status == "proved" and v.details["surjective"] is True and v.details["rank_A"] == 6


def test_inequalities_reported_as_the_paper_states_them():
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [2, 2, 2], "inputs": [[1, 1]]})
    v = feedforward_identifiability(ff)
    d = v.details
    assert d["mn"] == 2 and d["S"] == 4 and d["theorem_6_5_inequality"]["holds"] is True
    assert d["theorem_6_4_inequality"]["dim_sigma2"] == 4 * (4 - 1) and d["theorem_6_4_inequality"]["holds"] is False
    assert v.status == "refuted"


def test_paths_are_enumerated_once():
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [2, 3, 2], "inputs": [[1, 1]]})
    paths = list(iter_paths(ff))
    assert len(paths) == 2 * 3 * 2 and len(set(paths)) == len(paths)


def test_kind_dispatch_through_graphs_specs():
    loaded = parse_spec({"kind": "feedforward", "widths": [1, 1], "inputs": [["1/2"]]})
    assert loaded.multilinear().evaluate([[4]]) == [[Fraction(2)]]


@pytest.mark.parametrize("spec, field", [
    ({"widths": [1, 1]}, "inputs"),
    ({"widths": [1], "inputs": [[1]]}, "widths"),
    ({"widths": [1, 0], "inputs": [[1]]}, "widths[1]"),
    ({"widths": [1, 1], "inputs": [[0.5]]}, "inputs[0][0]"),
    ({"widths": [1, 1], "inputs": [[1, 2]]}, "inputs[0]"),
    ({"widths": [1, 1], "inputs": [[1]], "edges": [[[0, 1]]]}, "edges[0][0][1]"),
    ({"widths": [1, 1], "inputs": [[1]], "edges": [[[0, 0], [0, 0]]]}, "edges[0][1]"),
    ({"widths": [1, 1], "inputs": [[1]], "edges": []}, "edges"),
    ({"widths": [1, 2, 1], "inputs": [[1]], "activations": [[[1, 2]]]}, "activations[0][0][1]"),
    ({"widths": [1, 2, 1], "inputs": [[1]], "activations": [[[1]]]}, "activations[0][0]"),
    ({"widths": [1, 2, 1], "inputs": [[1]], "activations": []}, "activations"),
    ({"widths": [1, 1], "inputs": [[1]], "model": {}}, "spec"),
])
def test_bad_specs_name_the_field(spec, field):
    with pytest.raises(SpecError) as exc:
        parse_feedforward_spec(dict(spec, kind="feedforward"))
    assert exc.value.field == field


@given(feedforward_specs())
@settings(max_examples=60, deadline=None)
def test_unit_rescaling_witnesses_are_valid_and_found_when_expected(spec):
    ff = parse_feedforward_spec(spec)
    found = find_unit_rescaling(ff)
    expected = any(
        any(b == u for a, b in ff.edges[l - 1]) and any(a == u for a, b in ff.edges[l])
        and not (all(b == u for a, b in ff.edges[l - 1]) and all(a == u for a, b in ff.edges[l]))
        for l in range(1, ff.L) for u in range(ff.widths[l]))
    assert (found is not None) == expected
    if found:
        net = ff.to_multilinear()
        assert net.evaluate(found[0]) == net.evaluate(found[1]) and not are_equivalent(*found)


def test_width_one_hidden_layer_goes_to_the_general_route():
    """A chain 2 -> 1 -> 2 (no unit rescaling beyond ⟨h⟩, no path collision): X = w2 (w1 . x)."""
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [2, 1, 2],
                                 "inputs": [[1, 0], [0, 1], [1, 1]]})
    assert find_unit_rescaling(ff) is None and find_path_collision(ff) is None
    v = feedforward_identifiability(ff)
    # X = w2 w1^T [x_1 x_2 x_3]: A is injective on R^{2x2} (inputs span R^2): proved
    assert v.status == "proved" and v.details["rank_A"] == 4


@given(feedforward_specs())
@settings(max_examples=60, deadline=None)
def test_surjectivity_needs_every_output_reached(spec):
    """rk(A) = m n implies every output entry is reached (a zero row otherwise); the converse,
    stated in section 6, fails (next test), so the verdict uses the exact rank."""
    ff = parse_feedforward_spec(spec)
    net = ff.to_multilinear()
    if Analysis(net).rank().value == net.shape[0] * net.shape[1]:
        assert every_output_reached(ff)


def test_reached_outputs_do_not_imply_surjectivity():
    ff = parse_feedforward_spec({"kind": "feedforward", "widths": [1, 2, 1], "inputs": [[1], [2], [3]]})
    v = feedforward_identifiability(ff)
    assert v.details["every_output_reached"] is True
    assert v.details["rank_A"] == 1 and v.details["surjective"] is False   # all samples proportional
