"""Progress of ``certify`` and ``rank`` on stderr: drawn on a terminal, silent with --json, --quiet
or when stderr is piped (certificates/commands/options.py)."""
from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

import pytest

import certificates.commands.options as options
from certificates.cli import main
from certificates.commands.options import PhasePrinter, progress_sink

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "structured" / "trilinear-generic.json"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_sink_is_a_printer_only_on_a_terminal_and_not_silenced():
    assert isinstance(progress_sink("certify", stream=Terminal()), PhasePrinter)
    assert progress_sink("certify", stream=io.StringIO()) is None        # piped
    assert progress_sink("certify", silent=True, stream=Terminal()) is None  # --json / --quiet


def test_phases_show_their_name_elapsed_time_and_a_bar_when_counted():
    out = Terminal()
    sink = PhasePrinter("rank", stream=out, delay=0)
    sink.phase_started("identifiability", None)
    sink.phase_started("counterexample search", 1000)
    time.sleep(0.15)  # tqdm redraws at most every 0.1 s
    sink.advanced(500)
    sink.phase_ended("counterexample search")
    time.sleep(0.15)
    sink.advanced(7)
    sink.phase_ended("identifiability")
    text = out.getvalue()
    assert "tensorlift rank: counterexample search  50%|" in text and "00:00" in text
    assert "tensorlift rank: identifiability 00:00 (7.00 work units)" in text


def test_a_short_phase_is_never_drawn():
    out = Terminal()
    sink = PhasePrinter("certify", stream=out, delay=60)
    sink.phase_started("exact rank", None)
    sink.advanced(10)
    sink.phase_ended("exact rank")
    assert out.getvalue() == ""


@pytest.mark.parametrize("argv, shown", [
    (["certify", str(EXAMPLE), "-o", "{tmp}/c.json"], True),
    (["certify", str(EXAMPLE), "-o", "{tmp}/c.json", "--json"], False),
    (["certify", str(EXAMPLE), "-o", "{tmp}/c.json", "--quiet"], False),
    (["rank", str(EXAMPLE)], True),
    (["rank", str(EXAMPLE), "--json"], False),
])
def test_the_commands_draw_progress_on_a_terminal_only(monkeypatch, tmp_path, capsys, argv, shown):
    monkeypatch.setattr(options, "PROGRESS_DELAY", 0)
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 0
    drawn = terminal.getvalue()
    command = argv[0]
    assert (f"tensorlift {command}: exact rank" in drawn) == shown
    if not shown:
        assert drawn == ""
    out = capsys.readouterr().out
    if "--json" in argv:
        json.loads(out)  # stdout is the JSON alone


def test_piped_stderr_stays_silent(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(options, "PROGRESS_DELAY", 0)
    assert main(["certify", str(EXAMPLE), "-o", str(tmp_path / "c.json")]) == 0
    assert capsys.readouterr().err == ""
