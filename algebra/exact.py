"""Exact rank over Q with re-checkable witnesses (paper, Corollary 5.2 and section 6).

The rank of the lifting operator A decides identifiability questions (Ker A = {0} proves
identifiability, Proposition 6.3; Theorem 6.5 compares rk A with Segre dimensions), so a
``proved`` rank comes with two witnesses that anybody can re-check by multiplying and
comparing rationals:

* **rank >= r**: row and column indices of an r x r minor with non-zero determinant;
* **rank <= r**: a basis of the left kernel (``n_rows - r`` vectors) or of the right kernel of
  the non-zero columns (``nonzero_columns - r`` vectors), whichever is smaller. Each vector has
  a 1 at its own *free* coordinate (a row, resp. a column, outside the minor) and 0 at every
  other free coordinate, so the vectors are evidently independent. Zero columns of A are in the
  right kernel as unit vectors; they are implicit and never listed.

Route (:func:`rank_witness`, ``method="flint-modular"``). Measured on an 81 x 2401 lifting
operator: sympy ``DomainMatrix`` over QQ 21 s, python-flint ``fmpq_mat.rank`` 3 s, ``nmod_mat``
rank modulo a word-size prime 0.025 s. So:

1. clear denominators column by column (an invertible column scaling keeps the rank, the
   non-singular minors and the left kernel) into a numpy integer array -- directly from the
   integer form of a lifting operator built by :func:`algebra.lifting_int.lifting_operator_int`,
   without ever making Fractions;
2. reduce modulo a seeded random prime p ~ 2^62 and take the reduced row echelon form: its
   pivot columns C and then the pivot rows R of A[:, C] give an r x r minor that is
   non-singular mod p, hence its integer determinant is non-zero -- rank >= r over Q. The
   pivots are those of the echelon form of all of A, but found without handing all of A to
   flint: columns proportional to earlier ones are skipped, and the scan runs in growing
   blocks that stop at rank n_rows (:func:`_column_pivots`);
3. solve exactly over Q with that minor (``fmpz_mat.solve``) for the canonical kernel basis on
   the smaller side and check *exactly* that every vector is in the kernel -- rank <= r. If the
   check fails, p was unlucky (rank mod p < rank over Q): retry with the next seeded prime.

The result is deterministic (the primes come from ``random.Random(seed)``; the prime used is
recorded) and canonical (given the minor, the kernel basis normalised to 1 on the free
coordinates is unique; vectors are ordered by free coordinate, entries by key).

:func:`lifting_rank_decision` answers the question ``lifting-rank`` with a
:class:`~algebra.decision.Decision` whose witness has the certificate's shape
(``docs/certificate-format.md``: a minor and the kernel vectors).

``method="sympy"`` is an independent reference route (``DomainMatrix`` over QQ, no primes)
used to cross-check the fast route in the tests. :func:`check_rank_witness` re-verifies any
witness exactly without re-running either route: the minor's determinant modulo a prime of its
own (non-zero there proves it non-zero; the exact determinant only when it is 0 there) and one
exact integer product per block of kernel vectors, all in C (python-flint), so the producer's
self-check of a 900 x 900 minor takes a fraction of a second instead of a pure-Python
determinant's minutes (tests/benchmarks/bench_operators.py). :func:`bareiss_determinant`
stays as a pure-Python exact determinant for small matrices.
"""
from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Hashable, Iterable, Mapping, Sequence

import numpy as np

from .budget import Budget
from .decision import Decision
from .errors import BudgetExceeded, InternalError, WitnessCheckFailed
from .limits import CHECK_BLOCK_CELLS, MAX_DENSE_CELLS, RANK_BLOCK_CELLS
from .modular import certifying_prime
from .rational import clearing_units, count_text, fraction_to_str

__all__ = [
    "RankWitness",
    "lifting_rank_decision",
    "max_dense_columns",
    "RANK_PHASE",
    "WitnessCheckFailed",
    "rank_witness",
    "matrix_rank_witness",
    "modular_rank",
    "check_rank_witness",
    "bareiss_determinant",
    "witness_to_json",
    "witness_from_json",
    "METHODS",
]

METHODS = ("flint-modular", "sympy")
_MAX_PRIMES = 8  # each unlucky prime has probability < r*log2(max minor)/2^61; 8 is plenty
RANK_PHASE = "exact rank"
# Work units of one rank: n_nonzero x n_rows x r cells of elimination, about this many per unit
# with flint (the 144 x 10000 operator of a 4-layer 12 x 12 network: 0.5 s); sympy's
# DomainMatrix over QQ is ~100 times slower (the module docstring's measurements).
FLINT_CELLS_PER_UNIT = 400
SYMPY_CELLS_PER_UNIT = 4


