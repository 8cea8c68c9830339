"""Fact 5: MSE's steps shrink near the target, MAE's steps never do.

Storyboard: the two losses side by side; a tangent sweeps each curve to show
the two derivatives (2w, which fades to zero at the target, against +1 / -1,
with the convention 0 at the corner); then both weights walk with the same
learning rate, their exact values listed step by step: MSE settles, MAE keeps
hopping across the target with same-size steps.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Brace,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    Line,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    always_redraw,
)

import lessonlib
from lessonlib import display, lesson

from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark


# Geometry only (scene units and axis extents), never lesson values.
AXES_WIDTH = 3.6
AXES_HEIGHT = 2.3
X_RANGE = (-2.4, 2.4, 1)
MSE_Y_RANGE = (0, 5, 1)
MAE_Y_RANGE = (0, 2.5, 0.5)
MSE_CURVE = (-2.2, 2.2)  # the w span drawn, so that the bowl stays inside its axes
MAE_CURVE = (-2.4, 2.4)
TANGENT_LENGTH = 1.5
ARROW_DROP = 0.3  # how far below the w axis the step arrows run
SWEEP_TO = -2  # where the tangent sweep turns round, in w


class LossPanel(VGroup):
    """One loss: its name and formula, its derivative, the curve with a moving weight, its walk."""

    def __init__(self, name: str, formula: str, loss, grad, y_range, curve_range, start):
        super().__init__()
        self.loss = loss
        self.grad = grad
        self.path = lessonlib.trajectory(start, grad, lesson.COMPARE_LR, lesson.COMPARE_STEPS)
        self.name = get_text(name, size=palette.BODY_SIZE, color=palette.LOSS)
        self.formula = get_math(formula, size=palette.BODY_SIZE, color=palette.LOSS)
        self.heading = VGroup(self.name, self.formula).arrange(RIGHT, buff=0.4)

        self.plot = get_axes(X_RANGE, y_range, AXES_WIDTH, AXES_HEIGHT)
        self.axes = self.plot[0]
        self.curve = self.axes.plot(loss, x_range=curve_range, color=palette.LOSS)

        self.w = ValueTracker(float(start))
        self.dot = always_redraw(lambda: Dot(self.point(float(self.w.get_value())), radius=0.08,
                                             color=palette.WEIGHT).set_z_index(3))
        self.tangent = always_redraw(lambda: self.get_tangent(float(self.w.get_value())))

        self.column_head = get_math("w", size=palette.LABEL_SIZE, color=palette.WEIGHT)
        self.values = VGroup(*(
            get_math(display.exact(w), size=palette.SMALL_SIZE, color=palette.WEIGHT)
            for w in self.path
        )).arrange(DOWN, buff=0.1)
        self.column = VGroup(self.column_head, self.values).arrange(DOWN, buff=0.2)
        self.column.next_to(self.plot, RIGHT, buff=0.45).align_to(self.plot, UP)
        self.add(self.plot, self.curve, self.column)

    def point(self, w):
        """Where the weight w sits on this loss curve."""
        return self.axes.c2p(w, self.loss(w))

    def get_tangent(self, w) -> Line:
        """A fixed-length tangent at w whose slope is lessonlib's derivative there."""
        here = self.point(w)
        ahead = self.axes.c2p(w + 1, self.loss(w) + self.grad(w))
        direction = (ahead - here) / max(1e-9, float(sum((ahead - here) ** 2)) ** 0.5)
        half = direction * TANGENT_LENGTH / 2
        return Line(here - half, here + half, color=palette.GRADIENT, stroke_width=4)

    def get_step_arrow(self, k: int) -> Arrow:
        """An arrow under the w axis from w_k to w_(k+1)."""
        start = self.axes.c2p(self.path[k], 0) + DOWN * ARROW_DROP
        end = self.axes.c2p(self.path[k + 1], 0) + DOWN * ARROW_DROP
        return Arrow(start, end, buff=0, color=palette.STEP, stroke_width=5,
                     max_tip_length_to_length_ratio=0.45, max_stroke_width_to_length_ratio=40)


