"""Exported scripts: Singular (installed here) re-derives the rank of A and the identifiability
verdict of every example and of random specs; Macaulay2 and Sage run when installed (they are not
here: their scripts are then read back -- M2's entries parsed, Sage's run on a small sympy stand-in
for its matrix API -- and compared with our A)."""
from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
import sympy

from algebra.exact import rank_witness
from algebra.lifting import lifting_operator
from algebra.errors import BudgetExceeded
from certificates.cli import main
from certificates.export import DIMENSION_LINE, RANK_LINE, export_data, export_script
from graphs.bundled import examples_dir
from graphs.specs import load_spec, parse_spec
from graphs.structured_spec import write_structured_spec
from tests.strategies import networks

HERE = Path(__file__).parent
EXAMPLES = sorted(p for p in examples_dir().rglob("*.json"))
SINGULAR = shutil.which("Singular")
M2 = shutil.which("M2")
SAGE = shutil.which("sage")
# examples whose identifiability system is too big for a test's Groebner basis (rank only)
RANK_ONLY = {"haar-packet-J3-N16", "trilinear-generic", "self-calibration"}
CAS_RUNS = {"singular": ([SINGULAR, "-q"] if SINGULAR else None),
            "m2": ([M2, "--script"] if M2 else None), "sage": ([SAGE] if SAGE else None)}
SUFFIX = {"singular": ".sing", "m2": ".m2", "sage": ".sage"}


def golden(path: Path) -> dict:
    return json.loads((HERE / "golden" / f"{path.parent.name}--{path.stem}.cert.json").read_text())


def claim(doc, cid):
    return next(c for c in doc["claims"] if c["id"] == cid)


def run_script(target: str, script: str, tmp_path: Path) -> dict[str, int]:
    path = tmp_path / f"x{SUFFIX[target]}"
    path.write_text(script)
    out = subprocess.run(CAS_RUNS[target] + [str(path)], capture_output=True, text=True, timeout=120).stdout
    found = {}
    for key, line in (("rank", RANK_LINE), ("dim", DIMENSION_LINE)):
        m = re.search(re.escape(line) + r"(-?\d+)", out)
        if m:
            found[key] = int(m.group(1))
    return found


def our_rank(loaded) -> int:
    return rank_witness(lifting_operator(loaded.multilinear())).rank


def check_example(target: str, path: Path, tmp_path: Path) -> None:
    """The CAS's rank of A is the certificate's and ours; its dimension agrees with the verdict."""
    loaded = load_spec(path)
    doc = golden(path)
    rank_only = path.stem in RANK_ONLY
    found = run_script(target, export_script(loaded, target, rank_only=rank_only), tmp_path)
    assert found["rank"] == claim(doc, "lifting-rank")["value"] == our_rank(loaded)
    if rank_only:
        return
    verdict = claim(doc, "identifiable")["status"]
    if loaded.kind == "conv":  # the certificate decides {h}; the script the layer-wise <h>
        from graphs.verdicts import spec_verdict

        verdict = spec_verdict(loaded, equivalence="layer").status
    if verdict == "proved":  # every route of ours is inside the system: its variety is {0}
        assert found["dim"] == 0
    elif verdict == "refuted":  # h, g give T = P(h) - P(g) != 0 on the variety
        assert found["dim"] >= 1


@pytest.mark.skipif(SINGULAR is None, reason="Singular is not installed")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_singular_rederives_rank_and_verdict_of_every_example(tmp_path, path):
    check_example("singular", path, tmp_path)


@pytest.mark.parametrize("target", ["m2", "sage"])
def test_macaulay2_and_sage_rederive_rank_and_verdict_of_every_example(tmp_path, target):
    if CAS_RUNS[target] is None:
        pytest.skip(f"{target} is not installed here: its scripts are read back by the tests below instead")
    for path in EXAMPLES:
        check_example(target, path, tmp_path)


@pytest.mark.skipif(SINGULAR is None, reason="Singular is not installed")
def test_singular_agrees_on_the_rank_of_random_specs(tmp_path):
    from hypothesis import given, settings

    @settings(max_examples=12, deadline=None, derandomize=True)
    @given(networks(max_K=3, max_dim=3, max_params=3))
    def check(net):
        loaded = parse_spec(write_structured_spec(net))
        assert run_script("singular", export_script(loaded, "singular", rank_only=True), tmp_path)["rank"] == \
            rank_witness(lifting_operator(net)).rank

    check()


