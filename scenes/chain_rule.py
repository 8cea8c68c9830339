"""Fact 4: the chain rule through one sigmoid, forward values then backward factors.

Storyboard: the computation graph x -> u1 = W1 x -> a1 = sigmoid(u1) -> L = a1^2
as nodes and arrows; the forward pass writes each node's value (x = 2, W1 = 0.5);
the backward pass puts each local derivative on its edge, right to left; the
three factors are multiplied into dL/dW1, rounded only at the end.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    PI,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    GrowArrow,
    Indicate,
    ReplacementTransform,
    ShowPassingFlash,
    SurroundingRectangle,
    VGroup,
    Write,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import CHAIN_W1, CHAIN_X

from scenes import palette
from scenes.common import NarratedScene, get_math, get_text, get_title, mark

# Geometry only (scene units), never lesson values.
NODE_RADIUS = 0.5
NODE_GAP = 2.5  # arrow length between two node circles
GRAPH_Y = 1.45
BACK_OFFSET = 1.55  # how far below the graph the backward arrows run
PLACES = 4  # decimals for every rounded value in this scene
TWO = display.exact(lessonlib.mse_grad(1))  # the 2 of dL/da1 = 2 a1 (L = a1^2), drawn and said


def num(value) -> str:
    """A value as this scene writes (and says) it: exact where lessonlib is exact, else to PLACES."""
    return display.fixed(value, PLACES) if isinstance(value, float) else display.exact(value)


def approx_or_equal(value) -> str:
    """'= 2' for a value lessonlib gives exactly, '\\approx 0.7311' for a rounded float."""
    return (r"\approx " if isinstance(value, float) else "= ") + num(value)


class ChainRule(NarratedScene):
    def construct(self):
        self.factors = lessonlib.chain_rule(CHAIN_X, CHAIN_W1)

        self.next_section("The computation graph")
        self.show_graph()

        self.next_section("Forward pass")
        self.show_forward_pass()

        self.next_section("Backward pass")
        self.show_backward_pass()

        self.next_section("Multiply the factors")
        self.show_product()

        self.next_section("Rounded at the end")
        self.show_rounding_note()

    # -- building blocks -----------------------------------------------------

    def get_node(self, tex: str, color: str) -> VGroup:
        """A circle with the node's name inside."""
        circle = Circle(radius=NODE_RADIUS, color=palette.MUTED, stroke_width=3)
        label = get_math(tex, color=color).move_to(circle)
        return VGroup(circle, label)

    def get_graph(self) -> VGroup:
        nodes = VGroup(
            self.get_node("x", palette.TEXT),
            self.get_node("u_1", palette.TEXT),
            self.get_node("a_1", palette.TEXT),
            self.get_node("L", palette.LOSS),
        ).arrange(RIGHT, buff=NODE_GAP)
        nodes.move_to(UP * GRAPH_Y)
        arrows = VGroup(*(
            Arrow(a.get_right(), b.get_left(), buff=0.1, color=palette.MUTED, stroke_width=4)
            for a, b in zip(nodes[:-1], nodes[1:])
        ))
        ops = VGroup(
            get_math(r"\times", "W_1", size=palette.LABEL_SIZE),
            get_math(r"\sigma", size=palette.LABEL_SIZE),
            get_math(r"(\,\cdot\,)^{2}", size=palette.LABEL_SIZE),
        )
        ops[0][1].set_color(palette.WEIGHT)
        for op, arrow in zip(ops, arrows):
            op.next_to(arrow, UP, buff=0.15)
        return VGroup(nodes, arrows, ops)

    def get_forward_values(self) -> VGroup:
        """Each node's value, written under it."""
        f = self.factors
        values = VGroup(
            get_math("x", approx_or_equal(f.x)),
            get_math("u_1", approx_or_equal(f.u1)),
            get_math("a_1", approx_or_equal(f.a1)),
            get_math("L", approx_or_equal(lessonlib.mse(f.a1)), color=palette.LOSS),
        )
        for value, node in zip(values, self.nodes):
            value.next_to(node, DOWN, buff=0.3)
        return values

    def get_backward_arrows(self) -> VGroup:
        """Orange arrows under the graph, pointing back from the loss towards the input."""
        arrows = VGroup()
        for arrow in self.arrows:
            back = Arrow(arrow.get_right(), arrow.get_left(), buff=0, color=palette.GRADIENT,
                         stroke_width=4)
            back.shift(DOWN * BACK_OFFSET)
            arrows.add(back)
        return arrows

    def get_local_factor(self, name: str, rule: str, value) -> VGroup:
        """The local derivative of one edge: its name and rule, and its value below."""
        top = get_math(name, "=", rule, color=palette.GRADIENT)
        bottom = get_math(approx_or_equal(value), color=palette.GRADIENT)
        bottom.next_to(top[1], DOWN, buff=0.25, aligned_edge=LEFT)
        return VGroup(top, bottom)

    # -- beats ---------------------------------------------------------------

    def show_graph(self):
        self.title = get_title("The chain rule through a sigmoid")
        graph = self.get_graph()
        self.nodes, self.arrows, self.ops = graph
        self.add(self.title)
        with self.voiceover(f"Follow one weight through a tiny network: x times the weight "
                            f"{mark('w1')}W1 gives {mark('u1')}u1.") as beat:
            self.play(FadeIn(self.nodes[0]), run_time=1)
            self.play(GrowArrow(self.arrows[0]), Write(self.ops[0]), run_time=beat.until("w1"))
            self.play(FadeIn(self.nodes[1]), run_time=max(0.5, beat.until("u1")))
        with self.voiceover(f"A sigmoid squashes u1 into {mark('a1')}a1, and the "
                            f"{mark('loss')}loss is a1 squared.") as beat:
            self.play(GrowArrow(self.arrows[1]), Write(self.ops[1]), FadeIn(self.nodes[2]),
                      run_time=beat.until("a1"))
            self.play(GrowArrow(self.arrows[2]), Write(self.ops[2]), FadeIn(self.nodes[3]),
                      run_time=max(0.8, beat.until("loss")))

    def show_forward_pass(self):
        values = self.get_forward_values()
        self.values = values
        f = self.factors
        weight = get_math("W_1", approx_or_equal(self.factors.w1), size=palette.LABEL_SIZE,
                          color=palette.WEIGHT)
        weight.next_to(self.ops[0], UP, buff=0.2)
        self.weight_value = weight
        with self.voiceover(
            f"Forward pass: with {mark('x')}x = {num(f.x)} and {mark('w1')}W1 = {num(f.w1)}, "
            f"{mark('u1')}u1 is {num(f.u1)}, {mark('a1')}a1 is about {num(f.a1)}, and "
            f"{mark('L')}the loss about {num(lessonlib.mse(f.a1))}."
        ) as beat:
            self.play(FadeIn(values[0], shift=UP * 0.2),
                      Indicate(self.ops[0][1], color=palette.WEIGHT), run_time=beat.until("x"))
            self.play(FadeIn(weight, shift=DOWN * 0.2), run_time=beat.until("w1"))
            # Each value flows along its arrow and lands as the voice names its node.
            for arrow, value, name in zip(self.arrows, values[1:], ("u1", "a1", "L")):
                pulse = arrow.copy().set_color(palette.TEXT).set_stroke(width=8)
                self.play(ShowPassingFlash(pulse, time_width=0.6),
                          run_time=max(0.3, min(0.9, beat.until(name) - 0.5)))
                self.play(FadeIn(value, shift=UP * 0.2), run_time=beat.until(name))

    def show_backward_pass(self):
        f = self.factors
        self.back_arrows = self.get_backward_arrows()
        self.local_factors = VGroup(
            self.get_local_factor(r"\frac{\partial u_1}{\partial W_1}", "x", f.du1_dw1),
            self.get_local_factor(r"\frac{\partial a_1}{\partial u_1}", r"\sigma'(u_1)", f.da1_du1),
            self.get_local_factor(r"\frac{\partial L}{\partial a_1}", f"{TWO}a_1", f.dl_da1),
        )
        for factor, arrow in zip(self.local_factors, self.back_arrows):
            factor.next_to(arrow, DOWN, buff=0.2)

        with self.voiceover("Backward pass: from the loss back to the weight, each edge gives "
                            "its own local derivative."):
            self.play(GrowArrow(self.back_arrows[2]), run_time=1.0)
            self.play(Write(self.local_factors[2][0]), run_time=1.2)
            self.play(FadeIn(self.local_factors[2][1], shift=UP * 0.2), run_time=0.8)
        with self.voiceover(
            f"The loss changes by {TWO} a1, about {mark('dl')}{num(f.dl_da1)}, per unit of a1; "
            f"{mark('sigmoid')}the sigmoid's slope at u1 is about {mark('da')}{num(f.da1_du1)}."
        ) as beat:
            self.wait_until("dl")
            self.play(Indicate(self.local_factors[2][1], color=palette.GRADIENT), run_time=1.2)
            self.wait_until("sigmoid")
            # Arrow, rule, value: the value lands as the voice reaches it.
            self.play(GrowArrow(self.back_arrows[1]),
                      run_time=max(0.3, min(1.0, beat.until("da") / 3)))
            self.play(Write(self.local_factors[1][0]),
                      run_time=max(0.3, min(1.2, beat.until("da") / 2)))
            self.play(FadeIn(self.local_factors[1][1], shift=UP * 0.2),
                      run_time=beat.until("da"))
        with self.voiceover(f"And u1 grows by x, which is {mark('two')}{num(f.du1_dw1)}, per "
                            "unit of W1.") as beat:
            self.play(GrowArrow(self.back_arrows[0]), Write(self.local_factors[0]),
                      run_time=beat.until("two"))

    def show_product(self):
        f = self.factors
        names = [r"\frac{\partial L}{\partial a_1}", r"\frac{\partial a_1}{\partial u_1}",
                 r"\frac{\partial u_1}{\partial W_1}"]
        symbolic = get_math(r"\frac{\partial L}{\partial W_1}", "=", names[0], r"\cdot", names[1],
                            r"\cdot", names[2], color=palette.GRADIENT)
        symbolic.to_edge(DOWN, buff=1.2)
        # The three edge labels fly down into their slots; the rest grows in place.
        # One whole formula at the end, so what is on screen is always a whole formula.
        source = VGroup(*(part.copy().scale(0) for part in symbolic))
        for i, factor in enumerate(reversed(self.local_factors)):
            source.submobjects[2 + 2 * i] = factor[0][0].copy()
        with self.voiceover("The chain rule multiplies the factors along the path from loss to "
                            "weight.") as beat:
            # The factors arc down, so they pass one another.
            self.play(ReplacementTransform(source, symbolic, path_arc=PI / 3),
                      run_time=min(2.5, beat.remaining))

        numbers = [num(f.dl_da1), num(f.da1_du1), num(f.du1_dw1)]
        numeric = get_math(r"\frac{\partial L}{\partial W_1}", "=", numbers[0], r"\cdot", numbers[1],
                           r"\cdot", numbers[2], color=palette.GRADIENT)
        approx = get_math(r"\approx", color=palette.GRADIENT)
        result = get_math(num(f.product), color=palette.GRADIENT)
        approx.next_to(numeric, RIGHT, buff=0.18).match_y(numeric[1])
        result.next_to(approx, RIGHT, buff=0.3).align_to(numeric[2], DOWN)
        VGroup(numeric, approx, result).move_to(symbolic)
        self.product = VGroup(numeric, approx, result)
        self.approx = approx
        with self.voiceover(f"Put in the numbers: the gradient for W1 is about "
                            f"{mark('result')}{num(f.product)}.") as beat:
            self.play(ReplacementTransform(symbolic, numeric), run_time=1.5)
            self.play(Write(approx), Write(result), run_time=max(0.8, beat.until("result")))
            self.box = SurroundingRectangle(result, color=palette.GRADIENT, buff=0.12)
            self.play(Create(self.box), run_time=0.8)

    def show_rounding_note(self):
        note = get_text("exact product, rounded only at the end", size=palette.SMALL_SIZE,
                        color=palette.MUTED)
        note.next_to(self.product, DOWN, buff=0.3)
        with self.voiceover(f"That is the exact product rounded once, not a product of rounded "
                            f"factors: hence, {mark('approx')}approximately.") as beat:
            self.play(FadeIn(note, shift=UP * 0.2), run_time=1.5)
            self.wait_until("approx")
            self.play(Indicate(self.approx, color=palette.GRADIENT), run_time=1.2)
