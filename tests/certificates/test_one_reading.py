"""One reading of a spec: the producer's readers (graphs/specs.py ``parse_spec``) and the
checker's own (``certificates/checker.py``) accept and refuse the same specs, and where both
accept they rebuild the same network (parameter counts, K and, on small cases, the columns of A).

Size limits apart: the producer refuses specs beyond its limits (algebra/limits.py) and models
with too many pieces (BudgetExceeded); the checker has its work budget instead (exit 1). Those
cases are not comparisons of readings and are skipped.
"""
from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algebra.errors import BudgetExceeded, SpecError
from algebra.lifting import lifting_operator
from certificates import checker
from graphs.specs import parse_spec

from .conv_strategies import conv_specs

HERE = Path(__file__).parent
ROOT = HERE.parents[1]


def _readings(spec):
    """(producer's LoadedSpec or None if refused, checker's network or None if refused); a side
    stopped by a size limit or budget gives "skip"."""
    try:
        produced = parse_spec(copy.deepcopy(spec))
    except SpecError:
        produced = None
    except BudgetExceeded:
        return "skip", "skip"
    try:
        mine = checker._read_network(copy.deepcopy(spec), checker._Budget())
    except checker._Malformed:
        mine = None
    except checker._Failed:
        return "skip", "skip"
    return produced, mine


def _columns_of_A(mine) -> dict:
    return {t: {r: Fraction(x, d) for r, x in col.items()}
            for t, col, d, *_ in mine.nonzero_columns(checker._Budget())}


def assert_one_reading(spec, compare_columns: bool = True) -> None:
    produced, mine = _readings(spec)
    if produced == "skip":
        return
    assert (produced is None) == (mine is None), (
        f"producer {'refuses' if produced is None else 'accepts'}, checker {'refuses' if mine is None else 'accepts'}: "
        f"{json.dumps(spec)[:300]}")
    if mine is None:
        return
    net = produced.multilinear()
    assert list(net.param_counts) == list(mine.params) and net.K == mine.K
    if mine.kind == "conv":
        assert sorted(produced.network.leaves) == mine.leaves
        return
    if compare_columns and net.K <= 4:
        A = lifting_operator(net)
        assert _columns_of_A(mine) == {t: dict(c) for t, c in A.columns.items()}
    if produced.model is not None:  # the model's tie classes, and which supports it allows
        produced_classes = sorted(list(c) for c in produced.model.classes if len(c) > 1)
        assert [c for c in mine.model.classes if len(c) > 1] == produced_classes
        for k, S in enumerate(net.param_counts):
            for supp in ({i} for i in range(min(S, 4))):
                allowed = any(supp <= set(piece.supports[k]) for piece in produced.model.pieces())
                assert mine.model.allows(supp, k, checker._Budget()) == allowed, (k, supp)


# --------------------------------------------------------------------------- the corpora
def _corpus_specs():
    for path in sorted(HERE.glob("*/*.json")):
        try:
            doc = json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        spec = doc.get("network", {}).get("spec") if isinstance(doc, dict) and isinstance(doc.get("network"), dict) else None
        if isinstance(spec, dict):
            yield f"{path.parent.name}/{path.name}", spec
    for path in sorted((ROOT / "examples").glob("*/*.json")):
        yield f"examples/{path.name}", json.loads(path.read_text())


@pytest.mark.parametrize("name, spec", list(_corpus_specs()), ids=lambda x: x if isinstance(x, str) else "")
def test_the_corpora_and_examples_are_read_the_same_way(name, spec):
    assert_one_reading(spec, compare_columns=not name.startswith("examples/conv"))


# --------------------------------------------------------------------------- generated specs
indices = st.integers(-1, 4)
coefficients = st.one_of(st.integers(-3, 3), st.sampled_from(["1/2", "-3/4", "2", "0", "1/0", "x", 1.5, True, None]))


@st.composite
def model_items(draw, S):
    support = st.lists(st.integers(-1, S), max_size=3)
    valid = st.lists(st.integers(0, S - 1), min_size=1, max_size=3, unique=True)
    if draw(st.booleans()):
        return draw(st.one_of(st.none(), st.lists(valid, min_size=1, max_size=3),
                              st.builds(lambda s: {"sparsity": s}, st.integers(1, S)),
                              st.builds(lambda g: {"groups": [[i] for i in g], "active": 1},
                                        st.lists(st.integers(0, S - 1), min_size=1, unique=True))))
    return draw(st.one_of(
        st.none(), st.just("full"), st.just("other"), st.lists(support, max_size=3),
        st.builds(lambda s: {"sparsity": s}, st.integers(0, S + 1)),
        st.builds(lambda g, a: {"groups": g, "active": a}, st.lists(support, max_size=3), st.integers(0, 3)),
        st.just({"sparsity": 1, "active": 1}), st.integers(0, 2)))


