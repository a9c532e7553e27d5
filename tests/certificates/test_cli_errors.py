"""The command line's one error mapping (certificates/cli.py): bad input exits 2 naming the field,
a bug exits 3 with "internal error, please report" -- one line each, never a traceback, never a
partial output file."""
from __future__ import annotations

import json

import pytest

from algebra.errors import BudgetExceeded, InternalError, SpecError
from certificates.cli import main

GOOD = {"kind": "structured", "layers": [{"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]}]}


def _spec(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(GOOD))
    return str(path)


def _one_line(capsys, argv, code):
    rc = main(argv)
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert rc == code, err
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.mark.parametrize("bug", [KeyError("claims"), InternalError("the witness does not check"),
                                 ValueError("math domain error"), OverflowError("int too large to convert"),
                                 TypeError("unhashable type: 'list'"), OSError(5, "Input/output error")])
def test_a_bug_in_a_decider_is_an_internal_error(tmp_path, capsys, monkeypatch, bug):
    from certificates import certify

    def broken(*args, **kwargs):
        raise bug

    monkeypatch.setattr(certify, "structured_claims", broken)
    out = tmp_path / "o.cert.json"
    line = _one_line(capsys, ["certify", _spec(tmp_path), "-o", str(out), "--quiet"], 3)
    assert line.startswith(f"tensorlift certify: internal error, please report: {type(bug).__name__}: "), line
    assert not out.exists()


def test_a_bug_in_rank_is_an_internal_error(tmp_path, capsys, monkeypatch):
    from certificates.commands import rank

    def broken(*args, **kwargs):
        raise InternalError("rank witness does not re-check\n  (second line)")

    monkeypatch.setattr(rank, "lifting_rank_decision", broken)
    line = _one_line(capsys, ["rank", _spec(tmp_path)], 3)
    assert line == ("tensorlift rank: internal error, please report: InternalError: rank witness does not "
                    "re-check (second line)")


def test_bad_input_names_the_field(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(json.dumps({**GOOD, "model": {"tie": [[1, 2]]}}))
    line = _one_line(capsys, ["certify", str(path), "-o", str(tmp_path / "o.json"), "--quiet"], 2)
    assert line == "tensorlift certify: error: model.tie[0][1]: layer 2 out of range 1..1 (layer numbers in 'tie' are 1-based, as in the paper)"


def test_a_spec_error_raised_by_a_command_exits_2(tmp_path, capsys, monkeypatch):
    from certificates import certify

    def refuse(*args, **kwargs):
        raise SpecError("--seed", "expected a seed the search accepts")

    monkeypatch.setattr(certify, "structured_claims", refuse)
    line = _one_line(capsys, ["certify", _spec(tmp_path), "-o", str(tmp_path / "o.json"), "--quiet"], 2)
    assert line == "tensorlift certify: error: --seed: expected a seed the search accepts"


def test_budget_exceeded_without_an_inconclusive_result_exits_2(tmp_path, capsys, monkeypatch):
    from certificates.commands import rank

    def over(*args, **kwargs):
        raise BudgetExceeded("more than 3 non-zero columns", phase="lifting operator")

    monkeypatch.setattr(rank, "lifting_rank_decision", over)
    line = _one_line(capsys, ["rank", _spec(tmp_path)], 2)
    assert line == "tensorlift rank: budget exceeded: lifting operator: more than 3 non-zero columns"


def test_out_of_memory_is_a_size_problem_exit_2(tmp_path, capsys, monkeypatch):
    from certificates.commands import rank

    def oom(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(rank, "lifting_rank_decision", oom)
    line = _one_line(capsys, ["rank", _spec(tmp_path)], 2)
    assert "out of memory" in line and "--max-columns" in line
