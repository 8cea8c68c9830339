"""Small scenes for testing the checker itself: one right, the others each wrong in one way."""

from __future__ import annotations

from manim import DOWN, UP, DecimalNumber, FadeIn, MathTex, Scene, Text, ValueTracker, always_redraw

from narration.scene import NarratedScene

import lessonlib
from lessonlib import fixed
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS

W = SIGN_WEIGHTS[0]
GRAD = lessonlib.mse_grad(W)
W_NEXT = lessonlib.gradient_step(W, GRAD, SIGN_LR)


def update_rule(w, grad, w_next) -> MathTex:
    return MathTex(rf"w' = {fixed(w, 2)} - {fixed(SIGN_LR, 2)} \cdot {fixed(grad, 2)} = {fixed(w_next, 2)}")


class StepScene(NarratedScene):
    """The right scene: a live readout of w follows a tracker through one step."""

    def get_readout(self, tracker: ValueTracker):
        return always_redraw(lambda: DecimalNumber(float(fixed(tracker.get_value(), 2)),
                                                   num_decimal_places=2).to_edge(UP))

    def construct(self):
        self.next_section("Before the step")
        self.tracker = ValueTracker(float(W))
        self.readout = self.get_readout(self.tracker)
        self.add(self.readout)
        with self.voiceover(f"The weight starts here, at {fixed(W, 2)}, right of the target."):
            self.wait(1.5)
        self.next_section("After the step")
        rule = update_rule(W, GRAD, W_NEXT).shift(DOWN)
        with self.voiceover(f"One step moves it against the slope, to {fixed(W_NEXT, 2)}."):
            self.play(self.tracker.animate.set_value(float(W_NEXT)), run_time=1)
            self.add(rule)
            self.wait(1)


class StaleLabel(StepScene):
    """Wrong: the readout is built once and never follows the tracker."""

    def get_readout(self, tracker):
        return DecimalNumber(float(tracker.get_value()), num_decimal_places=2).to_edge(UP)


class LyingDigit(Scene):
    """Wrong: the object holds 0.75, but its last glyph is drawn with the outline of a 9."""

    def construct(self):
        self.next_section("Lie")
        number = DecimalNumber(float(W_NEXT), num_decimal_places=2)
        nine = MathTex("9")[0][0]
        last = number.family_members_with_points()[-1]
        last.points = nine.copy().move_to(last).match_height(last).points
        self.number = number
        self.add(number)
        self.wait(4)


class WrongFormula(StepScene):
    """Wrong: the update rule's result is off (0.80 instead of 0.75)."""

    def construct(self):
        self.next_section("After the step")
        self.add(MathTex(r"w' = 1.50 - 0.25 \cdot 3.00 = 0.80"))
        self.wait(4)


class WrongRounding(Scene):
    """Wrong: the chain-rule product as the product of rounded factors (0.576), not the rounded product."""

    def construct(self):
        self.next_section("Product")
        f = lessonlib.chain_rule(2, 0.5)
        rounded = float(fixed(f.dl_da1, 3)) * float(fixed(f.da1_du1, 3)) * float(f.du1_dw1)
        self.add(MathTex(rf"\frac{{dL}}{{dW_1}} \approx {fixed(rounded, 3)}"))
        self.wait(4)


class NegativeZero(Scene):
    def construct(self):
        self.next_section("Zero")
        self.add(MathTex(r"L(1) = -0.00"))
        self.wait(4)


class OffSafeArea(Scene):
    def construct(self):
        self.next_section("Edge")
        self.add(Text("far right", font_size=32).move_to([6.5, 0, 0]))
        self.wait(4)


class Overlapping(Scene):
    def construct(self):
        self.next_section("Clash")
        self.add(MathTex("1.50"), MathTex("0.75").shift(0.2 * UP))
        self.wait(4)


class TinyText(Scene):
    def construct(self):
        self.next_section("Tiny")
        self.add(MathTex("0.25", font_size=16))
        self.wait(4)


class RushedCaption(Scene):
    def construct(self):
        self.next_section("Rush")
        self.add_subcaption("far too many words for the one short second this caption is given", duration=1)
        self.add(Text("hello"))
        self.wait(4)


class UnnarratedBeat(StepScene):
    def construct(self):
        self.next_section("Told")
        with self.voiceover("This beat is narrated."):
            self.wait(1)
        self.next_section("Untold")
        self.add(Text("silent"))
        self.wait(3)


class FlashBeat(NarratedScene):
    """Wrong pacing: the beat's last change is gone before anyone can read it."""

    def construct(self):
        self.next_section("Flash")
        with self.voiceover("Blink, and it is gone."):
            self.wait(2.5)
        self.add(Text("gone"))
        self.wait(0.2)


class MisspokenNumber(StepScene):
    """Wrong: the narration says 0.8 while the screen shows 0.75."""

    def construct(self):
        self.next_section("After the step")
        self.add(update_rule(W, GRAD, W_NEXT))
        with self.voiceover("So the new weight is 0.8."):
            self.wait(1)


class LateNumber(NarratedScene):
    """Wrong: the voice names 0.75 before the number is on screen."""

    def construct(self):
        self.next_section("Late")
        with self.voiceover(f"The new weight is {fixed(W_NEXT, 2)}, one step closer.") as beat:
            self.wait(beat.remaining)
            self.play(FadeIn(MathTex(fixed(W_NEXT, 2))), run_time=0.5)


class CaptionsWithoutVoice(Scene):
    """Wrong: a caption typed with a duration, which no voice speaks."""

    def construct(self):
        self.next_section("Typed")
        self.add_subcaption("A caption nobody says.", duration=3)
        self.add(Text("quiet"))
        self.wait(4)


class BadCues(Scene):
    """Wrong: cues that overlap, run to three lines, or flash past."""

    def construct(self):
        self.next_section("Cues")
        self.add_subcaption("one\ntwo\nthree lines", duration=2)
        self.add_subcaption("overlaps the first", duration=1, offset=1.5)
        self.add_subcaption("a blink", duration=0.4, offset=3)
        self.add(Text("cues"))
        self.wait(4)


class DeadAir(NarratedScene):
    """Wrong: the voice stops and the animation goes on without it."""

    def construct(self):
        self.next_section("Quiet")
        with self.voiceover("Watch this."):
            self.wait(0.5)
        self.play(FadeIn(Text("slowly")), run_time=5)
