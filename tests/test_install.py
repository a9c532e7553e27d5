"""tensorlift as a new user gets it: build the wheel, install it in a fresh venv, run it elsewhere.

Every command runs from a temporary directory outside the repository, in a venv that holds the
wheel and nothing of the checkout, so a module missing from the wheel, an example located by a
path into the source tree, or a version read from a second literal fails here.

Two ways to install (the ``installed`` fixture's parameter):

* ``fast`` (every ``make test``, about 10 s): the wheel is built from a copy of the checkout
  with ``pip wheel --no-deps --no-build-isolation`` and installed with ``--no-deps`` into a venv
  created ``--without-pip``; instead of downloading the dependencies, the venv receives symlinks
  to exactly the distributions ``Requires-Dist`` of the built wheel names, and their own
  requirements, taken from the environment running the tests. ``pip check`` then confirms the
  venv satisfies every requirement, and ``test_declared_dependencies_match_imports`` compares
  the imports of the shipped code with the declared dependencies, so a dependency missing from
  pyproject.toml fails even on a code path the commands below do not reach.
* ``pip`` (``make test-slow``): exactly ``python -m venv v && v/bin/pip install <checkout>``,
  with build isolation and the dependencies from the package index.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
CODE_PACKAGES = ("algebra", "graphs", "certificates")
EXAMPLES_PACKAGE = "tensorlift_examples"
SPEC_SUFFIXES = (".json", ".yaml", ".yml")
# what building or using the checkout leaves behind: never part of what is installed
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", "demo-output", "*.whl")
# the demo's section-8 examples (certificates/commands/demo.py) and what the paper proves for them
DEMO_STATUSES = {
    "paper-scattered-123x1-10": {"lifting-rank": "proved", "scattered": "proved", "identifiable": "proved",
                                 "stable": "proved"},
    "paper-unscattered-123x123": {"lifting-rank": "proved", "scattered": "refuted", "identifiable": "refuted",
                                  "stable": "refuted"},
}
CERTIFIED_EXAMPLE = "structured/outer-product-3x2.json"


def bundled_examples() -> list[str]:
    """Every spec file under the checkout's examples/, relative to it."""
    return sorted(p.relative_to(ROOT / "examples").as_posix() for p in (ROOT / "examples").rglob("*")
                  if p.suffix in SPEC_SUFFIXES and not p.name.endswith(".cert.json"))


def run(args: list, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command with nothing of the checkout on the path (no PYTHONPATH, cwd outside it)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done


def venv_site_packages(venv: Path) -> Path:
    return Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))


