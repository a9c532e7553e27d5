"""The layering holds: algebra/ <- graphs/ <- certificates/, no import cycles (function-level
imports included), no private names of another module, and the independent checker imports only
the standard library. Read from the source with ``ast``, so a lazy import cannot hide a cycle."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("algebra", "graphs", "certificates")


def _module_name(path: Path, root: Path = ROOT) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(path: Path, node: ast.ImportFrom, root: Path) -> str:
    """The absolute module an ``ImportFrom`` names (``from .x import y`` inside graphs/z.py -> graphs.x)."""
    if not node.level:
        return node.module or ""
    package = list(path.parent.relative_to(root).parts)
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) for every import anywhere in the file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(path, node, root)
            for alias in node.names:
                # ``from graphs import conv`` imports the module graphs.conv
                sub = f"{target}.{alias.name}"
                if (root / Path(*sub.split("."))).with_suffix(".py").exists():
                    out.append((sub, None, node.lineno))
                else:
                    out.append((target, alias.name, node.lineno))
    return out


def private_accesses(path: Path) -> list[tuple[str, int]]:
    """``alias._name`` where ``alias`` is a project module imported by ``import ... as alias``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in PROJECT:
                    aliases[a.asname or a.name.split(".")[0]] = a.name
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            out.append((f"{aliases[node.value.id]}.{node.attr}", node.lineno))
    return out


def package_graph(package: str) -> dict[str, set[str]]:
    """module -> the modules of ``package`` (any depth) it imports."""
    files = sorted((ROOT / package).rglob("*.py"))
    graph = {}
    for path in files:
        me = _module_name(path)
        graph[me] = {m for m, _, _ in imports_of(path) if m.startswith(package + ".") and m != me}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the import graph as a list of modules (first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if state.get(w) == 1:
                return stack[stack.index(w):] + [w]
            if w not in state:
                found = visit(w)
                if found:
                    return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state:
            found = visit(v)
            if found:
                return found
    return None


FILES = sorted(p for package in PROJECT for p in (ROOT / package).rglob("*.py"))


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_no_import_cycle():
    modules = {_module_name(path): path for path in FILES}
    graph = {me: {m for m, _, _ in imports_of(path) if m in modules and m != me} for me, path in modules.items()}
    assert find_cycle(graph) is None


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Private modules or names of another project module that ``path`` imports or reaches."""
    me = _module_name(path, root)
    bad = []
    for module, name, line in imports_of(path, root):
        if module.split(".")[0] not in PROJECT or module == me:
            continue
        # a private module (``_qq``) serves its own package only; a private name serves its own module
        foreign_package = module.rsplit(".", 1)[0] != me.rsplit(".", 1)[0]
        if (module.split(".")[-1].startswith("_") and foreign_package) or (name or "").startswith("_"):
            bad.append(f"{module}{'.' + name if name else ''} (line {line})")
    return bad + [f"{name} (line {line})" for name, line in private_accesses(path)]


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_no_private_names_of_another_module(path):
    assert not private_imports(path), f"{path.name} uses private names of other modules"


@pytest.mark.parametrize("path", FILES, ids=_ids)
def test_packages_import_only_to_their_left(path):
    mine = PROJECT.index(path.relative_to(ROOT).parts[0])
    right = [m for m, _, _ in imports_of(path) if m.split(".")[0] in PROJECT[mine + 1:]]
    assert not right, f"{_ids(path)} imports {right}, which sit to its right (algebra <- graphs <- certificates)"


def test_the_checker_imports_only_the_standard_library():
    for path in [p for p in FILES if p.name == "checker.py" or p.parent.name == "checker"]:
        for module, _, line in imports_of(path):
            assert module.split(".")[0] in sys.stdlib_module_names, f"{_ids(path)} imports {module} (line {line})"


def test_the_checks_can_fail(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    fake = ROOT / "graphs" / "scattering.py"
    assert ("graphs.leaf_kernels", "Indicators") in {(m, n) for m, n, _ in imports_of(fake)}
    (tmp_path / "graphs").mkdir()
    src = tmp_path / "graphs" / "probe.py"
    src.write_text("import graphs.conv as gc\n\n\ndef f():\n    from .scattering import _hidden\n"
                   "    from algebra import _qq\n    return gc._hidden\n")
    assert private_imports(src, tmp_path) == ["graphs.scattering._hidden (line 5)", "algebra._qq (line 6)",
                                              "graphs.conv._hidden (line 7)"]
