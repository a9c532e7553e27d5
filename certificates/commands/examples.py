"""``tensorlift examples``: list the bundled example specs and what the toolkit proves about them."""
from __future__ import annotations

import json
from pathlib import Path

from graphs.bundled import example_location, examples_dir

__all__ = ["register", "run", "SPEC_SUFFIXES", "list_examples"]

SPEC_SUFFIXES = (".json", ".yaml", ".yml")


def register(sub) -> None:
    p = sub.add_parser("examples", help="list the bundled examples")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(func=run)


def list_examples(root: Path | None = None) -> list[dict]:
    """Every bundled spec: where it is, kind, name and description (from the spec itself).

    ``path`` can be passed to ``tensorlift certify`` from the current directory (see
    :func:`graphs.bundled.example_location`); ``example`` is the path inside the examples folder.

    >>> any(e["example"] == "conv/haar-packet-J3-N16.json" for e in list_examples())
    True
    """
    root = examples_dir() if root is None else root
    out = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SPEC_SUFFIXES or path.name.endswith(".cert.json"):
            continue
        try:
            if path.suffix.lower() == ".json":
                spec = json.loads(path.read_text(encoding="utf-8"))
            else:
                import yaml

                spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(spec, dict) or "kind" not in spec:
            continue
        out.append({"path": example_location(path), "example": path.relative_to(root).as_posix(),
                    "kind": spec.get("kind"), "name": spec.get("name", path.stem),
                    "description": spec.get("description", "")})
    return out


def run(args) -> int:
    items = list_examples()
    if args.json:
        print(json.dumps(items, indent=1))
        return 0
    for e in items:
        print(f"{e['path']}  [{e['kind']}]  {e['description']}")
    print("certify one with: tensorlift certify <path> --report report.html")
    return 0
