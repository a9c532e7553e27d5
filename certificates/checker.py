"""The independent certificate checker -- standard library only.

Trusting a tensorlift certificate means trusting this one file: it imports only the Python
standard library and re-checks every ``proved``/``refuted`` claim (``docs/certificate-format.md``,
major version 1 only) from the spec embedded in the certificate, in exact arithmetic. A linear
pipeline, each stage run only if the previous one passed (:func:`_check`):

1. **read** -- strict JSON, then the document's structure (:func:`_read_document`);
2. **hash** -- :func:`spec_sha256` of the embedded spec must be the stated one;
3. **spec** -- the network rebuilt by this file's own readers (:func:`_read_network`);
4. **claims** -- each re-checked claim goes to the one rule of :data:`_RULES` for its (network
   kind, claim id, status, witness kind) (:func:`_verify`). The rule reads its witness strictly,
   verifies it (the producer ships the hints; the checker mostly multiplies and compares) and
   returns the values its canonical text is filled with: the claim is verified only if its
   statement, assumptions and relies_on are exactly that text. What later claims rest on (the
   claims verified so far, the Algorithm 8.1 pass, the work budget) travels in a :class:`_Context`.

To add a rule, write ``_rule(claim, net, ctx) -> dict`` (``_Malformed`` for an unreadable
witness, ``_Failed`` for a wrong one; return the values of its text) and add its row to
:data:`_RULES` (a new witness kind also names its key in :data:`_WITNESS_KEYS`). The generic
machinery a rule reuses: the one budget ``ctx.budget`` (``spend`` units before working, by the
sizes of the numbers: :func:`_mul_units`, :func:`_fraction_units`; ``hold`` before building),
:func:`_witness_prime` (a witness's prime, checked by :func:`is_prime`), :func:`_check_minor`
and :func:`_show_independent` (the one elimination routine, modulo a prime or over Q), sparse
integer matrices over one denominator (:class:`_Scaled`, :func:`_product`,
:func:`_over_one_denominator`).

Exit status: 0 every re-checked claim verified; 1 a claim, the hash or the spec failed, or the
work budget (:data:`MAX_WORK` units, :data:`MAX_HELD` held, :data:`MAX_SECONDS`) ran out (one
line each on stderr); 2 not a readable certificate (also any unexpected internal error). One
verdict line goes to stdout, whatever the input (unprintable characters escaped).

Examples
--------
>>> import json
>>> spec = {"kind": "structured", "layers": [{"rows": 1, "cols": 1, "params": 1,
...         "entries": [[0, 0, 0, 1]]}]}
>>> cert = {"format": "tensorlift-certificate", "version": 1,
...         "tool": {"name": "tensorlift", "version": "0"},
...         "network": {"spec": spec, "sha256": spec_sha256(spec)},
...         "claims": [{"id": "lifting-rank", "status": "proved", "value": 1,
...                     "statement": "The lifting operator A (1 x 1, 1 non-zero columns) has rank 1 over Q.",
...                     "relies_on": ["Corollary 5.2"],
...                     "witness": {"minor": {"rows": [0], "cols": [[0]]},
...                                 "kernel": {"side": "right", "vectors": []}}}]
...                   + [{"id": c, "status": "inconclusive", "statement": "Not decided.",
...                       "relies_on": [], "reason": "an example"} for c in ("identifiable", "stable")]}
>>> check_certificate(json.dumps(cert)).exit_code
0
>>> cert["claims"][0]["value"] = 2
>>> report = check_certificate(json.dumps(cert))
>>> report.exit_code, report.failures
(1, ['lifting-rank: the minor has 1 rows but the claimed rank is 2'])
"""
from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations, product
from typing import Callable

__all__ = [
    "FORMAT", "VERSION", "MAX_WORK", "MAX_HELD", "MAX_SECONDS", "CONV_STABLE_FORMULA", "STABLE_TENSOR_BOUND",
    "STABLE_DP_BOUND", "STABLE_DP_CONDITION", "CheckReport", "spec_sha256", "canonical_claim_text",
    "COLUMN_UNITS", "is_prime", "check_certificate", "check_file", "main",
]

FORMAT = "tensorlift-certificate"
VERSION = 1
_STATUSES = ("proved", "refuted", "probable", "numeric", "inconclusive")
_RECHECKED = ("proved", "refuted")
# The claims the producer always writes, per spec kind: a document without one of them is not a
# certificate of that network (malformed).
_REQUIRED_CLAIMS = {"structured": ("lifting-rank", "identifiable", "stable"),
                    "feedforward": ("lifting-rank", "identifiable", "stable"),
                    "conv": ("lifting-rank", "scattered", "identifiable", "stable")}

# The budget of one check (docs/certificate-format.md, "Work budget"). A unit is about 50 ns of
# pure-Python arithmetic on this project's 2-core reference machine: a small-integer operation
# with its bookkeeping costs 1-3 units, a big number is charged by its bit size (_mul_units,
# _fraction_units), so the units stand for time whatever the digits (measured with
# tests/certificates/hostile.py: 40-65 ns a unit in the phases that can use the whole budget).
# Past MAX_WORK the claim being checked fails (exit 1); MAX_SECONDS of wall clock is the safety
# net on top. MAX_HELD bounds what is held at once (sparse entries, 75-100 bytes each, a big
# number counting as many entries as its size) so memory stays under 1 GB.
MAX_WORK = 400_000_000  # ~20 s; the 144 x 10000 A of tests/benchmarks/bench_checker.py needs 20M, Haar J=12 68M
MAX_SECONDS = 50.0
MAX_HELD = 8_000_000  # the Haar packet tree J = 12, N = 2^14 holds 4M (Algorithm 8.1's level dicts)
COLUMN_UNITS = 10  # the least one non-zero column of a structured A costs the enumeration (1 x 1 factors)
_MAX_DIGITS = 4300  # of an integer, a numerator or a denominator: Python's int/str limit, the producer's too
_MAX_SPAN_TUPLES = 200_000  # coordinates of a model span the checker enumerates
_MAX_GRAM_SIDE = 120  # side of the Gram matrix whose characteristic polynomial the checker computes
_MAX_COMPILED_SIZE = 400_000  # entries of a compiled feed-forward network, bounded before building (~1 KB each held)
_MAX_BYTES = 64 * 2**20  # a certificate file: 64 MB of JSON is ~1 GB of Python objects
_MAX_SCALE_BITS = 4096  # a matrix's common denominator beyond this: its entries stay Fractions
# Fixed primes of the checker's own, for a minor whose witness names none: non-singular modulo a
# prime implies non-singular over Q, so they can only fail to show it (then: exact elimination).
_OWN_PRIMES = (2**61 - 1, 2**62 - 57)

# Fixed texts a claim's value carries verbatim (anything else is malformed); the producer writes
# them from here. Theorem 8.4's bound; Theorem 7.2 with (gamma, rho) = (1, +inf), u >= 1/sigma_min.
CONV_STABLE_FORMULA = "7*(K*S')**(1/p)*eps**(1-K)*(delta+eta)/sqrt(N)"
STABLE_TENSOR_BOUND = "||P(h*) - P(hbar)|| <= u*(delta+eta)"
STABLE_DP_BOUND = ("d_p(<h*>, <hbar>) <= 7*(K*S)**(1/p)*u*min(||P(hbar)||_inf**(1/K-1), "
                   "||P(h*)||_inf**(1/K-1))*(delta+eta)")
STABLE_DP_CONDITION = "hbar in R_*^{S x K} and u*(delta+eta) <= max(||P(hbar)||_inf, ||P(h*)||_inf)/2"


