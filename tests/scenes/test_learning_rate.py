"""LearningRate draws exactly lessonlib's numbers: the four exact trajectories, step by step.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.learning_rate import LearningRate
from tests.screen import read_scene

# The constants inside the formulas dL/dw = 2w and w' = (1 - 2 lr) w.
TWO = display.exact(lessonlib.mse_grad(1))  # the 2 of dL/dw = 2w
ONE = "1"  # the 1 of (1 - 2 lr)
FACTOR_FORMULA = [ONE, TWO]  # w' = (1 - 2 lr) w, kept in the corner while the panels show


def path(lr):
    return lessonlib.trajectory(lesson.LR_START, lessonlib.mse_grad, lr, lesson.LR_STEPS)


def panel_numbers(lr, shown_steps: int) -> list[str]:
    """A panel: its rate, its factor (1 - 2 lr) and the weights w_0 .. w_shown_steps."""
    factor = lessonlib.gradient_step(1, lessonlib.mse_grad(1), lr)
    weights = path(lr)[: shown_steps + 1]
    return [display.exact(lr), display.exact(factor), *(display.exact(w) for w in weights)]


def panels_at(shown_steps: int) -> list[str]:
    numbers = list(FACTOR_FORMULA)
    for lr in lesson.LEARNING_RATES:
        numbers += panel_numbers(lr, shown_steps)
    return numbers


@pytest.fixture(scope="module")
def reading():
    return read_scene(LearningRate)


def test_sections(reading):
    assert reading.sections == [
        "The update rule", "Four learning rates", "Step by step",
        "Crawl, converge, explode", "Only the slope counts",
    ]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    # Fact 2 as docs/lesson.md states it; a guard that the exact strings are what the scene must show.
    assert [[display.exact(w) for w in path(lr)] for lr in lesson.LEARNING_RATES] == [
        ["2", "1.8", "1.62", "1.458"],
        ["2", "1", "0.5", "0.25"],
        ["2", "-1.6", "1.28", "-1.024"],
        ["2", "-2.4", "2.88", "-3.456"],
    ]


def test_update_rule(reading):
    # The rule itself has no number; then dL/dw = 2w; then w' = (1 - 2 lr) w.
    reading.expect_steps("The update rule", [[], [TWO], [TWO, *FACTOR_FORMULA]])
    reading.expect("The update rule", [TWO, *FACTOR_FORMULA])


def test_four_panels_start_together(reading):
    reading.expect("Four learning rates", panels_at(0))


def test_step_by_step(reading):
    steps = [panels_at(k) for k in range(1, lesson.LR_STEPS + 1)]
    reading.expect_steps("Step by step", steps)
    reading.expect("Step by step", panels_at(lesson.LR_STEPS))


def test_verdicts_keep_every_value(reading):
    reading.expect("Crawl, converge, explode", panels_at(lesson.LR_STEPS))


def test_only_the_slope_has_no_numbers(reading):
    reading.expect("Only the slope counts", [])
