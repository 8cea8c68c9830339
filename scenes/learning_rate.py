"""Facts 2 and 3: the learning rate scales the step; the update reads only dL/dw.

Four learning rates start from the same weight on the MSE parabola and take
the same three steps side by side: one crawls, one is fast, one overshoots but
still converges, one explodes. Every value on screen is an exact rational from
lessonlib.trajectory, written with lessonlib.display.exact.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circumscribe,
    Create,
    Cross,
    Dot,
    FadeIn,
    FadeOut,
    GrowArrow,
    Line,
    ReplacementTransform,
    VGroup,
    Write,
)

import lessonlib
from lessonlib import display, lesson

from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark


# Each panel's parabola, in scene units (geometry only: nothing here is shown as a number).
PANEL_X_RANGE = (-4, 4, 1)
PANEL_Y_RANGE = (0, 16, 4)
PANEL_WIDTH = 2.4
PANEL_HEIGHT = 2.0

# The closing shelf: two sample weights and how far a unit of slope moves the step arrow
# (geometry only; none of these is shown as a number).
STEEP_W = -1
FLAT_W = 4.5
STEP_SCALE = 8

# The constants of dL/dw = 2w and of w' = (1 - 2 lr) w, drawn and said as these strings.
TWO = display.exact(lessonlib.mse_grad(1))  # the slope of w^2 is 2w
ONE = display.exact(1)  # w' = w - lr * 2w = (1 - 2 lr) w

# What each learning rate does, in the order of lesson.LEARNING_RATES:
# (verdict, how, converges?). The numbers behind the verdicts are on screen.
VERDICTS = (
    ("converges", "slowly: it crawls", True),
    ("converges", "fast", True),
    ("converges", "by overshooting", True),
    ("diverges", "exploding updates", False),
)


def factor(lr):
    """What every step multiplies w by, (1 - 2 lr): one step from w = 1."""
    return lessonlib.gradient_step(1, lessonlib.mse_grad(1), lr)


def verdict_color(converges: bool) -> str:
    """Good for a run that converges, bad for one that blows up."""
    return palette.GOOD if converges else palette.BAD


class Panel(VGroup):
    """One learning rate: its header, its factor, the parabola with the weight, its values."""

    def __init__(self, lr, path):
        super().__init__()
        self.lr = lr
        self.path = path
        self.header = get_math(r"\text{lr} = " + display.exact(lr), size=palette.LABEL_SIZE)
        self.factor_text = display.exact(factor(lr))
        self.factor = get_math("w' =", self.factor_text, r"\, w", size=palette.LABEL_SIZE)
        self.factor[0].set_color(palette.WEIGHT)
        self.factor[2].set_color(palette.WEIGHT)

        self.plot = get_axes(PANEL_X_RANGE, PANEL_Y_RANGE, PANEL_WIDTH, PANEL_HEIGHT)
        self.axes = self.plot[0]
        self.curve = self.axes.plot(lessonlib.mse, x_range=PANEL_X_RANGE[:2], color=palette.LOSS)
        self.dot = Dot(self.point(path[0]), radius=0.07, color=palette.WEIGHT)
        self.dot.set_z_index(2)
        self.hops = VGroup()

        self.values = VGroup(*(
            get_math(display.exact(w), size=palette.LABEL_SIZE, color=palette.WEIGHT) for w in path
        )).arrange(DOWN, buff=0.14)

        self.verdict = VGroup()
        self.add(self.header, self.factor, self.plot, self.curve, self.values)
        VGroup(self.header, self.factor, VGroup(self.plot, self.curve), self.values).arrange(
            DOWN, buff=0.22
        )
        self.dot.move_to(self.point(path[0]))

    def point(self, w):
        """Where the weight w sits on the parabola."""
        return self.axes.c2p(w, lessonlib.mse(w))

    def get_hop(self, k: int) -> Line:
        """The straight hop from w_k to w_(k+1), drawn in the step colour."""
        return Line(self.point(self.path[k]), self.point(self.path[k + 1]),
                    color=palette.STEP, stroke_width=3)

    def get_verdict(self, verdict: str, how: str, converges: bool) -> VGroup:
        """Two short lines under the values: the outcome, then how it gets there."""
        return VGroup(
            get_text(verdict, size=palette.SMALL_SIZE, color=verdict_color(converges)),
            get_text(how, size=palette.SMALL_SIZE, color=palette.MUTED),
        ).arrange(DOWN, buff=0.12).next_to(self.values, DOWN, buff=0.3)


class LearningRate(NarratedScene):
    def construct(self):
        self.next_section("The update rule")
        self.show_update_rule()

        self.next_section("Four learning rates")
        self.show_panels()

        self.next_section("Step by step")
        self.show_steps()

        self.next_section("Crawl, converge, explode")
        self.show_verdicts()

        self.next_section("Only the slope counts")
        self.show_vanishing()

    # -- beats -----------------------------------------------------------------------------

    def get_rule(self, size: int = palette.TITLE_SIZE):
        """The update rule w' = w - lr * dL/dw, coloured by role."""
        rule = get_math("w'", "=", "w", "-", r"\text{lr}", r"\cdot", r"\frac{dL}{dw}", size=size)
        rule[0].set_color(palette.WEIGHT)
        rule[2].set_color(palette.WEIGHT)
        rule[4].set_color(palette.STEP)
        rule[6].set_color(palette.GRADIENT)
        return rule

    def get_reads(self, rule):
        """Under the rule: the slope it reads, and the loss value it never reads."""
        slope = get_math(r"\frac{dL}{dw}", size=palette.BODY_SIZE, color=palette.GRADIENT)
        slope_note = get_text("the slope: used", size=palette.LABEL_SIZE, color=palette.GRADIENT)
        value = get_math("L(w)", size=palette.BODY_SIZE, color=palette.MUTED)
        value_note = get_text("the loss value: never read", size=palette.LABEL_SIZE,
                              color=palette.MUTED)
        rows = VGroup(
            VGroup(slope, slope_note).arrange(RIGHT, buff=0.4),
            VGroup(value, value_note).arrange(RIGHT, buff=0.4),
        ).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        # Line the notes up on one left edge.
        slope_note.align_to(value_note, LEFT)
        slope.next_to(slope_note, LEFT, buff=0.4)
        rows.next_to(rule, DOWN, buff=0.8)
        cross = Cross(value, stroke_color=palette.BAD, stroke_width=4, scale_factor=1.15)
        return rows, cross

    def show_update_rule(self):
        title = get_title("The learning rate")
        self.title = title
        rule = self.get_rule().shift(UP * 1.2)
        with self.voiceover("Every step of gradient descent uses one rule."):
            self.play(FadeIn(title), Write(rule), run_time=1.5)

        rows, cross = self.get_reads(rule)
        with self.voiceover("It reads the slope, dL/dw, and nothing else."):
            self.play(FadeIn(rows[0], shift=UP * 0.2), rule[6].animate.scale(1.15), run_time=1.5)
            self.play(rule[6].animate.scale(1 / 1.15), run_time=0.3)
        with self.voiceover(f"The loss value, L of w, {mark('never')}never enters it.") as beat:
            self.play(FadeIn(rows[1], shift=UP * 0.2), run_time=min(1.2, beat.until("never")))
            self.wait_until("never")
            self.play(Create(cross), run_time=0.8)

        # For MSE with target 0 the slope is 2w, so every step multiplies w by (1 - 2 lr).
        slope = get_math(r"\frac{dL}{dw}", "=", TWO, "w", size=palette.BODY_SIZE)
        slope[0].set_color(palette.GRADIENT)
        slope[3].set_color(palette.WEIGHT)
        factored = get_math("w'", "=", "(", ONE, "-", TWO, r"\,\text{lr}", ")", r"\, w",
                            size=palette.TITLE_SIZE)
        for part in (factored[0], factored[8]):
            part.set_color(palette.WEIGHT)
        factored[6].set_color(palette.STEP)
        mse_label = get_text("For MSE with target zero:", size=palette.LABEL_SIZE,
                             color=palette.MUTED)
        derivation = VGroup(mse_label, slope).arrange(RIGHT, buff=0.4)
        derivation.next_to(rule, DOWN, buff=0.8)
        factored.next_to(derivation, DOWN, buff=0.6)
        with self.voiceover(f"For squared error the slope is {mark('two')}{TWO} w, so every step "
                            f"multiplies w by {mark('one')}{ONE} minus {TWO} times the learning "
                            "rate.") as beat:
            self.play(FadeOut(rows), FadeOut(cross), FadeIn(derivation, shift=UP * 0.2),
                      run_time=beat.until("two"))
            self.play(Write(factored), run_time=beat.until("one"))
        self.rule = rule
        self.factored = factored
        self.derivation = derivation

    def show_panels(self):
        panels = VGroup(*(
            Panel(lr, lessonlib.trajectory(lesson.LR_START, lessonlib.mse_grad, lr, lesson.LR_STEPS))
            for lr in lesson.LEARNING_RATES
        )).arrange(RIGHT, buff=0.45, aligned_edge=UP)
        panels.next_to(self.title, DOWN, buff=0.4).set_x(0)
        for panel in panels:
            panel.dot.move_to(panel.point(panel.path[0]))
        self.panels = panels

        corner_rule = self.factored.copy().scale(palette.LABEL_SIZE / palette.TITLE_SIZE)
        corner_rule.to_edge(RIGHT, buff=0.9).match_y(self.title)
        self.corner_rule = corner_rule
        firsts = VGroup(*(p.values[0] for p in panels))
        frames = VGroup(*(VGroup(p.header, p.factor, p.plot, p.curve) for p in panels))
        with self.voiceover(f"Four learning rates, all starting from w = "
                            f"{mark('start')}{display.exact(lesson.LR_START)}.") as beat:
            self.play(
                FadeOut(self.rule), FadeOut(self.derivation),
                ReplacementTransform(self.factored, corner_rule),
                run_time=1.2,
            )
            self.play(FadeIn(frames, lag_ratio=0.15), FadeIn(firsts),
                      *(FadeIn(p.dot) for p in panels), run_time=max(1, beat.until("start")))
        half = panels[1]
        with self.voiceover(f"Under each rate sits its {mark('factor')}factor: at "
                            f"{mark('lr')}{display.exact(half.lr)} it is {half.factor_text}, so "
                            "every step halves w.") as beat:
            self.wait_until("factor")
            self.play(*(Circumscribe(p.factor[1], color=palette.STEP, buff=0.08) for p in panels),
                      run_time=max(0.8, beat.until("lr")))
            self.play(Circumscribe(VGroup(half.header, half.factor), color=palette.STEP,
                                   buff=0.08), run_time=min(2, beat.remaining))

    def show_steps(self):
        # Each line names one or two panels (by their index); a mark before each name.
        beats = (
            (f"Step one: {mark('p0')}the smallest rate barely moves; {mark('p3')}the largest "
             "jumps past the target.", (0, 3)),
            (f"Step two: {mark('p1')}the fast rate halves w again; {mark('p2')}the third swings "
             "back, closer.", (1, 2)),
            (f"Step three: {mark('p3')}the last lands farther out each time. It is blowing up.",
             (3,)),
        )
        for k, (caption, named) in enumerate(beats):
            hops = [p.get_hop(k) for p in self.panels]
            with self.voiceover(caption) as beat:
                self.play(
                    *(Create(h) for h in hops),
                    *(p.dot.animate.move_to(p.point(p.path[k + 1])) for p in self.panels),
                    *(FadeIn(p.values[k + 1], shift=DOWN * 0.15) for p in self.panels),
                    run_time=max(1.2, beat.until(f"p{named[0]}")),
                )
                for i in named:  # the new value of each panel as the line names it
                    self.wait_until(f"p{i}")
                    self.play(Circumscribe(self.panels[i].values[k + 1], color=palette.STEP,
                                           buff=0.06), run_time=1.2)
            for p, h in zip(self.panels, hops):
                p.hops.add(h)

    def show_verdicts(self):
        verdicts = [p.get_verdict(*v) for p, v in zip(self.panels, VERDICTS)]
        for p, v in zip(self.panels, verdicts):
            p.verdict = v
        good = [i for i, v in enumerate(VERDICTS) if v[2]]
        bad = [i for i, v in enumerate(VERDICTS) if not v[2]]
        with self.voiceover(f"Too small a rate crawls; the {mark('green')}green factors all "
                            "shrink w, so these converge.") as beat:
            self.play(*(FadeIn(verdicts[i], shift=UP * 0.15) for i in good),
                      *(self.panels[i].factor[1].animate.set_color(palette.GOOD) for i in good),
                      run_time=beat.until("green"))
        grows = " and ".join(self.panels[i].factor_text for i in bad)
        with self.voiceover(f"Too large a rate overshoots, and at {grows} every step grows: "
                            "exploding updates.") as beat:
            self.play(*(FadeIn(verdicts[i], shift=UP * 0.15) for i in bad),
                      *(self.panels[i].factor[1].animate.set_color(palette.BAD) for i in bad),
                      run_time=max(0.5, min(2, beat.remaining - 1)))

    def get_shelf(self):
        """A loss with a high, flat shelf: steep near the middle, almost level on the right."""
        plot = get_axes((-6, 6, 2), (0, 1.2, 0.4), 5.6, 3.0)
        axes = plot[0]
        curve = axes.plot(lessonlib.sigmoid, x_range=(-6, 6), color=palette.LOSS)
        return plot, curve

    def get_slope_step(self, axes, w):
        """The weight at w, its tangent, and a step arrow whose length follows dL/dw."""
        dot = Dot(axes.c2p(w, lessonlib.sigmoid(w)), radius=0.08, color=palette.WEIGHT)
        dot.set_z_index(2)
        slope = lessonlib.sigmoid_prime(w)
        half = 1.2
        tangent = Line(
            axes.c2p(w - half, lessonlib.sigmoid(w) - half * slope),
            axes.c2p(w + half, lessonlib.sigmoid(w) + half * slope),
            color=palette.GRADIENT, stroke_width=4,
        )
        target = lessonlib.gradient_step(w, slope, STEP_SCALE)
        start = axes.c2p(w, 0) + DOWN * 0.35
        end = axes.c2p(target, 0) + DOWN * 0.35
        arrow = Arrow(start, end, buff=0, color=palette.STEP, stroke_width=5,
                      max_tip_length_to_length_ratio=0.5, max_stroke_width_to_length_ratio=60)
        return dot, tangent, arrow

    def show_vanishing(self):
        plot, curve = self.get_shelf()
        rule = self.get_rule(size=palette.BODY_SIZE)
        note = get_text("only the slope sets the step", size=palette.LABEL_SIZE,
                        color=palette.GRADIENT)
        shelf_label = VGroup(
            get_text("high loss, tiny slope:", size=palette.LABEL_SIZE, color=palette.BAD),
            get_text("vanishing updates", size=palette.LABEL_SIZE, color=palette.BAD),
        ).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        side = VGroup(rule, note, shelf_label).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        VGroup(VGroup(plot, curve), side).arrange(RIGHT, buff=0.9).set_x(0).shift(DOWN * 0.3)

        axes = plot[0]
        steep_dot, steep_tan, steep_arrow = self.get_slope_step(axes, STEEP_W)
        flat_dot, flat_tan, flat_arrow = self.get_slope_step(axes, FLAT_W)
        big = get_text("big step", size=palette.SMALL_SIZE, color=palette.STEP)
        big.next_to(steep_arrow, DOWN, buff=0.15)
        tiny = get_text("tiny step", size=palette.SMALL_SIZE, color=palette.STEP)
        tiny.next_to(flat_arrow, DOWN, buff=0.15).match_y(big)

        with self.voiceover("Here is a loss with a long, high, flat shelf.") as beat:
            self.play(
                FadeOut(self.corner_rule),
                FadeOut(VGroup(*self.panels, *(p.dot for p in self.panels),
                               *(p.hops for p in self.panels), *(p.verdict for p in self.panels))),
                run_time=0.8,
            )
            self.play(Create(plot), Create(curve), FadeIn(rule), FadeIn(note),
                      run_time=max(1.5, beat.remaining))
        with self.voiceover(f"Low on the curve, the slope is steep: {mark('big')}a big "
                            "step.") as beat:
            self.play(FadeIn(steep_dot), Create(steep_tan), run_time=min(1.5, beat.until("big")))
            self.play(GrowArrow(steep_arrow), FadeIn(big), run_time=beat.until("big") + 0.5)
        with self.voiceover(f"High on the shelf the slope is nearly flat, so learning stalls: "
                            f"{mark('vanishing')}vanishing updates.") as beat:
            self.play(FadeIn(flat_dot), Create(flat_tan), GrowArrow(flat_arrow), FadeIn(tiny),
                      run_time=min(1.5, beat.until("vanishing")))
            if beat.until("vanishing") > 1.5:  # a one-second fade that ends on the word
                self.wait(beat.until("vanishing") - 1)
            self.play(FadeIn(shelf_label), run_time=beat.until("vanishing"))
