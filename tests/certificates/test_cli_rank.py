"""``tensorlift rank``: JSON fields, exact answers, one-line errors with exit 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from certificates.cli import main
from graphs import specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "structured" / "matrix-product.json"


def run_cli(capsys, *argv):
    code = main(["rank", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path, obj, name="spec.json"):
    path = tmp_path / name
    path.write_text(obj if isinstance(obj, str) else json.dumps(obj))
    return path


def test_json_on_bundled_example(capsys):
    code, out, err = run_cli(capsys, EXAMPLE, "--json")
    assert code == 0 and err == ""
    report = json.loads(out)
    # 2x2 times 2x2 with every entry a parameter: A is onto the 4 entries (rank m n = 4),
    # S_1 S_2 = 16 columns of which the 8 with a matching inner index are non-zero.
    assert report["rank"] == 4
    assert report["shape"] == [4, 16]
    assert report["status"] == "proved"
    assert report["nonzero_columns"] == 8
    assert report["method"] == "flint-modular"
    assert report["kernel_dimension"] == 12


def test_json_rank_of_single_entry_chain(tmp_path, capsys):
    # M_1: params at (0,0), (1,1) of a 2x2; M_2: params at (0,0), (0,1) of a 2x2. Boolean
    # product of the supports has non-zero entries (0,0), (0,1) only: rank 2 (see test_exact).
    spec = {"kind": "structured", "layers": [
        {"rows": 2, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 1, "2/3"]]},
        {"rows": 2, "cols": 2, "params": 2, "entries": [[0, 0, 0, -1], [1, 0, 1, 5]]}]}
    code, out, _ = run_cli(capsys, write(tmp_path, spec), "--json", "--witness")
    assert code == 0
    report = json.loads(out)
    assert (report["rank"], report["shape"], report["nonzero_columns"]) == (2, [4, 4], 2)
    w = report["witness"]
    assert len(w["minor_rows"]) == len(w["minor_cols"]) == 2


def test_readable_summary(capsys):
    code, out, _ = run_cli(capsys, EXAMPLE)
    assert code == 0
    assert "rank(A) = 4" in out and "proved" in out and "4 x 16" in out


@pytest.mark.parametrize("content, fragment", [
    ("{", "malformed JSON"),
    ({"kind": "structured", "layers": [{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 0, 0, 0.5]]}]},
     "layers[0].entries[0][3]"),
    ({"kind": "structured", "layers": [{"rows": 2, "cols": 2, "params": 1, "entries": [[0, 5, 0, 1]]}]},
     "layers[0]"),
    ({"kind": "nonsense"}, "kind"),
    ([1, 2], "JSON object"),
])
def test_bad_input_exit_2_one_line(tmp_path, capsys, content, fragment):
    code, out, err = run_cli(capsys, write(tmp_path, content), "--json")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and fragment in err


def test_missing_file_exit_2(tmp_path, capsys):
    code, out, err = run_cli(capsys, tmp_path / "nope.json")
    assert code == 2 and "no such file" in err and out == ""


def test_budget_exceeded_exit_2(capsys):
    code, out, err = run_cli(capsys, EXAMPLE, "--max-columns", "3")
    assert code == 2 and out == "" and err.count("\n") == 1 and "budget" in err


def test_structural_rank_is_used_for_conv_networks(capsys):
    # a conv network is answered by graphs.conv_structure.structural_rank without compiling A;
    # the forced generic route (A built, exact rank with witnesses) must agree
    conv = ROOT / "examples" / "conv" / "paper-unscattered-123x123.json"
    code, out, _ = run_cli(capsys, conv, "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["rank"], report["method"], report["status"]) == (5, "structural", "proved")
    assert report["shape"] == [16 * 16, 9] and report["nonzero_columns"] == 9
    code, out, _ = run_cli(capsys, conv, "--json", "--generic")
    generic = json.loads(out)
    assert (generic["rank"], generic["shape"], generic["method"]) == (5, report["shape"], "flint-modular")


def test_console_entry_point_end_to_end():
    proc = subprocess.run([sys.executable, "-m", "certificates", "rank", str(EXAMPLE), "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rank"] == 4


ALL_EXAMPLES = sorted((ROOT / "examples").glob("*/*.json"))


@pytest.mark.parametrize("path", ALL_EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_example_agrees_across_routes(path):
    # default route (structural for conv networks, witnesses otherwise), the forced generic
    # route, and sympy's Matrix.rank on the same A: three constructions, one answer.
    from algebra.lifting import lifting_operator
    from certificates.commands.rank import rank_report

    default = rank_report(str(path))
    generic = rank_report(str(path), generic=True, with_witness=True)
    assert default["rank"] == generic["rank"]
    assert default["shape"] == generic["shape"]
    assert default["nonzero_columns"] in (None, generic["nonzero_columns"])
    A = lifting_operator(specs.load_spec(path).multilinear())
    assert generic["rank"] == (A.to_sympy().rank() if A.columns else 0)
    assert len(generic["witness"]["minor_rows"]) == generic["rank"]


def test_structural_readable_summary(capsys):
    conv = ROOT / "examples" / "conv" / "paper-unscattered-123x123.json"
    if not conv.exists():
        pytest.skip("conv examples not present")
    code, out, _ = run_cli(capsys, conv)
    assert code == 0 and "rank(A) = 5" in out and "structural" in out


def test_probes_route(capsys):
    # rk A = 4 for the bundled example: 10 probes span 4 dimensions (probable, with the bound);
    # 3 probes are all independent, which only proves rk A >= 3 (inconclusive).
    code, out, _ = run_cli(capsys, EXAMPLE, "--json", "--probes", "10", "--seed", "5")
    report = json.loads(out)
    assert code == 0
    assert (report["rank"], report["status"], report["seed"], report["n_probes"]) == (4, "probable", 5, 10)
    assert 0 < report["failure_bound"] <= 4 * 2 / 2**32  # min(R, m n) K / |T|
    code, out, _ = run_cli(capsys, EXAMPLE, "--json", "--probes", "3")
    report = json.loads(out)
    assert (report["rank"], report["status"], report["rank_at_least"]) == (None, "inconclusive", 3)
    code, out, _ = run_cli(capsys, EXAMPLE, "--probes", "3")
    assert "rank(A) >= 3" in out


def test_usage_errors_are_one_line_with_exit_2(capsys):
    from certificates.cli import main

    for argv in (["rank", "x.json", "--max-columns", "many"], ["frobnicate"], []):
        with pytest.raises(SystemExit) as info:
            main(argv)
        err = capsys.readouterr().err
        assert info.value.code == 2
        assert len(err.strip().splitlines()) == 1 and "error:" in err
