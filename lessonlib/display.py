"""How numbers are written on screen: one place decides digits and rounding.

Scenes draw these strings and tests compute the expected strings with the same
rules from lessonlib's values, so the rules themselves are tested here once.
Two rules hold everywhere: a value that rounds to zero is written without a
sign (never "-0.00"), and the minus sign is the ASCII hyphen (LaTeX draws it as
a proper minus inside math).
"""

from __future__ import annotations

from fractions import Fraction

from ._domain import Number, finite, in_range


def _scaled(n: int, places: int) -> str:
    """The integer ``n`` divided by 10**places, written with ``places`` decimals; 0 has no sign."""
    digits = str(abs(n)).rjust(places + 1, "0")
    whole, frac = digits[: len(digits) - places], digits[len(digits) - places :]
    return ("-" if n < 0 else "") + whole + ("." + frac if places else "")


def fixed(value: Number, places: int) -> str:
    """``value`` rounded half-to-even to ``places`` decimals: fixed(-0.001, 2) == "0.00"."""
    value = finite("fixed", "value", value)
    in_range("fixed", "places", places, "0..12", isinstance(places, int) and 0 <= places <= 12)
    # Exact rounding of the value itself (a float is the rational it stores), in integers,
    # so no decimal context can run out of digits. A result of 0 gets no sign.
    return _scaled(round(Fraction(value) * 10**places), places)


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
    return _scaled(int(frac * 10**places), places)


def signed(text: str) -> str:
    """Prefix "+" to a positive number's text ("3.00" -> "+3.00"); zero and negatives unchanged."""
    return text if text.startswith("-") or set(text) <= {"0", "."} else "+" + text


def scientific(value: Number, digits: int = 1) -> str:
    """A nonzero value as mantissa e exponent, the mantissa rounded by ``fixed``:
    scientific(Fraction(1, 4**10)) == "9.5e-7", scientific(-0.00996, 1) == "-1.0e-2"."""
    value = finite("scientific", "value", value)
    in_range("scientific", "value", value, "nonzero numbers", value != 0)
    frac = Fraction(value)
    exponent = len(str(abs(frac.numerator))) - len(str(frac.denominator))
    while abs(frac) >= Fraction(10) ** (exponent + 1):
        exponent += 1
    while abs(frac) < Fraction(10) ** exponent:
        exponent -= 1
    mantissa = fixed(frac / Fraction(10) ** exponent, digits)
    if mantissa.lstrip("-").startswith("10"):  # 9.96 rounds up to 10.0: one more power of ten
        exponent += 1
        mantissa = fixed(frac / Fraction(10) ** exponent, digits)
    return f"{mantissa}e{exponent}"
