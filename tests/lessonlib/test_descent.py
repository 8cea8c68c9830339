"""The update rule w' = w - lr * dL/dw: exact trajectories, the laws the lecture states, domains."""

from __future__ import annotations

import math
import re
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonlib import exact, gradient_step, mae_grad, mse_grad, trajectory

NAN, INF = math.nan, math.inf

# Built from integers: much cheaper to draw than st.fractions, and just as exact.
weights = gradients = st.builds(F, st.integers(-10**6, 10**6), st.integers(1, 10**4))
learning_rates = st.builds(F, st.integers(1, 10**5), st.integers(1, 10**4))
FAST = settings(max_examples=60, deadline=None)


def sign(x) -> int:
    return (x > 0) - (x < 0)


# --- fact 1: the sign of the slope picks the direction ------------------------------------


def test_positive_slope_steps_left_and_negative_slope_steps_right():
    w = F(3, 2)
    assert mse_grad(w) == 3
    assert gradient_step(w, mse_grad(w), F(1, 4)) == F(3, 4)
    w = F(-1)
    assert mse_grad(w) == -2
    assert gradient_step(w, mse_grad(w), F(1, 4)) == F(-1, 2)


def test_gradient_step_is_exact_for_fractions():
    step = gradient_step(F(2), F(4), F(1, 20))
    assert step == F(9, 5) and isinstance(step, F)


def test_zero_gradient_leaves_the_weight_where_it_is():
    assert gradient_step(F(7, 3), 0, F(1, 4)) == F(7, 3)
    assert gradient_step(F(7, 3), F(0), F(1, 4)) == F(7, 3)
    assert gradient_step(-2.5, 0.0, 0.1) == -2.5
    assert gradient_step(-2.5, -0.0, 0.1) == -2.5


@FAST
@given(weights, gradients, learning_rates)
def test_a_step_always_moves_against_the_gradient(w, grad, lr):
    # Exact arithmetic: the move is strictly opposite to the gradient, or none at all.
    assert sign(gradient_step(w, grad, lr) - w) == -sign(grad)


@FAST
@given(
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=-1e6, max_value=1e6),
    st.floats(min_value=1e-6, max_value=10),
)
def test_a_float_step_never_moves_with_the_gradient(w, grad, lr):
    # In floats a tiny lr * grad can be absorbed by w, so only the weak law holds.
    moved = gradient_step(w, grad, lr) - w
    assert sign(moved) in (0, -sign(grad))
    if grad == 0:
        assert moved == 0


# --- fact 2: the learning rate scales the step --------------------------------------------


@pytest.mark.parametrize(
    ("lr", "shown"),
    [
        (F(1, 20), ["2", "1.8", "1.62", "1.458"]),    # slow
        (F(1, 4), ["2", "1", "0.5", "0.25"]),         # fast
        (F(9, 10), ["2", "-1.6", "1.28", "-1.024"]),  # oscillates, converges
        (F(11, 10), ["2", "-2.4", "2.88", "-3.456"]),  # diverges
    ],
    ids=["lr=0.05", "lr=0.25", "lr=0.9", "lr=1.1"],
)
def test_mse_trajectories_from_two_are_exact(lr, shown):
    path = trajectory(F(2), mse_grad, lr, 3)
    assert path == [F(s) for s in shown]
    assert all(isinstance(w, F) for w in path)
    assert [exact(w) for w in path] == shown


def test_each_mse_step_multiplies_by_one_minus_two_lr_in_the_examples():
    assert [1 - 2 * lr for lr in (F(1, 20), F(1, 4), F(9, 10), F(11, 10))] == [
        F(9, 10), F(1, 2), F(-4, 5), F(-6, 5)]


@FAST
@given(weights, learning_rates)
def test_one_mse_step_multiplies_w_by_exactly_one_minus_two_lr(w, lr):
    assert gradient_step(w, mse_grad(w), lr) == w * (1 - 2 * lr)