@dataclass(frozen=True)
class RankWitness:
    """rank(A) = ``rank`` over Q, with a lower-bound and an upper-bound witness.

    Attributes
    ----------
    rank : int
    n_rows, n_cols : int
        Shape of A (for a lifting operator ``n_cols`` = S_1 ... S_K, zero columns included).
    minor_rows : tuple of int
        Rows of an ``rank x rank`` minor with non-zero determinant (increasing).
    minor_cols : tuple
        Column keys of that minor, in column order (index tuples for a lifting operator, the
        mapping's keys -- plain ints -- for a generic matrix).
    kernel_side : "left" or "right"
        ``"left"``: ``kernel`` holds ``n_rows - rank`` vectors y ({row: Fraction}) with
        y^T A = 0. ``"right"``: ``kernel`` holds ``nonzero_columns - rank`` vectors x
        ({column key: Fraction}) with A x = 0, spanning the kernel of the non-zero columns;
        the zero columns of A are in the kernel as unit vectors and are not listed.
    kernel : tuple of dict
        Each vector is 1 at its own free coordinate (a row / non-zero column outside the minor)
        and 0 at every other free coordinate; vectors are ordered by free coordinate.
    method : str
        ``"flint-modular"`` or ``"sympy"``.
    prime : int or None
        The prime of the modular route (None for ``"sympy"``).
    nonzero_columns : int or None
        Number of non-zero columns of A.
    """

    rank: int
    n_rows: int
    n_cols: int
    minor_rows: tuple[int, ...]
    minor_cols: tuple
    kernel_side: str
    kernel: tuple[Mapping[Any, Fraction], ...] = field(repr=False)
    method: str
    prime: int | None = None
    nonzero_columns: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready form (:func:`witness_to_json`)."""
        return witness_to_json(self)

    @property
    def free_coordinates(self) -> tuple:
        """The free coordinate (where the vector is 1 and the others are 0) of each vector."""
        pivots = set(self.minor_rows if self.kernel_side == "left" else self.minor_cols)
        out = []
        for vec in self.kernel:
            out.append(next(k for k, v in vec.items() if k not in pivots))
        return tuple(out)


# ---------------------------------------------------------------------------------------------
# Preparing the matrix: non-zero columns, integer scaling
# ---------------------------------------------------------------------------------------------


def _nonzero_columns(columns: Mapping[Hashable, Mapping[int, Fraction]]) -> tuple[list, list[dict[int, Fraction]]]:
    keys, cols = [], []
    for key, col in columns.items():
        # lifting operators already hold non-zero Fractions: skip the (slow) re-conversion
        if not all(type(v) is Fraction and v for v in col.values()):
            col = {int(r): Fraction(v) for r, v in col.items() if v}
        if col:
            keys.append(key)
            cols.append(col)
    return keys, cols


def _check_row_range(cols: Sequence[Mapping[int, Fraction]], n_rows: int) -> None:
    for col in cols:
        if min(col) < 0 or max(col) >= n_rows:
            bad = next(r for r in col if not 0 <= r < n_rows)
            raise ValueError(f"row index {bad} out of range for {n_rows} rows")


def _integer_matrix(columns: Mapping[Hashable, Mapping[int, Fraction]], n_rows: int):
    """(keys, At, d): the non-zero columns of A as the rows of an integer numpy array.

    Row j of ``At`` is column j of A_int = A diag(d), d_j the lcm of the denominators of
    column j: an invertible column scaling keeps the rank, the non-singular minors and the left
    kernel. dtype int64 when every entry is below 2^62 in absolute value, else object (Python
    integers). A lifting operator from :func:`algebra.lifting_int.lifting_operator_int`
    already holds A = P / D with P integer: then no Fraction is ever built (they cost more
    than the whole rank computation, tests/benchmarks/bench_lifting_rank.py).
    """
    from .lifting_int import IntegerColumns

    if isinstance(columns, IntegerColumns):
        P, D = columns.integers, columns.denominator
        if P.shape[1] != n_rows:
            raise ValueError(f"the columns have {P.shape[1]} rows, expected {n_rows}")
        if P.dtype != object and D < 2**62 and (not P.size or -2**62 < P.min() and P.max() < 2**62):
            # P[j] / D in lowest terms has denominator D / gcd(D, P[j]) for every entry: their
            # lcm is d_j = D / g_j with g_j = gcd(D, all of P[j]), and A_int[j] = P[j] / g_j
            g = np.gcd(np.gcd.reduce(P, axis=1), D)
            return list(columns), P // g[:, None], (D // g).tolist()
        keys = list(columns)
        rows, scales = [], []
        for row in P.tolist():
            g = math.gcd(D, *row)
            rows.append([x // g for x in row])
            scales.append(D // g)
    else:
        keys, cols = _nonzero_columns(columns)
        _check_row_range(cols, n_rows)
        rows, scales = [], []
        for col in cols:
            d = math.lcm(*[v.denominator for v in col.values()])
            row = [0] * n_rows
            if d == 1:
                for r, v in col.items():
                    row[r] = v.numerator
            else:
                for r, v in col.items():
                    row[r] = v.numerator * (d // v.denominator)
            rows.append(row)
            scales.append(d)
    try:
        At = np.array(rows, dtype=np.int64).reshape(len(rows), n_rows)
        if At.size and not (-2**62 < At.min() and At.max() < 2**62):
            raise OverflowError
    except OverflowError:  # keep the headroom int64 needs below (negation, abs)
        At = np.array(rows, dtype=object).reshape(len(rows), n_rows)
    return keys, At, scales


def _fmpz(rows) -> Any:
    """A 2-d integer numpy array as a flint ``fmpz_mat`` (entry by entry: ~0.15 us each)."""
    import flint

    return flint.fmpz_mat(rows.shape[0], rows.shape[1], rows.ravel().tolist())


# ---------------------------------------------------------------------------------------------
# The fast route: modular pivots + exact kernel over Q (python-flint)
# ---------------------------------------------------------------------------------------------


def _primes(seed: int):
    """Deterministic sequence of random primes in [2^61, 2^62) (word size for nmod_mat)."""
    import flint

    rng = random.Random(seed)
    while True:
        x = rng.randrange(2**61, 2**62) | 1
        while not flint.fmpz(x).is_prime():
            x += 2
        yield x


def _pivots(M) -> list[int]:
    """Pivot columns (greedy, left to right) of an nmod_mat, from its reduced echelon form."""
    if M.nrows() == 0 or M.ncols() == 0:
        return []
    E, r = M.rref()
    pivots = []
    j = 0
    for i in range(r):  # rref: row i's leading 1 is right of row i-1's
        while int(E[i, j]) == 0:
            j += 1
        pivots.append(j)
        j += 1
    return pivots


def _first_of_proportional(At, p: int):
    """Increasing indices of the first row of ``At`` in each class of proportional rows.

    Only when every entry is below p in absolute value (then no row vanishes modulo p);
    otherwise all rows. The rows are made primitive (first entry > 0) a block of
    :data:`~algebra.limits.RANK_BLOCK_CELLS` entries at a time and only a hash of each is kept
    (a match is re-checked on the rows themselves), so the memory added to ``At``'s is a block's.
    """
    n = At.shape[0]
    if At.dtype == object or n == 0 or max(int(At.max()), -int(At.min())) >= p:
        return np.arange(n)

    def primitive(block):
        prim = block // np.gcd.reduce(block, axis=1)[:, None]  # rows are non-zero: gcd > 0
        prim *= np.sign(prim[np.arange(len(prim)), (prim != 0).argmax(axis=1)])[:, None]  # first entry > 0
        return prim

    first: list[int] = []
    seen: dict[int, list[int]] = {}  # hash of a primitive row -> the first rows of its classes
    step = max(1, RANK_BLOCK_CELLS // At.shape[1])
    for start in range(0, n, step):
        for j, row in enumerate(primitive(At[start:start + step]), start):
            bucket = seen.setdefault(hash(row.tobytes()), [])
            if not any(np.array_equal(primitive(At[i:i + 1])[0], row) for i in bucket):
                bucket.append(j)
                first.append(j)
    return np.array(first, dtype=np.intp)


def _column_pivots(At, p: int):
    """Greedy pivot columns of A_int modulo p, as the reduced echelon form of all of A_int gives.

    Returns (C, reps): ``reps`` are the first columns of the classes of proportional columns.
    Converting all of A_int to flint costs more than the rank itself, so two exact shortcuts
    avoid most of it:

    * a column proportional over Q to an earlier one is a multiple of it mod p too (the earlier
      one is non-zero mod p when its entries are below p), so it is never a pivot and adds
      nothing to the span of the columns before later ones: only ``reps`` are reduced
      (conv-like operators have few classes);
    * column j is a pivot iff it is not in the span (mod p) of the columns before it. So the
      columns are reduced in growing blocks, each together with the pivots found so far (which
      span all the columns before it), and the scan stops when the rank reaches n_rows -- on
      16 x 4096 lifting operators of rank 16 after ~500 columns.
    """
    import flint

    n_rows = At.shape[1]
    reps = _first_of_proportional(At, p)
    C: list[int] = []
    start, size = 0, 4 * n_rows
    while start < len(reps) and len(C) < n_rows:
        block = C + reps[start:start + size].tolist()
        C = [block[c] for c in _pivots(flint.nmod_mat(_fmpz(At[block]), p).transpose())]
        start, size = start + size, 2 * size
    return C, reps


def _flint_attempt(At, scales: list[int], keys: list, p: int, side: str | None):
    """One modular attempt; returns (R, C, kernel, side) or None if p was unlucky.

    ``At`` is A_int^T (see :func:`_integer_matrix`); every reduction mod p happens in C.
    """
    import flint

    n, n_rows = At.shape
    C, reps = _column_pivots(At, p)
    r = len(C)
    # pivot rows: pivot columns of A[:, C]^T = the rows C of A_int^T
    sub_t = At[C].ravel().tolist()
    R = _pivots(flint.nmod_mat(r, n_rows, sub_t, p)) if r else []
    if len(R) != r:
        raise InternalError("rank of A[:, C] mod p must be r")
    if side is None:
        side = "left" if n_rows - r <= n - r else "right"
    if r == 0:
        return None  # a non-zero column exists, so rank >= 1 over Q: p divides it
    B = flint.fmpz_mat(r, r, [sub_t[k * n_rows + i] for i in R for k in range(r)])
    if side == "left":
        Rset = set(R)
        free = [i for i in range(n_rows) if i not in Rset]
        if not free:
            return R, C, (), side
        # B^T Y = -A[free, C]^T  (r x |free|)
        rhs = flint.fmpz_mat(r, len(free), [-sub_t[k * n_rows + f] for k in range(r) for f in free])
        Y = B.transpose().solve(rhs)
        # exact check, in integers: row t of Yfull is den_t * (y_t on R, 1 at free[t]); all of
        # Yfull * A_int must vanish. One fmpz_mat product in C over the columns ``reps``: the
        # other non-zero columns are rational multiples of those (see _column_pivots).
        full = [0] * (len(free) * n_rows)
        for t, f in enumerate(free):
            den = math.lcm(*[int(Y[i, t].q) for i in range(r)])
            for i in range(r):
                q = Y[i, t]
                full[t * n_rows + R[i]] = int(q.p) * (den // int(q.q))
            full[t * n_rows + f] = den
        if not (flint.fmpz_mat(len(free), n_rows, full) * _fmpz(At[reps].T)).is_zero():
            return None
        kernel = []
        for t, f in enumerate(free):
            vec = {f: Fraction(1)}
            for i in range(r):
                q = Y[i, t]
                if q != 0:
                    vec[R[i]] = Fraction(int(q.p), int(q.q))
            kernel.append(dict(sorted(vec.items())))
        return R, C, tuple(kernel), side
    # right side: for every free (non-zero, non-pivot) column f, solve B X = -A_int[R, f]
    Cset = set(C)
    free = [j for j in range(n) if j not in Cset]
    if not free:
        return R, C, (), side
    A_free = At[free]
    rhs = _fmpz(-A_free[:, R].T)
    X = B.solve(rhs)
    dens = [math.lcm(*[int(X[i, t].q) for i in range(r)]) for t in range(len(free))]
    Xnum = flint.fmpz_mat(r, len(free), [int(X[i, t].p) * (dens[t] // int(X[i, t].q))
                                          for i in range(r) for t in range(len(free))])
    A_C = flint.fmpz_mat(r, n_rows, sub_t).transpose()
    A_F = flint.fmpz_mat(len(free), n_rows, [x * dens[t] for t, row in enumerate(A_free.tolist())
                                             for x in row]).transpose()
    if not (A_C * Xnum + A_F).is_zero():
        return None
    kernel = []
    for t, f in enumerate(free):
        # A_int x_int = 0 with x_int[f] = 1  =>  x_A = diag(d) x_int, normalised to x_A[f] = 1
        vec = {keys[f]: Fraction(1)}
        for i in range(r):
            q = X[i, t]
            if q != 0:
                vec[keys[C[i]]] = Fraction(int(q.p), int(q.q)) * scales[C[i]] / scales[f]
        kernel.append(vec)
    return R, C, tuple(_sort_by_column(kernel, keys)), side


def _sort_by_column(kernel: Iterable[dict], keys: list) -> list[dict]:
    order = {k: i for i, k in enumerate(keys)}
    return [dict(sorted(v.items(), key=lambda kv: order[kv[0]])) for v in kernel]


# ---------------------------------------------------------------------------------------------
# The reference route: sympy DomainMatrix over QQ
# ---------------------------------------------------------------------------------------------


def _sympy_route(n_rows: int, cols: list[dict[int, Fraction]], keys: list, side: str | None):
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    n = len(cols)
    rows: dict[int, dict[int, Any]] = {}
    for j, col in enumerate(cols):
        for i, v in col.items():
            rows.setdefault(i, {})[j] = QQ(v.numerator, v.denominator)
    A = DomainMatrix(rows, (n_rows, n), QQ)
    _, C = A.rref()
    C = list(C)
    r = len(C)
    if r:
        sub_t = DomainMatrix({k: {i: QQ(v.numerator, v.denominator) for i, v in cols[c].items()}
                              for k, c in enumerate(C)}, (r, n_rows), QQ)
        _, R = sub_t.rref()
        R = list(R)
    else:
        R = []
    if side is None:
        side = "left" if n_rows - r <= n - r else "right"
    dense = A.to_dense()
    if r:
        B = DomainMatrix([[dense[i, c].element for c in C] for i in R], (r, r), QQ)
    if side == "left":
        free = [i for i in range(n_rows) if i not in set(R)]
        if not free:
            return R, C, (), side
        if r:
            rhs = DomainMatrix([[-dense[f, c].element for f in free] for c in C], (r, len(free)), QQ)
            Y = B.transpose().lu_solve(rhs).to_Matrix()
        kernel = []
        for t, f in enumerate(free):
            vec = {f: Fraction(1)}
            for i in range(r):
                q = Y[i, t]
                if q != 0:
                    vec[R[i]] = Fraction(int(q.p), int(q.q))
            kernel.append(dict(sorted(vec.items())))
        return R, C, tuple(kernel), side
    Cset = set(C)
    free = [j for j in range(n) if j not in Cset]
    if not free:
        return R, C, (), side
    rhs = DomainMatrix([[-dense[i, f].element for f in free] for i in R], (r, len(free)), QQ)
    X = B.lu_solve(rhs).to_Matrix()
    kernel = []
    for t, f in enumerate(free):
        vec = {keys[f]: Fraction(1)}
        for i in range(r):
            q = X[i, t]
            if q != 0:
                vec[keys[C[i]]] = Fraction(int(q.p), int(q.q))
        kernel.append(vec)
    return R, C, tuple(_sort_by_column(kernel, keys)), side


# ---------------------------------------------------------------------------------------------
# Public entry points
# ---------------------------------------------------------------------------------------------


def _flint_available() -> bool:
    try:
        import flint  # noqa: F401
    except ImportError:
        return False
    return True


def max_dense_columns(n_rows: int) -> int:
    """The most non-zero columns of an ``n_rows``-row matrix whose exact rank :func:`rank_witness`
    computes: the modular route holds a dense (columns x rows) integer matrix of at most
    :data:`~algebra.limits.MAX_DENSE_CELLS` entries.

    >>> max_dense_columns(10**6)
    100
    """
    return max(1, MAX_DENSE_CELLS // max(n_rows, 1))


def _count_nonzero(columns: Mapping[Hashable, Mapping[int, Fraction]]) -> int:
    from .lifting_int import IntegerColumns

    # an IntegerColumns view holds non-zero columns only: counting them must not build its Fractions
    return len(columns) if isinstance(columns, IntegerColumns) else sum(1 for col in columns.values() if col)


def _witness(columns: Mapping[Hashable, Mapping[int, Fraction]], n_rows: int, n_cols: int,
             method: str | None, seed: int, side: str | None, budget: Budget | None) -> RankWitness:
    if side not in (None, "left", "right"):
        raise ValueError(f"side must be 'left', 'right' or None, got {side!r}")
    budget = budget if budget is not None else Budget.default()
    if method is None:
        # one dispatch point: flint when installed (>= 100x faster, same exact result)
        method = "flint-modular" if _flint_available() else "sympy"
    n_nonzero = _count_nonzero(columns)
    cells = n_nonzero * n_rows * min(n_nonzero, n_rows)
    if method == "sympy":
        budget.charge(cells // SYMPY_CELLS_PER_UNIT, RANK_PHASE)
        keys, cols = _nonzero_columns(columns)
        _check_row_range(cols, n_rows)
        with budget.alarm(RANK_PHASE):
            R, C, kernel, side = _sympy_route(n_rows, cols, keys, side)
        prime = None
    elif method == "flint-modular":
        if n_nonzero > max_dense_columns(n_rows):
            raise BudgetExceeded(
                f"A has {n_nonzero} non-zero columns of {n_rows} rows: the exact rank would need a dense "
                f"{n_nonzero} x {n_rows} integer matrix (> {MAX_DENSE_CELLS} entries); use the probes of "
                "Proposition 5.3 (algebra.probes) instead", phase=RANK_PHASE)
        budget.charge(cells // FLINT_CELLS_PER_UNIT, RANK_PHASE)
        from .lifting_int import IntegerColumns

        if not isinstance(columns, IntegerColumns):  # clearing the denominators column by column: by the digits
            budget.charge(sum(clearing_units(col.values()) for col in columns.values()), RANK_PHASE)
        keys, At, scales = _integer_matrix(columns, n_rows)
        if not keys:
            # no non-zero column: rank 0; the left kernel is every row, the right one is empty
            R, C, prime = [], [], None
            side = side or ("left" if n_rows == 0 else "right")
            kernel = tuple({i: Fraction(1)} for i in range(n_rows)) if side == "left" else ()
        else:
            primes = _primes(seed)
            with budget.alarm(RANK_PHASE):
                for _ in range(_MAX_PRIMES):
                    prime = next(primes)
                    attempt = _flint_attempt(At, scales, keys, prime, side)
                    if attempt is not None:
                        R, C, kernel, side = attempt
                        break
                    budget.charge(cells // FLINT_CELLS_PER_UNIT, RANK_PHASE)  # an unlucky prime: again
                else:  # pragma: no cover - probability < 2^-400
                    raise InternalError(f"{_MAX_PRIMES} unlucky primes in a row (seed {seed})")
    else:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    return RankWitness(
        rank=len(C), n_rows=n_rows, n_cols=n_cols,
        minor_rows=tuple(R), minor_cols=tuple(keys[c] for c in C),
        kernel_side=side, kernel=kernel, method=method, prime=prime,
        nonzero_columns=len(keys),
    )


def rank_witness(A, *, method: str | None = None, seed: int = 0, side: str | None = None,
                 budget: Budget | None = None) -> RankWitness:
    """Exact rank of a lifting operator A over Q, with minor and kernel witnesses.

    Parameters
    ----------
    A : LiftingOperator
        Stored by its non-zero columns (``A.columns``: index tuple -> {row: Fraction}).
    method : {"flint-modular", "sympy"}, optional
        Default: ``"flint-modular"`` when python-flint is installed, else ``"sympy"``.
    seed : int
        Seed of the random primes of the modular route (recorded via ``prime``).
    side : {"left", "right"}, optional
        Force the kernel side; default: the side with fewer vectors.
    budget : Budget, optional
        Charged before the elimination (default :meth:`Budget.default`); the dense integer
        matrix of the modular route is bounded by :func:`max_dense_columns` first.

    Raises
    ------
    BudgetExceeded
        The budget, or the dense-matrix bound, is reached.

    Returns
    -------
    RankWitness
        ``minor_cols`` are index tuples; a right kernel is keyed by index tuples.

    Examples
    --------
    K = 2, M_1(h_1) = [h_1[0], h_1[1]] (1 x 2), M_2(h_2) = [[h_2[0]], [h_2[0]]] (2 x 1):
    X = (h_1[0] + h_1[1]) h_2[0], so A = [1, 1] on columns (0, 0), (1, 0) and rank 1.

    >>> from algebra.network import Layer, MultilinearMap
    >>> from algebra.lifting import lifting_operator
    >>> net = MultilinearMap([Layer(1, 2, 2, [(0, 0, 0, 1), (1, 0, 1, 1)]),
    ...                       Layer(2, 1, 1, [(0, 0, 0, 1), (0, 1, 0, 1)])])
    >>> A = lifting_operator(net)
    >>> w = rank_witness(A)
    >>> w.rank, w.minor_rows, w.minor_cols, w.kernel_side, w.kernel  # 1 row, rank 1
    (1, (0,), ((0, 0),), 'left', ())
    >>> w = rank_witness(A, side="right")
    >>> w.kernel
    ({(0, 0): Fraction(-1, 1), (1, 0): Fraction(1, 1)},)
    >>> check_rank_witness(A, w)
    """
    return _witness(A.columns, A.n_rows, A.n_cols, method, seed, side, budget)


def matrix_rank_witness(columns: Mapping[Hashable, Mapping[int, Fraction]], n_rows: int, *,
                        n_cols: int | None = None, method: str | None = None, seed: int = 0,
                        side: str | None = None, budget: Budget | None = None) -> RankWitness:
    """Exact rank of a sparse rational matrix given by columns, with witnesses.

    Parameters
    ----------
    columns : mapping
        column key -> {row: Fraction}; the mapping's order is the column order. Zero columns
        may be present or omitted.
    n_rows : int
    n_cols : int, optional
        Total number of columns (default ``len(columns)``).
    method, seed, side, budget :
        As for :func:`rank_witness`.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> cols = {0: {0: F(1), 1: F(2)}, 1: {0: F(2), 1: F(4)}, 2: {}, 3: {1: F(1, 3)}}
    >>> w = matrix_rank_witness(cols, 3)
    >>> w.rank, w.minor_rows, w.minor_cols, w.kernel_side, w.nonzero_columns
    (2, (0, 1), (0, 3), 'left', 3)
    >>> w.kernel   # row 2 of A is zero
    ({2: Fraction(1, 1)},)
    >>> check_rank_witness(cols, w)
    """
    n_cols = len(columns) if n_cols is None else n_cols
    return _witness(columns, n_rows, n_cols, method, seed, side, budget)


def modular_rank(columns: Mapping[Hashable, Mapping[int, Fraction]], n_rows: int, *, seed: int = 0,
                 budget: Budget | None = None) -> int:
    """The rank of a sparse rational matrix modulo the first prime :func:`rank_witness` tries.

    A proved **lower bound** on the rank over Q (a minor non-singular modulo p is non-singular),
    equal to it unless p divides every maximal non-zero minor (probability < r log2(minor) /
    2^61). No kernel is built: this is how a route learns, before any kernel, whether the rank
    it needs is possible (the model-span and kernel-line routes of
    :mod:`algebra.identifiability`). Same ``seed``, same prime, same pivots as
    :func:`matrix_rank_witness`.

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> modular_rank({0: {0: F(1), 1: F(2)}, 1: {0: F(2), 1: F(4)}, 2: {1: F(1, 3)}}, 2)
    2
    """
    budget = budget if budget is not None else Budget.default()
    n_nonzero = _count_nonzero(columns)
    if n_nonzero > max_dense_columns(n_rows):
        raise BudgetExceeded(f"a modular rank of {n_nonzero} non-zero columns of {n_rows} rows would need a dense "
                             f"integer matrix of more than {MAX_DENSE_CELLS} entries", phase=RANK_PHASE)
    budget.charge(n_nonzero * n_rows * min(n_nonzero, n_rows) // FLINT_CELLS_PER_UNIT, RANK_PHASE)
    keys, At, _ = _integer_matrix(columns, n_rows)
    if not keys:
        return 0
    with budget.alarm(RANK_PHASE):
        return len(_column_pivots(At, next(_primes(seed)))[0])


def lifting_rank_decision(A, *, seed: int = 0, method: str | None = None,
                          budget: Budget | None = None) -> Decision:
    """The question ``lifting-rank``: rank A over Q, ``proved`` by a minor and kernel vectors.

    The rank of the lifting operator (Corollary 5.2) from :func:`rank_witness`. The witness has
    the certificate's shape (``docs/certificate-format.md``, witness ``minor``): ``{"minor":
    {"rows", "cols", "prime"}, "kernel": {"side", "vectors"}}`` (``prime``: modulo it the minor
    is non-singular, :func:`algebra.modular.certifying_prime`), each kernel vector a list of
    ``[coordinate, Fraction]`` pairs sorted by coordinate (rows for a left kernel, index tuples
    for a right one). ``details`` hold the shape the canonical statement needs (``n_rows``,
    ``n_cols``, ``nonzero_columns``) and the :class:`RankWitness` itself.

    Raises
    ------
    BudgetExceeded
        From :func:`rank_witness`.

    Examples
    --------
    >>> from algebra.network import Layer, MultilinearMap
    >>> from algebra.lifting import lifting_operator
    >>> net = MultilinearMap((Layer(1, 2, 2, ((0, 0, 0, Fraction(1)), (1, 0, 1, Fraction(1)))),
    ...                       Layer(2, 1, 1, ((0, 0, 0, Fraction(1)), (0, 1, 0, Fraction(1))))))
    >>> d = lifting_rank_decision(lifting_operator(net))   # X = (h_1[0] + h_1[1]) h_2[0]
    >>> d.status, d.value, d.statement
    ('proved', 1, 'The lifting operator A (1 x 2, 2 non-zero columns) has rank 1 over Q.')
    >>> d.witness["minor"]["rows"], d.witness["minor"]["cols"], d.witness["kernel"]  # one row: no left-kernel vector
    ([0], [(0, 0)], {'side': 'left', 'vectors': []})
    >>> d.witness["minor"]["prime"] == d.details["rank_witness"].prime   # the rank route's prime certifies the minor
    True
    """
    w = rank_witness(A, method=method, seed=seed, budget=budget)
    how = w.method + (f" (prime {w.prime})" if w.prime else "")
    n_nonzero = len(A.columns)
    minor = {"rows": list(w.minor_rows), "cols": list(w.minor_cols)}
    if w.rank:  # the prime modulo which the checker eliminates the minor (algebra.modular)
        minor["prime"] = certifying_prime([A.columns[t] for t in w.minor_cols], w.minor_rows, first=w.prime, seed=seed)
    witness = {"minor": minor,
               "kernel": {"side": w.kernel_side,
                          "vectors": [[[k, vec[k]] for k in sorted(vec) if vec[k]] for vec in w.kernel]}}
    return Decision(
        "lifting-rank", "proved",
        f"The lifting operator A ({count_text(A.n_rows)} x {count_text(A.n_cols)}, {n_nonzero} non-zero columns) "
        f"has rank {w.rank} over Q.",
        relies_on=("Corollary 5.2",), value=w.rank, witness=witness,
        evidence={"method": how, "seed": seed}, seed=seed,
        details={"n_rows": A.n_rows, "n_cols": A.n_cols, "nonzero_columns": n_nonzero, "method": how,
                 "rank_witness": w})


# ---------------------------------------------------------------------------------------------
# Independent exact re-check
# ---------------------------------------------------------------------------------------------


def bareiss_determinant(matrix: Sequence[Sequence[int]]) -> int:
    """Determinant of a square integer matrix by fraction-free (Bareiss) elimination.

    >>> bareiss_determinant([[2, 1], [4, 3]]), bareiss_determinant([[1, 2], [2, 4]])
    (2, 0)
    >>> bareiss_determinant([])
    1
    """
    M = [list(map(int, row)) for row in matrix]
    n = len(M)
    sign, prev = 1, 1
    for k in range(n - 1):
        if M[k][k] == 0:
            swap = next((i for i in range(k + 1, n) if M[i][k] != 0), None)
            if swap is None:
                return 0
            M[k], M[swap] = M[swap], M[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                M[i][j] = (M[i][j] * M[k][k] - M[i][k] * M[k][j]) // prev
        prev = M[k][k]
    return sign * M[n - 1][n - 1] if n else 1


def _fail(problem: str):
    raise WitnessCheckFailed(problem)


def _common_denominator(values: Iterable[Fraction]) -> int:
    return math.lcm(1, *(Fraction(v).denominator for v in values))


_CHECK_SEED = 0x636865636B  # "check": the minor check's own prime, not one of the rank route's


@functools.cache
def _check_prime() -> int:
    """The prime of the minor check (drawn once; any prime is sound, a random one makes a
    false alarm -- a non-singular minor singular modulo p -- improbable)."""
    return next(_primes(_CHECK_SEED))


class _IntegerColumnsForCheck:
    """The non-zero columns of A as integers: A[:, j] = ``ints[j]`` / ``scale[j]``.

    A lifting operator from :func:`algebra.lifting_int.lifting_operator_int` already holds
    A = P / D with P integer (then ``ints`` is P and every scale is D, no Fraction is built);
    any other mapping is cleared of denominators column by column here.
    """

    def __init__(self, columns: Mapping, n_rows: int):
        from .lifting_int import IntegerColumns

        if isinstance(columns, IntegerColumns):
            if columns.integers.shape[1] != n_rows:
                _fail(f"A's integer form has {columns.integers.shape[1]} rows, expected {n_rows}")
            self.keys, self.ints = list(columns.tuples), columns.integers
            self.scale = [columns.denominator] * len(self.keys)
        else:
            self.keys, rows, self.scale = [], [], []
            for k, col in columns.items():
                col = {int(r): Fraction(v) for r, v in col.items() if v}
                if not col:
                    continue
                if any(not 0 <= r < n_rows for r in col):
                    _fail(f"column {k!r} has a row index outside 0..{n_rows - 1}")
                d = _common_denominator(col.values())
                row = [0] * n_rows
                for r, v in col.items():
                    row[r] = v.numerator * (d // v.denominator)
                self.keys.append(k)
                rows.append(row)
                self.scale.append(d)
            self.ints = np.array(rows, dtype=object).reshape(len(rows), n_rows)
        self.index = {k: j for j, k in enumerate(self.keys)}

    def entries(self, rows: Sequence[int], cols: Sequence[int]) -> list[int]:
        """A_int[rows, cols] row by row (A_int = A diag(scale)), as Python integers."""
        return self._rows_of_transpose(cols, rows).T.ravel().tolist()

    def transposed(self, cols: Sequence[int], rows: Sequence[int]) -> list[int]:
        """A_int^T[cols, rows] row by row, as Python integers."""
        return self._rows_of_transpose(cols, rows).ravel().tolist()

    def _rows_of_transpose(self, cols: Sequence[int], rows: Sequence[int]) -> np.ndarray:
        return self.ints[np.asarray(cols, dtype=np.intp)][:, np.asarray(rows, dtype=np.intp)]


def _is_singular(entries: list[int], r: int) -> bool:
    """Whether the r x r integer matrix ``entries`` (row by row) is singular.

    Non-singular modulo a prime p proves it non-singular over Q (p does not divide the
    determinant, so it is not 0); a determinant 0 modulo p -- a singular minor, or an unlucky
    prime -- is settled by the exact determinant (flint ``fmpz_mat``).
    """
    import flint

    if r == 0:
        return False
    if flint.nmod_mat(r, r, entries, _check_prime()).det() != 0:
        return False
    return flint.fmpz_mat(r, r, entries).det() == 0


def _first_nonzero_product(vectors: Sequence[Mapping[int, int]], width: int, block) -> tuple[int, int, int] | None:
    """The first (vector t, index j, value) with (Σ_i v_t[i] B[i, j]) ≠ 0, or None.

    ``vectors``: integer vectors ({i: value}); B has ``width`` columns and ``block(U, J)`` gives
    the entries of B[U, J] row by row for index lists U, J. One exact integer
    product (flint ``fmpz_mat``) per block of vectors and columns, each of at most
    :data:`CHECK_BLOCK_CELLS` entries.
    """
    import flint

    chunk = 256
    for start in range(0, len(vectors), chunk):
        vecs = vectors[start:start + chunk]
        U = sorted(set().union(*vecs))
        if not U:
            continue
        pos = {i: n for n, i in enumerate(U)}
        V = [0] * (len(vecs) * len(U))
        for t, vec in enumerate(vecs):
            for i, x in vec.items():
                V[t * len(U) + pos[i]] = x
        V = flint.fmpz_mat(len(vecs), len(U), V)
        step = max(1, CHECK_BLOCK_CELLS // len(U))
        for j0 in range(0, width, step):
            J = list(range(j0, min(j0 + step, width)))
            prod = V * flint.fmpz_mat(len(U), len(J), block(U, J))
            if not prod.is_zero():
                return next((start + t, J[j], int(prod[t, j])) for t in range(len(vecs)) for j in range(len(J))
                            if prod[t, j] != 0)
    return None


def check_rank_witness(A, w: RankWitness) -> None:
    """Re-verify a rank witness exactly; raise :class:`WitnessCheckFailed` if it does not hold.

    Checks the shape; that the ``rank x rank`` minor is non-singular (rank >= r): its
    determinant is non-zero modulo a prime, which proves it non-zero (only a determinant 0
    modulo that prime is re-decided by the exact determinant); that the kernel has
    ``n_rows - r`` (left) or ``nonzero_columns - r`` (right) vectors, each equal to 1 at a
    coordinate where all the others are 0 (independence) and each really in the kernel -- one
    exact integer product (flint ``fmpz_mat``) per block -- so the kernel dimension is at least
    that count and rank <= r. The work is in C and its memory bounded by the operator's size;
    the route that made the witness (:func:`rank_witness`) is not re-run.

    Parameters
    ----------
    A : LiftingOperator or mapping
        A lifting operator, or the ``columns`` mapping given to :func:`matrix_rank_witness`
        (then the shape is taken from ``w``).
    w : RankWitness

    Examples
    --------
    >>> from fractions import Fraction as F
    >>> cols = {0: {0: F(1)}, 1: {0: F(1)}}
    >>> w = matrix_rank_witness(cols, 1, side="right")
    >>> import dataclasses
    >>> bad = dataclasses.replace(w, kernel=({0: F(-2), 1: F(1)},))
    >>> check_rank_witness(cols, bad)
    Traceback (most recent call last):
    ...
    algebra.errors.WitnessCheckFailed: right-kernel vector 0 is not in the kernel (row 0 gives -1)
    """
    if hasattr(A, "columns") and hasattr(A, "n_rows"):
        columns, n_rows, n_cols = A.columns, A.n_rows, A.n_cols
        if (w.n_rows, w.n_cols) != (n_rows, n_cols):
            _fail(f"witness shape {(w.n_rows, w.n_cols)} differs from A's {(n_rows, n_cols)}")
    else:
        columns, n_rows = A, w.n_rows
    cols = _IntegerColumnsForCheck(columns, n_rows)
    r = w.rank
    # --- rank >= r: the minor ---
    if not (len(w.minor_rows) == len(w.minor_cols) == r):
        _fail(f"minor is {len(w.minor_rows)} x {len(w.minor_cols)}, expected {r} x {r}")
    if len(set(w.minor_rows)) != r or len(set(w.minor_cols)) != r:
        _fail("minor rows or columns repeat")
    if any(not isinstance(i, int) or not 0 <= i < n_rows for i in w.minor_rows):
        _fail("a minor row is out of range")
    for k in w.minor_cols:
        if k not in cols.index:
            _fail(f"minor column {k!r} is a zero (or unknown) column of A")
    # scaling the columns to integers changes the determinant by a non-zero factor only
    if _is_singular(cols.entries(w.minor_rows, [cols.index[k] for k in w.minor_cols]), r):
        _fail("the minor is singular")
    # --- rank <= r: the kernel ---
    if w.kernel_side == "left":
        expected = n_rows - r
        valid = lambda k: isinstance(k, int) and 0 <= k < n_rows  # noqa: E731
    elif w.kernel_side == "right":
        expected = len(cols.keys) - r
        valid = lambda k: k in cols.index  # noqa: E731
    else:
        _fail(f"kernel_side must be 'left' or 'right', got {w.kernel_side!r}")
    if len(w.kernel) != expected:
        _fail(f"{w.kernel_side} kernel has {len(w.kernel)} vectors, expected {expected}")
    support_count: dict[Any, int] = {}
    for t, vec in enumerate(w.kernel):
        for k, v in vec.items():
            if not valid(k):
                _fail(f"{w.kernel_side}-kernel vector {t} has an invalid coordinate {k!r}")
            if v:
                support_count[k] = support_count.get(k, 0) + 1
    for t, vec in enumerate(w.kernel):
        if not any(v == 1 and support_count[k] == 1 for k, v in vec.items()):
            _fail(f"{w.kernel_side}-kernel vector {t} has no free coordinate (a 1 where all "
                  f"other vectors are 0): independence is not evident")
    if w.kernel_side == "left":
        # y^T A = 0  <=>  (d y)^T A_int = 0 with d the common denominator of y
        dens = [_common_denominator(vec.values()) for vec in w.kernel]
        ints = [{i: int(Fraction(y) * d) for i, y in vec.items() if y} for vec, d in zip(w.kernel, dens)]
        bad = _first_nonzero_product(ints, len(cols.keys), cols.entries)
        if bad is not None:
            t, j, value = bad
            _fail(f"left-kernel vector {t} is not in the left kernel (column {cols.keys[j]!r} gives "
                  f"{fraction_to_str(Fraction(value, dens[t] * cols.scale[j]))})")
    else:
        # A x = A_int x' with x'_j = x_j / scale_j; e x' is an integer vector for e its denominator
        scaled = [{cols.index[k]: Fraction(x) / cols.scale[cols.index[k]] for k, x in vec.items() if x}
                  for vec in w.kernel]
        dens = [_common_denominator(vec.values()) for vec in scaled]
        ints = [{j: int(x * e) for j, x in vec.items()} for vec, e in zip(scaled, dens)]
        bad = _first_nonzero_product(ints, n_rows, cols.transposed)
        if bad is not None:
            t, i, value = bad
            _fail(f"right-kernel vector {t} is not in the kernel (row {i} gives "
                  f"{fraction_to_str(Fraction(value, dens[t]))})")


# ---------------------------------------------------------------------------------------------
# JSON round trip (rationals as "p/q", index tuples as lists)
# ---------------------------------------------------------------------------------------------


def _key_to_json(k):
    return list(k) if isinstance(k, tuple) else k


def _key_from_json(k):
    return tuple(k) if isinstance(k, list) else k


def witness_to_json(w: RankWitness) -> dict:
    """A JSON-ready dict; kernel vectors are lists of [coordinate, "p/q"] pairs.

    >>> from fractions import Fraction as F
    >>> w = matrix_rank_witness({0: {0: F(1)}, 1: {0: F(1, 2)}}, 1)
    >>> witness_from_json(witness_to_json(w)) == w
    True
    """
    return {
        "rank": w.rank, "n_rows": w.n_rows, "n_cols": w.n_cols,
        "minor_rows": list(w.minor_rows), "minor_cols": [_key_to_json(k) for k in w.minor_cols],
        "kernel_side": w.kernel_side,
        "kernel": [[[_key_to_json(k), fraction_to_str(v)] for k, v in vec.items()] for vec in w.kernel],
        "method": w.method, "prime": w.prime, "nonzero_columns": w.nonzero_columns,
    }


def witness_from_json(data: Mapping) -> RankWitness:
    """Inverse of :func:`witness_to_json`."""
    return RankWitness(
        rank=int(data["rank"]), n_rows=int(data["n_rows"]), n_cols=int(data["n_cols"]),
        minor_rows=tuple(int(i) for i in data["minor_rows"]),
        minor_cols=tuple(_key_from_json(k) for k in data["minor_cols"]),
        kernel_side=data["kernel_side"],
        kernel=tuple({_key_from_json(k): Fraction(v) for k, v in vec} for vec in data["kernel"]),
        method=data["method"], prime=data.get("prime"), nonzero_columns=data.get("nonzero_columns"),
    )
