"""VanishingSigmoid draws exactly lessonlib's numbers: the 0.25 peak and the bound 0.25^n by depth.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.vanishing_sigmoid import VanishingSigmoid
from tests.screen import read_scene

# Constants inside the formulas, as drawn.
SIGMOID_FORMULA = ["1", "1"]  # s(x) = 1 / (1 + e^{-x})
SLOPE_FORMULA = ["1"]  # s'(x) = s(x)(1 - s(x))
PEAK = display.exact(lessonlib.sigmoid_prime(0))
PEAK_LABEL = ["0", PEAK]  # s'(0) = 0.25
HEADER = ["1", "2", PEAK]  # s'_1 . s'_2 ... s'_n <= 0.25^n (n is a letter)
DEEPEST = lesson.SIGMOID_DEPTHS[-1]
APPROX_PLACES = 8  # the deepest bound, 1/4^10, is drawn as "\approx 0.00000095"


def bound_text(n: int) -> str:
    bound = lessonlib.sigmoid_depth_bound(n)
    return display.fixed(bound, APPROX_PLACES) if n == DEEPEST else display.exact(bound)


def depth_label(n: int) -> list[str]:
    return [display.exact(n)]  # "n = 3"


def rows(count: int) -> list[str]:
    """The first ``count`` depth rows: each its label and its bound."""
    numbers: list[str] = []
    for n in lesson.SIGMOID_DEPTHS[:count]:
        numbers += depth_label(n) + [bound_text(n)]
    return numbers


BARS_BASE = HEADER + PEAK_LABEL


@pytest.fixture(scope="module")
def reading():
    return read_scene(VanishingSigmoid)


def test_sections(reading):
    assert reading.sections == [
        "The sigmoid", "Its slope", "The peak", "One factor per layer", "Deeper and deeper",
        "Vanishing gradient",
    ]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    assert PEAK == "0.25"
    assert lesson.SIGMOID_DEPTHS == (1, 2, 3, 4, 10)
    assert [bound_text(n) for n in lesson.SIGMOID_DEPTHS] == [
        "0.25", "0.0625", "0.015625", "0.00390625", "0.00000095",
    ]
    # "about 9.5e-7 at n = 10": the rounded text is within half a unit of its last place.
    assert abs(float(lessonlib.sigmoid_depth_bound(10)) - 9.5e-7) < 0.05e-7


def test_sigmoid_and_its_slope(reading):
    reading.expect("The sigmoid", SIGMOID_FORMULA)
    reading.expect("Its slope", SIGMOID_FORMULA + SLOPE_FORMULA)


def test_the_peak_is_a_quarter(reading):
    reading.expect("The peak", SIGMOID_FORMULA + SLOPE_FORMULA + PEAK_LABEL)


def test_one_factor_per_layer(reading):
    # The two formulas give way to the bound 0.25^n; the peak label stays on the axes.
    reading.expect("One factor per layer", HEADER + PEAK_LABEL)


def test_bars_shrink_depth_by_depth(reading):
    steps = []
    for k, n in enumerate(lesson.SIGMOID_DEPTHS):
        steps.append(BARS_BASE + rows(k) + depth_label(n))  # the label and bar arrive first
        steps.append(BARS_BASE + rows(k + 1))  # then the bound, written out
    reading.expect_steps("Deeper and deeper", steps)
    reading.expect("Deeper and deeper", BARS_BASE + rows(len(lesson.SIGMOID_DEPTHS)))


def test_conclusion_keeps_every_bound(reading):
    reading.expect("Vanishing gradient", BARS_BASE + rows(len(lesson.SIGMOID_DEPTHS)))
