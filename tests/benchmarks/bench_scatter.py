"""Benchmark: Algorithm 8.1 by DAG dynamic programming vs the naive route, and the scatter summary.

Run: ``python tests/benchmarks/bench_scatter.py`` or ``pytest -s tests/benchmarks/bench_scatter.py``.

* Haar wavelet-packet tree, depth J = 12, N = 2^14 (4096 leaves): target < 5 s and >= 20x faster
  than the naive route. The naive route (apply the whole compiled network, every edge of every
  layer, to each leaf's Dirac; :func:`graphs.scattering.naive_scatter_vectors`) takes about a
  second per leaf here, so it is timed on a sample of leaves and extrapolated to all 4096 (the
  printout says so); the ratio is also measured in full on a depth-8 tree.
* Depth-5 chain with supports of size 8, N = 2^16 (one leaf: the DP and the naive route do the
  same work; the ratio is ~1 and printed for completeness).
* ``tensorlift scatter`` readable summary of the Haar tree J = 12, N = 2^14, whole process:
  target < 1 s. The summary streams Algorithm 8.1 once and computes only the leaves it shows;
  its peer, the old route, builds the full output table first (4096 leaves x 2^14 entries as
  Python lists) -- also measured whole-process, in the same run.
"""
from __future__ import annotations

import itertools
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":  # allow running as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from graphs.builders import chain, haar_packet_tree, haar_packet_tree_spec
from graphs.conv_spec import spec_to_json
from graphs.scattering import iter_scatter_vectors, naive_scatter_vectors

ROOT = Path(__file__).resolve().parents[2]

SAMPLE_LEAVES = 4


def _dp(net):
    start = time.perf_counter()
    worst = max(int(y.max()) for _, y in iter_scatter_vectors(net))
    return time.perf_counter() - start, worst


def _naive(net, leaves=None):
    start = time.perf_counter()
    worst = max(int(y.max()) for _, y in itertools.islice(naive_scatter_vectors(net), leaves))
    return time.perf_counter() - start, worst


def bench_haar(J: int = 12, N: int = 2 ** 14) -> dict:
    t0 = time.perf_counter()
    net = haar_packet_tree(J, N)
    build = time.perf_counter() - t0
    dp, worst = _dp(net)
    sample, _ = _naive(net, SAMPLE_LEAVES)
    naive = sample / SAMPLE_LEAVES * len(net.leaves)
    print(f"Haar packet tree J={J}, N={N}: {len(net.leaves)} leaves, {len(net.edges)} edges "
          f"(spec+validation {build:.2f} s)")
    print(f"  DP (Algorithm 8.1, shared sub-paths): {dp:.3f} s, max entry {worst} -> "
          f"{'scattered' if worst <= 1 else 'not scattered'}")
    print(f"  naive (whole network per leaf): {sample / SAMPLE_LEAVES:.3f} s/leaf on {SAMPLE_LEAVES} leaves, "
          f"extrapolated {naive:.0f} s for all leaves -> ratio {naive / dp:.0f}x (extrapolated)")
    return {"dp": dp, "naive": naive, "ratio": naive / dp, "worst": worst}


def bench_haar_full(J: int = 8, N: int = 2 ** 10) -> dict:
    net = haar_packet_tree(J, N)
    dp, worst = _dp(net)
    naive, worst2 = _naive(net)
    assert worst == worst2
    print(f"Haar packet tree J={J}, N={N} ({len(net.leaves)} leaves), both routes in full: "
          f"DP {dp:.3f} s, naive {naive:.2f} s -> ratio {naive / dp:.0f}x (measured)")
    return {"dp": dp, "naive": naive, "ratio": naive / dp}


def bench_chain(K: int = 5, size: int = 8, N: int = 2 ** 16, seed: int = 0) -> dict:
    rng = random.Random(seed)
    net = chain([rng.sample(range(N), size) for _ in range(K)], N)
    dp, worst = _dp(net)
    naive, _ = _naive(net)
    print(f"chain K={K}, |S_e|={size}, N={N} (seed {seed}): DP {dp:.4f} s, naive {naive:.4f} s -> "
          f"ratio {naive / dp:.1f}x (one leaf: same work), max entry {worst}")
    return {"dp": dp, "naive": naive, "worst": worst}


def _process_seconds(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, timeout=600)
    return time.perf_counter() - start


def bench_scatter_summary(J: int = 12, N: int = 2 ** 14, repeats: int = 3) -> dict:
    """Whole-process seconds of ``tensorlift scatter SPEC`` (best of ``repeats``) vs the old
    full-table route (best of 1: it is slow), same spec, same run."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / f"haar-J{J}.json"
        spec.write_text(spec_to_json(haar_packet_tree_spec(J, N)))
        new = min(_process_seconds([sys.executable, "-m", "certificates", "scatter", str(spec)])
                  for _ in range(repeats))
        old = _process_seconds([sys.executable, "-c", (
            "import sys; from graphs.specs import load_spec; "
            "from tests.certificates.scatter_reference import full_table_summary; "
            f"print(full_table_summary(load_spec({str(spec)!r}).network))")])
    print(f"tensorlift scatter summary, Haar J={J}, N={N}, whole process: streaming {new:.2f} s, "
          f"full-table route {old:.2f} s -> ratio {old / new:.1f}x (measured)")
    return {"new": new, "old": old, "ratio": old / new}


def test_bench_scatter_summary_under_a_second():
    r = bench_scatter_summary()
    assert r["new"] < 1.0, "target: the readable summary in under 1 s, whole process"


def test_bench_haar_depth_12():
    r = bench_haar()
    assert r["worst"] == 1
    assert r["dp"] < 5.0, "target: under 5 s"
    assert r["ratio"] >= 20, "target: >= 20x faster than the naive route"


def test_bench_haar_depth_8_full_ratio():
    assert bench_haar_full()["ratio"] >= 20


def test_bench_chain():
    r = bench_chain()
    assert r["dp"] < 5.0


if __name__ == "__main__":
    bench_haar()
    bench_haar_full()
    bench_chain()
    bench_scatter_summary()
