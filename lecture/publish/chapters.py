"""Chapters for the description, from the lecture's scenes and sections.

YouTube shows chapters only when the description lists at least three
timestamps, the first at 0:00, ascending, each chapter at least 10 s long.
Beats shorter than that are merged into a neighbour here, so the list we write
is one YouTube keeps.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lecture.delivery import spec
from lecture.publish.errors import PublishError
from lecture.publish.render import SceneEntry

# Names Manim gives sections nobody named: no title to show, so no beat.
UNNAMED_SECTIONS = {"", "autocreated", "unnamed"}


@dataclass(frozen=True)
class Chapter:
    start: int  # whole seconds: descriptions carry whole-second timestamps
    title: str
    scene: str


def humanise(name: str) -> str:
    """'SignOfGradient' -> 'Sign of gradient'; 'learning_rate' -> 'Learning rate'."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|_+|-+", " ", name).split()
    if not words:
        return name
    text = " ".join([words[0]] + [w.lower() if not w.isupper() else w for w in words[1:]])
    return text[0].upper() + text[1:]


def beats(scenes: tuple[SceneEntry, ...], titles: Mapping[str, str]) -> list[Chapter]:
    """One beat per scene, and one per named section after a scene's first.

    `titles` maps a scene name, or "Scene/section", to the title to show;
    otherwise the name is humanised.
    """
    known = {s.name for s in scenes} | {f"{s.name}/{sec.name}" for s in scenes for sec in s.sections}
    unknown = sorted(set(titles) - known)
    if unknown:
        raise PublishError(f"lecture.toml [chapters] names {unknown[0]!r}, which is not a scene "
                           f"(or Scene/section) of the render; scenes: {', '.join(s.name for s in scenes)}")
    out: list[Chapter] = []
    for scene in scenes:
        title = titles.get(scene.name) or humanise(scene.name)
        out.append(Chapter(round(scene.offset), title, scene.name))
        for section in scene.sections[1:]:
            if section.name.strip().lower() in UNNAMED_SECTIONS:
                continue
            key = f"{scene.name}/{section.name}"
            out.append(Chapter(round(section.start), titles.get(key) or humanise(section.name), scene.name))
    return out


def _lengths(chapters: list[Chapter], duration: float) -> list[float]:
    ends = [c.start for c in chapters[1:]] + [duration]
    return [end - c.start for c, end in zip(chapters, ends)]


def merge_short(chapters: list[Chapter], duration: float,
                minimum: float = spec.CHAPTER_MIN_SECONDS) -> list[Chapter]:
    """Merge beats shorter than `minimum` into a neighbour until none is left.

    The shortest beat goes first. It joins the neighbour from its own scene
    if there is one (a short closing section belongs to its scene), else the
    shorter neighbour. The merged chapter starts where the earlier one did and
    takes the title of the longer of the two, except that a scene's opening
    chapter keeps the scene's title when a short beat of its own is merged in.
    """
    # Beats at the same second or past the end carry nothing: drop them first.
    kept: list[Chapter] = []
    for c in sorted(chapters, key=lambda c: c.start):
        if c.start >= duration:
            continue
        if kept and c.start <= kept[-1].start:
            continue
        kept.append(c)
    if not kept:
        return []
    kept[0] = Chapter(0, kept[0].title, kept[0].scene)

    while len(kept) > 1:
        lengths = _lengths(kept, duration)
        i = min(range(len(kept)), key=lambda k: lengths[k])
        if lengths[i] >= minimum:
            break
        neighbours = [j for j in (i - 1, i + 1) if 0 <= j < len(kept)]
        same_scene = [j for j in neighbours if kept[j].scene == kept[i].scene]
        j = min(same_scene or neighbours, key=lambda k: (lengths[k], k))
        a, b = sorted((i, j))
        opens_scene = a == 0 or kept[a - 1].scene != kept[a].scene
        if opens_scene and kept[a].scene == kept[b].scene:
            keep = kept[a]  # a scene's first chapter keeps the scene's title
        else:
            keep = kept[b] if lengths[b] > lengths[a] else kept[a]
        kept[a:b + 1] = [Chapter(kept[a].start, keep.title, keep.scene)]
    return kept


def timestamp(seconds: int, hours: bool = False) -> str:
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if hours else f"{m}:{s:02d}"


def chapter_lines(chapters: list[Chapter], duration: float) -> str:
    hours = duration >= 3600
    return "\n".join(f"{timestamp(c.start, hours)} {c.title}" for c in chapters)


_LINE = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})\s+(\S.*)$")


def parse_description(description: str) -> list[tuple[int, str]]:
    """The (seconds, title) chapter timestamps a description lists, in order.

    Reads it the way a viewer's player does: lines that begin with m:ss or
    h:mm:ss followed by a title.
    """
    found = []
    for line in description.splitlines():
        m = _LINE.match(line)
        if m:
            h, mins, secs, title = m.groups()
            found.append((int(h or 0) * 3600 + int(mins) * 60 + int(secs), title.strip()))
    return found
