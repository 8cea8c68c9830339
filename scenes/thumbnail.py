"""The video's thumbnail: one still that reads at a glance, even at small size.

A bold title on the left; on the right the loss bowl L = w^2 with the weight on
its wall, the tangent that gives the slope and the step that goes downhill.
No numbers: at thumbnail size only big shapes and a few big words survive.
"""

from __future__ import annotations

from manim import (
    BOLD,
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Dot,
    Line,
    Scene,
    Text,
    VGroup,
)

import lessonlib
from lessonlib.lesson import SIGN_LR, SIGN_WEIGHTS
from scenes import palette
from scenes.common import get_axes

HEADLINE_SIZE = 76  # thumbnails are viewed at a few centimetres wide


def get_headline(words: str) -> Text:
    """Big bold words in the house font, "loss" and "gradient" in their roles' colours.

    (The house get_text has no bold weight, and one Text keeps the line spacing even.)
    """
    return Text(words, font=palette.FONT, font_size=HEADLINE_SIZE, weight=BOLD,
                color=palette.TEXT, line_spacing=0.9,
                t2c={"loss": palette.LOSS, "gradient": palette.GRADIENT})


class Thumbnail(Scene):
    """A still frame: title, loss bowl, tangent, step."""

    def construct(self):
        title = self.get_title_block()
        picture = self.get_picture()
        VGroup(title, picture).arrange(RIGHT, buff=0.6).move_to(DOWN * 0.1)
        self.add(picture, title)
        self.wait()

    def get_title_block(self) -> Text:
        return get_headline("How loss\nsteers\ngradient\ndescent")

    def get_picture(self) -> VGroup:
        """The bowl with the weight, its tangent and the step toward the target."""
        plot = get_axes([-2, 2, 1], [0, 4, 1], x_length=6.4, y_length=6.2)
        axes = plot[0]
        axes.set_stroke(width=3)
        curve = axes.plot(lambda w: lessonlib.mse(w), x_range=[-2, 2], color=palette.LOSS,
                          stroke_width=10)
        w = SIGN_WEIGHTS[0]
        w_next = lessonlib.gradient_step(w, lessonlib.mse_grad(w), SIGN_LR)
        point = axes.c2p(float(w), float(lessonlib.mse(w)))
        ahead = axes.c2p(float(w) + 1, float(lessonlib.mse(w) + lessonlib.mse_grad(w)))
        tangent = Line(point, ahead, color=palette.GRADIENT, stroke_width=9)
        tangent.set_length(3.4).move_to(point)
        landing = axes.c2p(float(w_next), float(lessonlib.mse(w_next)))
        step = Arrow(point, landing, buff=0.3, color=palette.STEP, stroke_width=14,
                     max_tip_length_to_length_ratio=0.45, max_stroke_width_to_length_ratio=12)
        step.shift((LEFT + UP) * 0.35)
        weight = Dot(point, radius=0.22, color=palette.WEIGHT).set_z_index(2)
        ghost = Circle(radius=0.17, color=palette.WEIGHT, stroke_width=5).move_to(landing)
        target = Dot(axes.c2p(0, 0), radius=0.18, color=palette.GOOD).set_z_index(2)
        return VGroup(axes, curve, tangent, step, ghost, weight, target)
