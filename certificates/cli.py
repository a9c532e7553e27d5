"""The ``tensorlift`` command line.

Each subcommand lives in its own module under :mod:`certificates.commands` and exposes
``register(subparsers)``; this module only dispatches and turns expected errors into one
line on stderr with exit status 2 (bad input) -- never a traceback: SpecError, BudgetExceeded,
unusable paths (OSError), out of memory and stray ValueErrors.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from algebra.errors import BudgetExceeded, SpecError, TensorliftError

from .version import installed_version

__all__ = ["main", "build_parser"]

# Order is the order shown by --help.
COMMANDS = ["certify", "verify", "rank", "scatter", "report", "examples", "demo"]


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors on one line (the CLI's bad-input rule), exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tensorlift",
        description="Exact identifiability and stability certificates for deep structured linear networks.",
    )
    parser.add_argument("--version", action="version", version=f"tensorlift {installed_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"certificates.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"certificates.commands.{name}":
                raise
            continue  # not built yet
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SpecError as exc:
        print(f"tensorlift {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BudgetExceeded as exc:
        print(f"tensorlift {args.command}: budget exceeded: {exc}", file=sys.stderr)
        return 2
    except TensorliftError as exc:
        print(f"tensorlift {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `tensorlift examples | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"tensorlift {args.command}: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # an unusable path: a directory, a missing folder, no permission, disk full
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"tensorlift {args.command}: error: cannot access{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except OverflowError as exc:  # a value too large for a floating-point step (numeric guesses)
        print(f"tensorlift {args.command}: error: a number is too large for floating point ({exc}); "
              "use smaller coefficients", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"tensorlift {args.command}: budget exceeded: out of memory (lower the budgets, "
              "e.g. --max-columns)", file=sys.stderr)
        return 2
    except ValueError as exc:  # bad values that escaped validation: still one line, exit 2
        text = " ".join(str(exc).split())[:300]
        print(f"tensorlift {args.command}: error: {text}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
