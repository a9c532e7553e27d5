"""Benchmark: certify + independent check on large conv networks and a structured product.

Run: ``python tests/benchmarks/bench_certificates.py`` or ``pytest -s tests/benchmarks/bench_certificates.py``.

Prints, for each case, the producer's time, the certificate size and the stdlib checker's time
(the checker re-runs Algorithm 8.1 in pure Python by a level-by-level DP; measured here on this
2-core machine: Haar J = 12, N = 2^14 -> certify ~5 s, 0.9 MB, check ~5 s).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

if __name__ == "__main__":  # allow running as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from certificates.certify import certify, dumps_certificate
from certificates.checker import check_certificate
from graphs.builders import chain_spec, haar_packet_tree_spec
from graphs.specs import parse_spec


def _full(rows, cols):
    return {"rows": rows, "cols": cols, "params": rows * cols,
            "entries": [[i * cols + j, i, j, 1] for i in range(rows) for j in range(cols)]}


CASES = [
    ("Haar packet tree J=10, N=2^12", lambda: haar_packet_tree_spec(10, 2 ** 12)),
    ("Haar packet tree J=12, N=2^14", lambda: haar_packet_tree_spec(12, 2 ** 14)),
    ("chain K=5, |S_e|=8, N=2^16", lambda: chain_spec([[i * 8 ** k for i in range(8)] for k in range(5)], 2 ** 16)),
    ("structured K=3 full 3x3 factors", lambda: {"kind": "structured", "layers": [_full(3, 3)] * 3}),
]


def run() -> list[tuple[str, float, int, float, int]]:
    rows = []
    for name, make in CASES:
        spec = make()
        t0 = time.perf_counter()
        doc = certify(parse_spec(spec)).document
        t_cert = time.perf_counter() - t0
        text = dumps_certificate(doc)
        t0 = time.perf_counter()
        report = check_certificate(text)
        t_check = time.perf_counter() - t0
        rows.append((name, t_cert, len(text), t_check, report.exit_code))
        print(f"{name:36s} certify {t_cert:7.2f} s   {len(text) / 1e6:6.2f} MB   check {t_check:7.2f} s   "
              f"exit {report.exit_code}  ({report.verdict})", flush=True)
    return rows


def test_bench_certificates():
    assert all(r[-1] == 0 for r in run())


if __name__ == "__main__":
    run()
