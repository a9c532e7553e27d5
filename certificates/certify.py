"""The certificate producer: spec -> decisions -> claims -> certificate (format version 1).

The producer is heavy and untrusted; :mod:`certificates.checker` re-checks what it writes
(``docs/certificate-format.md``). For structured and feed-forward networks this module only
*presents*: the questions are decided once, under one :class:`~algebra.budget.Budget`, by
:func:`graphs.verdicts.spec_analysis` (A built once, ``lifting-rank`` by
:func:`algebra.exact.lifting_rank_decision`), :func:`graphs.verdicts.spec_identifiability`
(``identifiable``, Proposition 6.3) and :func:`algebra.stability.stability_decision`
(``stable``, Theorem 7.2); :func:`claim_of` turns each :class:`~algebra.decision.Decision`
into a claim whose re-checked text is the checker's canonical one. The producer keeps the
policies that depend on the checker: a ``proved`` rank claim the checker could not re-check
within its ``MAX_WORK`` is written ``inconclusive``.

Conv networks (section 8): ``lifting-rank`` the structural count of distinct (leaf, offset-sum)
classes (Proposition 8.2), ``scattered`` Algorithm 8.1 / Definition 8.1, ``identifiable``
Theorem 8.4, ``stable`` Theorem 8.4's bound when scattered.

The certificate holds no timings, so the same spec and seed give the same bytes on every run;
the seconds per phase are in :attr:`Certification.extras`.

Examples
--------
>>> spec = {"kind": "structured", "layers": [
...     {"rows": 2, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 1, 0, 1]]},
...     {"rows": 1, "cols": 2, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 1, 1]]}]}
>>> cert = certify(spec)  # X = h_1 h_2^T: A is the identity, Ker A = {0}
>>> [(c["id"], c["status"]) for c in cert.document["claims"]][:2]
[('lifting-rank', 'proved'), ('identifiable', 'proved')]
>>> from certificates.checker import check_certificate
>>> check_certificate(cert.document).exit_code
0
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from algebra.budget import Budget
from algebra.decision import Decision, jsonable
from algebra.stability import stability_decision
from graphs.conv_decisions import decide_identifiable, decide_lifting_rank, decide_scattered, decide_stable
from graphs.specs import LoadedSpec, load_spec, parse_spec
from graphs.verdicts import spec_analysis, spec_identifiability

from .checker import COLUMN_UNITS, FORMAT, MAX_WORK, VERSION, canonical_claim_text, spec_sha256
from .claims import Claim
from .files import OutputFile, write_files
from .version import installed_version

__all__ = [
    "Certification",
    "certify",
    "certify_file",
    "write_certificate",
    "dumps_certificate",
    "default_certificate_path",
    "claim_of",
    "structured_claims",
    "conv_claims",
    "TOOL_VERSION",
]

TOOL_VERSION = installed_version()  # pyproject.toml's version, via the installed metadata


@dataclass
class Certification:
    """The result of :func:`certify`: the certificate document and what the report needs.

    ``extras`` hold what the document leaves out: ``kind``, ``timings`` (seconds per phase),
    ``decisions`` (the :class:`~algebra.decision.Decision` behind each structured claim).
    """

    document: dict
    claims: list[Claim]
    loaded: LoadedSpec
    extras: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.loaded.name

    # notebook display (certificates.notebook): the report, with the checker's verdict
    def _repr_html_(self) -> str:
        from .notebook import certification_html

        return certification_html(self)

    def _repr_markdown_(self) -> str:
        from .notebook import certification_markdown

        return certification_markdown(self)


# ============================================================================ structured claims
def _witness_kind(decision: Decision) -> str:
    """Which canonical statement of the checker a re-checked decision takes."""
    if decision.question == "lifting-rank":
        return "minor"
    if decision.question == "identifiable" and decision.status == "refuted":
        return "algebraic_counterexample" if "field" in decision.witness else "counterexample"
    if decision.question == "stable" and decision.status == "proved":
        return "gram"
    return next(key for key in ("from_claim", "model_span", "kernel_line", "difference_set") if key in decision.witness)


def _canonical_values(decision: Decision, model: bool) -> dict:
    """The values the checker's canonical statement is filled with, from the decision."""
    d, value = decision.details, decision.value
    if decision.question == "lifting-rank":
        return {"n_rows": d["n_rows"], "n_cols": d["n_cols"], "n_nonzero": d["nonzero_columns"], "rank": value}
    if decision.question == "identifiable":
        out = {"model": model, "n_cols": d["n_cols"]}
        if "model_span" in decision.witness:
            out["n_groups"] = d["n_groups"]
        if "kernel_line" in decision.witness:
            out["layer"] = d["layer"]
        if "difference_set" in decision.witness:  # the numbers the checker reads off the witness
            blocks = decision.witness["difference_set"]["blocks"]
            out.update(n_blocks=len(blocks), dimension=max(len(b["kernel"]) for b in blocks),
                       degree=max(b["degree"] for b in blocks))
        if "field" in decision.witness:
            out["degree"] = len(decision.witness["field"]["minpoly"]) - 1
        return out
    if decision.status == "proved":  # stable: Theorem 7.2 with the enclosure of sigma_min(A)^2
        interval = value["sigma_min_squared"]
        return {"lo": interval["lo"], "hi": interval["hi"], "u": value["inv_sigma_min_upper"]}
    return {}


