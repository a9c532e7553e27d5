"""The spec dispatcher (graphs/specs.py): one reader per kind, the model read once."""
import pytest

from algebra.errors import SpecError
from algebra.models import ModelCollection
from graphs import specs, structured_spec
from graphs.conv import ConvNetwork
from graphs.feedforward import FeedforwardNetwork
from graphs.specs import parse_spec
from tests.strategies import full_layer

MODEL_SPEC = {"kind": "structured", "layers": [full_layer(1, 2), full_layer(2, 1)],
              "model": {"supports": [[[0]], None], "tie": []}}


def test_bad_model_is_rejected_when_the_spec_is_loaded():
    spec = {"kind": "structured", "layers": [full_layer(1, 2), full_layer(2, 1)],
            "model": {"tie": [[1, 5]]}}
    with pytest.raises(SpecError) as info:
        parse_spec(spec)
    assert info.value.field.startswith("model")


@pytest.mark.parametrize("kind", [[], {}, None, 3, "convolution"])
def test_bad_kind_is_a_spec_error(kind):
    with pytest.raises(SpecError, match="^kind: expected one of"):
        parse_spec({"kind": kind})


def test_each_kind_gives_its_network_and_only_structured_a_model():
    loaded = parse_spec(MODEL_SPEC)
    assert loaded.kind == "structured" and loaded.network.param_counts == (2, 2)
    assert loaded.model == ModelCollection((2, 2), [[(0,)], [(0, 1)]])
    assert parse_spec({"kind": "structured", "layers": MODEL_SPEC["layers"]}).model is None
    conv = parse_spec({"kind": "conv", "N": 4, "root": "r", "edges": [{"from": "x", "to": "r", "support": [0]}]})
    assert isinstance(conv.network, ConvNetwork) and conv.model is None
    ff = parse_spec({"kind": "feedforward", "widths": [1, 1], "inputs": [[1]]})
    assert isinstance(ff.network, FeedforwardNetwork) and ff.model is None
    assert sorted(specs.KINDS) == ["conv", "feedforward", "structured"]


def test_a_certify_run_reads_the_model_once(monkeypatch):
    # every decider gets LoadedSpec.model; none reads the spec's "model" field again
    from certificates.certify import certify

    calls = []
    real = structured_spec.parse_model_spec

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(structured_spec, "parse_model_spec", counted)
    document = certify(MODEL_SPEC).document
    assert calls == [MODEL_SPEC["model"]]
    assert {c["id"]: c["status"] for c in document["claims"]}["identifiable"] in ("proved", "refuted")
