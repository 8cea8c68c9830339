"""Sigmoid and ReLU with their derivatives: exact values, finite differences, kinks, laws."""

from __future__ import annotations

import math
import re
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonlib import fixed, relu, relu_prime, sigmoid, sigmoid_prime

from tests.lessonlib.gradcheck import assert_derivative, central_difference

NAN, INF = math.nan, math.inf


def exact_sigmoid_prime(x: float) -> float:
    """e^-|x| / (1 + e^-|x|)^2, written independently of lessonlib."""
    e = math.exp(-abs(x))
    return e / (1 + e) ** 2


# --- sigmoid ------------------------------------------------------------------------------


def test_sigmoid_hand_worked_values():
    assert sigmoid(0) == 0.5
    assert fixed(sigmoid(1), 4) == "0.7311"
    assert fixed(sigmoid(-1), 4) == "0.2689"
    assert sigmoid(F(1)) == sigmoid(1) == sigmoid(1.0)


@pytest.mark.parametrize("x", [-1000, -745.5, 745.5, 1000, 1e308, -1e308])
def test_sigmoid_never_overflows(x):
    assert sigmoid(x) == (1.0 if x > 0 else 0.0)


@pytest.mark.parametrize("x", [-30.0, -5.0, -1.0, -0.1, 0.0, 0.1, 1.0, 5.0, 30.0])
def test_sigmoid_is_symmetric(x):
    assert sigmoid(x) + sigmoid(-x) == pytest.approx(1.0, abs=1e-15)


def test_sigmoid_prime_is_a_quarter_at_zero_and_exact_there():
    assert sigmoid_prime(0) == 0.25
    assert sigmoid_prime(0.0) == sigmoid_prime(-0.0) == sigmoid_prime(F(0)) == 0.25


def test_sigmoid_prime_hand_worked_value():
    assert fixed(sigmoid_prime(1), 4) == "0.1966"
    assert sigmoid_prime(1) == pytest.approx(exact_sigmoid_prime(1), rel=1e-15)


@pytest.mark.parametrize("x", [-8.0, -3.0, -1.0, -0.25, 0.0, 0.25, 1.0, 3.0, 8.0])
def test_sigmoid_prime_matches_central_difference(x):
    assert_derivative(sigmoid, sigmoid_prime, x)


@pytest.mark.parametrize("x", [20, 36, 37, 40, 100, 700])
def test_sigmoid_prime_stays_positive_and_accurate_for_large_inputs(x):
    # For x >= 37, 1 - sigmoid(x) rounds to 0.0, yet s'(x) is about e^-x, far above
    # the smallest float; the derivative is even, so both sides must agree.
    assert sigmoid_prime(x) > 0
    assert sigmoid_prime(x) == pytest.approx(exact_sigmoid_prime(x), rel=1e-12)
    assert sigmoid_prime(x) == sigmoid_prime(-x)


@settings(max_examples=150, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_sigmoid_prime_never_exceeds_a_quarter(x):
    assert 0.0 <= sigmoid_prime(x) <= 0.25


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=-700, max_value=700))
def test_sigmoid_prime_is_positive(x):
    # Beyond |x| ~ 745 the true value is below the smallest float and 0.0 is the best answer.
    assert 0.0 < sigmoid_prime(x) <= 0.25


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=-700, max_value=700))
def test_sigmoid_prime_is_even(x):
    assert sigmoid_prime(x) == sigmoid_prime(-x)


# --- ReLU ---------------------------------------------------------------------------------


def test_relu_hand_worked_values_are_exact():
    assert relu(F(3, 2)) == F(3, 2) and isinstance(relu(F(3, 2)), F)
    assert relu(F(-1)) == 0 and isinstance(relu(F(-1)), F)
    assert relu(-2) == 0 and type(relu(-2)) is int
    assert relu(2.5) == 2.5


@pytest.mark.parametrize("x", [-0.5, -0.0, -1e-300])
def test_relu_of_a_negative_float_is_positive_zero(x):
    assert relu(x) == 0.0
    assert math.copysign(1.0, relu(x)) == 1.0


@pytest.mark.parametrize("x", [-3.0, -0.5, -1e-3, 1e-3, 0.5, 3.0])
def test_relu_prime_matches_central_difference_away_from_the_kink(x):
    assert_derivative(relu, relu_prime, x)


@pytest.mark.parametrize("x", [1e-300, 1e-3, F(1, 10**9), 1, 1e300])
def test_relu_prime_is_one_right_of_the_kink(x):
    assert relu_prime(x) == 1


@pytest.mark.parametrize("x", [-1e-300, -1e-3, F(-1, 10**9), -1, -1e300])
def test_relu_prime_is_zero_left_of_the_kink(x):
    assert relu_prime(x) == 0


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, F(0)])
def test_relu_prime_convention_at_the_kink_is_zero(zero):
    # Docstring: relu_prime(0) = 0, as in PyTorch and TensorFlow.
    assert relu_prime(zero) == 0
    assert type(relu_prime(zero)) is int


def test_relu_kink_is_a_choice_not_a_limit():
    # The symmetric difference straddling 0 gives 1/2: neither one-sided slope.
    # The convention picks the left one, so a unit exactly at 0 passes nothing.
    assert central_difference(relu, 0.0) == pytest.approx(0.5)
    assert relu_prime(0) == relu_prime(-1e-3) != relu_prime(1e-3)


# --- domain errors ------------------------------------------------------------------------

ALL_ACTIVATIONS = [sigmoid, sigmoid_prime, relu, relu_prime]


@pytest.mark.parametrize("func", ALL_ACTIVATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
def test_activations_refuse_nan_and_infinity(func, bad):
    with pytest.raises(ValueError, match=re.escape(f"{func.__name__}: x={bad!r} must be finite")):
        func(bad)


@pytest.mark.parametrize("func", ALL_ACTIVATIONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["1", None, False], ids=repr)
def test_activations_refuse_non_numbers(func, bad):
    expected = f"{func.__name__}: x={bad!r} must be a real number"
    with pytest.raises(ValueError, match=re.escape(expected)):
        func(bad)
