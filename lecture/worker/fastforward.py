"""Render one window of a scene (a chunk, or one section) with the frames a full render makes.

Why a renderer of our own: Manim can start a render part-way (``-n``, or a
section with ``skip_animations``), but a skipped animation advances the clock
in one jump of its whole duration and runs its updaters once. A scene whose
updaters use ``dt``, whose code reads ``self.time`` or ``renderer.time`` (the
narration places its clips there), or that draws random numbers per frame is
then in a different state when drawing starts, so its frames differ from those
of a full render. Manim's own per-animation cache skips the same way, which is
why the pipeline renders with --disable_caching.

``WindowRenderer`` fast-forwards instead: before the window, every animation
runs frame by frame exactly as in a full render (the same time steps, the same
updater calls, the clock advanced by one frame per frame with the same floating
point operations), but nothing is drawn and nothing is encoded. The window is
given in ``next_section`` calls: it starts at call ``start`` (0: the start of
the scene) or at the first section named ``section``, and ends just before call
``end`` (None: the end of the scene, or of the named section). A window whose
start the scene never reaches is empty (no frames, no video).

While it renders, it records the window's own part of what the scene produces,
in scene time: its sections (in frames, with the call that opened them), its
captions, and its narration lines; ``window_result`` returns them. Those are what
lecture/build/chunks.py merges, so a scene rendered in chunks reports exactly what a
render in one piece does.
"""

from __future__ import annotations

from typing import Any

from manim import config
from manim.renderer.cairo_renderer import CairoRenderer
from manim.utils.exceptions import EndSceneEarlyException

from lecture.core.records import RenderReport, ReportSection, Window


class SectionNotFound(RuntimeError):
    """The named section never started; the message lists the scene's sections."""


