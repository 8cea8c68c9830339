"""The checker can fail: each deliberately wrong scene is caught with a clear report."""

from __future__ import annotations

import pytest
from manim import DecimalNumber

from lessonlib import fixed, gradient_step, mse_grad
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS
from tests.screen import ScreenMismatch, read_scene, rules
from tests.screen import fixtures as fx

W = SIGN_WEIGHTS[0]
GRAD = mse_grad(W)
W_NEXT = gradient_step(W, GRAD, SIGN_LR)
AFTER = [fixed(W_NEXT, 2), fixed(W, 2), fixed(SIGN_LR, 2), fixed(GRAD, 2), fixed(W_NEXT, 2)]


def test_right_scene_passes_every_check():
    reading = read_scene(fx.StepScene)
    assert reading.sections == ["Before the step", "After the step"]
    reading.expect("Before the step", [fixed(W, 2)])
    reading.expect("After the step", AFTER)
    assert rules.layout_problems(reading) == []
    assert rules.caption_problems(reading) == []
    assert rules.section_problems(reading) == []
    assert rules.number_problems(reading) == []
    assert rules.narration_problems(reading) == []
    assert rules.cue_problems(reading) == []
    assert rules.silence_problems(reading) == []


def test_reads_the_redrawn_digits_not_what_the_object_claims():
    """always_redraw goes through Mobject.become: the object keeps its first value and
    tex strings while its outlines change. The checker reads the outlines."""
    reading = read_scene(fx.StepScene)
    inside = reading.inside("After the step")
    drawn = {m.numbers[0] for m in inside}
    assert len(drawn) == len(inside) >= 3, "each moment inside the step shows a new value"
    assert all(float(fixed(W_NEXT, 2)) < float(n) < float(fixed(W, 2)) for n in drawn)
    # The stale claim the object makes, for contrast.
    scene_readout = DecimalNumber(float(W), num_decimal_places=2)
    assert scene_readout.get_value() == float(W)


def test_stale_label_is_caught():
    with pytest.raises(ScreenMismatch) as err:
        read_scene(fx.StaleLabel).expect("After the step", AFTER)
    report = str(err.value)
    assert "StaleLabel" in report and "end of animation" in report
    assert "missing ['0.75']" in report and "unexpected ['1.50']" in report


def test_object_with_right_value_but_wrong_glyph_is_caught():
    reading = read_scene(fx.LyingDigit)
    with pytest.raises(ScreenMismatch) as err:
        reading.expect("Lie", [fixed(W_NEXT, 2)])
    assert "missing ['0.75']" in str(err.value) and "unexpected ['0.79']" in str(err.value)


def test_wrong_number_in_formula_is_caught():
    with pytest.raises(ScreenMismatch) as err:
        read_scene(fx.WrongFormula).expect("After the step", AFTER[1:])
    report = str(err.value)
    assert "missing ['0.75']" in report and "unexpected ['0.80']" in report
    assert "w' = 1.50 - 0.25 · 3.00 = 0.80" in report  # the drawn text, as read


def test_wrong_rounding_is_caught():
    product = fixed(__import__("lessonlib").chain_rule(2, 0.5).product, 3)
    with pytest.raises(ScreenMismatch) as err:
        read_scene(fx.WrongRounding).expect("Product", ["1", product])
    assert f"missing ['{product}']" in str(err.value) and "unexpected ['0.576']" in str(err.value)


def test_expect_steps_needs_every_step_in_order():
    reading = read_scene(fx.StepScene)
    reading.expect_steps("After the step", [[fixed(W_NEXT, 2)], AFTER])
    with pytest.raises(ScreenMismatch, match="step 2 of 2 is never drawn"):
        reading.expect_steps("After the step", [AFTER, [fixed(W_NEXT, 2)]])


def test_unknown_section_names_the_closest():
    with pytest.raises(ScreenMismatch, match="did you mean 'After the step'"):
        read_scene(fx.StepScene).expect("After the stop", [])


@pytest.mark.parametrize("scene, rule, fragment", [
    (fx.NegativeZero, rules.number_problems, "'-0.00' is a negative zero"),
    (fx.OffSafeArea, rules.layout_problems, "leaves the title-safe area"),
    (fx.Overlapping, rules.layout_problems, "'1.50' overlaps '0.75'"),
    (fx.TinyText, rules.layout_problems, "below the readable floor 24"),
    (fx.RushedCaption, rules.caption_problems, "words/s"),
    (fx.UnnarratedBeat, rules.caption_problems, "section 'Untold'"),
    (fx.FlashBeat, rules.section_problems, "hold it at least"),
    (fx.MisspokenNumber, rules.narration_problems, "says 0.8 at"),
    (fx.LateNumber, rules.narration_problems, "says 0.75 at"),
    (fx.CaptionsWithoutVoice, rules.narration_problems, "captions without narration"),
    (fx.BadCues, rules.cue_problems, "more than 2 lines"),
    (fx.BadCues, rules.cue_problems, "overlaps the next cue by 500 ms"),
    (fx.BadCues, rules.cue_problems, "lasts 0.40 s"),
    (fx.DeadAir, rules.silence_problems, "of silence after 'Watch this.'"),
])
def test_each_rule_catches_its_fault(scene, rule, fragment):
    problems = rule(read_scene(scene))
    assert any(fragment in p for p in problems), problems
