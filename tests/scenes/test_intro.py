"""Intro draws the one number of its setting, the target 0, and nothing else.

The question and the rule are words and symbols; the only number is the target,
which sits on the axis and (while the setting is listed) in the legend.
"""

from __future__ import annotations

import pytest

import lessonlib

from scenes.intro import Intro
from tests.screen import read_scene

TARGET = "0"  # the target every loss in the lecture measures against


@pytest.fixture(scope="module")
def reading():
    return read_scene(Intro)


def texts(moment) -> set[str]:
    return {label.text for label in moment.labels}


def test_the_target_is_zero():
    # L = w^2 and its slope vanish there: it is the best a weight can do.
    assert lessonlib.mse(0) == 0 and lessonlib.mse_grad(0) == 0


def test_sections(reading):
    assert reading.sections == ["The question", "One weight, one target", "The rule ahead"]


def test_the_question_shows_no_numbers(reading):
    for moment in reading.ends("The question"):
        assert moment.numbers == [], moment.where()
    reading.expect("The question", [])
    assert "How does a loss tell a weight where to go?" in texts(reading.end_of("The question"))


def test_one_weight_one_target(reading):
    # First the axes, the weight and 'w  one weight'; then the target, on the axis and in the
    # legend.
    reading.expect_steps("One weight, one target", [[], [TARGET, TARGET]])
    reading.expect("One weight, one target", [TARGET, TARGET])
    shown = texts(reading.end_of("One weight, one target"))
    assert {"one weight", "the target", "the loss", "target"} <= shown


def test_the_rule_ahead(reading):
    # The legend of the setting gives way to the rule and its legend; the axis keeps its 0.
    reading.expect_steps("The rule ahead", [[TARGET]])
    for moment in reading.ends("The rule ahead"):
        assert moment.numbers == [TARGET], moment.where()
    shown = texts(reading.end_of("The rule ahead"))
    assert {"new weight", "learning rate", "slope of the loss"} <= shown
    assert any(text.replace(" ", "").startswith("dL/w'=w-lr·") for text in shown), shown
