"""The one result type of every decided question: :class:`Decision`.

Each question -- ``lifting-rank``, ``scattered``, ``identifiable``, ``stable`` -- is decided once,
in :mod:`algebra` (structured networks) or :mod:`graphs` (convolutional and feed-forward
networks), and answered by a :class:`Decision`. The certificate, the command line, the reports
and the notebook display only *present* decisions (:mod:`certificates`); none of them decides
again.

Statuses (never overstated):

| status | meaning | carries |
|---|---|---|
| ``proved`` | holds exactly for this network | ``witness`` |
| ``refuted`` | false for this network | ``witness`` (an exact counterexample) |
| ``probable`` | exact arithmetic at random points | ``evidence`` (seed, failure bound) |
| ``numeric`` | floating-point evidence only | ``evidence`` (tolerance) |
| ``inconclusive`` | no theorem applies, or a budget was reached | ``reason`` |

``witness`` has the shape of the certificate's witness for the question
(``docs/certificate-format.md``) with Python values: Fractions for rationals, tuples or lists
for index tuples; :func:`jsonable` turns it into the JSON the certificate holds.

Examples
--------
>>> d = Decision("identifiable", "inconclusive", "Identifiability is not decided.",
...              relies_on=("Proposition 6.3",), reason="work budget of 10 units reached")
>>> d.decided, d.reason
(False, 'work budget of 10 units reached')
>>> Decision("identifiable", "proved", "Ker A = {0}.")
Traceback (most recent call last):
...
algebra.errors.InternalError: identifiable: a proved decision needs a witness
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any, Mapping

from .errors import InternalError

__all__ = ["Decision", "STATUSES", "DECIDED", "QUESTIONS", "jsonable"]

STATUSES = ("proved", "refuted", "probable", "numeric", "inconclusive")
DECIDED = ("proved", "refuted")  # the statuses whose witness the checker re-verifies
QUESTIONS = ("lifting-rank", "scattered", "identifiable", "stable")


@dataclass(frozen=True)
class Decision:
    """The answer to one question about one network.

    Attributes
    ----------
    question : str
        One of :data:`QUESTIONS`.
    status : str
        One of :data:`STATUSES`.
    statement : str
        One sentence saying what was established (or what was not).
    relies_on : tuple of str
        The paper's definitions and theorems used (and ids of other decisions it rests on).
    value : object
        The answer itself where it has one (a rank, True/False, the stability constants).
    witness : Mapping or None
        The evidence the checker re-verifies (``proved``/``refuted`` only).
    reason : str or None
        Why an ``inconclusive`` decision is not decided (a budget reached, no theorem applies).
    assumptions : Mapping
        The field, the equivalence (⟨h⟩ of section 3 or {h} of section 8), the model, any
        genericity.
    evidence : Mapping or None
        Seed, tolerance, method: for ``probable`` and ``numeric`` decisions, and how a decided
        one was found.
    notes : tuple of str
        Caveats and context (e.g. the Theorem 6.4 note, never a proof).
    details : Mapping
        The numbers behind the decision (rank of A, join dimensions, ...).
    seed : int or None
        The seed of every random choice made.
    """

    question: str
    status: str
    statement: str
    relies_on: tuple[str, ...] = ()
    value: Any = None
    witness: Mapping | None = None
    reason: str | None = None
    assumptions: Mapping[str, str] = field(default_factory=dict)
    evidence: Mapping | None = None
    notes: tuple[str, ...] = ()
    details: Mapping = field(default_factory=dict)
    seed: int | None = None

    def __post_init__(self):
        if self.status not in STATUSES:
            raise InternalError(f"{self.question}: unknown status {self.status!r}")
        if self.status in DECIDED and self.witness is None:
            raise InternalError(f"{self.question}: a {self.status} decision needs a witness")
        if self.status == "inconclusive" and not self.reason:
            raise InternalError(f"{self.question}: an inconclusive decision needs a reason")

    @property
    def decided(self) -> bool:
        """True for ``proved`` and ``refuted`` (an exact answer with a re-checkable witness)."""
        return self.status in DECIDED

    def with_(self, **changes) -> "Decision":
        """A copy with some fields changed (validated again)."""
        return replace(self, **changes)

    def to_dict(self) -> dict:
        """JSON-ready form (rationals as "p/q" strings, tuples as lists)."""
        out = {"question": self.question, "status": self.status, "statement": self.statement,
               "relies_on": list(self.relies_on)}
        for name in ("value", "witness", "reason", "evidence", "seed"):
            value = getattr(self, name)
            if value is not None:
                out[name] = jsonable(value)
        for name in ("assumptions", "notes", "details"):
            value = getattr(self, name)
            if value:
                out[name] = jsonable(value)
        return out


def jsonable(x):
    """``x`` with Fractions as "p/q" strings, tuples as lists and dict keys as strings.

    >>> jsonable({"h": [(Fraction(1, 2), 3)], (0, 1): Fraction(4)})
    {'h': [['1/2', 3]], '(0, 1)': '4'}
    """
    if isinstance(x, Fraction):
        return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"
    if isinstance(x, Mapping):
        return {k if isinstance(k, str) else str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return jsonable(x.to_dict())
    return x
