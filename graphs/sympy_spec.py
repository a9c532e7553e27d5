"""Structured networks written as sympy matrices of linear forms (paper, (1.2)), and back.

The paper writes each factor M_k(h_k) as a matrix whose entries are linear forms in the layer's
parameters h_k = (h_{k,0}, ..., h_{k,S_k - 1}). :func:`from_sympy` reads exactly that: K sympy
matrices and, per layer, the sympy symbols of h_k in order. It is another reader of the
``structured`` kind: every entry is checked (a linear form in its own layer's symbols, rational
coefficients, no constant term), the ``structured`` spec is written by the one writer
(:func:`graphs.structured_spec.write_structured_spec`) and read back by the one reader, so the
result is exactly what reading that JSON file gives (``loaded.spec`` is the file's content).

Ties (section 2.2, e.g. phase retrieval h_1 = h_2) are written the sympy way -- the same symbols
for several layers (``params=[x, x]``) -- or with ``tie=[[1, 2]]`` (1-based layer numbers, as in the
spec). Model supports (section 1.2.2) name parameters by their symbols or 0-based indices.

Builders of the usual layers return sympy matrices: :func:`circulant` (circular convolution on
Z_N with a support), :func:`toeplitz` (convolution without wrap-around), :func:`diagonal`,
:func:`masked` (a sparse mask filled with parameters) and :func:`parameter_symbols`.
:func:`to_sympy` turns any multilinear map back into such matrices.

Examples
--------
>>> import sympy
>>> a, b = parameter_symbols("a", 2), parameter_symbols("b", 2)
>>> loaded = from_sympy([sympy.Matrix([[a[0], a[1]]]), sympy.Matrix([[b[0]], [b[1] / 2]])], params=[a, b])
>>> loaded.spec["layers"][1]["entries"]
[[0, 0, 0, '1'], [1, 1, 0, '1/2']]
>>> from_sympy([sympy.Matrix([[a[0] * a[1]]])], params=[a])
Traceback (most recent call last):
...
algebra.errors.SpecError: matrices[0][0, 0]: a0*a1 is not linear in params[0] (a0, a1): term a0*a1
"""
from __future__ import annotations

from fractions import Fraction
from typing import Any, Mapping, Sequence

from algebra.errors import SpecError
from algebra.models import ModelCollection
from algebra.network import Layer, MultilinearMap

from .specs import LoadedSpec, parse_spec
from .structured_spec import parse_model_spec, write_structured_spec

__all__ = ["from_sympy", "to_sympy", "parameter_symbols", "circulant", "toeplitz", "diagonal", "masked"]


def parameter_symbols(name: str, count: int) -> tuple:
    """``count`` sympy symbols ``name0, name1, ...`` (the coordinates of one h_k).

    >>> parameter_symbols("h1_", 3)
    (h1_0, h1_1, h1_2)
    """
    import sympy

    if count < 1:
        raise SpecError("count", f"expected at least one parameter, got {count}")
    return tuple(sympy.symbols(f"{name}0:{count}"))


# ============================================================================ builders
def _params(params: Sequence, field: str = "params") -> tuple:
    import sympy

    if isinstance(params, sympy.Symbol) or isinstance(params, (str, bytes)):
        raise SpecError(field, "expected a sequence of sympy symbols")
    out = tuple(params)
    for i, x in enumerate(out):
        if not isinstance(x, sympy.Symbol):
            raise SpecError(f"{field}[{i}]", f"expected a sympy Symbol, got {x!r:.40}")
    return out


def circulant(params: Sequence, N: int, support: Sequence[int] | None = None):
    """The N x N circulant matrix of the kernel with values ``params`` at the offsets ``support``.

    Entry (r, c) is h_j when r − c ≡ support[j] (mod N) (circular convolution on Z_N, the
    convention of :mod:`graphs.conv`: C(u) x = u * x). ``support`` defaults to 0, 1, ....

    >>> circulant(parameter_symbols("u", 2), 3)
    Matrix([
    [u0,  0, u1],
    [u1, u0,  0],
    [ 0, u1, u0]])
    """
    import sympy

    params = _params(params)
    support = list(range(len(params))) if support is None else [int(s) for s in support]
    _check_support(support, len(params), N)
    M = sympy.zeros(N, N)
    for h, s in zip(params, support):
        for r in range(N):
            M[r, (r - s) % N] += h
    return M


