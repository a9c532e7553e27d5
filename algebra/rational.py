"""Exact rationals at the boundary: parse user values into :class:`fractions.Fraction`.

Specs carry coefficients as integers or strings ``"p/q"``; floats are refused because a
binary float is rarely the rational the user meant and a ``proved`` claim must rest on the
exact value. Certificates write rationals back as strings with :func:`fraction_to_str`.

One grammar, the checker's (``certificates/checker.py``, ``_RATIONAL``): an optional sign, ASCII
digits, optionally ``/`` and ASCII digits -- no whitespace anywhere, no Unicode digits, no
underscores -- so every value the producer accepts re-parses in the independent checker.
Numerators, denominators and integers have at most :data:`MAX_DIGITS` digits: a bigger value is
almost surely a mistake, and Python refuses int/str conversions beyond 4300 digits anyway.
"""
from __future__ import annotations

import re
from fractions import Fraction

from .errors import SpecError
from .limits import MAX_DIGITS

__all__ = ["to_fraction", "fraction_to_str", "parse_int", "count_text", "clearing_units", "CLEARING_BITS_PER_UNIT"]

# Scaling a rational by a common denominator of D bits costs a division of D by its own
# denominator and a product, ~ D x (its size) / 2^19 microseconds (measured: one 16 x 16 layer of
# 1000-digit "p/q" entries, D ~ 850 000 bits per column of A, ~3 ms an entry).
CLEARING_BITS_PER_UNIT = 2**19

_TOO_BIG = 10**MAX_DIGITS
_RATIONAL = re.compile(r"[+-]?([0-9]+)(?:/([0-9]+))?")  # used with fullmatch; ASCII only


def _check_int_size(value: int, field: str) -> None:
    # compare, never convert: str() of a huge int raises ValueError beyond 4300 digits
    if abs(value) >= _TOO_BIG:
        raise SpecError(field, f"integer with more than {MAX_DIGITS} digits exceeds the supported maximum")


def to_fraction(value: object, field: str) -> Fraction:
    """Convert an integer, a ``"p/q"`` string or a Fraction to a Fraction.

    Examples
    --------
    >>> to_fraction("3/4", "x"), to_fraction(-2, "x")
    (Fraction(3, 4), Fraction(-2, 1))
    >>> to_fraction(0.5, "layers[0].entries[2][3]")
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: layers[0].entries[2][3]: 0.5 is not an exact rational; write it as an integer or a string "p/q" (ASCII digits, optional leading sign, no spaces)
    >>> to_fraction(" 3/4", "x")
    Traceback (most recent call last):
    ...
    algebra.errors.SpecError: x: ' 3/4' is not an exact rational; write it as an integer or a string "p/q" (ASCII digits, optional leading sign, no spaces)
    """
    if isinstance(value, bool):
        raise SpecError(field, f"{value!r} is a boolean, not a rational number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        _check_int_size(value, field)
        return Fraction(value)
    if isinstance(value, str):
        match = _RATIONAL.fullmatch(value)
        if match and max(len(g or "") for g in match.groups()) > MAX_DIGITS:
            raise SpecError(field, f"{value[:20]!r}... has more than {MAX_DIGITS} digits (the supported maximum)")
        if match:
            num, _, den = value.partition("/")
            if den and int(den) == 0:
                raise SpecError(field, f"{value!r} has a zero denominator")
            return Fraction(int(num), int(den) if den else 1)
    shown = repr(value) if not isinstance(value, str) or len(value) <= 60 else repr(value[:60]) + "..."
    raise SpecError(
        field, f"{shown} is not an exact rational; write it as an integer or a string \"p/q\" "
               "(ASCII digits, optional leading sign, no spaces)"
    )


def parse_int(value: object, field: str, *, minimum: int | None = None) -> int:
    """Read a JSON integer (not a bool, not a float) with an optional lower bound."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise SpecError(field, f"expected an integer, got {value!r:.60}")
    _check_int_size(value, field)
    if minimum is not None and value < minimum:
        raise SpecError(field, f"expected an integer >= {minimum}, got {value}")
    return value


def count_text(n: int) -> str:
    """An integer for a statement or a message: decimal up to 30 digits, else its bit length (the
    independent checker writes counts the same way in its canonical texts; a decimal conversion
    of thousands of digits is slow, and Python refuses it beyond 4300).

    >>> count_text(10000), count_text(20000 ** 1000)
    ('10000', 'a 14288-bit number')
    """
    return str(n) if abs(n) < 10**30 else f"a {abs(n).bit_length()}-bit number"


def clearing_units(values) -> int:
    """Work units (~1 us each, algebra/budget.py) of scaling these rationals to integers over one
    common denominator -- charged before it is done, since a few hundred distinct big denominators
    make that denominator hundreds of thousands of digits. Its size is bounded by the sum of the
    sizes of the distinct denominators.

    >>> clearing_units([Fraction(1, 3), Fraction(2, 5)]), clearing_units([Fraction(1, 10**1000 + 1)] * 4) > 4
    (2, True)
    """
    count, top, denominators = 0, 0, set()
    for v in values:
        v = Fraction(v)
        count, top = count + 1, max(top, v.numerator.bit_length(), v.denominator.bit_length())
        denominators.add(v.denominator)
    common = sum(d.bit_length() for d in denominators if d != 1)
    return count * (1 + common * top // CLEARING_BITS_PER_UNIT)


def fraction_to_str(q: Fraction | int) -> str:
    """Write a rational as ``"p/q"`` (or ``"p"`` when integral), the certificate convention.

    >>> fraction_to_str(Fraction(-6, 4)), fraction_to_str(Fraction(3))
    ('-3/2', '3')
    """
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"
