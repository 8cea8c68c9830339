"""Building blocks every scene shares: the title, axes, formulas and readouts.

Numbers are never computed here: callers pass lessonlib's values, already
written as text with lessonlib.display.
"""

from __future__ import annotations

from manim import UL, Axes, MathTex, Text, VGroup, config

from narration.scene import NarratedScene
from narration.text import mark, sub

from . import palette
from .memo import get_math_memo


# Everything a viewer must read stays in the title-safe area, the central 90% of
# the frame; this is the margin from the frame's edge to that area's edge.
SAFE_MARGIN_X = 0.05 * config.frame_width + 0.05
SAFE_MARGIN_Y = 0.05 * config.frame_height + 0.05


def get_title(text: str) -> Text:
    """The scene title, at the top left corner of the title-safe area, in the house style."""
    title = Text(text, font=palette.FONT, font_size=palette.TITLE_SIZE, color=palette.TEXT)
    return title.to_corner(UL, buff=0).shift([SAFE_MARGIN_X, -SAFE_MARGIN_Y, 0])


def get_text(text: str, size: int = palette.BODY_SIZE, color: str = palette.TEXT) -> Text:
    """Plain words in the house font (never numbers: numbers go through get_math)."""
    return Text(text, font=palette.FONT, font_size=size, color=color)


def get_math(*tex: str, size: int = palette.BODY_SIZE, color: str = palette.TEXT) -> MathTex:
    """A formula in LaTeX; pass numbers already formatted by lessonlib.display.

    Built once per text (scenes/memo.py) and kept on disk (scenes/formula_store.py),
    like the readouts: every render, chunk and section preview builds a scene's
    formulas, and loading one costs a tenth of parsing its SVG."""
    return get_math_memo(*tex, size=size, color=color)


def get_axes(x_range, y_range, x_length: float, y_length: float, x_label: str = "w",
             y_label: str = "L") -> VGroup:
    """Axes in the muted colour with their two labels; returns VGroup(axes, labels)."""
    axes = Axes(
        x_range=x_range,
        y_range=y_range,
        x_length=x_length,
        y_length=y_length,
        tips=False,
        axis_config={"color": palette.MUTED, "include_ticks": True},
    )
    labels = axes.get_axis_labels(
        MathTex(x_label, font_size=palette.LABEL_SIZE, color=palette.MUTED),
        MathTex(y_label, font_size=palette.LABEL_SIZE, color=palette.MUTED),
    )
    return VGroup(axes, labels)


# Every scene is narrated: `with self.voiceover(line) as beat:` (see narration/scene.py).
# A line's numbers are written by lessonlib.display, never typed; mark(name) puts a
# bookmark before a word and sub(shown, said) says a piece differently from the caption.
__all__ = ["NarratedScene", "get_axes", "get_math", "get_text", "get_title", "mark", "sub"]

