"""Scripts for a computer algebra system: re-derive a network's rank and identifiability system.

:func:`export_script` writes a Macaulay2, Singular or Sage script that defines, exactly over Q,

* the lifting operator A of Corollary 5.2 (rows: entry (r, c) of X is row r * n + c; columns: A's
  non-zero columns, whose index tuples (i_1, ..., i_K) the script lists) and prints its rank;
* the identifiability system of Proposition 6.3: unknowns t_i, one per index tuple i of the span
  of the model's Segre images (the union of the pieces' boxes T^L_1 x ... x T^L_K; tied layers add
  the symmetry equations t_i = t_{sigma(i)}), the kernel equations A T = 0, and every 3 x 3 minor
  of every flattening of T (each P(h) − P(g) has all flattenings of rank <= 2). It prints the
  dimension of that affine cone: **0** (only T = 0) proves every class ⟨h⟩ identifiable
  (Definition 6.1; over C, hence over R). A positive dimension does not refute it by itself -- a
  tensor whose flattenings have rank <= 2 need not be a P(h) − P(g) when K >= 3.

It is the system behind tensorlift's own routes (``algebra.identifiability``), written out so an
algebraist can re-derive a verdict in their own system. Conv and feed-forward specs are exported as
the multilinear map they compile to (the layer-wise classes ⟨h⟩; a conv certificate decides the
path-wise {h} of section 8). The script's last lines print ``rank A = r`` and ``dim identifiability
variety = d``.

Examples
--------
>>> from graphs.specs import parse_spec
>>> loaded = parse_spec({"kind": "structured", "layers": [
...     {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]},
...     {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, "1/2"]]}]})
>>> script = export_script(loaded, "singular")
>>> "A[4,4] = 1/2;" in script and 'string(rank(A))' in script
True
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from fractions import Fraction

from algebra.budget import Budget
from algebra.errors import BudgetExceeded, SpecError
from algebra.lifting import lifting_operator
from algebra.limits import MAX_COMPILED_ENTRIES, MAX_EXPORT_COORDINATES, MAX_EXPORT_ENTRIES
from algebra.models import full_model
from graphs.specs import LoadedSpec

__all__ = ["TARGETS", "DIALECTS", "ExportData", "export_data", "export_script", "RANK_LINE", "DIMENSION_LINE"]

TARGETS = ("m2", "singular", "sage")
RANK_LINE = "rank A = "  # what every script prints, then the number
DIMENSION_LINE = "dim identifiability variety = "


@dataclass
class ExportData:
    """The exact data every script writes (0-based indices throughout).

    ``entries`` {(row, column number): value} of A on its non-zero ``columns`` (index tuples);
    ``variables`` the index tuples of the span's unknowns t_0, t_1, ...; ``tensor[j]`` the unknown
    at A's column j (None: that column is outside the span, T is 0 there); ``symmetry`` pairs
    (a, b) meaning t_a = t_b; ``flattenings`` per layer (rows, cols, {(row, col): unknown}).
    """

    name: str
    kind: str
    n_rows: int
    columns: list[tuple[int, ...]]
    entries: dict[tuple[int, int], Fraction]
    variables: list[tuple[int, ...]] = field(default_factory=list)
    tensor: list[int | None] = field(default_factory=list)
    symmetry: list[tuple[int, int]] = field(default_factory=list)
    flattenings: list[tuple[int, int, dict[tuple[int, int], int]]] = field(default_factory=list)
    with_system: bool = True


def export_data(loaded: LoadedSpec, *, rank_only: bool = False, budget: Budget | None = None) -> ExportData:
    """A and (unless ``rank_only``) the identifiability system of a spec, exactly (see the module
    docstring). Raises :class:`BudgetExceeded` beyond :data:`algebra.limits.MAX_EXPORT_ENTRIES`
    non-zero entries of A or :data:`algebra.limits.MAX_EXPORT_COORDINATES` unknowns."""
    if loaded.kind == "conv":  # circulant blocks: N matrix entries per kernel offset
        compiled = loaded.network.N * sum(len(e.support) for e in loaded.network.edges)
        if compiled > MAX_COMPILED_ENTRIES:
            raise BudgetExceeded(f"compiling this conv network needs {compiled} matrix entries "
                                 f"(> {MAX_COMPILED_ENTRIES}, algebra.limits.MAX_COMPILED_ENTRIES)")
    net = loaded.multilinear()
    A = lifting_operator(net, budget if budget is not None else Budget.default())
    columns = list(A.columns)
    entries = {(r, j): v for j, t in enumerate(columns) for r, v in A.columns[t].items()}
    if len(entries) > MAX_EXPORT_ENTRIES:
        raise BudgetExceeded(f"A has {len(entries)} non-zero entries, more than an exported script holds "
                             f"({MAX_EXPORT_ENTRIES}, algebra.limits.MAX_EXPORT_ENTRIES)")
    data = ExportData(loaded.name, loaded.kind, A.n_rows, columns, entries, with_system=not rank_only)
    if rank_only:
        return data
    model = loaded.model if loaded.model is not None else full_model(net)
    span: dict[tuple[int, ...], None] = {}
    for piece in model.pieces():
        boxes = 1
        for t in piece.supports:
            boxes *= len(t)
        if len(span) + boxes > MAX_EXPORT_COORDINATES:
            raise BudgetExceeded(f"the span of the model has more than {MAX_EXPORT_COORDINATES} coordinates "
                                 "(algebra.limits.MAX_EXPORT_COORDINATES); export the rank alone with --rank-only")
        span.update(dict.fromkeys(itertools.product(*piece.supports)))
    data.variables = sorted(span)
    number = {t: a for a, t in enumerate(data.variables)}
    data.tensor = [number.get(t) for t in columns]
    for cls in model.classes:  # tied layers: T is symmetric in their positions
        for k1, k2 in itertools.combinations(cls, 2):
            for t, a in number.items():
                swapped = list(t)
                swapped[k1], swapped[k2] = t[k2], t[k1]
                b = number.get(tuple(swapped))
                if b is not None and a < b:
                    data.symmetry.append((a, b))
    for k in range(net.K):
        rows = sorted({t[k] for t in data.variables})
        cols = sorted({t[:k] + t[k + 1:] for t in data.variables})
        row_of, col_of = {i: a for a, i in enumerate(rows)}, {c: a for a, c in enumerate(cols)}
        cells = {(row_of[t[k]], col_of[t[:k] + t[k + 1:]]): a for t, a in number.items()}
        if len(rows) >= 3 and len(cols) >= 3:  # smaller flattenings have rank <= 2 anyway
            data.flattenings.append((len(rows), len(cols), cells))
    return data


def _q(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _header(data: ExportData, comment: str) -> list[str]:
    lines = [f"tensorlift export of '{data.name}' ({data.kind}): exact over QQ, paper numbering",
             f"A: the lifting operator (Corollary 5.2), {data.n_rows} rows (entry (r, c) of X is row r*n + c, "
             f"0-based), {len(data.columns)} columns = its non-zero columns, index tuples (0-based):",
             "  " + " ".join(str(t).replace(" ", "") for t in data.columns)]
    if data.with_system:
        lines += [f"identifiability system (Proposition 6.3): unknowns t for the {len(data.variables)} index tuples of "
                  "the span of the model's Segre images,",
                  "  " + " ".join(str(t).replace(" ", "") for t in data.variables),
                  "  equations: A T = 0, tied layers' symmetry, all 3x3 minors of every flattening of T.",
                  "  dimension 0 (only T = 0) proves every class <h> identifiable (Definition 6.1, over C hence R);",
                  "  a positive dimension alone does not refute it (for K >= 3 not every such T is P(h) - P(g))."]
    return [f"{comment} {line}" for line in lines]


# Each system's spelling of the same script (str.format templates; {a} a 0-based unknown, {a1} 1-based).
DIALECTS = {
    "m2": {"comment": "--", "var": "t_{a}", "entry": "({r},{j})=>{v}", "sep": ", ",
           "A": "A = map(QQ^{m}, QQ^{n}, {{{entries}}});", "rank": 'print("{line}" | toString(rank A));',
           "ring": "R = QQ[t_0..t_{last}];", "T": "T = transpose matrix(R, {{{{{tensor}}}}});",
           "kernel": "I = ideal(sub(A, R) * T);", "symmetry": "I = I + ideal({pairs});",
           "row": "{{{cells}}}", "minors": "I = I + minors(3, matrix(R, {{{rows}}}));",
           "dim": 'print("{line}" | toString(dim I));', "end": "exit 0"},
    "singular": {"comment": "//", "var": "t({a1})", "entry": "A[{r1},{j1}] = {v};", "sep": "\n",
                 "A": "ring r0 = 0, (x), dp;\nmatrix A[{m}][{n}];\n{entries}",
                 "rank": 'print("{line}" + string(rank(A)));',
                 "ring": "ring r = 0, (t(1..{count})), dp;\nmatrix A = fetch(r0, A);",
                 "T": "matrix T[{n}][1] = {tensor};", "kernel": "ideal I = ideal(A*T);",
                 "symmetry": "I = I + ideal({pairs});", "row": "{cells}",
                 "minors": "matrix F{f}[{height}][{width}] = {rows};\nI = I + minor(F{f}, 3);",
                 "dim": 'ideal J = std(I);\nprint("{line}" + string(dim(J)));', "end": "quit;"},
    "sage": {"comment": "#", "var": "t[{a}]", "entry": "({r}, {j}): QQ('{v}')", "sep": ", ",
             "A": "A = matrix(QQ, {m}, {n}, {{{entries}}}, sparse=True)", "rank": 'print("{line}" + str(A.rank()))',
             "ring": "R = PolynomialRing(QQ, 't', {count})\nt = R.gens()", "T": "T = vector(R, [{tensor}])",
             "kernel": "eqs = list(A.change_ring(R) * T)", "symmetry": "eqs += [{pairs}]",
             "row": "[{cells}]", "minors": "eqs += matrix(R, [{rows}]).minors(3)",
             "dim": 'print("{line}" + str(R.ideal(eqs).dimension()))', "end": ""},
}


def _write(data: ExportData, target: str) -> str:
    """The script of ``data`` in ``target``'s spelling (:data:`DIALECTS`)."""
    d = DIALECTS[target]

    def var(a: int | None) -> str:
        return "0" if a is None else d["var"].format(a=a, a1=a + 1)

    entries = d["sep"].join(d["entry"].format(r=r, j=j, r1=r + 1, j1=j + 1, v=_q(v))
                            for (r, j), v in sorted(data.entries.items()))
    L = _header(data, d["comment"])
    L += [d["A"].format(m=data.n_rows, n=len(data.columns), entries=entries), d["rank"].format(line=RANK_LINE)]
    if data.with_system:
        n = len(data.variables)
        L += [d["ring"].format(last=n - 1, count=n), d["T"].format(n=len(data.columns), tensor=", ".join(map(var, data.tensor))),
              d["kernel"]]
        if data.symmetry:
            L.append(d["symmetry"].format(pairs=", ".join(f"{var(a)} - {var(b)}" for a, b in data.symmetry)))
        for f, (height, width, cells) in enumerate(data.flattenings):
            rows = ", ".join(d["row"].format(cells=", ".join(var(cells.get((i, j))) for j in range(width)))
                             for i in range(height))
            L.append(d["minors"].format(f=f, height=height, width=width, rows=rows))
        L.append(d["dim"].format(line=DIMENSION_LINE))
    L.append(d["end"])
    return "\n".join(L).rstrip("\n") + "\n"


def export_script(loaded: LoadedSpec, target: str, *, rank_only: bool = False, budget: Budget | None = None) -> str:
    """The script for ``target`` (``"m2"``, ``"singular"`` or ``"sage"``) of a loaded spec (see the
    module docstring); ``rank_only`` leaves out the identifiability system."""
    if target not in DIALECTS:
        raise SpecError("--to", f"expected one of {', '.join(TARGETS)}, got {target!r}")
    return _write(export_data(loaded, rank_only=rank_only, budget=budget), target)