def requirement_closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requirements`` need, with their own requirements.

    Markers are evaluated for this interpreter; an extra's requirements count only when the extra
    is asked for. A requirement this environment does not satisfy fails the test, as pip would.
    """
    found: dict[str, metadata.Distribution] = {}
    pending = [(Requirement(r), "") for r in requirements]
    while pending:
        req, extra = pending.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(req.name)
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"requirement {req} is not installed in the environment running the tests")
        if not req.specifier.contains(dist.version, prereleases=True):
            pytest.fail(f"requirement {req} is not satisfied: {dist.version} is installed")
        for asked in req.extras:
            pending += [(Requirement(r), asked) for r in dist.requires or []]
        if name not in found:
            found[name] = dist
            pending += [(Requirement(r), "") for r in dist.requires or []]
    return list(found.values())


def link_distribution(dist: metadata.Distribution, site: Path) -> None:
    """Make ``dist`` importable in ``site``: a symlink per top-level entry of its RECORD."""
    tops = {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
    for top in sorted(tops):
        source = Path(dist.locate_file(top))
        if source.exists() and not (site / top).exists():
            (site / top).symlink_to(source, target_is_directory=source.is_dir())


def install_fast(source: Path, work: Path) -> Path:
    dist_dir = work / "dist"
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", dist_dir, source], cwd=work)
    venv = work / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=work)
    python = venv / "bin" / "python"
    (wheel,) = dist_dir.glob("tensorlift-*.whl")
    run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        cwd=work)
    installed = metadata.Distribution.at(next(venv_site_packages(venv).glob("tensorlift-*.dist-info")))
    for dist in requirement_closure(installed.requires or []):
        link_distribution(dist, venv_site_packages(venv))
    run([sys.executable, "-m", "pip", "--python", python, "check"], cwd=work)
    return venv


def install_with_pip(source: Path, work: Path) -> Path:
    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=work)
    run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", source], cwd=work)
    return venv


@pytest.fixture(scope="module", params=["fast", pytest.param("pip", marks=pytest.mark.slow)])
def installed(request, tmp_path_factory):
    """(venv, cwd): tensorlift installed from a copy of the checkout; cwd is outside the repository."""
    work = tmp_path_factory.mktemp(f"install-{request.param}")
    source = work / "tensorlift-src"  # a copy: building in place would leave build/ in the checkout
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE, symlinks=True)
    venv = {"fast": install_fast, "pip": install_with_pip}[request.param](source, work)
    cwd = work / "elsewhere"
    cwd.mkdir()
    if cwd.resolve().is_relative_to(ROOT):
        pytest.skip("the temporary directory lies inside the repository")
    return venv, cwd


def test_the_wheel_ships_every_module_and_example(installed):
    venv, _ = installed
    site = venv_site_packages(venv)
    for package in CODE_PACKAGES:
        expected = {p.relative_to(ROOT).as_posix() for p in (ROOT / package).rglob("*.py")}
        shipped = {p.relative_to(site).as_posix() for p in (site / package).rglob("*.py")}
        assert expected <= shipped, f"missing from the wheel: {sorted(expected - shipped)}"
    shipped = sorted(p.relative_to(site / EXAMPLES_PACKAGE).as_posix()
                     for p in (site / EXAMPLES_PACKAGE).rglob("*") if p.suffix in SPEC_SUFFIXES)
    assert shipped == bundled_examples()
    assert not (site / "tests").exists() and not (site / "examples").exists()


def test_version_is_the_one_in_pyproject(installed):
    venv, cwd = installed
    done = run([venv / "bin" / "tensorlift", "--version"], cwd)
    assert done.stdout.strip() == f"tensorlift {PROJECT['version']}"


def test_examples_lists_every_bundled_spec_by_a_usable_path(installed):
    venv, cwd = installed
    lines = run([venv / "bin" / "tensorlift", "examples"], cwd).stdout.splitlines()
    listed = {}
    for line in lines[:-1]:
        path = Path(line.split("  [")[0])
        listed[path.relative_to(venv_site_packages(venv) / EXAMPLES_PACKAGE).as_posix()] = path
    assert sorted(listed) == bundled_examples()
    assert all(p.is_file() for p in listed.values())
    assert lines[-1].startswith("certify one with: tensorlift certify")


def test_demo_certifies_and_verifies_the_papers_examples(installed):
    venv, cwd = installed
    out = run([venv / "bin" / "tensorlift", "demo"], cwd).stdout
    assert out.count("independent checker (exit 0): verified: 4 claim(s) re-checked") == 2
    for stem, statuses in DEMO_STATUSES.items():
        certificate = json.loads((cwd / "demo-output" / f"{stem}.cert.json").read_text())
        assert {c["id"]: c["status"] for c in certificate["claims"]} == statuses
        assert certificate["tool"] == {"name": "tensorlift", "version": PROJECT["version"]}
        assert (cwd / "demo-output" / f"{stem}.report.html").stat().st_size > 0


def test_certify_a_bundled_example_and_verify_it(installed):
    venv, cwd = installed
    listing = json.loads(run([venv / "bin" / "tensorlift", "examples", "--json"], cwd).stdout)
    (spec,) = [e["path"] for e in listing if e["example"] == CERTIFIED_EXAMPLE]
    run([venv / "bin" / "tensorlift", "certify", spec, "--quiet", "--report", "report.md"], cwd)
    certificate = cwd / "outer-product-3x2.cert.json"  # the default name, in the current directory
    verdict = run([venv / "bin" / "tensorlift", "verify", certificate], cwd).stdout
    assert verdict.startswith("verified: 3 claim(s) re-checked")
    # the installed tool certifies exactly as the checkout does (tests/certificates/golden/)
    golden = ROOT / "tests" / "certificates" / "golden" / CERTIFIED_EXAMPLE.replace("/", "--").replace(".json", ".cert.json")
    got, expected = json.loads(certificate.read_text()), json.loads(golden.read_text())
    got.pop("timings", None)
    assert got == expected
    assert (cwd / "report.md").read_text().startswith("# tensorlift report")


def imported_top_level_names(source: str) -> set[str]:
    """The top-level names of the absolute imports in ``source`` (``import a.b`` -> ``a``)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_declared_dependencies_match_imports():
    """Every third-party import of the shipped code is a declared dependency (or of an optional
    extra such as ``cluster``), and vice versa."""
    imported = set()
    for package in CODE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            imported |= imported_top_level_names(path.read_text(encoding="utf-8"))
    third_party = imported - set(sys.stdlib_module_names) - set(CODE_PACKAGES) - {"__future__"}
    providers = metadata.packages_distributions()
    unknown = sorted(name for name in third_party if name not in providers)
    assert not unknown, f"imported but provided by no installed distribution: {unknown}"
    needed = {canonicalize_name(dist) for name in third_party for dist in providers[name]}
    declared = {canonicalize_name(Requirement(r).name) for r in PROJECT["dependencies"]}
    optional = [r for extra, reqs in PROJECT.get("optional-dependencies", {}).items() if extra != "test" for r in reqs]
    # an optional extra (e.g. cluster = dask[distributed]) covers the distributions it installs
    extras = {canonicalize_name(d.metadata["Name"]) for r in optional for d in requirement_closure([r])}
    assert needed <= declared | extras and declared <= needed, \
        f"imported, not declared: {sorted(needed - declared - extras)}; declared, not imported: {sorted(declared - needed)}"
