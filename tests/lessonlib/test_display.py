"""How numbers are written: rounding, no "-0.00", exact decimals, explicit plus signs."""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonlib import display, exact, fixed, signed

NAN, INF = math.nan, math.inf
FAST = settings(max_examples=100, deadline=None)
NEGATIVE_ZERO = re.compile(r"^-[0.]*$")


# --- fixed --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (1.4621171572600098, 4, "1.4621"),
        (0.5749393618288605, 4, "0.5749"),
        (F(-10, 9), 3, "-1.111"),
        (F(2, 3), 2, "0.67"),
        (3, 2, "3.00"),
        (-3, 0, "-3"),
        (F(729, 500), 5, "1.45800"),
    ],
)
def test_fixed_rounds_to_the_given_places(value, places, shown):
    assert fixed(value, places) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (F(1, 8), 2, "0.12"),    # exact tie: half to even
        (F(3, 8), 2, "0.38"),
        (F(-1, 8), 2, "-0.12"),
        (0.125, 2, "0.12"),      # 0.125 is exact in binary, so this is a tie too
        (2.5, 0, "2"),
        (3.5, 0, "4"),
        (2.675, 2, "2.67"),      # the float 2.675 lies just below 2.675
    ],
)
def test_fixed_rounds_half_to_even_on_the_exact_value(value, places, shown):
    assert fixed(value, places) == shown


@pytest.mark.parametrize(
    ("value", "places"),
    [(-0.001, 2), (-0.0049, 2), (F(-1, 200), 2), (-0.0, 2), (-0.4, 0), (-1e-300, 12),
     (F(-1, 3), 0), (-0.0, 0)],
)
def test_fixed_never_writes_negative_zero(value, places):
    shown = fixed(value, places)
    assert not shown.startswith("-")
    assert set(shown) <= {"0", "."}
    assert shown == ("0." + "0" * places if places else "0")


def test_fixed_keeps_the_sign_when_the_rounded_value_is_not_zero():
    assert fixed(-0.006, 2) == "-0.01"
    assert fixed(F(-1, 100), 2) == "-0.01"


@pytest.mark.parametrize(("value", "places", "shown"), [
    (1e17, 12, "100000000000000000.000000000000"),
    (-1e20, 3, "-100000000000000000000.000"),
    (10**30 + 1, 0, "1000000000000000000000000000001"),
    (F(10**30 + 1, 10), 1, "100000000000000000000000000000.1"),
])
def test_fixed_writes_large_values_exactly(value, places, shown):
    assert fixed(value, places) == shown


@FAST
@given(
    st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.builds(F, st.integers(), st.integers(1, 10**6)),
        st.integers(),
    ),
    st.integers(min_value=0, max_value=12),
)
def test_fixed_agrees_with_decimal_half_even_and_never_shows_negative_zero(value, places):
    shown = fixed(value, places)
    with localcontext() as ctx:
        ctx.prec = 2000
        exact_value = (Decimal(value) if not isinstance(value, F)
                       else Decimal(value.numerator) / Decimal(value.denominator))
        expected = f"{exact_value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN):f}"
    assert shown == (expected[1:] if NEGATIVE_ZERO.match(expected) else expected)
    assert not NEGATIVE_ZERO.match(shown)
    assert shown.count(".") == (1 if places else 0)
    if places:
        assert len(shown.split(".")[1]) == places


@pytest.mark.parametrize("places", [-1, 13, 1.5, 2.0, None, "2"], ids=repr)
def test_fixed_refuses_places_outside_0_to_12(places):
    expected = f"fixed: places={places!r} is outside the allowed range 0..12"
    with pytest.raises(ValueError, match=re.escape(expected)):
        fixed(1.5, places)


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
def test_fixed_refuses_nan_and_infinity(bad):
    with pytest.raises(ValueError, match=re.escape(f"fixed: value={bad!r} must be finite")):
        fixed(bad, 2)


# --- exact --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (F(729, 500), "1.458"),
        (F(-16, 10), "-1.6"),
        (F(-3456, 1000), "-3.456"),
        (F(2), "2"),
        (F(1, 4), "0.25"),
        (F(-1, 10), "-0.1"),
        (F(0), "0"),
        (-0.0, "0"),
        (0.5, "0.5"),
        (7, "7"),
        (F(1, 2**13), "0.0001220703125"),
        (F(1, 4) ** 10, "0.00000095367431640625"),
        (0.1, "0.1000000000000000055511151231257827021181583404541015625"),
    ],
)
def test_exact_writes_the_terminating_decimal(value, shown):
    assert exact(value) == shown


@FAST
@given(st.integers(-10**9, 10**9), st.integers(0, 30), st.integers(0, 30))
def test_exact_round_trips_every_terminating_rational(numerator, twos, fives):
    value = F(numerator, 2**twos * 5**fives)
    shown = exact(value)
    assert F(shown) == value
    assert not NEGATIVE_ZERO.match(shown)
    assert not shown.endswith(".") and ("." not in shown or not shown.endswith("0"))


@pytest.mark.parametrize("value", [F(1, 3), F(-2, 3), F(1, 6), F(2, 7), F(1, 30)])
def test_exact_refuses_a_decimal_that_never_ends(value):
    expected = (f"exact: value={value!r} is outside the allowed range "
                "rationals with a terminating decimal")
    with pytest.raises(ValueError, match=re.escape(expected)):
        exact(value)


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
def test_exact_refuses_nan_and_infinity(bad):
    with pytest.raises(ValueError, match=re.escape(f"exact: value={bad!r} must be finite")):
        exact(bad)


# --- signed -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [("3.00", "+3.00"), ("0.25", "+0.25"), ("7", "+7"), ("-1.50", "-1.50"),
     ("0.00", "0.00"), ("0", "0"), (fixed(-0.001, 2), "0.00"), (exact(F(-1, 10)), "-0.1")],
)
def test_signed_adds_plus_only_to_positive_numbers(text, shown):
    assert signed(text) == shown


@FAST
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
       st.integers(0, 6))
def test_signed_agrees_with_the_sign_of_the_rounded_value(value, places):
    shown = signed(fixed(value, places))
    rounded = Decimal(fixed(value, places))
    assert shown[0] == ("+" if rounded > 0 else "-" if rounded < 0 else "0")


@pytest.mark.parametrize("value, digits, text", [
    (F(1, 4**10), 1, "9.5e-7"),
    (F(1, 4**5), 2, "9.77e-4"),
    (-0.00996, 1, "-1.0e-2"),  # the mantissa rounds up to 10: one more power of ten
    (123456, 2, "1.23e5"),
    (1, 1, "1.0e0"),
])
def test_scientific(value, digits, text):
    assert display.scientific(value, digits) == text


def test_scientific_refuses_zero():
    with pytest.raises(ValueError, match="scientific"):
        display.scientific(0)