class _Malformed(Exception):
    """Not a well-formed version-1 certificate (exit 2)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")


class _Failed(Exception):
    """A claim (or the hash/spec stage) does not check (exit 1)."""


class _Budget:
    """The one budget of a check: work units spent (:meth:`spend`, before the work is done), the
    size of what is about to be held (:meth:`hold`), the wall clock as a safety net, and the
    progress line on a terminal (see MAX_WORK)."""

    def __init__(self, limit: int | None = None, seconds: float | None = None, progress=None):
        self.limit = MAX_WORK if limit is None else limit
        self.seconds = MAX_SECONDS if seconds is None else seconds
        self.used, self.progress, self.deadline = 0, progress, time.monotonic() + self.seconds

    def spend(self, units: int, phase: str) -> None:
        self.used += units
        if self.used > self.limit:
            raise _Failed(f"{phase} exceeds this checker's work budget ({self.limit} units, MAX_WORK); "
                          "the claim is not verified")
        now = time.monotonic()
        if now > self.deadline:
            raise _Failed(f"{phase} exceeds this checker's time limit ({self.seconds:g} s, MAX_SECONDS); "
                          "the claim is not verified")
        if self.progress is not None:
            self.progress.show(phase, self.used / self.limit, now)

    def hold(self, entries: int, phase: str) -> None:
        if entries > MAX_HELD:
            raise _Failed(f"{phase} exceeds this checker's work budget (about {_count(entries)} entries held at "
                          f"once; at most {MAX_HELD}, MAX_HELD); the claim is not verified")


class _Progress:
    """One self-overwriting line on a terminal's stderr: the claim, its phase, the time and the
    share of the work budget spent so far (redrawn when the phase changes, else at most five
    times a second)."""

    def __init__(self, stream):
        self.stream, self.claim, self.started, self.next, self.last = stream, "", time.monotonic(), 0.0, None

    def show(self, phase: str, share: float, now: float) -> None:
        if now >= self.next or (self.claim, phase) != self.last:
            self.next, self.last = now + 0.2, (self.claim, phase)
            line = f"{self.claim + ': ' if self.claim else ''}{phase} -- {now - self.started:.1f} s, {share:.0%} of the work budget"
            _write(self.stream, "\r" + line[:150] + "\x1b[K")

    def clear(self) -> None:
        _write(self.stream, "\r\x1b[K")


def _count(n: int) -> str:
    """An integer for a message or a statement: decimal up to 30 digits, else its bit length
    (a decimal conversion of thousands of digits is slow, and Python refuses it past 4300).

    >>> _count(12), _count(20000 ** 1000)
    ('12', 'a 14288-bit number')
    """
    return str(n) if abs(n) < 10**30 else f"a {abs(n).bit_length()}-bit number"


def _bits(x) -> int:
    """The size of an integer or a Fraction in bits (numerator and denominator)."""
    return x.bit_length() if isinstance(x, int) else x.numerator.bit_length() + x.denominator.bit_length()


def _mul_units(bits_a: int, bits_b: int) -> int:
    """Work units of one multiply-add of integers of these sizes with its dict bookkeeping
    (measured: ~150 ns for word-size numbers, plus ~1.5 ns per 64 x 64-bit word product)."""
    return 3 + (bits_a * bits_b >> 17)


def _fraction_units(bits: int) -> int:
    """Work units of one Fraction operation on operands of ``bits`` bits (numerator and
    denominator; their gcds dominate: measured ~1.2 us small, 48 us at 8 000 bits, 350 us at
    27 000 bits)."""
    return 25 + (bits * bits >> 16)


def _op_units(bits_a: int, bits_b: int, exact: bool) -> int:
    """One multiply-add of numbers of these sizes: integers, or Fractions when ``exact``."""
    return _fraction_units(bits_a + bits_b) if exact else _mul_units(bits_a, bits_b)


@dataclass
class CheckReport:
    """Outcome of one check: ``exit_code`` 0/1/2, ``verdict`` (the stdout line), ``failures``
    (one line per failed stage or claim) and ``claims`` (id -> ``"verified"``, ``"failed"`` or
    ``"not re-checked (<status>)"``)."""

    exit_code: int
    verdict: str
    failures: list[str] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)


# ============================================================================ stage 1: read
def spec_sha256(spec) -> str:
    """SHA-256 (hex) of the spec's canonical JSON (sorted keys, no spaces, UTF-8 kept as is).

    >>> spec_sha256({"b": 1, "a": [1, 2]}) == hashlib.sha256(b'{"a":[1,2],"b":1}').hexdigest()
    True
    """
    text = json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_json(text):
    """Strict JSON: UTF-8, no duplicate keys, no NaN/Infinity."""

    def unique(pairs):
        out = {}
        for k, v in pairs:
            if k in out:
                raise _Malformed("json", f"duplicate key {k!r}")
            out[k] = v
        return out

    def refuse(name):
        raise _Malformed("json", f"{name} is not allowed")

    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Malformed("json", f"not UTF-8 ({exc.reason})") from None
    try:
        return json.loads(text, object_pairs_hook=unique, parse_constant=refuse)
    except json.JSONDecodeError as exc:
        raise _Malformed("json", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise _Malformed("json", str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


_TYPE_NAMES = {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null",
               int: "integer", float: "number"}


def _expected(what: str, x, where: str):
    return _Malformed(where, f"expected {what}, got {_TYPE_NAMES.get(type(x), type(x).__name__)}")


def _obj(x, where, required=(), optional=()):
    """An object with every ``required`` field and no field beyond ``optional``."""
    if not isinstance(x, dict):
        raise _expected("an object", x, where)
    missing = [k for k in required if k not in x]
    if missing:
        raise _Malformed(where, f"missing field(s) {missing}")
    unknown = sorted(set(x) - set(required) - set(optional))
    if unknown:
        raise _Malformed(where, f"unknown field(s) {unknown}")
    return x


def _any_obj(x, where):
    return _obj(x, where, optional=tuple(x) if isinstance(x, dict) else ())


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _int(x, where, minimum=None):
    if not _is_int(x):
        raise _expected("an integer", x, where)
    if minimum is not None and x < minimum:
        raise _Malformed(where, f"expected an integer >= {minimum}, got {x}")
    return x


def _ints(x, where, minimum=0) -> list[int]:
    return [_int(i, where, minimum) for i in _list(x, where)]


def _str(x, where, nonempty=True):
    if not isinstance(x, str) or (nonempty and not x):
        raise _expected("a non-empty string", x, where)
    return x


def _list(x, where):
    if not isinstance(x, list):
        raise _expected("a list", x, where)
    return x


def _bool(x, where):
    if not isinstance(x, bool):
        raise _expected("true or false", x, where)
    return x


_RATIONAL = re.compile(r"[+-]?([0-9]+)(?:/([0-9]+))?")


def _rational(x, where) -> Fraction:
    """An integer or a string "p/q" (q > 0); floats are refused (not exact). (A Fraction passes:
    the checker's own compiled feed-forward spec holds them.)"""
    if isinstance(x, bool):
        raise _Malformed(where, "expected a rational, got a boolean")
    if isinstance(x, (int, Fraction)):
        return Fraction(x)
    match = _RATIONAL.fullmatch(x) if isinstance(x, str) and len(x) <= 2 * _MAX_DIGITS + 2 else None
    if match and max(len(part or "") for part in match.groups()) <= _MAX_DIGITS:
        num, _, den = x.partition("/")
        if den and int(den) == 0:
            raise _Malformed(where, f"{x!r} has a zero denominator")
        return Fraction(int(num), int(den) if den else 1)
    raise _Malformed(where, f"expected an integer or a string \"p/q\", got {x!r:.60}")


def _index_tuple(x, where, sizes) -> tuple:
    t = _list(x, where)
    if len(t) != len(sizes):
        raise _Malformed(where, f"expected an index tuple of length {len(sizes)}")
    out = tuple(_int(i, where, 0) for i in t)
    if any(i >= s for i, s in zip(out, sizes)):
        raise _Malformed(where, "index out of range")
    return out


def _params(x, where, sizes) -> list[list[Fraction]]:
    """Per-layer parameter vectors of the given sizes."""
    layers = _list(x, where)
    if len(layers) != len(sizes):
        raise _Malformed(where, f"expected {len(sizes)} parameter vectors")
    out = []
    for k, (hk, s) in enumerate(zip(layers, sizes)):
        if len(_list(hk, f"{where}[{k}]")) != s:
            raise _Malformed(f"{where}[{k}]", f"expected {s} values, got {len(hk)}")
        out.append([_rational(v, f"{where}[{k}]") for v in hk])
    return out


def _read_document(doc) -> None:
    """The strict structure of the whole certificate (raises :class:`_Malformed`)."""
    _obj(doc, "certificate", ("format", "version", "tool", "network", "claims"), ("seeds", "timings"))
    if doc["format"] != FORMAT:
        raise _Malformed("format", f"expected {FORMAT!r}, got {doc['format']!r:.60}")
    version = _int(doc["version"], "version")
    if version != VERSION:
        raise _Malformed("version", f"this checker reads version {VERSION} only, got {version}")
    tool = _obj(doc["tool"], "tool", ("name", "version"))
    _str(tool["name"], "tool.name")
    _str(tool["version"], "tool.version")
    for k, v in _any_obj(doc.get("seeds", {}), "seeds").items():
        _int(v, f"seeds.{k}")
    for k, v in _any_obj(doc.get("timings", {}), "timings").items():
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            raise _Malformed(f"timings.{k}", "expected a non-negative number of seconds")
    net = _obj(doc["network"], "network", ("spec", "sha256"))
    _any_obj(net["spec"], "network.spec")
    if not re.fullmatch(r"[0-9a-f]{64}", _str(net["sha256"], "network.sha256")):
        raise _Malformed("network.sha256", "expected 64 lower-case hex digits")
    if not _list(doc["claims"], "claims"):
        raise _Malformed("claims", "expected at least one claim (an empty list certifies nothing)")
    seen = set()
    for j, c in enumerate(doc["claims"]):
        _obj(c, f"claims[{j}]", ("id", "status", "statement", "relies_on"),
             ("value", "witness", "reason", "assumptions", "evidence"))
        cid, status = _str(c["id"], f"claims[{j}].id"), c["status"]
        where = f"claim {cid}"
        if cid in seen:
            raise _Malformed(where, "duplicate claim id")
        seen.add(cid)
        if status not in _STATUSES:
            raise _Malformed(f"{where}.status", f"expected one of {list(_STATUSES)}, got {status!r:.60}")
        _str(c["statement"], f"{where}.statement")
        for key in ("relies_on", "assumptions"):
            for i, r in enumerate(_list(c.get(key, []), f"{where}.{key}")):
                _str(r, f"{where}.{key}[{i}]")
        if "reason" in c:
            _str(c["reason"], f"{where}.reason")
        if "evidence" in c:
            _any_obj(c["evidence"], f"{where}.evidence")
        if status in _RECHECKED:
            if cid not in _CLAIM_IDS:
                raise _Malformed(where, f"status {status!r} is only defined for claims {list(_CLAIM_IDS)}")
            if "witness" not in c:
                raise _Malformed(where, f"a {status!r} claim needs a witness")
            _any_obj(c["witness"], f"{where}.witness")
        elif "witness" in c:
            raise _Malformed(where, f"a {status!r} claim carries evidence, not a witness")
        elif status == "inconclusive" and "reason" not in c:
            raise _Malformed(where, "an 'inconclusive' claim needs a reason")
        elif status in ("probable", "numeric") and "evidence" not in c:
            raise _Malformed(where, f"a {status!r} claim needs its evidence (seed, tolerance, ...)")
    kind = net["spec"].get("kind")
    missing = [cid for cid in _REQUIRED_CLAIMS.get(kind, ()) if cid not in seen] if isinstance(kind, str) else []
    if missing:
        raise _Malformed("claims", f"a {kind} certificate has the claims {list(_REQUIRED_CLAIMS[kind])}; "
                                   f"missing {missing}")


# ============================================================================ exact algebra
# Generic machinery every rule may use: sparse integer matrices over one denominator, primes, the
# one elimination routine, Berkowitz and Descartes. Each charges the budget before it computes.
@dataclass(frozen=True, slots=True)
class _Scaled:
    """A sparse rational matrix held as integers over one positive denominator: the matrix is
    ``rows / d`` with ``rows`` = {row: {col: int}} (no zero entries, no empty rows); ``bits`` is
    the size of its largest entry, ``size`` its number of entries, ``cols`` the number of entries
    in each column (what a product with it costs is read from them). When a common denominator
    would be huge (many distinct big denominators) the entries stay Fractions over d = 1:
    ``exact`` says so, and its arithmetic is charged as Fraction arithmetic."""

    rows: dict
    d: int = 1
    bits: int = 0
    size: int = 0
    cols: dict = field(default_factory=dict)
    exact: bool = False


def _scaled(rows: dict, d: int = 1) -> _Scaled:
    rows = {r: row for r, row in ((r, {c: x for c, x in row.items() if x}) for r, row in rows.items()) if row}
    cols: dict = {}
    bits, exact = 0, False
    for row in rows.values():
        for c, x in row.items():
            cols[c] = cols.get(c, 0) + 1
            if type(x) is int:
                bits = max(bits, x.bit_length())
            else:
                bits, exact = max(bits, _bits(x)), True
    return _Scaled(rows, d, bits, sum(cols.values()), cols, exact)


def _held(entries: int, bits: int) -> int:
    """What ``entries`` integers of ``bits`` bits weigh, in entries of ~100 bytes."""
    return entries * (1 + bits // 800)


def _product_rows(a: _Scaled, b: _Scaled, budget: _Budget, phase: str) -> dict:
    """The integer rows of a b, charged before they are formed: its multiply-adds (counted from
    a's column counts and b's rows, by the sizes of the numbers), a call's fixed cost, and what
    the result holds (at most one entry per multiply-add, per row of a and column of b)."""
    n = sum(a.cols.get(mid, 0) * len(row) for mid, row in b.rows.items())
    budget.spend(40 + len(a.rows) + n * _op_units(a.bits, b.bits, a.exact or b.exact), phase)
    budget.hold(_held(min(n, len(a.rows) * len(b.cols)), a.bits + b.bits + n.bit_length()), phase)
    out = {}
    brows = b.rows
    for r, row in a.rows.items():
        acc: dict = {}
        for mid, v in row.items():
            brow = brows.get(mid)
            if brow:
                for c, w in brow.items():
                    acc[c] = acc.get(c, 0) + v * w
        out[r] = acc
    return out


def _product(a: _Scaled, b: _Scaled, budget: _Budget, phase: str) -> _Scaled:
    """a b (see :func:`_product_rows`)."""
    rows = _product_rows(a, b, budget, phase)
    budget.spend(sum(map(len, rows.values())), phase)
    return _scaled(rows, a.d * b.d)


def _lcm(values, budget: _Budget, phase: str, limit: int | None = None) -> int | None:
    """The least common multiple of positive integers, each step charged by the sizes (a gcd and
    a product of a big and a small number cost about their product); None once it passes
    ``limit`` bits."""
    out = 1
    for x in values:
        if x != 1:
            budget.spend(4 * _mul_units(out.bit_length(), x.bit_length()), phase)
            out = out * x // math.gcd(out, x)
            if limit is not None and out.bit_length() > limit:
                return None
    return out


def _over_one_denominator(terms, budget: _Budget, phase: str) -> tuple[dict, int]:
    """sum_t c_t v_t for (c_t a Fraction or int, v_t = (entries, d_t)): (entries, denominator) --
    integers over their lcm, or Fractions over 1 when that lcm would be huge."""
    terms = list(terms)
    budget.spend(sum(_fraction_units(_bits(c) + d.bit_length()) for c, (_, d) in terms), phase)
    terms = [(Fraction(c) / d, v) for c, (v, d) in terms]
    L = _lcm((c.denominator for c, _ in terms), budget, phase, _MAX_SCALE_BITS)
    acc: dict = {}
    held = 0  # the size of the sums so far
    for c, v in terms:
        k = c if L is None else c.numerator * (L // c.denominator)
        vbits = max(map(_bits, v.values()), default=0)
        exact = L is None or any(type(x) is not int for x in v.values())
        size = max(held, _bits(k) + vbits) + 1
        budget.spend(len(v) * (_fraction_units(size) if exact else _mul_units(_bits(k), vbits)), phase)
        budget.hold(_held(len(acc) + len(v), size), phase)
        for i, x in v.items():
            acc[i] = acc.get(i, 0) + k * x
        if exact:  # Fraction sums may grow or shrink: measured, not bounded
            budget.spend(len(acc), phase)
            held = max(map(_bits, acc.values()), default=0)
        else:
            held = size
    return {i: x for i, x in acc.items() if x}, L or 1


def is_prime(n: int) -> bool:
    """Deterministic Miller-Rabin for 0 <= n < 2^64 (the bases 2, ..., 37 decide every such n).

    >>> [n for n in range(30) if is_prime(n)], is_prime(561), is_prime(2**61 - 1)  # 561: Carmichael
    ([2, 3, 5, 7, 11, 13, 17, 19, 23, 29], False, True)
    """
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if n < 2 or any(n % b == 0 for b in bases):
        return n in bases
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for b in bases:  # n is a strong probable prime to base b, or composite
        x = pow(b, d, n)
        if x not in (1, n - 1) and all((x := x * x % n) != n - 1 for _ in range(s - 1)):
            return False
    return True


def _witness_prime(w: dict, where: str) -> int | None:
    """The prime a minor's witness names (``where``.prime), if any: an integer 2 <= p < 2^64
    (malformed otherwise) that must be prime (``_Failed`` if composite)."""
    if "prime" not in w:
        return None
    p = _int(w["prime"], f"{where}.prime", 2)
    if p >= 2**64:
        raise _Malformed(f"{where}.prime", "expected a prime below 2^64")
    if not is_prime(p):
        raise _Failed(f"the witness's prime {_count(p)} is not prime")
    return p


def _residues(v: dict, d: int, p: int, budget: _Budget, phase: str) -> dict:
    """The vector v / d (values ints or Fractions) modulo p, up to a unit factor when p does not
    divide d (a non-zero factor changes no linear dependency); an entry whose reduced
    denominator p divides fails."""
    unit = d % p != 0
    budget.spend(sum(2 + (_bits(x) >> 6) if unit else _fraction_units(_bits(x) + d.bit_length()) for x in v.values()),
                 phase)
    out = {}
    for c, x in v.items():
        q = x if unit else Fraction(x, d)
        y = q % p if type(q) is int else q.numerator * pow(q.denominator, -1, p) % p if q.denominator % p else None
        if y is None:
            raise _Failed(f"an entry's denominator is divisible by the prime {_count(p)}")
        if y:
            out[c] = y
    return out


def _independent(vectors: list[dict], budget: _Budget, prime: int | None = None) -> bool:
    """Linear independence of sparse vectors {coordinate: value}: the checker's one elimination
    routine. Values are residues mod ``prime`` (a row update costs 3 units an entry), or
    Fractions/ints for exact elimination over Q (``prime`` None; charged by the numbers' sizes).
    Each new vector is reduced by the earlier ones whose pivot it meets, in their order (a reduced
    vector holds no earlier pivot, so a reduction only brings in later ones): the work is the
    row updates, never a scan of the whole basis.

    >>> b = _Budget()
    >>> _independent([{0: Fraction(1), 1: Fraction(2)}, {0: Fraction(2), 1: Fraction(4)}], b)
    False
    >>> _independent([{0: 1, 1: 2}, {0: 3, 1: 1}], b, prime=5)  # det = -5
    False
    """
    phase = "the sparse elimination" + (f" modulo {_count(prime)}" if prime else " over Q")
    basis: list[tuple] = []  # (pivot coordinate, vector with 1 at the pivot, the size of its entries)
    position: dict = {}  # pivot coordinate -> its place in the basis
    for v in vectors:
        w, wbits = dict(v), max(map(_bits, v.values()), default=0)
        todo = [position[c] for c in w if c in position]
        budget.spend(5 + 2 * len(w) + 5 * len(todo), phase)
        heapq.heapify(todo)
        while todo:
            pc, b, bbits = basis[heapq.heappop(todo)]
            f = w.get(pc)
            if not f:
                continue
            if prime:
                budget.spend(3 * len(b), phase)
            else:  # by the sizes of the numbers: those of w are tracked as they change
                budget.spend(2 * len(b) * _fraction_units(max(wbits, bbits + _bits(f))), phase)
            for c, x in b.items():
                y = w.get(c, 0) - f * x
                if prime:
                    y %= prime
                elif y:
                    wbits = max(wbits, _bits(y))
                if not y:
                    w.pop(c, None)
                    continue
                if c not in w and c in position:  # a later pivot brought in
                    budget.spend(5, phase)
                    heapq.heappush(todo, position[c])
                w[c] = y
        if not w:
            return False
        pc = min(w)
        position[pc] = len(basis)
        if prime:
            inv = pow(w[pc], -1, prime)
            basis.append((pc, {c: x * inv % prime for c, x in w.items()}, 0))
        else:
            inv = 1 / Fraction(w[pc])
            budget.spend(len(w) * _fraction_units(2 * wbits), phase)
            b = {c: x * inv for c, x in w.items()}
            basis.append((pc, b, max(map(_bits, b.values()))))
    return True


def _show_independent(vectors: list[tuple[dict, int]], budget: _Budget, prime: int | None = None) -> bool:
    """Whether the vectors (entries, denominator) are shown linearly independent (a square minor
    non-singular): by elimination modulo ``prime`` (the witness's, already checked to be prime:
    independent mod p implies independent over Q; always done when named, so a witness's prime
    means the same everywhere). Without one: evident in the identity-on-free-coordinates form
    (each vector alone non-zero at some coordinate), else modulo the checker's own primes and, if
    they all fail, exactly over Q."""
    if not prime:
        count: dict = {}
        for v, _ in vectors:
            for c in v:
                count[c] = count.get(c, 0) + 1
        budget.spend(2 * len(count), "the sparse elimination")
        if all(any(count[c] == 1 for c in v) for v, _ in vectors):
            return True
    for p in (prime,) if prime else _OWN_PRIMES:
        if _independent([_residues(v, d, p, budget, "reducing modulo a prime") for v, d in vectors], budget, p):
            return True
    if prime:
        return False
    budget.spend(sum(_fraction_units(_bits(x) + d.bit_length()) for v, d in vectors for x in v.values()),
                 "the sparse elimination over Q")
    return _independent([{c: Fraction(x, d) for c, x in v.items()} for v, d in vectors], budget)


def _segre_equal(h: list[list[Fraction]], g: list[list[Fraction]], budget: _Budget) -> bool:
    """P(h) == P(g) for the Segre embedding (4.1), without forming the tensors: P(h) = 0 iff
    some h_k = 0; otherwise P(h) = P(g) iff h_k = lambda_k g_k with prod lambda_k = 1."""
    h_zero, g_zero = any(not any(hk) for hk in h), any(not any(gk) for gk in g)
    if h_zero or g_zero:
        return h_zero and g_zero
    prod = Fraction(1)
    for hk, gk in zip(h, g):
        j = next(i for i, x in enumerate(gk) if x)
        lam = hk[j] / gk[j]
        budget.spend(len(hk) * _fraction_units(_bits(lam) + max(map(_bits, gk))), "comparing P(h) and P(g)")
        if any(a != lam * b for a, b in zip(hk, gk)):
            return False
        budget.spend(_fraction_units(_bits(prod) + _bits(lam)), "comparing P(h) and P(g)")
        prod *= lam
    return prod == 1


def _charpoly(G: list, budget: _Budget) -> list:
    """det(x I - G) of a square integer matrix, coefficients highest degree first, by Berkowitz's
    division-free algorithm (exact in integers, O(n^4) multiplications, charged by the sizes of
    the numbers as they grow): step k multiplies the polynomial of the leading k x k block by the
    Toeplitz matrix of 1, -a_kk and -R A^j C (R, C the new row and column left of / above the
    diagonal).

    >>> _charpoly([[2, 1], [1, 2]], _Budget())  # (x - 1)(x - 3)
    [1, -4, 3]
    """
    if not G:
        return [1]
    phase = "the characteristic polynomial of the Gram matrix (Berkowitz)"
    gbits = max(abs(x).bit_length() for row in G for x in row)
    poly = [1, -G[0][0]]
    for k in range(1, len(G)):
        row, v = G[k][:k], [G[i][k] for i in range(k)]
        toeplitz = [1, -G[k][k]]
        for j in range(k):
            budget.spend((k * k + k) * _mul_units(gbits, max(abs(x).bit_length() for x in v)), phase)
            toeplitz.append(-sum(a * b for a, b in zip(row, v)))
            if j < k - 1:
                v = [sum(a * b for a, b in zip(G[i][:k], v)) for i in range(k)]
        budget.spend((k + 2) ** 2 * _mul_units(max(abs(x).bit_length() for x in toeplitz),
                                               max(abs(x).bit_length() for x in poly)), phase)
        poly = [sum(toeplitz[i - j] * poly[j] for j in range(min(i, k) + 1)) for i in range(k + 2)]
    return poly


def _roots_above(q: list, c: Fraction, budget: _Budget) -> tuple:
    """(m, v) for an integer polynomial q (highest degree first) with only real roots: m = the
    multiplicity of the root c, v = the number of roots > c (with multiplicity).

    With c = a/b and r = deg q, Q(y) = b^r q((y + a)/b) has integer coefficients with the signs
    of those of q(x + c); Descartes' rule of signs counts the positive roots of Q / y^m exactly
    because every root is real.

    >>> b = _Budget()
    >>> _roots_above([1, -5, 6], Fraction(2), b), _roots_above([1, -5, 6], Fraction(5, 2), b)  # (x-2)(x-3)
    ((1, 1), (0, 1))
    """
    phase = "counting the eigenvalues above a bound (Descartes' rule)"
    r = len(q) - 1
    a, b = c.numerator, c.denominator
    qbits, abits, bbits = max(abs(x).bit_length() for x in q), a.bit_length(), b.bit_length()
    budget.spend((r + 1) * _mul_units(qbits, r * bbits) + r * r * _mul_units(bbits, r * bbits), phase)
    p = [coef * b ** (r - j) for j, coef in enumerate(reversed(q))]  # lowest degree first
    for i in range(r):  # Taylor shift y -> y + a (Horner)
        budget.spend((r - i) * _mul_units(abits, max(abs(x).bit_length() for x in p)), phase)
        for j in range(r - 1, i - 1, -1):
            p[j] += a * p[j + 1]
    m = next((j for j, x in enumerate(p) if x != 0), len(p))
    signs = [x > 0 for x in p[m:] if x != 0]
    return m, sum(1 for s, t in zip(signs, signs[1:]) if s != t)


# ============================================================================ stage 3: networks
def _read_network(spec: dict, budget: _Budget):
    """The network of a spec, rebuilt independently of the producer (feed-forward specs are
    compiled to the structured network they define). It accepts and refuses the specs the
    producer's readers (graphs/specs.py) accept and refuse, size limits apart: the checker has
    its budget instead."""
    kind = spec.get("kind")
    if kind in ("structured", "feedforward"):
        return _Structured(spec if kind == "structured" else _compile_feedforward(spec, budget), budget)
    if kind == "conv":
        return _Conv(spec)
    raise _Malformed("spec.kind", f"this checker re-checks 'structured', 'conv' and 'feedforward' specs, "
                                  f"got {kind!r:.40}")


class _Structured:
    """A structured network rebuilt from its spec: per layer, the non-zero basis matrices M_k(e_i)
    (sparse, each as integers over its own denominator, :class:`_Scaled`)."""

    kind = "structured"

    def __init__(self, spec: dict, budget: _Budget):
        _obj(spec, "spec", ("kind", "layers"), ("name", "description", "model"))
        if not _list(spec["layers"], "spec.layers"):
            raise _Malformed("spec.layers", "expected at least one layer")
        phase = "reading the spec"
        self.dims: list[int] = []
        self.params: list[int] = []
        # basis[k] = {i: _Scaled M_k(e_i)} for the non-zero M_k(e_i), in increasing i (sparse: a
        # huge "params" with few entries costs nothing)
        self.basis: list[dict] = []
        for k, layer in enumerate(spec["layers"]):
            lw = f"spec.layers[{k}]"
            _obj(layer, lw, ("rows", "cols", "params", "entries"), ("name",))
            rows, cols, params = (_int(layer[f], f"{lw}.{f}", 1) for f in ("rows", "cols", "params"))
            if k == 0:
                self.dims.append(rows)
            elif self.dims[-1] != rows:
                raise _Malformed(f"{lw}.rows", f"expected {self.dims[-1]} (the cols of layer {k - 1}), got {rows}")
            self.dims.append(cols)
            self.params.append(params)
            entries = _list(layer["entries"], f"{lw}.entries")
            budget.spend(20 * len(entries), phase)
            by_param: dict = {}  # {param: {row: {col: the sum of its entries}}}
            for j, e in enumerate(entries):
                ew = f"{lw}.entries[{j}]"
                if not isinstance(e, list) or len(e) != 4:
                    raise _Malformed(ew, "expected [param, row, col, coefficient]")
                p, r, c = (_int(e[0], ew, 0), _int(e[1], ew, 0), _int(e[2], ew, 0))
                if p >= params or r >= rows or c >= cols:
                    raise _Malformed(ew, "index out of range")
                x = e[3] if type(e[3]) is int else _rational(e[3], ew)  # ints stay ints (memory)
                row = by_param.setdefault(p, {}).setdefault(r, {})
                if c in row:  # repeated entries are summed, as the producer does
                    budget.spend(_fraction_units(_bits(row[c]) + _bits(x)), phase)
                    x += row[c]
                row[c] = x
            basis = {}
            for i in sorted(by_param):
                m = {r: row for r, row in ((r, {c: x for c, x in row.items() if x}) for r, row in by_param.pop(i).items())
                     if row}
                if not m:  # M_k(e_i) = 0: no column of A uses parameter i
                    continue
                d = _lcm({x.denominator for row in m.values() for x in row.values()}, budget, phase, _MAX_SCALE_BITS)
                if d is None:  # many distinct big denominators: the entries stay Fractions
                    basis[i] = _scaled(m)
                    continue
                budget.spend(sum(_mul_units(_bits(x), d.bit_length()) for row in m.values() for x in row.values()), phase)
                basis[i] = _scaled({r: {c: x.numerator * (d // x.denominator) for c, x in row.items()}
                                    for r, row in m.items()}, d)
            self.basis.append(basis)
        self.K, self.m, self.n = len(self.params), self.dims[0], self.dims[-1]
        self.n_cols = 1  # S_1 ... S_K, the columns of A
        for s in self.params:
            budget.spend(_mul_units(self.n_cols.bit_length(), s.bit_length()), phase)
            self.n_cols *= s
        self.model = _read_model(spec.get("model"), self.params, budget)

    def _vec(self, rows: dict) -> dict:
        n = self.n
        return {r * n + c: v for r, row in rows.items() for c, v in row.items() if v}

    def column(self, idx: tuple, budget: _Budget) -> tuple[dict, int]:
        """Column idx of A (Corollary 5.2): vec(M_1(e_{i_1}) ... M_K(e_{i_K})), row-major, as
        (integers, denominator); ({}, 1) for a zero column."""
        prod = self.basis[0].get(idx[0])
        for k in range(1, self.K):
            b = self.basis[k].get(idx[k])
            if prod is None or b is None or not prod.rows:
                return {}, 1
            prod = _product(prod, b, budget, "computing the columns of A")
        budget.spend(prod.size if prod else 1, "computing the columns of A")
        return (self._vec(prod.rows), prod.d) if prod else ({}, 1)

    def nonzero_columns(self, budget: _Budget):
        """Yield (index tuple, entries, denominator, a bound on the entries' size, whether they are
        Fractions) for every non-zero column of A, depth-first over the index prefixes whose partial product is
        non-zero (sparse factors never visit all tuples; it holds the partial products of one
        path). The last factor's products are vectorized directly (most of the work is there)."""
        phase = "enumerating the non-zero columns of A"
        last = self.basis[-1]
        if self.K == 1:
            for i, b in last.items():
                budget.spend(40 + b.size, phase)
                yield (i,), self._vec(b.rows), b.d, b.bits, b.exact
            return
        path: list = []  # (index prefix, partial product) of the current path
        todo = [iter(self.basis[0].items())]
        held = 0
        while todo:
            item = next(todo[-1], None)
            if item is None:
                todo.pop()
                if path:
                    held -= _held(path[-1][1].size, path[-1][1].bits)
                    path.pop()
                continue
            i, b = item
            prod = _product(path[-1][1], b, budget, phase) if path else b
            if not prod.rows:
                continue
            idx = (path[-1][0] if path else ()) + (i,)
            if len(idx) == self.K - 1:
                for j, c in last.items():
                    vec = self._vec(_product_rows(prod, c, budget, phase))
                    if vec:
                        budget.spend(len(vec), phase)
                        yield (idx + (j,), vec, prod.d * c.d, prod.bits + c.bits + prod.size.bit_length(),
                               prod.exact or c.exact)
                continue
            held += _held(prod.size, prod.bits)
            budget.hold(held, phase)
            path.append((idx, prod))
            todo.append(iter(self.basis[len(idx)].items()))

    def evaluate(self, h, budget: _Budget) -> _Scaled:
        """M_1(h_1) ... M_K(h_K) exactly."""
        phase = "evaluating the witness's network"
        prod = None
        for k in range(self.K):
            flat = [(h[k][i], ({(r, c): x for r, row in b.rows.items() for c, x in row.items()}, b.d))
                    for i, b in self.basis[k].items() if h[k][i]]
            entries, d = _over_one_denominator(flat, budget, phase)
            mk: dict = {}
            for (r, c), x in entries.items():
                mk.setdefault(r, {})[c] = x
            mk = _scaled(mk, d)
            prod = mk if prod is None else _product(prod, mk, budget, phase)
        return prod


def _same_matrix(a: _Scaled, b: _Scaled, budget: _Budget) -> bool:
    """a == b as rational matrices (a.rows / a.d against b.rows / b.d)."""
    budget.spend((a.size + b.size) * _op_units(max(a.bits, b.bits), max(a.d, b.d).bit_length(), a.exact or b.exact),
                 "comparing the witness networks")
    return (a.rows.keys() == b.rows.keys() and all(a.rows[r].keys() == b.rows[r].keys() for r in a.rows)
            and all(x * b.d == b.rows[r][c] * a.d for r, row in a.rows.items() for c, x in row.items()))


@dataclass(frozen=True)
class _Model:
    """The spec's optional ``model``, read: ``present`` (the spec states one: the canonical text
    names it), per layer what its support may be (``None`` any; a list of frozensets; an int s,
    at most s indices; or ({index: group}, a): covered by at most a of the disjoint groups),
    the spec's ``tie`` groups (1-based) and the tie classes (0-based, merged)."""

    present: bool
    allowed: list
    ties: list
    classes: list

    def allows(self, supp: set, k: int, budget: _Budget) -> bool:
        """Whether a support fits layer k (sections 1.2.2, 3). Disjoint groups cover ``supp`` with
        a groups iff every index of it lies in a group and it meets at most a of them."""
        item = self.allowed[k]
        budget.spend(2 + len(supp) + (2 * len(item) if isinstance(item, list) else 0), "the model's supports")
        if item is None:
            return True
        if isinstance(item, list):
            return any(supp <= a for a in item)
        if isinstance(item, int):
            return len(supp) <= item
        group_of, active = item
        return all(i in group_of for i in supp) and len({group_of[i] for i in supp}) <= active


def _read_model(model, sizes, budget: _Budget) -> _Model:
    """The spec's optional ``model`` (the forms graphs/structured_spec.py reads), read strictly: per
    layer ``null``/``"full"``, a non-empty list of supports (non-empty lists of distinct indices),
    ``{"sparsity": s}`` or ``{"groups": [...], "active": a}``; ``tie``: groups of 1-based layer
    numbers (overlapping groups are merged, as the producer does), tied layers with the same
    supports (or null on all but one); ``description``: text."""
    K = len(sizes)
    if model is None or model == {}:
        return _Model(False, [None] * K, [], [[k] for k in range(K)])
    _obj(model, "spec.model", optional=("supports", "tie", "description"))
    if "description" in model:
        _str(model["description"], "spec.model.description", nonempty=False)
    supports = model.get("supports")
    if supports is not None and (not isinstance(supports, list) or len(supports) != K):
        raise _Malformed("spec.model.supports", f"expected a list with one item per layer ({K})")
    allowed: list = []
    for k, item in enumerate(supports or [None] * K):
        where, size = f"spec.model.supports[{k}]", sizes[k]

        def support(x, w):
            idx = _ints(x, w)
            if not idx or len(set(idx)) != len(idx) or max(idx) >= size:
                raise _Malformed(w, f"expected a non-empty support of distinct indices in 0..{size - 1}")
            return frozenset(idx)

        if item is None or item == "full":
            allowed.append(None)
        elif isinstance(item, list) and item:
            allowed.append([support(a, f"{where}[{j}]") for j, a in enumerate(item)])
        elif isinstance(item, dict) and set(item) == {"sparsity"}:
            if not 1 <= _int(item["sparsity"], f"{where}.sparsity") <= size:
                raise _Malformed(f"{where}.sparsity", f"expected 1..{size}")
            allowed.append(item["sparsity"])
        elif isinstance(item, dict) and set(item) == {"groups", "active"}:
            groups = [support(g, f"{where}.groups[{j}]") for j, g in enumerate(_list(item["groups"], f"{where}.groups"))]
            group_of = {i: j for j, g in enumerate(groups) for i in g}
            if not groups or len(group_of) != sum(len(g) for g in groups):
                raise _Malformed(f"{where}.groups", "expected a non-empty list of disjoint groups")
            if not 1 <= _int(item["active"], f"{where}.active") <= len(groups):
                raise _Malformed(f"{where}.active", f"expected 1..{len(groups)}")
            allowed.append((group_of, item["active"]))
        else:
            raise _Malformed(where, "expected null, \"full\", a non-empty list of supports, {\"sparsity\": s} or "
                                    "{\"groups\": [...], \"active\": a}")
    ties = [_ints(group, f"spec.model.tie[{g}]", 1) for g, group in enumerate(_list(model.get("tie", []), "spec.model.tie"))]
    parent = list(range(K))  # union-find, as graphs/structured_spec.parse_model_spec merges groups

    def root(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for g, layers in enumerate(ties):
        if len(layers) < 2 or len(set(layers)) != len(layers) or max(layers) > K:
            raise _Malformed(f"spec.model.tie[{g}]", f"expected at least two distinct 1-based layer numbers in 1..{K}")
        if len({sizes[x - 1] for x in layers}) != 1:
            raise _Malformed(f"spec.model.tie[{g}]", "tied layers need equal params")
        for x in layers[1:]:
            parent[root(x - 1)] = root(layers[0] - 1)
    classes: dict = {}
    for k in range(K):
        classes.setdefault(root(k), []).append(k)
    classes = sorted(classes.values())
    for cls in classes:  # tied layers choose one support together: the same supports, or null (= the others')
        given = [k for k in cls if allowed[k] is not None]
        for k in given[1:]:
            if _support_sets(allowed[k], sizes[k], budget) != _support_sets(allowed[given[0]], sizes[k], budget):
                raise _Malformed(f"spec.model.supports[{k}]", f"layer {k + 1} is tied to layer {given[0] + 1} but "
                                                             "has different supports")
        for k in cls:
            allowed[k] = allowed[given[0]] if given else None
    return _Model(True, allowed, ties, classes)


def _support_sets(item, size: int, budget: _Budget) -> frozenset:
    """The set of supports a layer's (non-null) model item allows, to compare tied layers' items
    (the producer's pieces; beyond _MAX_SPAN_TUPLES of them the spec is over this checker's budget)."""
    if isinstance(item, list):
        return frozenset(item)
    if isinstance(item, int):  # every s-subset of the indices
        universe, pick = [frozenset([i]) for i in range(min(size, _MAX_SPAN_TUPLES + 1))], item
    else:  # every union of a of the groups
        members: dict = {}
        for i, j in item[0].items():
            members.setdefault(j, set()).add(i)
        universe, pick = [frozenset(members[j]) for j in sorted(members)], item[1]
    n, k = (size if isinstance(item, int) else len(universe)), min(pick, len(universe) - pick)
    if n > _MAX_SPAN_TUPLES or k > 17 or math.comb(n, k) > _MAX_SPAN_TUPLES:  # (n choose k) >= 2^k for k <= n/2
        raise _Failed(f"the supports of tied layers are too many to compare (this checker's budget is "
                      f"{_MAX_SPAN_TUPLES} supports)")
    budget.spend(math.comb(n, k) * (2 + pick), "comparing the supports of tied layers")
    return frozenset(frozenset().union(*c) for c in combinations(universe, pick))


def _check_in_model(model: _Model, h, who: str, budget: _Budget) -> None:
    """h lies in the model collection M: per-layer supports and tied layers (sections 1.2.2, 3)."""
    for k in range(len(h)):
        supp = {i for i, x in enumerate(h[k]) if x}
        if not model.allows(supp, k, budget):
            raise _Failed(f"{who}[{k}] has support {sorted(supp)}, which the model does not allow for layer {k + 1}")
    for group in model.ties:
        if any(h[a - 1] != h[group[0] - 1] for a in group):
            raise _Failed(f"{who} violates the tie {group} (tied layers must be equal)")


def _model_box_union(model: _Model, sizes, budget: _Budget) -> tuple[set, list]:
    """The index tuples of span(U_L P(M^L)) -- the union of the boxes of the model's pieces --
    and the tie classes of more than one layer. The layers of a tie class choose one support
    together and carry equal values, so a class contributes the tuples of its positions whose set
    of values fits an allowed support of each of its layers; classes choose independently. Every
    class has at least one option, so the count only grows: it is compared with the cap class by
    class, each class building at most what the cap leaves it."""
    phase = "enumerating the model span"
    per_class, total = [], 1
    for cls in model.classes:
        room = _MAX_SPAN_TUPLES // total
        size = sizes[cls[0]]
        if len(cls) == 1:  # an untied layer: the indices of an allowed support
            item = model.allowed[cls[0]]
            values = (range(size) if item is None or isinstance(item, int) else
                      sorted(set().union(*item)) if isinstance(item, list) else sorted(item[0]))
            options = [(v,) for v in values[:room + 1]]
        else:
            options = []
            if size > room or size ** len(cls) > 64 * _MAX_SPAN_TUPLES:
                raise _Failed(f"the model span is too large for this checker (budget {_MAX_SPAN_TUPLES} coordinates)")
            for values in product(range(size), repeat=len(cls)):
                budget.spend(3 * len(cls), phase)
                if all(model.allows(set(values), k, budget) for k in cls):
                    options.append(values)
                    if len(options) > room:
                        break
        budget.spend(len(options), phase)
        total *= len(options)
        if total > _MAX_SPAN_TUPLES:
            raise _Failed(f"the model span has more than {_MAX_SPAN_TUPLES} coordinates (checker budget)")
        per_class.append(options)
    budget.hold(_held(total * len(sizes), 0), phase)
    budget.spend(total * len(sizes), phase)
    out = set()
    for choice in product(*per_class):
        t = [0] * len(sizes)
        for cls, values in zip(model.classes, choice):
            for k, v in zip(cls, values):
                t[k] = v
        out.add(tuple(t))
    return out, [c for c in model.classes if len(c) > 1]


def _compile_feedforward(spec: dict, budget: _Budget) -> dict:
    """The structured spec of a ``feedforward`` spec (sections 1.2.2, 6 and 9), rebuilt here.

    Forward weight layer l (1..L) maps the units of layer l-1 to layer l; its parameter p is the
    weight of its p-th edge ``[from, to]`` (dense/null: p = to * n_{l-1} + from). The samples are
    the columns of X = [y_1 ... y_n], y_s = W_L D_{s,L-1} W_{L-1} ... D_{s,1} W_1 x_s, and paper
    factor k holds forward layer l = L + 1 - k: M_1 = [W_L ... W_L], M_k = blockdiag_s(D_{s,l} W_l)
    for 1 < k < L, M_L = blockdiag_s(D_{s,1} W_1 x_s) (for L = 1: M_1 = W_1 [x_1 ... x_n]).
    """
    _obj(spec, "spec", ("kind", "widths", "inputs"), ("name", "description", "edges", "activations"))
    widths = _ints(spec["widths"], "spec.widths", 1)
    if len(widths) < 2:
        raise _Malformed("spec.widths", "expected at least an input and an output width")
    L = len(widths) - 1
    edges_v = [None] * L if spec.get("edges") is None else _list(spec["edges"], "spec.edges")
    if len(edges_v) != L:
        raise _Malformed("spec.edges", f"expected {L} items (one per weight layer)")
    n_samples = len(spec["inputs"]) if isinstance(spec["inputs"], list) else 0
    size = (n_samples + 1) * (sum(widths) + sum(len(e) if isinstance(e, list) else widths[l] * widths[l + 1]
                                                for l, e in enumerate(edges_v)))
    if size > _MAX_COMPILED_SIZE:  # checked before anything of that size is built
        raise _Failed(f"the compiled network has about {_count(size)} entries, which exceeds this checker's budget "
                      f"({_MAX_COMPILED_SIZE}, MAX_COMPILED_SIZE); no claim is verified")
    budget.spend(20 * size, "compiling the feed-forward network")
    edges = []
    for l, ev in enumerate(edges_v):
        n_in, n_out, where = widths[l], widths[l + 1], f"spec.edges[{l}]"
        if ev is None:
            edges.append([(a, b) for b in range(n_out) for a in range(n_in)])
            continue
        layer: dict = {}  # (from, to) -> None: ordered, with O(1) membership
        for e in _list(ev, where):
            if not isinstance(e, list) or len(e) != 2:
                raise _Malformed(where, "expected [from, to] pairs")
            a, b = _int(e[0], where, 0), _int(e[1], where, 0)
            if a >= n_in or b >= n_out or (a, b) in layer:
                raise _Malformed(where, f"edge {[a, b]} out of range or repeated")
            layer[a, b] = None
        if not layer:
            raise _Malformed(where, "expected at least one edge")
        edges.append(list(layer))
    if not _list(spec["inputs"], "spec.inputs"):
        raise _Malformed("spec.inputs", "expected at least one sample")
    xs = []
    for s, x in enumerate(spec["inputs"]):
        if len(_list(x, f"spec.inputs[{s}]")) != widths[0]:
            raise _Malformed(f"spec.inputs[{s}]", f"expected {widths[0]} values")
        xs.append([_rational(v, f"spec.inputs[{s}]") for v in x])
    n = len(xs)
    masks = [[[1] * widths[l] for l in range(1, L)] for _ in range(n)]
    if spec.get("activations") is not None:
        if len(_list(spec["activations"], "spec.activations")) != n:
            raise _Malformed("spec.activations", f"expected {n} items (one per sample)")
        for s, ms in enumerate(spec["activations"]):
            where = f"spec.activations[{s}]"
            if len(_list(ms, where)) != L - 1:
                raise _Malformed(where, f"expected {L - 1} masks")
            for l, mk in enumerate(ms, start=1):
                if len(_list(mk, where)) != widths[l] or any(_int(b, where) not in (0, 1) for b in mk):
                    raise _Malformed(where, f"expected a 0/1 mask of length {widths[l]}")
                masks[s][l - 1] = mk
    layers = []
    for k in range(1, L + 1):
        l = L + 1 - k  # forward weight layer held by paper factor k
        n_in, n_out = widths[l - 1], widths[l]
        first, last = k == 1, k == L  # M_1 is shared by the samples, M_L folds the inputs in
        entries = [[p, b if first else s * n_out + b, s if last else s * n_in + a, xs[s][a] if last else 1]
                   for p, (a, b) in enumerate(edges[l - 1]) for s in range(n)
                   if (first or masks[s][l - 1][b]) and (not last or xs[s][a])]
        layers.append({"rows": n_out if first else n * n_out, "cols": n if last else n * n_in,
                       "params": len(edges[l - 1]), "entries": entries})
    return {"kind": "structured", "layers": layers}


class _Conv:
    """A convolutional network (section 8) rebuilt from its spec, with its own validation."""

    kind = "conv"

    def __init__(self, spec: dict):
        _obj(spec, "spec", ("kind", "N", "root", "edges"), ("name", "description", "boundary"))
        if "name" in spec:
            _str(spec["name"], "spec.name", nonempty=False)
        self.N = _int(spec["N"], "spec.N", 1)
        if spec.get("boundary", "circular") != "circular":
            raise _Malformed("spec.boundary", "only 'circular' is defined")
        self.root = _str(spec["root"], "spec.root")
        self.edges: list[tuple[str, str, list[int]]] = []
        self.out_edges: dict = {}
        into: dict = {}
        pairs: set = set()
        for j, e in enumerate(_list(spec["edges"], "spec.edges")):
            ew = f"spec.edges[{j}]"
            _obj(e, ew, ("from", "to", "support"))
            u, v = _str(e["from"], f"{ew}.from"), _str(e["to"], f"{ew}.to")
            sup = _ints(e["support"], f"{ew}.support")
            if not sup or len(set(sup)) != len(sup) or max(sup) >= self.N:
                raise _Malformed(f"{ew}.support", f"expected distinct offsets in 0..{self.N - 1}")
            if u == v:
                raise _Malformed(ew, "self-loop")
            if (u, v) in pairs:  # graphs/conv.py refuses them too
                raise _Malformed(ew, f"duplicate edge {u!r} -> {v!r} (parallel edges are not allowed)")
            pairs.add((u, v))
            self.edges.append((u, v, sup))
            self.out_edges.setdefault(u, []).append(j)
            into.setdefault(v, []).append(j)
        if not self.edges:
            raise _Malformed("spec.edges", "expected at least one edge")
        if self.root in self.out_edges:
            raise _Malformed("spec.root", "the root has an outgoing edge")
        nodes = set(self.out_edges) | set(into)
        if self.root not in nodes:
            raise _Malformed("spec.root", "the root is on no edge")
        # dist(v) = the number of edges from v to the root, which must be well defined: settled
        # from the root backwards, v once every edge out of it reaches a settled node
        self.dist, todo = {self.root: 0}, [self.root]
        waiting = {u: len(js) for u, js in self.out_edges.items()}
        while todo:
            for j in into.get(todo.pop(), ()):
                u = self.edges[j][0]
                waiting[u] -= 1
                if waiting[u] == 0:
                    ds = {self.dist[self.edges[i][1]] for i in self.out_edges[u]}
                    if len(ds) != 1:
                        raise _Malformed("spec.edges", f"edges out of node {u!r} reach the root by paths of different lengths")
                    self.dist[u] = ds.pop() + 1
                    todo.append(u)
        unsettled = sorted(nodes - set(self.dist))
        for v in unsettled:  # a sink other than the root, else every unsettled node lies on or before a cycle
            if v not in self.out_edges:
                raise _Malformed("spec.edges", f"node {v!r} has no path to the root {self.root!r}")
        if unsettled:
            raise _Malformed("spec.edges", f"cycle through node {unsettled[0]!r}")
        self.leaves = sorted(v for v in nodes if v not in into)
        lengths = {self.dist[f] for f in self.leaves}
        if len(lengths) != 1:
            raise _Malformed("spec.edges", f"leaf-root paths have different lengths {sorted(lengths)}")
        self.K = lengths.pop()
        # pinned layout: layer k = the depth-k edges in spec order, each edge's support in order
        self.slot: list[tuple[int, int]] = []  # edge -> (layer 0..K-1, offset in the layer's vector)
        self.params = [0] * self.K
        for u, _, sup in self.edges:
            k = self.dist[u] - 1
            self.slot.append((k, self.params[k]))
            self.params[k] += len(sup)

    def kernel(self, h, j: int) -> dict:
        """T_e(h): the kernel of edge j as a sparse {offset: value}."""
        k, start = self.slot[j]
        return {o: h[k][start + i] for i, o in enumerate(self.edges[j][2]) if h[k][start + i] != 0}

    def indicator(self, j: int) -> dict:
        """The indicator of edge j's support (Algorithm 8.1)."""
        return {o: 1 for o in self.edges[j][2]}

    def leaf_stream(self, kernel_of, budget: _Budget):
        """Yield (leaf f, kernel of X^f): the sum over the paths from f to the root of the circular
        convolutions of the edge kernels (8.2), as a sparse {offset: value}. Dynamic programming
        from the root (K_root = delta_0, K_v = sum over edges v->w of T_e * K_w) level by level,
        keeping two levels and yielding the leaves (all at distance K) instead of storing them.
        A multiply-add costs 3 units (integers) or a Fraction's, by the sizes of the numbers."""
        phase = "Algorithm 8.1 (the leaf kernels)"
        by_dist: dict = {}
        for v, d in self.dist.items():
            by_dist.setdefault(d, []).append(v)
        memo: dict = {self.root: {0: 1}}
        for d in range(1, self.K + 1):
            level: dict = {}
            held = sum(len(x) for x in memo.values())
            for v in sorted(by_dist.get(d, [])):
                acc: dict = {}
                for j in self.out_edges[v]:
                    kw, kj = memo[self.edges[j][1]], kernel_of(j)
                    sizes = max(map(_bits, kj.values()), default=0) + max(map(_bits, kw.values()), default=0)
                    exact = any(type(x) is not int for x in kj.values())
                    budget.spend(len(kj) * len(kw) * (_fraction_units(sizes) if exact else _mul_units(sizes, 0)) + 1,
                                 phase)
                    budget.hold(held + min(self.N, len(acc) + len(kj) * len(kw)), phase)  # offsets mod N
                    for o, a in kj.items():
                        for s, b in kw.items():
                            t = (o + s) % self.N
                            acc[t] = acc.get(t, 0) + a * b
                kv = {t: x for t, x in acc.items() if x != 0}
                if d == self.K:
                    yield v, kv
                else:
                    level[v] = kv
                    held += len(kv)
            memo = level

    def leaf_kernels(self, kernel_of, budget: _Budget) -> dict:
        """{leaf: kernel of X^f} -- see :meth:`leaf_stream`."""
        return dict(self.leaf_stream(kernel_of, budget))

    def check_path(self, path: list[int]) -> None:
        """``path`` (edge indices, depth 1 first) is a leaf-root path (``_Failed`` if not)."""
        if len(path) != self.K:
            raise _Failed(f"the path has {len(path)} edges, expected K = {self.K}")
        if self.edges[path[0]][1] != self.root:
            raise _Failed("the path's first edge does not enter the root")
        for a, b in zip(path, path[1:]):
            if self.edges[b][1] != self.edges[a][0]:
                raise _Failed(f"edges {a} and {b} of the path do not meet")
        if self.edges[path[-1]][0] not in self.leaves:
            raise _Failed("the path does not start at a leaf")


@dataclass(frozen=True)
class _Scatter:
    """One pass of Algorithm 8.1: per leaf the number of non-zero entries of y_f (distinct offset
    sums), whether every count is 1, the first collision (leaf, offset, count: the first leaf by
    name, its largest count, the least offset reaching it) and the first leaf whose output differs
    from the witness's, when one was given."""

    classes: dict
    scattered: bool
    collision: tuple | None
    mismatch: str | None


def _algorithm_8_1(net: _Conv, budget: _Budget, given: dict | None) -> _Scatter:
    """y_f = M_1(1)...M_K(1) delta_f for every leaf, streamed (Algorithm 8.1)."""
    classes, scattered, collision, mismatch = {}, True, None, None
    for f, y in net.leaf_stream(net.indicator, budget):
        classes[f] = len(y)
        scattered = scattered and all(c == 1 for c in y.values())
        top = max(y.values(), default=0)
        if top > 1 and (collision is None or f < collision[0]):
            collision = (f, min(o for o, c in y.items() if c == top), top)
        if given is not None and mismatch is None and given.get(f, {}) != y:
            mismatch = f
    return _Scatter(classes, scattered, collision, mismatch)


# ============================================================================ stage 4: the rules
@dataclass
class _Context:
    """What the claims of one check share: the one budget, the claims verified so far (a
    ``from_claim`` witness rests on one of them) and the last Algorithm 8.1 pass."""

    budget: _Budget
    verified: dict = field(default_factory=dict)
    scatter: _Scatter | None = None

    def algorithm_8_1(self, net: _Conv, given: dict | None = None) -> _Scatter:
        """The last pass, or a new one when there is none or outputs are to be compared."""
        if given is not None or self.scatter is None:
            self.scatter = _algorithm_8_1(net, self.budget, given)
        return self.scatter

    def rests_on(self, claim: dict, expected: str, status: str) -> dict:
        """The earlier verified claim ``expected``, with ``status``, that a from_claim witness names."""
        ref = _str(_obj(claim["witness"], "witness", ("from_claim",))["from_claim"], "witness.from_claim")
        if ref != expected:
            raise _Malformed("witness.from_claim", f"expected {expected!r}, got {ref!r:.40}")
        if ref not in self.verified:
            raise _Failed(f"it rests on claim {ref!r}, which is missing, later in the list or not verified")
        if self.verified[ref]["status"] != status:
            raise _Failed(f"it rests on claim {ref!r} being {status}, but that claim is {self.verified[ref]['status']}")
        return self.verified[ref]


def _rank_witness_structured(claim: dict, net: _Structured) -> tuple:
    """(r, minor rows, minor columns, the minor's prime or None, kernel side, kernel vectors) of a
    structured rank witness."""
    w = _obj(claim["witness"], "witness", ("minor", "kernel"))
    r = _int(claim.get("value"), "value", 0)
    minor = _obj(w["minor"], "witness.minor", ("rows", "cols"), ("prime",))
    rows = _ints(minor["rows"], "witness.minor.rows")
    cols = [_index_tuple(x, "witness.minor.cols", net.params) for x in _list(minor["cols"], "witness.minor.cols")]
    kern = _obj(w["kernel"], "witness.kernel", ("side", "vectors"))
    side = kern["side"]
    if side not in ("left", "right"):
        raise _Malformed("witness.kernel.side", f"expected 'left' or 'right', got {side!r:.40}")
    vectors = []
    for j, vec in enumerate(_list(kern["vectors"], "witness.kernel.vectors")):
        vw, v = f"witness.kernel.vectors[{j}]", {}
        for e in _list(vec, vw):
            if not isinstance(e, list) or len(e) != 2:
                raise _Malformed(vw, "expected entries [coordinate, rational]")
            key = _int(e[0], vw, 0) if side == "left" else _index_tuple(e[0], vw, net.params)
            if key in v:
                raise _Malformed(vw, f"coordinate {e[0]!r:.60} listed twice")
            v[key] = _rational(e[1], vw)
        vectors.append({c: x for c, x in v.items() if x != 0})
    return r, rows, cols, _witness_prime(minor, "witness.minor"), side, vectors


def _integral(v: dict, budget: _Budget, phase: str) -> dict:
    """A rational vector scaled to integers (by the lcm of its denominators)."""
    L = _lcm({x.denominator for x in v.values()}, budget, phase)
    budget.spend(len(v) * _mul_units(max(map(_bits, v.values()), default=0), L.bit_length()), phase)
    return {c: x.numerator * (L // x.denominator) for c, x in v.items()}


def _rank_by_minor_and_kernel(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """rank A = r: an r x r non-singular minor (>=) and enough independent kernel vectors (<=)."""
    r, rows, cols, prime, side, vectors = _rank_witness_structured(claim, net)
    budget, n_rows = ctx.budget, net.m * net.n
    if len(rows) != r or len(cols) != r:
        raise _Failed(f"the minor has {len(rows)} rows but the claimed rank is {r}" if len(rows) != r
                      else f"the minor has {len(cols)} columns but the claimed rank is {r}")
    if len(set(rows)) != r or len(set(cols)) != r:
        raise _Failed("the minor repeats a row or a column")
    if any(x >= n_rows for x in rows):
        raise _Failed(f"a minor row is out of range 0..{_count(n_rows - 1)}")
    _check_minor([net.column(t, budget) for t in cols], rows, prime, n_rows, budget, "the minor named by the witness")
    if any(not v for v in vectors):
        raise _Failed("a kernel vector is zero")
    if not _show_independent([(v, 1) for v in vectors], budget):
        raise _Failed("the kernel vectors are linearly dependent")
    if side == "left":  # y^T A = 0 on every non-zero column (a column's scaling changes nothing)
        if any(x >= n_rows for v in vectors for x in v):
            raise _Failed("a left-kernel coordinate is out of range")
        if n_rows - len(vectors) != r:
            raise _Failed(f"{len(vectors)} left-kernel vectors give rank <= {_count(n_rows - len(vectors))}, not {r}")
        phase = "testing the left-kernel vectors"
        ys = [_integral(y, budget, phase) for y in vectors]
        ybits = max((abs(x).bit_length() for y in ys for x in y.values()), default=0)
        n_nonzero = 0
        for idx, col, _, bits, exact in net.nonzero_columns(budget):
            n_nonzero += 1
            budget.spend(len(ys) * len(col) * _op_units(ybits, bits, exact), phase)
            for j, y in enumerate(ys):
                if sum(y[i] * v for i, v in col.items() if i in y) != 0:
                    raise _Failed(f"left-kernel vector {j} is not orthogonal to column {list(idx)} of A")
    else:  # A v = 0, v on the non-zero columns (the zero columns are in the kernel anyway)
        phase, cache, held = "testing the right-kernel vectors", {}, 0
        for j, v in enumerate(vectors):
            terms = []
            for t, x in v.items():
                column = cache.get(t) or net.column(t, budget)
                if not column[0]:
                    raise _Failed(f"kernel vector {j} uses the zero column {list(t)} of A")
                if t not in cache and held + len(column[0]) <= MAX_HELD // 4:  # columns used again are kept
                    cache[t], held = column, held + len(column[0])
                terms.append((x, column))
            if _over_one_denominator(terms, budget, phase)[0]:
                raise _Failed(f"kernel vector {j}: A v != 0")
        n_nonzero = sum(1 for _ in net.nonzero_columns(budget))
        if n_nonzero - len(vectors) != r:
            raise _Failed(f"{n_nonzero} non-zero columns minus {len(vectors)} kernel vectors is not {r}")
    return {"n_rows": n_rows, "n_cols": net.n_cols, "n_nonzero": n_nonzero, "rank": r}


def _rank_witness_conv(claim: dict, net: _Conv) -> tuple:
    """(r, {leaf: count}) of a conv rank witness (the counts are read as they are compared)."""
    w = _obj(claim["witness"], "witness", ("classes_per_leaf",))
    r = _int(claim.get("value"), "value", 0)
    return r, _obj(w["classes_per_leaf"], "witness.classes_per_leaf", tuple(net.leaves))


def _rank_by_offset_classes(claim: dict, net: _Conv, ctx: _Context) -> dict:
    """rank A = the number of distinct (leaf, offset-sum) classes = sum_f |supp y_f|: the valid
    index tuples of one class give equal non-zero columns (one circulant block shifted by the
    offset sum), of different classes columns with disjoint supports, invalid tuples zero
    columns (Proposition 8.2's argument)."""
    r, per_leaf = _rank_witness_conv(claim, net)
    classes = ctx.algorithm_8_1(net).classes
    for f in net.leaves:
        if _int(per_leaf[f], f"witness.classes_per_leaf.{f}", 0) != classes[f]:
            raise _Failed(f"leaf {f!r} has {classes[f]} distinct offset sums, not {per_leaf[f]}")
    if sum(classes.values()) != r:
        raise _Failed(f"the structural rank is {sum(classes.values())}, not {r}")
    return {"rank": r}


def _scattered_by_algorithm_8_1(claim: dict, net: _Conv, ctx: _Context) -> dict:
    """Definition 8.1: Algorithm 8.1 re-run, the listed outputs compared, the status required."""
    w = _obj(claim["witness"], "witness", optional=("outputs", "recompute"))
    value = _bool(claim.get("value"), "value")
    if len(w) != 1 or ("recompute" in w and w["recompute"] is not True):
        raise _Malformed("witness", "expected exactly one of 'outputs' or 'recompute': true")
    given = {}
    for f, entries in _obj(w.get("outputs", {}), "witness.outputs", optional=tuple(net.leaves)).items():
        where, given[f] = f"witness.outputs.{f}", {}
        for e in _list(entries, where):
            if not isinstance(e, list) or len(e) != 2:
                raise _Malformed(where, "expected entries [offset, count]")
            if _int(e[0], where, 0) in given[f]:
                raise _Malformed(where, f"offset {e[0]} listed twice")
            given[f][e[0]] = _int(e[1], where, 1)
    scatter = ctx.algorithm_8_1(net, given if "outputs" in w else None)
    if "outputs" in w and scatter.mismatch is not None:
        raise _Failed(f"Algorithm 8.1 output for leaf {scatter.mismatch!r} differs from the witness")
    if value != scatter.scattered or (claim["status"] == "proved") != scatter.scattered:
        raise _Failed(f"Algorithm 8.1 says scattered = {scatter.scattered}, the claim says "
                      f"{claim['status']} (value {value})")
    return dict(zip(("leaf", "offset", "count"), scatter.collision or ()))


def _identifiable_by_full_rank(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Proposition 6.3 with Ker A = {0}: the verified lifting rank is S_1...S_K."""
    rank = ctx.rests_on(claim, "lifting-rank", "proved")["value"]
    if rank != net.n_cols:
        raise _Failed(f"Ker A = {{0}} needs rank A = S_1...S_K = {_count(net.n_cols)}, the lifting rank is {rank}")
    return {"model": net.model.present, "n_cols": net.n_cols}


def _span_groups(raw, where: str, net: _Structured, budget: _Budget, span: set | None = None,
                 exact: bool = False) -> tuple[list, list]:
    """A basis of the model span: disjoint groups of index tuples, each inside one orbit of the
    tie symmetries, covering every coordinate of span(U_L P(M^L)) (or of ``span``, the index
    tuples of some pieces' boxes); returns the groups and the columns of A B (column j = the sum
    of A's columns over group j, as (integers, denominator)). ``exact``: the groups must be
    exactly the orbits of the span's tuples (no tuple outside it, no orbit split)."""
    groups = []
    for j, grp in enumerate(_list(raw, where)):
        grp = [_index_tuple(t, f"{where}[{j}]", net.params) for t in _list(grp, f"{where}[{j}]")]
        if not grp:
            raise _Malformed(f"{where}[{j}]", "empty group")
        groups.append(grp)
    if span is None:
        span, tied = _model_box_union(net.model, net.params, budget)
    else:
        tied = [c for c in net.model.classes if len(c) > 1]

    def orbit_key(t):
        t = list(t)
        for cls in tied:
            for k, v in zip(cls, sorted(t[k] for k in cls)):
                t[k] = v
        return tuple(t)

    seen: set = set()
    for j, grp in enumerate(groups):
        if seen & set(grp) or len(set(grp)) != len(grp):
            raise _Failed(f"group {j} overlaps another group")
        seen |= set(grp)
        if len({orbit_key(t) for t in grp}) != 1:
            raise _Failed(f"group {j} mixes index tuples of different tie orbits")
        if exact:
            budget.spend(len(grp) + len(grp[0]), "the model span's orbits")
        if exact and (not span.issuperset(grp) or len(grp) != _orbit_size(grp[0], tied)):
            raise _Failed(f"group {j} is not a whole tie orbit of the span's index tuples")
    if span - seen:
        raise _Failed(f"the groups miss the model coordinate {list(min(span - seen))}")
    columns = [_over_one_denominator([(1, net.column(t, budget)) for t in grp], budget, "the columns of A B")
               for grp in groups]
    return groups, columns


def _orbit_size(t: tuple, tied: list) -> int:
    """The number of index tuples obtained from t by permuting the positions of each tie class
    (a multinomial coefficient per class)."""
    size = 1
    for cls in tied:
        counts: dict = {}
        for k in cls:
            counts[t[k]] = counts.get(t[k], 0) + 1
        size *= math.factorial(len(cls)) // math.prod(map(math.factorial, counts.values()))
    return size


def _check_minor(columns: list, rows: list, prime: int | None, n_rows: int, budget: _Budget, what: str) -> None:
    """The square minor ``rows`` x ``columns`` (each (integers, denominator); rows < ``n_rows``) is
    non-singular: modulo the witness's ``prime``, else see :func:`_show_independent` (its cost is
    its non-zeros, not its square). ``_Failed`` naming ``what`` if not shown."""
    if len(rows) != len(columns) or len(set(rows)) != len(rows) or any(r >= n_rows for r in rows):
        raise _Failed(f"the minor needs {len(columns)} distinct rows in range")
    keep = set(rows)
    budget.spend(sum(len(c) for c, _ in columns), "the minor")
    minor = [({i: x for i, x in c.items() if i in keep}, d) for c, d in columns]
    if columns and not _show_independent(minor, budget, prime):
        raise _Failed(f"{what} is singular" + (f" modulo the witness's prime {_count(prime)}" if prime else ""))


def _identifiable_on_model_span(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Proposition 6.3: A is injective on span(U_L P(M^L)), which holds every P(h) - P(g): the
    groups' 0/1 vectors span it (every P(h) is constant on tie orbits) and a square minor of A
    times that basis is non-singular."""
    ms = _obj(_obj(claim["witness"], "witness", ("model_span",))["model_span"], "witness.model_span",
              ("groups", "minor_rows"), ("prime",))
    prime = _witness_prime(ms, "witness.model_span")
    groups, columns = _span_groups(ms["groups"], "witness.model_span.groups", net, ctx.budget)
    _check_minor(columns, _ints(ms["minor_rows"], "witness.model_span.minor_rows"), prime, net.m * net.n, ctx.budget,
                 "the minor of A on the model span")
    return {"model": net.model.present, "n_cols": net.n_cols, "n_groups": len(groups)}


def _identifiable_by_kernel_line(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Proposition 6.3: Ker A ∩ V (V = the model span, basis: the groups) is the line of T = B c.
    A minor of A B on all groups but one gives rank(A B) >= #groups - 1, the kernel vector c makes
    it exact; a non-singular 3 x 3 minor of T's flattening at one layer gives it rank >= 3, while
    every P(h) - P(g) has flattening rank <= 2."""
    kl = _obj(_obj(claim["witness"], "witness", ("kernel_line",))["kernel_line"], "witness.kernel_line",
              ("groups", "minor_rows", "minor_groups", "kernel", "flattening_layer", "flattening_minor"), ("prime",))
    prime = _witness_prime(kl, "witness.kernel_line")
    groups, columns = _span_groups(kl["groups"], "witness.kernel_line.groups", net, ctx.budget)
    g = len(groups)
    rows = _ints(kl["minor_rows"], "witness.kernel_line.minor_rows")
    chosen = _ints(kl["minor_groups"], "witness.kernel_line.minor_groups")
    if len(chosen) != g - 1 or len(set(chosen)) != len(chosen) or any(j >= g for j in chosen):
        raise _Failed(f"the minor must use {g - 1} distinct groups")
    _check_minor([columns[j] for j in chosen], rows, prime, net.m * net.n, ctx.budget, "the minor of A on the model span")
    c: dict = {}
    for e in _list(kl["kernel"], "witness.kernel_line.kernel"):
        if not isinstance(e, list) or len(e) != 2:
            raise _Malformed("witness.kernel_line.kernel", "expected entries [group, rational]")
        j = _int(e[0], "witness.kernel_line.kernel", 0)
        if j >= g or j in c:
            raise _Malformed("witness.kernel_line.kernel", f"group {j} out of range or repeated")
        c[j] = _rational(e[1], "witness.kernel_line.kernel")
    c = {j: x for j, x in c.items() if x != 0}
    if not c:
        raise _Failed("the kernel vector is zero")
    if _over_one_denominator([(x, columns[j]) for j, x in c.items()], ctx.budget, "testing the kernel vector")[0]:
        raise _Failed("A B c != 0: the kernel vector is not in the kernel")
    T = {t: x for j, x in c.items() for t in groups[j]}
    k = _int(kl["flattening_layer"], "witness.kernel_line.flattening_layer", 0)
    if k >= net.K:
        raise _Malformed("witness.kernel_line.flattening_layer", "layer out of range")
    fm = _obj(kl["flattening_minor"], "witness.kernel_line.flattening_minor", ("rows", "cols"))
    f_rows = _ints(fm["rows"], "witness.kernel_line.flattening_minor.rows")
    others = net.params[:k] + net.params[k + 1:]
    f_cols = [_index_tuple(t, "witness.kernel_line.flattening_minor.cols", others)
              for t in _list(fm["cols"], "witness.kernel_line.flattening_minor.cols")]
    if len(f_rows) != 3 or len(f_cols) != 3 or len(set(f_rows)) != 3 or len(set(f_cols)) != 3:
        raise _Failed("the flattening minor must be 3 x 3 with distinct rows and columns")
    minor = [({i: x for i in f_rows for x in [T.get(col[:k] + (i,) + col[k:], 0)] if x}, 1) for col in f_cols]
    if not _show_independent(minor, ctx.budget):
        raise _Failed("the flattening minor of the kernel tensor is singular")
    return {"model": net.model.present, "n_cols": net.n_cols, "layer": k + 1}


def _not_identifiable_structured(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Definition 6.1: h, g in the model with equal products and P(h) != P(g)."""
    w = _obj(claim["witness"], "witness", ("h", "g"))
    h, g = _params(w["h"], "witness.h", net.params), _params(w["g"], "witness.g", net.params)
    _check_in_model(net.model, h, "h", ctx.budget)
    _check_in_model(net.model, g, "g", ctx.budget)
    if not _same_matrix(net.evaluate(h, ctx.budget), net.evaluate(g, ctx.budget), ctx.budget):
        raise _Failed("M_1(h_1)...M_K(h_K) != M_1(g_1)...M_K(g_K): the witness networks act differently")
    if _segre_equal(h, g, ctx.budget):
        raise _Failed("P(h) = P(g): the witness parameters are equivalent")
    return {"model": net.model.present, "n_cols": net.n_cols}


# ---------------------------------------------------------------------------- the difference set
def _binomial_at_most(n: int, k: int, cap: int) -> int:
    """C(n, k), or cap + 1 once it exceeds ``cap``: C(n - k + i, i) grows at least twofold with
    each i <= min(k, n - k), so at most log2(cap) + 1 steps whatever the size of n.

    >>> _binomial_at_most(5, 2, 100), _binomial_at_most(10**4000, 3, 100)
    (10, 101)
    """
    if k < 0 or k > n:
        return 0
    k = min(k, n - k)
    c = 1
    for i in range(1, k + 1):
        c = c * (n - k + i) // i
        if c > cap:
            return cap + 1
    return c


def _n_pieces(model: _Model, sizes, cap: int) -> int:
    """The number of linear pieces M^L of the model (one alternative per tie class), or cap + 1
    once it exceeds ``cap``."""
    total = 1
    for cls in model.classes:
        item, size = model.allowed[cls[0]], sizes[cls[0]]
        if item is None:
            n = 1
        elif isinstance(item, list):
            n = len(set(item))
        elif isinstance(item, int):
            n = _binomial_at_most(size, item, cap)
        else:
            n = _binomial_at_most(len(set(item[0].values())), item[1], cap)
        total = min(total * n, cap + 1)
    return total


def _is_piece(model: _Model, key: tuple, sizes, budget: _Budget) -> bool:
    """Whether per-layer supports ``key`` (frozensets) are one piece M^L of the model: the layers
    of a tie class carry one support, an alternative of the class (the whole layer; a listed
    support; exactly s indices; exactly a whole groups)."""
    for cls in model.classes:
        supp, item = key[cls[0]], model.allowed[cls[0]]
        budget.spend(len(cls) + len(supp) + (2 * len(item) if isinstance(item, list) else 0), "the block's pieces")
        if any(key[k] != supp for k in cls):
            return False
        if item is None:
            ok = len(supp) == sizes[cls[0]]  # the whole layer
        elif isinstance(item, list):
            ok = supp in item
        elif isinstance(item, int):
            ok = len(supp) == item
        else:
            group_of, active = item
            touched = {group_of.get(i) for i in supp}
            budget.spend(len(group_of), "the block's pieces")
            ok = (None not in touched and len(touched) == active
                  and sum(1 for g in group_of.values() if g in touched) == len(supp))  # whole groups
        if not ok:
            return False
    return True


def _block_pieces(raw, where: str, net: _Structured, budget: _Budget) -> list | None:
    """A block's ``pieces``: None for "all", else the distinct pieces (tuples of frozensets),
    each one a piece of the spec's model (``_Failed`` if not)."""
    if raw == "all":
        return None
    out: dict = {}
    for j, piece in enumerate(_list(raw, where)):
        pw = f"{where}[{j}]"
        supports = _list(piece, pw)
        if len(supports) != net.K:
            raise _Malformed(pw, f"expected one support per layer ({net.K})")
        key = []
        for k, s in enumerate(supports):
            idx = _ints(s, f"{pw}[{k}]")
            if not idx or len(set(idx)) != len(idx) or max(idx) >= net.params[k]:
                raise _Malformed(f"{pw}[{k}]", f"expected a non-empty support of distinct indices in "
                                               f"0..{_count(net.params[k] - 1)}")
            key.append(frozenset(idx))
        if not _is_piece(net.model, tuple(key), net.params, budget):
            raise _Failed(f"piece {j} of the block is not a piece of the spec's model")
        out[tuple(key)] = None
    if not out:
        raise _Malformed(where, 'expected "all" or a non-empty list of pieces')
    return list(out)


def _pieces_box_union(pieces: list, net: _Structured, budget: _Budget) -> set:
    """The index tuples of the union of the pieces' boxes T^L_1 x ... x T^L_K, counted against
    the span cap before any is built."""
    phase, total = "enumerating the block's span", 0
    for key in pieces:
        budget.spend(net.K, phase)
        size = 1
        for s in key:
            size = min(size * len(s), _MAX_SPAN_TUPLES + 1)
        total += size
        if total > _MAX_SPAN_TUPLES:
            raise _Failed(f"the block's span has more than {_MAX_SPAN_TUPLES} coordinates (checker budget)")
    budget.hold(_held(total * net.K, 0), phase)
    budget.spend(total * net.K, phase)
    return {t for key in pieces for t in product(*(sorted(s) for s in key))}


def _covers_every_pair(blocks: list, net: _Structured, budget: _Budget) -> None:
    """Every pair of pieces (L, L'), L = L' included, lies in one block (``_Failed`` if not).
    All the blocks' pieces are pieces of the model, so counting the covered pairs suffices."""
    if any(b is None for b in blocks):
        return
    listed = sum(len(b) for b in blocks)
    n = _n_pieces(net.model, net.params, listed)
    if any(len(b) == n for b in blocks):
        return
    covered: set = set()
    for b in blocks:
        budget.spend(len(b) * (len(b) + 1) // 2, "the pairs of pieces the blocks cover")
        covered |= {frozenset((x, y)) for i, x in enumerate(b) for y in b[i:]}
    if n > listed or len(covered) != n * (n + 1) // 2:
        raise _Failed(f"the blocks cover {len(covered)} of the {_count(n * (n + 1) // 2)} pairs of the model's "
                      f"{_count(n)} pieces (L = L' included): some pair lies in no block")


def _minor_cubic(raw, where: str, linear_of, d: int, net: _Structured, budget: _Budget) -> dict:
    """The cubic form in z_1..z_d of one listed 3 x 3 flattening minor of T(z) = sum_i z_i B_i:
    {exponent tuple: int}. ``linear_of(t)`` is the linear form {i: B_i[t]} of entry t."""
    m = _obj(raw, where, ("layer", "rows", "cols"))
    k = _int(m["layer"], f"{where}.layer", 0)
    if k >= net.K:
        raise _Malformed(f"{where}.layer", "layer out of range")
    rows = _ints(m["rows"], f"{where}.rows")
    if any(i >= net.params[k] for i in rows):
        raise _Malformed(f"{where}.rows", "index out of range")
    others = net.params[:k] + net.params[k + 1:]
    cols = [_index_tuple(t, f"{where}.cols", others) for t in _list(m["cols"], f"{where}.cols")]
    if len(rows) != 3 or len(cols) != 3 or len(set(rows)) != 3 or len(set(cols)) != 3:
        raise _Failed(f"{where} is not three distinct rows and three distinct columns of a flattening")
    entry = [[linear_of(c[:k] + (r,) + c[k:]) for c in cols] for r in rows]
    bits = max((_bits(x) for row in entry for f in row for x in f.values()), default=0)
    out: dict = {}
    for perm in ((0, 1, 2), (1, 2, 0), (2, 0, 1), (0, 2, 1), (2, 1, 0), (1, 0, 2)):
        sign = 1 if perm in ((0, 1, 2), (1, 2, 0), (2, 0, 1)) else -1
        f1, f2, f3 = (entry[r][perm[r]] for r in range(3))
        budget.spend(len(f1) * len(f2) * len(f3) * 2 * _mul_units(2 * bits, bits), "the flattening minors")
        for i, a in f1.items():
            for j, b in f2.items():
                ab = sign * a * b
                for l, c in f3.items():
                    key = tuple(sorted((i, j, l)))
                    out[key] = out.get(key, 0) + ab * c
    budget.spend(len(out) * (d + 2), "the flattening minors")
    form = {}
    for key, c in out.items():
        if c:
            e = [0] * d
            for v in key:
                e[v] += 1
            form[tuple(e)] = c
    return form


def _macaulay_block(raw_rows, where: str, forms: list, d: int, degree: int, prime: int, budget: _Budget) -> None:
    """The listed rows m*f_j of the Macaulay matrix in degree D form a square block that is
    non-singular modulo p: then every monomial of degree D lies in the ideal of the forms."""
    if degree < 3:
        raise _Failed(f"the Macaulay degree {_count(degree)} is below the degree 3 of the flattening minors")
    n_rows = len(_list(raw_rows, f"{where}.macaulay_rows"))
    n_cols = _binomial_at_most(degree + d - 1, d - 1, n_rows)
    if n_rows != n_cols:
        raise _Failed(f"the Macaulay block lists {n_rows} rows, but there are "
                      f"{'more than ' + str(n_rows) if n_cols > n_rows else n_cols} monomials of degree "
                      f"{_count(degree)} in {d} variables")
    phase = f"the Macaulay matrix modulo {_count(prime)}"
    budget.hold(n_cols * n_cols, phase)  # what elimination may fill in
    seen, rows = set(), []
    for r, item in enumerate(raw_rows):
        rw = f"{where}.macaulay_rows[{r}]"
        if not isinstance(item, list) or len(item) != 2:
            raise _Malformed(rw, "expected [minor number, [exponent, ...]]")
        j = _int(item[0], rw, 0)
        e = tuple(_ints(item[1], rw))
        if len(e) != d:
            raise _Malformed(rw, f"expected an exponent vector of {d} entries")
        if j >= len(forms):
            raise _Failed(f"Macaulay row {r} names minor {j}, but the block lists {len(forms)} minors")
        if sum(e) != degree - 3:
            raise _Failed(f"Macaulay row {r}: z^e f_j has degree {3 + sum(e)}, not {_count(degree)}")
        if (j, e) in seen:
            raise _Failed(f"Macaulay row {r} is listed twice")
        seen.add((j, e))
        form = forms[j]
        budget.spend(len(form) * (d + 4 + max(map(_bits, form.values())) // 64), phase)
        row = {}
        for m, c in form.items():
            c %= prime
            if c:
                row[tuple(a + b for a, b in zip(m, e))] = c
        rows.append(row)
    if not _independent(rows, budget, prime):
        raise _Failed(f"the Macaulay block is singular modulo its prime {_count(prime)}")


def _difference_block(blk: dict, where: str, pieces: list | None, net: _Structured, budget: _Budget) -> tuple:
    """One block (its pieces already read): (d, D) once Ker A ∩ W holds no non-zero tensor with
    every flattening of rank <= 2 (docs/certificate-format.md, "difference_set")."""
    prime = None if blk["prime"] is None else _witness_prime(blk, where)
    span = None if pieces is None else _pieces_box_union(pieces, net, budget)
    groups, columns = _span_groups(blk["groups"], f"{where}.groups", net, budget, span, exact=True)
    n = len(groups)
    kernel = []
    for i, vec in enumerate(_list(blk["kernel"], f"{where}.kernel")):
        vw, v = f"{where}.kernel[{i}]", {}
        for e in _list(vec, vw):
            if not isinstance(e, list) or len(e) != 2:
                raise _Malformed(vw, "expected entries [group, integer]")
            j = _int(e[0], vw, 0)
            if j >= n or j in v:
                raise _Malformed(vw, f"group {j} out of range or repeated")
            v[j] = _int(e[1], vw)
        kernel.append({j: x for j, x in v.items() if x})
    d = len(kernel)
    rows = _ints(blk["minor_rows"], f"{where}.minor_rows")
    chosen = _ints(blk["minor_groups"], f"{where}.minor_groups")
    if len(chosen) != n - d or len(set(chosen)) != len(chosen) or any(j >= n for j in chosen):
        raise _Failed(f"the minor of A·G must use #groups - d = {n - d} distinct groups")
    _check_minor([columns[j] for j in chosen], rows, prime, net.m * net.n, budget, "the minor of A·G on the block's span")
    for i, v in enumerate(kernel):
        if not v:
            raise _Failed(f"kernel vector {i} is zero")
        if _over_one_denominator([(x, columns[j]) for j, x in v.items()], budget, "testing the kernel vectors")[0]:
            raise _Failed(f"kernel vector {i} is not in Ker A: A·G k != 0")
    if not _show_independent([(v, 1) for v in kernel], budget):
        raise _Failed("the kernel vectors are linearly dependent")
    degree = _int(blk["degree"], f"{where}.degree", 0)
    minors = _list(blk["flattening_minors"], f"{where}.flattening_minors")
    if d == 0:
        if degree or minors or _list(blk["macaulay_rows"], f"{where}.macaulay_rows"):
            raise _Failed("Ker A ∩ W = {0} in this block: it takes degree 0, no minors and no Macaulay rows")
        return 0, 0
    if prime is None:
        raise _Malformed(f"{where}.prime", "a block with Ker A ∩ W != {0} names the prime of its Macaulay matrix")
    group_of = {t: j for j, grp in enumerate(groups) for t in grp}
    by_group = [{} for _ in range(n)]
    for i, v in enumerate(kernel):
        for j, x in v.items():
            by_group[j][i] = x
    empty: dict = {}
    linear_of = lambda t: by_group[group_of[t]] if t in group_of else empty  # noqa: E731
    forms = [_minor_cubic(m, f"{where}.flattening_minors[{i}]", linear_of, d, net, budget) for i, m in enumerate(minors)]
    zero = next((i for i, f in enumerate(forms) if not f), None)
    if zero is not None:
        raise _Failed(f"flattening minor {zero} is identically zero on Ker A ∩ W")
    _macaulay_block(blk["macaulay_rows"], where, forms, d, degree, prime, budget)
    return d, degree


def _identifiable_by_difference_set(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Proposition 6.3 by an empty difference set: for every pair of pieces (L, L'), every
    P(h) - P(g) (h in M^L, g in M^L') lies in W, the span of a block holding both, and has every
    flattening of rank <= 2; the block shows that the only tensor of Ker A ∩ W with that property
    is 0 -- Ker A ∩ W = span(B_1..B_d) exactly (a minor of A·G of size #groups - d, d independent
    kernel vectors) and the 3 x 3 flattening minors of T(z) = sum z_i B_i have a Macaulay matrix of
    full column rank in degree D (a square block non-singular modulo a prime): every monomial of
    degree D is in their ideal, so their only common zero over C is z = 0."""
    ds = _obj(_obj(claim["witness"], "witness", ("difference_set",))["difference_set"], "witness.difference_set",
              ("blocks",))
    raw = _list(ds["blocks"], "witness.difference_set.blocks")
    if not raw:
        raise _Malformed("witness.difference_set.blocks", "expected at least one block")
    keys = ("pieces", "groups", "minor_rows", "minor_groups", "kernel", "flattening_minors", "degree", "prime",
            "macaulay_rows")
    blocks = [_obj(b, f"witness.difference_set.blocks[{i}]", keys) for i, b in enumerate(raw)]
    pieces = [_block_pieces(b["pieces"], f"witness.difference_set.blocks[{i}].pieces", net, ctx.budget)
              for i, b in enumerate(blocks)]
    _covers_every_pair(pieces, net, ctx.budget)
    found = [_difference_block(b, f"witness.difference_set.blocks[{i}]", p, net, ctx.budget)
             for i, (b, p) in enumerate(zip(blocks, pieces))]
    return {"model": net.model.present, "n_cols": net.n_cols, "n_blocks": len(blocks),
            "dimension": max(d for d, _ in found), "degree": max(D for _, D in found)}


# ---------------------------------------------------------------------------- real algebraic witnesses
# Elements of Q[alpha] are held as integer polynomials (constant first) over one positive
# denominator; a remainder modulo chi is a pseudo-remainder (multiplied by |lead chi| per step, so
# the denominator stays positive and every size is charged as an integer's).
_MAX_BISECTIONS = 2000  # halvings of a witness's interval, as algebra.algebraic.separate_from_zero


def _word_units(bits_a: int, bits_b: int) -> int:
    """:func:`_mul_units` with each operand at least a machine word: a product of a big number and
    a small one still touches every word of the big one (Horner's rule at small points)."""
    return _mul_units(max(bits_a, 64), max(bits_b, 64))


def _ibits(p) -> int:
    """The size of the largest integer of a list, in bits."""
    return max((abs(x).bit_length() for x in p), default=0)


def _trimmed(p: list) -> list:
    while p and not p[-1]:
        p.pop()
    return p


def _horner(c: list, x: Fraction, budget: _Budget, phase: str) -> tuple[int, int]:
    """c(x) = num / den (den > 0) for integer coefficients c (constant first): with x = a/b,
    num = sum_i c_i a^i b^(n-i) and den = b^n, by Horner's rule in integers (no gcd)."""
    n = len(c) - 1
    if n < 0:
        return 0, 1
    a, b = x.numerator, x.denominator
    xbits = max(a.bit_length(), b.bit_length())
    budget.spend(2 * (n + 1) * _word_units(_ibits(c) + n * xbits + n.bit_length(), xbits), phase)
    acc, power = c[n], 1
    for i in range(n - 1, -1, -1):
        power *= b
        acc = acc * a + c[i] * power
    return acc, power


def _sign_at(chi: list, x: Fraction, budget: _Budget) -> int:
    num = _horner(chi, x, budget, "the sign of the minimal polynomial")[0]
    return (num > 0) - (num < 0)


def _excludes_zero(q: list, lo: Fraction, hi: Fraction, budget: _Budget) -> bool:
    """q(x) != 0 for every x in [lo, hi] by the mean-value enclosure |q(x) - q(c)| <= r sum_i i |q_i| R^(i-1)
    (c the midpoint, r the half-width, R = max(|lo|, |hi|)): |q(c)| > r * slope."""
    phase = "enclosing the witness's entries on the interval"
    budget.spend(4 * _fraction_units(_bits(lo) + _bits(hi)), phase)
    c, r, R = (lo + hi) / 2, (hi - lo) / 2, max(abs(lo), abs(hi))
    vn, vd = _horner(q, c, budget, phase)
    sn, sd = _horner([(i + 1) * abs(x) for i, x in enumerate(q[1:])], R, budget, phase)
    budget.spend(4 * _word_units(max(vn.bit_length(), sn.bit_length()), max(vd.bit_length(), sd.bit_length(),
                                                                          _bits(r))), phase)
    return abs(vn) * sd * r.denominator > r.numerator * sn * vd


def _separate_from_zero(chi: list, lo: Fraction, hi: Fraction, checks: list, budget: _Budget) -> None:
    """Every polynomial of ``checks`` ((label, integer polynomial)) is non-zero at ONE root of chi:
    the one the bisection of [lo, hi] keeps (each halving keeps a sign change; a midpoint root m
    ends it at [m, m]); all of them on the same, first interval of that sequence on which each is
    enclosed away from 0 (algebra.algebraic.separate_from_zero, mirrored step for step)."""
    zero = next((label for label, q in checks if not q), None)
    if zero is not None:
        raise _Failed(f"{zero} is the zero polynomial: it vanishes at every root")
    s_lo = _sign_at(chi, lo, budget)
    bad = checks[0][0]
    for _ in range(_MAX_BISECTIONS + 1):
        if lo == hi:
            bad = next((label for label, q in checks if _horner(q, lo, budget, "evaluating at a rational root")[0] == 0),
                       None)
            if bad is None:
                return
            raise _Failed(f"{bad} vanishes at the rational root of the minimal polynomial the bisection met")
        bad = next((label for label, q in checks if not _excludes_zero(q, lo, hi, budget)), None)
        if bad is None:
            return
        budget.spend(_fraction_units(_bits(lo) + _bits(hi)), "bisecting the interval")
        m = (lo + hi) / 2
        v = _sign_at(chi, m, budget)
        if v == 0:
            lo = hi = m
        elif s_lo * v < 0:
            hi = m
        else:
            lo, s_lo = m, v
    raise _Failed(f"{bad} is not separated from 0 after {_MAX_BISECTIONS} halvings of the interval "
                  "(it may vanish at the root)")


def _poly_mul(a: list, b: list, budget: _Budget, phase: str) -> list:
    """The product of two integer polynomials."""
    if not a or not b:
        return []
    budget.spend(len(a) * len(b) * _word_units(_ibits(a), _ibits(b)), phase)
    out = [0] * (len(a) + len(b) - 1)
    for i, x in enumerate(a):
        if x:
            for j, y in enumerate(b):
                out[i + j] += x * y
    return _trimmed(out)


def _reduce_mod(entries: dict, den: int, chi: list, budget: _Budget, phase: str) -> tuple[dict, int]:
    """Every polynomial of ``entries`` (over ``den``) reduced modulo chi to degree < deg chi, by s
    pseudo-division steps (s = the largest degree - deg chi + 1): p -> |L| p - sign(L) lc x^j chi
    kills the leading coefficient lc (L = lead chi), so the remainders are over den |L|^s."""
    n, lead = len(chi) - 1, chi[-1]
    s = max((len(p) for p in entries.values()), default=0) - n
    if s <= 0:
        return entries, den
    unit, sign, cbits = abs(lead), (lead > 0) - (lead < 0), _ibits(chi)
    budget.spend(len(entries) * s * (n + s) * _word_units(_ibits([x for p in entries.values() for x in p])
                                                         + s * (cbits + 1), cbits), phase)
    out = {}
    for key, p in entries.items():
        p = p + [0] * (n + s - len(p))
        for top in range(n + s - 1, n - 1, -1):
            lc = p[top]
            p = [unit * x for x in p[:top]]
            if lc:
                for i in range(n):
                    p[top - n + i] -= sign * lc * chi[i]
        p = _trimmed(p)
        if p:
            out[key] = p
    return out, den * unit ** s


def _algebraic_params(x, where: str, sizes, budget: _Budget) -> tuple[list, list]:
    """Per-layer coordinates [q_0, q_1, ...] (q_0 + q_1 alpha + ...; [] is 0): (per layer the
    trimmed tuples of rationals, for the model; per layer the (integer polynomial, denominator))."""
    phase = "reading the witness's coordinates"
    layers = _list(x, where)
    if len(layers) != len(sizes):
        raise _Malformed(where, f"expected {len(sizes)} parameter vectors")
    exact, integral = [], []
    for k, (hk, s) in enumerate(zip(layers, sizes)):
        kw = f"{where}[{k}]"
        if len(_list(hk, kw)) != s:
            raise _Malformed(kw, f"expected {s} coordinates, got {len(hk)}")
        exact.append([]), integral.append([])
        for i, q in enumerate(hk):
            coeffs = [_rational(c, f"{kw}[{i}]") for c in _list(q, f"{kw}[{i}]")]
            while coeffs and not coeffs[-1]:
                coeffs.pop()
            den = _lcm({c.denominator for c in coeffs}, budget, phase)
            budget.spend(len(coeffs) * _word_units(max(map(_bits, coeffs), default=0), den.bit_length()), phase)
            exact[k].append(tuple(coeffs))
            integral[k].append(([c.numerator * (den // c.denominator) for c in coeffs], den))
    return exact, integral


def _layer_matrix(net: _Structured, k: int, coords: list, budget: _Budget, phase: str) -> tuple[dict, int]:
    """M_k(h_k) = sum_i h_k[i] M_k(e_i), entries {(row, col): integer polynomial} over one denominator."""
    terms = []
    for i, b in net.basis[k].items():
        C, cden = coords[i]
        if not C:
            continue
        rows, d = b.rows, b.d
        if b.exact:  # Fraction entries: integers over their own lcm
            d = _lcm({x.denominator for row in rows.values() for x in row.values()}, budget, phase)
            budget.spend(b.size * _word_units(b.bits, d.bit_length()), phase)
            rows = {r: {c: x.numerator * (d // x.denominator) for c, x in row.items()} for r, row in rows.items()}
        terms.append((rows, d * cden, C, _ibits(v for row in rows.values() for v in row.values())))
    D = _lcm({den for _, den, _, _ in terms}, budget, phase)
    budget.hold(_held(sum(sum(map(len, rows.values())) * len(C) for rows, _, C, _ in terms), D.bit_length()), phase)
    out: dict = {}
    for rows, den, C, bbits in terms:
        f = D // den
        budget.spend((len(C) + sum(map(len, rows.values())) * len(C)) * _word_units(_ibits(C) + f.bit_length(), bbits),
                     phase)
        fC = [f * x for x in C]
        for r, row in rows.items():
            for c, x in row.items():
                acc = out.setdefault((r, c), [])
                acc.extend([0] * (len(fC) - len(acc)))
                for j, y in enumerate(fC):
                    acc[j] += x * y
    return {key: p for key, p in ((key, _trimmed(p)) for key, p in out.items()) if p}, D


def _poly_matrix_product(a: tuple, b: tuple, budget: _Budget, phase: str) -> tuple[dict, int]:
    """The product of two matrices with integer polynomial entries over their denominators."""
    (ae, ad), (be, bd) = a, b
    by_row: dict = {}
    for (mid, c), p in be.items():
        by_row.setdefault(mid, []).append((c, p))
    alen, blen = max(map(len, ae.values()), default=0), max(map(len, be.values()), default=0)
    abits, bbits = _ibits(x for p in ae.values() for x in p), _ibits(x for p in be.values() for x in p)
    pairs = sum(len(by_row.get(mid, ())) for (_, mid) in ae)
    budget.spend(40 + pairs * alen * blen * _word_units(abits, bbits), phase)
    budget.hold(_held(pairs * (alen + blen), abits + bbits + pairs.bit_length()), phase)
    out: dict = {}
    for (r, mid), pa in ae.items():
        for c, pb in by_row.get(mid, ()):
            acc = out.setdefault((r, c), [])
            acc.extend([0] * (len(pa) + len(pb) - 1 - len(acc)))
            for i, x in enumerate(pa):
                for j, y in enumerate(pb):
                    acc[i + j] += x * y
    return {key: p for key, p in ((key, _trimmed(p)) for key, p in out.items()) if p}, ad * bd


def _evaluate_mod(net: _Structured, coords: list, chi: list, budget: _Budget) -> tuple[dict, int]:
    """M_1(h_1)...M_K(h_K) with entries in Q[T]/(chi), each reduced to degree < deg chi (a
    unique representative: two products agree at every root of chi iff these agree)."""
    phase = "evaluating the witness's network modulo the minimal polynomial"
    prod = None
    for k in range(net.K):
        mk = _reduce_mod(*_layer_matrix(net, k, coords[k], budget, phase), chi, budget, phase)
        prod = mk if prod is None else _reduce_mod(*_poly_matrix_product(prod, mk, budget, phase), chi, budget, phase)
    return prod


def _segre_entry(coords: list, t: tuple, chi: list, budget: _Budget) -> tuple[list, int]:
    """P(h)_t = h_1[t_1] ... h_K[t_K] modulo chi (reduced after each product, as the producer does)."""
    phase = "the entry of P(h) - P(g) named by the hint"
    acc, den = [1], 1
    for k, i in enumerate(t):
        C, cden = coords[k][i]
        (acc, den) = _reduce_mod({0: _poly_mul(acc, C, budget, phase)}, den * cden, chi, budget, phase)
        acc = acc.get(0, [])
        if not acc:
            return [], 1
    return acc, den


def _not_identifiable_algebraic(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Definition 6.1 with h, g in Q(alpha), alpha a real root of the integer polynomial chi: h
    and g lie in the model as polynomials (supports, ties), M(h) - M(g) = 0 modulo chi (so at
    every root of chi), and on one interval of the bisection of [lo, hi] -- which keeps a sign
    change, so holds a real root alpha -- one coordinate per layer of h and of g and the entry
    P(h)_t - P(g)_t are enclosed away from 0: every layer non-zero and P(h) != P(g) at alpha."""
    budget = ctx.budget
    w = _obj(claim["witness"], "witness", ("field", "h", "g", "hints"))
    fw = _obj(w["field"], "witness.field", ("minpoly", "interval"))
    chi = [_int(c, "witness.field.minpoly") for c in _list(fw["minpoly"], "witness.field.minpoly")]
    if len(chi) < 2 or chi[-1] == 0:
        raise _Malformed("witness.field.minpoly", "expected the integers c_0, ..., c_n of a polynomial of degree "
                                                  "n >= 1 (c_n != 0)")
    interval = _list(fw["interval"], "witness.field.interval")
    if len(interval) != 2:
        raise _Malformed("witness.field.interval", "expected [lo, hi]")
    lo, hi = (_rational(x, "witness.field.interval") for x in interval)
    h, h_int = _algebraic_params(w["h"], "witness.h", net.params, budget)
    g, g_int = _algebraic_params(w["g"], "witness.g", net.params, budget)
    hints = _obj(w["hints"], "witness.hints", ("h_nonzero", "g_nonzero", "difference"))
    h_nz = _index_tuple(hints["h_nonzero"], "witness.hints.h_nonzero", net.params)
    g_nz = _index_tuple(hints["g_nonzero"], "witness.hints.g_nonzero", net.params)
    t = _index_tuple(hints["difference"], "witness.hints.difference", net.params)
    if not lo < hi or _sign_at(chi, lo, budget) * _sign_at(chi, hi, budget) >= 0:
        raise _Failed("the minimal polynomial has no sign change on the witness's interval [lo, hi] (lo < hi): "
                      "it isolates no real root")
    _check_in_model(net.model, h, "h", budget)
    _check_in_model(net.model, g, "g", budget)
    (mh, dh), (mg, dg) = _evaluate_mod(net, h_int, chi, budget), _evaluate_mod(net, g_int, chi, budget)
    budget.spend(sum(len(p) for p in mh.values()) * _word_units(_ibits(x for p in mh.values() for x in p), dg.bit_length())
                 + sum(len(p) for p in mg.values()) * _word_units(_ibits(x for p in mg.values() for x in p), dh.bit_length()),
                 "comparing the witness networks")
    if mh.keys() != mg.keys() or any([x * dg for x in mh[key]] != [y * dh for y in mg[key]] for key in mh):
        raise _Failed("M_1(h_1)...M_K(h_K) - M_1(g_1)...M_K(g_K) is not 0 modulo the minimal polynomial")
    (ph, pdh), (pg, pdg) = _segre_entry(h_int, t, chi, budget), _segre_entry(g_int, t, chi, budget)
    budget.spend((len(ph) + len(pg)) * _word_units(max(_ibits(ph), _ibits(pg)), max(pdh, pdg).bit_length()),
                 "the entry of P(h) - P(g) named by the hint")
    diff = [x * pdg for x in ph] + [0] * max(0, len(pg) - len(ph))
    for i, y in enumerate(pg):
        diff[i] -= y * pdh
    checks = ([(f"h[{k}][{i}] (hints.h_nonzero)", h_int[k][i][0]) for k, i in enumerate(h_nz)]
              + [(f"g[{k}][{i}] (hints.g_nonzero)", g_int[k][i][0]) for k, i in enumerate(g_nz)]
              + [(f"P(h)_t - P(g)_t at t = {list(t)} (hints.difference)", _trimmed(diff))])
    _separate_from_zero(chi, lo, hi, checks, budget)
    return {"model": net.model.present, "n_cols": net.n_cols, "degree": len(chi) - 1}


def _identifiable_by_scattering(claim: dict, net: _Conv, ctx: _Context) -> dict:
    """Theorem 8.4: a sufficiently scattered topology (a verified proved ``scattered`` claim)."""
    ctx.rests_on(claim, "scattered", "proved")
    return {}


def _not_identifiable_conv(claim: dict, net: _Conv, ctx: _Context) -> dict:
    """Equal leaf kernels (8.2) but P(h^p) != P(g^p) on one leaf-root path p, so {h} != {g}."""
    w = _obj(claim["witness"], "witness", ("h", "g", "path"))
    h, g = _params(w["h"], "witness.h", net.params), _params(w["g"], "witness.g", net.params)
    path = _ints(w["path"], "witness.path")
    if any(j >= len(net.edges) for j in path):
        raise _Malformed("witness.path", "edge index out of range")
    net.check_path(path)
    if net.leaf_kernels(lambda j: net.kernel(h, j), ctx.budget) != net.leaf_kernels(lambda j: net.kernel(g, j), ctx.budget):
        raise _Failed("the networks of h and g act differently (some leaf kernel differs)")
    on_path = [[[p[net.slot[j][0]][net.slot[j][1] + i] for i in range(len(net.edges[j][2]))] for j in path]
               for p in (h, g)]
    if _segre_equal(*on_path, ctx.budget):
        raise _Failed("P(h^p) = P(g^p) on the witness path: it does not separate {h} from {g}")
    return {"path": [net.edges[path[-1]][0]] + [net.edges[j][1] for j in reversed(path)],
            "all_kernels_nonzero": all(net.kernel(p, j) for p in (h, g) for j in range(len(net.edges)))}


def _not_stable(claim: dict, net, ctx: _Context) -> dict:
    """Not identifiable (a verified refuted ``identifiable`` claim), so not stable."""
    ctx.rests_on(claim, "identifiable", "refuted")
    return {}


def _gram(net: _Structured, scale: int, budget: _Budget) -> list:
    """The integer Gram matrix B^T B of B = scale * A over the non-zero columns (its non-zero
    eigenvalues are scale^2 sigma_i^2)."""
    phase, cols = "the Gram matrix", []
    for idx, col, d, bits, exact in net.nonzero_columns(budget):
        budget.spend(len(col) * (_op_units(scale.bit_length(), bits, exact) + _op_units(scale.bit_length() + bits,
                                                                                         d.bit_length(), exact)), phase)
        scaled = {}
        for r, x in col.items():
            scaled[r], rest = divmod(scale * x, d)
            if rest:
                raise _Failed(f"scale {_count(scale)} does not make column {list(idx)} of A integral")
        cols.append(scaled)
        if len(cols) > _MAX_GRAM_SIDE:
            raise _Failed(f"the Gram matrix side exceeds this checker's budget of {_MAX_GRAM_SIDE}")
    bits = max((abs(x).bit_length() for c in cols for x in c.values()), default=0)
    budget.spend(len(cols) * sum(len(u) for u in cols) * _mul_units(bits, bits), phase)
    return [[sum(x * v.get(i, 0) for i, x in u.items()) for v in cols] for u in cols]


def _stable_by_sigma_min(claim: dict, net: _Structured, ctx: _Context) -> dict:
    """Theorem 7.2 with the deep-NSP constants (1, +inf) of Ker A = {0} and sigma_min(A)^2 in
    [lo, hi]. chi = det(x I - G) of G = B^T B, B = scale * A (Berkowitz) must equal the witness's
    copy. G is positive semi-definite, so every root of chi is real and >= 0, 0 with multiplicity
    n - r (r = the verified rank), and q = chi / x^(n-r) has the roots scale^2 sigma_i^2 > 0;
    Descartes' rule on q(x + c) then counts the roots > c exactly: none below scale^2 lo, some at
    most scale^2 hi. Ker A = {0} means full column rank, so "gram" is always "AtA"."""
    w = _obj(claim["witness"], "witness", ("from_claim", "gram", "scale", "charpoly"))
    value = _obj(claim.get("value"), "value", ("gamma", "rho", "K", "S", "sigma_min_squared", "sigma_min_approx",
                                               "inv_sigma_min_upper", "tensor_bound", "dp_bound", "dp_condition"))
    if _str(w["from_claim"], "witness.from_claim") != "lifting-rank":
        raise _Malformed("witness.from_claim", f"expected 'lifting-rank', got {w['from_claim']!r:.40}")
    if w["gram"] != "AtA":
        raise _Malformed("witness.gram", f"expected 'AtA' (Ker A = {{0}}: A has full column rank), got {w['gram']!r:.40}")
    scale = _int(w["scale"], "witness.scale", 1)
    hint = [_rational(x, "witness.charpoly") for x in _list(w["charpoly"], "witness.charpoly")]
    interval = _obj(value["sigma_min_squared"], "value.sigma_min_squared", ("lo", "hi"))
    lo, hi = (_rational(interval[e], f"value.sigma_min_squared.{e}") for e in ("lo", "hi"))
    u = _rational(value["inv_sigma_min_upper"], "value.inv_sigma_min_upper")
    approx = _list(value["sigma_min_approx"], "value.sigma_min_approx")
    if len(approx) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in approx):
        raise _Malformed("value.sigma_min_approx", "expected two numbers")
    for key, text in (("tensor_bound", STABLE_TENSOR_BOUND), ("dp_bound", STABLE_DP_BOUND),
                      ("dp_condition", STABLE_DP_CONDITION)):
        if value[key] != text:
            raise _Malformed(f"value.{key}", f"expected {text!r}")
    if (value["gamma"], value["rho"]) != ("1", "inf"):
        raise _Failed(f"Ker A = {{0}} gives the deep-NSP constants (1, inf), not {(value['gamma'], value['rho'])}")
    if "lifting-rank" not in ctx.verified:
        raise _Failed("it rests on claim 'lifting-rank', which is missing, later in the list or not verified")
    r = ctx.verified["lifting-rank"]["value"]
    if r != net.n_cols:
        raise _Failed(f"the deep-NSP constants (1, inf) need Ker A = {{0}}, i.e. rank A = S_1...S_K = {net.n_cols}, "
                      f"the lifting rank is {r}")
    K, S = _int(value["K"], "value.K"), _int(value["S"], "value.S")
    if (K, S) != (net.K, max(net.params)):
        raise _Failed(f"(K, S) is {(net.K, max(net.params))} for this network (S = max_k S_k), not {(K, S)}")
    if not 0 < lo <= hi:
        raise _Failed(f"the interval [{lo}, {hi}] for sigma_min^2 needs 0 < lo <= hi")
    if u <= 0 or u * u * lo < 1:
        raise _Failed(f"inv_sigma_min_upper = {u} is not >= 1/sqrt(lo)")
    for x, end in zip(approx, (lo, hi)):
        if abs(x - math.sqrt(end)) > 1e-9 * math.sqrt(end):
            raise _Failed(f"sigma_min_approx {x} is not sqrt({end}) = {math.sqrt(end)}")
    G = _gram(net, scale, ctx.budget)
    n, chi = len(G), _charpoly(G, ctx.budget)
    if hint != chi:
        raise _Failed(f"the witness's characteristic polynomial differs from det(x I - G) of the {n} x {n} "
                      f"Gram matrix AtA of {_count(scale)} A")
    nullity = next(j for j, c in enumerate(reversed(chi)) if c != 0)
    if nullity != n - r:
        raise _Failed(f"the Gram matrix has the eigenvalue 0 with multiplicity {nullity}, not n - rank A = {n - r}")
    q = chi[: n - nullity + 1]  # chi / x^(n - r): the roots scale^2 sigma_i^2
    ctx.budget.spend(2 * _fraction_units(_bits(lo) + _bits(hi) + 2 * scale.bit_length()), "scaling the bounds")
    m, above = _roots_above(q, lo * scale * scale, ctx.budget)
    if m + above != r:
        raise _Failed(f"{r - m - above} non-zero eigenvalue(s) of the Gram matrix lie below scale^2 lo: "
                      f"sigma_min^2 < lo = {lo}")
    if _roots_above(q, hi * scale * scale, ctx.budget)[1] == r:
        raise _Failed(f"every non-zero eigenvalue of the Gram matrix exceeds scale^2 hi: sigma_min^2 > hi = {hi}")
    return {"lo": lo, "hi": hi, "u": u}


def _stable_by_theorem_8_4(claim: dict, net: _Conv, ctx: _Context) -> dict:
    """Theorem 8.4's bound for a scattered topology with this network's (K, S', N); with
    Proposition 8.3 (one leaf-root path) the constants (1, +inf) and sigma_min = sqrt(N)."""
    ctx.rests_on(claim, "scattered", "proved")
    value = _obj(claim.get("value"), "value", ("K", "S_prime", "N", "formula"), ("proposition_8_3",))
    s_prime = max(len(sup) for _, _, sup in net.edges)
    got = (_int(value["K"], "value.K"), _int(value["S_prime"], "value.S_prime"), _int(value["N"], "value.N"))
    if got != (net.K, s_prime, net.N):
        raise _Failed(f"(K, S', N) is {(net.K, s_prime, net.N)} for this network, not {got}")
    if value["formula"] != CONV_STABLE_FORMULA:
        raise _Malformed("value.formula", f"expected {CONV_STABLE_FORMULA!r}")
    one_path = "proposition_8_3" in value
    if one_path:
        if value["proposition_8_3"] != {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}:
            raise _Malformed("value.proposition_8_3", 'expected {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}')
        n_paths = sum(y.get(0, 0) for _, y in net.leaf_stream(lambda j: {0: 1}, ctx.budget))
        if n_paths != 1:
            raise _Failed(f"Proposition 8.3 needs exactly one leaf-root path, the network has {n_paths}")
    return {"K": net.K, "S_prime": s_prime, "N": net.N, "one_path": one_path}


@dataclass(frozen=True)
class _Rule:
    """How one kind of claim is re-checked: ``check(claim, net, ctx)`` reads and verifies its
    witness and returns the values filling ``statement`` (a str.format template); the
    ``assumptions`` and ``relies_on`` are fixed."""

    check: Callable[..., dict]
    statement: str
    assumptions: tuple = ()
    relies_on: tuple = ()


_FIELD_R = "field: R (the proof holds over any field containing Q)"
_FIELD_C = "field: C, hence R (no complex common zero of the flattening minors but 0)"
_FIELD_REAL_ALGEBRAIC = "field: R (the witness is real: alpha is a real root, isolated by a sign change)"
_EQUIV_STRUCTURED = "equivalence: <h> (section 3)"
_EQUIV_CONV = "equivalence: {h} (section 8)"
_IDENTIFIABLE = ("Proposition 6.3", "Definition 6.1")

# THE table: (network kind, claim id, status, witness kind) -> rule. Feed-forward networks are
# checked as the structured network they compile to.
_RULES = {
    ("structured", "lifting-rank", "proved", "minor"): _Rule(
        _rank_by_minor_and_kernel,
        "The lifting operator A ({n_rows} x {n_cols}, {n_nonzero} non-zero columns) has rank {rank} over Q.",
        (), ("Corollary 5.2",)),
    ("structured", "identifiable", "proved", "from_claim"): _Rule(
        _identifiable_by_full_rank,
        "Every class <h> is identifiable in {model}: Ker A = {{0}} since rank A = S_1...S_K = {n_cols}.",
        (_FIELD_R, _EQUIV_STRUCTURED), _IDENTIFIABLE + ("lifting-rank",)),
    ("structured", "identifiable", "proved", "model_span"): _Rule(
        _identifiable_on_model_span,
        "Every class <h> is identifiable in {model}: A is injective on the {n_groups}-dimensional span of "
        "the model's Segre images, which contains every P(h) - P(g).",
        (_FIELD_R, _EQUIV_STRUCTURED), _IDENTIFIABLE),
    ("structured", "identifiable", "proved", "kernel_line"): _Rule(
        _identifiable_by_kernel_line,
        "Every class <h> is identifiable in {model}: Ker A meets the span of the model's Segre images in "
        "a line spanned by a tensor whose flattening at layer {layer} has rank >= 3, while every "
        "P(h) - P(g) has flattening rank <= 2.",
        (_FIELD_R, _EQUIV_STRUCTURED), _IDENTIFIABLE),
    ("structured", "identifiable", "refuted", "counterexample"): _Rule(
        _not_identifiable_structured,
        "Not identifiable in {model}: the parameters h and g of the witness give the same "
        "product M_1(h_1)...M_K(h_K) but P(h) != P(g).",
        (_EQUIV_STRUCTURED,), ("Definition 6.1", "Proposition 6.3")),
    ("structured", "identifiable", "proved", "difference_set"): _Rule(
        _identifiable_by_difference_set,
        "Every class <h> is identifiable in {model}: in each of the {n_blocks} block(s) of model pieces of the "
        "witness, no non-zero tensor of Ker A cap W (W the span of the block's Segre images; dimension <= "
        "{dimension}) has every flattening of rank <= 2 -- the 3 x 3 flattening minors have a Macaulay matrix of "
        "full column rank in degree <= {degree}, so their only common zero over C, hence over R, is 0 -- while "
        "every P(h) - P(g) lies in W and has flattening rank <= 2.",
        (_FIELD_C, _EQUIV_STRUCTURED), _IDENTIFIABLE),
    ("structured", "identifiable", "refuted", "algebraic_counterexample"): _Rule(
        _not_identifiable_algebraic,
        "Not identifiable in {model}: the parameters h and g of the witness, with coordinates in Q(alpha) for the "
        "real root alpha of an integer polynomial of degree {degree} isolated by the witness's interval, give the "
        "same product M_1(h_1)...M_K(h_K) but P(h) != P(g).",
        (_FIELD_REAL_ALGEBRAIC, _EQUIV_STRUCTURED), ("Definition 6.1", "Proposition 6.3")),
    ("structured", "stable", "proved", "gram"): _Rule(
        _stable_by_sigma_min,
        "Ker A = {{0}} satisfies the deep-NSP with constants (1, +inf) and {sigma} "
        "(sigma_min ~ {approx}), so Theorem 7.2 gives ||P(h*) - P(hbar)|| <= u (delta + eta) "
        "and (7.5) with u = {u} >= 1/sigma_min, for every delta, eta.",
        ("||M_1(hbar_1)...M_K(hbar_K) - X|| <= delta and ||M_1(h*_1)...M_K(h*_K) - X|| <= eta (7.1), (7.2)",
         "(7.5) additionally: " + STABLE_DP_CONDITION),
        ("Theorem 7.2", "Definition 7.1", "lifting-rank", "identifiable")),
    ("structured", "stable", "refuted", "from_claim"): _Rule(
        _not_stable, "Stable recovery fails: the parameters are not even identifiable.",
        (), ("Theorem 7.2", "identifiable")),
    ("conv", "lifting-rank", "proved", "classes_per_leaf"): _Rule(
        _rank_by_offset_classes,
        "The lifting operator A has rank {rank}: the number of distinct (leaf, offset-sum) classes of valid paths.",
        (), ("Corollary 5.2", "Proposition 8.2")),
    ("conv", "scattered", "proved", "algorithm_8_1"): _Rule(
        _scattered_by_algorithm_8_1,
        "The topology is sufficiently scattered: every entry of M_1(1)...M_K(1) is 0 or 1.",
        (), ("Definition 8.1", "Algorithm 8.1")),
    ("conv", "scattered", "refuted", "algorithm_8_1"): _Rule(
        _scattered_by_algorithm_8_1,
        "The topology is not sufficiently scattered: some entry of M_1(1)...M_K(1) exceeds 1 "
        "(leaf {leaf}, offset {offset}: {count} path/offset choices collide).",
        (), ("Definition 8.1", "Algorithm 8.1")),
    ("conv", "identifiable", "proved", "from_claim"): _Rule(
        _identifiable_by_scattering,
        "The network is identifiable up to the path-wise equivalence {{h}} of section 8, for parameters "
        "whose edge kernels are all non-zero.",
        ("every edge kernel is non-zero", _EQUIV_CONV), ("Theorem 8.4", "Proposition 8.2", "scattered")),
    ("conv", "identifiable", "refuted", "counterexample"): _Rule(
        _not_identifiable_conv,
        "Not identifiable (Theorem 8.4): h and g give the same network action but P(h^p) != P(g^p) on the "
        "path {path}{scope}",
        (_EQUIV_CONV,), ("Theorem 8.4", "Proposition 8.2", "scattered")),
    ("conv", "stable", "proved", "from_claim"): _Rule(
        _stable_by_theorem_8_4,
        "Stable recovery (Theorem 8.4): delta_p({{h*}}, {{h}}) <= 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N) "
        "with K = {K}, S' = {S_prime}, N = {N}, whenever every edge kernel has sup-norm >= eps and "
        "delta + eta <= sqrt(N) eps^K / 2.{one_path}",
        ("||T_e(h)||_inf >= eps for every edge e", "delta + eta <= sqrt(N) eps^K / 2"),
        ("Theorem 8.4", "scattered")),
    ("conv", "stable", "refuted", "from_claim"): _Rule(
        _not_stable, "Stable recovery fails: the network is not identifiable.", (), ("Theorem 8.4", "identifiable")),
}
_CLAIM_IDS = tuple(dict.fromkeys(key[1] for key in _RULES))  # the ids that may be proved/refuted
# A witness's kind is named by the first of these keys it carries; its rule then reads it strictly.
_WITNESS_KEYS = {"minor": "minor", "classes_per_leaf": "classes_per_leaf", "outputs": "algorithm_8_1",
                 "recompute": "algorithm_8_1", "model_span": "model_span", "kernel_line": "kernel_line",
                 "difference_set": "difference_set", "field": "algebraic_counterexample", "h": "counterexample", "gram": "gram", "from_claim": "from_claim"}


def canonical_claim_text(kind: str, claim_id: str, status: str, witness_kind: str, **values) -> tuple:
    """(statement, assumptions, relies_on) of a re-checked claim, the only text it may carry.

    ``kind`` is ``"structured"`` (also for feed-forward networks) or ``"conv"``; ``values`` fill
    the rule's template: ``n_rows, n_cols, n_nonzero, rank, model`` (``model`` true when the
    spec has one), ``n_groups``, ``layer`` (1-based), ``lo, hi, u`` (Fractions), ``leaf, offset,
    count``, ``path`` (node names, leaf first), ``all_kernels_nonzero``, ``K, S_prime, N, one_path``.

    >>> canonical_claim_text("conv", "lifting-rank", "proved", "classes_per_leaf", rank=3)[0]
    'The lifting operator A has rank 3: the number of distinct (leaf, offset-sum) classes of valid paths.'
    """
    rule = _RULES[(kind, claim_id, status, witness_kind)]
    relies_on = rule.relies_on  # integers as _count writes them: never thousands of decimal digits
    v = {k: _count(x) if isinstance(x, int) and not isinstance(x, bool) else x for k, x in values.items()}
    if "model" in v:
        v["model"] = "the model of the spec" if v["model"] else "the full model R^{S_1} x ... x R^{S_K}"
    if "lo" in v:
        lo, hi = v["lo"], v["hi"]
        v["sigma"] = (f"sigma_min(A)^2 = {_frac_str(lo)}" if lo == hi
                      else f"sigma_min(A)^2 in [{_frac_str(lo)}, {_frac_str(hi)}]")
        v["approx"], v["u"] = f"{math.sqrt(lo):.6g}", _frac_str(v["u"])
    if "path" in v:
        v["path"] = " -> ".join(v["path"])
        v["scope"] = ("; every edge kernel of h and g is non-zero." if v["all_kernels_nonzero"] else
                      "; some edge kernel of the witness is zero, so this refutes identifiability "
                      "over all of R^{S x K} only, not for parameters whose kernels are all non-zero.")
    if "one_path" in v:
        one = v["one_path"]
        v["one_path"] = (f" One path (Proposition 8.3): Ker A = {{0}}, deep-NSP constants (1, +inf), "
                         f"sigma_min(A) = sqrt({v['N']})." if one else "")
        relies_on = relies_on + (("Proposition 8.3",) if one else ())
    return rule.statement.format(**v), list(rule.assumptions), list(relies_on)


def _frac_str(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


_RANK_WITNESS = {"structured": _rank_witness_structured, "conv": _rank_witness_conv}


def _rule_for(claim: dict, net) -> tuple:
    """(key, rule) of a re-checked claim. A combination without a rule is malformed, except two
    the format calls wrong (exit 1): 'scattered' on a structured network, and a rank claim that
    is not 'proved' (its witness is read first, so a malformed one stays malformed)."""
    cid, status, witness = claim["id"], claim["status"], claim["witness"]
    if cid == "scattered" and net.kind != "conv":
        raise _Failed("'scattered' is defined for conv networks only (Definition 8.1)")
    if cid == "lifting-rank" and status != "proved":
        _RANK_WITNESS[net.kind](claim, net)
        raise _Failed("a lifting-rank claim can only be 'proved'")
    if cid == "identifiable" or (cid, status) == ("stable", "refuted"):  # a yes/no value: its status
        value = _bool(claim.get("value"), "value")
        if value != (status == "proved"):
            raise _Failed(f"value {value} contradicts status {status}")
    key = (net.kind, cid, status, next((kind for k, kind in _WITNESS_KEYS.items() if k in witness), None))
    if key not in _RULES:
        kinds = " or ".join(sorted(k[3] for k in _RULES if k[:3] == key[:3]))
        raise _Malformed("witness", f"a {status} {net.kind} {cid!r} claim takes a {kinds} witness; "
                                    f"this one has the fields {sorted(witness)!r:.80}")
    return key, _RULES[key]


def _verify(claim: dict, net, ctx: _Context) -> tuple:
    """Run the claim's rule: (its key, the canonical text filled with the values it verified)."""
    key, rule = _rule_for(claim, net)
    return key, canonical_claim_text(*key, **rule.check(claim, net, ctx))


def _compare_words(claim: dict, key: tuple, words: tuple) -> None:
    """The claim's statement, assumptions and relies_on are the canonical ones (``_Failed`` if not)."""
    statement, assumptions, relies_on = words
    what = f"a {key[2]} {key[0]} {key[1]!r} claim with a {key[3]} witness"
    if claim["statement"] != statement:
        raise _Failed(f"statement is not the canonical statement for {what}: expected {statement!r}")
    if claim.get("assumptions", []) != assumptions:
        raise _Failed(f"assumptions are not the canonical assumptions for {what}: expected {assumptions!r}")
    if claim["relies_on"] != relies_on:
        raise _Failed(f"relies_on is not the canonical relies_on for {what}: expected {relies_on!r}")


# ============================================================================ the pipeline
def check_certificate(text, progress=None) -> CheckReport:
    """Check a certificate given as JSON text/bytes (or an already-parsed dict); ``progress``: a
    text stream (a terminal) to draw the progress line on, or None.

    Never raises on bad input: an unexpected exception inside the checker (a shape of input no
    reader anticipated) is reported as malformed (exit 2), never as a traceback or as verified.
    """
    try:
        return _check(text) if progress is None else _check(text, progress)
    except RecursionError:
        return CheckReport(2, "malformed: nested too deeply", ["nested too deeply"])
    except Exception as exc:  # noqa: BLE001 -- the catch-all is the point: exit 2, not a crash
        line = f"internal error while checking: {type(exc).__name__}: {str(exc)[:200]}"
        return CheckReport(2, f"malformed: {line}", [line])
    finally:
        if progress is not None:
            _Progress(progress).clear()


def _check(text, progress=None) -> CheckReport:
    """read -> hash -> spec -> each claim (see the module docstring), under one budget."""
    budget = _Budget(progress=_Progress(progress) if progress is not None else None)
    try:
        if not isinstance(text, dict):
            budget.spend(len(text), "reading the certificate")  # ~ what parsing it costs
        doc = text if isinstance(text, dict) else _read_json(text)
        _read_document(doc)
    except _Malformed as exc:
        return CheckReport(2, f"malformed: {exc}", [str(exc)])
    except _Failed as exc:
        return CheckReport(1, f"FAILED: {exc}", [f"read: {exc}"])
    claims, spec, report = doc["claims"], doc["network"]["spec"], CheckReport(0, "")
    try:
        digest = spec_sha256(spec)
    except (ValueError, RecursionError) as exc:
        return CheckReport(2, f"malformed: network.spec cannot be hashed ({type(exc).__name__})")
    if digest != doc["network"]["sha256"]:
        report.failures.append(f"hash: sha256 of the embedded spec is {digest}, the certificate says "
                               f"{doc['network']['sha256']}")
    net = None
    if not report.failures and any(c["status"] in _RECHECKED for c in claims):  # the spec, when needed
        try:
            if budget.progress is not None:
                budget.progress.claim = "spec"
            net = _read_network(spec, budget)
        except _Malformed as exc:
            return CheckReport(2, f"malformed: {exc}", [str(exc)])
        except _Failed as exc:  # over the checker's budget: nothing can be verified
            report.failures.append(f"spec: {exc}")
    ctx = _Context(budget)
    for claim in claims:
        cid, status = claim["id"], claim["status"]
        if status not in _RECHECKED:
            report.claims[cid] = f"not re-checked ({status})"
            continue
        report.claims[cid] = "failed"
        if net is None:
            continue
        if budget.progress is not None:
            budget.progress.claim = cid
        try:
            _compare_words(claim, *_verify(claim, net, ctx))  # "verified" covers the words too
            ctx.verified[cid], report.claims[cid] = claim, "verified"
        except _Malformed as exc:
            return CheckReport(2, f"malformed: claim {cid}: {exc}", [f"{cid}: {exc}"])
        except _Failed as exc:
            report.failures.append(f"{cid}: {exc}")
        except (ValueError, ZeroDivisionError, RecursionError, MemoryError, OverflowError) as exc:
            report.failures.append(f"{cid}: could not be checked ({type(exc).__name__}: {str(exc)[:200]})")
    n_checked = sum(1 for v in report.claims.values() if v in ("verified", "failed"))
    n_verified = sum(1 for v in report.claims.values() if v == "verified")
    if report.failures:
        report.exit_code = 1
        report.verdict = (f"FAILED: {len(report.failures)} problem(s); {n_verified} of {n_checked} "
                          f"re-checkable claim(s) verified")
    else:
        report.verdict = (f"verified: {n_checked} claim(s) re-checked, {len(report.claims) - n_checked} "
                          f"not re-checked (probable/numeric/inconclusive)")
    return report


def check_file(path, progress=None) -> CheckReport:
    """Read and check a certificate file (an unreadable file gives exit code 2; one larger than
    _MAX_BYTES, exit 1: over this checker's budget)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(_MAX_BYTES + 1)
    except OSError as exc:
        return CheckReport(2, f"malformed: cannot read {path}: {exc.strerror or exc}")
    if len(data) > _MAX_BYTES:
        line = f"read: the file exceeds this checker's work budget ({_MAX_BYTES} bytes); nothing is verified"
        return CheckReport(1, "FAILED: 1 problem(s); the certificate was not read", [line])
    return check_certificate(data, progress)


def _write(stream, text: str) -> None:
    """Write any string: what the stream's encoding cannot hold (a lone surrogate of a hostile
    claim id, say) is written as a backslash escape instead of raising."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def main(argv=None) -> int:
    """``python certificates/checker.py CERT``: the verdict on stdout, diagnostics on stderr (and a
    progress line there while checking, when stderr is a terminal). Every path ends in one
    verdict line and exit status 0, 1 or 2."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        _write(sys.stderr, "usage: checker.py CERTIFICATE.json\n")
        _write(sys.stdout, "malformed: no certificate given\n")
        return 2
    try:
        report = check_file(argv[0], sys.stderr if sys.stderr.isatty() else None)
    except Exception as exc:  # noqa: BLE001 -- check_certificate already catches; belt and braces
        report = CheckReport(2, f"malformed: internal error while checking: {type(exc).__name__}: {str(exc)[:200]}")
    for line in report.failures:
        _write(sys.stderr, line + "\n")
    for cid, state in report.claims.items():
        if state.startswith("not re-checked"):
            _write(sys.stderr, f"{cid}: {state}\n")
    _write(sys.stdout, report.verdict + "\n")
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
