"""The independent certificate checker -- standard library only.

Trusting a tensorlift certificate means trusting this one file. It imports nothing but the
Python standard library (never sympy, numpy, networkx or the rest of tensorlift) and re-checks
every ``proved`` / ``refuted`` claim of a certificate from the spec embedded in it, in exact
rational arithmetic (:class:`fractions.Fraction`). The format is described in
``docs/certificate-format.md`` (version 1); this checker accepts major version 1 only.

Pipeline (each stage runs only if the previous one passed):

1. **format** -- strict parsing of the whole document: unknown fields, wrong types, unknown
   statuses, a ``proved``/``refuted`` claim without a witness -> *malformed* (exit 2);
2. **hash** -- SHA-256 of the canonical JSON of the embedded spec (exit 1 on mismatch);
3. **spec** -- the network is rebuilt from the spec by this module's own parser;
4. **claims** -- each ``proved``/``refuted`` claim is re-verified from its witness; the checker
   only multiplies and compares (the producer ships the hints: minor indices, kernel vectors,
   witness parameters), except for convolutional networks where Algorithm 8.1 is cheap enough
   to re-run, and for a proved structured ``stable`` claim, whose small Gram matrix's
   characteristic polynomial it recomputes (Berkowitz) before counting roots (Descartes).
   ``probable``/``numeric``/``inconclusive`` claims are parsed and reported as not re-checked.

A re-checked claim is verified only if its statement, assumptions and relies_on are the canonical
text of :data:`CANONICAL_CLAIMS` filled with the values just verified (the producer writes its
claims from the same table), so "verified" covers the words as well as the numbers.

Exit status: 0 every re-checkable claim verified; 1 some claim (or the hash/spec stage) failed,
or exceeded the work budget :data:`MAX_WORK`, one line each on stderr; 2 not a readable
certificate (including a missing required claim and any unexpected internal error). One verdict
line goes to stdout.

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
import json
import math
import re
import sys
from itertools import combinations, product
from math import comb
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "FORMAT",
    "VERSION",
    "STATUSES",
    "RECHECKED",
    "CheckReport",
    "Malformed",
    "canonical_json",
    "spec_sha256",
    "check_certificate",
    "check_file",
    "compile_feedforward",
    "canonical_claim_text",
    "CANONICAL_CLAIMS",
    "CONV_STABLE_FORMULA",
    "REQUIRED_CLAIMS",
    "MAX_WORK",
    "main",
]

FORMAT = "tensorlift-certificate"
VERSION = 1
STATUSES = ("proved", "refuted", "probable", "numeric", "inconclusive")
RECHECKED = ("proved", "refuted")
CLAIM_IDS = ("lifting-rank", "scattered", "identifiable", "stable")
# The claims the producer always writes, per spec kind: a certificate without one of them (or
# with no claims at all) is not a certificate of that network (malformed).
REQUIRED_CLAIMS = {"structured": ("lifting-rank", "identifiable", "stable"),
                   "feedforward": ("lifting-rank", "identifiable", "stable"),
                   "conv": ("lifting-rank", "scattered", "identifiable", "stable")}

# Guards against certificates built to exhaust the checker (not against honest large cases).
MAX_RATIONAL_CHARS = 4000
MAX_SPAN_TUPLES = 200_000  # coordinates of a model span the checker enumerates
MAX_GRAM_SIDE = 120  # side of the Gram matrix whose characteristic polynomial the checker computes
# Work budget of one check, in steps: a sparse matrix product of the structured column
# enumeration counts MATMUL_STEPS (~20 us in Fractions), a multiply-add of the conv leaf-kernel
# dynamic programme counts 1. A claim whose re-check would exceed it fails (exit 1) with
# "exceeds this checker's work budget" -- a few seconds, not minutes, on a hostile certificate.
MAX_WORK = 60_000_000  # ~10 s; the Haar packet tree J = 12, N = 2^14 needs 22.4M (4 s)
MATMUL_STEPS = 100
# A feed-forward spec is compiled into a structured one; its size (parameters and entries over
# all samples) is bounded before anything is built (past it: exit 1, "exceeds ... budget").
MAX_COMPILED_SIZE = 5_000_000


class _Work:
    """A budget counter shared by one check (see MAX_WORK)."""

    def __init__(self, limit: int):
        self.limit, self.used = limit, 0

    def spend(self, n: int, what: str) -> None:
        self.used += n
        if self.used > self.limit:
            raise Failed(f"{what} exceeds this checker's work budget ({self.limit} steps, MAX_WORK); "
                         "the claim is not verified")


class Malformed(Exception):
    """The document is not a well-formed version-1 certificate (exit 2)."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")


class Failed(Exception):
    """A claim (or the hash/spec stage) does not check (exit 1)."""


@dataclass
class CheckReport:
    """Outcome of checking one certificate.

    ``exit_code`` is 0/1/2 as documented in the module; ``verdict`` is the one stdout line;
    ``failures`` one line per failed stage/claim; ``claims`` maps each claim id to
    ``"verified"``, ``"failed"`` or ``"not re-checked (<status>)"``.
    """

    exit_code: int
    verdict: str
    failures: list[str] = field(default_factory=list)
    claims: dict[str, str] = field(default_factory=dict)


