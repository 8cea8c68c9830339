"""Fact 6: cross-entropy L = -ln(w) and its slope -1/w.

Storyboard: the curve on labelled axes for 0 < w <= 1, falling to zero at w = 1;
its derivative -1/w; a weight slides along the curve carrying its tangent line,
stopping at each of lesson.CE_POINTS, where a table row records w, L and the
slope; the tangent stays behind, faded, so the slopes can be compared; the loss
is exactly zero at w = 1 while the slope is still -1; outside (0, 1] lessonlib
refuses w.
"""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    Indicate,
    Line,
    Rectangle,
    Scene,
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import CE_POINTS

from scenes import palette
from scenes.common import get_axes, get_math, get_text, get_title, say

# Geometry only (scene units, or plot ranges), never lesson values.
X_RANGE = (0, 1.2, 0.1)
Y_RANGE = (0, 3, 0.5)
AXES_SIZE = (6.6, 4.9)
CURVE_START = 0.05  # the curve enters the plot near its top edge here
CURVE_STEP = 0.002  # sampling step: the curve is steep near 0
TANGENT_HALF = 1.5  # half the length of a tangent segment, before clipping
LOSS_PLACES = 2
SLOPE_PLACES = 3
COLUMN_GAP = 1.55
ROW_GAP = 0.62


def value_tex(value, places: int) -> str:
    """A table entry: the exact decimal when there is one, else '\\approx' and rounded."""
    if isinstance(value, float) and not value.is_integer():
        return r"\approx " + display.fixed(value, places)
    try:
        return display.exact(value)
    except ValueError:  # a rational whose decimal never ends, such as -10/9
        return r"\approx " + display.fixed(value, places)


def clip_segment(start: np.ndarray, end: np.ndarray, lower: np.ndarray, upper: np.ndarray):
    """The part of the segment start-end inside the box [lower, upper] (Liang-Barsky), or None."""
    t0, t1 = 0.0, 1.0
    delta = end - start
    for axis in (0, 1):
        for p, q in ((-delta[axis], start[axis] - lower[axis]), (delta[axis], upper[axis] - start[axis])):
            if p == 0:
                if q < 0:
                    return None
                continue
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
    if t0 > t1:
        return None
    return start + t0 * delta, start + t1 * delta


