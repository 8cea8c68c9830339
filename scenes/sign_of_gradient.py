"""Fact 1: the sign of the slope picks the direction of the step.

For the squared error L(w) = w^2 (target 0) the slope is dL/dw = 2w. Right of
the target the slope is positive, so w - lr * dL/dw moves left; left of the
target it is negative, so the same rule moves right. One weight slides along
the curve with its tangent line and live readouts; every number shown comes
from lessonlib and is written by lessonlib.display.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circumscribe,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    Line,
    ReplacementTransform,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    Write,
    rate_functions,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS
from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark
from scenes.memo import get_math_memo, redraw_on_change

PLACES = 2  # decimals for every number in this scene
DL_DW = r"\frac{dL}{dw}"
LR = r"\text{lr}"


def shown(value: float) -> Fraction:
    """The weight exactly as the viewer reads it (rounded by display.fixed).

    Every live readout and shape is drawn from this value, so the slope on
    screen is always the slope of the w on screen.
    """
    return Fraction(display.fixed(value, PLACES))


def num(value) -> str:
    """A number as this scene writes it."""
    return display.fixed(value, PLACES)


def paren(value) -> str:
    """A number inside a product: negatives get parentheses, 0.25 \\cdot (-2.00)."""
    text = num(value)
    return f"({text})" if text.startswith("-") else text


class SignOfGradient(NarratedScene):
    """A weight on each side of the target: the slope's sign flips, and so does the step."""

    def construct(self):
        self.next_section("The loss curve")
        self.show_loss_curve()

        self.next_section("Slope on the right")
        self.show_weight(SIGN_WEIGHTS[0])

        self.next_section("Step to the left")
        w = SIGN_WEIGHTS[0]
        self.show_step(w, [
            "So step the other way: w minus the learning rate times the slope.",
            f"{num(w)} minus {num(SIGN_LR)} times {num(lessonlib.mse_grad(w))} gives "
            f"{mark('result')}{num(self.stepped(w))}.",
            "The weight moves left, toward the target.",
        ])

        self.next_section("Slope on the left")
        self.show_other_side(SIGN_WEIGHTS[1])

        self.next_section("Step to the right")
        w = SIGN_WEIGHTS[1]
        self.show_step(w, [
            "Same rule: w minus the learning rate times the slope.",
            f"Subtracting a negative slope adds: {num(w)} becomes {mark('result')}"
            f"{num(self.stepped(w))}.",
            "This time the weight moves right, again toward the target.",
        ])

        self.next_section("One rule for both")
        self.show_one_rule()

    # ----------------------------------------------------------------- set-up

    def show_loss_curve(self):
        self.title = get_title("The sign of the slope picks the direction")
        self.plot = get_axes([-2, 2, 1], [0, 4, 1], x_length=7, y_length=4.8)
        self.plot.to_edge(LEFT, buff=0.9).set_y(0.1)
        self.axes = self.plot[0]
        self.curve = self.axes.plot(lambda w: lessonlib.mse(w), x_range=[-2, 2],
                                    color=palette.LOSS, stroke_width=5)
        self.target = self.get_target_marker()
        self.rows = self.get_row_slots()
        self.loss_formula = self.place(get_math("L", "=", "w^2", color=palette.LOSS), 0)

        with self.voiceover("Take the simplest loss: squared error, with the target at zero."):
            self.play(Write(self.title), Create(self.plot), run_time=2)
            self.play(Create(self.curve), Write(self.loss_formula), run_time=2)
        with self.voiceover("L equals w squared, lowest right at the target."):
            self.play(FadeIn(self.target, shift=UP * 0.2), run_time=1)
            self.play(Indicate(self.target[0], color=palette.GOOD, scale_factor=1.6), run_time=1)

    def get_target_marker(self) -> VGroup:
        """The target w = 0: a green dot on the axis, named in words below it."""
        dot = Dot(self.axes.c2p(0, 0), radius=0.09, color=palette.GOOD).set_z_index(3)
        label = get_text("target", size=palette.LABEL_SIZE, color=palette.GOOD)
        label.next_to(dot, DOWN, buff=0.6)
        return VGroup(dot, label)

    def get_row_slots(self) -> VGroup:
        """Invisible rows on the right that the readouts snap to (widest case of each)."""
        w_low = SIGN_WEIGHTS[1]
        templates = VGroup(
            get_math("L = w^2"),
            get_math(f"w = {num(w_low)}"),
            get_math(f"{DL_DW} = 2w = {num(lessonlib.mse_grad(w_low))}"),
            get_math(f"{LR} = {num(SIGN_LR)}"),
            self.get_update_rule(),
            self.get_substitution(w_low),
            self.get_result(w_low),
        )
        templates.arrange(DOWN, aligned_edge=LEFT, buff=0.32)
        templates[4:].shift(DOWN * 0.25)
        for line in templates[5:]:  # their "=" under the rule's "="
            line.shift(RIGHT * (templates[4][1].get_x() - line[0].get_x()))
        templates.to_edge(RIGHT, buff=1.0).set_y(0)
        return templates

    def place(self, mob, row: int):
        """Put ``mob`` on row ``row`` of the readout panel, flush left."""
        return mob.move_to(self.rows[row], aligned_edge=LEFT)

    # ------------------------------------------------------------ the weight

    def get_point(self, w: Fraction):
        return self.axes.c2p(float(w), float(lessonlib.mse(w)))

    def get_direction(self, w: Fraction):
        """Unit vector on screen along the tangent at w, pointing to larger w."""
        point = self.get_point(w)
        ahead = self.axes.c2p(float(w) + 1, float(lessonlib.mse(w) + lessonlib.mse_grad(w)))
        return (ahead - point) / np.linalg.norm(ahead - point)

    def get_tangent(self, w: Fraction, length: float = 3.0) -> Line:
        """The tangent line at w: slope lessonlib.mse_grad(w), a fixed length on screen."""
        point, direction = self.get_point(w), self.get_direction(w)
        return Line(point - direction * length / 2, point + direction * length / 2,
                    color=palette.GRADIENT, stroke_width=4)

    def get_uphill_arrow(self, w: Fraction) -> VGroup:
        """An arrow beside the tangent, pointing where the loss rises, labelled 'uphill'."""
        point, direction = self.get_point(w), self.get_direction(w)
        if lessonlib.mse_grad(w) < 0:
            direction = -direction
        outside = np.array([direction[1], -direction[0], 0])  # normal, out of the bowl
        if outside[1] > 0:
            outside = -outside
        start = point + outside * 0.4 + direction * 0.1
        arrow = Arrow(start, start + direction * 1.1, buff=0, color=palette.GRADIENT,
                      stroke_width=6, max_tip_length_to_length_ratio=0.3)
        label = get_text("uphill", size=palette.LABEL_SIZE, color=palette.GRADIENT)
        label.next_to(arrow, DOWN, buff=0.15)
        return VGroup(arrow, label)

    def get_weight_marker(self, w: Fraction) -> VGroup:
        """The weight: a dot on the curve, its foot on the w axis, a dashed line between."""
        foot = self.axes.c2p(float(w), 0)
        return VGroup(
            DashedLine(foot, self.get_point(w), color=palette.WEIGHT, stroke_width=2,
                       dash_length=0.08),
            Dot(foot, radius=0.08, color=palette.WEIGHT),
            Dot(self.get_point(w), radius=0.11, color=palette.WEIGHT),
        ).set_z_index(2)

    def get_weight_readout(self, tracker: ValueTracker):
        def draw(w):
            return self.place(get_math_memo("w", "=", num(w), color=palette.WEIGHT), 1)
        return redraw_on_change(lambda: shown(tracker.get_value()), draw)

    def get_slope_readout(self, tracker: ValueTracker):
        def draw(w):
            slope = lessonlib.mse_grad(w)
            readout = get_math_memo(DL_DW, "=", "2w", "=", num(slope), color=palette.GRADIENT)
            return self.place(readout, 2)
        return redraw_on_change(lambda: shown(tracker.get_value()), draw)

    def show_weight(self, w: Fraction):
        self.tracker = tracker = ValueTracker(float(w))
        self.marker = redraw_on_change(lambda: shown(tracker.get_value()), self.get_weight_marker)
        self.tangent = redraw_on_change(lambda: shown(tracker.get_value()), self.get_tangent)
        self.w_readout = self.get_weight_readout(tracker)
        self.slope_readout = self.get_slope_readout(tracker)

        with self.voiceover(f"Place the weight right of the target, at {mark('w')}{num(w)}.") as beat:
            self.play(FadeIn(self.marker, scale=1.5), Write(self.w_readout),
                      run_time=min(1.5, beat.until("w")))
        with self.voiceover(f"Its tangent line has slope two w, which is {mark('slope')}"
                            f"{num(lessonlib.mse_grad(w))}.") as beat:
            self.play(Create(self.tangent), run_time=1.5)
            self.play(Write(self.slope_readout), run_time=min(1.5, beat.until("slope")))
        self.uphill = self.get_uphill_arrow(w)
        with self.voiceover("Positive slope: a step to the right would raise the loss."):
            self.play(GrowArrow(self.uphill[0]), FadeIn(self.uphill[1]), run_time=1.5)

    # -------------------------------------------------------------- the step

    def get_update_rule(self, size: int = palette.BODY_SIZE):
        """w' = w - lr * dL/dw, each symbol in its role's colour."""
        rule = get_math("w'", "=", "w", "-", LR, r"\cdot", DL_DW, size=size)
        rule[0].set_color(palette.WEIGHT)
        rule[2].set_color(palette.WEIGHT)
        rule[4].set_color(palette.STEP)
        rule[6].set_color(palette.GRADIENT)
        return rule

    def get_substitution(self, w: Fraction):
        """'= w - lr * slope' with the numbers in, each in its role's colour."""
        line = get_math("=", num(w), "-", num(SIGN_LR), r"\cdot", paren(lessonlib.mse_grad(w)))
        line[1].set_color(palette.WEIGHT)
        line[3].set_color(palette.STEP)
        line[5].set_color(palette.GRADIENT)
        return line

    def get_result(self, w: Fraction):
        """'= w'' with the new weight from lessonlib.gradient_step."""
        w_next = lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)
        line = get_math("=", num(w_next))
        line[1].set_color(palette.WEIGHT)
        return line

    def get_step_arrow(self, w: Fraction, w_next) -> VGroup:
        """The step from w to w' drawn just under the w axis, labelled 'step'."""
        start = self.axes.c2p(float(w), 0) + DOWN * 0.3
        end = self.axes.c2p(float(w_next), 0) + DOWN * 0.3
        arrow = Arrow(start, end, buff=0, color=palette.STEP, stroke_width=6,
                      max_tip_length_to_length_ratio=0.35)
        label = get_text("step", size=palette.LABEL_SIZE, color=palette.STEP)
        # Under the arrow's tail, away from the target's own label.
        tail_side = RIGHT if arrow.get_start()[0] > arrow.get_end()[0] else LEFT
        label.next_to(arrow, DOWN, buff=0.12).align_to(arrow, tail_side)
        return VGroup(arrow, label)

    def show_numbers_flying_in(self, numbers):
        """w, lr and the slope fly from their readouts into the line; the rest fades in.

        One transform onto the whole formula, so that it is one formula on screen
        (and to the checker) the moment it lands.
        """
        sources = [None, self.w_readout[2], None, self.lr_line[2], None, self.slope_readout[4]]
        start = VGroup(*(part.copy().set_opacity(0) if source is None else source.copy()
                         for part, source in zip(numbers, sources)))
        return ReplacementTransform(start, numbers)

    def show_step(self, w: Fraction, captions: list[str]):
        w_next = lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)
        say_rule, say_numbers, say_move = captions
        first_time = not hasattr(self, "rule")
        if first_time:
            self.lr_line = self.place(get_math(LR, "=", num(SIGN_LR), color=palette.STEP), 3)
            self.rule = self.place(self.get_update_rule(), 4)
        numbers = self.place(self.get_substitution(w), 5)
        result = self.place(self.get_result(w), 6)
        step = self.get_step_arrow(w, w_next)

        with self.voiceover(say_rule):
            if first_time:
                self.play(Write(self.lr_line), run_time=1)
                self.play(Write(self.rule), run_time=1.5)
            else:
                self.play(Circumscribe(self.rule, color=palette.TEXT), run_time=1.5)

        with self.voiceover(say_numbers) as beat:
            self.play(self.show_numbers_flying_in(numbers), run_time=1.5)
            # FadeIn, not Write: writing "-0.50" glyph by glyph would flash a "-0".
            # The result is whole on screen when the voice reaches it.
            self.play(FadeIn(result, shift=DOWN * 0.2), GrowArrow(step[0]), FadeIn(step[1]),
                      run_time=min(1.5, beat.until("result")))

        with self.voiceover(say_move):
            self.play(FadeOut(self.uphill), run_time=0.5)
            self.play(self.tracker.animate.set_value(float(w_next)), run_time=2,
                      rate_func=rate_functions.smooth)
        self.numbers, self.result, self.step = numbers, result, step

    def stepped(self, w: Fraction):
        """The weight after one step from w."""
        return lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)

    # ------------------------------------------------------- the other side

    def show_other_side(self, w: Fraction):
        with self.voiceover("Slide the weight across the target: its tangent flattens, "
                            "then tips the other way.") as beat:
            self.play(FadeOut(self.numbers), FadeOut(self.result), FadeOut(self.step), run_time=1)
            self.play(self.tracker.animate.set_value(float(w)), run_time=beat.remaining,
                      rate_func=rate_functions.smooth)
        self.uphill = self.get_uphill_arrow(w)
        with self.voiceover(f"At {num(w)} the loss rises to the left: the slope is negative, "
                            f"{num(lessonlib.mse_grad(w))}."):
            self.play(GrowArrow(self.uphill[0]), FadeIn(self.uphill[1]), run_time=1.5)
            self.play(Circumscribe(self.slope_readout, color=palette.GRADIENT), run_time=1.5)

    # ------------------------------------------------------------ the rule

    def get_case(self, relation: str, direction: str) -> VGroup:
        """One line of the summary: 'w > 0  =>  dL/dw > 0   step left'."""
        condition = get_math(f"w {relation} 0", r"\;\Rightarrow\;", f"{DL_DW} {relation} 0")
        condition[0].set_color(palette.WEIGHT)
        condition[2].set_color(palette.GRADIENT)
        words = get_text(f"step {direction}", size=palette.BODY_SIZE, color=palette.STEP)
        return VGroup(condition, words).arrange(RIGHT, buff=0.4)

    def get_both_cases(self) -> VGroup:
        """Both starting weights with their tangents and steps, drawn still."""
        group = VGroup()
        for w in SIGN_WEIGHTS:
            w_next = lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)
            group.add(VGroup(self.get_tangent(w, length=2.2), self.get_weight_marker(w),
                             self.get_step_arrow(w, w_next)[0]))
        return group

    def show_one_rule(self):
        both = self.get_both_cases()
        cases = VGroup(self.get_case(">", "left"), self.get_case("<", "right"))
        cases.arrange(DOWN, aligned_edge=LEFT, buff=0.5)
        rule = self.get_update_rule(size=40)
        box = SurroundingRectangle(rule, color=palette.TEXT, buff=0.3, corner_radius=0.1)
        summary = VGroup(cases, VGroup(rule, box)).arrange(DOWN, buff=0.9)
        summary.to_edge(RIGHT, buff=0.8).set_y(0)
        panel = VGroup(self.loss_formula, self.w_readout, self.slope_readout,
                       self.lr_line, self.rule, self.numbers, self.result)

        with self.voiceover("From either side, the step points toward the target."):
            self.play(FadeOut(self.uphill), FadeOut(self.step[1]), FadeOut(self.step[0]),
                      FadeOut(self.marker), FadeOut(self.tangent), run_time=0.8)
            self.play(LaggedStart(*(FadeIn(case, lag_ratio=0.3) for case in both),
                                  lag_ratio=0.5), run_time=1.7)
        with self.voiceover(f"Positive slope, step {mark('left')}left. Negative slope, "
                            f"step {mark('right')}right.") as beat:
            self.play(FadeOut(panel), run_time=min(1, beat.until("left")))
            self.play(FadeIn(cases[0], shift=LEFT * 0.3), Indicate(both[0][2]),
                      run_time=beat.until("left"))
            self.play(FadeIn(cases[1], shift=LEFT * 0.3), Indicate(both[1][2]),
                      run_time=beat.until("right"))
        with self.voiceover("One rule covers both: subtract the learning rate times the slope."):
            self.play(Write(rule), run_time=1.5)
            self.play(Create(box), run_time=1)
        with self.voiceover("The sign of the slope picks the direction."):
            self.wait(1)