# ============================================================================ canonical hash
def canonical_json(spec) -> str:
    """The canonical JSON text of a spec: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def spec_sha256(spec) -> str:
    """SHA-256 (hex) of :func:`canonical_json` encoded in UTF-8.

    >>> spec_sha256({"b": 1, "a": [1, 2]}) == hashlib.sha256(b'{"a":[1,2],"b":1}').hexdigest()
    True
    """
    return hashlib.sha256(canonical_json(spec).encode("utf-8")).hexdigest()


# ============================================================================ strict JSON
def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise Malformed("json", f"duplicate key {k!r}")
        out[k] = v
    return out


def _no_constants(name):
    raise Malformed("json", f"{name} is not allowed")


def _parse_json(text):
    if isinstance(text, (bytes, bytearray)):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Malformed("json", f"not UTF-8 ({exc.reason})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise Malformed("json", f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:  # huge integers, absurd nesting
        raise Malformed("json", str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None


# ============================================================================ typed readers
def _obj(x, where, required=(), optional=()):
    if not isinstance(x, dict):
        raise Malformed(where, f"expected an object, got {_typename(x)}")
    missing = [k for k in required if k not in x]
    if missing:
        raise Malformed(where, f"missing field(s) {missing}")
    unknown = sorted(set(x) - set(required) - set(optional))
    if unknown:
        raise Malformed(where, f"unknown field(s) {unknown}")
    return x


def _typename(x) -> str:
    return {dict: "object", list: "list", str: "string", bool: "boolean", type(None): "null",
            int: "integer", float: "number"}.get(type(x), type(x).__name__)


def _int(x, where, minimum=None):
    if isinstance(x, bool) or not isinstance(x, int):
        raise Malformed(where, f"expected an integer, got {_typename(x)}")
    if minimum is not None and x < minimum:
        raise Malformed(where, f"expected an integer >= {minimum}, got {x}")
    return x


def _str(x, where, nonempty=True):
    if not isinstance(x, str) or (nonempty and not x):
        raise Malformed(where, f"expected a non-empty string, got {_typename(x)}")
    return x


def _list(x, where):
    if not isinstance(x, list):
        raise Malformed(where, f"expected a list, got {_typename(x)}")
    return x


def _bool(x, where):
    if not isinstance(x, bool):
        raise Malformed(where, f"expected true or false, got {_typename(x)}")
    return x


_RATIONAL = re.compile(r"[+-]?[0-9]+(/[0-9]+)?")


def _rational(x, where) -> Fraction:
    """An integer or a string "p/q" (q > 0); floats are refused (not exact)."""
    if isinstance(x, bool):
        raise Malformed(where, "expected a rational, got a boolean")
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, str) and len(x) <= MAX_RATIONAL_CHARS and _RATIONAL.fullmatch(x):
        num, _, den = x.partition("/")
        if den and int(den) == 0:
            raise Malformed(where, f"{x!r} has a zero denominator")
        return Fraction(int(num), int(den) if den else 1)
    raise Malformed(where, f"expected an integer or a string \"p/q\", got {x!r:.60}")


# ============================================================================ document
TOP_REQUIRED = ("format", "version", "tool", "network", "claims")
TOP_OPTIONAL = ("seeds", "timings")
CLAIM_REQUIRED = ("id", "status", "statement", "relies_on")
CLAIM_OPTIONAL = ("value", "witness", "reason", "assumptions", "evidence")


def _parse_document(doc) -> dict:
    """Stage 1: strict structure of the whole certificate (raises :class:`Malformed`)."""
    _obj(doc, "certificate", TOP_REQUIRED, TOP_OPTIONAL)
    if doc["format"] != FORMAT:
        raise Malformed("format", f"expected {FORMAT!r}, got {doc['format']!r:.60}")
    version = _int(doc["version"], "version")
    if version != VERSION:
        raise Malformed("version", f"this checker reads version {VERSION} only, got {version}")
    tool = _obj(doc["tool"], "tool", ("name", "version"))
    _str(tool["name"], "tool.name")
    _str(tool["version"], "tool.version")
    if "seeds" in doc:
        for k, v in _obj(doc["seeds"], "seeds", optional=tuple(doc["seeds"]) if isinstance(doc["seeds"], dict) else ()).items():
            _int(v, f"seeds.{k}")
    if "timings" in doc:
        timings = doc["timings"]
        _obj(timings, "timings", optional=tuple(timings) if isinstance(timings, dict) else ())
        for k, v in timings.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise Malformed(f"timings.{k}", "expected a non-negative number of seconds")
    net = _obj(doc["network"], "network", ("spec", "sha256"))
    _obj(net["spec"], "network.spec", optional=tuple(net["spec"]) if isinstance(net["spec"], dict) else ())
    digest = _str(net["sha256"], "network.sha256")
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise Malformed("network.sha256", "expected 64 lower-case hex digits")
    claims = _list(doc["claims"], "claims")
    if not claims:
        raise Malformed("claims", "expected at least one claim (an empty list certifies nothing)")
    seen = set()
    for j, c in enumerate(claims):
        where = f"claims[{j}]"
        _obj(c, where, CLAIM_REQUIRED, CLAIM_OPTIONAL)
        cid = _str(c["id"], f"{where}.id")
        where = f"claim {cid}"
        if cid in seen:
            raise Malformed(where, "duplicate claim id")
        seen.add(cid)
        status = c["status"]
        if status not in STATUSES:
            raise Malformed(f"{where}.status", f"expected one of {list(STATUSES)}, got {status!r:.60}")
        _str(c["statement"], f"{where}.statement")
        for i, r in enumerate(_list(c["relies_on"], f"{where}.relies_on")):
            _str(r, f"{where}.relies_on[{i}]")
        for i, r in enumerate(_list(c.get("assumptions", []), f"{where}.assumptions")):
            _str(r, f"{where}.assumptions[{i}]")
        if "reason" in c:
            _str(c["reason"], f"{where}.reason")
        if "evidence" in c:
            ev = c["evidence"]
            _obj(ev, f"{where}.evidence", optional=tuple(ev) if isinstance(ev, dict) else ())
        if status in RECHECKED:
            if cid not in CLAIM_IDS:
                raise Malformed(where, f"status {status!r} is only defined for claims {list(CLAIM_IDS)}")
            if "witness" not in c:
                raise Malformed(where, f"a {status!r} claim needs a witness")
            _obj(c["witness"], f"{where}.witness", optional=tuple(c["witness"]) if isinstance(c["witness"], dict) else ())
        else:
            if "witness" in c:
                raise Malformed(where, f"a {status!r} claim carries evidence, not a witness")
            if status == "inconclusive" and "reason" not in c:
                raise Malformed(where, "an 'inconclusive' claim needs a reason")
            if status in ("probable", "numeric") and "evidence" not in c:
                raise Malformed(where, f"a {status!r} claim needs its evidence (seed, tolerance, ...)")
    kind = net["spec"].get("kind")
    missing = [cid for cid in REQUIRED_CLAIMS.get(kind, ()) if cid not in seen] if isinstance(kind, str) else []
    if missing:
        raise Malformed("claims", f"a {kind} certificate has the claims {list(REQUIRED_CLAIMS[kind])}; "
                                  f"missing {missing}")
    return doc


# ============================================================================ structured networks
class Structured:
    """A structured network rebuilt from its spec: per layer, the basis matrices M_k(e_i)."""

    kind = "structured"

    def __init__(self, spec: dict):
        where = "spec"
        _obj(spec, where, ("kind", "layers"), ("name", "description", "model"))
        layers = _list(spec["layers"], "spec.layers")
        if not layers:
            raise Malformed("spec.layers", "expected at least one layer")
        self.dims: list[int] = []
        self.params: list[int] = []
        # basis[k] = {i: {row: {col: Fraction}}}: the sparse matrices M_k(e_i) that are non-zero,
        # in increasing i (sparse, so a huge "params" with few entries costs nothing)
        self.basis: list[dict] = []
        for k, layer in enumerate(layers):
            lw = f"spec.layers[{k}]"
            _obj(layer, lw, ("rows", "cols", "params", "entries"), ("name",))
            rows = _int(layer["rows"], f"{lw}.rows", 1)
            cols = _int(layer["cols"], f"{lw}.cols", 1)
            params = _int(layer["params"], f"{lw}.params", 1)
            if k == 0:
                self.dims.append(rows)
            elif self.dims[-1] != rows:
                raise Malformed(f"{lw}.rows", f"expected {self.dims[-1]} (the cols of layer {k - 1}), got {rows}")
            self.dims.append(cols)
            self.params.append(params)
            basis: dict = {}
            for j, e in enumerate(_list(layer["entries"], f"{lw}.entries")):
                ew = f"{lw}.entries[{j}]"
                if not isinstance(e, list) or len(e) != 4:
                    raise Malformed(ew, "expected [param, row, col, coefficient]")
                p, r, c = (_int(e[0], ew, 0), _int(e[1], ew, 0), _int(e[2], ew, 0))
                if p >= params or r >= rows or c >= cols:
                    raise Malformed(ew, "index out of range")
                row = basis.setdefault(p, {}).setdefault(r, {})
                row[c] = row.get(c, Fraction(0)) + _rational(e[3], ew)
            pruned = {i: _prune(basis[i]) for i in sorted(basis)}
            self.basis.append({i: b for i, b in pruned.items() if b})
        self.K = len(self.params)
        self.m, self.n = self.dims[0], self.dims[-1]
        self.model = _parse_model(spec.get("model"), self.params)
        self.work = _Work(MAX_WORK)

    # --- the columns of A (Corollary 5.2): vec(M_1(e_{i_1}) ... M_K(e_{i_K})), row-major
    def column(self, idx: tuple) -> dict:
        prod = self.basis[0].get(idx[0], {})
        self.work.spend(self.K * MATMUL_STEPS, "computing the columns of A")
        for k in range(1, self.K):
            if not prod:
                return {}
            prod = _matmul(prod, self.basis[k].get(idx[k], {}))
        return {r * self.n + c: v for r, row in prod.items() for c, v in row.items()}

    def nonzero_columns(self):
        """Yield (index tuple, column) for every non-zero column of A.

        Depth-first over index prefixes, extending only prefixes whose partial product is
        non-zero (so the S_1...S_K tuples are never all visited when the factors are sparse).
        """
        stack = [((i,), b) for i, b in reversed(list(self.basis[0].items()))]
        while stack:
            idx, prod = stack.pop()
            if len(idx) == self.K:
                yield idx, {r * self.n + c: v for r, row in prod.items() for c, v in row.items()}
                continue
            nxt = []
            self.work.spend(len(self.basis[len(idx)]) * MATMUL_STEPS, "enumerating the non-zero columns of A")
            for i, b in self.basis[len(idx)].items():
                p = _matmul(prod, b)
                if p:
                    nxt.append((idx + (i,), p))
            stack.extend(reversed(nxt))

    def evaluate(self, h) -> dict:
        """M_1(h_1) ... M_K(h_K) exactly, as {row: {col: value}}."""
        prod = None
        for k in range(self.K):
            mk: dict = {}
            for i, b in self.basis[k].items():
                if h[k][i]:
                    for r, row in b.items():
                        acc = mk.setdefault(r, {})
                        for c, v in row.items():
                            acc[c] = acc.get(c, Fraction(0)) + v * h[k][i]
            mk = _prune(mk)
            if prod is not None:  # charge the sparse product's multiply-adds before doing them
                self.work.spend(1 + sum(len(mk.get(mid, ())) for row in prod.values() for mid in row),
                                "evaluating the witness's network")
            prod = mk if prod is None else _matmul(prod, mk)
        return prod


def _prune(m: dict) -> dict:
    out = {}
    for r, row in m.items():
        row = {c: v for c, v in row.items() if v != 0}
        if row:
            out[r] = row
    return out


def _matmul(a: dict, b: dict) -> dict:
    out = {}
    for r, row in a.items():
        acc: dict = {}
        for mid, v in row.items():
            for c, w in b.get(mid, {}).items():
                acc[c] = acc.get(c, Fraction(0)) + v * w
        acc = {c: x for c, x in acc.items() if x != 0}
        if acc:
            out[r] = acc
    return out


def _determinant(rows: list[list[Fraction]], work: _Work | None = None) -> Fraction:
    """Exact determinant by Fraction Gaussian elimination (row operations charged to ``work``)."""
    a = [list(r) for r in rows]
    n = len(a)
    det = Fraction(1)
    for j in range(n):
        piv = next((i for i in range(j, n) if a[i][j] != 0), None)
        if piv is None:
            return Fraction(0)
        if piv != j:
            a[j], a[piv] = a[piv], a[j]
            det = -det
        det *= a[j][j]
        inv = 1 / a[j][j]
        for i in range(j + 1, n):
            f = a[i][j] * inv
            if f:
                if work is not None:
                    work.spend(n - j, "the minor's determinant")
                for c in range(j, n):
                    a[i][c] -= f * a[j][c]
    return det


def _nonsingular(columns: list[dict], rows: list, work: _Work | None = None) -> bool:
    """Whether the square minor (``rows`` x the given sparse columns) is non-singular: its
    columns restricted to ``rows`` are linearly independent (sparse elimination, so a large but
    sparse minor costs its non-zeros, not its square)."""
    keep = set(rows)
    if work is not None:
        work.spend(sum(len(c) for c in columns), "the minor")
    return _independent([{i: v for i, v in c.items() if i in keep and v != 0} for c in columns], work)


def _independent(vectors: list[dict], work: _Work | None = None) -> bool:
    """Linear independence of sparse vectors ({coordinate: Fraction}).

    Fast path: the identity-on-free-coordinates form (each vector has a coordinate where it
    alone is non-zero) makes independence evident; otherwise exact elimination.
    """
    count: dict = {}
    for v in vectors:
        for c in v:
            count[c] = count.get(c, 0) + 1
    if all(any(count[c] == 1 for c in v) for v in vectors):
        return True
    basis: list[tuple] = []  # (pivot coordinate, reduced vector)
    for v in vectors:
        w = dict(v)
        for pc, b in basis:
            f = w.get(pc)
            if f:
                if work is not None:
                    work.spend(len(b), "the independence of the kernel vectors")
                for c, x in b.items():
                    y = w.get(c, Fraction(0)) - f * x
                    if y:
                        w[c] = y
                    else:
                        w.pop(c, None)
        if not w:
            return False
        pc = min(w)
        inv = 1 / w[pc]
        basis.append((pc, {c: x * inv for c, x in w.items()}))
    return True


def _index_tuple(x, where, sizes) -> tuple:
    t = _list(x, where)
    if len(t) != len(sizes):
        raise Malformed(where, f"expected an index tuple of length {len(sizes)}")
    out = tuple(_int(i, where, 0) for i in t)
    if any(i >= s for i, s in zip(out, sizes)):
        raise Malformed(where, "index out of range")
    return out


def _check_rank_structured(claim: dict, net: Structured) -> None:
    """rank A = r: an r x r non-singular minor (>=) and enough independent kernel vectors (<=)."""
    w = _obj(claim["witness"], "witness", ("minor", "kernel"))
    r = _int(claim.get("value"), "value", 0)
    minor = _obj(w["minor"], "witness.minor", ("rows", "cols"))
    rows = [_int(x, "witness.minor.rows", 0) for x in _list(minor["rows"], "witness.minor.rows")]
    cols = [_index_tuple(x, "witness.minor.cols", net.params) for x in _list(minor["cols"], "witness.minor.cols")]
    kern = _obj(w["kernel"], "witness.kernel", ("side", "vectors"))
    side = kern["side"]
    if side not in ("left", "right"):
        raise Malformed("witness.kernel.side", f"expected 'left' or 'right', got {side!r:.40}")
    vectors = []
    for j, vec in enumerate(_list(kern["vectors"], "witness.kernel.vectors")):
        vw = f"witness.kernel.vectors[{j}]"
        v: dict = {}
        for e in _list(vec, vw):
            if not isinstance(e, list) or len(e) != 2:
                raise Malformed(vw, "expected entries [coordinate, rational]")
            key = _int(e[0], vw, 0) if side == "left" else _index_tuple(e[0], vw, net.params)
            if key in v:
                raise Malformed(vw, f"coordinate {e[0]!r} listed twice")
            v[key] = _rational(e[1], vw)
        vectors.append({c: x for c, x in v.items() if x != 0})
    if claim["status"] != "proved":
        raise Failed("a lifting-rank claim can only be 'proved'")
    if len(rows) != r or len(cols) != r:
        raise Failed(f"the minor has {len(rows)} rows but the claimed rank is {r}" if len(rows) != r
                     else f"the minor has {len(cols)} columns but the claimed rank is {r}")
    if len(set(rows)) != r or len(set(cols)) != r:
        raise Failed("the minor repeats a row or a column")
    if any(x >= net.m * net.n for x in rows):
        raise Failed(f"a minor row is out of range 0..{net.m * net.n - 1}")
    # rank >= r
    columns = [net.column(t) for t in cols]
    if r and not _nonsingular(columns, rows, net.work):
        raise Failed("the minor named by the witness is singular")
    # rank <= r
    if any(not v for v in vectors):
        raise Failed("a kernel vector is zero")
    if not _independent(vectors, net.work):
        raise Failed("the kernel vectors are linearly dependent")
    if side == "left":
        if any(x >= net.m * net.n for v in vectors for x in v):
            raise Failed("a left-kernel coordinate is out of range")
        if net.m * net.n - len(vectors) != r:
            raise Failed(f"{len(vectors)} left-kernel vectors give rank <= {net.m * net.n - len(vectors)}, not {r}")
        net.n_nonzero = 0
        for idx, col in net.nonzero_columns():
            net.n_nonzero += 1
            net.work.spend(len(vectors) * len(col), "testing the left-kernel vectors")
            for j, y in enumerate(vectors):
                if sum((y[i] * v for i, v in col.items() if i in y), Fraction(0)) != 0:
                    raise Failed(f"left-kernel vector {j} is not orthogonal to column {list(idx)} of A")
    else:
        nonzero = {idx for idx, _ in net.nonzero_columns()}
        net.n_nonzero = len(nonzero)
        for j, v in enumerate(vectors):
            outside = [t for t in v if t not in nonzero]
            if outside:
                raise Failed(f"kernel vector {j} uses the zero column {list(outside[0])} of A")
            image: dict = {}
            for t, x in v.items():
                for i, a in net.column(t).items():
                    image[i] = image.get(i, Fraction(0)) + a * x
            if any(image.values()):
                raise Failed(f"kernel vector {j}: A v != 0")
        if len(nonzero) - len(vectors) != r:
            raise Failed(f"{len(nonzero)} non-zero columns minus {len(vectors)} kernel vectors is not {r}")


def _params(x, where, sizes) -> list[list[Fraction]]:
    layers = _list(x, where)
    if len(layers) != len(sizes):
        raise Malformed(where, f"expected {len(sizes)} parameter vectors")
    out = []
    for k, (hk, s) in enumerate(zip(layers, sizes)):
        hk = _list(hk, f"{where}[{k}]")
        if len(hk) != s:
            raise Malformed(f"{where}[{k}]", f"expected {s} values, got {len(hk)}")
        out.append([_rational(v, f"{where}[{k}]") for v in hk])
    return out


def _segre_equal(h: list[list[Fraction]], g: list[list[Fraction]]) -> bool:
    """P(h) == P(g) for the Segre embedding (4.1), without forming the tensors.

    P(h) = 0 iff some h_k = 0. Otherwise P(h) = P(g) iff h_k = lambda_k g_k for every k with
    prod lambda_k = 1.
    """
    h_zero = any(not any(hk) for hk in h)
    g_zero = any(not any(gk) for gk in g)
    if h_zero or g_zero:
        return h_zero and g_zero
    prod = Fraction(1)
    for hk, gk in zip(h, g):
        j = next(i for i, x in enumerate(gk) if x)
        lam = hk[j] / gk[j]
        if any(a != lam * b for a, b in zip(hk, gk)):
            return False
        prod *= lam
    return prod == 1


def _support_allowed(supp: set, item, k: int) -> bool:
    """Whether a layer-k support fits the model's item for that layer (see algebra/models.py)."""
    if item is None or item == "full":
        return True
    if isinstance(item, list):
        if not all(isinstance(a, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in a)
                   for a in item):
            raise Malformed(f"spec.model.supports[{k}]", "expected a list of supports (lists of indices)")
        return any(supp <= set(a) for a in item)
    if isinstance(item, dict) and set(item) == {"sparsity"} and _is_int(item["sparsity"]):
        return len(supp) <= item["sparsity"]
    if (isinstance(item, dict) and set(item) == {"groups", "active"} and _is_int(item["active"])
            and isinstance(item["groups"], list)
            and all(isinstance(gr, list) and all(_is_int(i) for i in gr) for gr in item["groups"])):
        # supp must be covered by at most `active` groups; try every choice (groups are few)
        groups = [set(gr) for gr in item["groups"]]
        need = [i for i, gr in enumerate(groups) if gr & supp]
        if sum(comb(len(need), a) for a in range(min(item["active"], len(need)) + 1)) > MAX_SPAN_TUPLES:
            raise Failed(f"model.supports[{k}]: too many group choices for this checker")
        return any(supp <= set().union(*(groups[i] for i in combo))
                   for a in range(0, min(item["active"], len(need)) + 1)
                   for combo in combinations(need, a))
    raise Malformed(f"spec.model.supports[{k}]", "not a form this checker (version 1) understands")


