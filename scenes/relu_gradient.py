"""Fact 8: ReLU's slope is 1 or 0, so a path of ReLUs passes the gradient whole, or not at all.

Storyboard: relu and its derivative side by side, with the convention at the
kink; a path of active units, whose slopes multiply to 1 while a backward signal
keeps its size; one inactive unit turns the product into 0 and the signal dies;
against the sigmoid's 0.25^n at the same depth.
"""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    UR,
    Arrow,
    Circle,
    Create,
    Dot,
    FadeIn,
    FadeOut,
    Indicate,
    ReplacementTransform,
    Transform,
    TransformFromCopy,
    VGroup,
    Write,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import RELU_ACTIVE_PATH, RELU_INACTIVE
from scenes import palette
from scenes.common import NarratedScene, get_axes, get_math, get_text, get_title, mark

# Geometry only (scene units), never lesson values.
X_RANGE = (-3, 3, 1)
RELU_Y_RANGE = (0, 3, 1)
SLOPE_Y_RANGE = (0, 1.5, 0.5)
AXES_SIZE = (4.6, 2.4)
NODE_RADIUS = 0.5
# Which unit of the path goes inactive (0-based, counted from the input side).
DEAD_INDEX = 2
KINK_AT = 0  # where relu bends: its slope there is a convention (lessonlib.relu_prime)


def dead_path() -> tuple:
    """The active path with the unit at DEAD_INDEX replaced by the inactive pre-activation."""
    return RELU_ACTIVE_PATH[:DEAD_INDEX] + (RELU_INACTIVE,) + RELU_ACTIVE_PATH[DEAD_INDEX + 1:]


def product_tex(path) -> str:
    """'1 \\cdot 1 \\cdot 0 \\cdot 1 = 0': each unit's relu' and their product, from lessonlib."""
    factors = r" \cdot ".join(display.exact(lessonlib.relu_prime(x)) for x in path)
    return factors + " = " + display.exact(lessonlib.relu_chain_product(list(path)))


