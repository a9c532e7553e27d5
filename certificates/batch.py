"""Certify many specs at once -- in parallel processes or on a Dask cluster -- with one summary.

:func:`certify_batch` certifies each spec in its own run (its own budget, the same seed), in
``jobs`` worker processes or, given a scheduler address, on a ``dask.distributed`` cluster (the
optional extra ``tensorlift[cluster]``). Each task is :func:`certify_task`, a pure function of
its inputs, so the same specs and seed give byte-identical certificates wherever they run. The
:class:`BatchResult` holds one row per spec (its claims' statuses, or the one-line error of a spec
that could not be certified) and the certificates' text; it writes them with the summary table
(CSV or JSON) and, for a sweep (:mod:`graphs.sweeps`), a plot of the share of each
``identifiable`` status against the varied quantity -- all through
:func:`certificates.files.write_files` (all or nothing). Its exit status is the worst of the
runs': 0 all certified, 2 a spec was bad input, 3 a bug.

Examples
--------
>>> from graphs.bundled import examples_dir
>>> result = certify_batch([examples_dir() / "structured" / "outer-product-3x2.json",
...                         examples_dir() / "conv" / "paper-scattered-123x1-10.json"])
>>> [(row.name, row.statuses["identifiable"]) for row in result.rows], result.exit_code
([('outer-product-3x2', 'proved'), ('paper-8-scattered-123x1-10', 'proved')], 0)
"""
from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

from algebra.budget import Budget
from algebra.errors import BudgetExceeded, SpecError
from algebra.limits import DEFAULT_MAX_COLUMNS, DEFAULT_SECONDS, DEFAULT_WORK
from graphs.specs import read_spec_file
from graphs.sweeps import MANIFEST, read_manifest

from .files import OutputFile

__all__ = ["BatchRow", "BatchResult", "certify_batch", "certify_task", "expand_specs", "CLUSTER_EXTRA",
           "SPEC_SUFFIXES", "CLAIM_COLUMNS"]

CLUSTER_EXTRA = "tensorlift[cluster]"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
CLAIM_COLUMNS = ("lifting-rank", "scattered", "identifiable", "stable")


@dataclass
class BatchRow:
    """One spec of a batch: where it came from, its claims' statuses (or its error), its sweep value."""

    spec: str
    name: str = ""
    kind: str = ""
    statuses: dict[str, str] = field(default_factory=dict)
    rank: Any = None
    sha256: str = ""
    certificate: str = ""
    error: str = ""
    exit_code: int = 0
    seconds: float = 0.0
    value: Any = None

    def as_dict(self) -> dict:
        out = {"spec": self.spec, "name": self.name, "kind": self.kind, "value": self.value, "rank": self.rank}
        out.update({c: self.statuses.get(c, "") for c in CLAIM_COLUMNS})
        out.update({"certificate": self.certificate, "sha256": self.sha256, "error": self.error,
                    "seconds": round(self.seconds, 3)})
        return out


def certify_task(task: Mapping) -> dict:
    """Certify one spec (a worker's whole job; pure data in, pure data out).

    ``task``: ``spec`` (a dict; the client reads the files, so a cluster's workers need none of
    them) or ``error`` (why the file could not be read), ``label``, ``seed``, ``work``, ``seconds``,
    ``max_columns``. Returns ``{"row": dict, "certificate": text or None}``; bad input and bugs
    become the row's one-line error and exit code (2 and 3), as on the command line.
    """
    from .certify import certify, dumps_certificate

    started = time.perf_counter()
    row = BatchRow(spec=str(task["label"]))
    text = None
    try:
        if task.get("error"):
            raise SpecError(task["label"], task["error"])
        spec = task["spec"]
        budget = Budget(work=task["work"], seconds=task["seconds"], max_columns=task["max_columns"])
        result = certify(spec, seed=task["seed"], budget=budget)
        text = dumps_certificate(result.document)
        row.name, row.kind = result.name, result.loaded.kind
        row.statuses = {c.id: c.status for c in result.claims}
        row.rank = next((c.value for c in result.claims if c.id == "lifting-rank" and c.value is not None), None)
        row.sha256 = result.document["network"]["sha256"]
    except (SpecError, BudgetExceeded, MemoryError) as exc:
        row.error, row.exit_code = " ".join(str(exc).split())[:300] or type(exc).__name__, 2
    except Exception as exc:  # noqa: BLE001 -- a bug of tensorlift: reported on the row, exit 3
        row.error, row.exit_code = f"internal error, please report: {type(exc).__name__}: {exc}"[:300], 3
    row.seconds = time.perf_counter() - started
    return {"row": row.__dict__, "certificate": text}


