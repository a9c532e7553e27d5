"""``tensorlift scatter``: JSON shape, readable collisions, one-line errors with exit 2."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from certificates.cli import main
from certificates.commands.scatter import summary
from graphs.builders import CLASSIC_EXAMPLES, example_spec, haar_packet_tree
from graphs.conv_spec import spec_to_json
from graphs.scattering import algorithm_8_1, is_scattered

from .conv_strategies import conv_specs

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "conv"


def run(capsys, *argv):
    code = main(["scatter", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_paper_examples(capsys):
    code, out, _ = run(capsys, EXAMPLES / "paper-scattered-123x1-10.json", "--json")
    assert code == 0
    assert json.loads(out) == {"scattered": True, "leaves": {"x": [0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0]}}
    code, out, _ = run(capsys, EXAMPLES / "paper-unscattered-123x123.json", "--json")
    obj = json.loads(out)
    assert code == 0 and obj["scattered"] is False and obj["leaves"]["x"][2:7] == [1, 2, 3, 2, 1]


def test_json_matches_algorithm_on_every_example(capsys):
    for fname, (build, _) in CLASSIC_EXAMPLES.items():
        code, out, _ = run(capsys, EXAMPLES / fname, "--json")
        net = build()
        y = algorithm_8_1(net)
        assert code == 0 and json.loads(out) == {"scattered": all(v <= 1 for l in y.values() for v in l), "leaves": y}


def test_examples_are_up_to_date():
    for fname in CLASSIC_EXAMPLES:
        assert (EXAMPLES / fname).read_text() == spec_to_json(example_spec(fname)), f"regenerate {fname}"


def test_example_descriptions_state_the_computed_verdict():
    for fname, (build, description) in CLASSIC_EXAMPLES.items():
        scattered = is_scattered(build())
        assert ("is not scattered" in description) == (not scattered), fname
        assert ("is scattered" in description) == scattered, fname


def test_readable_summary_names_colliding_offsets(capsys):
    code, out, _ = run(capsys, EXAMPLES / "paper-unscattered-123x123.json")
    assert code == 0 and "NOT sufficiently scattered" in out
    assert "offset 3" in out and "offset 4" in out and "offset 5" in out and "v1->r" in out
    assert "suggestion: dilating the support of edge x->v1" in out
    code, out, _ = run(capsys, EXAMPLES / "haar-packet-J3-N16.json")
    assert "sufficiently scattered" in out and "NOT" not in out


def test_yaml_spec(tmp_path, capsys):
    p = tmp_path / "h.yaml"
    p.write_text("kind: conv\nN: 8\nroot: r\nedges:\n  - {from: x, to: r, support: [0, 3]}\n")
    code, out, _ = run(capsys, p, "--json")
    assert code == 0 and json.loads(out)["leaves"]["x"] == [1, 0, 0, 1, 0, 0, 0, 0]


@pytest.mark.parametrize("text,field", [
    ('{"kind": "conv", "N": 4, "root": "r", "edges": [{"from": "x", "to": "r", "support": [4]}]}', "edges[0].support"),
    ('{"kind": "conv", "N": 4, "root": "r", "edges": [{"from": "x", "to": "r", "support": []}]}', "edges[0].support"),
    ('{"kind": "conv", "N": 4, "root": "r", "boundary": "zero", "edges": []}', "boundary"),
    ('{"kind": "conv", "N": 4, "root": "r", "edges": [{"from": "x", "to": "r", "support": [0]}, '
     '{"from": "y", "to": "z", "support": [0]}]}', "edges"),
    ('{"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1, "entries": []}]}', "kind"),
    ('{"kind": "conv", ', ""),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, text, field):
    p = tmp_path / "bad.json"
    p.write_text(text)
    code, out, err = run(capsys, p)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and f"{field}:" in err


def test_missing_file(capsys):
    code, _, err = run(capsys, "/nonexistent/spec.json")
    assert code == 2 and "no such file" in err


def test_module_entry_point(tmp_path):
    p = tmp_path / "haar.json"
    p.write_text(spec_to_json(haar_packet_tree(3, 6).spec))
    res = subprocess.run([sys.executable, "-m", "certificates", "scatter", str(p), "--json"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0
    obj = json.loads(res.stdout)
    assert obj["scattered"] is False and all(max(y) == 2 for y in obj["leaves"].values())


# --------------------------------------------------------------------------- summary
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=conv_specs())
def test_streaming_summary_says_what_the_full_table_says(spec):
    from graphs.conv_spec import parse_conv_spec

    from .scatter_reference import full_table_summary

    net = parse_conv_spec(spec)
    assert summary(net) == full_table_summary(net)


@pytest.mark.parametrize("net", [haar_packet_tree(4, 16), haar_packet_tree(5, 17), haar_packet_tree(4, 9)],
                         ids=lambda n: n.name)
def test_streaming_summary_on_trees_with_more_leaves_than_shown(net):
    from .scatter_reference import full_table_summary

    assert len(net.leaves) > 8 and summary(net) == full_table_summary(net)


def test_summary_of_a_budget_reached_says_so():
    from algebra.budget import Budget

    text = summary(haar_packet_tree(4, 16), Budget(work=3))
    assert text.splitlines()[1] == "Algorithm 8.1: not decided (Algorithm 8.1: work budget of 3 units reached)"
