"""ReluGradient draws exactly lessonlib's numbers: relu' is 1 or 0, and a path's product is 1 or 0.

Every expected string is computed here from lessonlib, independently of the scene.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.relu_gradient import ReluGradient
from tests.screen import read_scene

ACTIVE = lesson.RELU_ACTIVE_PATH
DEAD_INDEX = 2  # the third unit, counted from the input, goes inactive
DEAD = ACTIVE[:DEAD_INDEX] + (lesson.RELU_INACTIVE,) + ACTIVE[DEAD_INDEX + 1:]

ZERO = display.exact(0)  # the 0 of max(0, x) and of the conditions x > 0, x < 0
ON = display.exact(lessonlib.relu_prime(ACTIVE[0]))
OFF = display.exact(lessonlib.relu_prime(lesson.RELU_INACTIVE))
KINK = display.exact(lessonlib.relu_prime(0))

RELU_FORMULA = [display.exact(lessonlib.relu(0))]  # relu(x) = max(0, x)
SLOPE_LINES = [ON, ZERO, OFF, ZERO]  # relu'(x) = 1 (x > 0); relu'(x) = 0 (x < 0)
CONVENTION = [ZERO, KINK]  # relu'(0) = 0


def values(path) -> list[str]:
    return [display.exact(x) for x in path]


def tags(path) -> list[str]:
    return [display.exact(lessonlib.relu_prime(x)) for x in path]


def product(path) -> list[str]:
    """1 . 1 . 0 . 1 = 0: every factor, then the product."""
    return tags(path) + [display.exact(lessonlib.relu_chain_product(list(path)))]


def sigmoid_bound() -> list[str]:
    """<= 0.25^4 = 0.00390625 at the depth of the path."""
    depth = len(ACTIVE)
    return [display.exact(lessonlib.sigmoid_prime(0)), display.exact(depth),
            display.exact(lessonlib.sigmoid_depth_bound(depth))]


@pytest.fixture(scope="module")
def reading():
    return read_scene(ReluGradient)


def test_sections(reading):
    assert reading.sections == [
        "ReLU", "Its slope", "An active path", "One inactive unit", "Against the sigmoid",
    ]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    assert (ON, OFF, KINK) == ("1", "0", "0")
    assert values(ACTIVE) == ["1.5", "0.5", "2", "1"]
    assert values(DEAD) == ["1.5", "0.5", "-1", "1"]
    assert product(ACTIVE) == ["1", "1", "1", "1", "1"]
    assert product(DEAD) == ["1", "1", "0", "1", "0"]
    assert sigmoid_bound() == ["0.25", "4", "0.00390625"]


def test_relu(reading):
    reading.expect("ReLU", RELU_FORMULA)


def test_its_slope_and_the_convention_at_zero(reading):
    reading.expect_steps("Its slope", [
        RELU_FORMULA,
        RELU_FORMULA + SLOPE_LINES,
        RELU_FORMULA + SLOPE_LINES + CONVENTION,
    ])
    reading.expect("Its slope", RELU_FORMULA + SLOPE_LINES + CONVENTION)


def test_active_path_multiplies_to_one(reading):
    # The graphs leave; the two slope lines stay in the corner.
    reading.expect_steps("An active path", [
        SLOPE_LINES,
        SLOPE_LINES + values(ACTIVE),
        SLOPE_LINES + values(ACTIVE) + tags(ACTIVE),
        SLOPE_LINES + values(ACTIVE) + tags(ACTIVE) + product(ACTIVE),
    ])
    reading.expect("An active path", SLOPE_LINES + values(ACTIVE) + tags(ACTIVE) + product(ACTIVE))


def test_one_inactive_unit_makes_it_zero(reading):
    reading.expect_steps("One inactive unit", [
        SLOPE_LINES + values(DEAD) + tags(ACTIVE) + product(ACTIVE),
        SLOPE_LINES + values(DEAD) + tags(DEAD) + product(ACTIVE),
        SLOPE_LINES + values(DEAD) + tags(DEAD) + product(DEAD),
    ])
    reading.expect("One inactive unit", SLOPE_LINES + values(DEAD) + tags(DEAD) + product(DEAD))


def test_against_the_sigmoid(reading):
    path = SLOPE_LINES + values(DEAD) + tags(DEAD)
    reading.expect_steps("Against the sigmoid", [
        path + product(DEAD) + product(ACTIVE),
        path + product(DEAD) + product(ACTIVE) + sigmoid_bound(),
    ])
    reading.expect("Against the sigmoid", path + product(DEAD) + product(ACTIVE) + sigmoid_bound())
