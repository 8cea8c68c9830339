"""The rendered lecture that publishing starts from: media/lecture/<q>/manifest.json.

Publishing only reads the render; it never writes next to it except into the
`youtube/` folder it owns.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lecture.publish.errors import PublishError

QUALITIES = ("l", "m", "h", "k")


@dataclass(frozen=True)
class Section:
    name: str
    start: float  # seconds in the lecture
    end: float


@dataclass(frozen=True)
class SceneEntry:
    name: str
    offset: float
    duration: float
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Render:
    folder: Path
    quality: str
    width: int
    height: int
    frame_rate: float
    duration: float
    video: Path
    captions: Path
    thumbnail: Path | None
    scenes: tuple[SceneEntry, ...]


def render_folder(repo: Path, quality: str) -> Path:
    return repo / "media" / "lecture" / quality


def _number(data: dict, key: str, where: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PublishError(f"{where}: '{key}' should be a number, got {value!r}")
    return float(value)


def load_render(repo: Path, quality: str) -> Render:
    """Read and validate the manifest of the render at quality `quality`."""
    folder = render_folder(repo, quality)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise PublishError(
            f"missing render: {manifest_path.relative_to(repo)} does not exist; "
            f"run `lecture build -q {quality}` first"
        )
    where = str(manifest_path.relative_to(repo))
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PublishError(f"{where} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise PublishError(f"{where} should hold a JSON object")

    def file_in_render(key: str, base: Path = folder, required: bool = True,
                       what: str = "") -> Path | None:
        """The file the manifest names under ``key`` (relative to ``base``), checked to exist."""
        name = data.get(key)
        if name is None and not required:
            return None
        if not isinstance(name, str) or not name:
            should = "name a file" if required else "be a path or null"
            raise PublishError(f"{where}: '{key}' should {should}, got {name!r}")
        path = base / name
        if not path.is_file():
            raise PublishError(
                f"missing render: {what}{path.relative_to(repo)} (named by {where}) does not exist; "
                f"run `lecture build -q {quality}`"
            )
        return path

    video = file_in_render("video")
    captions = file_in_render("captions")
    thumbnail = file_in_render("thumbnail", base=repo, required=False, what="the thumbnail still ")

    scenes = []
    raw_scenes = data.get("scenes")
    if not isinstance(raw_scenes, list) or not raw_scenes:
        raise PublishError(f"{where}: 'scenes' should be a non-empty list")
    for i, raw in enumerate(raw_scenes):
        at = f"{where} scenes[{i}]"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise PublishError(f"{at}: each scene needs a 'name'")
        sections = []
        for j, sec in enumerate(raw.get("sections") or []):
            if not isinstance(sec, dict):
                raise PublishError(f"{at} sections[{j}] should be an object")
            name = sec.get("name")
            sections.append(Section(name if isinstance(name, str) else "",
                                    _number(sec, "start", f"{at} sections[{j}]"),
                                    _number(sec, "end", f"{at} sections[{j}]")))
        scenes.append(SceneEntry(raw["name"], _number(raw, "offset", at),
                                 _number(raw, "duration", at), tuple(sections)))

    return Render(
        folder=folder,
        quality=quality,
        width=int(_number(data, "width", where)),
        height=int(_number(data, "height", where)),
        frame_rate=_number(data, "frame_rate", where),
        duration=_number(data, "duration", where),
        video=video,
        captions=captions,
        thumbnail=thumbnail,
        scenes=tuple(scenes),
    )
