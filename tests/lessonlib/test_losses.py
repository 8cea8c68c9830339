"""Losses and their derivatives: hand-worked values, finite differences, kinks, domains."""

from __future__ import annotations

import math
import re
from fractions import Fraction as F

import pytest

from lessonlib import (
    cross_entropy,
    cross_entropy_grad,
    fixed,
    mae,
    mae_grad,
    mse,
    mse_grad,
)

from tests.lessonlib.gradcheck import assert_derivative, central_difference

NAN, INF = math.nan, math.inf


# --- the finite-difference checker itself -------------------------------------------------


def test_gradcheck_catches_a_wrong_derivative_and_prints_both_numbers():
    def wrong_grad(w):
        return 3 * w

    with pytest.raises(AssertionError) as caught:
        assert_derivative(mse, wrong_grad, 1.0)
    message = str(caught.value)
    assert "wrong_grad(1.0) = 3.0" in message
    assert re.search(r"central difference of mse at 1\.0 with h=1e-05 is 2\.0", message), message


def test_central_difference_is_symmetric_about_x():
    # (f(x + h/2) - f(x - h/2)) / h is exact for a quadratic, up to float rounding.
    assert central_difference(lambda w: w * w, 3.0, h=0.5) == 6.0


# --- MSE: L = w^2, dL/dw = 2w -------------------------------------------------------------


def test_mse_hand_worked_values_are_exact():
    assert mse(2) == 4 and isinstance(mse(2), int)
    assert mse(F(3, 2)) == F(9, 4) and isinstance(mse(F(3, 2)), F)
    assert mse(F(-1, 10)) == F(1, 100)
    assert mse(0) == 0
    assert mse_grad(F(3, 2)) == 3
    assert mse_grad(F(-1)) == -2
    assert mse_grad(F(9, 5)) == F(18, 5) and isinstance(mse_grad(F(9, 5)), F)


@pytest.mark.parametrize("w", [-3.0, -0.7, -1e-3, 0.0, 1e-3, 0.5, 2.0])
def test_mse_grad_matches_central_difference(w):
    assert_derivative(mse, mse_grad, w)


def test_mse_grad_is_large_far_from_target_and_small_near_it():
    # Fact 5: the MSE step shrinks as w approaches 0.
    assert [mse_grad(w) for w in (F(2), F(1), F(1, 2), F(1, 4))] == [4, 2, 1, F(1, 2)]


# --- MAE: L = |w|, dL/dw = sign(w), kink at 0 ---------------------------------------------


def test_mae_hand_worked_values_are_exact():
    assert mae(F(-19, 10)) == F(19, 10) and isinstance(mae(F(-19, 10)), F)
    assert mae(-3) == 3
    assert mae(0.25) == 0.25


@pytest.mark.parametrize("w", [-3.0, -0.5, -1e-3, 1e-3, 0.5, 3.0])
def test_mae_grad_matches_central_difference_away_from_the_kink(w):
    assert_derivative(mae, mae_grad, w)


@pytest.mark.parametrize("w", [1e-300, 1e-3, F(1, 10**9), 1, 1e300])
def test_mae_grad_is_plus_one_right_of_the_kink(w):
    assert mae_grad(w) == 1


@pytest.mark.parametrize("w", [-1e-300, -1e-3, F(-1, 10**9), -1, -1e300])
def test_mae_grad_is_minus_one_left_of_the_kink(w):
    assert mae_grad(w) == -1


@pytest.mark.parametrize("zero", [0, 0.0, -0.0, F(0)])
def test_mae_grad_convention_at_the_kink_is_zero(zero):
    # Docstring: mae_grad(0) = 0, the subgradient numpy.sign and PyTorch pick.
    assert mae_grad(zero) == 0
    assert type(mae_grad(zero)) is int


def test_mae_grad_convention_matches_the_symmetric_difference_at_the_kink():
    # |w| is symmetric, so the central difference straddling 0 is exactly 0 too.
    assert central_difference(mae, 0.0) == 0.0 == mae_grad(0)


