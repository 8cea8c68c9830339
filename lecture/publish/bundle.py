"""Build media/lecture/<q>/youtube/ from a render and lecture.toml.

    video.mp4      the rendered lecture, copied stream by stream with the index first (remux.py)
    captions.srt   the render's captions, timed to video.mp4
    captions.vtt   the same cues as WebVTT
    thumbnail.jpg  the Thumbnail scene's still, 1280x720, under 2 MB
    metadata.json  what videos.insert sends; the description lists the chapters
    bundle.json    how it was built: the render it came from, the streams copied

The scenes were already encoded for YouTube when they were rendered
(lecture.delivery), so video.mp4 takes seconds; it is still reused while the
rendered video is unchanged. Everything else is rewritten every time (it takes
milliseconds). The render is only read.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from lecture.media import captions
from lecture.publish import chapters, metadata, remux, thumbnail
from lecture.publish.check import BUNDLE_RECORD, METADATA, SRT, VIDEO, VTT, measure_video
from lecture.publish.errors import PublishError
from lecture.publish.render import Render, load_render

BUNDLE_FOLDER = "youtube"


def _write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def video_fingerprint(render: Render) -> str:
    st = render.video.stat()
    key = json.dumps([render.video.name, st.st_size, st.st_mtime_ns, render.frame_rate,
                      f"remux {remux.VERSION}"], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()


def build_bundle(repo: Path, quality: str, privacy: str | None = None,
                 force: bool = False, progress: Callable[[float], None] | None = None,
                 log: Callable[[str], None] = lambda _: None) -> Path:
    """Build (or refresh) the bundle for the render at `quality`; return its folder."""
    render = load_render(repo, quality)
    meta = metadata.load_meta(repo)
    if render.thumbnail is None:
        raise PublishError(
            f"missing render: media/lecture/{quality}/manifest.json names no thumbnail still; "
            f"render the Thumbnail scene (`lecture build -q {quality}`)"
        )
    folder = render.folder / BUNDLE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)

    record_path = folder / BUNDLE_RECORD
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    fingerprint = video_fingerprint(render)
    video = folder / VIDEO
    if not force and video.is_file() and record.get("video_fingerprint") == fingerprint:
        streams = record.get("streams", [])
        log(f"video.mp4 is up to date with {render.video.name}; not copying it again")
    else:
        log(f"copying {render.video.name} into video.mp4 ({render.width}x{render.height} "
            f"at {render.frame_rate:g} fps; no re-encode)")
        # A stale record must not vouch for a half-written video.
        record_path.unlink(missing_ok=True)
        streams = remux.remux(render.video, video, progress)

    try:
        duration = measure_video(video).duration
    except Exception as exc:  # noqa: BLE001 - any unreadable video is the same one-line error
        raise PublishError(f"cannot read back {VIDEO}: {exc}") from None

    cues = captions.fit_to_video(captions.read_srt(render.captions), duration)
    _write_text(folder / SRT, captions.to_srt(cues))
    _write_text(folder / VTT, captions.to_vtt(cues))

    chapter_list = chapters.merge_short(chapters.beats(render.scenes, meta.chapter_titles), duration)
    block = chapters.chapter_lines(chapter_list, duration)
    _write_text(folder / METADATA, json.dumps(metadata.build_metadata(meta, block, privacy),
                                              indent=2, ensure_ascii=False) + "\n")

    for stale in ("thumbnail.png",):
        (folder / stale).unlink(missing_ok=True)
    thumbnail.make_thumbnail(render.thumbnail, folder / "thumbnail.jpg")

    _write_text(record_path, json.dumps({
        "rendered": {"quality": quality, "video": str(render.video.relative_to(repo)),
                     "width": render.width, "height": render.height,
                     "frame_rate": render.frame_rate, "duration": render.duration},
        "video_fingerprint": fingerprint,
        "streams": streams,
        "chapters": [{"start": c.start, "title": c.title, "scene": c.scene} for c in chapter_list],
    }, indent=2) + "\n")
    return folder
