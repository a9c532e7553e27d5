"""graphs/ has a clear import order: no cycles (function-level imports included), no private
names of another module, nothing from certificates/, and the network objects import none of
their analyses. Read from the source with ``ast``, so a lazy import cannot hide a cycle."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
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
    """module -> the modules of ``package`` it imports."""
    files = sorted((ROOT / package).glob("*.py"))
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


GRAPHS_FILES = sorted((ROOT / "graphs").glob("*.py"))


def test_no_import_cycle_in_graphs():
    assert find_cycle(package_graph("graphs")) is None


def private_imports(path: Path, root: Path = ROOT) -> list[str]:
    """Private modules or names of another project module that ``path`` imports or reaches."""
    me = _module_name(path, root)
    bad = []
    for module, name, line in imports_of(path, root):
        if module.split(".")[0] not in PROJECT or module == me:
            continue
        if module.split(".")[-1].startswith("_") or (name or "").startswith("_"):
            bad.append(f"{module}{'.' + name if name else ''} (line {line})")
    return bad + [f"{name} (line {line})" for name, line in private_accesses(path)]


@pytest.mark.parametrize("path", GRAPHS_FILES, ids=lambda p: p.name)
def test_no_private_names_of_another_module(path):
    assert not private_imports(path), f"{path.name} uses private names of other modules"


@pytest.mark.parametrize("path", GRAPHS_FILES, ids=lambda p: p.name)
def test_graphs_imports_nothing_from_certificates(path):
    assert not [m for m, _, _ in imports_of(path) if m.split(".")[0] == "certificates"]


def test_the_conv_network_object_imports_none_of_its_analyses():
    # conv_spec reads into ConvNetwork; the analyses sit on top, in this order
    graph = package_graph("graphs")
    assert graph["graphs.conv"] == set()
    order = ["graphs.conv_spec", "graphs.leaf_kernels", "graphs.scattering", "graphs.conv_stability",
             "graphs.conv_structure", "graphs.conv_decisions", "graphs.verdicts"]
    for i, module in enumerate(order):
        later = set(order[i + 1:])
        assert not graph[module] & later, f"{module} imports {graph[module] & later}, which come after it"


def test_the_checker_finds_a_cycle_and_a_private_import(tmp_path):
    # the checks above must be able to fail
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    fake = ROOT / "graphs" / "scattering.py"
    assert ("graphs.leaf_kernels", "Indicators") in {(m, n) for m, n, _ in imports_of(fake)}
    (tmp_path / "graphs").mkdir()
    src = tmp_path / "graphs" / "probe.py"
    src.write_text("import graphs.conv as gc\n\n\ndef f():\n    from .scattering import _hidden\n"
                   "    return gc._hidden\n")
    assert private_imports(src, tmp_path) == ["graphs.scattering._hidden (line 5)", "graphs.conv._hidden (line 6)"]