def test_mae_grad_has_the_same_size_whatever_the_distance():
    assert {abs(mae_grad(w)) for w in (F(19, 10), F(1, 10), -100, F(-1, 1000))} == {1}


# --- Cross-entropy: L = -ln(w), dL/dw = -1/w, 0 < w <= 1 ----------------------------------


@pytest.mark.parametrize("w", [1, 1.0, F(1)])
def test_cross_entropy_at_one_is_positive_zero(w):
    loss = cross_entropy(w)
    assert loss == 0.0
    assert math.copysign(1.0, loss) == 1.0  # +0.0, so it never prints as "-0"
    assert f"{loss:.2f}" == "0.00"


def test_cross_entropy_hand_worked_values():
    assert cross_entropy(F(1, 2)) == pytest.approx(math.log(2), rel=1e-15)
    assert cross_entropy(0.1) == pytest.approx(math.log(10), rel=1e-15)
    assert fixed(cross_entropy(F(1, 10)), 4) == "2.3026"
    assert isinstance(cross_entropy(F(1, 2)), float)


def test_cross_entropy_falls_to_zero_as_w_approaches_one():
    values = [cross_entropy(w) for w in (F(1, 10), F(1, 2), F(9, 10), F(99, 100), F(1))]
    assert values == sorted(values, reverse=True)
    assert values[-1] == 0.0


@pytest.mark.parametrize(
    ("w", "slope", "shown"),
    [(F(1, 10), F(-10), "-10.000"), (F(1, 2), F(-2), "-2.000"),
     (F(9, 10), F(-10, 9), "-1.111"), (F(1), F(-1), "-1.000")],
)
def test_cross_entropy_slopes_are_exact(w, slope, shown):
    grad = cross_entropy_grad(w)
    assert grad == slope and isinstance(grad, F)
    assert fixed(grad, 3) == shown


def test_cross_entropy_grad_of_a_float_is_a_float():
    assert cross_entropy_grad(0.5) == -2.0
    assert cross_entropy_grad(1.0) == -1.0
    assert isinstance(cross_entropy_grad(0.5), float)
    assert cross_entropy_grad(1) == -1


@pytest.mark.parametrize("w", [0.01, 0.1, 0.3, 0.5, 0.9, 0.999])
def test_cross_entropy_grad_matches_central_difference(w):
    assert_derivative(cross_entropy, cross_entropy_grad, w)


# --- domain errors: the function, the argument and its value in the message ---------------

ALL_LOSSES = [mse, mse_grad, mae, mae_grad, cross_entropy, cross_entropy_grad]


@pytest.mark.parametrize("func", ALL_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
def test_losses_refuse_nan_and_infinity(func, bad):
    with pytest.raises(ValueError, match=re.escape(f"{func.__name__}: w={bad!r} must be finite")):
        func(bad)


@pytest.mark.parametrize("func", ALL_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad", ["0.5", None, True, 1j], ids=repr)
def test_losses_refuse_non_numbers(func, bad):
    expected = f"{func.__name__}: w={bad!r} must be a real number"
    with pytest.raises(ValueError, match=re.escape(expected)):
        func(bad)


@pytest.mark.parametrize("func", [cross_entropy, cross_entropy_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("w", [0, 0.0, -0.0, -1, F(-1, 2), 1.0000001, F(11, 10), 2])
def test_cross_entropy_refuses_w_outside_zero_to_one(func, w):
    expected = f"{func.__name__}: w={w!r} is outside the allowed range 0 < w <= 1"
    with pytest.raises(ValueError, match=re.escape(expected)):
        func(w)


@pytest.mark.parametrize("func", [cross_entropy, cross_entropy_grad], ids=lambda f: f.__name__)
@pytest.mark.parametrize("w", [1e-300, F(1, 10**9), 1])
def test_cross_entropy_accepts_the_edges_of_its_domain(func, w):
    assert math.isfinite(func(w))
