"""One run: one budget from the command line or Python, the lifting operator built once, the same
decisions in the certificate and in the Python API, the same bytes on every run."""
from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

import algebra.lifting
from algebra import exact
from algebra.budget import Budget
from algebra.decision import jsonable
from algebra.stability import THEOREM_7_2_BOUNDS
from certificates import checker
from certificates.certify import certify, certify_file, dumps_certificate
from certificates.cli import main
from graphs.specs import load_spec
from graphs.verdicts import spec_verdict

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").rglob("*.json"))
ids = lambda p: str(p.relative_to(ROOT / "examples"))  # noqa: E731


def big_spec(seed: int = 0) -> dict:
    """K = 4 layers of 12 x 12 factors, S = 10 parameters each, 30 % non-zeros from ±{1, 2, 3}:
    A is 144 x 10000, Ker A has dimension 9856 and the witness search finds nothing for seconds."""
    rng = random.Random(seed)
    layers = []
    for _ in range(4):
        entries = [[p, r, c, rng.choice([-3, -2, -1, 1, 2, 3])]
                   for p in range(10) for r in range(12) for c in range(12) if rng.random() < 0.3]
        layers.append({"rows": 12, "cols": 12, "params": 10, "entries": entries})
    return {"kind": "structured", "layers": layers}


def _claims(doc) -> dict:
    return {c["id"]: c for c in doc["claims"]}


def _cli_certify(tmp_path, capsys, spec: dict, *options) -> dict:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    cert = tmp_path / "spec.cert.json"
    assert main(["certify", str(path), "-o", str(cert), "--quiet", *options]) == 0
    capsys.readouterr()
    return json.loads(cert.read_text())


# --------------------------------------------------------------------------- reproducible bytes
@pytest.mark.parametrize("example", EXAMPLES, ids=ids)
def test_every_example_certifies_to_the_same_bytes_twice(example):
    first, second = certify_file(example), certify_file(example)
    assert "timings" not in first.document
    assert dumps_certificate(first.document) == dumps_certificate(second.document)


def test_a_work_budget_stops_at_the_same_point_every_time():
    # work units, unlike the clock, do not depend on the machine's load: same input, same bytes
    spec = big_spec()
    runs = [certify(spec, budget=Budget(work=3_000_000)).document for _ in range(2)]
    assert dumps_certificate(runs[0]) == dumps_certificate(runs[1])
    ident = _claims(runs[0])["identifiable"]
    assert ident["status"] == "inconclusive"
    assert "budget reached: counterexample search: work budget of 3000000 units reached" in ident["reason"]


# --------------------------------------------------------------------------- one budget
def test_a_time_budget_stops_the_witness_search_on_a_large_operator():
    # the whole search takes ~1.5 s here (A's integers, no Fraction view): 1 s stops it
    started = time.monotonic()
    result = certify(big_spec(), budget=Budget(seconds=1))
    assert time.monotonic() - started < 2
    claims = {c.id: c for c in result.claims}
    assert claims["lifting-rank"].status == "proved" and claims["lifting-rank"].value == 144
    assert claims["identifiable"].status == "inconclusive"
    assert "budget reached: counterexample search: time limit of 1 s reached" in claims["identifiable"].reason


@pytest.mark.parametrize("cap, value, words", [("SEARCH_SECONDS", 1.0, "time limit of 1 s reached"),
                                               ("SEARCH_WORK", 100_000, "work budget of 100000 units reached")])
