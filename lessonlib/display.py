"""How numbers are written on screen: one place decides digits and rounding.

Scenes draw these strings and tests compute the expected strings with the same
rules from lessonlib's values, so the rules themselves are tested here once.
Two rules hold everywhere: a value that rounds to zero is written without a
sign (never "-0.00"), and the minus sign is the ASCII hyphen (LaTeX draws it as
a proper minus inside math).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from ._domain import Number, finite, in_range


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value)  # exact for int and float


def fixed(value: Number, places: int) -> str:
    """``value`` rounded half-to-even to ``places`` decimals: fixed(-0.001, 2) == "0.00"."""
    value = finite("fixed", "value", value)
    in_range("fixed", "places", places, "0..12", isinstance(places, int) and 0 <= places <= 12)
    if isinstance(value, Fraction):
        # Exact rounding of the rational itself, not of a float approximation.
        q = Fraction(round(value * 10**places), 10**places)
        text = f"{_decimal(q):.{places}f}"
    else:
        text = f"{_decimal(value).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN):f}"
    return text[1:] if text.startswith("-") and set(text[1:]) <= {"0", "."} else text


def exact(value: Number) -> str:
    """The exact decimal for a terminating rational (Fraction(729, 500) -> "1.458").

    Raises ValueError for a rational whose decimal never ends, such as 1/3.
    """
    value = finite("exact", "value", value)
    frac = Fraction(value)
    den = frac.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    in_range("exact", "value", value, "rationals with a terminating decimal", den == 1)
    places = 0
    while (frac * 10**places).denominator != 1:
        places += 1
    return fixed(frac, places)


def signed(text: str) -> str:
    """Prefix "+" to a positive number's text ("3.00" -> "+3.00"); zero and negatives unchanged."""
    return text if text.startswith("-") or set(text) <= {"0", "."} else "+" + text
