"""Every limit of tensorlift, in one place, with the measurement that justifies it.

Two kinds:

* **size limits** checked when a spec is read, so that a spec which would exhaust memory is
  refused with a one-line :class:`algebra.errors.SpecError` naming the field, before anything
  of that size is allocated;
* **run budgets**: the defaults of the one :class:`algebra.budget.Budget` a run creates (the
  command line and the Python API use the same ones), and the caps of single steps that hold a
  dense exact object in memory (reaching them raises :class:`algebra.errors.BudgetExceeded`,
  which the deciders turn into ``inconclusive`` with the reason).

Measurements are from the project's reference machine (2 cores, x86_64, CPython 3.11) with the
benchmarks under ``tests/benchmarks/``. The independent checker (``certificates/checker.py``) keeps
its own limits -- it imports nothing of tensorlift -- and the producer stays inside them: it
never writes a ``proved`` claim the checker could not re-check within its work budget (the
producer reads the checker's ``MAX_WORK``; see also :data:`PROVED_GRAM_SIDE`).
"""
from __future__ import annotations

__all__ = [
    "MAX_COMMON_DENOMINATOR_BITS", "FRACTION_BITS_PER_UNIT",
    "MAX_DIMENSION", "MAX_PARAMS", "MAX_CELLS", "MAX_ENTRIES", "MAX_LAYERS", "MAX_DIGITS",
    "MAX_NESTING", "MAX_PIECES", "MAX_SAMPLES", "MAX_CONV_N", "MAX_CONV_EDGES", "MAX_CONV_CELLS",
    "DEFAULT_WORK", "DEFAULT_SECONDS", "DEFAULT_MAX_COLUMNS", "RANK_MAX_COLUMNS",
    "MAX_DENSE_CELLS", "MAX_SPAN_ENTRIES", "MAX_SPAN_COORDINATES", "MAX_COMPILED_ENTRIES",
    "SEARCH_WORK", "SEARCH_SECONDS", "SEARCH_MAX_UNKNOWNS", "SEARCH_MAX_CELLS", "SEARCH_MAX_TUPLES", "SEARCH_MAX_PAIRS",
    "MAX_JOIN_WORK", "MAX_JOIN_PAIRS", "MAX_JOIN_COORDINATES", "MAX_ENCLOSURE_GRAM_SIDE", "PROVED_GRAM_SIDE",
    "MAX_SVD_CELLS", "MAX_SVD_GRAM_SIDE", "MAX_CONV_TUPLES", "MAX_CONV_KERNEL_VECTORS", "MAX_FF_PATHS",
    "MAX_SCATTER_ENTRIES", "CONV_CELLS_PER_UNIT", "MAX_EXPORT_ENTRIES", "MAX_EXPORT_COORDINATES",
    "CHECK_BLOCK_CELLS", "RANK_BLOCK_CELLS", "JOIN_BLOCK_CELLS",
    "GROEBNER_CALL_SECONDS", "GROEBNER_IN_PROCESS_MAX_VARIABLES", "MACAULAY_MAX_COLUMNS", "DIFFERENCE_SET_MAX_PAIRS",
    "DIFFERENCE_SET_EXACT_SECONDS", "DIFFERENCE_SET_EXACT_MAX_KERNEL", "DIFFERENCE_SET_IN_PROCESS_MAX_KERNEL", "DIFFERENCE_SET_GROEBNER_MAX_KERNEL",
    "DIFFERENCE_SET_MAX_MINORS", "REAL_WITNESS_MAX_PAIRS", "REAL_WITNESS_MAX_SLICES", "REAL_WITNESS_MAX_VARIABLES",
    "REAL_WITNESS_MAX_EQUATIONS", "NONLINEAR_SECONDS",
]

# ============================================================================ spec sizes
# Checked when a spec is read. A layer's float matrix is rows x cols doubles and A has
# rows_1 x cols_K rows; the limits keep each dense vector of these sizes below ~80 MB.
MAX_DIMENSION = 10**5  # rows or cols of one structured layer
MAX_PARAMS = 10**5  # S_k of one layer (prod S_k is bounded separately by the column budget)
MAX_CELLS = 10**7  # rows x cols of one layer, and m x n of the product X (= rows of A)
MAX_ENTRIES = 10**6  # (param, row, col, coefficient) entries of one layer
MAX_LAYERS = 1000  # K
MAX_DIGITS = 1000  # digits of one integer (numerator or denominator) in a spec; the checker reads 4000
MAX_NESTING = 64  # specs are a few levels deep; guards the recursive type check
MAX_PIECES = 4096  # linear pieces M^L of a model: every "for all L, L'" check loops over pairs of them
MAX_SAMPLES = 10**4  # feed-forward samples (one operator per sample, stacked)
MAX_CONV_N = 2**24  # conv signal length N
MAX_CONV_EDGES = 10**5  # conv edges
MAX_CONV_CELLS = 2**32  # N x sum_e |S_e|: the Algorithm 8.1 dynamic programme touches this many cells

