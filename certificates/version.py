"""The version of tensorlift, read from the installed distribution's metadata.

pyproject.toml's ``[project] version`` is the one source of truth: installing tensorlift (a
wheel, or the editable install of ``make install``) records it in the distribution's metadata,
which :mod:`importlib.metadata` reads back. ``tensorlift --version`` prints it and every
certificate records it (``tool.version``, docs/certificate-format.md).
"""
from __future__ import annotations

from importlib import metadata

__all__ = ["DISTRIBUTION", "UNKNOWN_VERSION", "installed_version"]

DISTRIBUTION = "tensorlift"
# PEP 440's "no release": a bare checkout run from sys.path without installing
UNKNOWN_VERSION = "0+unknown"


def installed_version() -> str:
    """The version of the installed ``tensorlift`` distribution, or ``"0+unknown"`` without one.

    Examples
    --------
    >>> installed_version() == metadata.version("tensorlift")
    True
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
