"""Rank of the lifting operator from random rank-1 probes (paper, Proposition 5.3).

Proposition 5.3: for R independent random h^1, ..., h^R,

    dim Span(A P(h^1), ..., A P(h^R)) = min(R, rk A)   with probability 1.

A P(h^r) = vec(M_1(h^r_1) ... M_K(h^r_K)) is just the network evaluated at h^r, so the rank is
obtained without building A at all -- useful when A has too many non-zero columns.

Two versions:

* :func:`probe_rank_exact` -- integer probes, exact rank (status ``probable``). The observed
  rank is always an exact lower bound of rk A (every probe lies in the image of A); equality
  with min(R, rk A) fails with probability at most the reported ``failure_bound``:

  Derivation (Schwartz--Zippel). Let rho = min(R, rk A) and V = [A P(h^1) ... A P(h^R)].
  Always rank V <= rho. Rank-1 tensors span the whole tensor space, so the vectors A P(h)
  span Im A and some choice h^1..h^rho makes A P(h^1), ..., A P(h^rho) independent; hence
  some rho x rho minor D of [A P(h^1) ... A P(h^rho)] is a non-zero polynomial in the
  probe coordinates. Every entry of A P(h^r) is a polynomial of total degree K in h^r
  (one factor per layer), and each term of the determinant takes one entry per column, so
  deg D <= rho K. With every coordinate drawn independently and uniformly from a set T of
  integers, Schwartz--Zippel gives Pr[D(h) = 0] <= rho K / |T|, and D(h) != 0 implies
  rank V >= rho. As rho is unknown we bound it by min(R, m n, S_1 ... S_K):

      Pr[rank V != min(R, rk A)] <= min(R, m n, S_1 ... S_K) * K / |T|.

  Default T = [-2^31, 2^31) (|T| = 2^32): below 1e-6 whenever min(R, m n) K < 4000.
* :func:`probe_rank_float` -- Gaussian probes (exactly the proposition's distribution), SVD in
  floating point, rank = number of singular values above the reported tolerance (status
  ``numeric``).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .exact import matrix_rank_witness
from .network import MultilinearMap

__all__ = ["ProbeRank", "probe_rank_exact", "probe_rank_float", "failure_bound"]

DEFAULT_SAMPLE_SIZE = 2**32


@dataclass(frozen=True)
class ProbeRank:
    """The dimension of the span of R probes A P(h^r) (Proposition 5.3).

    Attributes
    ----------
    rank : int
        dim Span(A P(h^r)); equals min(R, rk A) with the stated confidence.
    n_probes : int
        R.
    status : "probable" or "numeric"
    method : "exact-integer-probes" or "float-probes"
    seed : int
        Seed of the probes (the run is repeatable exactly).
    failure_bound : float or None
        Exact version: upper bound on Pr[rank != min(R, rk A)] (Schwartz--Zippel).
    sample_size : int or None
        Exact version: |T|, the probe coordinates are uniform in [-|T|/2, |T|/2).
    tolerance : float or None
        Float version: singular values <= tolerance count as zero.
    singular_values : tuple of float
        Float version: all singular values of the probe matrix, decreasing.
    lower_bound_proved : bool
        True for the exact version: ``rank`` <= rk A holds exactly (not just probably).
    """

    rank: int
    n_probes: int
    status: str
    method: str
    seed: int
    failure_bound: float | None = None
    sample_size: int | None = None
    tolerance: float | None = None
    singular_values: tuple[float, ...] = field(default=(), repr=False)
    lower_bound_proved: bool = False

    @property
    def rank_at_least(self) -> int:
        """A proved lower bound on rk A (0 for floating-point probes, which prove nothing)."""
        return self.rank if self.lower_bound_proved else 0


def failure_bound(net: MultilinearMap, n_probes: int, sample_size: int = DEFAULT_SAMPLE_SIZE) -> float:
    """min(R, m n, S_1...S_K) * K / |T|, capped at 1 (see the module docstring).

    >>> from algebra.network import Layer
    >>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
    >>> net = MultilinearMap([full, full])
    >>> failure_bound(net, 10, sample_size=2**10)  # min(10, 4, 16) * 2 / 1024
    0.0078125
    """
    m, n = net.shape
    rho_max = min(n_probes, m * n, math.prod(net.param_counts))
    return min(1.0, rho_max * net.K / sample_size)


def _check_probes(n_probes: int) -> None:
    if isinstance(n_probes, bool) or not isinstance(n_probes, int) or n_probes < 0:
        raise ValueError(f"n_probes must be a non-negative integer, got {n_probes!r}")


def probe_rank_exact(net: MultilinearMap, n_probes: int, *, seed: int = 0,
                     sample_size: int = DEFAULT_SAMPLE_SIZE) -> ProbeRank:
    """dim Span(A P(h^r)) for R random integer probes, in exact arithmetic.

    Parameters
    ----------
    net : MultilinearMap
    n_probes : int
        R.
    seed : int
        Seed of ``random.Random`` drawing the probe coordinates.
    sample_size : int
        |T|: coordinates are uniform in [-|T|/2, |T|/2).

    Returns
    -------
    ProbeRank
        status ``probable``; ``failure_bound`` bounds Pr[rank != min(R, rk A)]; ``rank`` <= rk A
        is exact.

    Examples
    --------
    X = H1 H2 with full 2 x 2 factors: rk A = 4 (A is onto), so 3 probes span 3 dimensions
    and 6 probes span 4.

    >>> from algebra.network import Layer
    >>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
    >>> net = MultilinearMap([full, full])
    >>> probe_rank_exact(net, 3).rank, probe_rank_exact(net, 6).rank
    (3, 4)
    >>> probe_rank_exact(net, 6).failure_bound < 1e-8
    True
    """
    _check_probes(n_probes)
    if sample_size < 1:
        raise ValueError(f"sample_size must be >= 1, got {sample_size}")
    rng = random.Random(seed)
    lo = -(sample_size // 2)
    m, n = net.shape
    columns: dict[int, dict[int, Fraction]] = {}
    for r in range(n_probes):
        h = [[lo + rng.randrange(sample_size) for _ in range(s)] for s in net.param_counts]
        X = net.evaluate_sparse(h)
        columns[r] = {i * n + j: v for i, row in X.items() for j, v in row.items()}
    rank = matrix_rank_witness(columns, m * n).rank if columns else 0
    return ProbeRank(rank=rank, n_probes=n_probes, status="probable", method="exact-integer-probes",
                     seed=seed, failure_bound=failure_bound(net, n_probes, sample_size),
                     sample_size=sample_size, lower_bound_proved=True)


def probe_rank_float(net: MultilinearMap, n_probes: int, *, seed: int = 0,
                     rtol: float | None = None) -> ProbeRank:
    """dim Span(A P(h^r)) for R Gaussian probes, by a floating-point SVD.

    Parameters
    ----------
    rtol : float, optional
        Relative tolerance; a singular value counts as non-zero when it exceeds
        ``rtol * sigma_max``. Default ``max(m n, R) * eps`` (numpy's ``matrix_rank`` rule).

    Returns
    -------
    ProbeRank
        status ``numeric``; ``tolerance`` is the absolute threshold used.

    Examples
    --------
    >>> from algebra.network import Layer
    >>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
    >>> net = MultilinearMap([full, full])
    >>> p = probe_rank_float(net, 6)
    >>> p.rank, p.status, p.tolerance < 1e-10
    (4, 'numeric', True)
    """
    _check_probes(n_probes)
    rng = np.random.default_rng(seed)
    m, n = net.shape
    V = np.zeros((m * n, n_probes))
    for r in range(n_probes):
        h = [rng.standard_normal(s) for s in net.param_counts]
        V[:, r] = np.asarray(net.evaluate_float(h), dtype=float).reshape(-1)  # row-major vec
    sv = np.linalg.svd(V, compute_uv=False) if V.size else np.zeros(0)
    if rtol is None:
        rtol = max(V.shape) * np.finfo(float).eps
    tol = float(rtol * sv[0]) if sv.size else 0.0
    rank = int(np.count_nonzero(sv > tol))
    return ProbeRank(rank=rank, n_probes=n_probes, status="numeric", method="float-probes",
                     seed=seed, tolerance=tol, singular_values=tuple(float(s) for s in sv))
