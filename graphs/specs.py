"""Read a network spec (JSON or YAML) and dispatch on its ``kind`` to that kind's reader.

One reader per kind, each the only code that knows its kind's field names and each returning
validated objects: ``structured`` -> :func:`graphs.structured_spec.parse_structured_spec` (the
multilinear map and its optional model), ``conv`` -> ``parse_conv_spec``, ``feedforward`` ->
:func:`graphs.feedforward_spec.parse_feedforward_spec`. Every network object can produce its
:class:`algebra.network.MultilinearMap` through :func:`to_multilinear`. Errors are
:class:`algebra.errors.SpecError` naming the field.

Examples
--------
>>> loaded = parse_spec({"kind": "structured", "layers": [
...     {"rows": 1, "cols": 1, "params": 2, "entries": [[0, 0, 0, 1], [1, 0, 0, 1]]}] * 2,
...     "model": {"tie": [[1, 2]]}})
>>> loaded.kind, loaded.multilinear().param_counts, loaded.model.classes
('structured', (2, 2), ((0, 1),))
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

from algebra.errors import SpecError
from algebra.limits import MAX_NESTING
from algebra.models import ModelCollection
from algebra.network import MultilinearMap

from .conv_spec import parse_conv_spec
from .feedforward_spec import parse_feedforward_spec
from .structured_spec import parse_structured_spec

__all__ = ["LoadedSpec", "read_spec_file", "parse_spec", "load_spec", "to_multilinear", "KINDS"]

Reader = Callable[[Mapping], tuple[Any, "ModelCollection | None"]]


def _without_model(parse: Callable[[Mapping], Any]) -> Reader:
    """The reader of a kind whose spec states no model (the full model applies)."""
    def read(spec: Mapping) -> tuple[Any, None]:
        return parse(spec), None

    return read


# kind -> reader: the spec dict -> (network object, its ModelCollection or None)
KINDS: dict[str, Reader] = {
    "structured": parse_structured_spec,
    "conv": _without_model(parse_conv_spec),
    "feedforward": _without_model(parse_feedforward_spec),
}


@dataclass(frozen=True)
class LoadedSpec:
    """A validated spec: its kind, the raw dict exactly as read, the network object and its model.

    ``model`` is the spec's :class:`~algebra.models.ModelCollection`, read once by the kind's
    reader; None when the spec states none (the full model R^{S_1} x ... x R^{S_K}).
    """

    kind: str
    spec: Mapping[str, Any]
    network: Any
    model: ModelCollection | None = None

    @property
    def name(self) -> str:
        return str(self.spec.get("name", "network"))

    def multilinear(self) -> MultilinearMap:
        return to_multilinear(self.network)


def to_multilinear(network: Any) -> MultilinearMap:
    """The multilinear map of any network object (structured maps are returned as they are)."""
    if isinstance(network, MultilinearMap):
        return network
    return network.to_multilinear()


def read_spec_file(path: str | Path) -> dict:
    """Read a JSON (or YAML, by extension) spec file into a dict, with one-line errors.

    Only JSON's types are accepted (objects with string keys, lists, strings, numbers, booleans,
    null): a YAML date, set, binary or non-string key is refused naming its field, because the
    spec is embedded verbatim in the certificate and hashed. Integers of more than 4300 digits
    (Python's int/str conversion limit) and absurd nesting are refused on one line too.

    Examples
    --------
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); p = os.path.join(d, "s.yaml")
    >>> _ = open(p, "w").write("kind: structured\\nname: 2024-01-01\\n")
    >>> read_spec_file(p)
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: name: a YAML date is not a JSON value; quote it to make it a string
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(str(path), "no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(str(path), f"cannot read: {exc}") from None
    try:
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
    except RecursionError:
        raise SpecError(str(path), "nested too deeply") from None
    except ValueError as exc:  # e.g. an integer beyond Python's 4300-digit conversion limit
        if isinstance(exc, SpecError):
            raise
        raise SpecError(str(path), f"unreadable value: {str(exc).split(';')[0]}") from None
    if not isinstance(data, dict):
        raise SpecError(str(path), "a spec must be a JSON object with a 'kind'")
    _check_json_types(data, "")
    return data


_YAML_NAMES = {"date": "date", "datetime": "date-time", "set": "set", "bytes": "binary value",
               "tuple": "tuple"}


def _check_json_types(x: Any, field: str, depth: int = 0) -> None:
    """Refuse anything json.dumps would not write back exactly (YAML's extra types)."""
    if depth > MAX_NESTING:
        raise SpecError(field or "spec", f"nested deeper than {MAX_NESTING} levels")
    if isinstance(x, dict):
        for k, v in x.items():
            if not isinstance(k, str):
                raise SpecError(f"{field}.{k!r:.40}" if field else f"{k!r:.40}",
                                f"key {k!r:.40} is a {type(k).__name__}, not a string; quote it")
            _check_json_types(v, f"{field}.{k}" if field else k, depth + 1)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _check_json_types(v, f"{field}[{i}]", depth + 1)
    elif x is None or isinstance(x, (str, bool, int, float)):
        return
    else:
        what = _YAML_NAMES.get(type(x).__name__, type(x).__name__)
        raise SpecError(field or "spec", f"a YAML {what} is not a JSON value; quote it to make it a string")


def parse_spec(spec: Mapping) -> LoadedSpec:
    """Validate a spec dict with its kind's reader and build its network object (and model)."""
    if not isinstance(spec, Mapping):
        raise SpecError("spec", "expected a JSON object")
    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        raise SpecError("kind", f"expected one of {sorted(KINDS)}, got {kind!r:.60}")
    network, model = KINDS[kind](spec)
    return LoadedSpec(kind, spec, network, model)


def load_spec(path: str | Path) -> LoadedSpec:
    """Read and validate a spec file."""
    return parse_spec(read_spec_file(path))