def toeplitz(params: Sequence, rows: int, cols: int, support: Sequence[int] | None = None):
    """The rows x cols Toeplitz matrix of a convolution without wrap-around.

    Entry (r, c) is h_j when r − c = support[j] (``support`` defaults to 0, 1, ...; offsets may be
    negative), so with ``rows = cols + max(support)`` it is the full linear convolution.

    >>> toeplitz(parameter_symbols("u", 2), 3, 2)
    Matrix([
    [u0,  0],
    [u1, u0],
    [ 0, u1]])
    """
    import sympy

    params = _params(params)
    support = list(range(len(params))) if support is None else [int(s) for s in support]
    if len(support) != len(params) or len(set(support)) != len(support):
        raise SpecError("support", f"expected {len(params)} distinct offsets (one per parameter), got {support}")
    M = sympy.zeros(rows, cols)
    for h, s in zip(params, support):
        for c in range(cols):
            if 0 <= c + s < rows:
                M[c + s, c] += h
    return M


def diagonal(params: Sequence):
    """diag(h_k): the square matrix with the parameters on its diagonal.

    >>> diagonal(parameter_symbols("d", 2))
    Matrix([
    [d0,  0],
    [ 0, d1]])
    """
    import sympy

    return sympy.diag(*_params(params))


def masked(mask: Sequence[Sequence[int]], params: Sequence):
    """A sparse layer: the 0/1 ``mask`` with its non-zero cells filled by ``params`` in row-major order.

    >>> masked([[1, 0], [1, 1]], parameter_symbols("w", 3))
    Matrix([
    [w0,  0],
    [w1, w2]])
    """
    import sympy

    params = _params(params)
    rows = [list(r) for r in mask]
    cells = [(r, c) for r, row in enumerate(rows) for c, v in enumerate(row) if v]
    if len(cells) != len(params):
        raise SpecError("params", f"the mask has {len(cells)} non-zero cells but {len(params)} parameters were given")
    M = sympy.zeros(len(rows), len(rows[0]) if rows else 0)
    for (r, c), h in zip(cells, params):
        M[r, c] = h
    return M


def _check_support(support: list[int], n: int, N: int) -> None:
    if len(support) != n or len(set(support)) != n:
        raise SpecError("support", f"expected {n} distinct offsets (one per parameter), got {support}")
    for s in support:
        if not 0 <= s < N:
            raise SpecError("support", f"offset {s} outside Z_{N} (0..{N - 1})")


# ============================================================================ the reader
def _rational(value, where: str, symbol) -> Fraction:
    """A sympy number (the coefficient of ``symbol``) as a Fraction, or a SpecError saying why not."""
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))
    if getattr(value, "is_Float", False):
        raise SpecError(where, f"the coefficient {value} of {symbol} is a float; write it as an exact rational "
                               "(sympy.Rational)")
    raise SpecError(where, f"the coefficient {value} of {symbol} is not rational")


def _linear_form(expr, symbols: tuple, index: Mapping, where: str, owner: Mapping, k: int) -> dict[int, Fraction]:
    """{parameter index: coefficient} of one entry, a linear form in this layer's symbols."""
    import sympy

    expr = sympy.expand(sympy.sympify(expr))
    if expr == 0:
        return {}
    stray = expr.free_symbols - set(symbols)
    if stray:
        x = sorted(stray, key=str)[0]
        whose = (f"it belongs to params[{owner[x]}]" if x in owner else "it is not a parameter of any layer")
        raise SpecError(where, f"{expr} uses the symbol {x}, but M_{k + 1} may use only params[{k}]'s symbols ({whose})")
    names = ", ".join(map(str, symbols))
    out: dict[int, Fraction] = {}
    for term, coeff in expr.as_coefficients_dict().items():
        if term == 1:
            raise SpecError(where, f"{expr} has the constant term {coeff}; M_{k + 1}(h_{k + 1}) must be linear in "
                                   f"params[{k}]")
        if term in index:
            out[index[term]] = out.get(index[term], Fraction(0)) + _rational(coeff, where, term)
            continue
        present = [x for x in symbols if term.has(x)]
        factor = sympy.simplify(term / present[0]) if len(present) == 1 else None
        if factor is not None and not factor.free_symbols:
            _rational(factor * coeff, where, present[0])  # raises: not rational
        raise SpecError(where, f"{expr} is not linear in params[{k}] ({names}): term {term}")
    return {i: v for i, v in out.items() if v}