def expand_specs(paths: Sequence[str | Path]) -> tuple[list[Path], dict[str, Any], dict | None]:
    """The spec files of ``paths`` (a folder gives its spec files, sorted, recursively; certificates
    ``*.cert.json``, the sweep manifest and documents without a ``kind`` are left out), the sweep
    value of each (from a folder's ``sweep.json``) and that manifest."""
    files: list[Path] = []
    values: dict[str, Any] = {}
    manifest = None
    for given in map(Path, paths):
        if given.is_dir():
            found = read_manifest(given)
            manifest = manifest or found
            for path in sorted(given.rglob("*")):
                if (path.suffix.lower() not in SPEC_SUFFIXES or path.name.endswith(".cert.json")
                        or path.name == MANIFEST or not _has_kind(path)):
                    continue
                files.append(path)
                if found is not None and path.name in found["values"]:
                    values[str(path)] = found["values"][path.name]
        elif given.exists():
            files.append(given)
        else:
            raise SpecError(str(given), "no such file or folder")
    if not files:
        raise SpecError("spec", f"no spec files in {', '.join(map(str, paths))}")
    return files, values, manifest


def _has_kind(path: Path) -> bool:
    try:
        return "kind" in read_spec_file(path)
    except SpecError:
        return True  # keep it: certifying it reports its error on its row


