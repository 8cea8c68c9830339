"""Recap: one table of losses and activations, their derivatives, and what each does to the step.

Storyboard: the column headings; one row per idea of the lecture, each built
while it is narrated, with a marker on the row being read; the one rule every
row feeds, w' = w - lr * dL/dw.
"""

from __future__ import annotations

from dataclasses import dataclass

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    Line,
    SurroundingRectangle,
    Transform,
    VGroup,
    Write,
)

import lessonlib
from lessonlib import display
from lessonlib.lesson import MAE_START, RELU_ACTIVE_PATH, RELU_INACTIVE
from scenes import palette
from scenes.common import NarratedScene, get_math, get_text, get_title, mark

CELL_SIZE = palette.LABEL_SIZE  # words in the table
# LaTeX glyphs come out smaller than Pango's at the same font size: this size
# gives the formulas about the x-height of the words beside them.
FORMULA_SIZE = palette.TITLE_SIZE
COLUMN_GAP = 0.5
ROW_GAP = 0.3
HEADER_GAP = 0.15  # extra room under the headings for the rule
# Letters that sit exactly on the baseline (no descender, no overshoot).
ON_BASELINE = set("bdfhiklmnrtuvwxzABDEFHIKLMNPRTUVWXYZ")
BASELINE_TOLERANCE = 0.02  # scene units: round glyphs overshoot the baseline by less


def text_baseline(text) -> float:
    """The y of a Text's baseline, read from the letters that sit on it."""
    chars = [c for c in text.text if not c.isspace()]
    bottoms = [g.get_bottom()[1] for c, g in zip(chars, text.submobjects) if c in ON_BASELINE]
    return max(bottoms) if bottoms else text.get_bottom()[1]


def math_baseline(formula) -> float:
    """The y of a formula's baseline: the bottom most of its glyphs share.

    Digits and most letters sit on the baseline; brackets, slashes and commas
    reach below it and signs float above it. Ties go to the higher bottom.
    """
    bottoms = sorted(leaf.get_bottom()[1] for leaf in formula.family_members_with_points())
    clusters: list[list[float]] = []
    for y in bottoms:
        if clusters and y - clusters[-1][-1] <= BASELINE_TOLERANCE:
            clusters[-1].append(y)
        else:
            clusters.append([y])
    best = max(clusters, key=lambda c: (len(c), c[-1]))
    return max(best)


def align_row(cells) -> None:
    """Put every cell of a row, words and formulas, on the first cell's baseline."""
    base = text_baseline(cells[0])
    for cell in cells[1:]:
        line = math_baseline(cell) if hasattr(cell, "tex_string") else text_baseline(cell)
        cell.shift(UP * (base - line))


@dataclass(frozen=True)
class Row:
    """One table row: the section it is told in, its name, derivative (TeX) and effect,
    and the line that tells it, with bookmarks "slope" (the derivative is written by
    then) and "effect" (what it does to the step is shown by then)."""

    section: str
    name: str
    name_color: str
    derivative: str
    effect: str
    line: str


def get_rows() -> list[Row]:
    """The recap, one row per loss or activation; values from lessonlib, formulas as TeX."""
    mae_slope = display.exact(lessonlib.mae_grad(MAE_START))
    peak = display.exact(lessonlib.sigmoid_prime(0))
    relu_off = display.exact(lessonlib.relu_prime(RELU_INACTIVE))
    relu_on = display.exact(lessonlib.relu_prime(RELU_ACTIVE_PATH[0]))
    slope, effect = mark("slope"), mark("effect")
    return [
        Row("MSE", "MSE", palette.LOSS, "2w", "shrinks near the target",
            f"Squared error has slope {slope}two w: {effect}big steps far from the target, small "
            "steps near it."),
        Row("MAE", "MAE", palette.LOSS, r"\pm " + mae_slope, "same size, never settles",
            f"Absolute error has slope plus or minus {slope}{mae_slope}: {effect}a fixed step "
            "that never settles."),
        Row("Cross-entropy", "cross-entropy", palette.LOSS, "-1/w", "huge when confidently wrong",
            f"Cross-entropy has slope {slope}minus one over w: {effect}huge when the model is "
            "confidently wrong."),
        Row("Sigmoid", "sigmoid", palette.TEXT, r"s(1 - s) \le " + peak, "vanishes with depth",
            f"A sigmoid's slope is at most {slope}{peak}, {effect}and it multiplies away with "
            "depth."),
        Row("ReLU", "ReLU", palette.TEXT, r"\{" + relu_off + ", " + relu_on + r"\}",
            "keeps it or kills it",
            f"ReLU's slope is {slope}{relu_off} or {relu_on}: {effect}it keeps the gradient whole, "
            "or kills it."),
    ]