# The batched integer lifting (algebra/lifting_int.py) multiplies every coefficient of a layer by
# the layer's common denominator: beyond this many bits of distinct denominators (a few dozen
# small ones, or one of 300 digits) the sparse Fraction route is used instead. Measured: one
# 16 x 16 layer of 1000-digit "p/q" coefficients made that common denominator 4 million digits
# (math.lcm alone > 60 s, uninterruptible); the Fraction route builds its A in 0.1 s.
MAX_COMMON_DENOMINATOR_BITS = 1024
# Exact Fraction arithmetic costs by the sizes of the numbers (their gcds): a multiply-add of
# numbers of a and b bits (numerator and denominator) is charged 1 + (a + b)^2 / 2^19 work units
# (measured ~350 us for two 2000-digit "p/q", ~1 us for small ones).
FRACTION_BITS_PER_UNIT = 2**19

# ============================================================================ one run's budget
# Work units: ~1 microsecond of exact arithmetic each (algebra/budget.py). 300 s of work with a
# 300 s wall-clock safety net: the certify benchmark's largest honest cases finish in < 10 s.
DEFAULT_WORK = 300_000_000
DEFAULT_SECONDS = 300.0
# Non-zero columns of A a run may build: 200 000 columns of a few non-zero Fractions each is a
# few hundred MB (tests/benchmarks/bench_lifting_rank.py); `tensorlift rank` alone allows more.
DEFAULT_MAX_COLUMNS = 200_000
RANK_MAX_COLUMNS = 500_000

# ============================================================================ dense steps
# The modular rank holds A as one dense integer matrix (non-zero columns x rows): beyond this many
# entries (~0.8 GB of machine words before flint's own copies) refuse instead of letting flint abort.
MAX_DENSE_CELLS = 10**8
# Integers handed to flint at once by the producer's self-check of a rank witness (its kernel
# products): a few blocks of this many entries (~32 MB each as flint integers) bound its memory by
# the operator's size, never by the number of kernel vectors.
CHECK_BLOCK_CELLS = 4_000_000
# Entries of A's integer matrix made primitive at once when the exact rank looks for proportional
# columns (a few int64 copies of a block): on a 576 x 27 000 operator the whole matrix at once took
# 476 MB of temporaries (peak 899 MB), blocks of this size take 3 MB.
RANK_BLOCK_CELLS = 1_000_000
# A restricted to the model's span, dense in exact rationals (rows x span dimension).
MAX_SPAN_ENTRIES = 4_000_000
MAX_SPAN_COORDINATES = 20_000  # dimension of the span of P(M) enumerated by the model-span routes
# Entries of a conv network compiled to a MultilinearMap for a generic rank (Python tuples).
MAX_COMPILED_ENTRIES = 10**6

# ============================================================================ witness search
# The constructive counterexample search (algebra/identifiability.py): a phase budget inside the
# run's (work units so that the same input stops at the same point everywhere, the clock as a
# safety net), and caps on one exact linear system (dense Fractions, unknowns x equations).
SEARCH_WORK = 10_000_000
SEARCH_SECONDS = 10.0
SEARCH_MAX_UNKNOWNS = 1000
SEARCH_MAX_CELLS = 2 * 10**6
SEARCH_MAX_TUPLES = 10**7  # index tuples prod S_k the Dirac / zero-column scans may visit
SEARCH_MAX_PAIRS = 400  # unordered pairs of model pieces tried

# ============================================================================ dimensions (Theorem 6.4)
MAX_JOIN_WORK = 2 * 10**7  # prod S_k x sum S_k: Terracini tangent vectors (length prod S_k, ~sum S_k of them),
# int64 residues (8 bytes each, held twice while stacked): <= ~320 MB; 8 * 10**5 of them take 0.2 s
MAX_JOIN_PAIRS = 2000  # pairs of pieces (L, L') whose join dimension is sampled
MAX_JOIN_COORDINATES = 200_000  # coordinates of one join's tangent vectors
# Tangent-vector residues converted to flint per block of the Gram accumulation (Python lists of
# them are ~36 bytes an entry while converted): 80 x 10 000 take 0.15 s to convert.
JOIN_BLOCK_CELLS = 1_000_000

# ============================================================================ sigma_min
# Exact enclosure of sigma_min(A)^2 from the Gram characteristic polynomial (python-flint).
MAX_ENCLOSURE_GRAM_SIDE = 400
# A structured `stable` claim is written `proved` only up to this Gram side: the checker recomputes
# the characteristic polynomial in pure Python, O(n^4) (~0.4 s at 60); the checker's own cap is 120.
PROVED_GRAM_SIDE = 60
MAX_SVD_CELLS = 10_000_000  # float64 entries (80 MB) of a dense SVD
MAX_SVD_GRAM_SIDE = 6_000  # side of a dense float Gram matrix (288 MB)

