"""Fact 7: the sigmoid's slope is at most 0.25, so a chain of sigmoids multiplies it away.

Storyboard: the sigmoid on labelled axes; a tangent slides along it and traces
its derivative s'(x) = s(x)(1 - s(x)); the derivative peaks at 0.25 at x = 0;
one factor per layer, so the best case after n layers is 0.25^n, drawn as bars
that shrink by a quarter each layer; early layers barely learn.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor, log10

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    Line,
    Rectangle,
    ReplacementTransform,
    TransformFromCopy,
    ValueTracker,
    VGroup,
    VMobject,
    Write,
    always_redraw,
    angle_of_vector,
    linear,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import SIGMOID_DEPTHS

from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark

# Geometry only (scene units), never lesson values.
X_RANGE = (-6, 6, 2)
Y_RANGE = (0, 1, 0.25)
AXES_SIZE = (6.0, 4.2)
BAR_HEIGHT = 0.34
BAR_UNIT = 12.0  # scene units of bar length per unit of gradient: 0.25 -> 3.0
ROW_GAP = 0.32
# The deepest bound, 1/4^10, is written rounded to this many places.
APPROX_PLACES = 8
TANGENT_LENGTH = 1.6
TANGENT_DX = 1e-4  # x-units: the step over which the tangent direction is measured
MIN_TRACE = 0.05  # x-units: shortest piece of the derivative worth plotting
CHAIN_NODES = 4  # sigmoid layers drawn in the backward-pass sketch
LABEL_FADE = 0.35  # seconds: a depth label fades in at least this long before it is said
PEAK_AT = 0  # where s' is largest: lessonlib.sigmoid_prime's docstring, checked in its tests


def depth_value_tex(n: int) -> str:
    """The bound for n layers as drawn: exact, except the deepest (20 decimals), rounded."""
    bound = lessonlib.sigmoid_depth_bound(n)
    if n == SIGMOID_DEPTHS[-1]:
        return r"\approx " + display.fixed(bound, APPROX_PLACES)
    return display.exact(bound)


def scientific(value, digits: int = 1) -> str:
    """A small positive value in the form the narration reads: 1/4^10 -> "9.5e-7".

    The mantissa is rounded by display.fixed, so it is the value shown, rounded.
    """
    exponent = floor(log10(value))
    mantissa = display.fixed(Fraction(value) / Fraction(10) ** exponent, digits)
    return f"{mantissa}e{exponent}"


class VanishingSigmoid(NarratedScene):
    def construct(self):
        self.next_section("The sigmoid")
        self.show_sigmoid()

        self.next_section("Its slope")
        self.show_slope()

        self.next_section("The peak")
        self.show_peak()

        self.next_section("One factor per layer")
        self.show_product_bound()

        self.next_section("Deeper and deeper")
        self.show_depths()

        self.next_section("Vanishing gradient")
        self.show_conclusion()

    # -- beats ---------------------------------------------------------------

    def show_sigmoid(self):
        self.title = get_title("Why sigmoid gradients vanish")
        self.axes_group = get_axes(X_RANGE, Y_RANGE, *AXES_SIZE, x_label="x", y_label="y")
        self.axes_group.to_edge(LEFT, buff=0.7).shift(DOWN * 0.3)
        self.axes = self.axes_group[0]
        self.sigmoid_graph = self.axes.plot(lessonlib.sigmoid, x_range=X_RANGE[:2], color=palette.TEXT)
        self.sigmoid_formula = get_math(r"s(x) = \frac{1}{1 + e^{-x}}")
        self.sigmoid_formula.move_to(RIGHT * 2.9 + UP * 1.9)
        self.add(self.title)
        with self.voiceover("The sigmoid squashes every input into an S, flat at both ends."):
            self.play(Create(self.axes_group), Create(self.sigmoid_graph),
                      Write(self.sigmoid_formula), run_time=2.5)

    def show_slope(self):
        self.deriv_graph = self.axes.plot(
            lessonlib.sigmoid_prime, x_range=X_RANGE[:2], color=palette.GRADIENT
        )
        self.deriv_formula = get_math(r"s'(x) = s(x)\,\bigl(1 - s(x)\bigr)", color=palette.GRADIENT)
        self.deriv_formula.next_to(self.sigmoid_formula, DOWN, buff=0.5)

        x = ValueTracker(X_RANGE[0])
        tangent, rider, reader, link, trace = self.get_slope_tracer(x)
        with self.voiceover("Slide a tangent along the curve. Its slope traces the derivative: "
                            "s times one minus s.") as beat:
            self.play(FadeIn(tangent), FadeIn(rider), Write(self.deriv_formula), run_time=1.5)
            self.add(trace, link, reader)
            self.play(x.animate.set_value(X_RANGE[1]), run_time=max(3.0, beat.remaining - 0.5),
                      rate_func=linear)
            self.remove(trace)
            self.add(self.deriv_graph)
            self.play(FadeOut(tangent), FadeOut(rider), FadeOut(reader), FadeOut(link),
                      run_time=0.5)

    def get_slope_tracer(self, x: ValueTracker):
        """A tangent riding the sigmoid at x, and the derivative drawn up to x as its record."""
        axes, graph = self.axes, self.sigmoid_graph

        def on_curve():
            return axes.input_to_graph_point(x.get_value(), graph)

        def on_record():
            return axes.c2p(x.get_value(), lessonlib.sigmoid_prime(x.get_value()))

        def screen_angle():
            # Axes.angle_of_tangent measures in data units; the screen stretches y differently.
            ahead = axes.input_to_graph_point(x.get_value() + TANGENT_DX, graph)
            return angle_of_vector(ahead - on_curve())

        tangent = always_redraw(lambda: Line(LEFT, RIGHT, color=palette.GRADIENT)
                                .set_length(TANGENT_LENGTH).rotate(screen_angle())
                                .move_to(on_curve()))
        rider = always_redraw(lambda: Dot(on_curve(), color=palette.GRADIENT))
        reader = always_redraw(lambda: Dot(on_record(), color=palette.GRADIENT))
        link = always_redraw(lambda: DashedLine(on_curve(), on_record(), color=palette.MUTED,
                                                stroke_width=2))

        def record():
            if x.get_value() - X_RANGE[0] < MIN_TRACE:
                return VMobject()
            return axes.plot(lessonlib.sigmoid_prime, x_range=[X_RANGE[0], x.get_value()],
                             color=palette.GRADIENT)

        return tangent, rider, reader, link, always_redraw(record)

    def show_peak(self):
        peak = lessonlib.sigmoid_prime(PEAK_AT)
        peak_point = self.axes.c2p(PEAK_AT, peak)
        self.peak_dot = Dot(peak_point, color=palette.GRADIENT)
        ceiling = DashedLine(
            self.axes.c2p(X_RANGE[0], peak), self.axes.c2p(X_RANGE[1], peak),
            color=palette.MUTED, stroke_width=2,
        )
        self.peak_label = get_math(f"s'({display.exact(PEAK_AT)}) = {display.exact(peak)}",
                                   color=palette.GRADIENT)
        # Above the right end of the ceiling, clear of both curves.
        self.peak_label.next_to(ceiling.get_end(), UP, buff=0.15).align_to(ceiling, RIGHT)
        with self.voiceover(f"The slope is largest at x = {mark('peak')}{display.exact(PEAK_AT)}, "
                            f"and even there it is only {display.exact(peak)}.") as beat:
            self.play(FadeIn(self.peak_dot, scale=0.5), Create(ceiling), Write(self.peak_label),
                      run_time=min(1.5, beat.until("peak")))
        self.ceiling = ceiling

    def show_product_bound(self):
        peak = display.exact(lessonlib.sigmoid_prime(PEAK_AT))
        header = get_math(rf"s'_1 \cdot s'_2 \cdots s'_n \;\le\; {peak}^{{n}}")
        header.move_to(self.sigmoid_formula).align_to(self.sigmoid_formula, UP)
        self.header = header
        self.chain, signal = self.get_layer_chain()
        with self.voiceover("Backpropagation multiplies one such slope per sigmoid layer, so "
                            f"after n layers the gradient is at most {peak} to the power "
                            "n.") as beat:
            self.play(FadeOut(self.sigmoid_formula),
                      ReplacementTransform(self.deriv_formula, header), run_time=1.5)
            self.play(FadeIn(self.chain), FadeIn(signal, scale=0.5), run_time=1.0)
            # The error signal travels back; each layer scales it by at most s'(0).
            hop = max(0.6, (beat.remaining - 0.5) / CHAIN_NODES)
            for node in reversed(self.chain[0]):
                self.play(signal.animate.scale(lessonlib.sigmoid_prime(PEAK_AT))
                          .next_to(node, LEFT, buff=0.12), run_time=hop)
            self.play(FadeOut(signal), run_time=0.5)

    def get_layer_chain(self) -> tuple[VGroup, Dot]:
        """Sigmoid nodes in a row, each tagged with its slope s', and a backward signal dot."""
        nodes = VGroup(*[
            VGroup(Circle(radius=0.3, color=palette.MUTED), get_math("s", size=palette.LABEL_SIZE))
            for _ in range(CHAIN_NODES)
        ]).arrange(RIGHT, buff=0.55)
        arrows = VGroup(*[
            Arrow(a.get_right(), b.get_left(), buff=0.05, color=palette.MUTED, stroke_width=3,
                  max_tip_length_to_length_ratio=0.35)
            for a, b in zip(nodes, nodes[1:])
        ])
        tags = VGroup(*[
            get_math("s'", size=palette.LABEL_SIZE, color=palette.GRADIENT).next_to(node, DOWN, buff=0.15)
            for node in nodes
        ])
        loss = get_math("L", color=palette.LOSS).next_to(nodes[-1], RIGHT, buff=0.6)
        to_loss = Arrow(nodes[-1].get_right(), loss.get_left(), buff=0.05, color=palette.MUTED,
                        stroke_width=3, max_tip_length_to_length_ratio=0.35)
        chain = VGroup(nodes, arrows, tags, VGroup(to_loss, loss))
        chain.next_to(self.header, DOWN, buff=0.9)
        signal = Dot(radius=0.2, color=palette.GRADIENT).next_to(nodes[-1], RIGHT, buff=0.12)
        return chain, signal

    def get_depth_row(self, n: int) -> VGroup:
        """Label 'n = ...', a bar as long as the bound, and the bound written out."""
        bound = lessonlib.sigmoid_depth_bound(n)
        label = get_math("n = " + display.exact(n), size=palette.LABEL_SIZE, color=palette.MUTED)
        bar = Rectangle(
            width=float(bound) * BAR_UNIT, height=BAR_HEIGHT,
            stroke_width=0, fill_color=palette.GRADIENT, fill_opacity=1,
        )
        color = palette.BAD if n == SIGMOID_DEPTHS[-1] else palette.TEXT
        value = get_math(depth_value_tex(n), size=palette.LABEL_SIZE, color=color)
        return VGroup(label, bar, value)

    def show_depths(self):
        rows = [self.get_depth_row(n) for n in SIGMOID_DEPTHS]
        # Column layout: labels right-aligned, bars start on one line, values after each bar.
        left = self.header.get_left() + RIGHT * 0.9
        top = self.header.get_bottom() + DOWN * 0.6
        for i, (label, bar, value) in enumerate(rows):
            y = top[1] - i * (BAR_HEIGHT + ROW_GAP) - (0.45 if i == len(rows) - 1 else 0)
            bar.move_to([left[0], y, 0], aligned_edge=LEFT)
            label.next_to(bar, LEFT, buff=0.25)
            label.align_to(left + LEFT * 0.25, RIGHT)
            value.next_to(bar, RIGHT, buff=0.2)
        gap = get_math(r"\vdots", size=palette.LABEL_SIZE, color=palette.MUTED)
        gap.move_to(VGroup(rows[-2][0], rows[-1][0]))

        bound = lessonlib.sigmoid_depth_bound
        one, two, three, four, deep = SIGMOID_DEPTHS

        def n_(n: int) -> str:  # a depth, as its label writes it, and a bookmark before it
            return mark(f"n{n}") + display.exact(n)

        def v_(n: int) -> str:  # a bound, exactly as its row writes it
            return mark(f"v{n}") + display.exact(bound(n))

        beats = [
            ((one,), f"After just {n_(one)} layer, the gradient is at most {v_(one)}."),
            ((two,), f"After {n_(two)}, at most {v_(two)}."),
            ((three, four), f"After {n_(three)} layers, and after {n_(four)}, it keeps shrinking."),
            ((deep,), f"And after {n_(deep)} layers, {mark(f'v{deep}')}about "
                      f"{scientific(bound(deep))}: the bar is gone."),
        ]
        rows_by_depth = dict(zip(SIGMOID_DEPTHS, rows))
        self.previous_bar = None
        for depths, line in beats:
            with self.voiceover(line) as beat:
                for k, n in enumerate(depths):
                    after = depths[k + 1] if k + 1 < len(depths) else None
                    self.show_depth(beat, n, rows_by_depth[n], gap, after)
        self.rows = VGroup(*rows)

    def show_depth(self, beat, n: int, row: VGroup, gap, after: int | None) -> None:
        """Row n arrives as the line reaches it: its label as n is said, then its bar,
        then its bound (by the time the bound is said, if it is; else before depth ``after``)."""
        label, bar, value = row
        leave = [FadeOut(self.chain)] if self.previous_bar is None else []
        self.play(FadeIn(label), *leave, run_time=beat.until(f"n{n}"))
        if f"v{n}" in beat.line.marks:
            left = beat.until(f"v{n}")
        elif after is not None:  # leave the next label time to fade in before it is said
            left = max(0.45, beat.until(f"n{after}") - LABEL_FADE)
        else:
            left = max(1.0, beat.remaining - 1.0)
        grow = (GrowFromEdge(bar, LEFT) if self.previous_bar is None
                else TransformFromCopy(self.previous_bar, bar))
        extra = [FadeIn(gap)] if n == SIGMOID_DEPTHS[-1] else []
        self.play(grow, *extra, run_time=max(0.25, 0.6 * left))
        self.play(FadeIn(value, shift=LEFT * 0.2), run_time=beat.until(f"v{n}")
                  if f"v{n}" in beat.line.marks else max(0.2, 0.4 * left))
        self.previous_bar = bar

    def show_conclusion(self):
        verdict = get_text("Early layers barely learn: the vanishing gradient.", color=palette.BAD)
        verdict.to_edge(DOWN, buff=0.55)
        with self.voiceover("The error signal fades on its way back, so the first layers "
                            "barely learn. This is the vanishing gradient problem."):
            self.play(Write(verdict), Indicate(self.rows[-1][2], color=palette.BAD), run_time=2.0)
