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
    ValueTracker,
    VGroup,
    Write,
    always_redraw,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import CE_POINTS

from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark

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


def said(value, places: int) -> str:
    """A table entry as a line says it: the same digits, with "about" for "\\approx"."""
    return value_tex(value, places).replace(r"\approx ", "about ")


class CrossEntropy(NarratedScene):
    def construct(self):
        self.next_section("The curve")
        self.show_curve()

        self.next_section("Its slope")
        self.show_slope_formula()

        self.next_section("Steep near zero")
        w, loss, slope = self.said_row(0)
        self.show_point(0, f"At w = {mark('w')}{w} the loss is {mark('loss')}{loss} and the "
                           f"tangent is steep: slope {mark('slope')}{slope}. A confident wrong "
                           "answer gets a big push.")

        self.next_section("Flatter as w grows")
        w, loss, slope = self.said_row(1)
        self.show_point(1, f"Then at w = {mark('w')}{w}, a gentler push: slope "
                           f"{mark('slope')}{slope}.")
        w, loss, slope = self.said_row(2)
        self.show_point(2, f"Further along, at {mark('w')}{w}, the slope is {mark('slope')}"
                           f"{slope}: gentler still.")

        self.next_section("Zero loss at w = 1")
        w, loss, slope = self.said_row(3)
        self.show_point(3, f"At w = {mark('w')}{w} the loss is exactly {mark('loss')}{loss}, "
                           f"{mark('slope')}yet the slope is still {slope}.")

        self.next_section("Only probabilities")
        self.show_domain()

    def said_row(self, index: int) -> tuple[str, str, str]:
        """The row of CE_POINTS[index] as a line says it: w, its loss, its slope."""
        w = CE_POINTS[index]
        return (display.exact(w), said(lessonlib.cross_entropy(w), LOSS_PLACES),
                said(lessonlib.cross_entropy_grad(w), SLOPE_PLACES))

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
        one = display.exact(CE_POINTS[-1])
        self.one_label = get_math(one, size=palette.SMALL_SIZE, color=palette.MUTED)
        self.one_label.next_to(self.axes.c2p(CE_POINTS[-1], 0), DOWN, buff=0.2)
        VGroup(self.axes_group, self.one_label).to_edge(LEFT, buff=0.8).to_edge(DOWN, buff=0.6)
        self.curve = self.axes.plot(lessonlib.cross_entropy, x_range=(CURVE_START, 1, CURVE_STEP),
                                    color=palette.LOSS, stroke_width=5)
        self.loss_formula = get_math(r"L = -\ln(w)", color=palette.LOSS)
        self.domain = get_math(r"0 < w \le 1", size=palette.LABEL_SIZE, color=palette.MUTED)
        self.loss_formula.move_to(RIGHT * 3.6 + UP * 2.5)
        self.domain.next_to(self.loss_formula, RIGHT, buff=0.5)
        self.add(self.title)
        with self.voiceover("Cross-entropy: the loss is minus the log of w, the probability "
                            "the model gives the true class.") as beat:
            self.play(Create(self.axes_group), FadeIn(self.one_label), run_time=2.0)
            self.play(Write(self.loss_formula), FadeIn(self.domain),
                      run_time=min(2.0, beat.remaining))
        zero = display.exact(lessonlib.cross_entropy(CE_POINTS[-1]))
        with self.voiceover(f"Huge for a small w, it falls to {zero} at w = {one}.") as beat:
            self.play(Create(self.curve), run_time=beat.remaining)

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
        one = display.exact(CE_POINTS[-1])
        with self.voiceover("Its slope, minus one over w, is always negative: every step "
                            f"pushes w up, towards {one}."):
            self.play(Write(self.slope_formula), run_time=1.5)
            self.play(FadeIn(self.header), Create(rule), run_time=1.0)

    def show_point(self, index: int, line: str):
        """The weight moves to CE_POINTS[index]; each number of its row appears as it is said.

        The line marks "w", and may mark "loss" and "slope": a cell whose mark the
        line lacks arrives with w.
        """
        w = CE_POINTS[index]
        row = self.get_row(w)
        with self.voiceover(line) as beat:
            cells = dict(zip(("w", "loss", "slope"), row))
            with_w = [FadeIn(cell, shift=LEFT * 0.2) for name, cell in cells.items()
                      if name == "w" or name not in beat.line.marks]
            if index == 0:
                self.tracker = ValueTracker(float(w))
                self.dot = always_redraw(lambda: Dot(
                    self.axes.c2p(self.tracker.get_value(),
                                  lessonlib.cross_entropy(self.tracker.get_value())),
                    color=palette.WEIGHT, radius=0.09,
                ))
                self.tangent = always_redraw(lambda: self.get_tangent(self.tracker.get_value()))
                self.drop = always_redraw(lambda: self.get_drop(self.tracker.get_value()))
                self.play(FadeIn(self.dot, scale=0.5), FadeIn(self.drop), Create(self.tangent),
                          *with_w, run_time=beat.until("w"))
            else:
                ghost = self.get_tangent(float(CE_POINTS[index - 1]), color=palette.MUTED, width=2)
                self.add(ghost, self.drop, self.tangent, self.dot)
                self.play(self.tracker.animate.set_value(float(w)), *with_w,
                          run_time=beat.until("w"))
            later = sorted((name for name in ("loss", "slope") if name in beat.line.marks),
                           key=beat.at)
            for name in later:
                self.play(FadeIn(cells[name], shift=LEFT * 0.2), run_time=beat.until(name))
        self.rows.add(row)

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
        with self.voiceover("Outside this range w is no probability: the loss is undefined, "
                            "and our library refuses it."):
            self.play(Indicate(self.domain, color=palette.BAD), run_time=1.5)
            self.play(FadeIn(band), Create(edge), Write(label), run_time=1.5)
