"""Benchmark: whole-process ``tensorlift verify`` on honest large structured certificates.

Run: ``python tests/benchmarks/bench_checker.py`` or ``pytest -s tests/benchmarks/bench_checker.py``
(not collected by ``make test``; ``make bench`` runs it).

Random sparse structured networks (seed 0): K layers of m x m factors, S parameters per layer,
each (param, row, col) present with probability 0.3, coefficients in +-{1, 2, 3}. For each row the
certificate is produced once (``certificates.certify``), then timed as separate processes:

* ``verify`` -- ``tensorlift verify CERT`` as a user runs it: the minor eliminated modulo the
  prime its witness names, kernel checks as sparse integer products;
* ``exact`` -- the previous checker route on the same certificate, in the same run: the prime
  removed from the witness and the checker's own primes switched off, so the minor is eliminated
  exactly over Q (what the checker does for a certificate without a prime when every prime fails).

Measured on the 2-core development machine (Dec 2026, load ~2 from other jobs), seconds:

==========================  ==================  =======  ======  =====
case                        A (non-zero)        verify   exact   ratio
==========================  ==================  =======  ======  =====
K=4, m=12, S=10             144 x 10000 (10000)   1.19     6.46   5.4x
K=3, m=12, S=10             144 x 1000 (1000)     0.62     5.27   8.5x
==========================  ==================  =======  ======  =====

Before (the checker of main before the modular minors, exact Fractions throughout, the same
certificates without their prime): 15.9 s and 5.8 s (53 s and 29 s in the task's own
measurement). The exact route is faster than that old checker too, because the columns of A are
now products of integer-scaled factors; for K = 4 most of ``verify``'s remaining time is the
enumeration of the 10 000 non-zero columns (counting them for the statement), then Python's
start-up.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __name__ == "__main__":  # allow running as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from certificates.certify import certify, dumps_certificate

ROOT = Path(__file__).resolve().parents[2]
CASES = [("K=4, m=12, S=10", 4, 12, 10), ("K=3, m=12, S=10", 3, 12, 10)]
# the checker with its primes switched off: the minor is eliminated exactly over Q
EXACT = ("import sys, certificates.checker as c; c._OWN_PRIMES = (); "
         "sys.argv = ['checker', sys.argv[1]]; sys.exit(c.main())")


def random_spec(K: int, m: int, S: int, seed: int = 0) -> dict:
    rng = random.Random(seed)
    layers = []
    for _ in range(K):
        entries = [[p, r, c, rng.choice([1, -1, 2, -2, 3, -3])]
                   for p in range(S) for r in range(m) for c in range(m) if rng.random() < 0.3]
        layers.append({"rows": m, "cols": m, "params": S, "entries": entries})
    return {"kind": "structured", "name": f"random-K{K}-m{m}-S{S}", "layers": layers}


def _timed(argv) -> tuple[float, int, str]:
    t0 = time.perf_counter()
    out = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - t0, out.returncode, out.stdout.strip()


def run() -> list[tuple]:
    rows = []
    folder = Path(tempfile.mkdtemp())
    for name, K, m, S in CASES:
        doc = certify(random_spec(K, m, S)).document
        rank = doc["claims"][0]
        cert = folder / f"{name}.cert.json"
        cert.write_text(dumps_certificate(doc))
        without = json.loads(json.dumps(doc))
        without["claims"][0]["witness"]["minor"].pop("prime", None)
        bare = folder / f"{name}.noprime.cert.json"
        bare.write_text(dumps_certificate(without))
        verify = _timed([str(Path(sys.executable).parent / "tensorlift"), "verify", str(cert)])
        exact = _timed([sys.executable, "-c", EXACT, str(bare)])
        rows.append((name, rank["statement"], verify, exact))
        print(f"{name:18s} {rank['status']} rank {rank.get('value')}: verify {verify[0]:6.2f} s (exit {verify[1]}), "
              f"exact {exact[0]:6.2f} s (exit {exact[1]}), ratio {exact[0] / verify[0]:5.1f}x", flush=True)
    return rows


def test_bench_checker():
    for name, _, verify, exact in run():
        assert verify[1] == exact[1] == 0, (name, verify, exact)


if __name__ == "__main__":
    run()