def _is_int(x) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _parse_model(model, sizes) -> dict | None:
    """Strict reading of the spec's optional ``model`` (the forms of algebra/models.py).

    Per layer ``null``/``"full"``, a non-empty list of supports (non-empty lists of distinct
    indices), ``{"sparsity": s}`` or ``{"groups": [...], "active": a}``; ``tie``: groups of
    1-based layer numbers (overlapping groups are merged, as the producer does); ``description``:
    free text. Anything else is :class:`Malformed`.
    """
    if model is None:
        return None
    _obj(model, "spec.model", optional=("supports", "tie", "description"))
    if "description" in model:
        _str(model["description"], "spec.model.description", nonempty=False)
    K = len(sizes)
    supports = model.get("supports")
    if supports is not None:
        if not isinstance(supports, list) or len(supports) != K:
            raise Malformed("spec.model.supports", f"expected a list with one item per layer ({K})")
        for k, item in enumerate(supports):
            where = f"spec.model.supports[{k}]"

            def support(x, w):
                idx = [_int(i, w, 0) for i in _list(x, w)]
                if not idx or len(set(idx)) != len(idx) or max(idx) >= sizes[k]:
                    raise Malformed(w, f"expected a non-empty support of distinct indices in 0..{sizes[k] - 1}")
                return idx

            if item is None or item == "full":
                continue
            if isinstance(item, list):
                if not item:
                    raise Malformed(where, "expected at least one alternative support")
                for j, a in enumerate(item):
                    support(a, f"{where}[{j}]")
            elif isinstance(item, dict) and set(item) == {"sparsity"}:
                if not 1 <= _int(item["sparsity"], f"{where}.sparsity") <= sizes[k]:
                    raise Malformed(f"{where}.sparsity", f"expected 1..{sizes[k]}")
            elif isinstance(item, dict) and set(item) == {"groups", "active"}:
                groups = [support(g, f"{where}.groups[{j}]") for j, g in enumerate(_list(item["groups"], f"{where}.groups"))]
                if not groups or len({i for g in groups for i in g}) != sum(len(g) for g in groups):
                    raise Malformed(f"{where}.groups", "expected a non-empty list of disjoint groups")
                if not 1 <= _int(item["active"], f"{where}.active") <= len(groups):
                    raise Malformed(f"{where}.active", f"expected 1..{len(groups)}")
            else:
                raise Malformed(where, "expected null, \"full\", a list of supports, {\"sparsity\": s} or "
                                       "{\"groups\": [...], \"active\": a}")
    tie = model.get("tie")
    if tie is not None:
        for g, group in enumerate(_list(tie, "spec.model.tie")):
            where = f"spec.model.tie[{g}]"
            layers = [_int(x, where, 1) for x in _list(group, where)]
            if len(layers) < 2 or len(set(layers)) != len(layers) or max(layers) > K:
                raise Malformed(where, f"expected at least two distinct 1-based layer numbers in 1..{K}")
            if len({sizes[x - 1] for x in layers}) != 1:
                raise Malformed(where, "tied layers need equal params")
    return model


def _tie_classes(model, K: int) -> list[list[int]]:
    """The tie classes (0-based layers, sorted) with overlapping groups merged by union-find,
    exactly as algebra/models.parse_model does."""
    parent = list(range(K))

    def root(k):
        while parent[k] != k:
            k = parent[k]
        return k

    for group in (model or {}).get("tie") or []:
        for x in group[1:]:
            parent[root(x - 1)] = root(group[0] - 1)
    classes: dict = {}
    for k in range(K):
        classes.setdefault(root(k), []).append(k)
    return sorted(classes.values())


def _check_model(model, h, sizes, who: str) -> None:
    """h lies in the model collection M: per-layer supports and tied layers (sections 1.2.2, 3).

    The model forms are those of ``algebra/models.py``: per layer ``null``/``"full"``, a list
    of alternative supports, ``{"sparsity": s}`` or ``{"groups": [...], "active": a}``;
    ``tie`` lists groups of 1-based layer numbers whose parameter vectors are equal.
    """
    if model is None:
        return
    supports = model.get("supports")
    if supports is not None:
        for k, item in enumerate(supports):
            supp = {i for i, x in enumerate(h[k]) if x}
            if not _support_allowed(supp, item, k):
                raise Failed(f"{who}[{k}] has support {sorted(supp)}, which the model does not allow for layer {k + 1}")
    for group in model.get("tie") or []:
        if any(h[a - 1] != h[group[0] - 1] for a in group):
            raise Failed(f"{who} violates the tie {group} (tied layers must be equal)")


def _model_box_union(model, sizes) -> tuple[set, list]:
    """The index tuples of span(U_L P(M^L)): the union over the model's pieces of their boxes.

    Layers of one tie class choose one support together and carry equal values, so a class
    contributes the tuples of its positions whose set of values fits one allowed support of
    every layer in the class; classes choose independently (see algebra/models.py).
    """
    K = len(sizes)
    supports = (model or {}).get("supports") or [None] * K
    classes = _tie_classes(model, K)  # the model was validated by _parse_model
    per_class = []
    for cls in classes:
        if sizes[cls[0]] ** len(cls) > MAX_SPAN_TUPLES:
            raise Failed(f"the model span is too large for this checker (budget {MAX_SPAN_TUPLES} coordinates)")
        options = []
        for values in product(range(sizes[cls[0]]), repeat=len(cls)):
            if all(_support_allowed(set(values), supports[k], k) for k in cls):
                options.append(values)
        per_class.append(options)
    total = 1
    for options in per_class:
        total *= len(options)
    if total > MAX_SPAN_TUPLES:
        raise Failed(f"the model span has {total} > {MAX_SPAN_TUPLES} coordinates (checker budget)")
    out = set()
    for choice in product(*per_class):
        t = [0] * K
        for cls, values in zip(classes, choice):
            for k, v in zip(cls, values):
                t[k] = v
        out.add(tuple(t))
    return out, [c for c in classes if len(c) > 1]