def _layer(matrix, symbols: tuple, k: int, owner: Mapping) -> Layer:
    import sympy

    where = f"matrices[{k}]"
    try:
        M = matrix if isinstance(matrix, sympy.MatrixBase) else sympy.Matrix(matrix)
    except (TypeError, ValueError, sympy.SympifyError) as exc:
        raise SpecError(where, f"not a matrix: {exc}") from None
    if M.rows < 1 or M.cols < 1:
        raise SpecError(where, f"expected a non-empty matrix, got {M.rows} x {M.cols}")
    index = {x: i for i, x in enumerate(symbols)}
    entries = []
    for r in range(M.rows):
        for c in range(M.cols):
            for p, v in _linear_form(M[r, c], symbols, index, f"{where}[{r}, {c}]", owner, k).items():
                entries.append((p, r, c, v))
    return Layer(M.rows, M.cols, len(symbols), entries)


def _layer_symbols(params: Sequence, K: int) -> tuple[list[tuple], list[list[int]]]:
    """Each layer's symbols, and the tie groups (0-based) of layers given the same symbols."""
    if isinstance(params, (str, bytes)) or not isinstance(params, Sequence) or len(params) != K:
        raise SpecError("params", f"expected one sequence of sympy symbols per matrix ({K})")
    layers = [_params(p, f"params[{k}]") for k, p in enumerate(params)]
    first_owner: dict = {}
    same: dict[tuple, list[int]] = {}
    for k, syms in enumerate(layers):
        if not syms:
            raise SpecError(f"params[{k}]", "expected at least one parameter symbol")
        if len(set(syms)) != len(syms):
            raise SpecError(f"params[{k}]", f"a symbol is repeated in {syms}")
        same.setdefault(syms, []).append(k)
        for x in syms:
            j = first_owner.setdefault(x, k)
            if j != k and layers[j] != syms:
                raise SpecError(f"params[{k}]", f"the symbol {x} is also in params[{j}]; layers share symbols only "
                                                "all together, in the same order (a tie h_j = h_k)")
    return layers, [ks for ks in same.values() if len(ks) > 1]


def _support_indices(value: Any, symbols: tuple, where: str) -> Any:
    """A ``supports`` item with its symbols replaced by 0-based indices (the spec's spelling)."""
    index = {x: i for i, x in enumerate(symbols)}

    def one(x, w):
        if x in index:
            return index[x]
        if isinstance(x, int) and not isinstance(x, bool):
            return x
        raise SpecError(w, f"{x!r:.40} is not one of params' symbols {symbols} nor an index")

    if value is None or value == "full":
        return value
    if isinstance(value, Mapping):
        if "groups" in value:
            return {**value, "groups": [[one(x, f"{where}.groups[{g}]") for x in grp]
                                        for g, grp in enumerate(value["groups"])]}
        return dict(value)
    if isinstance(value, (list, tuple)):
        return [[one(x, f"{where}[{j}]") for x in alt] for j, alt in enumerate(value)]
    raise SpecError(where, f"expected None, a list of supports, {{'sparsity': s}} or {{'groups', 'active'}}, "
                           f"got {value!r:.60}")