# ============================================================================ graphs
MAX_CONV_TUPLES = 200_000  # valid index tuples a conv structural rank enumerates
MAX_CONV_KERNEL_VECTORS = 100_000  # kernel basis vectors of a conv lifting operator
MAX_FF_PATHS = 100_000  # input-output paths a feed-forward path criterion enumerates
# Work units of the leaf-kernel dynamic programme (graphs/leaf_kernels.py): one numpy shift-add of a
# length-N int64 or float64 vector costs 1 + N // CONV_CELLS_PER_UNIT units. Measured: ~2500 cells per
# microsecond at N = 2^14 plus ~1.7 microseconds of call overhead; tests/benchmarks/bench_scatter.py's
# Haar tree J = 12, N = 2^14 charges 147 420 units for a 0.1-0.2 s pass. An exact Fraction
# product-and-add (~2 microseconds) costs 1 unit.
CONV_CELLS_PER_UNIT = 2048

# ============================================================================ certificates
MAX_SCATTER_ENTRIES = 100_000  # non-zero Algorithm 8.1 entries written into a certificate

# ============================================================================ non-linear routes (section 6)
# Measurements: tests/benchmarks/bench_nonlinear.py (random K in {2, 3} networks, S_k <= 4).
# One Gröbner basis (a Singular subprocess) never runs longer than this, even with more budget left.
GROEBNER_CALL_SECONDS = 10.0
# python-flint's Buchberger and sympy's cannot be interrupted: only systems this small go to them
# (used when Singular is not installed). Sliced incidence systems of rank-one sensing: 9 unknowns
# (3 points) flint 0.01 s, sympy 0.37 s; 11 unknowns (6 points) flint 0.34 s, sympy 2.0 s.
GROEBNER_IN_PROCESS_MAX_VARIABLES = 12
# Columns (monomials of degree D in d variables) of a Macaulay certificate: the checker eliminates a
# square block of this side modulo a prime in pure Python, ~side^3 / 3 steps.
MACAULAY_MAX_COLUMNS = 500
DIFFERENCE_SET_MAX_PAIRS = 200  # pairs of model pieces given one difference-set system each
# When no Macaulay certificate is found, the dimension of the minors' zero set is computed over Q
# when that is quick, else modulo a prime. Ideals of 3 x 3 flattening minors (phase retrieval):
# d = 4, 16 cubics: Singular and python-flint 0.01 s; d = 6, 100 cubics: Singular 0.48 s,
# flint 6.2 s; d = 7, 100 cubics: Singular 2.6 s, flint 23 s; modulo a prime 0.03-0.07 s.
DIFFERENCE_SET_EXACT_SECONDS = 3.0
DIFFERENCE_SET_EXACT_MAX_KERNEL = 6  # over Q only up to this d (d = 8, 136 cubics: over 3 s)
DIFFERENCE_SET_IN_PROCESS_MAX_KERNEL = 4
# Beyond this d no Gröbner basis is tried at all (it would only eat the real search's time):
# modulo a prime, K = 3 networks' minors took 0.02 s at d = 6, 0.09 s at d = 8, 29 s at d = 12
# and more than 30 s at d = 16, 20, 21 and 24.
DIFFERENCE_SET_GROEBNER_MAX_KERNEL = 10
DIFFERENCE_SET_MAX_MINORS = 20_000  # 3 x 3 flattening minors formed for one system
REAL_WITNESS_MAX_PAIRS = 200  # pairs of model pieces searched for a real counterexample
REAL_WITNESS_MAX_SLICES = 12  # zero-dimensional slices solved per pair before giving up
REAL_WITNESS_MAX_VARIABLES = 40  # unknowns of one sliced incidence system
# Equations M(h) - M(g) = 0 of a slice (entries of the product): the benchmark's networks have at
# most 16 and solve in well under a second; the 144 equations in 29 unknowns of a K = 4, 12 x 12
# network (A: 144 x 10 000) kept Singular past 6.7 s per slice without a basis.
REAL_WITNESS_MAX_EQUATIONS = 64
# Both non-linear routes together, a phase budget inside the run's: tests/benchmarks/bench_nonlinear.py
# decides 98.5 % of its random small networks within 30 s each (most in well under a second); a
# large operator (A 144 x 10 000) would otherwise spend the whole run on slices it cannot solve.
NONLINEAR_SECONDS = 30.0

# ============================================================================ exported scripts
# `tensorlift export` writes A entry by entry (one line of ~20 bytes each in Singular: 10^6 entries
# is a 20 MB script, which Singular reads in ~10 s) and one unknown per coordinate of the model's
# span; past a few thousand unknowns the 3x3 minors of the flattenings are beyond any Groebner basis.
MAX_EXPORT_ENTRIES = 10**6
MAX_EXPORT_COORDINATES = 5000
