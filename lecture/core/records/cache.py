"""Records of the build's caches: a scene's entry, a section preview, a finished chunk.

SceneMeta is media/lecture/scenes/<quality>/<Scene>.json, the commit record of
a render (lecture/build/pipeline.py). Its keys are those written before records
had a format, so such a file is read as format 1; one with other keys is
refused and the scene rendered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lecture.core.records.base import Record
from lecture.core.records.render import RenderReport
from lecture.core.store import Stamp


@dataclass(frozen=True)
class SceneSection(Record):
    """A section of a cached scene, in seconds from the scene's start."""

    VERSIONED = False

    name: str
    start: float
    end: float


@dataclass(frozen=True)
class SplitPoint(Record):
    """Where a scene may be cut into chunks: a next_section call and its time."""

    VERSIONED = False

    call: int
    start: float


@dataclass(frozen=True)
class SceneMeta(Record):
    """A scene's cache entry. A still has no duration_exact, size or split points."""

    UNVERSIONED_IS = 1
    SPARSE = ("captions_stamp", "narration_stamp", "duration_exact", "width", "height",
              "frame_rate", "frames", "split_points")

    scene: str
    file: str
    quality: str
    hash: str
    inputs: dict[str, str]
    manim_version: str
    render_seconds: float
    max_rss_kib: int
    cpu_seconds: float
    chunks: int
    drawing_seconds: float | None
    voice_seconds: float | None
    rendered_at: str
    video: str
    video_stamp: Stamp | None
    captions: str | None
    duration: float
    sections: list[SceneSection]
    narration: str | None = None  # the narration manifest's name, in the cache folder
    captions_stamp: Stamp | None = None
    narration_stamp: Stamp | None = None
    duration_exact: str | None = None  # the video's duration as an exact fraction
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    frames: int | None = None
    split_points: list[SplitPoint] | None = None


@dataclass(frozen=True)
class SectionPreview(Record):
    """media/lecture/sections/<quality>/<Scene>/<section>.json (lecture/build/preview.py)."""

    UNVERSIONED_IS = 1

    scene: str
    section: str
    quality: str
    key: str
    video: str
    video_stamp: Stamp | None
    captions: str
    first_frame: int
    frames: int
    start: float
    duration: float
    render_seconds: float
    cpu_seconds: float
    rendered_at: str


@dataclass(frozen=True)
class ChunkEntry(Record):
    """A finished chunk kept for its scene (lecture/build/chunks.py ChunkStore).

    `video` is where its video is now; it is not written (the store knows its place)."""

    LOCAL = ("video",)

    key: str
    report: RenderReport
    video_stamp: Stamp | None
    voice_seconds: float = 0.0
    drawing_seconds: float = 0.0
    video: str | None = None


@dataclass(frozen=True)
class BuildRecord(Record):
    """media/lecture/scenes/<quality>/build.json: what the last build cost beyond its renders."""

    UNVERSIONED_IS = 1

    voice_preload_seconds: float = 0.0




@dataclass(frozen=True)
class NarrationManifest(Record):
    """<Scene>.narration.json beside the scene's entry: its narration lines as rendered.

    The lines are the narration package's own (lecture/soundtrack/narrated.py reads them)."""

    scene: str
    frame_rate: float
    lines: list[dict[str, Any]]
