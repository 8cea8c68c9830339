"""Run a scene in-process without drawing or encoding, and snapshot what is on screen.

ProbeRenderer replaces Manim's Cairo renderer for one scene. Each ``play`` and
``wait`` runs exactly as in a render (same animations, same updaters), but
instead of rasterising frames it reads every visible glyph at a few moments
inside the animation and once at its end. Sections and subcaptions are
recorded by a stand-in file writer that writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import srt
from manim import DecimalNumber, MarkupText, Paragraph, SingleStringMathTex, Text
from manim.mobject.text.tex_mobject import MathTexPart
from manim.renderer.cairo_renderer import CairoRenderer

from tests.screen import glyphs

INSIDE_SAMPLES = 3  # moments read inside every animation, besides its end


@dataclass(frozen=True)
class Label:
    """One text object as drawn: its glyphs in reading order and their text."""

    family: str
    glyphs: tuple[glyphs.Glyph, ...]
    text: str
    numbers: tuple[str, ...]
    kind: str  # the Manim class of the object, for reports only

    @property
    def box(self) -> tuple[float, float, float, float]:
        return (min(g.x0 for g in self.glyphs), min(g.y0 for g in self.glyphs),
                max(g.x1 for g in self.glyphs), max(g.y1 for g in self.glyphs))

    @property
    def size(self) -> float:
        """The font size the glyphs imply (median over recognised glyphs)."""
        sizes = [g.size for g in self.glyphs if g.char != "?"]
        return float(np.median(sizes)) if sizes else 0.0


@dataclass(frozen=True)
class Moment:
    """What was on screen at one instant."""

    play: int  # 0-based index of the play/wait call
    time: float  # scene time in seconds
    section: str
    inside: bool  # True inside an animation, False at its end
    labels: tuple[Label, ...]
    start: float = 0.0  # scene time at which this animation began
    is_wait: bool = False  # the animation is a wait: what it ends on was shown from its start

    @property
    def numbers(self) -> list[str]:
        return [n for label in self.labels for n in label.numbers]

    def where(self) -> str:
        when = "inside" if self.inside else "end of"
        return f"{when} animation {self.play} at t={self.time:.2f}s, section {self.section!r}"


@dataclass
class Section:
    name: str
    skip_animations: bool = False


class ProbeFileWriter:
    """Stands in for SceneFileWriter: keeps sections and subcaptions, writes nothing."""

    def __init__(self, output_spec: Any) -> None:
        self.output_spec = output_spec
        self.sections: list[Section] = [Section("autocreated")]
        self.subcaptions: list[srt.Subtitle] = []

    def next_section(self, name: str, section_type: str, skip_animations: bool) -> None:
        self.sections.append(Section(name, skip_animations))

    def abort_encode_jobs(self, **_: Any) -> None:
        pass

    def __getattr__(self, name: str) -> Any:  # any writing call is a no-op
        return lambda *a, **k: None


def text_family(mob: Any) -> str | None:
    """The font family a text object draws with, or None if it is not text."""
    if isinstance(mob, (Text, MarkupText, Paragraph)):
        return glyphs.TEXT
    # A MathTexPart is a piece of a formula animated on its own (formula[2]).
    if isinstance(mob, (SingleStringMathTex, MathTexPart, DecimalNumber)):
        return glyphs.TEX
    return None


def _visible(leaf: Any) -> bool:
    opacity = max(float(leaf.get_fill_opacity()), float(leaf.get_stroke_opacity()))
    return opacity >= 0.35 and len(leaf.points) >= 4


def read_labels(mobjects: list[Any]) -> tuple[Label, ...]:
    """Every text object among ``mobjects`` (outermost ones), read from its glyph outlines."""
    from tests.screen.reading import assemble

    labels: list[Label] = []
    seen: set[int] = set()

    def visit(mob: Any) -> None:
        if id(mob) in seen:
            return
        seen.add(id(mob))
        family = text_family(mob)
        if family is None:
            for sub in mob.submobjects:
                visit(sub)
            return
        alphabet = glyphs.alphabet(family)
        drawn = [alphabet.read(leaf.points) for leaf in mob.family_members_with_points()
                 if _visible(leaf)]
        if drawn:
            labels.append(assemble(family, drawn, type(mob).__name__))

    for mob in mobjects:
        visit(mob)
    return tuple(labels)


@dataclass
class Recording:
    scene: str
    moments: list[Moment] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    section_starts: list[float] = field(default_factory=list)
    subcaptions: list[srt.Subtitle] = field(default_factory=list)
    duration: float = 0.0
    narration: list[dict[str, Any]] = field(default_factory=list)  # NarratedScene.narration


class ProbeRenderer(CairoRenderer):
    """A renderer that reads the screen instead of drawing it."""

    def __init__(self, recording: Recording) -> None:
        super().__init__()
        self.recording = recording

    def init_scene(self, scene: Any, session_spec: Any, file_writer_settings: Any) -> None:
        self.file_writer = ProbeFileWriter(session_spec.output)

    def _section(self) -> str:
        name = self.file_writer.sections[-1].name
        rec = self.recording
        if not rec.sections or rec.sections[-1] != name:
            rec.sections.append(name)
            rec.section_starts.append(self.time)
        return name

    def _snap(self, scene: Any, t: float, inside: bool) -> None:
        from manim import Wait

        labels = read_labels(list(scene.mobjects) + list(scene.foreground_mobjects))
        is_wait = bool(scene.animations) and all(isinstance(a, Wait) for a in scene.animations)
        self.recording.moments.append(Moment(self.num_plays, round(self.time + t, 6), self._section(),
                                             inside, labels, self.time, is_wait))

    def play(self, scene: Any, *args: Any, **kwargs: Any) -> None:
        self.update_skipping_status()
        scene.compile_animation_data(*args, **kwargs)
        scene.begin_animations()
        duration = scene.duration
        if not scene.is_current_animation_frozen_frame():
            for t in np.linspace(0, duration, INSIDE_SAMPLES + 2)[1:-1]:
                scene.update_to_time(float(t))
                self._snap(scene, float(t), inside=True)
        for animation in scene.animations:
            animation.finish()
            animation.clean_up_from_scene(scene)
        scene.update_mobjects(0)
        self._snap(scene, duration, inside=False)
        self.time += duration
        self.num_plays += 1

    def update_frame(self, *args: Any, **kwargs: Any) -> None:
        pass

    def render(self, *args: Any, **kwargs: Any) -> None:
        pass

    def scene_finished(self, scene: Any) -> None:
        rec = self.recording
        if self.num_plays == 0:  # a still: read its one frame
            scene.animations = None
            self._snap(scene, 0.0, inside=False)
        rec.subcaptions = list(self.file_writer.subcaptions)
        rec.duration = self.time
        rec.narration = list(getattr(scene, "narration", []))


def record(scene_cls: type) -> Recording:
    """Run ``scene_cls`` through the probe and return everything it showed."""
    recording = Recording(scene_cls.__name__)
    scene = scene_cls(renderer=ProbeRenderer(recording))
    scene.render()
    return recording


__all__ = ["Label", "Moment", "Recording", "record", "read_labels"]
