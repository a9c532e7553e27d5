"""Claims: one statement about one network, with exactly one status (docs/certificate-format.md, "Claims").

| status | meaning | evidence |
|---|---|---|
| ``proved`` | holds exactly for this network | a witness the checker re-verifies |
| ``refuted`` | false for this network | an exact counterexample |
| ``probable`` | exact arithmetic at random points | failure probability, seed |
| ``numeric`` | floating-point evidence only | the tolerance |
| ``inconclusive`` | no theorem applies / budget exceeded | the reason |

Examples
--------
>>> c = Claim("lifting-rank", "inconclusive", "rank of the lifting operator A",
...           relies_on=("Corollary 5.2",), reason="over budget")
>>> c.to_dict()["status"], c.rechecked
('inconclusive', False)
>>> Claim("x", "maybe", "s")
Traceback (most recent call last):
...
ValueError: claim x: unknown status 'maybe'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from algebra.decision import DECIDED as RECHECKED, STATUSES

__all__ = ["Claim", "STATUSES", "RECHECKED", "THEOREM_OF"]

# What each claim id rests on in the paper, shown by the summary and the reports.
THEOREM_OF = {
    "lifting-rank": "Corollary 5.2",
    "scattered": "Definition 8.1 / Algorithm 8.1",
    "identifiable": "Proposition 6.3 / Theorem 8.4",
    "stable": "Theorem 7.2 / Theorem 8.4",
}


@dataclass(frozen=True)
class Claim:
    """One claim of a certificate (see ``docs/certificate-format.md``).

    ``witness`` only for ``proved``/``refuted`` (the checker re-verifies it); ``evidence`` for
    ``probable``/``numeric`` (seed, tolerance, ...); ``reason`` for ``inconclusive``.
    """

    id: str
    status: str
    statement: str
    relies_on: tuple[str, ...] = ()
    value: Any = None
    witness: dict | None = None
    reason: str | None = None
    assumptions: tuple[str, ...] = ()
    evidence: dict | None = None
    # not written to the certificate: data only the report needs (e.g. the 8.1 outputs as lists)
    extra: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(f"claim {self.id}: unknown status {self.status!r}")
        if self.status in RECHECKED and self.witness is None:
            raise ValueError(f"claim {self.id}: a {self.status} claim needs a witness")
        if self.status == "inconclusive" and not self.reason:
            raise ValueError(f"claim {self.id}: an inconclusive claim needs a reason")

    @property
    def rechecked(self) -> bool:
        """Whether ``tensorlift verify`` re-checks this claim."""
        return self.status in RECHECKED

    def to_dict(self) -> dict:
        """The claim as it is written into a certificate (version 1)."""
        out: dict = {"id": self.id, "status": self.status, "statement": self.statement,
                     "relies_on": list(self.relies_on)}
        if self.value is not None:
            out["value"] = self.value
        if self.witness is not None:
            out["witness"] = self.witness
        if self.reason:
            out["reason"] = self.reason
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out