class ReluGradient(NarratedScene):
    def construct(self):
        self.next_section("ReLU")
        self.show_relu()

        self.next_section("Its slope")
        self.show_slope()

        self.next_section("An active path")
        self.show_active_path()

        self.next_section("One inactive unit")
        self.show_inactive_unit()

        self.next_section("Against the sigmoid")
        self.show_sigmoid_contrast()

    # -- beats ---------------------------------------------------------------

    def show_relu(self):
        self.title = get_title("ReLU keeps the gradient")
        self.relu_panel = get_axes(X_RANGE, RELU_Y_RANGE, *AXES_SIZE, x_label="x", y_label="y")
        self.slope_panel = get_axes(X_RANGE, SLOPE_Y_RANGE, *AXES_SIZE, x_label="x", y_label="y")
        VGroup(self.relu_panel, self.slope_panel).arrange(RIGHT, buff=1.6).next_to(
            self.title, DOWN, buff=0.6).set_x(0)
        relu_axes = self.relu_panel[0]
        relu_graph = relu_axes.plot(lessonlib.relu, x_range=X_RANGE[:2], color=palette.TEXT)
        formula = get_math(r"\mathrm{relu}(x) = \max(" + display.exact(lessonlib.relu(0)) + ", x)")
        formula.next_to(self.relu_panel, DOWN, buff=0.4)
        self.relu_group = VGroup(self.relu_panel, relu_graph, formula)
        self.add(self.title)
        zero = display.exact(lessonlib.relu(RELU_INACTIVE))
        with self.voiceover("ReLU passes a positive input through unchanged and turns a "
                            f"negative one into {mark('zero')}{zero}.") as beat:
            self.play(Create(self.relu_panel), Create(relu_graph), Write(formula),
                      run_time=min(2.5, beat.until("zero")))

    def show_slope(self):
        axes = self.slope_panel[0]
        one = display.exact(lessonlib.relu_prime(RELU_ACTIVE_PATH[0]))
        zero = display.exact(lessonlib.relu_prime(RELU_INACTIVE))
        graph = axes.plot(lessonlib.relu_prime, x_range=X_RANGE[:2], discontinuities=[0],
                          dt=0.01, color=palette.GRADIENT)
        kink_value = lessonlib.relu_prime(KINK_AT)
        open_end = Circle(radius=0.08, color=palette.GRADIENT, stroke_width=3).move_to(
            axes.c2p(KINK_AT, lessonlib.relu_prime(RELU_ACTIVE_PATH[0])))
        kink_dot = Dot(axes.c2p(KINK_AT, kink_value), radius=0.08, color=palette.GRADIENT)
        self.slope_formula = VGroup(
            get_math(r"\mathrm{relu}'(x) = " + one + r" \quad (x > 0)", color=palette.GRADIENT),
            get_math(r"\mathrm{relu}'(x) = " + zero + r" \quad (x < 0)", color=palette.GRADIENT),
        ).arrange(DOWN, buff=0.2, aligned_edge=LEFT)
        self.slope_formula.next_to(self.slope_panel, DOWN, buff=0.35)
        convention = VGroup(
            get_math(r"\mathrm{relu}'(" + display.exact(KINK_AT) + ") = " + display.exact(kink_value),
                     color=palette.GRADIENT),
            get_text("by convention", size=palette.LABEL_SIZE, color=palette.MUTED),
        ).arrange(RIGHT, buff=0.3)
        convention.next_to(self.slope_formula, DOWN, buff=0.35)
        # Centre the formula block under its panel.
        VGroup(self.slope_formula, convention).set_x(self.slope_panel.get_x())
        with self.voiceover(f"On the right, its slope: {mark('one')}{one} for a positive input, "
                            f"{mark('zero')}{zero} for a negative one.") as beat:
            self.play(Create(self.slope_panel), run_time=min(1.0, beat.until("one") / 2))
            self.play(Create(graph), FadeIn(open_end), Write(self.slope_formula[0]),
                      run_time=beat.until("one"))
            self.play(Write(self.slope_formula[1]), run_time=min(1.0, beat.until("zero")))
        with self.voiceover(f"At {display.exact(KINK_AT)} there is a kink; by convention, "
                            f"the slope there is {mark('kink')}{display.exact(kink_value)}.") as beat:
            self.play(FadeIn(kink_dot, scale=0.5), FadeIn(convention),
                      run_time=min(1.5, beat.until("kink")))
        self.slope_group = VGroup(self.slope_panel, graph, open_end, kink_dot, convention)

    def get_path(self, path) -> VGroup:
        """Units in a row with their pre-activations inside, relu' tags below, a loss at the end."""
        nodes = VGroup(*[
            VGroup(Circle(radius=NODE_RADIUS, color=palette.MUTED),
                   get_math(display.exact(x)))
            for x in path
        ]).arrange(RIGHT, buff=1.0)
        arrows = VGroup(*[
            Arrow(a.get_right(), b.get_left(), buff=0.08, color=palette.MUTED, stroke_width=3,
                  max_tip_length_to_length_ratio=0.25)
            for a, b in zip(nodes, nodes[1:])
        ])
        loss = get_math("L", color=palette.LOSS).next_to(nodes[-1], RIGHT, buff=0.9)
        to_loss = Arrow(nodes[-1].get_right(), loss.get_left(), buff=0.08, color=palette.MUTED,
                        stroke_width=3, max_tip_length_to_length_ratio=0.25)
        tags = VGroup(*[
            get_math(display.exact(lessonlib.relu_prime(x)),
                     color=palette.GRADIENT).next_to(node, DOWN, buff=0.3)
            for node, x in zip(nodes, path)
        ])
        row_names = VGroup(
            get_math("x", color=palette.MUTED).next_to(nodes, LEFT, buff=0.6),
            get_math(r"\mathrm{relu}'(x)", color=palette.GRADIENT),
        )
        row_names[1].next_to(tags, LEFT, buff=0.6).align_to(row_names[0], RIGHT)
        return VGroup(nodes, arrows, VGroup(to_loss, loss), tags, row_names)

    def send_signal(self, path_group: VGroup, path, run_time: float) -> None:
        """A gradient dot travels back from the loss; each unit scales it by its relu'.

        The trip takes ``run_time`` seconds (at least 0.5 s per unit it passes).
        """
        nodes = path_group[0]
        signal = Dot(radius=0.2, color=palette.GRADIENT).next_to(nodes[-1], RIGHT, buff=0.12)
        hops = []
        for x in reversed(path):
            hops.append(x)
            if lessonlib.relu_prime(x) == 0:
                break  # nothing left to carry further back
        hop_time = max(0.5, (run_time - 0.7) / len(hops))
        self.play(FadeIn(signal, scale=0.5), run_time=0.4)
        for node, x in zip(reversed(nodes), hops):
            self.play(signal.animate.scale(lessonlib.relu_prime(x)).next_to(node, LEFT, buff=0.12),
                      run_time=hop_time)
        self.play(FadeOut(signal), run_time=0.3)

    def show_active_path(self):
        self.path_group = self.get_path(RELU_ACTIVE_PATH)
        self.path_group.next_to(self.title, DOWN, buff=1.0).set_x(0)
        self.product = get_math(product_tex(RELU_ACTIVE_PATH), color=palette.GOOD)
        self.product.next_to(self.path_group, DOWN, buff=0.6)
        one = display.exact(lessonlib.relu_prime(RELU_ACTIVE_PATH[0]))
        total = display.exact(lessonlib.relu_chain_product(list(RELU_ACTIVE_PATH)))
        with self.voiceover(f"Along a path of active units, every slope is {mark('tags')}{one}, "
                            f"so their product is {mark('product')}{total}.") as beat:
            self.play(
                FadeOut(self.relu_group), FadeOut(self.slope_group),
                self.slope_formula.animate.scale(0.8).to_corner(UR, buff=0.8),
                run_time=1.0,
            )
            self.play(FadeIn(self.path_group[:3]), FadeIn(self.path_group[4][0]), run_time=1.0)
            self.play(FadeIn(self.path_group[3]), FadeIn(self.path_group[4][1]),
                      run_time=beat.until("tags"))
            self.play(TransformFromCopy(self.path_group[3], self.product),
                      run_time=min(1.5, beat.until("product")))
        with self.voiceover("The gradient reaches the first unit at full size: a constant "
                            "update.") as beat:
            self.send_signal(self.path_group, RELU_ACTIVE_PATH, beat.remaining)

    def show_inactive_unit(self):
        path = dead_path()
        dead = self.get_path(path).move_to(self.path_group)
        node, tag = self.path_group[0][DEAD_INDEX], self.path_group[3][DEAD_INDEX]
        new_node, new_tag = dead[0][DEAD_INDEX], dead[3][DEAD_INDEX]
        new_node[0].set_color(palette.BAD)
        new_tag.set_color(palette.BAD)
        product = get_math(product_tex(path), color=palette.BAD).move_to(self.product)
        x = display.exact(RELU_INACTIVE)
        off = display.exact(lessonlib.relu_prime(RELU_INACTIVE))
        total = display.exact(lessonlib.relu_chain_product(list(path)))
        with self.voiceover(f"Now give a unit the input {mark('x')}{x}. Its slope is "
                            f"{mark('tag')}{off}, and the whole product becomes "
                            f"{mark('product')}{total}.") as beat:
            self.play(Transform(node, new_node), run_time=min(1.2, beat.until("x")))
            self.play(Transform(tag, new_tag), run_time=min(1.0, beat.until("tag")))
            self.play(ReplacementTransform(self.product, product),
                      run_time=min(1.2, beat.until("product")))
        self.product = product
        with self.voiceover("The signal stops at that unit: no update at all.") as beat:
            self.send_signal(self.path_group, path, max(1.5, beat.remaining - 1.0))
            self.play(Indicate(tag, color=palette.BAD), run_time=1.0)

    def show_sigmoid_contrast(self):
        depth = len(RELU_ACTIVE_PATH)
        active = get_math(product_tex(RELU_ACTIVE_PATH), color=palette.GOOD)
        dead = self.product.copy()
        relu_row = VGroup(
            get_text("ReLU:", size=palette.LABEL_SIZE, color=palette.MUTED),
            VGroup(active, get_text("or", size=palette.LABEL_SIZE, color=palette.MUTED), dead)
            .arrange(RIGHT, buff=0.35),
        )
        sigmoid_row = VGroup(
            get_text("sigmoid:", size=palette.LABEL_SIZE, color=palette.MUTED),
            get_math(
                r"\le " + display.exact(lessonlib.sigmoid_prime(0)) + "^{" + display.exact(depth)
                + "} = " + display.exact(lessonlib.sigmoid_depth_bound(depth)),
                color=palette.BAD,
            ),
        )
        # Two columns: row names right-aligned, formulas left-aligned.
        table = VGroup(*relu_row, *sigmoid_row).arrange_in_grid(
            rows=2, cols=2, col_alignments="rl", buff=(0.35, 0.45))
        table.move_to(self.product, aligned_edge=UP).set_x(0)
        verdict = get_text("ReLU passes the gradient whole, or not at all.", color=palette.TEXT)
        verdict.to_edge(DOWN, buff=0.55)
        depth_said = display.exact(depth)
        peak = display.exact(lessonlib.sigmoid_prime(0))
        with self.voiceover(f"Compare the sigmoid: through the same {mark('depth')}{depth_said} "
                            f"layers it passes at most {peak} to the power "
                            f"{depth_said}.") as beat:
            self.play(ReplacementTransform(self.product, dead), FadeIn(relu_row[0]),
                      FadeIn(relu_row[1][:2]), run_time=min(1.5, beat.until("depth") / 2))
            self.play(FadeIn(sigmoid_row, shift=UP * 0.2), run_time=beat.until("depth"))
        with self.voiceover("ReLU either keeps the gradient whole or blocks it completely."):
            self.play(Write(verdict), run_time=1.5)
