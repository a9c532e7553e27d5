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

import contextlib
import json
import os
import signal
import tempfile
import threading
import time
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Callable, Mapping

from algebra.budget import Budget
from algebra.decision import Decision, jsonable
from algebra.errors import SpecError
from algebra.limits import MAX_SCATTER_ENTRIES
from algebra.rational import fraction_to_str
from algebra.stability import stability_decision
from graphs.specs import LoadedSpec, parse_spec, read_spec_file
from graphs.verdicts import spec_analysis, spec_identifiability

from .checker import (CONV_STABLE_FORMULA, FORMAT, MATMUL_STEPS, MAX_WORK, VERSION, canonical_claim_text,
                      spec_sha256)
from .claims import Claim

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
    "scattered_claim",
    "conv_rank_claim",
    "conv_identifiable_claim",
    "conv_stable_claim",
    "TOOL_VERSION",
]

TOOL_VERSION = "0.1.0"

Progress = Callable[[str], None]


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


class _TimeUp(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Raise :class:`_TimeUp` inside the block after ``seconds`` (main thread, POSIX only)."""
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def _raise(signum, frame):
        raise _TimeUp()

    old = signal.signal(signal.SIGALRM, _raise)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.001))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)




# ============================================================================ structured claims
def _witness_kind(decision: Decision) -> str:
    """Which canonical statement of the checker a re-checked decision takes."""
    if decision.question == "lifting-rank":
        return "minor"
    if decision.question == "identifiable" and decision.status == "refuted":
        return "counterexample"
    if decision.question == "stable" and decision.status == "proved":
        return "gram"
    return next(key for key in ("from_claim", "model_span", "kernel_line") if key in decision.witness)


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
    re-check its witness within its work budget (it enumerates every non-zero column, one sparse
    product each, see ``checker.MAX_WORK``): ``inconclusive``, since a ``proved`` claim nobody can
    re-check is not written -- and the later questions are decided without it."""
    if rank.status != "proved":
        return None
    columns = rank.details["nonzero_columns"]
    work = columns * MATMUL_STEPS
    if K < 2 or work <= MAX_WORK:
        return None
    return Decision("lifting-rank", "inconclusive", "The rank of the lifting operator A is not certified.",
                    relies_on=("Corollary 5.2",), seed=rank.seed,
                    reason=f"A has {columns} non-zero columns: re-checking a rank witness would take at least "
                           f"{work} steps, beyond the independent checker's work budget of {MAX_WORK} (checker.MAX_WORK)")


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
def _restrict(net, params, path) -> list[list[Fraction]]:
    """h^p: the kernels of the edges of ``path`` (ConvEdge objects), one list per edge."""
    return [[Fraction(params[e.depth - 1][e.offset + i]) for i in range(len(e.support))] for e in path]


def _nonidentifiability(net):
    """(h, g, all kernels non-zero?, construction) from graphs.conv_structure, or None."""
    import graphs.conv_structure as cs

    finder = getattr(cs, "find_nonidentifiability_witness", None)
    if finder is not None:
        w = finder(net)
        if w is None:
            return None
        return w.h, w.g, bool(getattr(w, "all_kernels_nonzero", False)), getattr(w, "construction", "")
    found = cs.nonidentifiability_witness(net)
    if found is None:
        return None
    return found[0], found[1], False, ""


def _scatter_vectors(net):
    """(leaf, y_f) pairs of Algorithm 8.1 from graphs.scattering (numpy DP when available)."""
    import graphs.scattering as sc

    if hasattr(sc, "iter_scatter_vectors"):
        return sc.iter_scatter_vectors(net)
    return sc.algorithm_8_1(net).items()


def scattered_claim(net) -> tuple[Claim, dict]:
    """``scattered``: Algorithm 8.1 / Definition 8.1 with the per-leaf outputs as witness.

    Returns the claim and the number of distinct offset sums per leaf (for ``lifting-rank``).
    """
    classes: dict[str, int] = {}
    outputs: dict[str, list] = {}
    scattered, total, worst = True, 0, None
    for f, vec in _scatter_vectors(net):
        if isinstance(vec, list):
            count, top = sum(1 for c in vec if c), max(vec)
        else:  # numpy: count without building Python lists (16M entries for Haar J = 12)
            count, top = int((vec != 0).sum()), int(vec.max())
        classes[str(f)] = count
        if top > 1 and (worst is None or str(f) < worst[0]):
            # the statement names the collision the checker recomputes: the first leaf by name,
            # its largest count, at the smallest offset reaching it
            first = vec.index(top) if isinstance(vec, list) else int(vec.argmax())
            worst = (str(f), int(first), int(top))
        scattered = scattered and top <= 1
        total += count
        if total <= MAX_SCATTER_ENTRIES:
            outputs[str(f)] = [[i, int(c)] for i, c in enumerate(vec) if c]
    # past MAX_SCATTER_ENTRIES the outputs would dominate the certificate; the checker re-runs
    # Algorithm 8.1 in either case, so the witness then only asks it to
    witness = {"outputs": dict(sorted(outputs.items()))} if total <= MAX_SCATTER_ENTRIES else {"recompute": True}
    status = "proved" if scattered else "refuted"
    collision = {"leaf": worst[0], "offset": worst[1], "count": worst[2]} if worst else {}
    statement, _, relies_on = canonical_claim_text("conv", "scattered", status, "algorithm_8_1", **collision)
    claim = Claim("scattered", status, statement, relies_on=tuple(relies_on), value=scattered, witness=witness)
    return claim, classes


def conv_rank_claim(net, classes: Mapping[str, int]) -> Claim:
    """``lifting-rank`` of a conv network: the number of distinct (leaf, offset-sum) classes,
    i.e. sum_f |supp y_f| (Proposition 8.2's argument; see docs/certificate-format.md).

    Cross-checked against graphs' own structural rank when it is available.
    """
    rank = sum(classes.values())
    structural = getattr(net, "structural_rank", None)
    if structural is not None:
        got = getattr(structural(), "rank", rank)
        if got != rank:
            raise RuntimeError(f"internal error: structural rank {got} != sum of Algorithm 8.1 supports {rank}")
    statement, _, relies_on = canonical_claim_text("conv", "lifting-rank", "proved", "classes_per_leaf", rank=rank)
    return Claim(
        "lifting-rank", "proved", statement, relies_on=tuple(relies_on), value=rank,
        witness={"classes_per_leaf": dict(sorted(classes.items()))})


def conv_identifiable_claim(net, scattered: Claim) -> Claim:
    """``identifiable`` w.r.t. {h} (Theorem 8.4): proved when scattered, else a counterexample."""
    from algebra.segre import are_equivalent

    if scattered.status == "proved":
        statement, assumptions, relies_on = canonical_claim_text("conv", "identifiable", "proved", "from_claim")
        return Claim("identifiable", "proved", statement, relies_on=tuple(relies_on), value=True,
                     witness={"from_claim": "scattered"}, assumptions=tuple(assumptions))
    found = _nonidentifiability(net)
    if found is None:
        raise RuntimeError("internal error: not scattered but no non-identifiability witness")
    h, g, nonzero, construction = found
    h = [[Fraction(x) for x in hk] for hk in h]
    g = [[Fraction(x) for x in gk] for gk in g]
    path = next((p for p in net.paths() if not are_equivalent(_restrict(net, h, p), _restrict(net, g, p))), None)
    if path is None:
        raise RuntimeError("internal error: the witness does not separate any path")
    names = [path[0].source] + [e.target for e in path]  # leaf to root
    path = list(reversed(path))  # the certificate lists depth 1 (into the root) first
    # recomputed here from h and g (the checker does the same), not taken from the search's flag
    nonzero = all(any(x != 0 for x in _restrict(net, params, [e])[0]) for params in (h, g) for e in net.edges)
    statement, assumptions, relies_on = canonical_claim_text(
        "conv", "identifiable", "refuted", "counterexample", path=names, all_kernels_nonzero=nonzero)
    return Claim(
        "identifiable", "refuted", statement, relies_on=tuple(relies_on), value=False,
        witness={"h": [[fraction_to_str(x) for x in hk] for hk in h],
                 "g": [[fraction_to_str(x) for x in gk] for gk in g],
                 "path": [e.index for e in path]},
        assumptions=tuple(assumptions),
        extra={"construction": construction, "all_kernels_nonzero": nonzero})


def _count_paths(net) -> int:
    """|P|, the number of leaf-root paths, by dynamic programming level by level from the root."""
    out: dict = {}
    for e in net.edges:
        out.setdefault(e.source, []).append(e.target)
    count = {net.root: 1}
    for level in net.levels[1:]:  # level k: the nodes k edges away from the root
        for v in level:
            count[v] = sum(count[w] for w in out[v])
    return sum(count[f] for f in net.leaves)


def conv_stable_claim(net, scattered: Claim) -> Claim:
    """``stable``: Theorem 8.4's bound when scattered, refuted (not identifiable) otherwise."""
    if scattered.status != "proved":
        statement, _, relies_on = canonical_claim_text("conv", "stable", "refuted", "from_claim")
        return Claim("stable", "refuted", statement, relies_on=tuple(relies_on), value=False,
                     witness={"from_claim": "identifiable"})
    K, s_prime, N = net.K, net.S_prime, net.N
    value = {"K": K, "S_prime": s_prime, "N": N, "formula": CONV_STABLE_FORMULA}
    single_path = _count_paths(net) == 1
    if single_path:  # Proposition 8.3
        value["proposition_8_3"] = {"gamma": "1", "rho": "inf", "sigma_min": "sqrt(N)"}
    statement, assumptions, relies_on = canonical_claim_text(
        "conv", "stable", "proved", "from_claim", K=K, S_prime=s_prime, N=N, one_path=single_path)
    return Claim("stable", "proved", statement, relies_on=tuple(relies_on), value=value,
                 witness={"from_claim": "scattered"}, assumptions=tuple(assumptions))


def conv_claims(loaded: LoadedSpec, seed: int = 0, progress: Progress | None = None,
                time_limit: float | None = None) -> tuple[list[Claim], dict]:
    """The four claims of a conv network (section 8), and a few facts for the summary.

    Algorithm 8.1 is cheap and always runs; the witness search of a non-scattered network runs
    under ``time_limit`` and turns into ``inconclusive`` claims when it is reached.
    """
    net = loaded.network
    say = progress or (lambda s: None)
    started = time.perf_counter()
    say("Algorithm 8.1")
    scattered, classes = scattered_claim(net)
    say("structural rank")
    rank = conv_rank_claim(net, classes)
    if scattered.status != "proved":
        say("non-identifiability witness")
    left = None if time_limit is None else time_limit - (time.perf_counter() - started)
    try:
        with _time_limit(left):
            ident = conv_identifiable_claim(net, scattered)
        stable = conv_stable_claim(net, scattered)
    except _TimeUp:
        why = f"time limit of {time_limit} s reached (--time-limit) while building the counterexample"
        ident = Claim("identifiable", "inconclusive",
                      "Not scattered, so not identifiable by Theorem 8.4, but no exact counterexample was built.",
                      relies_on=("Theorem 8.4",), reason=why)
        stable = Claim("stable", "inconclusive", "Stability of the recovery is not decided.",
                       relies_on=("Theorem 8.4",), reason=why)
    return [rank, scattered, ident, stable], {"K": net.K, "N": net.N}


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
        claims, more = conv_claims(loaded, seed, lambda phase: budget.progress.phase_started(phase, None),
                                   budget.remaining_seconds())
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
    spec = read_spec_file(path)
    # graphs.specs.parse_spec raises TypeError on an unhashable kind (e.g. a list); guard here
    if not isinstance(spec.get("kind"), str):
        raise SpecError("kind", f"expected a string naming the kind of network, got {spec.get('kind')!r:.60}")
    return certify(parse_spec(spec), **kwargs)


def default_certificate_path(spec_path: str | Path) -> Path:
    """``<spec name>.cert.json`` in the current directory."""
    name = Path(spec_path).name
    for suffix in (".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return Path(f"{name}.cert.json")


def write_certificate(document: Mapping, path: str | Path) -> Path:
    """Write a certificate atomically (no partial file on failure); deterministic layout."""
    path = Path(path)
    _atomic_write(path, dumps_certificate(document))
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


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
