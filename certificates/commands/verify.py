"""``tensorlift verify CERT``: re-check a certificate with the stdlib-only checker.

Exit 0 every re-checkable claim verified, 1 some claim failed, 2 not a readable certificate.
"""
from __future__ import annotations

__all__ = ["register", "run"]


def register(sub) -> None:
    p = sub.add_parser("verify", help="re-check a certificate (independent, standard-library-only checker)")
    p.add_argument("certificate", help="certificate JSON file")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..checker import main

    return main([args.certificate])