@dataclass
class BatchResult:
    """The rows (in the order given), the certificates' text by row, the sweep manifest if any."""

    rows: list[BatchRow]
    certificates: list[str | None]
    manifest: dict | None = None

    @property
    def exit_code(self) -> int:
        """0 every spec certified; 2 some spec was bad input (or over budget); 3 a bug."""
        return max((row.exit_code for row in self.rows), default=0)

    def table(self) -> str:
        """The summary as aligned text, one line per spec."""
        head = ["spec", "kind"] + (["value"] if self.manifest else []) + ["rank", *CLAIM_COLUMNS]
        lines = [head]
        for r in self.rows:
            cells = [r.spec, r.kind or "-"] + ([str(r.value)] if self.manifest else []) + [str(r.rank or "-")]
            cells += [r.statuses.get(c, "-") for c in CLAIM_COLUMNS] if not r.error else [f"error: {r.error}"]
            lines.append(cells)
        full = [line for line in lines if len(line) == len(head)]  # an error row does not widen the columns
        widths = [max(len(line[i]) for line in full) for i in range(len(head))]
        return "\n".join("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)

    def _repr_html_(self) -> str:  # notebook display: the summary table
        import html

        rows = [r.as_dict() for r in self.rows]
        keys = [k for k in rows[0] if k not in ("sha256", "seconds")]
        return ("<table><tr>" + "".join(f"<th>{html.escape(k)}</th>" for k in keys) + "</tr>"
                + "".join("<tr>" + "".join(f"<td>{html.escape(str(r[k] if r[k] is not None else ''))}</td>" for k in keys)
                          + "</tr>" for r in rows) + "</table>")

    def to_csv(self) -> str:
        out = io.StringIO()
        rows = [r.as_dict() for r in self.rows]
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue()

    def to_json(self) -> str:
        return json.dumps({"sweep": self.manifest, "exit_code": self.exit_code,
                           "rows": [r.as_dict() for r in self.rows]}, indent=1) + "\n"

    def shares(self) -> list[tuple[Any, dict[str, float], int]]:
        """(value, {identifiable status: share}, count) per sweep value, in increasing order."""
        groups: dict[Any, list[str]] = {}
        for r in self.rows:
            if r.value is not None:
                groups.setdefault(r.value, []).append(r.statuses.get("identifiable", "error") if not r.error else "error")
        out = []
        for value in sorted(groups):
            statuses = groups[value]
            out.append((value, {s: statuses.count(s) / len(statuses) for s in dict.fromkeys(statuses)}, len(statuses)))
        return out

    def plot(self) -> bytes:
        """PNG: the share of each ``identifiable`` status against the sweep's quantity (stacked)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        shares = self.shares()
        if not shares:
            raise SpecError("--plot", "the specs carry no sweep values (a folder written by `tensorlift sweep` has them)")
        colours = {"proved": "#1e7b34", "refuted": "#b03a2e", "inconclusive": "#999999", "probable": "#8a6d00",
                   "numeric": "#8a6d00", "error": "#000000"}
        values = [str(v) for v, _, _ in shares]
        fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(values) + 2), 3.2))
        bottom = [0.0] * len(shares)
        for status in colours:
            heights = [s.get(status, 0.0) for _, s, _ in shares]
            if any(heights):
                ax.bar(values, heights, bottom=bottom, color=colours[status], label=f"identifiable: {status}")
                bottom = [b + h for b, h in zip(bottom, heights)]
        for i, (_, _, n) in enumerate(shares):
            ax.text(i, 1.02, f"n={n}", ha="center", fontsize=7)
        label = (self.manifest or {}).get("label") or (self.manifest or {}).get("quantity", "value")
        ax.set_xlabel(label)
        ax.set_ylabel("share of specs")
        ax.set_ylim(0, 1.12)
        ax.set_title(f"{(self.manifest or {}).get('sweep', 'sweep')}: identifiability against {label}", fontsize=9)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
        plt.close(fig)
        return buf.getvalue()

    def files(self, out_dir: str | Path, *, summary: str | Path | None = None, plot: str | Path | None = None,
              option: str = "--out-dir") -> list[OutputFile]:
        """The certificates (``<out_dir>/<spec file stem>.cert.json``), the summary (CSV, or JSON
        for a ``.json`` path) and the plot, to write with :func:`certificates.files.write_files`."""
        outputs = [OutputFile(Path(out_dir) / r.certificate, text, option)
                   for r, text in zip(self.rows, self.certificates) if text is not None]
        if summary is not None:
            text = self.to_json() if str(summary).lower().endswith(".json") else self.to_csv()
            outputs.append(OutputFile(Path(summary), text, "--summary"))
        if plot is not None:
            outputs.append(OutputFile(Path(plot), self.plot(), "--plot"))
        return outputs


def _run_local(tasks: list[dict], jobs: int) -> list[dict]:
    if jobs <= 1 or len(tasks) <= 1:
        return [certify_task(t) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        return list(pool.map(certify_task, tasks))


def _run_dask(tasks: list[dict], scheduler: Any) -> list[dict]:
    """On a dask.distributed cluster: ``scheduler`` is its address or a ``Client``."""
    try:
        from distributed import Client
    except ImportError:
        raise SpecError("--scheduler", f"dask.distributed is not installed; install the extra {CLUSTER_EXTRA}") from None
    client = scheduler if isinstance(scheduler, Client) else None
    try:
        if client is None:
            client = Client(scheduler, timeout=30)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SpecError("--scheduler", f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        futures = client.map(certify_task, tasks, pure=False)
        return client.gather(futures)
    finally:
        if client is not scheduler:
            client.close()


def certify_batch(specs: Sequence[str | Path | Mapping], *, jobs: int = 1, scheduler: Any = None, seed: int = 0,
                  work: int = DEFAULT_WORK, seconds: float = DEFAULT_SECONDS, max_columns: int = DEFAULT_MAX_COLUMNS,
                  values: Mapping[str, Any] | None = None, manifest: dict | None = None) -> BatchResult:
    """Certify every spec, each in its own run, and collect one row per spec.

    Parameters
    ----------
    specs : sequence of paths (spec files or folders) or spec dicts
        Folders are expanded (:func:`expand_specs`, their sweep manifest read).
    jobs : int
        Worker processes on this machine (1: in this process).
    scheduler : str or distributed.Client, optional
        A Dask scheduler address (``"tcp://host:8786"``) or client: the runs go to that cluster
        instead (needs ``tensorlift[cluster]``); the certificates are the same bytes.
    seed, work, seconds, max_columns
        Every run's seed and budget (:class:`algebra.budget.Budget`; the CLI's defaults).
    values, manifest : optional
        Sweep values by spec label and the sweep's manifest (read from folders when not given).
    """
    items: list[tuple[str, Any]] = []  # (label, spec dict or path)
    found_values: dict[str, Any] = {}
    for s in specs:
        if isinstance(s, Mapping):
            items.append((str(s.get("name", f"spec-{len(items)}")), dict(s)))
            continue
        files, in_folder, found = expand_specs([s])
        items += [(str(f), str(f)) for f in files]
        found_values.update(in_folder)
        manifest = manifest or found
    values = {**found_values, **(values or {})}
    names = [_certificate_name(label, spec) for label, spec in items]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise SpecError("spec", f"two specs would write the same certificate {clash}; certify them in separate runs")
    tasks = [{**_read(spec), "label": label, "seed": seed, "work": work, "seconds": seconds, "max_columns": max_columns}
             for label, spec in items]
    outcomes = _run_dask(tasks, scheduler) if scheduler is not None else _run_local(tasks, jobs)
    rows = []
    for (label, _), name, outcome in zip(items, names, outcomes):
        row = BatchRow(**outcome["row"])
        row.certificate = name if outcome["certificate"] is not None else ""
        row.value = values.get(label)
        rows.append(row)
    return BatchResult(rows, [o["certificate"] for o in outcomes], manifest)


def _read(spec: Any) -> dict:
    """``{"spec": dict}``, read here from a file, or ``{"error": why it cannot be read}``."""
    if isinstance(spec, Mapping):
        return {"spec": spec}
    try:
        return {"spec": read_spec_file(spec)}
    except SpecError as exc:
        return {"error": exc.problem}


def _certificate_name(label: str, spec: Any) -> str:
    from .certify import default_certificate_path

    return default_certificate_path(label if not isinstance(spec, Mapping) else f"{label}.json").name
