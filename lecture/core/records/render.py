"""What a render job asks for and what it reports back (lecture/worker/render.py).

``Window`` is the job's input: the part of the scene to render. ``RenderReport``
is the render's account of that part, in scene time; ``Outcome`` is the whole
RESULT.json a worker writes (the report, the video, or where it failed).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from lecture.core.records.base import Record


@dataclass(frozen=True)
class Window(Record):
    """next_section calls [start, end), or the section named `section`; see
    lecture/worker/fastforward.py. `tag` names the render's own video folders."""

    start: int = 0
    end: int | None = None
    section: str | None = None
    tag: str | None = None


@dataclass(frozen=True)
class ReportSection(Record):
    """A section of a render, in frames, with the next_section call that opened it."""

    VERSIONED = False

    name: str
    call: int
    first_frame: int
    frames: int


@dataclass(frozen=True)
class RenderReport(Record):
    """A render's own frames, sections, captions and narration lines, in scene time.

    Captions are [index, start µs, end µs, text] as Manim numbers them."""

    fps: str
    first_frame: int
    frames: int
    sections: list[ReportSection]
    captions: list[list[Any]]
    narration: list[dict[str, Any]] | None
    start_time: float = 0.0
    window: Window | None = None  # the window asked for; None for a merged report

    @property
    def frame_rate(self) -> Fraction:
        return Fraction(self.fps).limit_denominator(1001)


@dataclass(frozen=True)
class Outcome(Record):
    """RESULT.json: what one render did. Files are paths on the worker's machine."""

    SPARSE = ("video", "captions", "sections", "narration", "frame_rate", "voice_seconds",
              "drawing_seconds", "report", "type", "message", "file", "line", "code")

    ok: bool
    video: str | None = None
    captions: str | None = None
    sections: str | None = None
    narration: list[dict[str, Any]] | None = None
    frame_rate: float | None = None
    voice_seconds: float | None = None
    drawing_seconds: float | None = None
    report: RenderReport | None = None
    # where and why it failed
    type: str | None = None
    message: str | None = None
    file: str | None = None
    line: int | None = None
    code: str | None = None

    @classmethod
    def failure(cls, type: str, message: str, **where: Any) -> "Outcome":
        return cls(ok=False, type=type, message=message, **where)

    @classmethod
    def of_worker(cls, path: Path) -> "Outcome | None":
        """A worker's RESULT.json: None when it wrote none (it died); a failure, saying
        why, when the file is not an Outcome this version reads."""
        outcome, unreadable = cls.load(path)
        return cls.failure("RecordError", unreadable) if unreadable else outcome

