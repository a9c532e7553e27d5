"""The producer and the certify/verify/examples commands."""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from algebra.budget import Budget
from algebra.lifting import lifting_operator
from certificates.certify import certify, certify_file, default_certificate_path
from certificates.checker import check_certificate
from certificates.cli import main
from graphs.structured_spec import write_structured_spec
from tests.strategies import full_layer, networks

from .oracle import structured_certificate_is_true

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_K=3, max_dim=3, max_params=3))
def test_every_certificate_the_producer_writes_verifies(net):
    spec = write_structured_spec(net)
    doc = certify(spec).document
    report = check_certificate(json.dumps(doc))
    assert report.exit_code == 0, report.failures
    assert structured_certificate_is_true(doc)
    rank = doc["claims"][0]
    assert rank["id"] == "lifting-rank" and rank["status"] == "proved"
    # cross-check the rank against sympy on the explicitly built A
    assert rank["value"] == lifting_operator(net).to_sympy().rank()
    ident = doc["claims"][1]
    assert (ident["status"] == "proved") == (rank["value"] == math.prod(net.param_counts))


def test_full_column_rank_gives_proved_identifiability_and_proved_stability():
    spec = {"kind": "structured", "layers": [full_layer(3, 1), full_layer(1, 2)]}
    claims = {c["id"]: c for c in certify(spec).document["claims"]}
    assert claims["lifting-rank"]["value"] == 6
    assert claims["identifiable"]["status"] == "proved"
    assert claims["stable"]["status"] == "proved"
    # A is a permutation matrix here: every singular value is 1, exactly
    assert claims["stable"]["value"]["sigma_min_squared"] == {"lo": "1", "hi": "1"}
    assert claims["stable"]["evidence"]["sigma_min_numeric"] == pytest.approx(1.0)


def test_spec_is_embedded_verbatim_and_hashed():
    spec = json.loads((ROOT / "examples/structured/matrix-product.json").read_text())
    result = certify(spec)
    doc = result.document
    assert doc["network"]["spec"] == spec
    assert doc["seeds"] == {"seed": 0}
    assert "timings" not in doc   # the document is the same on every run; timings are extras
    assert set(result.extras["timings"]) >= {"lifting operator", "exact rank", "identifiability"}


def test_budget_turns_into_inconclusive():
    spec = {"kind": "structured", "layers": [full_layer(2, 2), full_layer(2, 2), full_layer(2, 2)]}
    result = certify(spec, budget=Budget.default(max_columns=3))
    claims = {c.id: c for c in result.claims}
    assert claims["lifting-rank"].status == "inconclusive"
    assert claims["lifting-rank"].reason.startswith("budget reached: lifting operator:")
    # without the rank, identifiability is only decided by a counterexample (when a search exists)
    assert claims["identifiable"].status in ("inconclusive", "refuted")
    assert check_certificate(result.document).exit_code == 0


def test_time_limit_turns_into_inconclusive(monkeypatch):
    import time as _time

    import algebra.analysis as analysis

    def slow_rank(A, seed, budget):
        _time.sleep(5)  # a step that cannot charge as it goes: the budget's alarm interrupts it

    monkeypatch.setattr(analysis, "lifting_rank_decision", slow_rank)
    spec = {"kind": "structured", "layers": [full_layer(2, 2), full_layer(2, 2)]}
    started = _time.perf_counter()
    claims = {c.id: c for c in certify(spec, budget=Budget(seconds=0.3)).claims}
    assert _time.perf_counter() - started < 3
    assert claims["lifting-rank"].status == "inconclusive"
    assert "time limit of 0.3 s reached" in claims["lifting-rank"].reason


def test_default_certificate_path():
    assert default_certificate_path("a/b/net.json") == Path("net.cert.json")
    assert default_certificate_path("net.yaml") == Path("net.cert.json")