@st.composite
def structured_specs(draw):
    """Random structured specs, mostly valid: models with every form of support, ties (also with
    different supports on tied layers), and a few broken fields."""
    K = draw(st.integers(1, 3))
    dims = [draw(st.integers(1, 2)) for _ in range(K + 1)]
    params = [draw(st.integers(1, 3)) for _ in range(K)]
    if draw(st.booleans()):  # equal sizes: layers that can be tied
        params = [params[0]] * K
    broken = draw(st.integers(0, 9)) == 0
    layers = []
    for k in range(K):
        n = draw(st.integers(0, 4))
        entries = [[draw(st.integers(0, params[k] - 1)), draw(st.integers(0, dims[k] - 1)),
                    draw(st.integers(0, dims[k + 1] - 1)), draw(st.integers(-2, 2))] for _ in range(n)]
        if broken and entries:
            entries[0] = [draw(indices), draw(indices), draw(indices), draw(coefficients)]
        layers.append({"rows": dims[k], "cols": dims[k + 1], "params": params[k], "entries": entries})
    spec = {"kind": "structured", "layers": layers}
    if draw(st.booleans()):
        model = {}
        if draw(st.booleans()):
            model["supports"] = [draw(model_items(params[k])) for k in range(K)]
            if draw(st.integers(0, 9)) == 0:
                model["supports"] = model["supports"][:-1]
        if K > 1 and draw(st.booleans()):
            same = [k for k in range(K) if params[k] == params[0]]
            model["tie"] = draw(st.one_of(
                st.just([[k + 1 for k in same]]) if len(same) > 1 else st.just([]),
                st.just([[k + 1 for k in same]]) if len(same) > 1 else st.just([]),
                st.lists(st.lists(st.integers(0, K + 1), max_size=3), max_size=2), st.none()))
        group = (model.get("tie") or [[]])[0]
        if (len(model.get("supports", [])) == K and len(group) > 1 and all(1 <= x <= K for x in group)
                and draw(st.booleans())):  # tied layers mostly agree: the same item, or null
            for k in group[1:]:
                model["supports"][k - 1] = draw(st.sampled_from([None, copy.deepcopy(model["supports"][group[0] - 1])]))
        if draw(st.integers(0, 9)) == 0:
            model["description"] = draw(st.sampled_from(["text", 7, None]))
        spec["model"] = model
    return spec


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(structured_specs())
def test_generated_structured_specs_are_read_the_same_way(spec):
    assert_one_reading(spec)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conv_specs(), st.data())
def test_generated_conv_specs_are_read_the_same_way(spec, data):
    edit = data.draw(st.integers(0, 7))
    if edit == 1:
        spec["name"] = data.draw(st.sampled_from(["x", 3, None]))
    elif edit == 2:
        spec["edges"][0]["name"] = "e"
    elif edit == 3:
        spec["boundary"] = data.draw(st.sampled_from(["circular", "zero", None]))
    elif edit == 4:
        spec["edges"].append(dict(spec["edges"][0]))
    assert_one_reading(spec)


@st.composite
def feedforward_specs(draw):
    L = draw(st.integers(1, 3))
    widths = [draw(st.integers(1, 3)) for _ in range(L + 1)]
    n = draw(st.integers(1, 2))
    spec = {"kind": "feedforward", "widths": widths,
            "inputs": [[draw(st.sampled_from(["1", "-2", "1/3", "0"])) for _ in range(widths[0])] for _ in range(n)]}
    if draw(st.booleans()):
        spec["edges"] = [draw(st.lists(st.tuples(st.integers(0, widths[l] - 1), st.integers(0, widths[l + 1] - 1)),
                                       min_size=1, max_size=4, unique=True).map(lambda es: [list(e) for e in es]))
                         for l in range(L)]
    if L > 1 and draw(st.booleans()):
        bit = st.one_of(st.integers(0, 1), st.sampled_from([1.0, True, 2])) if draw(st.integers(0, 4)) == 0 \
            else st.integers(0, 1)
        spec["activations"] = [[[draw(bit) for _ in range(widths[l])] for l in range(1, L)] for _ in range(n)]
    return spec


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feedforward_specs())
def test_generated_feedforward_specs_are_read_the_same_way(spec):
    assert_one_reading(spec)


def test_tied_layers_with_different_supports_are_refused_by_both():
    layer = {"rows": 1, "cols": 1, "params": 5, "entries": [[0, 0, 0, 1]]}
    spec = {"kind": "structured", "layers": [layer, layer],
            "model": {"supports": [[[0, 1]], [[0, 2], [0, 4]]], "tie": [[1, 2]]}}
    assert _readings(spec) == (None, None)
    spec["model"]["supports"][1] = [[1, 0]]  # the same support, written in another order: one model
    produced, mine = _readings(spec)
    assert produced is not None and mine is not None
    spec["model"]["supports"] = [{"sparsity": 1}, {"groups": [[4], [0], [1], [2], [3]], "active": 1}]
    produced, mine = _readings(spec)  # the same set of supports, spelt differently
    assert produced is not None and mine is not None
