"""SignOfGradient draws exactly lessonlib's numbers at every beat, and its live
readouts always agree with each other while the weight slides.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import re
from fractions import Fraction

import pytest

import lessonlib
from lessonlib import display
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS

from scenes.sign_of_gradient import SignOfGradient
from tests.screen import read_scene

PLACES = 2
W_RIGHT, W_LEFT = SIGN_WEIGHTS
EXPONENT = "2"  # the 2 of L = w^2
COEFFICIENT = display.exact(lessonlib.mse_grad(1))  # the 2 of dL/dw = 2w
TARGET = "0"  # the target: where L = w^2 and its slope vanish (checked below)
LR = display.fixed(SIGN_LR, PLACES)


def f(value) -> str:
    return display.fixed(value, PLACES)


def slope(w):
    return lessonlib.mse_grad(w)


def stepped(w):
    return lessonlib.gradient_step(w, slope(w), SIGN_LR)


def readouts(w) -> list[str]:
    """L = w^2, then 'w = ...' and 'dL/dw = 2w = ...' for the weight on screen."""
    return [EXPONENT, f(w), COEFFICIENT, f(slope(w))]


def update(w) -> list[str]:
    """'= w - lr * slope' with the numbers in (a negative slope in brackets keeps its sign)."""
    return [f(w), LR, f(slope(w))]


@pytest.fixture(scope="module")
def reading():
    return read_scene(SignOfGradient)


def test_the_lesson_values_are_the_ones_the_lecture_states():
    right = [f(W_RIGHT), f(slope(W_RIGHT)), LR, f(stepped(W_RIGHT))]
    assert right == ["1.50", "3.00", "0.25", "0.75"]
    assert [f(W_LEFT), f(slope(W_LEFT)), f(stepped(W_LEFT))] == ["-1.00", "-2.00", "-0.50"]
    assert lessonlib.mse(0) == 0 and lessonlib.mse_grad(0) == 0  # the target really is 0
    assert COEFFICIENT == "2"


def test_sections(reading):
    assert reading.sections == [
        "The loss curve", "Slope on the right", "Step to the left",
        "Slope on the left", "Step to the right", "One rule for both",
    ]


def test_the_loss_curve(reading):
    reading.expect_steps("The loss curve", [[], [EXPONENT]])
    reading.expect("The loss curve", [EXPONENT])


def test_slope_on_the_right(reading):
    w = W_RIGHT
    reading.expect_steps("Slope on the right", [[EXPONENT, f(w)], readouts(w)])
    reading.expect("Slope on the right", readouts(w))


@pytest.mark.parametrize("section, w", [("Step to the left", W_RIGHT),
                                        ("Step to the right", W_LEFT)])
def test_step(reading, section, w):
    w_next = stepped(w)
    before = readouts(w) + [LR]
    after = readouts(w_next) + [LR] + update(w) + [f(w_next)]  # w has moved to w'
    reading.expect_steps(section, [
        before,
        before + update(w),
        before + update(w) + [f(w_next)],
        after,
    ])
    reading.expect(section, after)


def test_slope_on_the_left(reading):
    w_from, w = stepped(W_RIGHT), W_LEFT
    reading.expect_steps("Slope on the left", [readouts(w_from) + [LR], readouts(w) + [LR]])
    reading.expect("Slope on the left", readouts(w) + [LR])


def test_one_rule_for_both(reading):
    # The panel goes; two cases 'w > 0 => dL/dw > 0' and 'w < 0 => dL/dw < 0' come; then the rule.
    last_step = readouts(stepped(W_LEFT)) + [LR] + update(W_LEFT) + [f(stepped(W_LEFT))]
    reading.expect_steps("One rule for both", [last_step, [], [TARGET] * 2, [TARGET] * 4])
    reading.expect("One rule for both", [TARGET] * 4)


# --- the live readouts, read at every sampled moment, inside animations too ----------

W_LINE = re.compile(r"^w = (-?\d+\.\d{2})$")
SLOPE_LINE = re.compile(r"= 2w = (-?\d+\.\d{2})")


def live_readouts(reading, section):
    """(time, w text, slope text) wherever both readouts are fully drawn in ``section``."""
    found = []
    for moment in reading.moments:
        if moment.section != section:
            continue
        ws = [m.group(1) for lab in moment.labels if (m := W_LINE.match(lab.text))]
        slopes = [m.group(1) for lab in moment.labels if (m := SLOPE_LINE.search(lab.text))]
        if len(ws) == 1 and len(slopes) == 1:
            found.append((moment.time, ws[0], slopes[0]))
    return found


def test_the_slope_readout_is_always_the_slope_of_the_w_on_screen(reading):
    checked = 0
    for section in reading.sections:
        for time, w_text, slope_text in live_readouts(reading, section):
            assert slope_text == f(slope(Fraction(w_text))), (section, time, w_text, slope_text)
            checked += 1
    assert checked > 50


def test_the_weight_slides_continuously_across_the_target(reading):
    seen = [w for _, w, _ in live_readouts(reading, "Slope on the left")]
    values = [Fraction(w) for w in seen]
    assert seen[0] == f(stepped(W_RIGHT)) and seen[-1] == f(W_LEFT)
    assert values == sorted(values, reverse=True), seen  # it only moves left
    assert len(set(values)) >= 3, seen  # and through values in between


def test_steps_slide_the_weight_to_w_prime(reading):
    for section, w in (("Step to the left", W_RIGHT), ("Step to the right", W_LEFT)):
        seen = [w_text for _, w_text, _ in live_readouts(reading, section)]
        assert seen[0] == f(w) and seen[-1] == f(stepped(w)), (section, seen)
        assert len(set(seen)) >= 3, (section, seen)