def claim_of(decision: Decision, *, model: bool = False) -> Claim:
    """The claim presenting a structured (or feed-forward) network's decision.

    A ``proved`` or ``refuted`` decision gets the statement, assumptions and relies_on of the
    checker's :func:`~certificates.checker.canonical_claim_text` (``model``: whether the spec
    has a ``"model"`` field); the others keep the decision's own. Witness, value and evidence
    are the decision's, written as JSON (``docs/certificate-format.md``).
    """
    value = None if decision.value is None else jsonable(decision.value)
    evidence = None if decision.evidence is None else jsonable(decision.evidence)
    if not decision.decided:
        return Claim(decision.question, decision.status, decision.statement, relies_on=decision.relies_on,
                     value=value, reason=decision.reason, evidence=evidence)
    statement, assumptions, relies_on = canonical_claim_text(
        "structured", decision.question, decision.status, _witness_kind(decision),
        **_canonical_values(decision, model))
    return Claim(decision.question, decision.status, statement, relies_on=tuple(relies_on), value=value,
                 witness=jsonable(decision.witness), assumptions=tuple(assumptions), evidence=evidence,
                 extra=dict(decision.details))


def _beyond_checker_budget(rank: Decision, K: int) -> Decision | None:
    """The rank decision as the certificate presents it when the independent checker could not
    re-check its witness within its work budget (it enumerates every non-zero column, at least
    ``checker.COLUMN_UNITS`` each, see ``checker.MAX_WORK``): ``inconclusive``, since a ``proved``
    claim nobody can re-check is not written -- and the later questions are decided without it."""
    if rank.status != "proved":
        return None
    columns = rank.details["nonzero_columns"]
    work = columns * COLUMN_UNITS
    if K < 2 or work <= MAX_WORK:
        return None
    return Decision("lifting-rank", "inconclusive", "The rank of the lifting operator A is not certified.",
                    relies_on=("Corollary 5.2",), seed=rank.seed,
                    reason=f"A has {columns} non-zero columns: re-checking a rank witness would take at least "
                           f"{work} units, beyond the independent checker's work budget of {MAX_WORK} (checker.MAX_WORK)")


def structured_claims(loaded: LoadedSpec, seed: int = 0, budget: Budget | None = None) -> tuple[list[Claim], dict]:
    """The three claims of a structured or feed-forward network, and the extras (timings, decisions).

    One run (:func:`graphs.verdicts.spec_analysis`): A is built once, every question charges
    ``budget`` (default :meth:`Budget.default`).
    """
    analysis = spec_analysis(loaded, seed, budget=budget)
    rank = analysis.rank()
    rank = _beyond_checker_budget(rank, analysis.net.K) or rank
    identifiable = spec_identifiability(loaded, analysis, rank)
    stable = stability_decision(analysis, identifiable)
    model = bool(loaded.spec.get("model"))
    claims = [claim_of(decision, model=model) for decision in (rank, identifiable, stable)]
    return claims, {"timings": dict(analysis.timings), "decisions": [rank, identifiable, stable]}


# ============================================================================ conv claims
def _conv_claim(decision: Decision) -> Claim:
    """A section-8 decision as a certificate claim: a decided one carries the checker's canonical
    text for its witness kind, filled with the values the decision names in its details."""
    d = decision
    if d.status == "inconclusive":
        return Claim(d.question, "inconclusive", d.statement, relies_on=tuple(d.relies_on), reason=d.reason)
    extra: dict = {}
    if d.question == "lifting-rank":
        kind, values = "classes_per_leaf", {"rank": d.value}
    elif d.question == "scattered":
        kind, values = "algorithm_8_1", d.details["collision"] or {}
    elif d.question == "identifiable" and d.status == "refuted":
        kind = "counterexample"
        values = {"path": d.details["path"], "all_kernels_nonzero": d.details["all_kernels_nonzero"]}
        extra = {"construction": d.details["construction"], "all_kernels_nonzero": d.details["all_kernels_nonzero"]}
    elif d.question == "stable" and d.status == "proved":
        kind, values = "from_claim", {k: d.details[k] for k in ("K", "S_prime", "N", "one_path")}
    else:
        kind, values = "from_claim", {}
    statement, assumptions, relies_on = canonical_claim_text("conv", d.question, d.status, kind, **values)
    return Claim(d.question, d.status, statement, relies_on=tuple(relies_on), value=jsonable(d.value),
                 witness=jsonable(d.witness), assumptions=tuple(assumptions), extra=extra)