def _span_groups(raw, where: str, net: Structured) -> tuple[list, list]:
    """Parse and check a basis of the model span: disjoint groups of index tuples, each inside
    one orbit of the tie symmetries, covering every coordinate of span(U_L P(M^L)); returns the
    groups and the columns of A B (column j = sum of A's columns over group j)."""
    groups = []
    for j, grp in enumerate(_list(raw, where)):
        grp = [_index_tuple(t, f"{where}[{j}]", net.params) for t in _list(grp, f"{where}[{j}]")]
        if not grp:
            raise Malformed(f"{where}[{j}]", "empty group")
        groups.append(grp)
    span, tied = _model_box_union(net.model, net.params)

    def orbit_key(t):
        t = list(t)
        for cls in tied:
            for k, v in zip(cls, sorted(t[k] for k in cls)):
                t[k] = v
        return tuple(t)

    seen: set = set()
    for j, grp in enumerate(groups):
        if seen & set(grp) or len(set(grp)) != len(grp):
            raise Failed(f"group {j} overlaps another group")
        seen |= set(grp)
        if len({orbit_key(t) for t in grp}) != 1:
            raise Failed(f"group {j} mixes index tuples of different tie orbits")
    missing = span - seen
    if missing:
        raise Failed(f"the groups miss the model coordinate {list(min(missing))}")
    columns = []
    for grp in groups:
        acc: dict = {}
        for t in grp:
            for r, v in net.column(t).items():
                acc[r] = acc.get(r, Fraction(0)) + v
        columns.append({r: v for r, v in acc.items() if v != 0})
    return groups, columns


def _check_minor(columns: list, rows: list, net: Structured, what: str) -> None:
    if len(rows) != len(columns) or len(set(rows)) != len(rows) or any(r >= net.m * net.n for r in rows):
        raise Failed(f"the minor needs {len(columns)} distinct rows in range")
    if columns and not _nonsingular(columns, rows, net.work):
        raise Failed(f"the minor of {what} is singular")


def _check_model_span(claim: dict, net: Structured) -> None:
    """Identifiable because A is injective on span(U_L P(M^L)) (Proposition 6.3).

    P(h) - P(g) lies in that span for h, g in the model; the witness lists a basis of 0/1
    vectors (disjoint groups of index tuples, each inside one orbit of the tie symmetries, so
    every P(h) -- constant on orbits -- is a combination of them) covering every coordinate of
    the span, and a square minor of A times that basis with non-zero determinant.
    """
    w = _obj(claim["witness"], "witness", ("model_span",))
    ms = _obj(w["model_span"], "witness.model_span", ("groups", "minor_rows"))
    _, columns = _span_groups(ms["groups"], "witness.model_span.groups", net)
    rows = [_int(r, "witness.model_span.minor_rows", 0) for r in _list(ms["minor_rows"], "witness.model_span.minor_rows")]
    _check_minor(columns, rows, net, "A on the model span")


def _check_kernel_line(claim: dict, net: Structured) -> None:
    """Identifiable because Ker A ∩ V is a line spanned by a tensor of flattening rank >= 3.

    V = span(U_L P(M^L)) (basis: the groups, as for ``model_span``). A minor of A B on all groups
    but one shows rank(A B) >= #groups - 1, the kernel vector c shows it is exactly that, so
    Ker A ∩ V = span{T}, T = B c. A non-singular 3 x 3 minor of T's flattening at one layer
    shows rank >= 3, while every P(h) - P(g) has flattening rank <= 2: P(h) - P(g) in Ker A ∩ V
    forces P(h) = P(g) (Proposition 6.3).
    """
    w = _obj(claim["witness"], "witness", ("kernel_line",))
    kl = _obj(w["kernel_line"], "witness.kernel_line",
              ("groups", "minor_rows", "minor_groups", "kernel", "flattening_layer", "flattening_minor"))
    groups, columns = _span_groups(kl["groups"], "witness.kernel_line.groups", net)
    g = len(groups)
    rows = [_int(r, "witness.kernel_line.minor_rows", 0) for r in _list(kl["minor_rows"], "witness.kernel_line.minor_rows")]
    chosen = [_int(j, "witness.kernel_line.minor_groups", 0) for j in _list(kl["minor_groups"], "witness.kernel_line.minor_groups")]
    if len(chosen) != g - 1 or len(set(chosen)) != len(chosen) or any(j >= g for j in chosen):
        raise Failed(f"the minor must use {g - 1} distinct groups")
    _check_minor([columns[j] for j in chosen], rows, net, "A on the model span")
    c: dict = {}
    for e in _list(kl["kernel"], "witness.kernel_line.kernel"):
        if not isinstance(e, list) or len(e) != 2:
            raise Malformed("witness.kernel_line.kernel", "expected entries [group, rational]")
        j = _int(e[0], "witness.kernel_line.kernel", 0)
        if j >= g or j in c:
            raise Malformed("witness.kernel_line.kernel", f"group {j} out of range or repeated")
        c[j] = _rational(e[1], "witness.kernel_line.kernel")
    c = {j: x for j, x in c.items() if x != 0}
    if not c:
        raise Failed("the kernel vector is zero")
    image: dict = {}
    for j, x in c.items():
        for r, v in columns[j].items():
            image[r] = image.get(r, Fraction(0)) + v * x
    if any(image.values()):
        raise Failed("A B c != 0: the kernel vector is not in the kernel")
    T: dict = {}
    for j, x in c.items():
        for t in groups[j]:
            T[t] = x
    k = _int(kl["flattening_layer"], "witness.kernel_line.flattening_layer", 0)
    if k >= net.K:
        raise Malformed("witness.kernel_line.flattening_layer", "layer out of range")
    fm = _obj(kl["flattening_minor"], "witness.kernel_line.flattening_minor", ("rows", "cols"))
    f_rows = [_int(i, "witness.kernel_line.flattening_minor.rows", 0) for i in _list(fm["rows"], "rows")]
    others = net.params[:k] + net.params[k + 1:]
    f_cols = [_index_tuple(t, "witness.kernel_line.flattening_minor.cols", others) for t in _list(fm["cols"], "cols")]
    if len(f_rows) != 3 or len(f_cols) != 3 or len(set(f_rows)) != 3 or len(set(f_cols)) != 3:
        raise Failed("the flattening minor must be 3 x 3 with distinct rows and columns")
    minor = [[T.get(col[:k] + (i,) + col[k:], Fraction(0)) for col in f_cols] for i in f_rows]
    if _determinant(minor) == 0:
        raise Failed("the flattening minor of the kernel tensor is singular")


def _check_counterexample_structured(claim: dict, net: Structured) -> None:
    w = _obj(claim["witness"], "witness", ("h", "g"))
    h = _params(w["h"], "witness.h", net.params)
    g = _params(w["g"], "witness.g", net.params)
    _check_model(net.model, h, net.params, "h")
    _check_model(net.model, g, net.params, "g")
    if net.evaluate(h) != net.evaluate(g):
        raise Failed("M_1(h_1)...M_K(h_K) != M_1(g_1)...M_K(g_K): the witness networks act differently")
    if _segre_equal(h, g):
        raise Failed("P(h) = P(g): the witness parameters are equivalent")


# ============================================================================ sigma_min enclosure
def _charpoly(G: list) -> list:
    """det(x I - G) for a square integer matrix, coefficients highest degree first.

    Berkowitz's algorithm: division-free, so exact in Python integers, O(n^4) operations.
    Step k multiplies the polynomial of the leading k x k block by the Toeplitz matrix built
    from 1, -a_kk and -R A^j C (R, C the new row and column left of / above the diagonal).

    >>> _charpoly([[2, 1], [1, 2]])  # (x - 1)(x - 3)
    [1, -4, 3]
    """
    n = len(G)
    if n == 0:
        return [1]
    poly = [1, -G[0][0]]
    for k in range(1, n):
        row, col = G[k][:k], [G[i][k] for i in range(k)]
        toeplitz = [1, -G[k][k]]
        v = col
        for j in range(k):
            toeplitz.append(-sum(a * b for a, b in zip(row, v)))
            if j < k - 1:
                v = [sum(a * b for a, b in zip(G[i][:k], v)) for i in range(k)]
        poly = [sum(toeplitz[i - j] * poly[j] for j in range(min(i, k) + 1)) for i in range(k + 2)]
    return poly


def _sign_variations(coeffs: list) -> int:
    signs = [c > 0 for c in coeffs if c != 0]
    return sum(1 for a, b in zip(signs, signs[1:]) if a != b)


def _roots_above(q: list, c: Fraction) -> tuple:
    """(m, v) for an integer polynomial q (highest degree first) with only real roots:
    m = multiplicity of the root c, v = number of roots > c (with multiplicity).

    With c = a/b and r = deg q, Q(y) = b^r q((y + a) / b) has integer coefficients with the
    signs of those of q(x + c) (the coefficient of y^j is b^(r-j) times that of x^j). Descartes'
    rule of signs counts the positive roots of Q / y^m exactly because every root is real.

    >>> _roots_above([1, -5, 6], Fraction(2)), _roots_above([1, -5, 6], Fraction(5, 2))  # (x-2)(x-3)
    ((1, 1), (0, 1))
    """
    r = len(q) - 1
    a, b = c.numerator, c.denominator
    p = [coef * b ** (r - j) for j, coef in enumerate(reversed(q))]  # lowest degree first
    for i in range(r):  # Taylor shift y -> y + a (Horner)
        for j in range(r - 1, i - 1, -1):
            p[j] += a * p[j + 1]
    m = next((j for j, x in enumerate(p) if x != 0), len(p))
    return m, _sign_variations(p[m:])


# The closed forms a proved structured 'stable' claim states (Theorem 7.2 with (gamma, rho) = (1, +inf)
# and u >= 1/sigma_min; S = max_k S_k). The checker requires them verbatim.
STABLE_TENSOR_BOUND = "||P(h*) - P(hbar)|| <= u*(delta+eta)"
STABLE_DP_BOUND = ("d_p(<h*>, <hbar>) <= 7*(K*S)**(1/p)*u*min(||P(hbar)||_inf**(1/K-1), "
                   "||P(h*)||_inf**(1/K-1))*(delta+eta)")
