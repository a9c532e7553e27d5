"""Bad input: one line on stderr, exit 2, no traceback, no output file (README, "Command line").

Each case is a reported repro rebuilt here: huge sizes that would exhaust memory,
rationals outside the checker's grammar, YAML types JSON does not have, unusable output paths and
budget options; plus the producer/checker agreement on the rational grammar.
"""
from __future__ import annotations

import json
from fractions import Fraction

import pytest

from algebra.errors import SpecError
from algebra.limits import MAX_DIGITS
from algebra.rational import to_fraction
from certificates.cli import main


def _write(tmp_path, name, obj):
    p = tmp_path / name
    p.write_text(obj if isinstance(obj, str) else json.dumps(obj), encoding="utf-8")
    return str(p)


def _one_layer(coef):
    return {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, coef]]}]}


def _bad(capsys, argv, *must_contain):
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for word in must_contain:
        assert word in lines[0], lines[0]
    return lines[0]


# ----------------------------------------------------------------------------- rationals
@pytest.mark.parametrize("text", [" 3/4 ", "3/4 ", "3 /4", "3\t/4", "\u0661", "3/\u0664", "1_000",
                                  "3/4\n", "--3", "3//4", "", "+", "/4"])
def test_rational_grammar_is_the_checkers(text):
    with pytest.raises(SpecError, match="not an exact rational"):
        to_fraction(text, "x")


@pytest.mark.parametrize("text,value", [("3/4", Fraction(3, 4)), ("-3/4", Fraction(-3, 4)),
                                        ("+7", Fraction(7)), ("0006/0004", Fraction(3, 2))])
def test_rational_grammar_accepts(text, value):
    assert to_fraction(text, "x") == value


def test_every_accepted_rational_reparses_in_the_checker():
    from hypothesis import given, strategies as st

    from certificates import checker

    alphabet = st.sampled_from(list("0123456789+-/ \t\u0661_") + ["\u00b2"])

    @given(st.text(alphabet, max_size=8))
    def run(text):
        try:
            q = to_fraction(text, "x")
        except SpecError:
            return
        assert checker._rational(text, "x") == q

    run()


def test_digit_cap_strings_and_integers():
    big = "9" * (MAX_DIGITS + 1)
    for value in (big, f"1/{big}", f"-{big}/3", int(big)):
        with pytest.raises(SpecError, match=str(MAX_DIGITS)):
            to_fraction(value, "x")
    assert to_fraction("9" * MAX_DIGITS, "x") == int("9" * MAX_DIGITS)


@pytest.mark.parametrize("coef", ["1/" + "9" * 5000, " 3/4 ", "\u0661"])
def test_cli_bad_coefficient(tmp_path, capsys, coef):
    spec = _write(tmp_path, "s.json", _one_layer(coef))
    out = tmp_path / "o.cert.json"
    _bad(capsys, ["certify", spec, "-o", str(out), "--quiet"], "coefficient")
    assert not out.exists()


def test_cli_integer_beyond_python_limit(tmp_path, capsys):
    spec = _write(tmp_path, "s.json", json.dumps(_one_layer(0)).replace('0]]}', "9" * 5000 + "]]}"))
    out = tmp_path / "o.cert.json"
    _bad(capsys, ["certify", spec, "-o", str(out), "--quiet"], "s.json")
    assert not out.exists()


# ----------------------------------------------------------------------------- YAML
@pytest.mark.parametrize("text,field", [
    ("kind: structured\nname: 2024-01-01\nlayers: []\n", "name"),
    ("kind: structured\nlayers:\n- {rows: 1, cols: 1, params: 1, entries: [[0, 0, 0, 1]]}\nmodel: !!set {a: null}\n", "model"),
    ("kind: structured\n1: x\n", "1"),
    ("kind: structured\nname: !!binary aGk=\n", "name"),
])
def test_yaml_non_json_types_are_refused(tmp_path, capsys, text, field):
    spec = _write(tmp_path, "s.yaml", text)
    out = tmp_path / "o.cert.json"
    line = _bad(capsys, ["certify", spec, "-o", str(out), "--quiet"])
    assert line.split("error: ", 1)[1].startswith(field), line
    assert not out.exists()


# ----------------------------------------------------------------------------- size budgets
def _layer(rows, cols, params):
    return {"rows": rows, "cols": cols, "params": params, "entries": [[0, 0, 0, 1]]}


