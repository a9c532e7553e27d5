"""Gröbner backends for :mod:`algebra.fibres`: reduced basis -> quotient algebra Q[x]/I.

Every backend turns a list of rational polynomials ({exponent tuple: Fraction}) into a
:class:`Quotient`: the Krull dimension of the ideal, and, when it is zero-dimensional, the
standard monomials B of a degree-reverse-lexicographic Gröbner basis and the matrices of
multiplication by each variable on Q[x]/I in the basis B. What is computed from these
(counts, real roots) is shared code in :mod:`algebra.fibres`, so the routes are
cross-checkable on equal terms.

Matrix convention: ``mult[i][r, j]`` is the coefficient of B[r] in NF(x_i * B[j]); the
evaluation row vector ev_p = (b(p))_{b in B} of a point p satisfies ev_p M_f = f(p) ev_p.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

import flint

from .errors import BackendUnavailable, InternalError

__all__ = ["Quotient", "quotient", "is_available", "unavailable_message", "grevlex_key"]

Monomial = tuple[int, ...]
Polynomial = dict[Monomial, Fraction]


@dataclass(frozen=True)
class Quotient:
    """Q[x_1..x_n]/I. ``dimension`` is -1 (I = (1)), 0, or 1 (meaning: positive)."""

    nvars: int
    dimension: int
    basis: tuple[Monomial, ...] = ()
    mult: tuple[flint.fmpq_mat, ...] = ()

    @property
    def dim(self) -> int:
        """dim_Q Q[x]/I (the number of points counted with multiplicity)."""
        return len(self.basis)


def grevlex_key(m: Monomial) -> tuple:
    """Sort key of the degree reverse lexicographic order (x_1 > x_2 > ... > x_n).

    >>> sorted([(0, 2), (1, 1), (2, 0), (0, 1)], key=grevlex_key)
    [(0, 1), (0, 2), (1, 1), (2, 0)]
    """
    return (sum(m), tuple(-e for e in reversed(m)))


def _divides(a: Monomial, b: Monomial) -> bool:
    return all(x <= y for x, y in zip(a, b))


def _staircase(lms: Sequence[Monomial], nvars: int) -> tuple[int, tuple[Monomial, ...]]:
    """(dimension, standard monomials) from the leading monomials of a Gröbner basis."""
    if any(sum(m) == 0 for m in lms):
        return -1, ()
    for i in range(nvars):
        if not any(m[i] > 0 and sum(m) == m[i] for m in lms):
            return 1, ()
    zero = (0,) * nvars
    seen = {zero}
    frontier = [zero]
    while frontier:
        nxt = []
        for m in frontier:
            for i in range(nvars):
                u = m[:i] + (m[i] + 1,) + m[i + 1:]
                if u not in seen and not any(_divides(l, u) for l in lms):
                    seen.add(u)
                    nxt.append(u)
        frontier = nxt
    return 0, tuple(sorted(seen, key=grevlex_key))


def _assemble(nvars: int, basis: Sequence[Monomial], nf: Callable[[int, int], Polynomial | None]) -> Quotient:
    """Multiplication matrices from normal forms nf(i, j) = NF(x_i B[j]) (None: x_i B[j] in B)."""
    index = {b: r for r, b in enumerate(basis)}
    D = len(basis)
    mats = []
    for i in range(nvars):
        M = flint.fmpq_mat(D, D)
        for j, b in enumerate(basis):
            u = b[:i] + (b[i] + 1,) + b[i + 1:]
            if u in index:
                M[index[u], j] = 1
                continue
            for mono, c in nf(i, j).items():
                if mono not in index:
                    raise RuntimeError(f"backend normal form has a non-standard monomial {mono}")
                M[index[mono], j] = flint.fmpq(c.numerator, c.denominator)
        mats.append(M)
    return Quotient(nvars, 0, tuple(basis), tuple(mats))


def _trivial(polys: Sequence[Polynomial], nvars: int) -> Quotient | None:
    """The cases no backend needs: no variables, or no equations."""
    if nvars == 0:
        return Quotient(0, -1) if any(polys) else Quotient(0, 0, ((),), ())
    if not polys:
        return Quotient(nvars, 1)
    return None


# ------------------------------------------------------------------------------ sympy
def _sympy_quotient(polys: Sequence[Polynomial], nvars: int) -> Quotient:
    import sympy

    gens = sympy.symbols(f"x0:{nvars}")
    P = [sympy.Poly.from_dict({m: sympy.Rational(c.numerator, c.denominator) for m, c in p.items()},
                              *gens, domain="QQ") for p in polys]
    G = sympy.groebner(P, *gens, order="grevlex", domain="QQ")  # reduced and monic
    lms = [max(sympy.Poly(g, *gens).monoms(), key=grevlex_key) for g in G.exprs]
    dimension, basis = _staircase(lms, nvars)
    if dimension != 0:
        return Quotient(nvars, dimension)

    def nf(i: int, j: int) -> Polynomial:
        m = basis[j][:i] + (basis[j][i] + 1,) + basis[j][i + 1:]
        _, r = G.reduce(sympy.Poly.from_dict({m: 1}, *gens, domain="QQ"))
        r = sympy.Poly(r, *gens, domain="QQ")
        return {mono: Fraction(int(c.p), int(c.q)) for mono, c in r.terms() if c != 0}

    return _assemble(nvars, basis, nf)


# ------------------------------------------------------------------------------ python-flint
def _flint_quotient(polys: Sequence[Polynomial], nvars: int) -> Quotient:
    # One extra variable z, unused by the ideal: reduction_primitive_part returns the remainder
    # only up to a rational factor, and reducing m + z (z is a standard monomial) fixes that
    # factor through the coefficient of z.
    ctx = flint.fmpz_mpoly_ctx.get([f"x{i}" for i in range(nvars)] + ["z"], "degrevlex")
    vec = []
    for p in polys:
        den = 1
        for c in p.values():
            den = math.lcm(den, c.denominator)
        vec.append(flint.fmpz_mpoly({m + (0,): int(c * den) for m, c in p.items()}, ctx))
    # No autoreduction: normal forms are unique w.r.t. any Gröbner basis and the staircase
    # only needs the leading monomials. (autoreduction took 106 s of 108 s on the 252-point
    # blind-deconvolution fibre; buchberger_naive itself 1.3 s.)
    G = flint.fmpz_mpoly_vec(vec, ctx).buchberger_naive()
    gb = [g for g in G if not g.is_zero()]
    lms = [tuple(g.monoms()[0][:nvars]) for g in gb]
    dimension, basis = _staircase(lms, nvars)
    if dimension != 0:
        return Quotient(nvars, dimension)
    G = flint.fmpz_mpoly_vec(gb, ctx)
    z = ctx.gens()[nvars]
    zmono = (0,) * nvars + (1,)

    def nf(i: int, j: int) -> Polynomial:
        m = basis[j][:i] + (basis[j][i] + 1,) + basis[j][i + 1:] + (0,)
        r = (flint.fmpz_mpoly({m: 1}, ctx) + z).reduction_primitive_part(G)
        d = r.to_dict()
        scale = Fraction(int(d.pop(zmono)))
        return {mono[:nvars]: Fraction(int(c)) / scale for mono, c in d.items()}

    return _assemble(nvars, basis, nf)


# ------------------------------------------------------------------------------ Singular
# The normal forms are computed a whole ideal at a time (reduce(var(i) * B, G)) and printed as
# polynomial strings: per-element loops in Singular's interpreter were 40x slower (2 s against
# 0.05 s on the 252-point blind-deconvolution fibre).
_SINGULAR_SCRIPT = """\
ring r = 0, (x(1..{n})), dp;
short = 0;
option(redSB);
ideal I = {polys};
ideal G = std(I);
int d = dim(G);
"DIM " + string(d);
if (d == 0) {{
  ideal B = kbase(G);
  "B " + string(ncols(B));
  string(B);
  int i;
  for (i = 1; i <= {n}; i++) {{
    "N " + string(i);
    string(reduce(var(i) * B, G));
  }}
}}
"END";
quit;
"""

_TERM = re.compile(r"^x\((\d+)\)(?:\^(\d+))?$")


def _parse_singular_poly(text: str, nvars: int) -> Polynomial:
    """Parse Singular's ``short = 0`` output of one polynomial.

    >>> _parse_singular_poly("-3/4*x(1)^2*x(3)+x(2)-5", 3)
    {(2, 0, 1): Fraction(-3, 4), (0, 1, 0): Fraction(1, 1), (0, 0, 0): Fraction(-5, 1)}
    """
    out: Polynomial = {}
    text = text.strip()
    if text == "0":
        return out
    for term in re.split(r"(?=[+-])", text):
        if not term:
            continue
        sign = -1 if term[0] == "-" else 1
        term = term.lstrip("+-")
        coef = Fraction(sign)
        exps = [0] * nvars
        for factor in term.split("*"):
            m = _TERM.match(factor)
            if m:
                exps[int(m.group(1)) - 1] += int(m.group(2) or 1)
            else:
                coef *= Fraction(factor)
        mono = tuple(exps)
        out[mono] = out.get(mono, 0) + coef
    return {m: c for m, c in out.items() if c}


def _singular_poly(p: Polynomial) -> str:
    terms = []
    for m, c in p.items():
        factors = [f"({c.numerator}/{c.denominator})"]
        factors += [f"x({i + 1})^{e}" for i, e in enumerate(m) if e]
        terms.append("*".join(factors))
    return "+".join(terms) or "0"


def _singular_quotient(polys: Sequence[Polynomial], nvars: int, timeout: float | None = None) -> Quotient:
    exe = shutil.which("Singular")
    if exe is None:
        raise BackendUnavailable(unavailable_message("singular"))
    script = _SINGULAR_SCRIPT.format(n=nvars, polys=",\n  ".join(_singular_poly(p) for p in polys))
    with tempfile.TemporaryDirectory(prefix="tensorlift-singular-") as tmp:
        path = os.path.join(tmp, "fibre.sing")
        with open(path, "w") as fh:
            fh.write(script)
        proc = subprocess.run([exe, "-q", "--no-rc", "--no-warn", path], capture_output=True, text=True,
                              timeout=timeout, cwd=tmp)
    lines = proc.stdout.splitlines()
    if proc.returncode != 0 or "END" not in lines:
        raise RuntimeError(f"Singular failed (exit {proc.returncode}): {proc.stderr.strip() or proc.stdout[-500:]}")
    dimension = int(next(l for l in lines if l.startswith("DIM "))[4:])
    if dimension != 0:
        return Quotient(nvars, 1 if dimension > 0 else -1)
    at = lines.index(next(l for l in lines if l.startswith("B ")))
    D = int(lines[at][2:])
    basis = [tuple(m) for p in lines[at + 1].split(",") for m in _parse_singular_poly(p, nvars)]
    nfs: dict[tuple[int, int], Polynomial] = {}
    for i in range(nvars):
        if lines[at + 2 + 2 * i] != f"N {i + 1}":
            raise InternalError(f"Singular output: expected the normal forms of variable {i + 1}")
        polys_i = lines[at + 3 + 2 * i].split(",")
        if len(basis) != D or len(polys_i) != D:
            raise RuntimeError("Singular output: unexpected number of basis elements")  # pragma: no cover
        for j, p in enumerate(polys_i):
            nfs[(i, j)] = _parse_singular_poly(p, nvars)
    order = sorted(range(D), key=lambda j: grevlex_key(basis[j]))
    position = {j: r for r, j in enumerate(order)}
    by_new = {(i, position[j]): p for (i, j), p in nfs.items()}
    return _assemble(nvars, [basis[j] for j in order], lambda i, j: by_new[(i, j)])


# ------------------------------------------------------------------------------ dispatch
def is_available(name: str) -> bool:
    """Whether backend ``name`` can run here."""
    if name == "sympy":
        return True
    if name == "flint":
        return hasattr(flint, "fmpz_mpoly_vec") and hasattr(flint.fmpz_mpoly_vec, "buchberger_naive")
    if name == "singular":
        return shutil.which("Singular") is not None
    return False


def unavailable_message(name: str) -> str:
    """What to install to get backend ``name``."""
    return {
        "flint": "backend 'flint' needs python-flint >= 0.7 (fmpz_mpoly_vec.buchberger_naive): "
                 "pip install -U python-flint",
        "singular": "backend 'singular' needs the Singular executable on PATH: "
                    "apt-get install singular (or `make install` on Debian/Ubuntu)",
    }.get(name, f"unknown backend {name!r}")


def quotient(name: str, polys: Sequence[Polynomial], nvars: int) -> Quotient:
    """Q[x]/I for the ideal I generated by ``polys``, computed by backend ``name``."""
    if not is_available(name):
        raise BackendUnavailable(unavailable_message(name))
    trivial = _trivial(polys, nvars)
    if trivial is not None:
        return trivial
    return {"sympy": _sympy_quotient, "flint": _flint_quotient, "singular": _singular_quotient}[name](polys, nvars)
