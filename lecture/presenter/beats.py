"""The lecture's beats: every section of every scene, in lecture time, with its narration.

A beat's speaker notes are the words of the caption cues inside it (the captions
are the narration, word for word). A cue belongs to the beat that holds its
middle, so a cue that starts a hair before its beat still lands in it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lecture.core.errors import LectureError
from lecture.media.captions import Cue, read_srt_text

# Beats shorter than this fraction of a frame are rounding left-overs, not beats.
MIN_FRAMES = 0.5


@dataclass(frozen=True)
class Beat:
    number: int  # 1-based, in lecture order
    scene: str
    scene_index: int  # 0-based
    name: str
    start: float  # seconds, lecture time
    end: float
    notes: str  # what is said during the beat (empty for a silent beat)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def title(self) -> str:
        return self.scene if self.name == self.scene else f"{self.scene} · {self.name}"


@dataclass(frozen=True)
class Lecture:
    """What the presenter needs from one build: its files, size, beats and captions."""

    folder: Path
    quality: str
    manifest: dict[str, Any]
    width: int
    height: int
    frame_rate: float
    duration: float
    beats: list[Beat]
    cues: list[Cue]

    @property
    def video(self) -> Path:
        return self.folder / self.manifest.get("video", "lecture.mp4")

    @property
    def captions(self) -> Path:
        return self.folder / self.manifest.get("captions", "lecture.srt")


def _missing(quality: str, what: str) -> LectureError:
    return LectureError(f"no built lecture at -q {quality} ({what}); build it with "
                        f"`lecture build -q {quality}`")


def read_lecture(folder: Path, quality: str, shown: str) -> Lecture:
    """Read media/lecture/<quality>/ (called `shown` in messages); one-line errors."""
    import json

    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise _missing(quality, f"{shown}/manifest.json does not exist")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        scenes = manifest["scenes"]
        width, height = int(manifest["width"]), int(manifest["height"])
        frame_rate = float(manifest["frame_rate"])
        duration = float(manifest["duration"])
        if not isinstance(scenes, list) or not scenes or frame_rate <= 0:
            raise ValueError("no scenes")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise _missing(quality, f"{shown}/manifest.json is unreadable or incomplete") from None
    lecture = Lecture(folder, quality, manifest, width, height, frame_rate, duration, [], [])
    if not lecture.video.is_file():
        raise _missing(quality, f"{shown}/{lecture.video.name} does not exist")
    cues: list[Cue] = []
    if lecture.captions.is_file():
        import srt

        try:
            cues = read_srt_text(lecture.captions.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, srt.SRTParseError):
            raise _missing(quality,
                           f"{shown}/{lecture.captions.name} is not valid SubRip") from None
    try:
        beats = beats_of(manifest, cues)
    except (KeyError, TypeError, ValueError):
        raise _missing(quality, f"{shown}/manifest.json has malformed sections") from None
    return Lecture(folder, quality, manifest, width, height, frame_rate, duration, beats, cues)


def beats_of(manifest: dict[str, Any], cues: list[Cue]) -> list[Beat]:
    """Every section of every scene as a beat; a scene without sections is one beat."""
    frame = 1.0 / float(manifest["frame_rate"])
    spans: list[tuple[str, int, str, float, float]] = []
    for index, scene in enumerate(manifest["scenes"]):
        name = str(scene["name"])
        offset, length = float(scene["offset"]), float(scene["duration"])
        sections = scene.get("sections") or [{"name": name, "start": offset,
                                              "end": offset + length}]
        for sec in sections:
            start, end = float(sec["start"]), float(sec["end"])
            if end - start < MIN_FRAMES * frame:
                continue
            label = str(sec.get("name") or name)
            spans.append((name, index, name if label == "autocreated" else label, start, end))
    spans.sort(key=lambda s: s[3])
    notes = notes_for([(s[3], s[4]) for s in spans], cues)
    return [Beat(i + 1, scene, index, label, start, end, text)
            for i, ((scene, index, label, start, end), text) in enumerate(zip(spans, notes))]


def notes_for(spans: list[tuple[float, float]], cues: list[Cue]) -> list[str]:
    """For each (start, end) span, the text of the cues whose middle lies in it, as prose."""
    texts: list[list[str]] = [[] for _ in spans]
    for cue in sorted(cues, key=lambda c: c.start):
        middle = (cue.start + cue.end) / 2
        for i, (start, end) in enumerate(spans):
            if start <= middle < end:
                texts[i].append(" ".join(cue.text.split()))
                break
    return [" ".join(t) for t in texts]


def page_meta(root: Path) -> tuple[str, str]:
    """(title, language) from lecture.toml's [youtube] table; the folder's name and English
    when it says nothing."""
    try:
        youtube = tomllib.loads((root / "lecture.toml").read_text(encoding="utf-8"))["youtube"]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError):
        youtube = {}
    title = youtube.get("title") if isinstance(youtube, dict) else None
    language = youtube.get("language") if isinstance(youtube, dict) else None
    return (title.strip() if isinstance(title, str) and title.strip() else root.name,
            language if isinstance(language, str) and language else "en")