# --------------------------------------------------------------------------- command line
def test_certify_then_verify(tmp_path, capsys):
    cert = tmp_path / "mp.cert.json"
    assert main(["certify", str(ROOT / "examples/structured/matrix-product.json"), "-o", str(cert), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "proved       lifting-rank" in out and "[Corollary 5.2]" in out
    assert main(["verify", str(cert)]) == 0
    assert capsys.readouterr().out.startswith("verified")


def test_certify_json_summary(tmp_path, capsys):
    cert = tmp_path / "c.json"
    assert main(["certify", str(ROOT / "examples/structured/matrix-product.json"), "-o", str(cert),
                 "--json", "--quiet"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["certificate"] == str(cert)
    assert [c["id"] for c in summary["claims"]] == ["lifting-rank", "identifiable", "stable"]
    assert summary["sha256"] == json.loads(cert.read_text())["network"]["sha256"]


@pytest.mark.parametrize("text", ["{", "[]", '{"kind": "nope"}', '{"kind": "structured", "layers": []}',
                                  '{"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1, '
                                  '"entries": [[0, 0, 0, 0.5]]}]}'])
def test_bad_spec_exits_2_with_one_line_and_no_file(tmp_path, capsys, text):
    spec = tmp_path / "bad.json"
    spec.write_text(text)
    cert = tmp_path / "bad.cert.json"
    assert main(["certify", str(spec), "-o", str(cert), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err
    assert not cert.exists()


def test_verify_exit_codes(tmp_path, capsys):
    here = Path(__file__).parent
    assert main(["verify", str(here / "invalid" / "singular-minor.json")]) == 1
    assert main(["verify", str(here / "malformed" / "version-2.json")]) == 2
    assert main(["verify", str(tmp_path / "nothing.json")]) == 2


def test_examples_lists_bundled_specs(capsys):
    assert main(["examples"]) == 0
    out = capsys.readouterr().out
    assert "examples/structured/matrix-product.json" in out


json_specs = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 4) | st.sampled_from(["1/2", "structured", "conv", "x", 0.5]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["kind", "layers", "rows", "cols", "params", "entries", "N", "root", "edges",
                         "from", "to", "support", "model", "name", "widths", "inputs", "activations",
                         "supports", "tie"]), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.one_of(
    json_specs,
    st.fixed_dictionaries({"kind": st.just("structured"), "layers": json_specs}),
    st.fixed_dictionaries({"kind": st.just("conv"), "N": json_specs, "root": json_specs, "edges": json_specs}),
    st.fixed_dictionaries({"kind": st.just("feedforward"), "widths": json_specs, "inputs": json_specs}),
))
def test_fuzzed_specs_give_a_certificate_or_a_clean_exit_2(tmp_path, value):
    spec = tmp_path / "fuzz.json"
    spec.write_text(json.dumps(value))
    cert = tmp_path / "fuzz.cert.json"
    cert.unlink(missing_ok=True)
    code = main(["certify", str(spec), "-o", str(cert), "--quiet", "--max-columns", "200"])
    assert code in (0, 2)
    if code == 0:
        assert check_certificate(cert.read_bytes()).exit_code == 0
    else:
        assert not cert.exists()


# --------------------------------------------------------------------------- conv networks
CONV_EXAMPLES = sorted((ROOT / "examples" / "conv").glob("*.json"))


@pytest.mark.parametrize("path", CONV_EXAMPLES, ids=lambda p: p.name)
def test_conv_examples_certify_verify_and_agree_with_graphs(path):
    from graphs.conv_structure import structural_rank
    from graphs.scattering import is_scattered
    from graphs.specs import load_spec

    from .oracle import conv_certificate_is_true

    loaded = load_spec(path)
    doc = certify(loaded).document
    assert check_certificate(doc).exit_code == 0
    assert conv_certificate_is_true(doc)
    claims = {c["id"]: c for c in doc["claims"]}
    assert claims["lifting-rank"]["value"] == structural_rank(loaded.network).rank
    assert (claims["scattered"]["status"] == "proved") == is_scattered(loaded.network)
    assert claims["identifiable"]["status"] == claims["stable"]["status"] == claims["scattered"]["status"]


def test_conv_rank_matches_the_exact_rank_of_the_explicit_operator():
    from graphs.specs import load_spec

    for name in ("paper-scattered-123x1-10", "paper-unscattered-123x123"):
        loaded = load_spec(ROOT / "examples" / "conv" / f"{name}.json")
        doc = certify(loaded).document
        A = lifting_operator(loaded.multilinear())
        assert doc["claims"][0]["value"] == A.to_sympy().rank()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_conv_networks_certify_and_verify(data):
    from graphs.specs import parse_spec

    from .oracle import conv_certificate_is_true
    from .conv_strategies import conv_specs

    spec = data.draw(conv_specs())
    doc = certify(parse_spec(spec)).document
    report = check_certificate(doc)
    assert report.exit_code == 0, report.failures
    assert conv_certificate_is_true(doc)


def test_examples_readme_has_one_line_per_example():
    readme = (ROOT / "examples" / "README.md").read_text()
    listed = {line.split("`")[1] for line in readme.splitlines() if line.startswith("- `")}
    bundled = {str(p.relative_to(ROOT / "examples")) for p in (ROOT / "examples").rglob("*.json")}
    assert listed == bundled


def test_examples_readme_statuses_for_conv_examples_are_what_certify_proves():
    # the README's promises for the section-8 examples, checked against the producer + checker
    from graphs.specs import load_spec

    expect = {"paper-scattered-123x1-10": ("proved", 6), "paper-unscattered-123x123": ("refuted", 5),
              "haar-packet-J3-N16": ("proved", 64), "blind-deconvolution-4x3-stride4-N16": ("proved", 12),
              "blind-deconvolution-4x3-contiguous-N16": ("refuted", 6)}
    for name, (status, rank) in expect.items():
        doc = certify(load_spec(ROOT / "examples" / "conv" / f"{name}.json")).document
        claims = {c["id"]: c for c in doc["claims"]}
        assert (claims["identifiable"]["status"], claims["lifting-rank"]["value"]) == (status, rank), name
        assert check_certificate(doc).exit_code == 0


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_K=3, max_dim=3, max_params=3))
def test_sympy_reference_rank_route_also_verifies(net):
    from algebra.exact import lifting_rank_decision
    from certificates.certify import claim_of
    from certificates.checker import spec_sha256

    claim = claim_of(lifting_rank_decision(lifting_operator(net), method="sympy"))
    spec = write_structured_spec(net)
    doc = {"format": "tensorlift-certificate", "version": 1, "tool": {"name": "t", "version": "0"},
           "network": {"spec": spec, "sha256": spec_sha256(spec)},
           "claims": [claim.to_dict()] + [{"id": c, "status": "inconclusive", "statement": "Not decided.",
                                           "relies_on": [], "reason": "not computed"} for c in ("identifiable", "stable")]}
    assert check_certificate(doc).exit_code == 0
    assert claim.value == lifting_operator(net).to_sympy().rank()


def test_examples_readme_statuses_for_structured_and_feedforward_examples():
    # the README's promises, checked against the producer + checker (update both together)
    from graphs.specs import load_spec

    expect = {"structured/outer-product-3x2": "proved", "structured/matrix-product": "refuted",
              "structured/blind-deconvolution": "refuted", "structured/phase-retrieval": "proved",
              "structured/phase-retrieval-underdetermined": "refuted", "structured/sparse-factorization": "proved",
              "structured/sparse-factorization-colliding": "refuted", "structured/self-calibration": "refuted",
              "structured/bilinear-kernel-line": "proved", "structured/trilinear-generic": "proved",
              "structured/phase-retrieval-n4-m7": "proved", "structured/phase-retrieval-n4-m6": "refuted",
              "structured/rank-one-sensing-3x4-m10": "proved", "structured/rank-one-sensing-3x4-m9": "refuted",
              "structured/rank-one-sensing-3x3-m7": "refuted",
              "feedforward/linear-bottleneck": "proved", "feedforward/relu-path-collision": "refuted",
              "feedforward/relu-three-layer": "refuted"}
    for name, status in expect.items():
        doc = certify(load_spec(ROOT / "examples" / f"{name}.json")).document
        claims = {c["id"]: c for c in doc["claims"]}
        assert claims["identifiable"]["status"] == status, name
        assert check_certificate(doc).exit_code == 0, name
        if status == "inconclusive":  # the generic theorem is a note, never a proof
            assert "Theorem 6.4" in claims["identifiable"]["reason"]


def test_conv_time_limit_turns_the_witness_search_into_inconclusive(monkeypatch):
    import time as _time

    import graphs.conv_decisions as decisions
    from graphs.specs import load_spec

    # a search that never charges its budget: the wall-clock alarm stops it
    monkeypatch.setattr(decisions, "find_nonidentifiability_witness", lambda net, budget: _time.sleep(5))
    loaded = load_spec(ROOT / "examples" / "conv" / "paper-unscattered-123x123.json")
    started = _time.perf_counter()
    doc = certify(loaded, budget=Budget(seconds=0.5)).document
    assert _time.perf_counter() - started < 2
    status = {c["id"]: c["status"] for c in doc["claims"]}
    assert status == {"lifting-rank": "proved", "scattered": "refuted", "identifiable": "inconclusive",
                      "stable": "inconclusive"}
    assert check_certificate(doc).exit_code == 0


def test_no_proved_rank_claim_beyond_the_checkers_work_budget(monkeypatch):
    # the producer must not write a proved claim the independent checker cannot re-check
    import certificates.certify as certify_module
    from certificates.certify import certify

    spec = {"kind": "structured", "layers": [
        {"rows": 1, "cols": 1, "params": 30, "entries": [[p, 0, 0, 1] for p in range(30)]},
        {"rows": 1, "cols": 1, "params": 30, "entries": [[p, 0, 0, 1] for p in range(30)]}]}
    assert certify(spec).document["claims"][0]["status"] == "proved"
    monkeypatch.setattr(certify_module, "MAX_WORK", 899 * certify_module.COLUMN_UNITS)  # 900 columns
    doc = certify(spec).document
    rank = doc["claims"][0]
    assert rank["status"] == "inconclusive" and "work budget" in rank["reason"]
    assert check_certificate(doc).exit_code == 0


def test_the_conv_stable_formula_of_the_decisions_is_the_checkers():
    # graphs writes Theorem 8.4's formula into the stable decision; the checker insists on its own
    from certificates.checker import CONV_STABLE_FORMULA
    from graphs.conv_stability import THEOREM_8_4_FORMULA

    assert THEOREM_8_4_FORMULA == CONV_STABLE_FORMULA


def test_a_conv_witness_search_over_budget_gives_a_checkable_certificate():
    # the search charges the run's budget: a tiny time limit stops it, and the certificate says why
    import time as _time

    from graphs.builders import haar_packet_tree

    started = _time.perf_counter()
    doc = certify(haar_packet_tree(6, 40).spec, budget=Budget(seconds=0.5)).document
    assert _time.perf_counter() - started < 2.5
    claims = {c["id"]: c for c in doc["claims"]}
    assert [claims[c]["status"] for c in ("lifting-rank", "scattered", "identifiable", "stable")] == [
        "proved", "refuted", "inconclusive", "inconclusive"]
    assert claims["identifiable"]["reason"].endswith("time limit of 0.5 s reached")


def test_a_kernel_proof_never_rests_on_a_rank_claim_the_checker_cannot_recheck(monkeypatch):
    # Ker A = {0} (A is the identity on R^{3x2}) but, with the checker's budget shrunk below the 6
    # columns, the rank claim is inconclusive: identifiability is decided without it, so no
    # claim cites an unverifiable one
    import certificates.certify as certify_module

    monkeypatch.setattr(certify_module, "MAX_WORK", 5 * certify_module.COLUMN_UNITS)
    doc = certify_file(ROOT / "examples/structured/outer-product-3x2.json").document
    claims = {c["id"]: c for c in doc["claims"]}
    assert claims["lifting-rank"]["status"] == "inconclusive"
    # the linear routes stop at the unknown rank; the difference-set route re-derives its own minor
    # of A on the model span (Ker A ∩ W = {0}, no Macaulay rows) and cites no other claim
    assert claims["identifiable"]["status"] == "proved"
    block, = claims["identifiable"]["witness"]["difference_set"]["blocks"]
    assert block["kernel"] == [] and "lifting-rank" not in claims["identifiable"]["relies_on"]
    assert claims["stable"]["status"] == "inconclusive"
    assert check_certificate(doc).exit_code == 0
