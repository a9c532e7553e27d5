"""The typed "open" result of the non-linear identifiability routes.

:mod:`algebra.difference_set` (proofs) and :mod:`algebra.real_witness` (refutations) return
either an :class:`algebra.decision.Decision` (``proved`` / ``refuted``, with a witness the
checker re-verifies) or an :class:`Undecided`: the one-line reason why neither could decide,
and the numbers behind it, so the engine can say precisely what stays open (Proposition 6.3:
identifiability is decided by whether Ker A meets P(M^L) − P(M^L') outside 0).

Examples
--------
>>> u = Undecided("over C the difference set meets Ker A in dimension 1; no real point found in 4 slices",
...               complex_dimension=1, slices_tried=4)
>>> d = u.decision()
>>> d.status, d.reason.startswith("over C")
('inconclusive', True)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from .decision import Decision

__all__ = ["Undecided"]


@dataclass(frozen=True)
class Undecided:
    """Why a non-linear route did not decide identifiability.

    Attributes
    ----------
    reason : str
        One line, e.g. ``"over C the difference set meets Ker A in dimension 2; no real point
        found in 6 slices"``, ``"Gröbner basis over budget"``.
    complex_dimension : int or None
        The projective dimension over C of {T ∈ Ker A ∩ W : every flattening of T has rank ≤ 2}
        when known (-1: empty), W the span of the model pieces considered.
    dimension_is_lower_bound : bool
        True when ``complex_dimension`` is a lower bound (projective dimension theorem) rather
        than the exact value (Gröbner basis).
    slices_tried : int
        Random slices of the incidence variety solved exactly without a real point.
    details : Mapping
        Further numbers (d = dim Ker A ∩ W, the Macaulay degree reached, backends, ...).
    """

    reason: str
    complex_dimension: int | None = None
    dimension_is_lower_bound: bool = False
    slices_tried: int = 0
    details: Mapping = field(default_factory=dict)

    def decision(self, question: str = "identifiable", statement: str | None = None, **kwargs) -> Decision:
        """This result as an ``inconclusive`` :class:`Decision` with the reason."""
        return Decision(question, "inconclusive", statement or f"Not decided: {self.reason}.", reason=self.reason,
                        details={"complex_dimension": self.complex_dimension,
                                 "dimension_is_lower_bound": self.dimension_is_lower_bound,
                                 "slices_tried": self.slices_tried, **self.details}, **kwargs)