class WindowRenderer(CairoRenderer):
    """A CairoRenderer that draws and encodes only a window of the scene (see above).

    Not constructed directly: ``install`` turns a scene's own renderer into one, so
    the scene keeps the camera it chose.
    """

    def _setup(self, scene, start: int, end: int | None, section: str | None) -> None:
        self.start, self.end, self.section = start, end, section
        self.forwarding = section is not None or start > 0
        self.calls = 0  # next_section calls so far (the scene's start counts as call 0)
        self.frames = 0  # frames a full render has written by now
        self.first_frame = 0
        self.window_start_time = 0.0
        self.seen_sections: list[str] = []
        self.sections: list[dict[str, Any]] = []
        self._scene = scene
        self._from = {"captions": 0, "narration": 0}
        self._to: dict[str, int] | None = None
        writer = self.file_writer
        self._write = {name: getattr(writer, name) for name in
                       ("next_section", "begin_animation", "end_animation",
                        "add_partial_movie_file", "add_sound")}
        writer.next_section = self._next_section
        writer.begin_animation = self._begin_animation
        writer.end_animation = self._end_animation
        writer.add_partial_movie_file = self._add_partial_movie_file
        writer.add_sound = self._add_sound
        if not self.forwarding:
            self._open_section("autocreated")

    def _counts(self) -> dict[str, int]:
        narration = getattr(self._scene, "narration", None)
        return {"captions": len(self.file_writer.subcaptions),
                "narration": len(narration) if narration is not None else 0}

    # -- sections: where the window starts and ends ---------------------------------------

    def _next_section(self, name: str, type_: str, skip_animations: bool) -> None:
        self.calls += 1
        if not self.forwarding and self._ends_here(name):
            self._close_window()
            raise EndSceneEarlyException()
        if self.forwarding and self._starts_here(name):
            self.forwarding = False
            self.first_frame = self.frames
            self.window_start_time = self.time
            self._from = self._counts()
        self._write["next_section"](name, type_, skip_animations)
        if not self.forwarding:
            self._open_section(name)
        else:
            self.seen_sections.append(name)

    def _starts_here(self, name: str) -> bool:
        return name == self.section if self.section is not None else self.calls == self.start

    def _ends_here(self, name: str) -> bool:
        if self.section is not None:
            return True  # a one-section window ends at the next section
        return self.end is not None and self.calls >= self.end

    def _open_section(self, name: str) -> None:
        if self.sections and self.sections[-1]["frames"] == 0:
            self.sections.pop()  # Manim drops empty sections too
        self.sections.append({"name": name, "call": self.calls, "first_frame": self.frames,
                              "frames": 0})

    def _close_window(self) -> None:
        if self._to is None:
            self._to = self._counts()
            if self.sections and self.sections[-1]["frames"] == 0:
                self.sections.pop()

    # -- what is skipped while fast-forwarding --------------------------------------------

    def _begin_animation(self, allow_write: bool = False, **kwargs: Any) -> None:
        self._write["begin_animation"](allow_write and not self.forwarding, **kwargs)

    def _end_animation(self, allow_write: bool = False) -> None:
        self._write["end_animation"](allow_write and not self.forwarding)

    def _add_partial_movie_file(self, hash_animation: str | None) -> None:
        self._write["add_partial_movie_file"](None if self.forwarding else hash_animation)

    def _add_sound(self, sound_file, time: float | None = None, gain: float | None = None,
                   **kwargs: Any) -> None:
        if self.forwarding:
            return  # the sound of a skipped part is not in this window's video
        if time is not None:
            time -= self.window_start_time  # the window's video starts at its own zero
        self._write["add_sound"](sound_file, max(0.0, time) if time is not None else None,
                                 gain, **kwargs)

    def update_frame(self, scene, *args: Any, **kwargs: Any) -> None:
        if not self.forwarding:
            super().update_frame(scene, *args, **kwargs)

    def save_static_frame_data(self, scene, static_mobjects):
        if self.forwarding:
            self.static_image = None
            return None
        return super().save_static_frame_data(scene, static_mobjects)

    def get_frame(self):
        return None if self.forwarding else super().get_frame()

    def add_frame(self, frame, num_frames: int = 1) -> None:
        if self.skip_animations:
            return  # Manim's own skipping (a still image, a skipped section): unchanged
        if self.forwarding:
            dt = 1 / self.camera.frame_rate
            self.time += num_frames * dt  # the very operation CairoRenderer.add_frame does
        else:
            super().add_frame(frame, num_frames)
            if self.sections:
                self.sections[-1]["frames"] += num_frames
        self.frames += num_frames

    def scene_finished(self, scene) -> None:
        if self.forwarding and self.section is not None:
            names = ", ".join(n for n in dict.fromkeys(self.seen_sections)) or "none"
            raise SectionNotFound(f"{type(scene).__name__} has no section named "
                                  f"{self.section!r}; its sections: {names}")
        if self.forwarding:
            # The scene ended before the window's first section call (it has fewer
            # sections than when its chunks were planned): an empty window.
            self.forwarding = False
            self.first_frame = self.frames
            self._from = self._counts()
        self._close_window()
        super().scene_finished(scene)


def install(scene, start: int = 0, end: int | None = None,
            section: str | None = None) -> WindowRenderer:
    """Make ``scene`` render only the given window (call before ``scene.render()``);
    ManimChanged when the Manim code the window renderer builds on is not the reviewed code."""
    from lecture.worker import patches

    patches.check("window renderer")
    renderer = scene.renderer
    if type(renderer) is not CairoRenderer:
        raise RuntimeError(f"rendering a window needs Manim's Cairo renderer, not "
                           f"{type(renderer).__name__}")
    renderer.__class__ = WindowRenderer
    renderer._setup(scene, start, end, section)
    return renderer


def window_result(renderer: WindowRenderer, scene) -> RenderReport:
    """The window's own share of the scene, in scene time (frames and microseconds)."""
    lo, hi = renderer._from, renderer._to or renderer._counts()
    captions = renderer.file_writer.subcaptions[lo["captions"]:hi["captions"]]
    narration = getattr(scene, "narration", None)
    return RenderReport(
        fps=str(config.frame_rate),
        window=Window(renderer.start, renderer.end, renderer.section),
        first_frame=renderer.first_frame,
        frames=renderer.frames - renderer.first_frame,
        start_time=renderer.window_start_time,
        sections=[ReportSection(**s) for s in renderer.sections],
        captions=[[sub.index, _us(sub.start), _us(sub.end), sub.content] for sub in captions],
        narration=None if narration is None else narration[lo["narration"]:hi["narration"]],
    )


def _us(delta) -> int:
    """A timedelta in whole microseconds (exact: that is its resolution)."""
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
