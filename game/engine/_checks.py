"""Argument checks shared by the engine, with errors that name the argument."""

from __future__ import annotations

import math
import numbers


def finite(name: str, value: object) -> float:
    """Return ``value`` as a float, or raise naming ``name`` if it is not a finite number.

    Any real number counts (numpy scalars too); ``bool`` does not. ``TypeError``
    for a non-number, ``ValueError`` for NaN or an infinity.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, numbers.Real)):
        raise TypeError(f"{name} must be a number, not {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value!r}")
    return float(value)


def non_negative(name: str, value: object) -> float:
    """A finite number >= 0."""
    number = finite(name, value)
    if number < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return number


def whole(name: str, value: object, minimum: int = 0) -> int:
    """An ``int`` (not ``bool``) of at least ``minimum``: a count, a limit.

    ``ValueError`` naming ``name`` otherwise.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, not {value!r}")
    return value


def positive(name: str, value: object) -> float:
    """A finite number > 0."""
    number = finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be positive, not {value!r}")
    return number
