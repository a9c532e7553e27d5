"""Read a network spec (JSON or YAML) and dispatch on its ``kind``.

Each kind's parser lives in its own module and turns the validated spec into a network object;
every network object can produce its :class:`algebra.network.MultilinearMap` through
:func:`to_multilinear`. Errors are :class:`algebra.errors.SpecError` naming the field.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from algebra.errors import SpecError
from algebra.network import MultilinearMap

__all__ = ["LoadedSpec", "read_spec_file", "parse_spec", "load_spec", "to_multilinear", "KINDS"]

# kind -> "module:function"; the function takes the spec dict and returns a network object.
KINDS = {
    "structured": "graphs.specs:_parse_structured",
    "conv": "graphs.conv:parse_conv_spec",
    "feedforward": "graphs.feedforward:parse_feedforward_spec",
}

STRUCTURED_FIELDS = {"kind", "name", "description", "layers", "model"}


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec: its kind, the raw dict exactly as read, and the network object."""

    kind: str
    spec: Mapping[str, Any]
    network: Any

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "network"))

    def multilinear(self) -> MultilinearMap:
        return to_multilinear(self.network)


def _parse_structured(spec: Mapping) -> MultilinearMap:
    unknown = set(spec) - STRUCTURED_FIELDS
    if unknown:
        raise SpecError("spec", f"unknown field(s) {sorted(unknown)} for kind 'structured'")
    net = MultilinearMap.from_spec(spec)
    if spec.get("model") is not None:  # validate now, so a bad model fails at load time
        from algebra.models import parse_model

        parse_model(spec["model"], net, field="model")
    return net


def to_multilinear(network: Any) -> MultilinearMap:
    """The multilinear map of any network object (structured maps are returned as they are)."""
    if isinstance(network, MultilinearMap):
        return network
    return network.to_multilinear()


def read_spec_file(path: str | Path) -> dict:
    """Read a JSON (or YAML, by extension) spec file into a dict, with one-line errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), f"cannot read: {exc}") from None
    if path.suffix.lower() in {".yaml", ".yml"}:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(str(path), f"malformed YAML: {str(exc).splitlines()[0]}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(str(path), f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(data, dict):
        raise SpecError(str(path), "a spec must be a JSON object with a 'kind'")
    return data


def parse_spec(spec: Mapping) -> LoadedSpec:
    """Validate a spec dict and build its network object."""
    if not isinstance(spec, Mapping):
        raise SpecError("spec", "expected a JSON object")
    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise SpecError("kind", f"expected one of {sorted(KINDS)}, got {kind!r}")
    module_name, func_name = KINDS[kind].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:  # a kind whose module is not built yet
        raise SpecError("kind", f"kind {kind!r} is not supported by this version ({exc.name} missing)") from None
    return LoadedSpec(kind, spec, getattr(module, func_name)(spec))


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate a spec file."""
    return parse_spec(read_spec_file(path))