STABLE_DP_CONDITION = "hbar in R_*^{S x K} and u*(delta+eta) <= max(||P(hbar)||_inf, ||P(h*)||_inf)/2"


def _gram(net: Structured, side: str, scale: int) -> list:
    """The integer Gram matrix of B = scale * A on one side: B^T B over the non-zero columns
    ("AtA") or B B^T over the non-zero rows ("AAt"); its non-zero eigenvalues are scale^2 sigma_i^2."""
    cols = []
    for idx, col in net.nonzero_columns():
        scaled = {}
        for r, v in col.items():
            x = v * scale
            if x.denominator != 1:
                raise Failed(f"scale {scale} does not make column {list(idx)} of A integral")
            scaled[r] = x.numerator
        cols.append(scaled)
        if len(cols) > MAX_GRAM_SIDE and side == "AtA":
            raise Failed(f"the Gram matrix side exceeds this checker's budget of {MAX_GRAM_SIDE}")
    if side == "AAt":  # transpose: the rows of B as sparse vectors
        rows: dict = {}
        for j, col in enumerate(cols):
            for r, x in col.items():
                rows.setdefault(r, {})[j] = x
        if len(rows) > MAX_GRAM_SIDE:
            raise Failed(f"the Gram matrix side exceeds this checker's budget of {MAX_GRAM_SIDE}")
        cols = [rows[r] for r in sorted(rows)]
    return [[sum(x * v.get(i, 0) for i, x in u.items()) for v in cols] for u in cols]


def _check_stable_structured(claim: dict, net: Structured, results: dict, claims_by_id: dict) -> None:
    """Theorem 7.2 with the deep-NSP constants (1, +inf) of Ker A = {0} and a proved sigma_min.

    The value states sigma_min(A)^2 in [lo, hi]. The checker rebuilds B = scale * A from the
    spec, its integer Gram matrix G on the named side and chi = det(x I - G) (Berkowitz), and
    requires chi to equal the witness's copy. G is symmetric positive semi-definite, so every
    root of chi is real and >= 0, and the root 0 has multiplicity n - r (r = rank A, the
    verified lifting rank); q = chi / x^(n - r) has exactly the roots scale^2 sigma_i^2 > 0.
    With every root real, Descartes' rule of signs on q(x + c) counts the roots > c exactly:
    no root below L = scale^2 lo (all r roots >= L) and some root <= H = scale^2 hi.
    """
    w = _obj(claim["witness"], "witness", ("from_claim", "gram", "scale", "charpoly"))
    value = _obj(claim.get("value"), "value", ("gamma", "rho", "K", "S", "sigma_min_squared", "sigma_min_approx",
                                               "inv_sigma_min_upper", "tensor_bound", "dp_bound", "dp_condition"))
    if _str(w["from_claim"], "witness.from_claim") != "lifting-rank":
        raise Malformed("witness.from_claim", f"expected 'lifting-rank', got {w['from_claim']!r:.40}")
    side = w["gram"]
    if side not in ("AtA", "AAt"):
        raise Malformed("witness.gram", f"expected 'AtA' or 'AAt', got {side!r:.40}")
    scale = _int(w["scale"], "witness.scale", 1)
    hint = [_rational(x, "witness.charpoly") for x in _list(w["charpoly"], "witness.charpoly")]
    interval = _obj(value["sigma_min_squared"], "value.sigma_min_squared", ("lo", "hi"))
    lo, hi = _rational(interval["lo"], "value.sigma_min_squared.lo"), _rational(interval["hi"], "value.sigma_min_squared.hi")
    u = _rational(value["inv_sigma_min_upper"], "value.inv_sigma_min_upper")
    approx = _list(value["sigma_min_approx"], "value.sigma_min_approx")
    if len(approx) != 2 or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in approx):
        raise Malformed("value.sigma_min_approx", "expected two numbers")
    for key, text in (("tensor_bound", STABLE_TENSOR_BOUND), ("dp_bound", STABLE_DP_BOUND),
                      ("dp_condition", STABLE_DP_CONDITION)):
        if value[key] != text:
            raise Malformed(f"value.{key}", f"expected {text!r}")
    if (value["gamma"], value["rho"]) != ("1", "inf"):
        raise Failed(f"Ker A = {{0}} gives the deep-NSP constants (1, inf), not {(value['gamma'], value['rho'])}")
    # Ker A = {0}: the verified lifting rank is S_1...S_K
    if results.get("lifting-rank") != "verified":
        raise Failed("it rests on claim 'lifting-rank', which is missing, later in the list or not verified")
    r = claims_by_id["lifting-rank"]["value"]
    n_cols = 1
    for s in net.params:
        n_cols *= s
    if r != n_cols:
        raise Failed(f"the deep-NSP constants (1, inf) need Ker A = {{0}}, i.e. rank A = S_1...S_K = {n_cols}, "
                     f"the lifting rank is {r}")
    K, S = _int(value["K"], "value.K"), _int(value["S"], "value.S")
    if (K, S) != (net.K, max(net.params)):
        raise Failed(f"(K, S) is {(net.K, max(net.params))} for this network (S = max_k S_k), not {(K, S)}")
    if not 0 < lo <= hi:
        raise Failed(f"the interval [{lo}, {hi}] for sigma_min^2 needs 0 < lo <= hi")
    if u <= 0 or u * u * lo < 1:
        raise Failed(f"inv_sigma_min_upper = {u} is not >= 1/sqrt(lo)")
    for x, end in zip(approx, (lo, hi)):
        if abs(x - math.sqrt(end)) > 1e-9 * math.sqrt(end):
            raise Failed(f"sigma_min_approx {x} is not sqrt({end}) = {math.sqrt(end)}")
    # the exact part
    G = _gram(net, side, scale)
    n = len(G)
    chi = _charpoly(G)
    if hint != chi:
        raise Failed(f"the witness's characteristic polynomial differs from det(x I - G) of the {n} x {n} "
                     f"Gram matrix {side} of {scale} A")
    nullity = next(j for j, c in enumerate(reversed(chi)) if c != 0)
    if nullity != n - r:
        raise Failed(f"the Gram matrix has the eigenvalue 0 with multiplicity {nullity}, not n - rank A = {n - r}")
    q = chi[: n - nullity + 1]  # chi / x^(n - r): the roots scale^2 sigma_i^2
    m, above = _roots_above(q, lo * scale * scale)
    if m + above != r:
        raise Failed(f"{r - m - above} non-zero eigenvalue(s) of the Gram matrix lie below scale^2 lo: "
                     f"sigma_min^2 < lo = {lo}")
    _, above = _roots_above(q, hi * scale * scale)
    if above == r:
        raise Failed(f"every non-zero eigenvalue of the Gram matrix exceeds scale^2 hi: sigma_min^2 > hi = {hi}")


# ============================================================================ feed-forward networks
def compile_feedforward(spec: dict) -> dict:
    """The structured spec of a ``feedforward`` spec (sections 1.2.2, 6 and 9), rebuilt here.

    Forward weight layer l (1..L) maps units of layer l-1 to layer l; its parameter p is the
    weight of its p-th edge ``[from, to]`` (dense/null: p = to * n_{l-1} + from). Samples are
    stacked as the columns of X = [y_1 ... y_n], y_s = W_L D_{s,L-1} W_{L-1} ... D_{s,1} W_1 x_s,
    and paper factor k holds forward layer l = L + 1 - k:
    M_1 = [W_L ... W_L], M_k = blockdiag_s(D_{s,l} W_l) for 1 < k < L, M_L = blockdiag_s(D_{s,1} W_1 x_s)
    (for L = 1: M_1 = W_1 [x_1 ... x_n]).
    """
    _obj(spec, "spec", ("kind", "widths", "inputs"), ("name", "description", "edges", "activations"))
    widths = [_int(w, "spec.widths", 1) for w in _list(spec["widths"], "spec.widths")]
    if len(widths) < 2:
        raise Malformed("spec.widths", "expected at least an input and an output width")
    L = len(widths) - 1
    edges_v = spec.get("edges")
    edges_v = [None] * L if edges_v is None else _list(edges_v, "spec.edges")
    if len(edges_v) != L:
        raise Malformed("spec.edges", f"expected {L} items (one per weight layer)")
    n_samples = len(spec["inputs"]) if isinstance(spec["inputs"], list) else 0
    size = (n_samples + 1) * (sum(widths) + sum(len(e) if isinstance(e, list) else widths[l] * widths[l + 1]
                                                for l, e in enumerate(edges_v)))
    if size > MAX_COMPILED_SIZE:  # checked before anything of that size is built
        raise Failed(f"the compiled network has about {size} entries, which exceeds this checker's budget "
                     f"({MAX_COMPILED_SIZE}, MAX_COMPILED_SIZE); no claim is verified")
    edges = []
    for l, ev in enumerate(edges_v):
        n_in, n_out = widths[l], widths[l + 1]
        if ev is None:
            edges.append([(a, b) for b in range(n_out) for a in range(n_in)])
            continue
        layer, seen = [], set()
        for e in _list(ev, f"spec.edges[{l}]"):
            if not isinstance(e, list) or len(e) != 2:
                raise Malformed(f"spec.edges[{l}]", "expected [from, to] pairs")
            a, b = _int(e[0], f"spec.edges[{l}]", 0), _int(e[1], f"spec.edges[{l}]", 0)
            if a >= n_in or b >= n_out or (a, b) in seen:
                raise Malformed(f"spec.edges[{l}]", f"edge {[a, b]} out of range or repeated")
            seen.add((a, b))
            layer.append((a, b))
        if not layer:
            raise Malformed(f"spec.edges[{l}]", "expected at least one edge")
        edges.append(layer)
    inputs = _list(spec["inputs"], "spec.inputs")
    if not inputs:
        raise Malformed("spec.inputs", "expected at least one sample")
    xs = []
    for s, x in enumerate(inputs):
        x = _list(x, f"spec.inputs[{s}]")
        if len(x) != widths[0]:
            raise Malformed(f"spec.inputs[{s}]", f"expected {widths[0]} values")
        xs.append([_rational(v, f"spec.inputs[{s}]") for v in x])
    n = len(xs)
    act = spec.get("activations")
    masks = [[[1] * widths[l] for l in range(1, L)] for _ in range(n)]
    if act is not None:
        act = _list(act, "spec.activations")
        if len(act) != n:
            raise Malformed("spec.activations", f"expected {n} items (one per sample)")
        for s, ms in enumerate(act):
            ms = _list(ms, f"spec.activations[{s}]")
            if len(ms) != L - 1:
                raise Malformed(f"spec.activations[{s}]", f"expected {L - 1} masks")
            for l, mk in enumerate(ms, start=1):
                mk = _list(mk, f"spec.activations[{s}]")
                if len(mk) != widths[l] or any(_int(b, f"spec.activations[{s}]") not in (0, 1) for b in mk):
                    raise Malformed(f"spec.activations[{s}]", f"expected a 0/1 mask of length {widths[l]}")
                masks[s][l - 1] = mk
    layers = []
    for k in range(1, L + 1):
        l = L + 1 - k  # forward weight layer held by paper factor k
        n_in, n_out = widths[l - 1], widths[l]
        entries = []
        if L == 1:
            rows, cols = n_out, n
            for p, (a, b) in enumerate(edges[0]):
                entries += [[p, b, s, _frac_str(xs[s][a])] for s in range(n) if xs[s][a]]
        elif k == 1:
            rows, cols = n_out, n * n_in
            for p, (a, b) in enumerate(edges[l - 1]):
                entries += [[p, b, s * n_in + a, 1] for s in range(n)]
        elif k < L:
            rows, cols = n * n_out, n * n_in
            for p, (a, b) in enumerate(edges[l - 1]):
                entries += [[p, s * n_out + b, s * n_in + a, 1] for s in range(n) if masks[s][l - 1][b]]
        else:  # k = L, forward layer 1, the inputs folded in
            rows, cols = n * n_out, n
            for p, (a, b) in enumerate(edges[0]):
                entries += [[p, s * n_out + b, s, _frac_str(xs[s][a])] for s in range(n)
                            if masks[s][0][b] and xs[s][a]]
        layers.append({"rows": rows, "cols": cols, "params": len(edges[l - 1]), "entries": entries})
    return {"kind": "structured", "layers": layers}


