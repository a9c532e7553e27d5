"""sigma_min: the smallest non-zero singular value of the lifting operator A (paper, section 7).

The stability bounds of section 7 (Theorems 7.2-7.3; Proposition 8.3 gives sigma_min = sqrt(N)
for a single-path convolutional network) divide by sigma_min, the smallest *non-zero* singular
value of A. It is computed numerically -- the result is a ``numeric`` claim -- together with
the tolerance that separated "non-zero" from "zero".

Zero columns of A only add zero singular values, so only the non-zero columns are used.
Routes (one dispatch in :func:`sigma_min`):

* ``dense-svd`` when rows x non-zero columns <= ``MAX_SVD_CELLS`` entries (:mod:`algebra.limits`): ``numpy.linalg.svd``;
  zero threshold ``rtol * sigma_max`` with numpy's ``matrix_rank`` default
  ``rtol = max(shape) * eps``.
* ``gram-eigh`` for bigger A whose smaller side s is at most ``MAX_SVD_GRAM_SIDE``: the s x s Gram
  matrix (A A^T or A^T A) from a scipy sparse product, ``numpy.linalg.eigvalsh``,
  sigma = sqrt(lambda). Squaring costs half the digits: eigenvalue errors are about
  s eps sigma_max^2, so the zero threshold on sigma is ``sqrt(s * eps) * sigma_max * 10``.

If the exact rank r is known (from :func:`algebra.exact.rank_witness`), pass ``rank=r``:
sigma_min is then the r-th largest singular value and no threshold decides anything; the
tolerance is still reported with ``consistent`` telling whether that value clears it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Mapping

import numpy as np

from .budget import Budget
from .errors import BudgetExceeded
from .limits import MAX_SVD_CELLS, MAX_SVD_GRAM_SIDE

__all__ = ["SigmaMin", "sigma_min"]


@dataclass(frozen=True)
class SigmaMin:
    """Smallest non-zero singular value of A, with the evidence behind "non-zero".

    Attributes
    ----------
    value : float or None
        sigma_min (None when A = 0: no non-zero singular value).
    tolerance : float
        Singular values <= tolerance are treated as zero.
    numeric_rank : int
        Number of singular values above ``tolerance``.
    sigma_max : float
    method : "dense-svd" or "gram-eigh"
    rank_source : "tolerance" or "exact"
        Whether the rank used to pick sigma_min came from the tolerance or was given exactly.
    consistent : bool
        With an exact rank: value > tolerance and the next one <= tolerance (else False).
    status : str
        Always ``"numeric"``.
    singular_values : tuple of float
        All computed singular values of the non-zero columns, decreasing.
    """

    value: float | None
    tolerance: float
    numeric_rank: int
    sigma_max: float
    method: str
    rank_source: str
    consistent: bool = True
    status: str = "numeric"
    singular_values: tuple[float, ...] = field(default=(), repr=False)


def _matrix(columns: Mapping[Hashable, Mapping[int, object]], n_rows: int):
    import scipy.sparse as sp

    data, rows, cols = [], [], []
    j = 0
    for col in columns.values():
        entries = [(r, float(v)) for r, v in col.items() if v]
        if not entries:
            continue
        for r, v in entries:
            rows.append(r)
            cols.append(j)
            data.append(v)
        j += 1
    return sp.csr_matrix((data, (rows, cols)), shape=(n_rows, j))


# float64 multiply-adds of an SVD / eigendecomposition per work unit (~1 us, LAPACK)
FLOPS_PER_UNIT = 1000


def sigma_min(A, *, n_rows: int | None = None, rank: int | None = None,
              rtol: float | None = None, method: str | None = None, budget: Budget | None = None) -> SigmaMin:
    """The smallest non-zero singular value of A, numerically.

    Parameters
    ----------
    A : LiftingOperator or mapping
        A lifting operator, or columns {key: {row: value}} (then give ``n_rows``).
    rank : int, optional
        The exact rank of A, if known; sigma_min is then the rank-th largest singular value.
    rtol : float, optional
        Relative zero threshold (default: see the module docstring, per method).
    method : {"dense-svd", "gram-eigh"}, optional
        Force a route (default: dense up to ``MAX_SVD_CELLS`` entries).
    budget : Budget, optional
        Charged before the factorisation (default :meth:`Budget.default`).

    Returns
    -------
    SigmaMin

    Raises
    ------
    BudgetExceeded
        A is too big on both sides for either route.

    Examples
    --------
    X = H1 H2 with full 2 x 2 factors: column ((i,k),(k,j)) of A is e_(i,j), every e_(i,j)
    appears twice, so A A^T = 2 I and every singular value is sqrt(2).

    >>> from algebra.network import Layer, MultilinearMap
    >>> from algebra.lifting import lifting_operator
    >>> full = Layer(2, 2, 4, [(2 * i + j, i, j, 1) for i in range(2) for j in range(2)])
    >>> s = sigma_min(lifting_operator(MultilinearMap([full, full])))
    >>> round(s.value ** 2, 12), s.numeric_rank, s.method
    (2.0, 4, 'dense-svd')
    """
    if hasattr(A, "columns") and hasattr(A, "n_rows"):
        columns, n_rows = A.columns, A.n_rows
    else:
        if n_rows is None:
            raise ValueError("give n_rows with a columns mapping")
        columns = A
    M = _matrix(columns, n_rows)
    n_r, n_c = M.shape
    small = min(n_r, n_c)
    if method is None:
        if n_r * n_c <= MAX_SVD_CELLS:
            method = "dense-svd"
        elif small <= MAX_SVD_GRAM_SIDE:
            method = "gram-eigh"
        else:
            raise BudgetExceeded(f"A is {n_r} x {n_c} (non-zero columns): too big for a dense SVD "
                                 f"and its smaller side exceeds {MAX_SVD_GRAM_SIDE} for a Gram matrix")
    budget = budget if budget is not None else Budget.default()
    budget.charge(M.nnz + (n_r * n_c * small if method == "dense-svd" else small ** 3) // FLOPS_PER_UNIT,
                  "sigma_min")
    eps = np.finfo(float).eps
    if small == 0:
        sv = np.zeros(0)
    elif method == "dense-svd":
        sv = np.linalg.svd(M.toarray(), compute_uv=False)
    elif method == "gram-eigh":
        G = (M @ M.T) if n_r <= n_c else (M.T @ M)
        lam = np.linalg.eigvalsh(G.toarray())[::-1]
        sv = np.sqrt(np.clip(lam, 0.0, None))
    else:
        raise ValueError(f"method must be 'dense-svd' or 'gram-eigh', got {method!r}")
    if rtol is None:
        rtol = max(n_r, n_c) * eps if method == "dense-svd" else 10 * math.sqrt(max(small, 1) * eps)
    smax = float(sv[0]) if sv.size else 0.0
    tol = float(rtol * smax)
    numeric_rank = int(np.count_nonzero(sv > tol))
    if rank is None:
        r, source, consistent = numeric_rank, "tolerance", True
    else:
        if not 0 <= rank <= small:
            raise ValueError(f"rank {rank} is impossible for a {n_r} x {n_c} matrix of non-zero columns")
        r, source = rank, "exact"
        consistent = numeric_rank == rank
    value = float(sv[r - 1]) if r > 0 else None
    return SigmaMin(value=value, tolerance=tol, numeric_rank=numeric_rank, sigma_max=smax,
                    method=method, rank_source=source, consistent=consistent,
                    singular_values=tuple(float(s) for s in sv))
