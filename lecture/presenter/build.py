"""Write the presenter folder: page, data, video, captions, frames, handout, manifest.

The folder is self-contained: index.html and notes.html with their CSS and JS
(copied from assets/), lecture.js (the beats, notes and captions as data, since
a page opened from file:// may not fetch its neighbours), lecture.mp4 (a copy of
the built video), captions.vtt, frames/ (each beat's last frame) and handout.pdf.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from lecture.core import store
from lecture.media.captions import fit_to_video, to_vtt
from lecture.presenter import folder
from lecture.presenter.beats import Lecture
from lecture.presenter.handout import write_handout

ASSETS = ("index.html", "notes.html", "present.css", "present.js", "bar.js", "notes.js")
VIDEO = "lecture.mp4"


def asset_dir():
    return resources.files("lecture.presenter") / "assets"


def has_audio(video: Path) -> bool:
    """Does the video carry a sound track (the narration)?"""
    import av

    from lecture.media.video import VideoError

    try:
        with av.open(str(video)) as container:
            return bool(container.streams.audio)
    except (av.FFmpegError, OSError) as exc:
        raise VideoError(f"{video.name} cannot be opened ({exc})") from None


def presenter_key(lecture: Lecture, title: str, language: str) -> str:
    """What the folder is made from: the build's three files, the title and language, and
    this package's own code and assets (so a new version of the page rebuilds it)."""
    h = hashlib.sha256(f"presenter\n{title}\n{language}\n".encode())
    for path in (lecture.folder / "manifest.json", lecture.captions, lecture.video):
        h.update(f"{path.name} {store.sha256_file(path) if path.is_file() else '-'}\n".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(f"{path.relative_to(package).as_posix()} {store.sha256_file(path)}\n"
                     .encode())
    return h.hexdigest()


def page_data(lecture: Lecture, title: str, language: str, narrated: bool, vtt: str,
              frames: list[str]) -> dict[str, Any]:
    """Everything the page and the notes window know about the lecture."""
    scenes: list[dict[str, Any]] = []
    for beat in lecture.beats:
        if not scenes or scenes[-1]["index"] != beat.scene_index:
            scenes.append({"index": beat.scene_index, "name": beat.scene, "beats": []})
        scenes[-1]["beats"].append(beat.number - 1)
    return {
        "title": title,
        "language": language,
        "video": VIDEO,
        "width": lecture.width,
        "height": lecture.height,
        "frameRate": lecture.frame_rate,
        "duration": lecture.duration,
        "hasNarration": narrated,
        "captionsVtt": vtt,
        "scenes": [{"name": s["name"], "beats": s["beats"]} for s in scenes],
        "beats": [{"number": b.number, "scene": b.scene, "scene_index": b.scene_index,
                   "name": b.name, "title": b.title, "start": b.start, "end": b.end,
                   "notes": b.notes, "frame": frame}
                  for b, frame in zip(lecture.beats, frames)],
    }


def build_folder(lecture: Lecture, out: Path, key: str, title: str, language: str,
                 step: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Build the presenter folder for `lecture` into `out` (checked by the caller)."""
    from lecture.media.video import frames_at

    with folder.staging(out, key) as tmp:
        step("video")
        # A copy, not a hard link: a file copied over lecture.mp4 in place (`cp`) must not
        # change the presenter's video behind its back.
        shutil.copy2(lecture.video, tmp / VIDEO)
        narrated = has_audio(lecture.video)
        vtt = to_vtt(fit_to_video(lecture.cues, lecture.duration))
        (tmp / "captions.vtt").write_text(vtt, encoding="utf-8")
        shutil.copy2(lecture.folder / "manifest.json", tmp / "manifest.json")

        step(f"frames of {len(lecture.beats)} beats")
        (tmp / "frames").mkdir()
        frames = []
        for beat, image in zip(lecture.beats, frames_at(lecture.video,
                                                        [b.end for b in lecture.beats])):
            rel = f"frames/beat-{beat.number:03d}.jpg"
            image.convert("RGB").save(tmp / rel, format="JPEG", quality=88)
            frames.append(rel)

        data = page_data(lecture, title, language, narrated, vtt, frames)
        (tmp / "lecture.js").write_text(
            "// Written by `lecture present`: the lecture's beats, notes and captions.\n"
            f"window.LECTURE = {json.dumps(data, indent=1)};\n", encoding="utf-8")
        for name in ASSETS:
            (tmp / name).write_bytes(asset_dir().joinpath(name).read_bytes())

        step("handout")
        write_handout(tmp / "handout.pdf", title, lecture.beats, [tmp / f for f in frames],
                      lecture.width / lecture.height)
    return data
