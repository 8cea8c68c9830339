"""Intro: how does a loss tell a weight where to go?

The question, the simplified setting the lecture uses throughout (one weight w,
a target of 0, a loss L(w) that is smallest at the target) and a first look at
the rule w' = w - lr * dL/dw that the next scenes take apart.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Indicate,
    LaggedStart,
    Line,
    ValueTracker,
    VGroup,
    Write,
    config,
    rate_functions,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS
from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark
from scenes.memo import get_math_memo, redraw_on_change

LAYERS = (3, 4, 3, 1)  # a small network whose last node outputs w
DL_DW = r"\frac{dL}{dw}"
# The target every loss of lessonlib.losses measures against (mse and its slope vanish
# there); drawn and said as the same string.
TARGET = display.exact(0)


class Intro(NarratedScene):
    """The question and the setting: one weight, one target, one loss, one rule."""

    def construct(self):
        self.next_section("The question")
        self.show_question()

        self.next_section("One weight, one target")
        self.show_setting()

        self.next_section("The rule ahead")
        self.show_rule()

    # ---------------------------------------------------------- the question

    def get_network(self) -> VGroup:
        """Layers of muted nodes, fully connected; the last node is the weight w."""
        layers = VGroup(*(
            VGroup(*(Circle(radius=0.26, color=palette.MUTED, stroke_width=3)
                     for _ in range(size))).arrange(DOWN, buff=0.4)
            for size in LAYERS
        )).arrange(RIGHT, buff=1.5)
        edges = VGroup(*(
            Line(a.get_right(), b.get_left(), color=palette.MUTED, stroke_width=1.5,
                 stroke_opacity=0.6)
            for left, right in zip(layers[:-1], layers[1:]) for a in left for b in right
        ))
        output = layers[-1][0]
        output.set_fill(palette.WEIGHT, opacity=1).set_stroke(palette.WEIGHT)
        label = get_math("w", color=palette.WEIGHT, size=palette.TITLE_SIZE)
        label.next_to(output, UP, buff=0.2)
        return VGroup(edges, layers, label)

    def show_question(self):
        self.title = get_title("How loss functions steer gradient descent")
        network = self.get_network()
        edges, layers, w_label = network
        output = layers[-1][0]
        loss = get_text("loss", color=palette.LOSS)
        loss.next_to(output, RIGHT, buff=1.4)
        to_loss = Arrow(output.get_right(), loss.get_left(), buff=0.15, color=palette.LOSS,
                        stroke_width=4)
        question = get_text("How does a loss tell a weight where to go?",
                            size=palette.TITLE_SIZE)
        question.next_to(network, DOWN, buff=0.8)
        VGroup(network, loss, to_loss, question).move_to(DOWN * 0.3)
        question.set_x(0)
        self.network = VGroup(edges, layers, to_loss, loss)
        self.w_label = w_label

        with self.voiceover(f"You have trained a network; its last node outputs one number, "
                            f"{mark('w')}w.") as beat:
            self.play(FadeIn(self.title), run_time=1)
            self.play(LaggedStart(*(FadeIn(layer, shift=RIGHT * 0.2) for layer in layers),
                                  lag_ratio=0.3),
                      Create(edges), run_time=2)
            self.play(Indicate(output, color=palette.WEIGHT, scale_factor=1.4), FadeIn(w_label),
                      run_time=beat.until("w"))
        with self.voiceover("A loss scores it, and training nudges the weights."):
            self.play(GrowArrow(to_loss), FadeIn(loss, shift=RIGHT * 0.2), run_time=1.5)
        with self.voiceover("How, then, does a loss tell a weight where to go?"):
            self.play(Write(question), run_time=2)
        self.question = question

    # ----------------------------------------------------------- the setting

    def get_target_marker(self, axes) -> VGroup:
        """The target w = 0: a green dot on the axis, its value and its name below."""
        dot = Dot(axes.c2p(0, 0), radius=0.09, color=palette.GOOD).set_z_index(3)
        value = get_math(TARGET, color=palette.GOOD)
        value.next_to(dot, DOWN, buff=0.25)
        name = get_text("target", size=palette.LABEL_SIZE, color=palette.GOOD)
        name.next_to(value, DOWN, buff=0.15)
        return VGroup(dot, value, name)

    def get_weight(self, axes, tracker: ValueTracker) -> VGroup:
        """The weight on the axis, and a bar up to the loss it scores (redrawn only when the
        weight moves, its label a clone of one formula: scenes/memo.py)."""
        def draw(w):
            foot, top = axes.c2p(w, 0), axes.c2p(w, lessonlib.mse(w))
            label = get_math_memo("w", color=palette.WEIGHT)
            label.next_to(foot, DOWN, buff=0.25)
            return VGroup(
                Line(foot, top, color=palette.LOSS, stroke_width=6),
                Dot(top, radius=0.09, color=palette.LOSS),
                Dot(foot, radius=0.11, color=palette.WEIGHT),
                label,
            ).set_z_index(2)
        return redraw_on_change(tracker.get_value, draw)

    def get_legend(self, entries) -> VGroup:
        """Rows of (symbol, words, colour): the symbols in one column, the words in another."""
        rows = VGroup(*(
            VGroup(get_math(symbol, color=color, size=palette.TITLE_SIZE), get_text(words))
            for symbol, words, color in entries
        ))
        column = max(row[0].width for row in rows)
        for row in rows:
            row[1].next_to(row[0], RIGHT, buff=0.5 + column - row[0].width)
        return rows.arrange(DOWN, aligned_edge=LEFT, buff=0.5)

    def get_setting(self) -> VGroup:
        """The three ingredients of the simplified setting."""
        return self.get_legend((("w", "one weight", palette.WEIGHT),
                                (TARGET, "the target", palette.GOOD),
                                ("L(w)", "the loss", palette.LOSS)))

    def get_panel_center(self):
        """Middle of the free space right of the plot, inside the title-safe area."""
        safe_right = config.frame_width * 0.45
        middle = (self.plot.get_right()[0] + safe_right) / 2
        return RIGHT * middle + UP * self.plot.get_y()

    def show_setting(self):
        plot = get_axes([-2, 2, 1], [0, 4, 1], x_length=7, y_length=4.8)
        plot.to_edge(LEFT, buff=0.9).set_y(0.1)
        axes = plot[0]
        self.plot, self.axes = plot, axes
        target = self.get_target_marker(axes)
        setting = self.get_setting().move_to(self.get_panel_center())
        self.setting = setting
        tracker = ValueTracker(float(SIGN_WEIGHTS[0]))
        weight = self.get_weight(axes, tracker)
        weight_only = VGroup(weight[2], weight[3]).copy().clear_updaters()
        curve = axes.plot(lambda w: lessonlib.mse(w), x_range=[-2, 2], color=palette.LOSS,
                          stroke_width=4)
        curve_label = get_math("L(w)", color=palette.LOSS, size=palette.LABEL_SIZE)
        curve_label.next_to(axes.c2p(2, 4), LEFT, buff=0.3)

        with self.voiceover(f"Shrink the problem: one weight, {mark('w')}w, "
                            f"and a {mark('target')}target, {TARGET}.") as beat:
            self.play(FadeOut(self.network), FadeOut(self.w_label), FadeOut(self.question),
                      run_time=1)
            self.play(Create(plot), FadeIn(weight_only, scale=1.5), FadeIn(setting[0]),
                      run_time=beat.until("w"))
            self.play(FadeIn(target, shift=UP * 0.2), FadeIn(setting[1]),
                      run_time=beat.until("target"))
        self.add(weight)
        self.remove(weight_only)
        with self.voiceover(f"The loss, {mark('L')}L of w, scores the miss: {mark('lowest')}lowest "
                            f"at the target, higher {mark('farther')}farther away.") as beat:
            self.play(FadeIn(setting[2]), run_time=beat.until("L"))
            self.play(tracker.animate.set_value(-2), run_time=beat.until("lowest"),
                      rate_func=rate_functions.smooth)
            # The weight sweeps the whole curve: through the target as it is named.
            self.play(tracker.animate.set_value(2), Create(curve), FadeIn(curve_label),
                      run_time=beat.until("farther"), rate_func=rate_functions.linear)
            self.play(tracker.animate.set_value(float(SIGN_WEIGHTS[0])), run_time=beat.remaining)

    # -------------------------------------------------------------- the rule

    def get_rule(self) -> VGroup:
        """w' = w - lr * dL/dw, big, each part in its colour, with a legend beneath."""
        rule = get_math("w'", "=", "w", "-", r"\text{lr}", r"\cdot", DL_DW, size=48)
        rule[0].set_color(palette.WEIGHT)
        rule[2].set_color(palette.WEIGHT)
        rule[4].set_color(palette.STEP)
        rule[6].set_color(palette.GRADIENT)
        legend = self.get_legend((("w'", "new weight", palette.WEIGHT),
                                  (r"\text{lr}", "learning rate", palette.STEP),
                                  (DL_DW, "slope of the loss", palette.GRADIENT)))
        legend.next_to(rule, DOWN, buff=0.8)
        return VGroup(rule, legend)

    def get_slope_hint(self) -> VGroup:
        """The tangent at the weight and an arrow toward the target, as a teaser."""
        w = SIGN_WEIGHTS[0]
        w_next = lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)
        point = self.axes.c2p(float(w), float(lessonlib.mse(w)))
        ahead = self.axes.c2p(float(w) + 1, float(lessonlib.mse(w) + lessonlib.mse_grad(w)))
        tangent = Line(point, ahead, color=palette.GRADIENT, stroke_width=4)
        tangent.set_length(2.6).move_to(point)
        start = self.axes.c2p(float(w), 0) + DOWN * 0.75
        step = Arrow(start, self.axes.c2p(float(w_next), 0) + DOWN * 0.75, buff=0,
                     color=palette.STEP, stroke_width=6, max_tip_length_to_length_ratio=0.35)
        return VGroup(tangent, step)

    def show_rule(self):
        rule, notes = self.get_rule()
        VGroup(rule, notes).move_to(self.get_panel_center())
        hint = self.get_slope_hint()

        with self.voiceover(f"The loss answers through its {mark('slope')}slope, and the "
                            f"weight takes a step by {mark('rule')}one rule.") as beat:
            self.play(FadeOut(self.setting), Create(hint[0]), run_time=beat.until("slope"))
            self.play(Write(rule), run_time=beat.until("rule"))
        with self.voiceover(f"New weight: old weight minus {mark('lr')}the learning rate "
                            f"times {mark('slope')}the slope.") as beat:
            self.play(FadeIn(notes[0], shift=UP * 0.2), run_time=min(1, beat.until("lr")))
            self.play(FadeIn(notes[1], shift=UP * 0.2), run_time=beat.until("lr"))
            self.play(FadeIn(notes[2], shift=UP * 0.2), run_time=beat.until("slope"))
        with self.voiceover(f"Next: why that {mark('minus')}minus sign always sends w "
                            f"{mark('downhill')}downhill.") as beat:
            self.wait_until("minus")
            self.play(Indicate(rule[3], color=palette.STEP, scale_factor=1.6), run_time=1.2)
            self.play(GrowArrow(hint[1]), run_time=beat.until("downhill"))
