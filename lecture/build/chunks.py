"""A scene in chunks: what a chunk is, where finished chunks wait, and one scene from them.

A chunk is a window of a scene between two ``next_section`` calls (see
lecture/worker/fastforward.py); its render reports its own frames, sections, captions
and narration in scene time. ``merge`` turns the reports of a scene's windows,
in order, into the one report a render in one piece gives; the videos are
joined by stream copy (each window's video starts with a key frame: Manim
encodes every animation as its own segment).

Finished chunks are kept in media/lecture/chunks/<quality>/<Scene>/ under their
key (the scene's key and the window), so an interrupted build renders only the
chunks it lacks; they are removed once the scene is put together.

Nothing here imports Manim.
"""

from __future__ import annotations

import shutil
from fractions import Fraction
from pathlib import Path
from typing import Any

from lecture.core.records import ChunkEntry, RecordError, RenderReport, SceneSection, SplitPoint
from lecture.core import store
from lecture.core.store import Stamp
from lecture.run.local import Chunk  # noqa: F401 - the chunk a job renders


def merge(reports: list[RenderReport]) -> RenderReport:
    """One scene's report from its windows' reports, in order.

    Frames must follow on exactly: a window starts at the frame where the one
    before it ended. Sections, captions and narration lines are already in scene
    time, so they are joined as they are. The result has the same shape as a
    window's report, for a window that is the whole scene.
    """
    if not reports:
        raise ValueError("no chunks to merge")
    fps = reports[0].frame_rate
    frames = 0
    sections, captions, narration = [], [], None
    for i, report in enumerate(reports):
        if report.frame_rate != fps:
            raise ValueError(f"chunk {i + 1} was rendered at {report.fps} fps, not {fps}")
        if report.first_frame != frames:
            raise ValueError(f"chunk {i + 1} starts at frame {report.first_frame}, but the "
                             f"chunks before it end at frame {frames}")
        frames += report.frames
        sections.extend(report.sections)
        captions.extend(report.captions)
        if report.narration is not None:
            narration = (narration or []) + list(report.narration)
    return RenderReport(fps=reports[0].fps, first_frame=0, frames=frames, sections=sections,
                        captions=captions, narration=narration)


def captions_srt(captions: list[list[Any]]) -> str:
    """SRT text of a report's captions, as Manim writes its own subcaption file."""
    import datetime

    import srt

    subs = [srt.Subtitle(index=index, start=datetime.timedelta(microseconds=start),
                         end=datetime.timedelta(microseconds=end), content=content)
            for index, start, end, content in captions]
    return srt.compose(subs)


def sections_in_seconds(report: RenderReport, scene: str,
                        duration: Fraction) -> list[SceneSection]:
    """The cache's scene-relative sections (in seconds) from a report."""
    fps = report.frame_rate
    sections: list[list[Any]] = []  # name, start, end
    for s in report.sections:
        start = Fraction(s.first_frame) / fps
        sections.append([scene if s.name == "autocreated" else s.name, start,
                         start + Fraction(s.frames) / fps])
    if not sections:
        sections = [[scene, Fraction(0), duration]]
    sections[-1][2] = duration
    return [SceneSection(name, round(float(start), 6), round(float(min(end, duration)), 6))
            for name, start, end in sections]


def split_points(report: RenderReport) -> list[SplitPoint]:
    """Where the scene may be cut, for the next plan: each section's call and start."""
    fps = report.frame_rate
    return [SplitPoint(s.call, round(float(Fraction(s.first_frame) / fps), 6))
            for s in report.sections]


class ChunkStore:
    """Finished chunks of one quality, waiting for the rest of their scene."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, scene: str, chunk: Chunk, key: str) -> tuple[Path, Path]:
        base = self.folder / scene / f"{chunk.index:03d}-{key[:16]}"
        return base.with_suffix(".mp4"), base.with_suffix(".json")

    def get(self, scene: str, chunk: Chunk, key: str) -> ChunkEntry | None:
        """A finished chunk (its report, and its video where it is now), or None."""
        video, record = self._paths(scene, chunk, key)
        try:
            entry = ChunkEntry.read(record)
        except RecordError:  # damaged, or kept by another version: rendered again
            return None
        if entry is None or entry.key != key:
            return None
        if entry.report.frames and (entry.video_stamp is None
                                    or not entry.video_stamp.matches(video)):
            return None
        return entry.replace(video=str(video))

    def put(self, scene: str, chunk: Chunk, key: str, video: Path | None, report: RenderReport,
            voice_seconds: float = 0.0, drawing_seconds: float = 0.0) -> ChunkEntry:
        """Keep a finished chunk: its video moved in (same file system), then its record.

        An empty chunk (the scene ended before it began) has no video."""
        final, record = self._paths(scene, chunk, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        stamp = None
        if report.frames:
            if video is None or not video.is_file():
                raise RuntimeError(f"chunk {chunk.index + 1} has {report.frames} frames "
                                   "but no video")
            store.commit(video, final)
            stamp = Stamp.of(final)
        entry = ChunkEntry(key, report, stamp, voice_seconds, drawing_seconds)
        entry.write(record)
        return entry.replace(video=str(final))

    def drop(self, scene: str) -> None:
        shutil.rmtree(self.folder / scene, ignore_errors=True)
