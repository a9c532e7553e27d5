"""The ``tensorlift`` command line.

Each subcommand lives in its own module under :mod:`certificates.commands` and exposes
``register(subparsers)``; this module only dispatches and maps every failure to one line on
stderr -- never a traceback: bad input (SpecError, raised where the input is read, output paths
included) and a budget exceeded exit 2; a bug (InternalError or any other exception) exits 3
with "internal error, please report".
"""
from __future__ import annotations

import argparse
import sys

from algebra.errors import BudgetExceeded, SpecError

from .commands import certify, demo, examples, export, rank, report, scatter, sweep, verify
from .version import installed_version

__all__ = ["main", "build_parser"]

# Order is the order shown by --help.
COMMANDS = [certify, verify, rank, scatter, report, export, sweep, examples, demo]
MAX_MESSAGE = 300  # characters of an error message shown on its one line


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
    for command in COMMANDS:
        command.register(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:MAX_MESSAGE]


def main(argv: list[str] | None = None) -> int:
    """Run one command; every failure is one line on stderr, never a traceback.

    Exit status: the command's own (0 done, 1 a certificate failed verification); 2 bad input
    (:class:`SpecError`: ``error: <field>: <problem>``), a :class:`BudgetExceeded` the command
    has no inconclusive result to put in, or out of memory; 3 a bug -- :class:`InternalError`
    or any other exception -- reported as ``internal error, please report: <type>: <message>``.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    prog = f"tensorlift {args.command}"
    try:
        return int(args.func(args) or 0)
    except SpecError as exc:
        print(f"{prog}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BudgetExceeded as exc:
        print(f"{prog}: budget exceeded: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `tensorlift examples | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        # Specs are size-checked when read (algebra.limits), but an exact computation on an
        # admissible spec can still outgrow the machine (coefficient growth, a large kernel):
        # that is the size of the user's problem, which the user can change, not a bug.
        print(f"{prog}: budget exceeded: out of memory (lower the budgets, e.g. --max-columns)", file=sys.stderr)
        return 2
    except Exception as exc:  # InternalError or anything unexpected: a bug of tensorlift
        print(f"{prog}: internal error, please report: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