class MseVsMae(NarratedScene):
    def construct(self):
        self.next_section("Two losses")
        self.show_losses()

        self.next_section("Two slopes")
        self.show_slopes()

        self.next_section("Two walks")
        self.show_walks()

        self.next_section("Never settles")
        self.show_verdicts()

    # -- layout ----------------------------------------------------------------------------

    def get_panels(self, title):
        """Both panels laid out: headings under the title, slopes, plots, value columns."""
        mse = LossPanel("MSE", "L = w^{2}", lessonlib.mse, lessonlib.mse_grad,
                        MSE_Y_RANGE, MSE_CURVE, lesson.MSE_START)
        mae = LossPanel("MAE", "L = |w|", lessonlib.mae, lessonlib.mae_grad,
                        MAE_Y_RANGE, MAE_CURVE, lesson.MAE_START)
        mse.slope = self.get_mse_slope()
        mae.slope = self.get_mae_slope()
        VGroup(mse, mae).arrange(RIGHT, buff=0.9).set_x(0)
        for panel in (mse, mae):
            panel.heading.next_to(title, DOWN, buff=0.4).match_x(panel.plot)
            panel.slope.next_to(mae.heading, DOWN, buff=0.3).match_x(panel.plot)
        mse.slope.match_y(mae.slope)
        for panel in (mse, mae):
            # The taller slope (MAE's cases) sets where both plots start, so the plots line up.
            drop = mae.slope.get_bottom()[1] - 0.4 - panel.plot.get_top()[1]
            VGroup(panel.plot, panel.curve).shift(UP * drop)
            panel.column.next_to(panel.plot, RIGHT, buff=0.45).align_to(mae.slope, UP)
        return mse, mae

    def get_mse_slope(self):
        slope = get_math(r"\frac{dL}{dw}", "=", display.exact(lessonlib.mse_grad(1)), "w",
                         size=palette.BODY_SIZE)
        slope[0].set_color(palette.GRADIENT)
        slope[2].set_color(palette.GRADIENT)
        slope[3].set_color(palette.WEIGHT)
        return slope

    def get_mae_slope(self):
        """dL/dw = +1 for w > 0, -1 for w < 0, and the convention 0 at the corner w = 0."""
        def case(value, condition):
            row = get_math(value, r"\quad", condition, size=palette.LABEL_SIZE)
            row[0].set_color(palette.GRADIENT)
            return row

        right = case(display.signed(display.exact(lessonlib.mae_grad(1))), r"(w > 0)")
        left = case(display.exact(lessonlib.mae_grad(-1)), r"(w < 0)")
        corner = case(display.exact(lessonlib.mae_grad(0)), r"(w = 0)")
        rows = VGroup(right, left, corner).arrange(DOWN, buff=0.12)
        for row in rows:  # line the conditions up in one column
            row[2].align_to(right[2], LEFT)
            row[0].next_to(row[2], LEFT, buff=0.35)
        brace = Brace(rows, LEFT, color=palette.TEXT, buff=0.15)
        lhs = get_math(r"\frac{dL}{dw}", "=", size=palette.BODY_SIZE)
        lhs[0].set_color(palette.GRADIENT)
        lhs.next_to(brace, LEFT, buff=0.15)
        return VGroup(lhs, brace, rows)

    # -- beats -----------------------------------------------------------------------------

    def show_losses(self):
        title = get_title("MSE against MAE")
        mse, mae = self.get_panels(title)
        self.mse, self.mae = mse, mae
        with self.voiceover("Two ways to score how far w misses the target."):
            self.play(FadeIn(title), run_time=1.0)
            self.play(*(Create(p.plot) for p in (mse, mae)), run_time=1.5)
        with self.voiceover("Squared error squares the miss: a smooth bowl."):
            self.play(FadeIn(mse.heading), Create(mse.curve), run_time=1.5)
        with self.voiceover(f"Absolute error takes its size: {mark('v')}a V with a sharp "
                            "corner.") as beat:
            self.play(FadeIn(mae.heading), Create(mae.curve), run_time=max(1.5, beat.until("v")))

    def show_slopes(self):
        mse, mae = self.mse, self.mae
        mse_slope, mae_slope = mse.slope, mae.slope
        two = display.exact(lessonlib.mse_grad(1))
        with self.voiceover(f"For squared error the slope is {mark('two')}{two} w.") as beat:
            self.play(FadeIn(mse_slope), Create(mse.tangent), FadeIn(mse.dot),
                      run_time=beat.until("two"))
        right, left = display.exact(lessonlib.mae_grad(1)), display.exact(lessonlib.mae_grad(-1))
        with self.voiceover(f"For absolute error it is plus {mark('right')}{right} on the right "
                            f"and {left} on the left.") as beat:
            self.play(FadeIn(mae_slope[:2]), FadeIn(mae_slope[2][:2]), Create(mae.tangent),
                      FadeIn(mae.dot), run_time=beat.until("right"))
        with self.voiceover("Slide across: the bowl flattens near the target; the V never "
                            "does.") as beat:
            self.play(mse.w.animate.set_value(SWEEP_TO), mae.w.animate.set_value(SWEEP_TO),
                      run_time=max(3.0, beat.remaining))
        corner = mae_slope[2][2]
        convention = display.exact(lessonlib.mae_grad(0))
        with self.voiceover(f"At the corner there is no slope; like PyTorch, we use "
                            f"{mark('zero')}{convention}.") as beat:
            self.play(mse.w.animate.set_value(0), mae.w.animate.set_value(0), FadeIn(corner),
                      run_time=min(2, beat.until("zero")))
            self.wait_until("zero")
            self.play(Indicate(corner, color=palette.GRADIENT, scale_factor=1.1), run_time=1.0)

    def show_walks(self):
        mse, mae = self.mse, self.mae
        panels = (mse, mae)
        with self.voiceover("Now both walk, with the same learning rate.") as beat:
            self.play(
                mse.w.animate.set_value(float(mse.path[0])),
                mae.w.animate.set_value(float(mae.path[0])),
                run_time=1.2,
            )
            self.play(*(FadeIn(p.column_head) for p in panels),
                      *(FadeIn(p.values[0]) for p in panels), run_time=min(1.0, beat.remaining))
        captions = (
            "Step one: a long jump against a short step.",
            "Step two: the bowl's step halves.",
            "Step three: halved again; the V keeps its stride.",
        )
        self.arrows = VGroup()
        for k, caption in enumerate(captions):
            with self.voiceover(caption) as beat:
                self.play(*self.get_step(k), run_time=min(1.5, beat.remaining))
        # The rest go fast. The V's last two values are said once they are on screen:
        # from there on it hops between them.
        hop = [display.exact(w) for w in mae.path[-2:]]
        with self.voiceover(f"Keep going: one settles, the other ends up hopping between "
                            f"{mark('hop')}{hop[0]} and {hop[1]}.") as beat:
            for k in range(len(captions), lesson.COMPARE_STEPS):
                left = lesson.COMPARE_STEPS - k  # steps still to draw, this one included
                self.play(*self.get_step(k), run_time=max(0.4, min(0.8, beat.until("hop") / left)))

    def get_step(self, k: int) -> list:
        """Both weights take step k: they move, their new values drop in, the arrows follow."""
        new = VGroup(*(p.get_step_arrow(k) for p in (self.mse, self.mae)))
        animations = [
            *(p.w.animate.set_value(float(p.path[k + 1])) for p in (self.mse, self.mae)),
            *(FadeIn(p.values[k + 1], shift=DOWN * 0.15) for p in (self.mse, self.mae)),
            FadeOut(self.arrows), *(Create(a) for a in new),
        ]
        self.arrows = new
        return animations

    def get_verdict(self, panel, first: str, second: str, color: str) -> VGroup:
        """Two short lines under a plot, where the step arrows ran."""
        verdict = VGroup(get_text(first, size=palette.LABEL_SIZE, color=color),
                         get_text(second, size=palette.LABEL_SIZE, color=color))
        verdict.arrange(DOWN, buff=0.12)
        return verdict.next_to(panel.plot, DOWN, buff=0.3).match_x(panel.plot)

    def show_verdicts(self):
        mse, mae = self.mse, self.mae
        settles = self.get_verdict(mse, "steps shrink:", "it settles", palette.GOOD)
        hops = self.get_verdict(mae, "same-size steps:", "it never settles", palette.BAD)
        tail = mae.values[-4:]
        with self.voiceover("Squared error slows as it arrives: its slope shrinks with the "
                            "distance."):
            self.play(FadeOut(self.arrows), FadeIn(settles, shift=UP * 0.1),
                      Create(SurroundingRectangle(mse.values[-4:], color=palette.GOOD, buff=0.08)),
                      run_time=1.5)
        with self.voiceover("Absolute error's step never shrinks, so it never settles."):
            self.play(FadeIn(hops, shift=UP * 0.1),
                      Create(SurroundingRectangle(tail, color=palette.BAD, buff=0.08)),
                      run_time=1.5)
