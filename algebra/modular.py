"""A prime that certifies a rational minor non-singular (``docs/certificate-format.md``, "prime").

A square matrix B over Q whose entries have denominators prime to p reduces to a matrix over
Z/p; the reduction is a ring homomorphism, so det(B) reduces to det(B mod p), and
det(B mod p) != 0 implies det(B) != 0. The independent checker therefore eliminates a witness's
minor modulo the prime the witness names -- with machine-size residues instead of exact
rationals -- and refuses the witness when p is not prime, divides a denominator of the minor, or
divides its determinant. :func:`certifying_prime` finds such a p for a minor known to be
non-singular: the modular rank route's own prime first (:attr:`algebra.exact.RankWitness.prime`),
then seeded random primes in [2^61, 2^62), each tested exactly as the checker will test it.

Examples
--------
>>> from fractions import Fraction as F
>>> columns = [{0: F(2), 1: F(1)}, {0: F(1), 1: F(2)}]    # det = 3
>>> certifying_prime(columns, [0, 1], first=3) != 3       # 3 divides the determinant: another prime
True
>>> certifying_prime(columns, [0, 1], first=5)
5
"""
from __future__ import annotations

import random
from fractions import Fraction
from typing import Iterator, Mapping, Sequence

from .errors import InternalError

__all__ = ["certifying_prime", "nonsingular_mod", "candidate_primes"]

_TRIES = 16  # a non-singular minor fails a random 61-bit prime with probability < r*log2(|entries|)/2^61


def candidate_primes(seed: int = 0) -> Iterator[int]:
    """Deterministic random primes in [2^61, 2^62), a stream of their own for each seed.

    >>> p = next(candidate_primes(0)); 2**61 <= p < 2**62
    True
    """
    import flint

    rng = random.Random(f"certifying-prime-{seed}")
    while True:
        x = rng.randrange(2**61, 2**62) | 1
        while not flint.fmpz(x).is_prime():
            x += 2
        yield x


def nonsingular_mod(columns: Sequence[Mapping[int, Fraction]], rows: Sequence[int], p: int) -> bool:
    """Whether the minor ``rows`` x ``columns`` reduces modulo the prime p to a non-singular matrix
    (False also when p divides the denominator of one of its entries).

    >>> nonsingular_mod([{0: Fraction(1, 3)}], [0], 3), nonsingular_mod([{0: Fraction(1, 3)}], [0], 5)
    (False, True)
    """
    import flint

    r = len(rows)
    if r != len(columns):
        raise ValueError(f"a square minor needs as many rows as columns, got {r} x {len(columns)}")
    entries = []
    for i in rows:
        for col in columns:
            x = Fraction(col.get(i, 0))
            if x.denominator % p == 0:
                return False
            entries.append(x.numerator * pow(x.denominator, -1, p) % p)
    return r == 0 or flint.nmod_mat(r, r, entries, p).rank() == r


def certifying_prime(columns: Sequence[Mapping[int, Fraction]], rows: Sequence[int], *, first: int | None = None,
                     seed: int = 0) -> int:
    """The first prime p of ``first`` then :func:`candidate_primes` modulo which the minor is
    non-singular (:func:`nonsingular_mod`): the prime a certificate names for that minor.

    Raises
    ------
    InternalError
        No candidate works: the minor is singular (the caller's witness is wrong).
    """
    candidates = candidate_primes(seed)
    for k in range(_TRIES + 1):
        p = first if k == 0 and first is not None else next(candidates)
        if nonsingular_mod(columns, rows, p):
            return p
    raise InternalError(f"no prime among {_TRIES + 1} certifies the {len(rows)} x {len(columns)} minor: "
                        "it is singular")