def from_sympy(matrices: Sequence, params: Sequence[Sequence], *, supports: Sequence | None = None,
               tie: Sequence[Sequence[int]] | None = None, name: str | None = None,
               description: str | None = None) -> LoadedSpec:
    """Read a structured network given as sympy matrices of linear forms (paper, (1.2)).

    Parameters
    ----------
    matrices : sequence of K sympy matrices (or nested lists sympy.Matrix accepts)
        M_1(h_1), ..., M_K(h_K); each entry a linear form in its own layer's symbols with
        rational coefficients and no constant term. Layer k's cols must equal layer k+1's rows.
    params : sequence of K sequences of sympy Symbols
        The coordinates of h_1, ..., h_K in order (0-based parameter i is ``params[k][i]``).
        Giving several layers the same symbols ties them (h_j = h_k, a model with ties).
    supports : sequence, optional
        The model's per-layer alternative supports (section 1.2.2): per layer ``None`` (full),
        a list of supports (each a list of the layer's symbols or 0-based indices),
        ``{"sparsity": s}`` or ``{"groups": [...], "active": a}`` -- the spec's spellings.
    tie : list of lists of int, optional
        More tied layers, as 1-based layer numbers (``[[1, 2]]``: h_1 = h_2).
    name, description : str, optional
        Written into the spec.

    Returns
    -------
    LoadedSpec
        Kind ``structured``: ``.spec`` the JSON spec (write it with ``json.dump``), ``.network``
        the :class:`~algebra.network.MultilinearMap`, ``.model`` the model (None if full).

    Raises
    ------
    SpecError
        One line naming the entry, e.g. ``matrices[1][0, 2]: a0**2 is not linear in params[1] ...``:
        a non-linear or irrational entry, a float coefficient, a constant term, a symbol of another
        layer, mismatched shapes, or a model the structured reader refuses.

    Examples
    --------
    Real phase retrieval y_j = (a_j . x)^2 (section 2.2) as X = diag(A x) (A x), h_1 = h_2 = x:

    >>> import sympy
    >>> x = parameter_symbols("x", 2)
    >>> Ax = sympy.Matrix([[1, 0], [0, 1], [1, 1]]) * sympy.Matrix(x)
    >>> pr = from_sympy([sympy.diag(*Ax), Ax], params=[x, x], name="pr")
    >>> pr.spec["model"], pr.network.shape
    ({'supports': [None, None], 'tie': [[1, 2]]}, (3, 1))
    """
    import sympy

    if isinstance(matrices, sympy.MatrixBase) or not isinstance(matrices, Sequence) or not matrices:
        raise SpecError("matrices", "expected a non-empty list of sympy matrices M_1, ..., M_K")
    K = len(matrices)
    symbols, same = _layer_symbols(params, K)
    owner: dict = {}
    for k, syms in enumerate(symbols):
        for x in syms:
            owner.setdefault(x, k)
    layers = [_layer(M, symbols[k], k, owner) for k, M in enumerate(matrices)]
    for k in range(1, K):
        if layers[k - 1].cols != layers[k].rows:
            raise SpecError(f"matrices[{k}]", f"{layers[k].rows} rows, but matrices[{k - 1}] has {layers[k - 1].cols} "
                                              "cols (the product M_1 ... M_K needs them equal)")
    net = MultilinearMap(layers)
    model_spec: dict[str, Any] = {}
    if supports is not None:
        if isinstance(supports, (str, bytes)) or not isinstance(supports, Sequence) or len(supports) != K:
            raise SpecError("supports", f"expected one item per layer ({K})")
        model_spec["supports"] = [_support_indices(v, symbols[k], f"supports[{k}]") for k, v in enumerate(supports)]
    ties = [[k + 1 for k in ks] for ks in same] + [list(g) for g in (tie or [])]
    if ties:
        model_spec["tie"] = ties
    model: ModelCollection | None = parse_model_spec(model_spec or None, net, field="model")
    spec = write_structured_spec(net, model, name=name, description=description)
    return parse_spec(spec)


def to_sympy(net: MultilinearMap, symbols: Sequence[Sequence] | None = None) -> tuple[list, list[tuple]]:
    """The factors M_k(h_k) of a multilinear map as sympy matrices of linear forms.

    ``symbols`` defaults to h1_0, h1_1, ... per layer (1-based layer numbers, as in the paper).
    Returns ``(matrices, symbols)``; ``from_sympy(*to_sympy(net)).network == net``.

    >>> import sympy
    >>> net = MultilinearMap([Layer(1, 2, 2, [(0, 0, 0, 1), (1, 0, 1, Fraction(1, 2))])])
    >>> to_sympy(net)[0][0]
    Matrix([[h1_0, h1_1/2]])
    """
    import sympy

    if symbols is None:
        symbols = [parameter_symbols(f"h{k + 1}_", layer.params) for k, layer in enumerate(net.layers)]
    matrices = []
    for layer, syms in zip(net.layers, symbols):
        M = sympy.zeros(layer.rows, layer.cols)
        for p, r, c, v in layer.entries:
            M[r, c] += sympy.Rational(v.numerator, v.denominator) * syms[p]
        matrices.append(M)
    return matrices, [tuple(s) for s in symbols]
