"""Domain checks shared by every lessonlib function: fail at the door, say why."""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Real

Number = int | float | Fraction


def finite(func: str, arg: str, value: object) -> Number:
    """Return ``value`` if it is a finite real number, else raise ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{func}: {arg}={value!r} must be a real number")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{func}: {arg}={value!r} must be finite (not NaN or infinity)")
    return value  # type: ignore[return-value]


def in_range(func: str, arg: str, value: object, allowed: str, ok: bool) -> None:
    """Raise ValueError unless ``ok``; ``allowed`` is the human-readable range."""
    if not ok:
        raise ValueError(f"{func}: {arg}={value!r} is outside the allowed range {allowed}")