class Recap(NarratedScene):
    def construct(self):
        self.next_section("The table")
        self.show_headings()

        for row, cells in zip(self.rows, self.cells):
            self.next_section(row.section)
            self.show_row(row, cells)

        self.next_section("One rule")
        self.show_rule()

    # -- layout --------------------------------------------------------------

    def get_table(self) -> tuple[VGroup, list[VGroup], Line]:
        """Headings and every row, laid out in a three-column grid (revealed row by row)."""
        headings = VGroup(
            get_text("loss or activation", size=CELL_SIZE, color=palette.MUTED),
            get_text("derivative", size=CELL_SIZE, color=palette.MUTED),
            get_text("what it does to the step", size=CELL_SIZE, color=palette.MUTED),
        )
        cells = [
            VGroup(
                get_text(row.name, size=CELL_SIZE, color=row.name_color),
                get_math(row.derivative, size=FORMULA_SIZE, color=palette.GRADIENT),
                get_text(row.effect, size=CELL_SIZE, color=palette.TEXT),
            )
            for row in self.rows
        ]
        grid = VGroup(*headings, *[c for row in cells for c in row])
        grid.arrange_in_grid(rows=1 + len(cells), cols=3, col_alignments="lll",
                             buff=(COLUMN_GAP, ROW_GAP))
        # Every row on its own baseline, at one even pitch (the grid alone spaces
        # rows by their heights, which differ with brackets and descenders).
        rows = [headings, *cells]
        pitch = max(row.height for row in rows) + ROW_GAP
        top = text_baseline(headings[0])
        for i, row in enumerate(rows):
            align_row(row)
            target = top - i * pitch - (HEADER_GAP if i else 0)
            row.shift(UP * (target - text_baseline(row[0])))
        grid.next_to(self.title, DOWN, buff=0.5).set_x(0)
        rule = Line(grid.get_left(), grid.get_right(), color=palette.MUTED, stroke_width=2)
        rule.next_to(headings, DOWN, buff=(ROW_GAP + HEADER_GAP) / 2).set_x(grid.get_x())
        return headings, cells, rule

    def get_marker(self, cells: VGroup) -> SurroundingRectangle:
        """A frame around the row being read, as wide as the whole table."""
        frame = SurroundingRectangle(VGroup(cells, self.table_span), buff=0.12,
                                     color=palette.MUTED, stroke_width=2, corner_radius=0.08)
        frame.stretch_to_fit_height(cells.height + 0.24).set_y(cells.get_y())
        return frame

    # -- beats ---------------------------------------------------------------

    def show_headings(self):
        self.title = get_title("Recap")
        self.rows = get_rows()
        self.headings, self.cells, rule = self.get_table()
        self.table_span = rule  # as wide as the whole table
        self.marker = None
        self.add(self.title)
        with self.voiceover("The whole lecture, in one table. Each row: a loss or activation, "
                            "its derivative, and what it does to the step."):
            self.play(FadeIn(self.headings, shift=DOWN * 0.2), Create(rule), run_time=1.5)

    def show_row(self, row: Row, cells: VGroup):
        name, derivative, effect = cells
        marker = self.get_marker(cells)
        move = [Create(marker)] if self.marker is None else [Transform(self.marker, marker)]
        with self.voiceover(row.line) as beat:
            self.play(*move, FadeIn(name, shift=RIGHT * 0.2),
                      run_time=min(1.0, beat.until("slope") / 2))
            self.play(Write(derivative), run_time=beat.until("slope"))
            self.play(FadeIn(effect, shift=LEFT * 0.2), run_time=beat.until("effect"))
        if self.marker is None:
            self.marker = marker

    def show_rule(self):
        lead = get_text("Every row feeds one rule:", color=palette.TEXT)
        rule = get_math(r"w' = w - \mathrm{lr} \cdot \frac{dL}{dw}", size=palette.TITLE_SIZE,
                        color=palette.STEP)
        closing = VGroup(lead, rule).arrange(RIGHT, buff=0.4)
        closing.next_to(VGroup(*self.cells), DOWN, buff=0.6).set_x(0)
        frame = SurroundingRectangle(rule, buff=0.15, color=palette.STEP, stroke_width=2)
        with self.voiceover("Every row feeds one rule. The new weight is the old weight minus "
                            "the learning rate times the slope."):
            self.play(self.marker.animate.set_opacity(0), FadeIn(lead), run_time=1.0)
            self.play(Write(rule), run_time=1.5)
            self.play(Create(frame), run_time=1.0)
