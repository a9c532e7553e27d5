"""The example specs bundled with tensorlift: the one place that knows where they are.

The repository's ``examples/`` folder is installed as the data package ``tensorlift_examples``
(``setup.py`` maps the name onto the folder), so :mod:`importlib.resources` finds it in an
installed wheel and in an editable install of the checkout alike, from any working directory.
Every command that lists, certifies or regenerates the examples asks :func:`examples_dir`.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from algebra.errors import TensorliftError

__all__ = ["EXAMPLES_PACKAGE", "examples_dir", "example_location"]

EXAMPLES_PACKAGE = "tensorlift_examples"


def examples_dir() -> Path:
    """The folder of the bundled example specs.

    Returns
    -------
    Path
        ``examples/`` of the checkout (editable install) or ``tensorlift_examples/`` in
        site-packages (wheel).

    Raises
    ------
    TensorliftError
        When tensorlift is not installed (a bare checkout on ``sys.path``) or is installed
        zipped, where the examples are not files on disk.

    Examples
    --------
    >>> (examples_dir() / "conv" / "paper-scattered-123x1-10.json").is_file()
    True
    """
    try:
        root = resources.files(EXAMPLES_PACKAGE)
    except ModuleNotFoundError:
        raise TensorliftError(
            f"the bundled examples (package {EXAMPLES_PACKAGE}) are not installed: "
            "install tensorlift with `make install` or `pip install .`") from None
    if not isinstance(root, Path):
        raise TensorliftError(f"the bundled examples are not files on disk ({root!r}): install tensorlift unzipped")
    return root


def example_location(path: Path) -> str:
    """How to name a spec file to the user so that it can be passed back to tensorlift.

    Relative to the current directory when the file lies below it (``examples/conv/...`` when
    run at the root of the checkout), otherwise absolute (an installed wheel).

    Examples
    --------
    >>> example_location(Path.cwd() / "examples" / "x.json") == str(Path("examples", "x.json"))
    True
    >>> example_location(Path("/elsewhere/x.json"))
    '/elsewhere/x.json'
    """
    path = Path(path).absolute()
    cwd = Path.cwd()
    return str(path.relative_to(cwd)) if path.is_relative_to(cwd) else str(path)
