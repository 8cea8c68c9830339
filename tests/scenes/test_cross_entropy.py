"""CrossEntropy draws exactly lessonlib's numbers: one table row per point of the lesson.

Every expected string is computed here from lessonlib, independently of the scene.
Besides the rows, the notation carries digits of its own: the tick label 1 on the
w axis, the domain 0 < w <= 1 and the 1 of dL/dw = -1/w.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.cross_entropy import CrossEntropy
from tests.screen import read_scene

W_01, W_05, W_09, W_1 = lesson.CE_POINTS
ce, grad = lessonlib.cross_entropy, lessonlib.cross_entropy_grad

# w, L(w), dL/dw for each point. Losses are logarithms, shown to 2 places, except at
# w = 1 where the loss is exactly 0; slopes are exact, except -1/0.9 = -1.111...
ROWS = {
    W_01: [display.exact(W_01), display.fixed(ce(W_01), 2), display.exact(grad(W_01))],
    W_05: [display.exact(W_05), display.fixed(ce(W_05), 2), display.exact(grad(W_05))],
    W_09: [display.exact(W_09), display.fixed(ce(W_09), 2), display.fixed(grad(W_09), 3)],
    W_1: [display.exact(W_1), display.exact(ce(W_1)), display.exact(grad(W_1))],
}

ONE = display.exact(W_1)  # the right end of the domain, where the loss reaches 0
ZERO = "0"  # the left end of the domain
CURVE = [ONE, ZERO, ONE]  # tick label "1" under w = 1; "0 < w <= 1"
SLOPE = ["1"]  # dL/dw = -1/w: the numerator 1 (the minus sign stands before the fraction bar)


@pytest.fixture(scope="module")
def reading():
    return read_scene(CrossEntropy)


def test_sections(reading):
    assert reading.sections == [
        "The curve", "Its slope", "Steep near zero", "Flatter as w grows", "Zero loss at w = 1",
        "Only probabilities",
    ]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    # Fact 6 as docs/lesson.md states it: slopes -10, -2, -1.111, -1; the loss at w = 1 is 0.
    assert [ROWS[w][2] for w in lesson.CE_POINTS] == ["-10", "-2", "-1.111", "-1"]
    assert [ROWS[w][1] for w in lesson.CE_POINTS] == ["2.30", "0.69", "0.11", "0"]
    assert grad(W_09) == Fraction(-10, 9)  # the one slope that must be rounded


def test_the_library_refuses_w_outside_the_domain():
    # The scene's last beat says so.
    for w in (0, Fraction(-1, 2), Fraction(11, 10)):
        for func in (ce, grad):
            with pytest.raises(ValueError, match="0 < w <= 1"):
                func(w)


def test_the_curve_has_only_its_notation(reading):
    reading.expect("The curve", CURVE)


def test_slope_formula(reading):
    reading.expect("Its slope", CURVE + SLOPE)


def test_steep_near_zero(reading):
    reading.expect("Steep near zero", CURVE + SLOPE + ROWS[W_01])


def test_flatter_as_w_grows_row_by_row(reading):
    before = CURVE + SLOPE + ROWS[W_01]
    reading.expect_steps("Flatter as w grows", [
        before + ROWS[W_05],
        before + ROWS[W_05] + ROWS[W_09],
    ])
    reading.expect("Flatter as w grows", before + ROWS[W_05] + ROWS[W_09])


def test_zero_loss_at_one_is_drawn_as_zero(reading):
    everything = CURVE + SLOPE + [n for w in lesson.CE_POINTS for n in ROWS[w]]
    reading.expect("Zero loss at w = 1", everything)


def test_domain_beat_keeps_every_value(reading):
    everything = CURVE + SLOPE + [n for w in lesson.CE_POINTS for n in ROWS[w]]
    reading.expect("Only probabilities", everything)
