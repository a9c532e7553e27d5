"""Exact rationals at the boundary: parse user values into :class:`fractions.Fraction`.

Specs carry coefficients as integers or strings ``"p/q"``; floats are refused because a
binary float is rarely the rational the user meant and a ``proved`` claim must rest on the
exact value. Certificates write rationals back as strings with :func:`fraction_to_str`.
"""
from __future__ import annotations

import re
from fractions import Fraction

from .errors import SpecError

__all__ = ["to_fraction", "fraction_to_str", "parse_int"]

_RATIONAL = re.compile(r"^\s*[+-]?\d+(\s*/\s*\d+)?\s*$")


def to_fraction(value: object, field: str) -> Fraction:
    """Convert an integer, a ``"p/q"`` string or a Fraction to a Fraction.

    Examples
    --------
    >>> to_fraction("3/4", "x"), to_fraction(-2, "x")
    (Fraction(3, 4), Fraction(-2, 1))
    >>> to_fraction(0.5, "layers[0].entries[2][3]")
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: layers[0].entries[2][3]: 0.5 is not an exact rational; write it as an integer or a string "p/q"
    """
    if isinstance(value, bool):
        raise SpecError(field, f"{value!r} is a boolean, not a rational number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str) and _RATIONAL.match(value):
        num, _, den = value.replace(" ", "").partition("/")
        if den and int(den) == 0:
            raise SpecError(field, f"{value!r} has a zero denominator")
        return Fraction(int(num), int(den) if den else 1)
    raise SpecError(
        field, f"{value!r} is not an exact rational; write it as an integer or a string \"p/q\""
    )


def parse_int(value: object, field: str, *, minimum: int | None = None) -> int:
    """Read a JSON integer (not a bool, not a float) with an optional lower bound."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(field, f"expected an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise SpecError(field, f"expected an integer >= {minimum}, got {value}")
    return value


def fraction_to_str(q: Fraction | int) -> str:
    """Write a rational as ``"p/q"`` (or ``"p"`` when integral), the certificate convention.

    >>> fraction_to_str(Fraction(-6, 4)), fraction_to_str(Fraction(3))
    ('-3/2', '3')
    """
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
