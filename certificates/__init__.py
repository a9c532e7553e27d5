"""Claims, certificates, the independent checker, reports, notebook display and the command line.

Imported inside a running IPython (Jupyter), it registers the rich display of networks and
decisions (:mod:`certificates.notebook`); elsewhere it does nothing on import.
"""
import sys as _sys


def _register_notebook_display() -> None:
    ipython = _sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)() if ipython is not None else None
    if shell is not None and hasattr(shell, "display_formatter"):
        from .notebook import register

        register(shell)


_register_notebook_display()
