"""From glyphs to text and numbers, and the assertions scene tests make.

Reading order: glyphs are grouped into lines by vertical overlap, each line is
read left to right. Numbers are runs of digits and a decimal point at one script
level (so the 1 of W_1 and the 3 of 0.25^3 are numbers of their own). A minus
sign belongs to the number after it when it is unary: nothing, an operator or
an opening bracket stands before it, or the script level changes (10^{-7}), as
TeX itself decides between unary and binary minus.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tests.screen.glyphs import Glyph
from tests.screen.probe import Label, Moment, Recording

# What a binary minus can follow: digits, letters, closing brackets and the like.
OPERAND = set("0123456789)]|!'σηαθℓ∂∇∞%}abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
NUMBER_CHARS = set("0123456789.")
DOTS = {".", "·"}


def _lines(drawn: list[Glyph]) -> list[list[Glyph]]:
    """Group glyphs into lines, tallest first: each glyph joins the line it overlaps most
    (by 40% of its height, or at all if it is small like a comma, a point or a script)."""
    lines: list[tuple[float, float, list[Glyph]]] = []
    for g in sorted(drawn, key=lambda g: -g.height):
        best, best_share = None, 0.0
        for i, (lo, hi, _) in enumerate(lines):
            share = (min(hi, g.y1) - max(lo, g.y0)) / max(g.height, 1e-9)
            small = g.height < 0.5 * (hi - lo)  # commas, points, signs, scripts
            if share > best_share and (share >= 0.4 or small):
                best, best_share = i, share
        if best is None:
            lines.append((g.y0, g.y1, [g]))
        else:
            lines[best][2].append(g)
    ordered = sorted(lines, key=lambda line: -(line[0] + line[1]))  # top line first
    return [sorted(members, key=lambda g: g.x0) for _, _, members in ordered]


def _digit_height(line: Sequence[Glyph]) -> float:
    digits = [g.height for g in line if g.char.isdigit()]
    if digits:
        return max(digits)
    return float(np.median([g.height for g in line])) if line else 1.0


def _classify_dots(line: list[Glyph], ref: float) -> list[str]:
    """A dot near the baseline is a decimal point; a raised one is a product dot."""
    baseline = np.median([g.y0 for g in line if g.char.isdigit()] or [min(g.y0 for g in line)])
    chars = []
    for g in line:
        c = g.char
        if c in DOTS:
            c = "." if g.cy - baseline < 0.25 * ref else "·"
        chars.append(c)
    return chars


def _levels(line: list[Glyph], ref: float) -> list[int]:
    """0 for full-size glyphs, 1 for scripts (digits smaller than the line's digits)."""
    levels = []
    for g in line:
        small = g.char.isdigit() and g.height < 0.8 * ref
        levels.append(1 if small else 0)
    # A sign or point takes the level of the digit after it (10^{-7}, x_{.5}).
    for i in range(len(line) - 2, -1, -1):
        if not line[i].char.isdigit() and line[i + 1].char.isdigit() and line[i].char in "-.":
            levels[i] = levels[i + 1]
    return levels


def _read_line(line: list[Glyph]) -> tuple[str, list[str]]:
    ref = _digit_height(line)
    chars = _classify_dots(line, ref)
    levels = _levels(line, ref)
    text: list[str] = []
    numbers: list[str] = []
    current: list[str] = []

    def close() -> None:
        token = "".join(current).rstrip(".")
        if any(c.isdigit() for c in token):
            numbers.append(token)
        current.clear()

    for i, (g, c) in enumerate(zip(line, chars)):
        gap = g.x0 - line[i - 1].x1 if i else 0.0
        if i and gap > 0.35 * ref:
            text.append(" ")
        text.append(c)
        wide_gap = i and gap > 1.0 * ref
        level_change = i and levels[i] != levels[i - 1]
        if c in NUMBER_CHARS:
            if current and (wide_gap or level_change):
                close()
            if c == "." and not current:
                continue  # a point with no digit before it is punctuation
            current.append(c)
            continue
        close()
        if c == "-" and i + 1 < len(line) and chars[i + 1].isdigit():
            before = chars[i - 1] if i else None
            gap_after = line[i + 1].x0 - g.x1
            # Binary minus is spaced evenly; a sign hugs its number ("x -2" in prose).
            hugs = i and gap > 2 * gap_after + 0.1 * ref
            unary = (before is None or before not in OPERAND or wide_gap or hugs
                     or levels[i] != levels[i - 1])
            if unary:
                current.append("-")
    close()
    return "".join(text), numbers


def assemble(family: str, drawn: list[Glyph], kind: str) -> Label:
    """A Label from the glyphs of one text object."""
    texts, numbers = [], []
    for line in _lines(drawn):
        text, nums = _read_line(line)
        texts.append(text)
        numbers.extend(nums)
    return Label(family, tuple(drawn), " / ".join(texts), tuple(numbers), kind)


# --- what scene tests assert ----------------------------------------------------


class ScreenMismatch(AssertionError):
    """What the checker saw differs from what the test says must be drawn."""


@dataclass
class Reading:
    """Everything a scene showed, as read from its glyphs, and assertions about it."""

    recording: Recording

    @property
    def scene(self) -> str:
        return self.recording.scene

    @property
    def sections(self) -> list[str]:
        return [s for s in self.recording.sections if s != "autocreated"] or list(self.recording.sections)

    @property
    def moments(self) -> list[Moment]:
        return self.recording.moments

    def ends(self, section: str) -> list[Moment]:
        """The end-of-animation moments of a section, in order."""
        self._check_section(section)
        return [m for m in self.moments if m.section == section and not m.inside]

    def inside(self, section: str) -> list[Moment]:
        self._check_section(section)
        return [m for m in self.moments if m.section == section and m.inside]

    def end_of(self, section: str) -> Moment:
        ends = self.ends(section)
        if not ends:
            raise ScreenMismatch(f"{self.scene}: section {section!r} plays no animation")
        return ends[-1]

    def _check_section(self, section: str) -> None:
        if section not in self.recording.sections:
            close = difflib.get_close_matches(section, self.sections, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ScreenMismatch(f"{self.scene}: no section {section!r}{hint}; sections: {self.sections}")

    def report(self, moment: Moment, expected: Iterable[str], problem: str) -> str:
        drawn = [f"    {lab.kind}: {lab.text!r} -> numbers {list(lab.numbers)}"
                 for lab in moment.labels if lab.text.strip()]
        return (f"{self.scene}, {moment.where()}: {problem}\n"
                f"  expected numbers: {sorted(expected)}\n"
                f"  drawn numbers:    {sorted(moment.numbers)}\n"
                f"  drawn text:\n" + ("\n".join(drawn) or "    (nothing)"))

    @staticmethod
    def _diff(moment: Moment, expected: Sequence[str], also_allowed: Sequence[str]) -> str | None:
        want, got = Counter(expected), Counter(moment.numbers)
        missing = want - got
        extra = got - want - Counter(also_allowed)
        if not missing and not extra:
            return None
        parts = []
        if missing:
            parts.append(f"missing {sorted(missing.elements())}")
        if extra:
            parts.append(f"unexpected {sorted(extra.elements())}")
        return "; ".join(parts)

    def expect(self, section: str, numbers: Sequence[str], also_allowed: Sequence[str] = ()) -> None:
        """At the end of ``section``, exactly ``numbers`` (a multiset) are drawn."""
        moment = self.end_of(section)
        problem = self._diff(moment, numbers, also_allowed)
        if problem:
            raise ScreenMismatch(self.report(moment, numbers, problem))

    def expect_steps(self, section: str, steps: Sequence[Sequence[str]],
                     also_allowed: Sequence[str] = ()) -> None:
        """Each multiset in ``steps`` is exactly what is drawn at the end of some
        animation of ``section``, in this order."""
        ends = self.ends(section)
        i = 0
        for n, step in enumerate(steps):
            while i < len(ends) and self._diff(ends[i], step, also_allowed):
                i += 1
            if i == len(ends):
                # Report against the end moment closest to what was expected.
                best = min(ends, key=lambda m: sum(((Counter(step) - Counter(m.numbers))
                                                    + (Counter(m.numbers) - Counter(step))).values()))
                raise ScreenMismatch(self.report(
                    best, step, f"step {n + 1} of {len(steps)} is never drawn exactly "
                                f"({self._diff(best, step, also_allowed)} at the closest moment)"))
            i += 1

    def all_numbers(self) -> Iterable[tuple[Moment, str]]:
        for moment in self.moments:
            for number in moment.numbers:
                yield moment, number


__all__ = ["Reading", "ScreenMismatch", "assemble"]
