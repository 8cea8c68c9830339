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

from lecture.core import store
from lecture.run.local import Chunk  # noqa: F401 - the chunk a job renders


def frame_rate(report: dict[str, Any]) -> Fraction:
    return Fraction(report["fps"]).limit_denominator(1001)


def merge(reports: list[dict[str, Any]]) -> dict[str, Any]:
    """One scene's report from its windows' reports, in order.

    Frames must follow on exactly: a window starts at the frame where the one
    before it ended. Sections, captions and narration lines are already in scene
    time, so they are joined as they are. The result has the same shape as a
    window's report, for a window that is the whole scene.
    """
    if not reports:
        raise ValueError("no chunks to merge")
    fps = frame_rate(reports[0])
    frames = 0
    merged: dict[str, Any] = {"fps": reports[0]["fps"], "first_frame": 0, "sections": [],
                              "captions": [], "narration": None}
    for i, report in enumerate(reports):
        if frame_rate(report) != fps:
            raise ValueError(f"chunk {i + 1} was rendered at {report['fps']} fps, not {fps}")
        if report["first_frame"] != frames:
            raise ValueError(f"chunk {i + 1} starts at frame {report['first_frame']}, but the "
                             f"chunks before it end at frame {frames}")
        frames += report["frames"]
        merged["sections"].extend(report["sections"])
        merged["captions"].extend(report["captions"])
        if report.get("narration") is not None:
            merged["narration"] = (merged["narration"] or []) + list(report["narration"])
    merged["frames"] = frames
    return merged


def captions_srt(captions: list[list[Any]]) -> str:
    """SRT text of a report's captions, as Manim writes its own subcaption file."""
    import datetime

    import srt

    subs = [srt.Subtitle(index=index, start=datetime.timedelta(microseconds=start),
                         end=datetime.timedelta(microseconds=end), content=content)
            for index, start, end, content in captions]
    return srt.compose(subs)


def sections_in_seconds(report: dict[str, Any], scene: str,
                        duration: Fraction) -> list[dict[str, Any]]:
    """The cache's scene-relative sections ({name, start, end} in seconds) from a report."""
    fps = frame_rate(report)
    sections = []
    for s in report["sections"]:
        name = scene if s["name"] == "autocreated" else s["name"]
        start = Fraction(s["first_frame"]) / fps
        sections.append({"name": name, "start": start, "end": start + Fraction(s["frames"]) / fps})
    if not sections:
        sections = [{"name": scene, "start": Fraction(0), "end": duration}]
    sections[-1]["end"] = duration
    return [{"name": s["name"], "start": round(float(s["start"]), 6),
             "end": round(float(min(s["end"], duration)), 6)} for s in sections]


def split_points(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Where the scene may be cut, for the next plan: each section's call and start."""
    fps = frame_rate(report)
    return [{"call": s["call"], "start": round(float(Fraction(s["first_frame"]) / fps), 6)}
            for s in report["sections"]]


class ChunkStore:
    """Finished chunks of one quality, waiting for the rest of their scene."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, scene: str, chunk: Chunk, key: str) -> tuple[Path, Path]:
        base = self.folder / scene / f"{chunk.index:03d}-{key[:16]}"
        return base.with_suffix(".mp4"), base.with_suffix(".json")

    def get(self, scene: str, chunk: Chunk, key: str) -> dict[str, Any] | None:
        """A finished chunk's record (its report and video), or None."""
        video, record = self._paths(scene, chunk, key)
        data = store.read_json(record)
        if not data or data.get("key") != key or "report" not in data:
            return None
        if data["report"].get("frames"):
            stamp = store.Stamp.from_dict(data.get("video_stamp"))
            if stamp is None or not stamp.matches(video):
                return None
        return {**data, "video": str(video)}

    def put(self, scene: str, chunk: Chunk, key: str, video: Path | None,
            report: dict[str, Any]) -> dict[str, Any]:
        """Keep a finished chunk: its video moved in (same file system), then its record.

        An empty chunk (the scene ended before it began) has no video."""
        final, record = self._paths(scene, chunk, key)
        final.parent.mkdir(parents=True, exist_ok=True)
        data: dict[str, Any] = {"key": key, "report": report, "video_stamp": None}
        if report.get("frames"):
            if video is None or not video.is_file():
                raise RuntimeError(f"chunk {chunk.index + 1} has {report['frames']} frames "
                                   "but no video")
            store.commit(video, final)
            data["video_stamp"] = store.Stamp.of(final).as_dict()
        store.write_json(record, data)
        return {**data, "video": str(final)}

    def drop(self, scene: str) -> None:
        shutil.rmtree(self.folder / scene, ignore_errors=True)
