"""What the wheel ships; every other piece of metadata is in pyproject.toml.

The code is found by setuptools' package discovery, limited to ``algebra*``, ``graphs*`` and
``certificates*``, so a new subpackage ships without editing a list and ``tests/`` is never
shipped. The bundled example specs stay at the repository root (``examples/``) and ship as the
data package ``tensorlift_examples``: ``package_dir`` maps that name onto ``examples/`` (each
subfolder is a subpackage) and ``package_data`` takes the spec files and the README. A name of
our own keeps a generic top-level ``examples`` package out of site-packages, and setuptools'
editable install honours the same mapping, so :func:`graphs.bundled.examples_dir` finds the
examples with ``importlib.resources`` in a wheel and in the checkout alike.

pyproject.toml's ``[tool.setuptools]`` table cannot say this: it takes a package list or a
discovery rule, never both, and only a listed package can be mapped onto another folder.
"""
from setuptools import find_namespace_packages, find_packages, setup

EXAMPLES_PACKAGE = "tensorlift_examples"
EXAMPLES_FOLDER = "examples"
EXAMPLE_FILES = ["*.json", "*.yaml", "*.yml", "*.ipynb", "README.md"]

example_packages = [EXAMPLES_PACKAGE] + [
    f"{EXAMPLES_PACKAGE}.{sub}" for sub in find_namespace_packages(where=EXAMPLES_FOLDER, exclude=["__pycache__*"])]

setup(
    packages=find_packages(include=["algebra*", "graphs*", "certificates*"]) + example_packages,
    package_dir={EXAMPLES_PACKAGE: EXAMPLES_FOLDER},
    package_data={name: EXAMPLE_FILES for name in example_packages},
)