@pytest.mark.skipif(SINGULAR is None, reason="Singular is not installed")
def test_singular_proves_a_random_full_rank_bilinear_map_identifiable(tmp_path):
    rng = random.Random(3)
    layers = [{"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]},
              {"rows": 2, "cols": 2, "params": 2,
               "entries": [[p, r, c, rng.randint(-4, 4)] for p in range(2) for r in range(2) for c in range(2)]}]
    loaded = parse_spec({"kind": "structured", "layers": layers})
    found = run_script("singular", export_script(loaded, "singular"), tmp_path)
    assert found["rank"] == our_rank(loaded)
    assert (found["dim"] == 0) == (found["rank"] == 4)  # Ker A = {0} iff rank 4 = S_1 S_2


def test_the_macaulay2_script_holds_our_a(tmp_path):
    """Read A back from the M2 script's map(QQ^m, QQ^n, {(r,c)=>v, ...}) and compare its rank."""
    for path in EXAMPLES[:8]:
        loaded = load_spec(path)
        script = export_script(loaded, "m2", rank_only=True)
        m = re.search(r"A = map\(QQ\^(\d+), QQ\^(\d+), \{(.*)\}\);", script)
        rows, cols = int(m.group(1)), int(m.group(2))
        entries = {(int(r), int(c)): sympy.Rational(v)
                   for r, c, v in re.findall(r"\((\d+),(\d+)\)=>(-?\d+(?:/\d+)?)", m.group(3))}
        A = sympy.SparseMatrix(rows, cols, entries)
        assert A.rank() == our_rank(loaded)


class _SageStandIn:
    """Enough of Sage's matrix API (on sympy) to run an exported rank-only script."""

    @staticmethod
    def namespace():
        def matrix(ring, m, n, entries, sparse=True):
            return sympy.SparseMatrix(m, n, entries)

        return {"QQ": lambda text: sympy.Rational(text), "matrix": matrix}


def test_the_sage_script_runs_on_a_stand_in_and_prints_our_rank(capsys):
    for path in EXAMPLES[:8]:
        loaded = load_spec(path)
        exec(export_script(loaded, "sage", rank_only=True), _SageStandIn.namespace())
        assert capsys.readouterr().out.strip() == f"{RANK_LINE}{our_rank(loaded)}"


def test_the_system_states_kernel_symmetry_and_minors():
    data = export_data(load_spec(examples_dir() / "structured" / "phase-retrieval.json"))
    assert len(data.variables) == 9 and data.tensor == list(range(9))
    assert sorted(data.symmetry) == [(1, 3), (2, 6), (5, 7)]  # h_1 = h_2: T symmetric
    assert [(r, c) for r, c, _ in data.flattenings] == [(3, 3), (3, 3)]
    data = export_data(load_spec(examples_dir() / "structured" / "sparse-factorization.json"))
    # union of the pieces' boxes {0,1} x {0,2} and {0,1} x {0,4}
    assert data.variables == [(0, 0), (0, 2), (0, 4), (1, 0), (1, 2), (1, 4)]
    assert data.flattenings == []  # a 2 x 3 flattening has rank <= 2: no minors
    assert all(data.entries[(r, j)] == v for (r, j), v in data.entries.items() if isinstance(v, Fraction))


def test_export_command(tmp_path, capsys):
    spec = str(examples_dir() / "structured" / "matrix-product.json")
    assert main(["export", spec, "--to", "singular"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("// tensorlift export of 'matrix-product-2x2x2'") and "std(I)" in out
    assert main(["export", spec, "--to", "m2", "-o", str(tmp_path / "a.m2"), "--rank-only"]) == 0
    text = (tmp_path / "a.m2").read_text()
    assert "rank A" in text and "minors" not in text
    with pytest.raises(SystemExit) as usage:  # argparse's one-line usage error
        main(["export", spec, "--to", "maple"])
    assert usage.value.code == 2
    assert main(["export", spec, "--to", "sage", "-o", str(tmp_path / "missing" / "a.sage")]) == 2
    assert "--output" in capsys.readouterr().err and not (tmp_path / "missing").exists()


def test_too_large_systems_are_refused_with_the_way_out(monkeypatch):
    import certificates.export as export

    monkeypatch.setattr(export, "MAX_EXPORT_COORDINATES", 4)
    with pytest.raises(BudgetExceeded, match="--rank-only"):
        export.export_data(load_spec(examples_dir() / "structured" / "phase-retrieval.json"))
    assert export.export_data(load_spec(examples_dir() / "structured" / "phase-retrieval.json"),
                              rank_only=True).variables == []
