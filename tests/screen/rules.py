"""Rules every scene keeps, checked on what the probe read.

Each function returns a list of problems (empty when the scene keeps the rule),
so a test can show them all at once.

Readable size. The floor is Manim font_size 24 (palette.SMALL_SIZE). At 480p a
scene unit is 60 px, and at size 24 a digit or capital is about 10 px tall and
an x-height about 6.5 px: the smallest at which digits stay distinct (3 vs 8, 1
vs 7) in a downscaled, compressed stream. Below that we call text unreadable.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import combinations

from manim import config

from narration.captions import MAX_CHARS, MAX_LINES, MIN_CUE

from tests.screen.probe import Label, Moment
from tests.screen.reading import Reading

SAFE = 0.90  # title-safe: the central 90% of the frame
MIN_FONT_SIZE = 24
SIZE_TOLERANCE = 0.5  # the size is estimated from outlines; allow for rounding
MAX_WORDS_PER_SECOND = 3.0
MIN_HOLD = 1.0  # seconds the final state of a beat stays on screen
MIN_SECTION = 3.0  # seconds, the shortest beat
NEGATIVE_ZERO = re.compile(r"^-0*\.?0*$")
MAX_SILENCE = 3.0  # seconds without speech between two lines, or after the last one


def _overlap(a: Label, b: Label) -> bool:
    for g in a.glyphs:
        for h in b.glyphs:
            w = min(g.x1, h.x1) - max(g.x0, h.x0)
            t = min(g.y1, h.y1) - max(g.y0, h.y0)
            if w > 0.01 and t > 0.01:
                return True
    return False


def layout_problems(reading: Reading) -> list[str]:
    """Title-safe area, overlapping text and readable size, at the end of every animation."""
    half_w = SAFE * config.frame_width / 2
    half_h = SAFE * config.frame_height / 2
    problems: list[str] = []
    for moment in reading.moments:
        if moment.inside:
            continue
        for label in moment.labels:
            x0, y0, x1, y1 = label.box
            if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
                problems.append(f"{moment.where()}: {label.text!r} leaves the title-safe area "
                                f"(box x {x0:.2f}..{x1:.2f}, y {y0:.2f}..{y1:.2f}; "
                                f"allowed |x| <= {half_w:.2f}, |y| <= {half_h:.2f})")
            if label.size and label.size < MIN_FONT_SIZE - SIZE_TOLERANCE:
                problems.append(f"{moment.where()}: {label.text!r} is drawn at font size "
                                f"{label.size:.1f}, below the readable floor {MIN_FONT_SIZE}")
        for a, b in combinations(moment.labels, 2):
            if _overlap(a, b):
                problems.append(f"{moment.where()}: {a.text!r} overlaps {b.text!r}")
    return _dedupe(problems)


def _dedupe(problems: list[str]) -> list[str]:
    """One line per distinct problem (a layout fault often lasts many animations)."""
    seen: dict[str, str] = {}
    for p in problems:
        key = p.split(": ", 1)[1]
        seen.setdefault(key, p)
    return list(seen.values())


def number_problems(reading: Reading) -> list[str]:
    """No negative zero anywhere, at any moment."""
    return _dedupe([f"{m.where()}: {n!r} is a negative zero" for m, n in reading.all_numbers()
                    if NEGATIVE_ZERO.match(n)])


def caption_problems(reading: Reading) -> list[str]:
    """Every beat narrated, at a readable pace, within the scene."""
    rec = reading.recording
    problems: list[str] = []
    if not rec.subcaptions and rec.moments and any(not m.inside for m in rec.moments[1:]):
        problems.append(f"{rec.scene}: no subcaptions")
    for sub in rec.subcaptions:
        start, end = sub.start.total_seconds(), sub.end.total_seconds()
        words = len(sub.content.split())
        if end <= start:
            problems.append(f"{rec.scene}: caption {sub.content!r} has no duration")
            continue
        pace = words / (end - start)
        if pace > MAX_WORDS_PER_SECOND:
            problems.append(f"{rec.scene}: caption {sub.content!r} asks {pace:.1f} words/s "
                            f"({words} words in {end - start:.1f} s); at most {MAX_WORDS_PER_SECOND}")
        if start < -1e-6 or end > rec.duration + 1e-6:
            problems.append(f"{rec.scene}: caption {sub.content!r} runs {start:.1f}..{end:.1f} s, "
                            f"outside the scene (0..{rec.duration:.1f} s)")
    for name, (start, end) in section_spans(reading).items():
        if not any(start - 1e-6 <= s.start.total_seconds() < end for s in rec.subcaptions):
            problems.append(f"{rec.scene}: section {name!r} ({start:.1f}..{end:.1f} s) has no caption")
    return problems


def _shown_at(reading: Reading, t: float) -> set[Fraction]:
    """The numbers on screen at scene time ``t`` (exact values): the last moment read at or before it."""
    before = [m for m in reading.moments if m.time <= t + 1e-6]
    return {Fraction(n) for n in before[-1].numbers} if before else set()


def narration_problems(reading: Reading) -> list[str]:
    """A number the narration says is on screen from the moment its word starts until it ends.

    Uses the real word times of the speech (NarratedScene.narration), so a number
    that appears even a moment after the voice names it is caught.
    """
    problems: list[str] = []
    rec = reading.recording
    if not rec.narration and rec.subcaptions:
        problems.append(f"{rec.scene}: captions without narration (use self.voiceover)")
    for line in rec.narration:
        for token in line["tokens"]:
            for said in token["numbers"]:
                for when in (line["start"] + token["start"], line["start"] + token["end"]):
                    drawn = _shown_at(reading, when)
                    if Fraction(said.replace("\u2212", "-")) not in drawn:
                        problems.append(
                            f"{reading.scene}: {line['caption']!r} says {said} at {when:.2f} s, "
                            f"when it is not on screen (drawn then: {sorted(map(str, drawn))})")
    return _dedupe(problems)


def cue_problems(reading: Reading) -> list[str]:
    """Caption cues: at most 2 lines of 42 characters, at least 1 s, none overlapping the next."""
    subs = sorted(reading.recording.subcaptions, key=lambda s: s.start)
    problems: list[str] = []
    for k, sub in enumerate(subs):
        lines = sub.content.split("\n")
        if len(lines) > MAX_LINES or any(len(line) > MAX_CHARS for line in lines):
            problems.append(f"{reading.scene}: cue {sub.content!r} is more than {MAX_LINES} lines "
                            f"of {MAX_CHARS} characters")
        length = (sub.end - sub.start).total_seconds()
        if length < MIN_CUE - 1e-3:
            problems.append(f"{reading.scene}: cue {sub.content!r} lasts {length:.2f} s "
                            f"(< {MIN_CUE} s)")
        if k + 1 < len(subs) and subs[k + 1].start < sub.end:
            overlap = (sub.end - subs[k + 1].start).total_seconds()
            problems.append(f"{reading.scene}: cue {sub.content!r} overlaps the next cue "
                            f"by {overlap * 1000:.0f} ms")
    return problems


def silence_problems(reading: Reading) -> list[str]:
    """The voice never stops for more than MAX_SILENCE: animations fit their speech."""
    rec = reading.recording
    problems: list[str] = []
    speech = [(line["start"], line["start"] + line["tokens"][-1]["end"], line["caption"])
              for line in rec.narration]
    ends = [(s, e, c) for s, e, c in speech[1:]] + [(rec.duration, rec.duration, "the end")]
    for (start, end, caption), (nxt, _, nxt_caption) in zip(speech, ends):
        if nxt - end > MAX_SILENCE:
            problems.append(f"{rec.scene}: {nxt - end:.1f} s of silence after {caption!r} "
                            f"(until {nxt_caption!r}); at most {MAX_SILENCE} s")
    return problems


def section_spans(reading: Reading) -> dict[str, tuple[float, float]]:
    rec = reading.recording
    spans: dict[str, tuple[float, float]] = {}
    bounds = rec.section_starts[1:] + [rec.duration]
    for name, start, end in zip(rec.sections, rec.section_starts, bounds):
        if end > start:
            spans[name] = (start, end)
    return spans


def section_problems(reading: Reading) -> list[str]:
    """Every beat is a named section, long enough, whose final state stays readable."""
    rec = reading.recording
    problems: list[str] = []
    spans = section_spans(reading)
    if "autocreated" in spans:
        problems.append(f"{rec.scene}: animations before the first next_section(...) call")
    if len(rec.sections) != len(set(rec.sections)):
        problems.append(f"{rec.scene}: section names repeat: {rec.sections}")
    for name, (start, end) in spans.items():
        if name in ("unnamed", "autocreated"):
            continue
        if end - start < MIN_SECTION:
            problems.append(f"{rec.scene}: section {name!r} lasts {end - start:.1f} s (< {MIN_SECTION} s)")
        ends = [m for m in rec.moments if m.section == name and not m.inside]
        changed = _last_change(ends)
        shown = None if changed is None else (changed.start if changed.is_wait else changed.time)
        if shown is not None and end - shown < MIN_HOLD - 1e-6:
            problems.append(f"{rec.scene}: section {name!r} changes the text at {shown:.1f} s "
                            f"and ends at {end:.1f} s: hold it at least {MIN_HOLD} s")
    return problems


def _last_change(ends: list[Moment]) -> Moment | None:
    last = None
    for prev, cur in zip([None, *ends], ends):
        texts = sorted(label.text for label in cur.labels)
        if prev is None or texts != sorted(label.text for label in prev.labels):
            last = cur
    return last