def _frac_str(q: Fraction) -> str:
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


# ============================================================================ conv networks
class Conv:
    """A convolutional network (section 8) rebuilt from its spec, with its own validation."""

    kind = "conv"

    def __init__(self, spec: dict):
        _obj(spec, "spec", ("kind", "N", "root", "edges"), ("name", "description", "boundary"))
        self.N = _int(spec["N"], "spec.N", 1)
        if spec.get("boundary", "circular") != "circular":
            raise Malformed("spec.boundary", "only 'circular' is defined")
        self.root = _str(spec["root"], "spec.root")
        self.edges: list[tuple[str, str, list[int]]] = []
        out_edges: dict = {}
        in_deg: dict = {}
        pairs: set = set()
        for j, e in enumerate(_list(spec["edges"], "spec.edges")):
            ew = f"spec.edges[{j}]"
            _obj(e, ew, ("from", "to", "support"), ("name",))
            u, v = _str(e["from"], f"{ew}.from"), _str(e["to"], f"{ew}.to")
            sup = [_int(s, f"{ew}.support", 0) for s in _list(e["support"], f"{ew}.support")]
            if not sup or len(set(sup)) != len(sup) or max(sup) >= self.N:
                raise Malformed(f"{ew}.support", f"expected distinct offsets in 0..{self.N - 1}")
            if u == v:
                raise Malformed(ew, "self-loop")
            if (u, v) in pairs:  # graphs/conv.py refuses them too
                raise Malformed(ew, f"duplicate edge {u!r} -> {v!r} (parallel edges are not allowed)")
            pairs.add((u, v))
            self.edges.append((u, v, sup))
            out_edges.setdefault(u, []).append(j)
            in_deg[v] = in_deg.get(v, 0) + 1
        if not self.edges:
            raise Malformed("spec.edges", "expected at least one edge")
        if self.root in out_edges:
            raise Malformed("spec.root", "the root has an outgoing edge")
        nodes = set(out_edges) | set(in_deg)
        if self.root not in nodes:
            raise Malformed("spec.root", "the root is on no edge")
        # dist(v) = number of edges from v to the root; must be well defined (no cycles, one length)
        dist: dict = {self.root: 0}
        for start in sorted(nodes):
            stack, on_path = [start], set()
            while stack:
                v = stack[-1]
                if v in dist:
                    stack.pop()
                    continue
                if v not in out_edges:
                    raise Malformed("spec.edges", f"node {v!r} has no path to the root {self.root!r}")
                on_path.add(v)
                pending = [self.edges[j][1] for j in out_edges[v] if self.edges[j][1] not in dist]
                for w in pending:
                    if w in on_path:
                        raise Malformed("spec.edges", f"cycle through node {w!r}")
                if pending:
                    stack.extend(pending)
                    continue
                ds = {dist[self.edges[j][1]] for j in out_edges[v]}
                if len(ds) != 1:
                    raise Malformed("spec.edges", f"edges out of node {v!r} reach the root by paths of different lengths")
                dist[v] = ds.pop() + 1
                on_path.discard(v)
                stack.pop()
        self.leaves = sorted(v for v in nodes if v not in in_deg)
        lengths = {dist[f] for f in self.leaves}
        if len(lengths) != 1:
            raise Malformed("spec.edges", f"leaf-root paths have different lengths {sorted(lengths)}")
        self.K = lengths.pop()
        self.dist = dist
        self.out_edges = out_edges
        # pinned layout: layer k = depth-k edges in spec order, each edge's support in order
        self.depth = [dist[u] for u, _, _ in self.edges]
        self.slot: list[tuple[int, int]] = []  # edge -> (layer index 0..K-1, offset in layer vector)
        self.params = [0] * self.K
        for j, (u, v, sup) in enumerate(self.edges):
            k = self.depth[j] - 1
            self.slot.append((k, self.params[k]))
            self.params[k] += len(sup)
        self.work = _Work(MAX_WORK)

    def kernel(self, h, j: int) -> dict:
        """T_e(h): the kernel of edge j as a sparse {offset: value}."""
        k, start = self.slot[j]
        sup = self.edges[j][2]
        return {o: h[k][start + i] for i, o in enumerate(sup) if h[k][start + i] != 0}

    def leaf_stream(self, kernel_of):
        """Yield (leaf f, kernel of X^f): the sum over paths from f to the root of the circular
        convolutions of the edge kernels (8.2), as a sparse {offset: value}.

        Dynamic programming from the root: K_root = delta_0 and K_v = sum over edges v->w of
        T_e * K_w. Levels are processed by distance to the root; a level is dropped once the
        next one is done (every edge joins consecutive levels), and leaves -- all at distance
        K -- are yielded, not stored, so memory stays at two levels.
        """
        by_dist: dict = {}
        for v, d in self.dist.items():
            by_dist.setdefault(d, []).append(v)
        memo: dict = {self.root: {0: 1}}
        for d in range(1, self.K + 1):
            level: dict = {}
            for v in sorted(by_dist.get(d, [])):
                acc: dict = {}
                for j in self.out_edges[v]:
                    kw = memo[self.edges[j][1]]
                    kj = kernel_of(j)
                    self.work.spend(len(kj) * len(kw) + 1, "Algorithm 8.1 (the leaf kernels)")
                    for o, a in kj.items():
                        for s, b in kw.items():
                            t = (o + s) % self.N
                            acc[t] = acc.get(t, 0) + a * b
                kv = {t: x for t, x in acc.items() if x != 0}
                if d == self.K:
                    yield v, kv
                else:
                    level[v] = kv
            memo = level

    def leaf_kernels(self, kernel_of) -> dict:
        """{leaf: kernel of X^f} -- see :meth:`leaf_stream`."""
        return dict(self.leaf_stream(kernel_of))

    def algorithm_8_1(self) -> dict:
        """Algorithm 8.1: y_f = M_1(1)...M_K(1) delta_f for every leaf, as {offset: count}."""
        return self.leaf_kernels(self._indicator)

    def _indicator(self, j: int) -> dict:
        return {o: 1 for o in self.edges[j][2]}

    def scatter_pass(self, given: dict | None = None):
        """One streaming pass of Algorithm 8.1.

        Returns (distinct offset sums per leaf, scattered?, first leaf whose output differs from
        ``given`` or None). Without ``given`` the result of an earlier pass is reused.
        """
        if given is None and getattr(self, "_scatter", None) is not None:
            return self._scatter + (None,)
        classes, scattered, bad = {}, True, None
        self.first_collision = None  # (leaf, offset, count): first leaf by name, its top count, least offset
        for f, y in self.leaf_stream(self._indicator):
            classes[f] = len(y)
            scattered = scattered and all(c == 1 for c in y.values())
            top = max(y.values(), default=0)
            if top > 1 and (self.first_collision is None or f < self.first_collision[0]):
                self.first_collision = (f, min(o for o, c in y.items() if c == top), top)
            if given is not None and bad is None and given.get(f, {}) != y:
                bad = f
        self._scatter = (classes, scattered)
        return classes, scattered, bad

    def path_edges(self, path: list[int]) -> None:
        """Check that ``path`` (edge indices, depth 1 first) is a leaf-root path."""
        if len(path) != self.K:
            raise Failed(f"the path has {len(path)} edges, expected K = {self.K}")
        if self.edges[path[0]][1] != self.root:
            raise Failed("the path's first edge does not enter the root")
        for a, b in zip(path, path[1:]):
            if self.edges[b][1] != self.edges[a][0]:
                raise Failed(f"edges {a} and {b} of the path do not meet")
        if self.edges[path[-1]][0] not in self.leaves:
            raise Failed("the path does not start at a leaf")


def _check_scattered(claim: dict, net: Conv) -> None:
    w = _obj(claim["witness"], "witness", optional=("outputs", "recompute"))
    value = _bool(claim.get("value"), "value")
    if len(w) != 1 or ("recompute" in w and w["recompute"] is not True):
        raise Malformed("witness", "expected exactly one of 'outputs' or 'recompute': true")
    outputs = _obj(w.get("outputs", {}), "witness.outputs", optional=tuple(net.leaves))
    given = {}
    for f, entries in outputs.items():
        d = {}
        for e in _list(entries, f"witness.outputs.{f}"):
            if not isinstance(e, list) or len(e) != 2:
                raise Malformed(f"witness.outputs.{f}", "expected entries [offset, count]")
            offset = _int(e[0], f"witness.outputs.{f}", 0)
            if offset in d:
                raise Malformed(f"witness.outputs.{f}", f"offset {offset} listed twice")
            d[offset] = _int(e[1], f"witness.outputs.{f}", 1)
        given[f] = d
    _, scattered, bad = net.scatter_pass(given if "outputs" in w else None)
    if bad is not None:
        raise Failed(f"Algorithm 8.1 output for leaf {bad!r} differs from the witness")
    if value != scattered or (claim["status"] == "proved") != scattered:
        raise Failed(f"Algorithm 8.1 says scattered = {scattered}, the claim says "
                     f"{claim['status']} (value {value})")