class CrossEntropy(Scene):
    def construct(self):
        self.next_section("The curve")
        self.show_curve()

        self.next_section("Its slope")
        self.show_slope_formula()

        self.next_section("Steep near zero")
        self.show_point(0)

        self.next_section("Flatter as w grows")
        self.show_point(1)
        self.show_point(2)

        self.next_section("Zero loss at w = 1")
        self.show_point(3)

        self.next_section("Only probabilities")
        self.show_domain()

    # -- narration -----------------------------------------------------------

    # -- building blocks -----------------------------------------------------

    def get_plot_box(self):
        """Lower-left and upper-right corners of the plotting area, in scene units."""
        return self.axes.c2p(X_RANGE[0], Y_RANGE[0]), self.axes.c2p(X_RANGE[1], Y_RANGE[1])

    def get_tangent(self, w: float, color: str = palette.GRADIENT, width: float = 5) -> Line:
        """The tangent to the curve at w, clipped to the plotting area."""
        point = self.axes.c2p(w, lessonlib.cross_entropy(w))
        direction = self.axes.c2p(1, lessonlib.cross_entropy_grad(w)) - self.axes.c2p(0, 0)
        direction = direction / np.linalg.norm(direction)
        ends = clip_segment(point - TANGENT_HALF * direction, point + TANGENT_HALF * direction,
                            *self.get_plot_box())
        return Line(*ends, color=color, stroke_width=width)

    def get_drop(self, w: float) -> Line:
        """A faint line from the weight's point on the curve down to its place on the w axis."""
        return Line(self.axes.c2p(w, 0), self.axes.c2p(w, lessonlib.cross_entropy(w)),
                    color=palette.WEIGHT, stroke_width=2, stroke_opacity=0.5)

    def get_row(self, w) -> VGroup:
        """One table row: w, its loss, its slope, each centred in its column."""
        cells = VGroup(
            get_math(display.exact(w), size=palette.LABEL_SIZE, color=palette.WEIGHT),
            get_math(value_tex(lessonlib.cross_entropy(w), LOSS_PLACES), size=palette.LABEL_SIZE,
                     color=palette.LOSS),
            get_math(value_tex(lessonlib.cross_entropy_grad(w), SLOPE_PLACES),
                     size=palette.LABEL_SIZE, color=palette.GRADIENT),
        )
        for cell, header in zip(cells, self.header):
            cell.move_to(header)
        cells.shift(DOWN * ROW_GAP * (len(self.rows) + 1))
        return cells

    # -- beats ---------------------------------------------------------------

    def show_curve(self):
        self.title = get_title("Cross-entropy")
        self.axes_group = get_axes(X_RANGE, Y_RANGE, *AXES_SIZE, x_label="w", y_label="L")
        self.axes = self.axes_group[0]
        y_label = self.axes_group[1][1]
        y_label.next_to(self.axes.y_axis.get_end(), LEFT, buff=0.2)  # clear of the curve's top
        self.one_label = get_math(display.exact(CE_POINTS[-1]), size=palette.SMALL_SIZE,
                                  color=palette.MUTED)
        self.one_label.next_to(self.axes.c2p(CE_POINTS[-1], 0), DOWN, buff=0.2)
        VGroup(self.axes_group, self.one_label).to_edge(LEFT, buff=0.8).to_edge(DOWN, buff=0.6)
        self.curve = self.axes.plot(lessonlib.cross_entropy, x_range=(CURVE_START, 1, CURVE_STEP),
                                    color=palette.LOSS, stroke_width=5)
        self.loss_formula = get_math(r"L = -\ln(w)", color=palette.LOSS)
        self.domain = get_math(r"0 < w \le 1", size=palette.LABEL_SIZE, color=palette.MUTED)
        self.loss_formula.move_to(RIGHT * 3.6 + UP * 2.5)
        self.domain.next_to(self.loss_formula, RIGHT, buff=0.5)
        self.add(self.title)
        say(self,
            "Cross-entropy scores the probability w that the model gives the true class: "
            "the loss is minus the log of w.",
            7.5,
            Create(self.axes_group), FadeIn(self.one_label), Write(self.loss_formula),
            FadeIn(self.domain),
            run_time=2.0,
        )
        say(self,
            "It is huge near w = 0 and falls all the way to zero at w = 1.",
            6.5,
            Create(self.curve),
            run_time=2.5,
        )

    def show_slope_formula(self):
        self.slope_formula = get_math(r"\frac{dL}{dw} = -\frac{1}{w}", color=palette.GRADIENT)
        self.slope_formula.next_to(self.loss_formula, DOWN, buff=0.4, aligned_edge=LEFT)
        self.header = VGroup(
            get_math("w", size=palette.LABEL_SIZE, color=palette.WEIGHT),
            get_math("L", size=palette.LABEL_SIZE, color=palette.LOSS),
            get_math(r"\frac{dL}{dw}", size=palette.LABEL_SIZE, color=palette.GRADIENT),
        ).arrange(RIGHT, buff=COLUMN_GAP)
        self.header.next_to(self.slope_formula, DOWN, buff=0.55)
        self.header.set_x(self.slope_formula.get_center()[0] + 0.3)
        rule = Line(self.header.get_left() + LEFT * 0.6, self.header.get_right() + RIGHT * 0.6,
                    color=palette.MUTED, stroke_width=2)
        rule.next_to(self.header, DOWN, buff=0.15)
        self.rows = VGroup()
        say(self,
            "Its slope is minus one over w: always negative, so every gradient step pushes w up, "
            "towards 1.",
            7.0,
            Write(self.slope_formula), FadeIn(self.header), Create(rule),
        )

    def show_point(self, index: int):
        w = CE_POINTS[index]
        row = self.get_row(w)
        loss_text = value_tex(lessonlib.cross_entropy(w), LOSS_PLACES).replace(r"\approx ", "about ")
        slope_text = value_tex(lessonlib.cross_entropy_grad(w), SLOPE_PLACES)
        slope_text = slope_text.replace(r"\approx ", "about ")
        if index == 0:
            self.tracker = ValueTracker(float(w))
            self.dot = always_redraw(lambda: Dot(
                self.axes.c2p(self.tracker.get_value(), lessonlib.cross_entropy(self.tracker.get_value())),
                color=palette.WEIGHT, radius=0.09,
            ))
            self.tangent = always_redraw(lambda: self.get_tangent(self.tracker.get_value()))
            self.drop = always_redraw(lambda: self.get_drop(self.tracker.get_value()))
            self.add_subcaption(
                f"At w = {display.exact(w)} the loss is {loss_text} and the tangent is steep: "
                f"slope {slope_text}. A confident wrong answer gets a big push.",
                duration=9.0,
            )
            self.play(FadeIn(self.dot, scale=0.5), FadeIn(self.drop), Create(self.tangent),
                      run_time=1.5)
        else:
            ghost = self.get_tangent(float(CE_POINTS[index - 1]), color=palette.MUTED, width=2)
            self.add(ghost, self.drop, self.tangent, self.dot)
            captions = {
                1: f"At w = {display.exact(w)} the slope is {slope_text}: a gentler push.",
                2: f"At w = {display.exact(w)} it is {slope_text}, and the loss is only {loss_text}.",
                3: f"At w = {display.exact(w)} the loss is exactly {loss_text}, "
                   f"yet the slope is still {slope_text}.",
            }
            self.add_subcaption(captions[index], duration=6.0)
            self.play(self.tracker.animate.set_value(float(w)), run_time=1.5)
        self.play(FadeIn(row, shift=LEFT * 0.2), run_time=0.8)
        self.rows.add(row)
        self.wait(6.7 if index == 0 else 3.7)

    def show_domain(self):
        lower, upper = self.get_plot_box()
        band = Rectangle(
            width=upper[0] - self.axes.c2p(1, 0)[0], height=upper[1] - lower[1],
            stroke_width=0, fill_color=palette.BAD, fill_opacity=0.18,
        )
        band.move_to(self.axes.c2p(1, 0), aligned_edge=DOWN + LEFT)
        edge = DashedLine(self.axes.c2p(1, 0), self.axes.c2p(1, Y_RANGE[1]), color=palette.BAD,
                          stroke_width=2)
        label = get_text("refused", size=palette.SMALL_SIZE, color=palette.BAD)
        label.next_to(band, UP, buff=0.15)
        say(self,
            "Outside zero to one, w is not a probability and the loss is undefined: "
            "our library refuses such a w with a clear error.",
            9.0,
            FadeIn(band), Create(edge), Write(label), Indicate(self.domain, color=palette.BAD),
        )