@pytest.mark.parametrize("spec,field", [
    ({"kind": "structured", "layers": [_layer(1, 1, 10**11), _layer(1, 1, 10**11)]}, "layers[0].params"),
    ({"kind": "structured", "layers": [_layer(10**11, 10**11, 1), _layer(10**11, 1, 1)]}, "layers[0].rows"),
    ({"kind": "structured", "layers": [_layer(1, 10**6, 1)]}, "layers[0].cols"),
    ({"kind": "structured", "layers": [_layer(10**4, 10**4, 1)]}, "layers[0].rows x cols"),
    ({"kind": "structured", "layers": [_layer(10**4, 1, 1), _layer(1, 10**4, 1)]}, "layers[0].rows x layers[1].cols"),
    ({"kind": "conv", "N": 10**12, "root": "r", "edges": [{"from": "x", "to": "v", "support": [0, 1, 2]},
                                                         {"from": "v", "to": "r", "support": [0, 10**12 - 1]}]}, "N"),
    ({"kind": "conv", "N": 2**24, "root": "r", "edges": [{"from": "x", "to": "r", "support": list(range(300))}]}, "edges"),
    ({"kind": "feedforward", "widths": [1000, 1000], "inputs": [[1] * 1000]}, "edges[0]"),
    ({"kind": "feedforward", "widths": [10**6, 1], "inputs": [[1]]}, "widths[0]"),
    ({"kind": "feedforward", "widths": [2, 300, 2], "inputs": [[1, 1]] * 400}, "inputs"),
])
@pytest.mark.parametrize("command", ["certify", "rank", "scatter"])
def test_specs_that_would_exhaust_memory_are_refused(tmp_path, capsys, spec, field, command):
    if command == "scatter" and spec["kind"] != "conv":
        pytest.skip("scatter reads conv specs only")
    path = _write(tmp_path, "s.json", spec)
    out = tmp_path / "o.cert.json"
    argv = [command, path] + (["-o", str(out), "--quiet"] if command == "certify" else [])
    line = _bad(capsys, argv, "exceeds the supported maximum")
    assert line.split("error: ", 1)[1].startswith(field + ":"), line
    assert not out.exists()


def test_budgets_leave_the_benchmark_sizes_alone():
    from graphs.builders import chain_spec, haar_packet_tree_spec
    from graphs.specs import parse_spec

    haar = parse_spec(haar_packet_tree_spec(12, 2**14)).network
    assert haar.N == 2**14 and haar.K == 12
    chain = parse_spec(chain_spec([[i * 8**k for i in range(8)] for k in range(5)], 2**16)).network
    assert chain.N == 2**16


def test_rank_of_a_large_conv_network_is_structural_and_fast(tmp_path, capsys):
    # N = 2^20: the structural route (Proposition 8.2) answers without compiling N x N blocks
    N = 2**20
    spec = {"kind": "conv", "N": N, "root": "r", "edges": [{"from": "x", "to": "v", "support": [0, 1, 2]},
                                                          {"from": "v", "to": "r", "support": [0, N - 1]}]}
    path = _write(tmp_path, "s.json", spec)
    assert main(["rank", path, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["rank"], report["method"], report["shape"]) == (4, "structural", [N * N, 6])
    line = _bad(capsys, ["rank", path, "--generic"], "budget exceeded")
    assert "structural" in line


# ----------------------------------------------------------------------------- CLI paths and budgets
GOOD = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1, "entries": [[0, 0, 0, 1]]}]}


@pytest.mark.parametrize("option,value", [("--time-limit", "nan"), ("--time-limit", "inf"), ("--time-limit", "0"),
                                          ("--time-limit", "-1"), ("--time-limit", "x"), ("--max-columns", "0"),
                                          ("--max-columns", "-5"), ("--max-columns", "1.5")])