@FAST
@given(weights, learning_rates, st.integers(min_value=0, max_value=8))
def test_an_mse_trajectory_is_a_geometric_sequence(w0, lr, steps):
    path = trajectory(w0, mse_grad, lr, steps)
    assert path == [w0 * (1 - 2 * lr) ** k for k in range(steps + 1)]


def test_trajectory_has_steps_plus_one_values():
    assert trajectory(F(2), mse_grad, F(1, 4), 0) == [F(2)]
    assert len(trajectory(F(2), mse_grad, F(1, 4), 10)) == 11


def test_trajectory_reads_only_the_derivative():
    # Fact 3: the update never looks at L(w), only at the gradient it is handed.
    seen = []

    def grad(w):
        seen.append(w)
        return mse_grad(w)

    path = trajectory(F(2), grad, F(1, 4), 3)
    assert seen == path[:-1]


# --- fact 5: MSE steps shrink, MAE steps do not -------------------------------------------


def test_mse_steps_shrink_near_the_target():
    path = trajectory(F(2), mse_grad, F(1, 4), 4)
    steps = [a - b for a, b in zip(path, path[1:])]
    assert steps == [1, F(1, 2), F(1, 4), F(1, 8)]


def test_mae_walk_from_1_9_with_lr_0_25_is_exact_and_never_settles():
    path = trajectory(F(19, 10), mae_grad, F(1, 4), 10)
    assert [exact(w) for w in path] == [
        "1.9", "1.65", "1.4", "1.15", "0.9", "0.65", "0.4", "0.15", "-0.1", "0.15", "-0.1"]
    assert all(abs(b - a) == F(1, 4) for a, b in zip(path, path[1:]))


def test_mae_walk_keeps_oscillating_forever():
    path = trajectory(F(19, 10), mae_grad, F(1, 4), 200)
    assert set(path[8:]) == {F(-1, 10), F(3, 20)}
    assert min(abs(w) for w in path) == F(1, 10)


# --- domain errors ------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [0, 0.0, -0.0, -1, F(-1, 4), -1e-300])
def test_gradient_step_refuses_a_non_positive_learning_rate(lr):
    expected = f"gradient_step: lr={lr!r} is outside the allowed range lr > 0"
    with pytest.raises(ValueError, match=re.escape(expected)):
        gradient_step(1, 1, lr)


@pytest.mark.parametrize("lr", [0, 0.0, -1, F(-1, 4)])
def test_trajectory_refuses_a_non_positive_learning_rate(lr):
    expected = f"trajectory: lr={lr!r} is outside the allowed range lr > 0"
    with pytest.raises(ValueError, match=re.escape(expected)):
        trajectory(F(2), mse_grad, lr, 3)


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
@pytest.mark.parametrize("arg", ["w", "grad", "lr"])
def test_gradient_step_refuses_nan_and_infinity(arg, bad):
    args = {"w": F(2), "grad": F(4), "lr": F(1, 4)} | {arg: bad}
    with pytest.raises(ValueError, match=re.escape(f"gradient_step: {arg}={bad!r} must be finite")):
        gradient_step(**args)


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
@pytest.mark.parametrize("arg", ["w0", "lr"])
def test_trajectory_refuses_nan_and_infinity(arg, bad):
    args = {"w0": F(2), "grad": mse_grad, "lr": F(1, 4), "steps": 3} | {arg: bad}
    with pytest.raises(ValueError, match=re.escape(f"trajectory: {arg}={bad!r} must be finite")):
        trajectory(**args)


@pytest.mark.parametrize("steps", [1.5, 3.0, F(3), True, -1, NAN, INF, "3", None], ids=repr)
def test_trajectory_refuses_a_step_count_that_is_not_a_whole_number(steps):
    expected = f"trajectory: steps={steps!r} is outside the allowed range a whole number >= 0"
    with pytest.raises(ValueError, match=re.escape(expected)):
        trajectory(F(2), mse_grad, F(1, 4), steps)
