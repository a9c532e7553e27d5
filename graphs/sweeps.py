"""Families of specs that vary one quantity (a sweep), to map where identifiability holds.

A :class:`Sweep` is a list of specs, each with the value of the varied quantity. It is written as
a folder of spec files plus a manifest ``sweep.json`` (``{"sweep", "quantity", "label",
"values": {file name: value}}``) that ``tensorlift certify FOLDER`` reads to plot the share of
identifiable specs against the quantity.

:func:`phase_retrieval_sweep`: real phase retrieval y_j = (a_j . x)^2 (paper, section 2.2) with
S unknowns and m = 1..M random integer measurement vectors a_j, written -- through
:func:`graphs.sympy_spec.from_sympy` -- as X = diag(A x) (A x) with tied layers h_1 = h_2 = x.
Real phase retrieval needs m >= 2S − 1 generic measurements, so the share of identifiable specs
jumps there.

Examples
--------
>>> sweep = phase_retrieval_sweep(S=2, m_values=[1, 3], trials=1, seed=0)
>>> [(value, spec["name"]) for value, spec in sweep.items]
[(1, 'phase-retrieval-S2-m1-t0'), (3, 'phase-retrieval-S2-m3-t0')]
>>> sweep.items[1][1]["model"]
{'supports': [None, None], 'tie': [[1, 2]]}
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from algebra.errors import SpecError

from .sympy_spec import from_sympy, parameter_symbols

__all__ = ["Sweep", "MANIFEST", "phase_retrieval_sweep", "read_manifest", "sweep_manifest", "SWEEPS"]

MANIFEST = "sweep.json"


@dataclass
class Sweep:
    """Specs that vary one quantity: ``items`` are (value, spec dict) pairs, in order."""

    name: str
    quantity: str
    label: str
    items: list[tuple[Any, dict]] = field(default_factory=list)

    def file_name(self, spec: Mapping) -> str:
        return f"{spec['name']}.json"

    def manifest(self) -> dict:
        """The ``sweep.json`` of this sweep (file name -> value)."""
        return sweep_manifest(self.name, self.quantity, self.label,
                              {self.file_name(spec): value for value, spec in self.items})


def sweep_manifest(name: str, quantity: str, label: str, values: Mapping[str, Any]) -> dict:
    """The manifest dict ``{"sweep", "quantity", "label", "values"}``."""
    return {"sweep": name, "quantity": quantity, "label": label, "values": dict(values)}


def read_manifest(folder: str | Path) -> dict | None:
    """The sweep manifest of a folder (None when it has none); a malformed one is a SpecError."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SpecError(str(path), f"unreadable sweep manifest: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("values"), dict) or not isinstance(data.get("quantity"), str):
        raise SpecError(str(path), "expected {\"sweep\", \"quantity\", \"label\", \"values\": {file name: value}}")
    return data


def phase_retrieval_sweep(S: int, m_values: Iterable[int], trials: int = 1, seed: int = 0,
                          bound: int = 3) -> Sweep:
    """Real phase retrieval with S unknowns and m random integer measurements, for each m in
    ``m_values`` and ``trials`` draws each (entries of a_j uniform in [-bound, bound], a_j != 0,
    from ``random.Random(seed)``: the same arguments give the same specs).

    Each spec is X = diag(A x) (A x), A the m x S measurement matrix, with h_1 = h_2 = x.
    """
    import sympy

    if S < 1 or trials < 1:
        raise SpecError("S" if S < 1 else "trials", "expected a positive integer")
    rng = random.Random(seed)
    x = parameter_symbols("x", S)
    sweep = Sweep("phase-retrieval", "m", f"measurements m (S = {S})")
    for m in m_values:
        if m < 1:
            raise SpecError("m", f"expected at least one measurement, got {m}")
        for t in range(trials):
            rows = []
            while len(rows) < m:
                a = [rng.randint(-bound, bound) for _ in range(S)]
                if any(a):
                    rows.append(a)
            Ax = sympy.Matrix(rows) * sympy.Matrix(x)
            name = f"phase-retrieval-S{S}-m{m}-t{t}"
            description = (f"Real phase retrieval y_j = (a_j . x)^2 with S = {S} unknowns and m = {m} random integer "
                           f"measurements (seed {seed}, trial {t}), as X = diag(A x) (A x) with tied layers h_1 = h_2 "
                           "(paper section 2.2).")
            loaded = from_sympy([sympy.diag(*Ax), Ax], params=[x, x], name=name, description=description)
            sweep.items.append((m, dict(loaded.spec)))
    return sweep


# name -> generator, for ``tensorlift sweep NAME``
SWEEPS = {"phase-retrieval": phase_retrieval_sweep}