def test_the_search_runs_in_a_capped_child_of_the_run_budget(monkeypatch, cap, value, words):
    # the child's own cap stops the search inside a generous run budget, and its charges count
    # against the run's
    import algebra.identifiability as identifiability
    from algebra.errors import BudgetExceeded
    from graphs.structured_spec import structured_network

    net = structured_network(big_spec())
    A = algebra.lifting.lifting_operator(net)
    monkeypatch.setattr(identifiability, cap, value)
    run = Budget.default()
    started = time.monotonic()
    with pytest.raises(BudgetExceeded) as stopped:
        identifiability.find_nonidentifiability_witness(net, A=A, budget=run)
    assert time.monotonic() - started < 2
    assert stopped.value.reason == f"budget reached: counterexample search: {words}"
    assert run.used > (value // 2 if cap == "SEARCH_WORK" else 0)


def test_certify_from_python_is_bounded_by_default():
    # 60^3 = 216000 non-zero columns: beyond DEFAULT_MAX_COLUMNS without any budget given
    layer = {"rows": 1, "cols": 1, "params": 60, "entries": [[p, 0, 0, 1] for p in range(60)]}
    rank = certify({"kind": "structured", "layers": [layer] * 3}).claims[0]
    assert rank.status == "inconclusive"
    assert rank.reason == ("budget reached: lifting operator: the lifting operator has more than 200000 "
                           "non-zero columns (--max-columns)")


@pytest.mark.parametrize("spec, python_budget, options", [
    ({"kind": "structured", "layers": [{"rows": 2, "cols": 2, "params": 4,
                                        "entries": [[2 * i + j, i, j, 1] for i in range(2) for j in range(2)]}] * 3},
     Budget.default(max_columns=3), ["--max-columns", "3"]),
    # A has 10^6 rows: the engine lowers the column budget for the exact rank's dense matrix
    ({"kind": "structured", "layers": [
        {"rows": 1000, "cols": 1, "params": 20, "entries": [[p, p, 0, 1] for p in range(20)]},
        {"rows": 1, "cols": 1000, "params": 20, "entries": [[p, 0, p, 1] for p in range(20)]}]},
     None, []),
], ids=["max-columns", "dense-rank-bound"])
def test_a_reached_budget_gives_the_same_reason_from_the_cli_and_from_python(tmp_path, capsys, spec,
                                                                            python_budget, options):
    from_cli = _claims(_cli_certify(tmp_path, capsys, spec, *options))
    from_python = _claims(certify(spec, budget=python_budget).document)
    assert from_cli["lifting-rank"]["status"] == "inconclusive"
    assert from_cli["lifting-rank"]["reason"].startswith("budget reached: lifting operator:")
    assert from_cli == from_python


def test_a_work_budget_gives_the_same_reason_from_the_cli_and_from_python(tmp_path, capsys):
    spec = big_spec()
    from_cli = _claims(_cli_certify(tmp_path, capsys, spec, "--work", "3000000"))
    from_python = _claims(certify(spec, budget=Budget.default(work=3_000_000)).document)
    assert from_cli == from_python
    assert "work budget of 3000000 units reached" in from_cli["identifiable"]["reason"]


# --------------------------------------------------------------------------- A built once
@pytest.mark.parametrize("name", ["structured/trilinear-generic", "structured/phase-retrieval",
                                  "structured/outer-product-3x2", "structured/sparse-factorization-colliding",
                                  "feedforward/relu-three-layer"])
def test_one_run_builds_the_lifting_operator_once_and_ranks_it_once(monkeypatch, name):
    # every construction of A (both routes) and every exact rank of it are counted: the rank
    # decision, the Dirac and zero-column scans, Theorem 6.4's rank condition (trilinear-generic
    # is inconclusive with its note) and the stability step (outer-product) all share them
    built, ranked = [], []

    def counting(function, log):
        def wrapper(*args, **kwargs):
            log.append(args[0])
            return function(*args, **kwargs)
        return wrapper

    for module, name_ in ((algebra.lifting, "lifting_operator_sparse"), (algebra.lifting, "lifting_operator_int")):
        monkeypatch.setattr(module, name_, counting(getattr(module, name_), built))
    monkeypatch.setattr(exact, "rank_witness", counting(exact.rank_witness, ranked))
    doc = certify_file(ROOT / "examples" / f"{name}.json").document
    assert len(built) == 1
    assert len(ranked) == 1
    assert checker.check_certificate(doc).exit_code == 0


# --------------------------------------------------------------------------- one decision
STRUCTURED_AND_FEEDFORWARD = [p for p in EXAMPLES if p.parent.name in ("structured", "feedforward")]


@pytest.mark.parametrize("example", STRUCTURED_AND_FEEDFORWARD, ids=ids)
def test_the_python_api_and_the_certificate_present_the_same_decision(example):
    # graphs.verdicts.spec_verdict and the certificate's identifiable claim come from one decider
    loaded = load_spec(example)
    decision = spec_verdict(loaded)
    claim = _claims(certify(loaded).document)["identifiable"]
    assert decision.status == claim["status"]
    assert jsonable(decision.witness) == claim.get("witness")
    if decision.status == "inconclusive":
        assert decision.reason == claim["reason"]


def test_the_feedforward_path_criterion_comes_before_the_search():
    # section 6's criterion (two always-active paths between the same entries) decides at once
    loaded = load_spec(ROOT / "examples" / "feedforward" / "relu-path-collision.json")
    decision = spec_verdict(loaded)
    assert decision.status == "refuted"
    assert decision.details["found_by"].startswith("section 6's path criterion")
    assert "section 6 (feed-forward example)" in decision.relies_on


def test_the_theorem_7_2_formulas_are_the_checkers():
    assert THEOREM_7_2_BOUNDS == {"tensor_bound": checker.STABLE_TENSOR_BOUND, "dp_bound": checker.STABLE_DP_BOUND,
                                  "dp_condition": checker.STABLE_DP_CONDITION}


def test_the_console_script_uses_the_same_defaults_as_python(tmp_path):
    # no option given: the CLI's budget is Budget.default(), the one certify() uses from Python
    spec = ROOT / "examples" / "structured" / "matrix-product.json"
    cert = tmp_path / "mp.cert.json"
    proc = subprocess.run([sys.executable, "-m", "certificates", "certify", str(spec), "-o", str(cert), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert cert.read_text() == dumps_certificate(certify_file(spec).document)
