"""``tensorlift demo``: run the main job on a bundled example and say where to look."""
from __future__ import annotations

from pathlib import Path

from algebra.lifting import lifting_operator
from graphs.specs import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEFAULT_EXAMPLE = EXAMPLES / "structured" / "matrix-product.json"


def register(sub) -> None:
    p = sub.add_parser("demo", help="run the main job on a bundled example")
    p.set_defaults(func=run)


def run(args) -> int:
    loaded = load_spec(DEFAULT_EXAMPLE)
    A = lifting_operator(loaded.multilinear())
    print(f"example: {DEFAULT_EXAMPLE}")
    print(f"lifting operator A: {A.n_rows} x {A.n_cols}, {len(A.columns)} non-zero columns")
    return 0
