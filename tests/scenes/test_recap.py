"""Recap draws exactly lessonlib's numbers: each row's derivative, built row by row.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.recap import Recap
from tests.screen import read_scene

# One entry per row, in order: its section and the numbers of its derivative as drawn.
ROWS = [
    ("MSE", [display.exact(lessonlib.mse_grad(1))]),  # 2w
    ("MAE", [display.exact(lessonlib.mae_grad(lesson.MAE_START))]),  # \pm 1: the sign is no minus
    ("Cross-entropy", [display.exact(lessonlib.cross_entropy_grad(1))]),  # -1/w, the -1 at w = 1
    ("Sigmoid", ["1", display.exact(lessonlib.sigmoid_prime(0))]),  # s(1 - s) <= 0.25
    ("ReLU", [display.exact(lessonlib.relu_prime(lesson.RELU_INACTIVE)),  # {0, 1}
              display.exact(lessonlib.relu_prime(lesson.RELU_ACTIVE_PATH[0]))]),
]
RULE: list[str] = []  # w' = w - lr . dL/dw has no number


def table(count: int) -> list[str]:
    return [n for _, numbers in ROWS[:count] for n in numbers]


@pytest.fixture(scope="module")
def reading():
    return read_scene(Recap)


def test_sections(reading):
    assert reading.sections == ["The table", *(name for name, _ in ROWS), "One rule"]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    assert table(len(ROWS)) == ["2", "1", "-1", "1", "0.25", "0", "1"]


def test_headings_have_no_numbers(reading):
    reading.expect("The table", [])


@pytest.mark.parametrize("k", range(len(ROWS)))
def test_rows_arrive_one_by_one(reading, k):
    name, _ = ROWS[k]
    # The name appears, then the derivative, then what it does to the step.
    reading.expect_steps(name, [table(k), table(k + 1), table(k + 1)])
    reading.expect(name, table(k + 1))


def test_one_rule_closes_the_table(reading):
    reading.expect("One rule", table(len(ROWS)) + RULE)
