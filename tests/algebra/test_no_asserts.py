"""Results in algebra/ are guarded by raising InternalError, never by ``assert`` (which
``python -O`` removes, silently letting a wrong result through)."""
import ast
from pathlib import Path

ALGEBRA = Path(__file__).resolve().parents[2] / "algebra"


def test_no_assert_statements_in_algebra():
    found = [f"{path.name}:{node.lineno}" for path in sorted(ALGEBRA.glob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if isinstance(node, ast.Assert)]
    assert found == [], found
