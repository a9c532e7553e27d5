"""Batches and sweeps: every certificate of a batch is the single run's, byte for byte, whether it
ran here, in worker processes or on a Dask cluster; one summary, one exit status; sweeps plot."""
from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pytest

from certificates.batch import CLUSTER_EXTRA, certify_batch
from certificates.cli import main
from graphs.bundled import examples_dir
from graphs.sweeps import MANIFEST, phase_retrieval_sweep

HERE = Path(__file__).parent
EXAMPLES = sorted(examples_dir().rglob("*.json"))


def golden_text(path: Path) -> str:
    return (HERE / "golden" / f"{path.parent.name}--{path.stem}.cert.json").read_text()


def test_a_local_batch_gives_the_golden_certificates_in_any_number_of_processes():
    one = certify_batch(EXAMPLES, jobs=1)
    two = certify_batch(EXAMPLES, jobs=2)
    assert one.exit_code == two.exit_code == 0
    assert one.certificates == two.certificates == [golden_text(p) for p in EXAMPLES]
    strip = lambda rows: [{k: v for k, v in r.as_dict().items() if k != "seconds"} for r in rows]
    assert strip(one.rows) == strip(two.rows)
    statuses = {r.name: r.statuses["identifiable"] for r in one.rows}
    assert statuses["phase-retrieval-real-S3-N6"] == "proved" and statuses["paper-8-unscattered-123x123"] == "refuted"


def test_a_batch_on_a_dask_cluster_gives_the_same_bytes():
    distributed = pytest.importorskip("distributed", reason=f"dask.distributed not installed ({CLUSTER_EXTRA})")
    specs = EXAMPLES[:6]
    local = certify_batch(specs)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        remote = certify_batch(specs, scheduler=cluster.scheduler_address)
        with distributed.Client(cluster) as client:  # the Python API also takes a client
            again = certify_batch(specs, scheduler=client)
    assert remote.certificates == local.certificates == again.certificates
    assert [r.statuses for r in remote.rows] == [r.statuses for r in local.rows]


def test_the_cli_runs_a_batch_on_a_dask_scheduler(tmp_path, capsys):
    distributed = pytest.importorskip("distributed", reason=f"dask.distributed not installed ({CLUSTER_EXTRA})")
    specs = [str(p) for p in EXAMPLES[:3]]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        assert main(["certify", *specs, "--scheduler", cluster.scheduler_address, "--out-dir", str(tmp_path),
                     "--quiet"]) == 0
    for p in EXAMPLES[:3]:
        assert (tmp_path / f"{p.stem}.cert.json").read_text() == golden_text(p)


def test_without_dask_the_cli_names_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    specs = [str(p) for p in EXAMPLES[:2]]
    assert main(["certify", *specs, "--scheduler", "tcp://127.0.0.1:8786", "--out-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("tensorlift certify: error: --scheduler: dask.distributed is not installed; install the extra "
                   f"{CLUSTER_EXTRA}")
    assert not list(tmp_path.iterdir())


def test_a_folder_with_a_bad_spec_gives_one_table_and_exit_2(tmp_path, capsys):
    folder = tmp_path / "specs"
    folder.mkdir()
    for name in ("outer-product-3x2", "phase-retrieval"):
        shutil.copy(examples_dir() / "structured" / f"{name}.json", folder)
    (folder / "broken.json").write_text('{"kind": "structured", "layers": []}')
    (folder / "garbled.json").write_text('{"kind": ')  # read by the client: its row says why
    (folder / "old.cert.json").write_text("{}")  # certificates are not specs
    out = tmp_path / "out"
    out.mkdir()
    code = main(["certify", str(folder), "--out-dir", str(out), "--summary", str(tmp_path / "s.csv"), "--jobs", "2"])
    assert code == 2
    text = capsys.readouterr().out
    assert "error: layers: expected a non-empty list of layers" in text and "2 of 4 spec(s) certified" in text
    assert "garbled.json: malformed JSON" in text
    assert sorted(p.name for p in out.iterdir()) == ["outer-product-3x2.cert.json", "phase-retrieval.cert.json"]
    rows = list(csv.DictReader((tmp_path / "s.csv").open()))
    assert [(Path(r["spec"]).name, r["identifiable"], r["error"][:6]) for r in rows] == [
        ("broken.json", "", "layers"), ("garbled.json", "", str(folder)[:6]), ("outer-product-3x2.json", "proved", ""),
        ("phase-retrieval.json", "proved", "")]


def test_batch_json_summary_and_options_that_belong_to_one_mode(tmp_path, capsys):
    specs = [str(p) for p in EXAMPLES[:2]]
    assert main(["certify", *specs, "--out-dir", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["exit_code"] == 0 and [r["kind"] for r in summary["rows"]] == ["conv", "conv"]
    assert main(["certify", *specs, "-o", str(tmp_path / "c.json")]) == 2
    assert "--output: is for one spec" in capsys.readouterr().err
    assert main(["certify", specs[0], "--jobs", "2", "-o", str(tmp_path / "c.json")]) == 2
    assert "--jobs: is for a batch" in capsys.readouterr().err
    assert main(["certify", *specs, "--out-dir", str(tmp_path), "--plot", str(tmp_path / "p.png")]) == 2
    assert "--plot: the specs carry no sweep values" in capsys.readouterr().err
    assert not (tmp_path / "p.png").exists()


def test_the_python_api_takes_spec_dicts_and_refuses_certificate_clashes():
    spec = json.loads((examples_dir() / "structured" / "matrix-product.json").read_text())
    result = certify_batch([spec, {**spec, "name": "other"}])
    assert [r.certificate for r in result.rows] == ["matrix-product-2x2x2.cert.json", "other.cert.json"]
    from algebra.errors import SpecError

    with pytest.raises(SpecError, match="two specs would write the same certificate"):
        certify_batch([spec, spec])


def test_the_phase_retrieval_sweep_is_reproducible_and_jumps_at_2S_minus_1(tmp_path, capsys):
    assert phase_retrieval_sweep(2, [1, 2, 3], trials=2, seed=5).items == \
        phase_retrieval_sweep(2, [1, 2, 3], trials=2, seed=5).items
    folder = tmp_path / "sweep"
    assert main(["sweep", "phase-retrieval", "--out-dir", str(folder), "--S", "2", "--m", "1..4", "--trials", "2"]) == 0
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["quantity"] == "m" and sorted(set(manifest["values"].values())) == [1, 2, 3, 4]
    capsys.readouterr()
    assert main(["certify", str(folder), "--out-dir", str(folder), "--plot", str(tmp_path / "share.png"),
                 "--summary", str(tmp_path / "s.json"), "--quiet"]) == 0
    assert (tmp_path / "share.png").read_bytes().startswith(b"\x89PNG")
    rows = json.loads((tmp_path / "s.json").read_text())["rows"]
    by_m = {}
    for r in rows:
        by_m.setdefault(r["value"], set()).add(r["identifiable"])
    # real phase retrieval: m <= 2S - 2 = 2 measurements never identify x up to sign
    assert by_m[1] == by_m[2] == {"refuted"}
    # from 2S - 1 = 3 on, x is identified when A is injective on the 3 symmetric 2x2 tensors: a
    # draw with two parallel measurements (rank 2) is not, and its certificate says so
    assert all((r["identifiable"] == "proved") == (r["rank"] == 3) for r in rows if r["value"] >= 3)
    assert by_m[4] == {"proved"} and "proved" in by_m[3]