def _check_rank_conv(claim: dict, net: Conv) -> None:
    """rank A = number of distinct (leaf, offset-sum) classes = sum_f |supp y_f|.

    Columns of valid index tuples are N x N|F| matrices with one circulant permutation block
    (the leaf's) shifted by the offset sum; tuples in one class give equal non-zero columns,
    tuples in different classes give columns with disjoint supports, and invalid tuples give
    zero columns -- so the rank is exactly the number of classes (Proposition 8.2's argument).
    """
    w = _obj(claim["witness"], "witness", ("classes_per_leaf",))
    r = _int(claim.get("value"), "value", 0)
    per_leaf = _obj(w["classes_per_leaf"], "witness.classes_per_leaf", tuple(net.leaves))
    if claim["status"] != "proved":
        raise Failed("a lifting-rank claim can only be 'proved'")
    classes, _, _ = net.scatter_pass()
    for f in net.leaves:
        if _int(per_leaf[f], f"witness.classes_per_leaf.{f}", 0) != classes[f]:
            raise Failed(f"leaf {f!r} has {classes[f]} distinct offset sums, not {per_leaf[f]}")
    total = sum(classes.values())
    if total != r:
        raise Failed(f"the structural rank is {total}, not {r}")


def _check_counterexample_conv(claim: dict, net: Conv) -> None:
    w = _obj(claim["witness"], "witness", ("h", "g", "path"))
    h = _params(w["h"], "witness.h", net.params)
    g = _params(w["g"], "witness.g", net.params)
    path = [_int(j, "witness.path", 0) for j in _list(w["path"], "witness.path")]
    if any(j >= len(net.edges) for j in path):
        raise Malformed("witness.path", "edge index out of range")
    net.path_edges(path)
    if net.leaf_kernels(lambda j: net.kernel(h, j)) != net.leaf_kernels(lambda j: net.kernel(g, j)):
        raise Failed("the networks of h and g act differently (some leaf kernel differs)")
    restricted = []
    for params in (h, g):
        restricted.append([[params[net.slot[j][0]][net.slot[j][1] + i] for i in range(len(net.edges[j][2]))]
                           for j in path])
    if _segre_equal(*restricted):
        raise Failed("P(h^p) = P(g^p) on the witness path: it does not separate {h} from {g}")


# ============================================================================ canonical claim text
# A re-checked claim may only say what the checker verified: its statement, assumptions and
# relies_on must be exactly the text below for its (kind, id, status, witness kind), filled with
# values the checker has verified (rank, path, K, S', N, ...). The producer builds its claims from
# this same table (certificates/certify.py imports it), so honest certificates always match.
_FIELD_R = "field: R (the proof holds over any field containing Q)"
_EQUIV_STRUCTURED = "equivalence: <h> (section 3)"
_EQUIV_CONV = "equivalence: {h} (section 8)"
CONV_STABLE_FORMULA = "7*(K*S')**(1/p)*eps**(1-K)*(delta+eta)/sqrt(N)"
STRUCTURED_STABLE_ASSUMPTIONS = (
    "||M_1(hbar_1)...M_K(hbar_K) - X|| <= delta and ||M_1(h*_1)...M_K(h*_K) - X|| <= eta (7.1), (7.2)",
    "(7.5) additionally: " + STABLE_DP_CONDITION)
# (kind, claim id, status, witness kind) -> (statement template, assumptions, relies_on)
CANONICAL_CLAIMS = {
    ("structured", "lifting-rank", "proved", "minor"): (
        "The lifting operator A ({n_rows} x {n_cols}, {n_nonzero} non-zero columns) has rank {rank} over Q.",
        (), ("Corollary 5.2",)),
    ("structured", "identifiable", "proved", "from_claim"): (
        "Every class <h> is identifiable in {model}: Ker A = {{0}} since rank A = S_1...S_K = {n_cols}.",
        (_FIELD_R, _EQUIV_STRUCTURED), ("Proposition 6.3", "Definition 6.1", "lifting-rank")),
    ("structured", "identifiable", "proved", "model_span"): (
        "Every class <h> is identifiable in {model}: A is injective on the {n_groups}-dimensional span of "
        "the model's Segre images, which contains every P(h) - P(g).",
        (_FIELD_R, _EQUIV_STRUCTURED), ("Proposition 6.3", "Definition 6.1")),
    ("structured", "identifiable", "proved", "kernel_line"): (
        "Every class <h> is identifiable in {model}: Ker A meets the span of the model's Segre images in "
        "a line spanned by a tensor whose flattening at layer {layer} has rank >= 3, while every "
        "P(h) - P(g) has flattening rank <= 2.",
        (_FIELD_R, _EQUIV_STRUCTURED), ("Proposition 6.3", "Definition 6.1")),
    ("structured", "identifiable", "refuted", "counterexample"): (
        "Not identifiable in {model}: the parameters h and g of the witness give the same "
        "product M_1(h_1)...M_K(h_K) but P(h) != P(g).",
        (_EQUIV_STRUCTURED,), ("Definition 6.1", "Proposition 6.3")),
    ("structured", "stable", "proved", "gram"): (
        "Ker A = {{0}} satisfies the deep-NSP with constants (1, +inf) and {sigma} "
        "(sigma_min ~ {approx}), so Theorem 7.2 gives ||P(h*) - P(hbar)|| <= u (delta + eta) "
        "and (7.5) with u = {u} >= 1/sigma_min, for every delta, eta.",
        STRUCTURED_STABLE_ASSUMPTIONS, ("Theorem 7.2", "Definition 7.1", "lifting-rank", "identifiable")),
    ("structured", "stable", "refuted", "from_claim"): (
        "Stable recovery fails: the parameters are not even identifiable.",
        (), ("Theorem 7.2", "identifiable")),
    ("conv", "lifting-rank", "proved", "classes_per_leaf"): (
        "The lifting operator A has rank {rank}: the number of distinct (leaf, offset-sum) classes of valid paths.",
        (), ("Corollary 5.2", "Proposition 8.2")),
    ("conv", "scattered", "proved", "algorithm_8_1"): (
        "The topology is sufficiently scattered: every entry of M_1(1)...M_K(1) is 0 or 1.",
        (), ("Definition 8.1", "Algorithm 8.1")),
    ("conv", "scattered", "refuted", "algorithm_8_1"): (
        "The topology is not sufficiently scattered: some entry of M_1(1)...M_K(1) exceeds 1 "
        "(leaf {leaf}, offset {offset}: {count} path/offset choices collide).",
        (), ("Definition 8.1", "Algorithm 8.1")),
    ("conv", "identifiable", "proved", "from_claim"): (
        "The network is identifiable up to the path-wise equivalence {{h}} of section 8, for parameters "
        "whose edge kernels are all non-zero.",
        ("every edge kernel is non-zero", _EQUIV_CONV), ("Theorem 8.4", "Proposition 8.2", "scattered")),
    ("conv", "identifiable", "refuted", "counterexample"): (
        "Not identifiable (Theorem 8.4): h and g give the same network action but P(h^p) != P(g^p) on the "
        "path {path}{scope}",
        (_EQUIV_CONV,), ("Theorem 8.4", "Proposition 8.2", "scattered")),
    ("conv", "stable", "proved", "from_claim"): (
        "Stable recovery (Theorem 8.4): delta_p({{h*}}, {{h}}) <= 7 (K S')^(1/p) eps^(1-K) (delta+eta)/sqrt(N) "
        "with K = {K}, S' = {S_prime}, N = {N}, whenever every edge kernel has sup-norm >= eps and "
        "delta + eta <= sqrt(N) eps^K / 2.{one_path}",
        ("||T_e(h)||_inf >= eps for every edge e", "delta + eta <= sqrt(N) eps^K / 2"),
        ("Theorem 8.4", "scattered")),
    ("conv", "stable", "refuted", "from_claim"): (
        "Stable recovery fails: the network is not identifiable.",
        (), ("Theorem 8.4", "identifiable")),
}


def canonical_claim_text(kind: str, claim_id: str, status: str, witness_kind: str, **values) -> tuple:
    """(statement, assumptions, relies_on) of a re-checked claim, the only text it may carry.

    ``kind`` is ``"structured"`` (also for feed-forward networks) or ``"conv"``; ``values`` fill
    the template: ``n_rows, n_cols, n_nonzero, rank, model`` (``model`` true when the spec has one),
    ``n_groups``, ``layer`` (1-based), ``lo, hi, u`` (Fractions), ``path`` (node names, leaf
    first), ``all_kernels_nonzero``, ``K, S_prime, N, one_path``.

    >>> canonical_claim_text("conv", "lifting-rank", "proved", "classes_per_leaf", rank=3)[0]
    'The lifting operator A has rank 3: the number of distinct (leaf, offset-sum) classes of valid paths.'
    """
    template, assumptions, relies_on = CANONICAL_CLAIMS[(kind, claim_id, status, witness_kind)]
    v = dict(values)
    if "model" in v:
        v["model"] = "the model of the spec" if v["model"] else "the full model R^{S_1} x ... x R^{S_K}"
    if witness_kind == "gram":
        lo, hi, u = v["lo"], v["hi"], v["u"]
        v["sigma"] = (f"sigma_min(A)^2 = {_frac_str(lo)}" if lo == hi
                      else f"sigma_min(A)^2 in [{_frac_str(lo)}, {_frac_str(hi)}]")
        v["approx"] = f"{math.sqrt(lo):.6g}"
        v["u"] = _frac_str(u)
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
    return template.format(**v), list(assumptions), list(relies_on)


def _witness_kind(claim: dict, net) -> str:
    w = claim["witness"]
    cid, status = claim["id"], claim["status"]
    if cid == "scattered":
        return "algorithm_8_1"
    if cid == "identifiable" and status == "refuted":
        return "counterexample"
    if cid == "stable" and status == "proved" and net.kind == "structured":
        return "gram"
    for key in ("minor", "classes_per_leaf", "model_span", "kernel_line", "from_claim"):
        if key in w:
            return key
    raise Malformed("witness", "not a witness form this checker knows")