def test_certify_budget_options_are_validated(tmp_path, capsys, option, value):
    spec = _write(tmp_path, "s.json", GOOD)
    out = tmp_path / "o.cert.json"
    with pytest.raises(SystemExit) as exc:
        main(["certify", spec, "-o", str(out), option, value, "--quiet"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and len(err.strip().splitlines()) == 1 and option in err, err
    assert not out.exists()


def test_certify_help_documents_the_default_budgets(capsys):
    with pytest.raises(SystemExit):
        main(["certify", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "default 200000" in text and "default 300" in text


@pytest.mark.parametrize("where", ["output-dir", "output-missing", "report-dir", "report-missing", "report-proc"])
def test_unusable_output_paths_leave_no_file(tmp_path, capsys, where):
    spec = _write(tmp_path, "s.json", GOOD)
    out = tmp_path / "o.cert.json"
    report = tmp_path / "o.md"
    argv = ["certify", spec, "--quiet"]
    if where == "output-dir":
        argv += ["-o", str(tmp_path)]
    elif where == "output-missing":
        argv += ["-o", str(tmp_path / "nope" / "o.cert.json")]
    else:
        argv += ["-o", str(out), "--report", {"report-dir": str(tmp_path), "report-missing": str(tmp_path / "nope" / "r.md"),
                                               "report-proc": "/proc/tensorlift-x.md"}[where]]
    line = _bad(capsys, argv)
    assert ("--output" if where.startswith("output") else "--report") in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.json"], list(tmp_path.iterdir())
    assert not report.exists()


def test_report_failure_after_the_certificate_rolls_back(tmp_path, monkeypatch):
    # the disk fills up while the report is renamed into place, after the certificate was:
    # neither file may remain, and a certificate that was there before gets its content back
    import os

    from certificates import files
    from certificates.commands import certify as cmd

    real_replace = os.replace

    def full_disk(src, dst):
        if str(dst).endswith("r.md"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    (tmp_path / "c.json").write_text("old certificate")
    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(SpecError, match="^--report: cannot write .*r.md: No space left on device"):
        cmd.write_outputs(GOOD, tmp_path / "c.json", tmp_path / "r.md", "md")
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]
    assert (tmp_path / "c.json").read_text() == "old certificate"


def test_certificate_and_report_are_written_together(tmp_path, capsys):
    spec = _write(tmp_path, "s.json", GOOD)
    out, report = tmp_path / "o.cert.json", tmp_path / "o.md"
    assert main(["certify", spec, "-o", str(out), "--report", str(report), "--quiet"]) == 0
    assert out.exists() and report.exists()
    assert main(["verify", str(out)]) == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries left


# (100 digits: the stable claim's numeric sigma_min guess squares entries in floating point;
# coefficients near 10^308 overflow there -- see test_float_overflow_is_one_line)
@pytest.mark.parametrize("coef", ["+7", "-3/4", "0006/0004", "9" * 100, "1/" + "7" * 100, 12])
def test_what_the_producer_accepts_the_checker_verifies(tmp_path, capsys, coef):
    # certify then verify over coefficient spellings the producer accepts
    spec = _write(tmp_path, "s.json", _one_layer(coef))
    out = tmp_path / "o.cert.json"
    assert main(["certify", spec, "-o", str(out), "--quiet"]) == 0
    assert main(["verify", str(out)]) == 0, capsys.readouterr()


@pytest.mark.parametrize("dest", ["dir", "missing", "proc"])
def test_report_command_unusable_output(tmp_path, capsys, dest):
    spec = _write(tmp_path, "s.json", GOOD)
    cert = tmp_path / "o.cert.json"
    assert main(["certify", spec, "-o", str(cert), "--quiet"]) == 0
    capsys.readouterr()
    target = {"dir": str(tmp_path), "missing": str(tmp_path / "nope" / "r.md"), "proc": "/proc/tensorlift-r.md"}[dest]
    _bad(capsys, ["report", str(cert), "-o", target], "--output")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.cert.json", "s.json"]


def test_coefficient_beyond_floats_certifies(tmp_path, capsys):
    # a coefficient the exact phases accept but floats cannot hold: the exact claims certify, the
    # float-dependent stability claim says it is undecided, and the certificate verifies
    spec = _write(tmp_path, "s.json", _one_layer("9" * MAX_DIGITS))
    out = tmp_path / "o.cert.json"
    assert main(["certify", spec, "-o", str(out), "--quiet"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert main(["verify", str(out)]) == 0


def test_column_budget_is_lowered_for_tall_operators(tmp_path, capsys):
    # A has m*n = 10^6 rows: the exact rank's dense integer matrix (columns x rows) must stay
    # within MAX_DENSE_CELLS, so the column budget is lowered instead of aborting in flint (the
    # engine does it: from Python too, see tests/certificates/test_budget.py)
    from algebra.limits import MAX_DENSE_CELLS

    P = 20
    l1 = {"rows": 1000, "cols": 1, "params": P, "entries": [[p, p, 0, 1] for p in range(P)]}
    l2 = {"rows": 1, "cols": 1000, "params": P, "entries": [[p, 0, p, 1] for p in range(P)]}
    spec = _write(tmp_path, "s.json", {"kind": "structured", "layers": [l1, l2]})
    out = tmp_path / "o.cert.json"
    assert main(["certify", spec, "-o", str(out), "--json"]) == 0
    captured = capsys.readouterr()
    rank = next(c for c in json.loads(captured.out)["claims"] if c["id"] == "lifting-rank")
    assert rank["status"] == "inconclusive"
    assert rank["reason"].startswith(f"budget reached: lifting operator: column budget lowered to {MAX_DENSE_CELLS // 10**6}")