def conv_claims(loaded: LoadedSpec, budget: Budget | None = None) -> tuple[list[Claim], dict]:
    """The four claims of a conv network (section 8), and a few facts for the summary.

    Presents the decisions of :mod:`graphs.conv_decisions` (lifting-rank, scattered,
    identifiable, stable) under ``budget`` (default :meth:`Budget.default`); a budget reached makes the pending claims ``inconclusive`` with the
    budget's message as the reason.
    """
    net = loaded.network
    budget = budget if budget is not None else Budget.default()
    with budget.phase("Algorithm 8.1"):
        scattered = decide_scattered(net, budget)
    with budget.phase("structural rank"):
        rank = decide_lifting_rank(net, budget, scattered)
    with budget.phase("identifiability (Theorem 8.4)"):
        identifiable = decide_identifiable(net, budget, scattered)
    stable = decide_stable(net, budget, scattered, identifiable)
    return [_conv_claim(d) for d in (rank, scattered, identifiable, stable)], {"K": net.K, "N": net.N}


# ============================================================================ driver
def certify(spec: Mapping | LoadedSpec, *, seed: int = 0, budget: Budget | None = None) -> Certification:
    """Run every applicable check on a spec and assemble the certificate.

    Parameters
    ----------
    spec : dict or LoadedSpec
        The spec exactly as read (it is embedded verbatim and hashed).
    seed : int
        Seed of every random choice (written into the certificate).
    budget : Budget, optional
        The run's one budget (default :meth:`Budget.default`: the command line's defaults);
        reaching it turns the affected claims into ``inconclusive`` with the reason. Its
        progress sink hears the phases.
    """
    budget = budget if budget is not None else Budget.default()
    loaded = spec if isinstance(spec, LoadedSpec) else parse_spec(spec)
    extras: dict = {"kind": loaded.kind}
    started = time.perf_counter()
    claims: list[Claim]
    if loaded.kind == "conv":
        claims, more = conv_claims(loaded, budget)
        extras.update(more)
        extras["timings"] = {"conv": round(time.perf_counter() - started, 6)}
    else:
        claims, more = structured_claims(loaded, seed, budget)
        extras.update(more)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "tool": {"name": "tensorlift", "version": TOOL_VERSION},
        "network": {"spec": loaded.spec, "sha256": spec_sha256(loaded.spec)},
        "seeds": {"seed": seed},
        "claims": [c.to_dict() for c in claims],
    }
    return Certification(document, claims, loaded, extras)


def certify_file(path: str | Path, **kwargs) -> Certification:
    """Read a spec file and :func:`certify` it."""
    return certify(load_spec(path), **kwargs)


def default_certificate_path(spec_path: str | Path) -> Path:
    """``<spec name>.cert.json`` in the current directory."""
    name = Path(spec_path).name
    for suffix in (".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(f"{name}.cert.json")


def write_certificate(document: Mapping, path: str | Path) -> Path:
    """Write a certificate atomically (no partial file on failure; its folder is created);
    deterministic layout. A write failure is a :class:`algebra.errors.SpecError` naming ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_files([OutputFile(path, dumps_certificate(document), "path")])
    return path


def dumps_certificate(document, width: int = 100) -> str:
    """Readable, deterministic JSON: objects one key per line, short lists on one line.

    >>> print(dumps_certificate({"a": [1, 2], "b": {"c": "x"}}))
    {
     "a": [1, 2],
     "b": {
      "c": "x"
     }
    }
    <BLANKLINE>
    """
    return _dump(document, 0, width) + "\n"


def _dump(x, level: int, width: int) -> str:
    flat = json.dumps(x, ensure_ascii=False)
    if not isinstance(x, (dict, list)) or (isinstance(x, list) and len(flat) + level <= width) or not x:
        return flat
    pad = " " * (level + 1)
    if isinstance(x, dict):
        items = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(v, level + 1, width)}" for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + " " * level + "}"
    items = [pad + _dump(v, level + 1, width) for v in x]
    return "[\n" + ",\n".join(items) + "\n" + " " * level + "]"

