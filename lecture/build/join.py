"""Join cached scene videos into media/lecture/<quality>/: lecture.mp4, lecture.srt, manifest.json.

The join is a stream copy (PyAV, no re-encode) with the moov atom first. Captions
are each scene's subcaptions shifted by the scene's offset. The manifest records
scenes, hashes, durations, offsets and sections (in lecture time); the publish
feature reads it. A private .state.json remembers which inputs produced the
current outputs, so an unchanged lecture is not joined again.
"""

from __future__ import annotations

import datetime
import hashlib
from fractions import Fraction
from typing import Any

from lecture.soundtrack import narrated
from lecture.core import store
from lecture.build.pipeline import Pipeline, SceneState

JOIN_VERSION = "2"  # 2: video-only join plus the one mixed narration track
OUTPUTS = ("lecture.mp4", "lecture.srt", "lecture.vtt", "manifest.json")


def lecture_key(states: list[SceneState], thumbnail: SceneState | None) -> str:
    from narration.recipe import MASTERING_VERSION  # a new mastering remixes the lecture

    h = hashlib.sha256(f"join {JOIN_VERSION} mastering {MASTERING_VERSION}\n".encode())
    for st in states:
        h.update(f"scene {st.name} {st.key}\n".encode())
    h.update(f"thumbnail {thumbnail.key if thumbnail and thumbnail.fresh else '-'}\n".encode())
    return h.hexdigest()


def is_current(pipe: Pipeline, key: str) -> bool:
    """Are lecture.mp4, lecture.srt and the manifest the ones joined from these inputs?"""
    out = pipe.project.out_dir(pipe.quality)
    state = store.read_json(out / ".state.json")
    if not state or state.get("key") != key:
        return False
    for name in OUTPUTS:
        stamp = store.Stamp.from_dict((state.get("outputs") or {}).get(name))
        if stamp is None or not stamp.matches(out / name):
            return False
    return True


def shift_captions(texts: list[tuple[str, Fraction]]) -> str:
    """Compose one SRT from (scene SRT text, offset in seconds) pairs, numbered from 1."""
    import srt

    subs = []
    for text, offset in texts:
        delta = datetime.timedelta(microseconds=round(offset * 1_000_000))
        for sub in srt.parse(text):
            subs.append(srt.Subtitle(index=0, start=sub.start + delta, end=sub.end + delta,
                                     content=sub.content, proprietary=sub.proprietary))
    return srt.compose(subs, reindex=True, start_index=1)


def join_lecture(pipe: Pipeline, states: list[SceneState], thumbnail: SceneState | None,
                 key: str, ahead=None) -> dict[str, Any]:
    """Join, caption and describe the lecture; ``ahead``: its narration, if it was encoded
    while the scenes rendered (lecture/soundtrack/voiceahead.py)."""
    from lecture.media.video import join, mux
    from lecture.media.captions import read_srt_text, to_vtt

    project = pipe.project
    out = project.out_dir(pipe.quality)
    out.mkdir(parents=True, exist_ok=True)
    metas = [st.meta for st in states]  # all fresh: each has its entry
    parts = [project.root / m.video for m in metas]

    video = out / "lecture.mp4"
    tmp = store.tmp_name(video)
    silent = tmp.with_name(tmp.stem + "-video.mp4")
    audio = tmp.with_name(tmp.stem + "-voice.m4a")
    try:
        durations = join(parts, silent, [st.name for st in states])
        offsets: list[Fraction] = []
        total = Fraction(0)
        for d in durations:
            offsets.append(total)
            total += d
        voice = narrated.mix(project.root, pipe.cache, metas, offsets, total, audio, ahead)
        if voice is None:
            silent.replace(tmp)
        else:
            mux(silent, audio, tmp)
        store.commit(tmp, video)
    finally:
        for path in (tmp, silent, audio):
            path.unlink(missing_ok=True)

    caption_texts = []
    for meta, offset in zip(metas, offsets):
        if meta.captions:
            caption_texts.append(((project.root / meta.captions).read_text(encoding="utf-8"), offset))
    captions = shift_captions(caption_texts)
    store.write_bytes(out / "lecture.srt", captions.encode("utf-8"))
    store.write_bytes(out / "lecture.vtt", to_vtt(read_srt_text(captions)).encode("utf-8"))

    first = metas[0]
    manifest = {
        "quality": pipe.quality,
        "width": first.width,
        "height": first.height,
        "frame_rate": first.frame_rate,
        "duration": round(float(total), 6),
        "video": "lecture.mp4",
        "captions": "lecture.srt",
        "narration": voice,
        "manim_version": pipe.manim_version,
        "scenes": [
            {
                "name": st.name,
                "file": st.scene.rel,
                "hash": st.key,
                "video": meta.video,
                "offset": round(float(offset), 6),
                "duration": round(float(duration), 6),
                "sections": [
                    {"name": s.name, "start": round(float(offset) + s.start, 6),
                     "end": round(float(offset) + s.end, 6)}
                    for s in meta.sections
                ],
            }
            for st, meta, offset, duration in zip(states, metas, offsets, durations)
        ],
        "thumbnail": thumbnail.meta.video if thumbnail and thumbnail.fresh else None,
    }
    store.write_json(out / "manifest.json", manifest)
    store.write_json(out / ".state.json", {
        "key": key,
        "outputs": {name: store.Stamp.of(out / name).as_dict() for name in OUTPUTS},
    })
    return manifest
