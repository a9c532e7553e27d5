"""The decisions about a loaded spec, whatever its kind (paper, sections 6 to 8).

* ``structured``: :func:`algebra.identifiability.identifiability_decision` runs on the multilinear
  map and the spec's model (read once by :mod:`graphs.structured_spec`, ``loaded.model``);
* ``feedforward``: :func:`graphs.feedforward.feedforward_identifiability` (the structured routes
  with section 6's path criterion);
* ``conv``: Theorem 8.4's decision for the path-wise equivalence {h} (:func:`conv_verdict`, the
  ``identifiable`` decision of :mod:`graphs.conv_decisions`); ``equivalence="layer"`` gives the
  structured decision on its multilinear map instead.

The certificate (:mod:`certificates.certify`) presents the same decisions: :func:`spec_analysis`
and :func:`spec_identifiability` are the one place where a structured or feed-forward spec is
decided.

Examples
--------
>>> from graphs.specs import parse_spec
>>> layer = {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}
>>> loaded = parse_spec({"kind": "structured", "layers": [layer, layer],
...                      "model": {"supports": [[[0]], [[1]]]}})
>>> spec_verdict(loaded).status      # X = a_0 b_1 on the model: A is injective on its span
'proved'
"""
from __future__ import annotations

from algebra.analysis import Analysis
from algebra.budget import Budget
from algebra.decision import Decision
from algebra.identifiability import identifiability_decision

from .conv import ConvNetwork
from .conv_decisions import decide_identifiable
from .specs import LoadedSpec

__all__ = ["spec_analysis", "spec_identifiability", "spec_verdict", "conv_verdict"]


def spec_analysis(loaded: LoadedSpec, seed: int = 0, *, budget: Budget | None = None) -> Analysis:
    """The run on a spec's multilinear map and model (``loaded.model``; None: the full model),
    with ``seed`` and ``budget`` (default :meth:`Budget.default`)."""
    return Analysis(loaded.multilinear(), loaded.model, seed=seed, budget=budget)


def spec_identifiability(loaded: LoadedSpec, analysis: Analysis, rank: Decision | None = None) -> Decision:
    """The ``identifiable`` decision w.r.t. the layer-wise classes ⟨h⟩ (Definition 6.1) of a
    spec, on ``analysis`` (:func:`spec_analysis`), resting on the ``lifting-rank`` decision
    ``rank`` (default ``analysis.rank()``): feed-forward networks add their path criteria."""
    if loaded.kind == "feedforward":
        from .feedforward import feedforward_identifiability

        return feedforward_identifiability(loaded.network, analysis, rank=rank)
    return identifiability_decision(analysis, rank=rank)


def spec_verdict(loaded: LoadedSpec, seed: int = 0, equivalence: str | None = None, *,
                 budget: Budget | None = None) -> Decision:
    """The identifiability decision appropriate to the spec's kind.

    ``equivalence`` is ``"layer"`` (the classes ⟨h⟩ of section 3, Definition 6.1) or
    ``"path"`` (the network equivalence {h} of section 8). Conv specs default to ``"path"``,
    the equivalence of Theorem 8.4; on a DAG with several paths the two verdicts differ, since
    rescalings along one path are not layer-wise rescalings. Other kinds only support ``"layer"``.
    ``budget`` defaults to :meth:`Budget.default`.
    """
    if equivalence is None:
        equivalence = "path" if loaded.kind == "conv" else "layer"
    if equivalence not in ("layer", "path"):
        raise ValueError(f"equivalence must be 'layer' or 'path', got {equivalence!r}")
    if equivalence == "path":
        if loaded.kind != "conv":
            raise ValueError("the path-wise equivalence {h} is defined for conv networks only (section 8)")
        return conv_verdict(loaded.network, budget)
    return spec_identifiability(loaded, spec_analysis(loaded, seed, budget=budget))


def conv_verdict(net: ConvNetwork, budget: Budget | None = None) -> Decision:
    """Theorem 8.4's decision for a conv network, with respect to the path-wise equivalence {h}.

    The ``identifiable`` decision of :func:`graphs.conv_decisions.decide_identifiable`: proved
    when scattered (for parameters whose edge kernels are all non-zero), refuted with an exact
    witness otherwise (its statement says when the witness needs a zero kernel).
    """
    return decide_identifiable(net, budget or Budget.default())
