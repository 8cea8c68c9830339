"""MseVsMae draws exactly lessonlib's numbers: both derivatives and both exact walks, step by step.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.mse_vs_mae import MseVsMae
from tests.screen import read_scene

SQUARE = "2"  # the exponent of L = w^2
TARGET = "0"  # the target in the conditions (w > 0), (w < 0), (w = 0)

MSE_LOSS = [SQUARE]
MSE_SLOPE = [display.exact(lessonlib.mse_grad(1))]  # dL/dw = 2w
# dL/dw = +1 (w > 0), -1 (w < 0). The checker reads "+1" as "1": a plus is no part of a number.
MAE_SIDES = [display.exact(lessonlib.mae_grad(1)), TARGET,
             display.exact(lessonlib.mae_grad(-1)), TARGET]
MAE_CORNER = [display.exact(lessonlib.mae_grad(0)), TARGET]  # the convention: 0 (w = 0)
FORMULAS = MSE_LOSS + MSE_SLOPE + MAE_SIDES + MAE_CORNER


def walk(start, grad) -> list[str]:
    path = lessonlib.trajectory(start, grad, lesson.COMPARE_LR, lesson.COMPARE_STEPS)
    return [display.exact(w) for w in path]


MSE_WALK = walk(lesson.MSE_START, lessonlib.mse_grad)
MAE_WALK = walk(lesson.MAE_START, lessonlib.mae_grad)


def walks_at(shown_steps: int) -> list[str]:
    return FORMULAS + MSE_WALK[: shown_steps + 1] + MAE_WALK[: shown_steps + 1]


@pytest.fixture(scope="module")
def reading():
    return read_scene(MseVsMae)


def test_sections(reading):
    assert reading.sections == ["Two losses", "Two slopes", "Two walks", "Never settles"]


def test_the_walks_are_the_ones_the_lecture_states():
    assert MSE_WALK[:4] == ["2", "1", "0.5", "0.25"]
    assert MAE_WALK[1:3] == ["1.65", "1.4"]
    assert MAE_WALK[-4:] == ["0.15", "-0.1", "0.15", "-0.1"]
    assert lessonlib.mae_grad(0) == 0


def test_two_losses(reading):
    reading.expect_steps("Two losses", [[], MSE_LOSS])
    reading.expect("Two losses", MSE_LOSS)


def test_two_slopes_and_the_convention_at_zero(reading):
    reading.expect_steps("Two slopes", [
        MSE_LOSS + MSE_SLOPE,
        MSE_LOSS + MSE_SLOPE + MAE_SIDES,
        FORMULAS,
    ])
    reading.expect("Two slopes", FORMULAS)


def test_two_walks_step_by_step(reading):
    reading.expect_steps("Two walks", [walks_at(k) for k in range(lesson.COMPARE_STEPS + 1)])
    reading.expect("Two walks", walks_at(lesson.COMPARE_STEPS))


def test_never_settles_keeps_every_value(reading):
    reading.expect("Never settles", walks_at(lesson.COMPARE_STEPS))
