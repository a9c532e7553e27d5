"""The identifiability verdict of a loaded spec, whatever its kind (paper, section 6).

* ``structured``: :func:`algebra.identifiability.identifiability_verdict` runs on the multilinear
  map and the spec's model (read once by :mod:`graphs.structured_spec`, ``loaded.model``);
* ``feedforward``: :func:`graphs.feedforward.feedforward_verdict` (path criterion first);
* ``conv``: Theorem 8.4's verdict for the path-wise equivalence {h} (:func:`conv_verdict`);
  ``equivalence="layer"`` gives the general verdict on its multilinear map instead.

Examples
--------
>>> from graphs.specs import parse_spec
>>> layer = {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}
>>> loaded = parse_spec({"kind": "structured", "layers": [layer, layer],
...                      "model": {"supports": [[[0]], [[1]]]}})
>>> spec_verdict(loaded).status      # X = a_0 b_1 on the model: Ker A = {0} on its span
'proved'
"""
from __future__ import annotations

from algebra.identifiability import Verdict, identifiability_verdict

from .specs import LoadedSpec

__all__ = ["spec_verdict", "conv_verdict"]


def spec_verdict(loaded: LoadedSpec, seed: int = 0, equivalence: str | None = None) -> Verdict:
    """Run the identifiability verdict appropriate to the spec's kind.

    ``equivalence`` is ``"layer"`` (the classes ⟨h⟩ of section 3, Definition 6.1) or
    ``"path"`` (the network equivalence {h} of section 8). Conv specs default to ``"path"``,
    the equivalence of Theorem 8.4; on a DAG with several paths the two verdicts differ, since
    rescalings along one path are not layer-wise rescalings. Other kinds only support ``"layer"``.
    """
    if equivalence is None:
        equivalence = "path" if loaded.kind == "conv" else "layer"
    if equivalence not in ("layer", "path"):
        raise ValueError(f"equivalence must be 'layer' or 'path', got {equivalence!r}")
    if equivalence == "path":
        if loaded.kind != "conv":
            raise ValueError("the path-wise equivalence {h} is defined for conv networks only (section 8)")
        return conv_verdict(loaded.network)
    if loaded.kind == "feedforward":
        from .feedforward import feedforward_verdict

        return feedforward_verdict(loaded.network, seed)
    return identifiability_verdict(loaded.multilinear(), loaded.model, seed)


def conv_verdict(net) -> Verdict:
    """Theorem 8.4's verdict for a conv network, with respect to the path-wise equivalence {h}.

    Scattered (Algorithm 8.1): identifiable up to {h} for parameters whose edge kernels are all
    non-zero (``proved``). Not scattered: a re-verified witness h, g with the same action and
    different path-wise classes (``refuted``); when the witness needs a zero kernel the
    statement says that it refutes identifiability over all of R^{S x K} only.
    """
    from .conv_structure import find_nonidentifiability_witness
    from .scattering import is_scattered

    assumptions = {"field": "R", "equivalence": "{h} (section 8)", "model": "R^{S x K}"}
    if is_scattered(net):
        return Verdict(
            "the network is identifiable up to {h} (Theorem 8.4)", "proved",
            "Algorithm 8.1 outputs only 0/1 entries (sufficiently scattered): the network is identifiable "
            "up to {h} for parameters whose edge kernels are all non-zero.",
            relies_on=("Theorem 8.4", "Proposition 8.2", "Algorithm 8.1"),
            assumptions={**assumptions, "parameters": "every edge kernel non-zero"})
    w = find_nonidentifiability_witness(net)
    scope = ("every edge kernel of h and g is non-zero" if w.all_kernels_nonzero else
             "the witness has a zero edge kernel, so this refutes identifiability over all of "
             "R^{S x K} only, not for parameters whose kernels are all non-zero")
    return Verdict(
        "the network is identifiable up to {h} (Theorem 8.4)", "refuted",
        f"Not sufficiently scattered: h and g have the same network action but different classes {{h}}; {scope}.",
        relies_on=("Theorem 8.4", "Proposition 8.2", "Algorithm 8.1"),
        witness={"h": w.h, "g": w.g}, details={"construction": w.construction},
        assumptions=assumptions)
