"""The identifiability verdict of a loaded spec, whatever its kind (paper, section 6).

* ``structured``: the optional ``"model"`` field is parsed by :func:`algebra.models.parse_model`
  and :func:`algebra.identifiability.identifiability_verdict` runs on the multilinear map;
* ``feedforward``: :func:`graphs.feedforward.feedforward_verdict` (path criterion first);
* any other kind: the general verdict on its multilinear map with the full model.

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
from algebra.models import full_model, parse_model

from .specs import LoadedSpec

__all__ = ["spec_verdict"]


def spec_verdict(loaded: LoadedSpec, seed: int = 0) -> Verdict:
    """Run the identifiability verdict appropriate to the spec's kind."""
    if loaded.kind == "feedforward":
        from .feedforward import feedforward_verdict

        return feedforward_verdict(loaded.network, seed)
    net = loaded.multilinear()
    model = parse_model(loaded.spec.get("model"), net) if loaded.kind == "structured" else full_model(net)
    return identifiability_verdict(net, model, seed)