def _canonical_values(claim: dict, net) -> dict:
    """The values the canonical text is filled with, read from the (already verified) claim."""
    cid, status, w, value = claim["id"], claim["status"], claim["witness"], claim.get("value")
    n_cols = 1
    for s in net.params:
        n_cols *= s
    if net.kind == "structured":
        if cid == "lifting-rank":
            if getattr(net, "n_nonzero", None) is None:  # (set by the rank check; counted here otherwise)
                net.n_nonzero = sum(1 for _ in net.nonzero_columns())
            return {"n_rows": net.m * net.n, "n_cols": n_cols, "n_nonzero": net.n_nonzero, "rank": value}
        if cid == "identifiable":
            out = {"model": bool(net.model), "n_cols": n_cols}
            if "model_span" in w:
                out["n_groups"] = len(w["model_span"]["groups"])
            if "kernel_line" in w and status == "proved":
                out["layer"] = w["kernel_line"]["flattening_layer"] + 1
            return out
        if cid == "stable" and status == "proved":
            iv = value["sigma_min_squared"]
            return {"lo": _rational(iv["lo"], "value"), "hi": _rational(iv["hi"], "value"),
                    "u": _rational(value["inv_sigma_min_upper"], "value")}
        return {}
    if cid == "lifting-rank":
        return {"rank": value}
    if cid == "scattered" and status == "refuted":
        net.scatter_pass()
        leaf, offset, count = net.first_collision
        return {"leaf": leaf, "offset": offset, "count": count}
    if cid == "identifiable" and status == "refuted":
        path = w["path"]
        names = [net.edges[path[-1]][0]] + [net.edges[j][1] for j in reversed(path)]
        nonzero = all(net.kernel(_params(w[x], "witness", net.params), j)
                      for x in ("h", "g") for j in range(len(net.edges)))
        return {"path": names, "all_kernels_nonzero": nonzero}
    if cid == "stable" and status == "proved":
        return {"K": value["K"], "S_prime": value["S_prime"], "N": value["N"],
                "one_path": "proposition_8_3" in value}
    return {}


def _check_text(claim: dict, net) -> None:
    """The claim's statement, assumptions and relies_on are the canonical ones (Failed if not)."""
    kind = "structured" if net.kind == "structured" else "conv"
    key = (kind, claim["id"], claim["status"], _witness_kind(claim, net))
    if key not in CANONICAL_CLAIMS:
        raise Failed(f"no canonical statement for a {key[2]} {kind} {key[1]!r} claim with a {key[3]} witness")
    statement, assumptions, relies_on = canonical_claim_text(*key, **_canonical_values(claim, net))
    what = f"a {key[2]} {kind} {key[1]!r} claim with a {key[3]} witness"
    if claim["statement"] != statement:
        raise Failed(f"statement is not the canonical statement for {what}: expected {statement!r}")
    if claim.get("assumptions", []) != assumptions:
        raise Failed(f"assumptions are not the canonical assumptions for {what}: expected {assumptions!r}")
    if claim["relies_on"] != relies_on:
        raise Failed(f"relies_on is not the canonical relies_on for {what}: expected {relies_on!r}")


# ============================================================================ claims
def _from_claim(claim: dict, results: dict, claims_by_id: dict, expected_id: str, expected_status: str) -> None:
    w = _obj(claim["witness"], "witness", ("from_claim",))
    ref = _str(w["from_claim"], "witness.from_claim")
    if ref != expected_id:
        raise Malformed("witness.from_claim", f"expected {expected_id!r}, got {ref!r:.40}")
    if results.get(ref) != "verified":
        raise Failed(f"it rests on claim {ref!r}, which is missing, later in the list or not verified")
    if claims_by_id[ref]["status"] != expected_status:
        raise Failed(f"it rests on claim {ref!r} being {expected_status}, but that claim is {claims_by_id[ref]['status']}")


def _check_claim(claim: dict, net, results: dict, claims_by_id: dict) -> None:
    cid, status = claim["id"], claim["status"]
    if cid == "lifting-rank":
        (_check_rank_structured if net.kind == "structured" else _check_rank_conv)(claim, net)
    elif cid == "scattered":
        if net.kind != "conv":
            raise Failed("'scattered' is defined for conv networks only (Definition 8.1)")
        _check_scattered(claim, net)
    elif cid == "identifiable":
        value = _bool(claim.get("value"), "value")
        if value != (status == "proved"):
            raise Failed(f"value {value} contradicts status {status}")
        if status == "proved" and net.kind == "structured" and "model_span" in (claim["witness"] or {}):
            _check_model_span(claim, net)
        elif status == "proved" and net.kind == "structured" and "kernel_line" in (claim["witness"] or {}):
            _check_kernel_line(claim, net)
        elif status == "proved" and net.kind == "structured":
            _from_claim(claim, results, claims_by_id, "lifting-rank", "proved")
            n_cols = 1
            for s in net.params:
                n_cols *= s
            if claims_by_id["lifting-rank"]["value"] != n_cols:
                raise Failed(f"Ker A = {{0}} needs rank A = S_1...S_K = {n_cols}, "
                             f"the lifting rank is {claims_by_id['lifting-rank']['value']}")
        elif status == "proved":
            _from_claim(claim, results, claims_by_id, "scattered", "proved")
        elif net.kind == "structured":
            _check_counterexample_structured(claim, net)
        else:
            _check_counterexample_conv(claim, net)
    elif cid == "stable":
        if status == "refuted":
            if _bool(claim.get("value"), "value") is not False:
                raise Failed("a refuted 'stable' claim has value false")
            _from_claim(claim, results, claims_by_id, "identifiable", "refuted")
            return
        if net.kind == "structured":
            _check_stable_structured(claim, net, results, claims_by_id)
            return
        _from_claim(claim, results, claims_by_id, "scattered", "proved")
        value = _obj(claim.get("value"), "value", ("K", "S_prime", "N", "formula"), ("proposition_8_3",))
        s_prime = max(len(sup) for _, _, sup in net.edges)
        got = (_int(value["K"], "value.K"), _int(value["S_prime"], "value.S_prime"), _int(value["N"], "value.N"))
        if got != (net.K, s_prime, net.N):
            raise Failed(f"(K, S', N) is {(net.K, s_prime, net.N)} for this network, not {got}")
        if value["formula"] != CONV_STABLE_FORMULA:
            raise Malformed("value.formula", f"expected {CONV_STABLE_FORMULA!r}")
        if "proposition_8_3" in value:
            # Proposition 8.3 (one path, scattered): Ker A = {0}, deep-NSP (1, +inf), sigma_min = sqrt(N)
            if value["proposition_8_3"] != {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}:
                raise Malformed("value.proposition_8_3", 'expected {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}')
            n_paths = sum(y.get(0, 0) for _, y in net.leaf_stream(lambda j: {0: 1}))
            if n_paths != 1:
                raise Failed(f"Proposition 8.3 needs exactly one leaf-root path, the network has {n_paths}")


def check_certificate(text) -> CheckReport:
    """Check a certificate given as JSON text/bytes (or an already-parsed dict).

    Returns a :class:`CheckReport`; never raises on bad input. An unexpected exception inside
    the checker (a shape of input no reader anticipated) is reported as malformed (exit 2),
    never as a traceback and never as verified.
    """
    try:
        return _check_certificate(text)
    except RecursionError:
        return CheckReport(2, "malformed: nested too deeply", ["nested too deeply"])
    except Exception as exc:  # noqa: BLE001 -- the catch-all is the point: exit 2, not a crash
        line = f"internal error while checking: {type(exc).__name__}: {str(exc)[:200]}"
        return CheckReport(2, f"malformed: {line}", [line])


def _check_certificate(text) -> CheckReport:
    try:
        doc = text if isinstance(text, dict) else _parse_json(text)
        _parse_document(doc)
    except Malformed as exc:
        return CheckReport(2, f"malformed: {exc}", [str(exc)])
    except RecursionError:
        return CheckReport(2, "malformed: nested too deeply", ["nested too deeply"])
    claims = doc["claims"]
    report = CheckReport(0, "")
    # stage 2: hash
    spec = doc["network"]["spec"]
    try:
        digest = spec_sha256(spec)
    except (ValueError, RecursionError) as exc:
        return CheckReport(2, f"malformed: network.spec cannot be hashed ({type(exc).__name__})")
    if digest != doc["network"]["sha256"]:
        report.failures.append(f"hash: sha256 of the embedded spec is {digest}, the certificate says "
                               f"{doc['network']['sha256']}")
    # stage 3: spec (only needed when something is to be re-checked)
    net = None
    if not report.failures and any(c["status"] in RECHECKED for c in claims):
        kind = spec.get("kind")
        try:
            if kind == "structured":
                net = Structured(spec)
            elif kind == "conv":
                net = Conv(spec)
            elif kind == "feedforward":
                net = Structured(compile_feedforward(spec))
            else:
                raise Malformed("spec.kind", f"this checker re-checks 'structured', 'conv' and 'feedforward' "
                                             f"specs, got {kind!r:.40}")
        except Malformed as exc:
            return CheckReport(2, f"malformed: {exc}", [str(exc)])
        except Failed as exc:  # over the checker's budget: nothing can be verified
            report.failures.append(f"spec: {exc}")
    # stage 4: claims
    claims_by_id = {c["id"]: c for c in claims}
    for claim in claims:
        cid, status = claim["id"], claim["status"]
        if status not in RECHECKED:
            report.claims[cid] = f"not re-checked ({status})"
            continue
        if net is None:
            report.claims[cid] = "failed"
            continue
        try:
            _check_claim(claim, net, report.claims, claims_by_id)
            _check_text(claim, net)  # "verified" covers the text too, not only the value
            report.claims[cid] = "verified"
        except Malformed as exc:
            return CheckReport(2, f"malformed: claim {cid}: {exc}", [f"{cid}: {exc}"])
        except Failed as exc:
            report.claims[cid] = "failed"
            report.failures.append(f"{cid}: {exc}")
        except (ValueError, ZeroDivisionError, RecursionError, MemoryError, OverflowError) as exc:
            report.claims[cid] = "failed"
            report.failures.append(f"{cid}: could not be checked ({type(exc).__name__}: {exc})")
    n_checked = sum(1 for v in report.claims.values() if v in ("verified", "failed"))
    n_other = len(report.claims) - n_checked
    if report.failures:
        report.exit_code = 1
        report.verdict = (f"FAILED: {len(report.failures)} problem(s); "
                          f"{sum(1 for v in report.claims.values() if v == 'verified')} of {n_checked} "
                          f"re-checkable claim(s) verified")
    else:
        report.verdict = f"verified: {n_checked} claim(s) re-checked, {n_other} not re-checked (probable/numeric/inconclusive)"
    return report


def check_file(path) -> CheckReport:
    """Read and check a certificate file (unreadable file -> exit code 2)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return CheckReport(2, f"malformed: cannot read {path}: {exc.strerror or exc}")
    return check_certificate(data)


def main(argv=None) -> int:
    """``python certificates/checker.py CERT``: verdict on stdout, diagnostics on stderr."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: checker.py CERTIFICATE.json", file=sys.stderr)
        return 2
    try:
        report = check_file(argv[0])
    except Exception as exc:  # noqa: BLE001 -- check_certificate already catches; belt and braces
        report = CheckReport(2, f"malformed: internal error while checking: {type(exc).__name__}: {exc}")
    for line in report.failures:
        print(line, file=sys.stderr)
    for cid, state in report.claims.items():
        if state.startswith("not re-checked"):
            print(f"{cid}: {state}", file=sys.stderr)
    print(report.verdict)
    return report.exit_code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
