"""The model-span and kernel-line routes decide from ranks whether they can succeed, before any
kernel is built (algebra.identifiability.kernel_line_dimension_allows), and the run's operator,
rank and span are computed once."""
from __future__ import annotations

import itertools
import random
from fractions import Fraction

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import algebra.analysis as analysis_module
import algebra.exact as exact
import algebra.identifiability as identifiability
from algebra.analysis import Analysis
from algebra.identifiability import identifiability_decision, kernel_line_dimension_allows, kernel_line_route
from algebra.lifting import lifting_operator
from algebra.models import ModelCollection
from algebra.network import Layer, MultilinearMap
from graphs.bundled import examples_dir
from graphs.specs import load_spec, parse_spec
from graphs.verdicts import spec_analysis, spec_identifiability
from tests.strategies import models, networks

networks_with_models = networks(max_K=3, max_dim=3, max_params=3).flatmap(
    lambda net: st.tuples(st.just(net), models(tuple(net.param_counts))))


def kernel_on_span_dimension(net, model, seed=0) -> int:
    """dim(Ker A ∩ span P(M)) = dim V − rank(A on V), independently of the routes' span basis:
    V is spanned by the Segre images P(h) of random points h of the pieces (sympy over QQ)."""
    A = lifting_operator(net)
    rng = random.Random(seed)
    tuples = list(itertools.product(*(range(s) for s in net.param_counts)))
    samples = []
    for piece in model.pieces():
        dim = len(list(itertools.product(*piece.box())))
        for _ in range(dim + 3):
            h = piece.random_point(rng, bound=50)
            samples.append([sympy.Rational(Fraction(sympy.prod([hk[i] for hk, i in zip(h, t)])))
                            for t in tuples])
    P = sympy.Matrix(samples).T  # n_cols x samples
    AP = sympy.zeros(A.n_rows, P.shape[1])
    for t, col in A.columns.items():
        j = tuples.index(t)
        for r, v in col.items():
            AP[r, :] += sympy.Rational(v.numerator, v.denominator) * P[j, :]
    return P.rank() - AP.rank()


@settings(max_examples=60, deadline=None)
@given(networks_with_models)
def test_kernel_line_route_goes_on_exactly_when_the_dimension_is_one(case):
    net, model = case
    analysis = Analysis(net, model)
    assert kernel_line_dimension_allows(analysis) == (kernel_on_span_dimension(net, model) == 1)


def test_no_kernel_is_built_when_the_dimension_rules_the_line_out(monkeypatch):
    # A chain of 1 x 1 layers: A is 1 x S^K of rank 1, Ker A has dimension S^K − 1 = 255. The
    # routes must decide that from the rank: no kernel-line kernel, no second rank.
    layer = {"rows": 1, "cols": 1, "params": 4, "entries": [[i, 0, 0, i + 1] for i in range(4)]}
    loaded = parse_spec({"kind": "structured", "layers": [layer] * 4})
    calls = []
    real = identifiability.matrix_rank_witness
    monkeypatch.setattr(identifiability, "matrix_rank_witness", lambda *a, **k: calls.append(k) or real(*a, **k))
    analysis = spec_analysis(loaded)
    assert kernel_line_route(analysis, analysis.rank()) is None
    decision = spec_identifiability(loaded, analysis)
    assert decision.status == "refuted" and calls == []


def test_the_kernel_line_example_is_still_proved_by_the_kernel_line_route():
    loaded = load_spec(examples_dir() / "structured" / "bilinear-kernel-line.json")
    analysis = spec_analysis(loaded)
    assert kernel_line_dimension_allows(analysis)
    decision = spec_identifiability(loaded, analysis)
    assert decision.status == "proved" and decision.details["route"] == "kernel-line"


def test_lifting_rank_and_span_are_computed_once_per_run(monkeypatch):
    # One run: A built once, its rank witness once, A restricted to the model's span and its
    # modular rank once -- shared by the model-span and kernel-line routes.
    counts = {"lifting": 0, "rank": 0, "modular": 0}
    real_op, real_rank, real_modular = analysis_module.lifting_operator, exact.rank_witness, identifiability.modular_rank

    def lifting(*a, **k):
        counts["lifting"] += 1
        return real_op(*a, **k)

    def rank(*a, **k):
        counts["rank"] += 1
        return real_rank(*a, **k)

    def modular(*a, **k):
        counts["modular"] += 1
        return real_modular(*a, **k)

    monkeypatch.setattr(analysis_module, "lifting_operator", lifting)
    monkeypatch.setattr(exact, "rank_witness", rank)
    monkeypatch.setattr(identifiability, "modular_rank", modular)
    # X = a ⊗ b read through 8 measurements whose kernel is the line of the 3 x 3 identity (the
    # network of kernel_line_witness's docstring), on the tied model h_1 = h_2: span P(M) is the
    # 6-dimensional symmetric matrices, which contain the identity, so the model-span route reads
    # A·B and its modular rank (5 < 6: not injective) and the kernel-line route reads the same
    # ones (6 − 5 = 1) and proves.
    rows = [[(0, 0), (1, 1)], [(1, 1), (2, 2)]] + [[(i, j)] for i in range(3) for j in range(3) if i != j]
    l1 = Layer(1, 3, 3, tuple((i, 0, i, Fraction(1)) for i in range(3)))
    l2 = Layer(3, 8, 3, tuple(sorted((j, i, c, Fraction((-1) ** n))
                                     for c, r in enumerate(rows) for n, (i, j) in enumerate(r))))
    model = ModelCollection((3, 3), [[(0, 1, 2)], [(0, 1, 2)]], classes=[(0, 1)])
    analysis = Analysis(MultilinearMap((l1, l2)), model)
    decision = identifiability_decision(analysis)
    assert decision.status == "proved" and decision.details["route"] == "kernel-line"
    analysis.rank()
    assert counts == {"lifting": 1, "rank": 1, "modular": 1}
