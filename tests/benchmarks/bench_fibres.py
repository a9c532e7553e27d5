"""Benchmark: the three Gröbner routes of :func:`algebra.fibres.exact_fibre` (this sets ``auto``).

Run: ``python tests/benchmarks/bench_fibres.py`` or ``make bench``.

Cases (random kernels with entries in {±1, ±2, ±3}, seed 1; closed-form counts in brackets):

* blind deconvolution, linear convolution of kernels of lengths a = b = 3..6
  [C(2a - 2, a - 1) = 6, 20, 70, 252 points], and a = 4, b = 7 [C(9, 3) = 84];
* K = 3 chains of kernels of lengths 3, 3, 3 [6! / (2! 2! 2!) = 90 points, 9 pivot strata]
  and 3, 4, 3 [7! / (2! 3! 2!) = 210];
* circular convolution on Z_4 of two length-3 kernels (wrap-around: no closed form).

For each route it prints the whole ``exact_fibre`` time and the Gröbner + normal-form part alone
(``quotient`` of the main stratum: what differs between routes; the characteristic polynomial and the real-root
isolation after it are shared code), and the ratio to the fastest route. sympy runs only up to
20 points (the lead measured 12-16 s at 70 points and > 60 s at 252).
"""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # allow running as a script from anywhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from algebra import groebner
from algebra.fibres import available_backends, exact_fibre, fibre_system
from tests.algebra.fibre_networks import circular_conv_chain, linear_conv_chain

def _kernels(lengths, seed=1):
    rng = random.Random(seed)
    return [[rng.choice([-3, -2, -1, 1, 2, 3]) for _ in range(L)] for L in lengths]


def _cases():
    # (name, network, h̄, run the sympy route?)
    for a in (3, 4, 5, 6):
        yield f"blind deconvolution a = b = {a}", linear_conv_chain([a, a]), _kernels([a, a]), a <= 4
    yield "blind deconvolution a = 4, b = 7", linear_conv_chain([4, 7]), _kernels([4, 7]), False
    yield "chain K = 3, lengths 3, 3, 3", linear_conv_chain([3, 3, 3]), _kernels([3, 3, 3]), False
    yield "chain K = 3, lengths 3, 4, 3", linear_conv_chain([3, 4, 3]), _kernels([3, 4, 3]), False
    yield "circular Z_4, lengths 3, 3", circular_conv_chain(4, [range(3), range(3)]), _kernels([3, 3]), True


def _time_quotient(net, h_bar, backend):
    polys, unknowns, _ = fibre_system(net, h_bar)
    start = time.perf_counter()
    q = groebner.quotient(backend, polys, len(unknowns))
    return time.perf_counter() - start, q.dim


def run() -> list[dict]:
    rows = []
    routes = available_backends()
    print(f"routes available: {', '.join(routes)}")
    for name, net, h_bar, with_sympy in _cases():
        times, gb_times, points = {}, {}, {}
        for backend in routes:
            if backend == "sympy" and not with_sympy:
                continue
            start = time.perf_counter()
            r = exact_fibre(net, h_bar, backend=backend)
            times[backend] = time.perf_counter() - start
            gb_times[backend] = _time_quotient(net, h_bar, backend)[0]
            points[backend] = r.points
            rows.append({"case": name, "backend": backend, "points": r.points, "real": r.real_points,
                         "seconds": times[backend], "quotient_seconds": gb_times[backend]})
        assert len(set(points.values())) == 1, f"routes disagree on {name}: {points}"
        best, best_gb = min(times.values()), min(gb_times.values())
        print(f"\n{name}: {next(iter(points.values()))} points over C")
        for backend in times:
            print(f"  {backend:9s} total {times[backend]:8.3f} s ({times[backend] / best:6.1f}x)"
                  f"   groebner+NF {gb_times[backend]:8.3f} s ({gb_times[backend] / best_gb:6.1f}x)")
    return rows


def test_bench_fibres():
    """Entry point for ``make bench``: the routes agree on every case (checked in run())."""
    run()


if __name__ == "__main__":
    run()
