"""The pipeline's side of narration: the voice in each scene's key, each scene's
narration manifest in the cache, and the lecture's one mixed track.

A scene's render reports where each of its clips starts (the worker's result,
"narration"); it is kept beside the scene video as <Scene>.narration.json. At
assembly every clip is read from the clip cache (a clip that went missing or was
damaged is made again from its recorded text and voice) and placed on one track.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from pathlib import Path
from typing import Any

from lecture.core import store
from lecture.core.errors import LectureError
from lecture.core.records import NarrationManifest, SceneMeta


@functools.cache
def _config(root: Path):
    from narration import config
    from narration.voice import VoiceError

    try:
        return config.load(root)
    except VoiceError as exc:
        raise LectureError(str(exc)) from None


def scene_identity(root: Path, scene: str) -> str:
    """The voice settings and takes a scene's timing depends on (part of its render key)."""
    from narration import config
    from narration.voice import VoiceError

    try:
        return config.scene_identity(_config(root), scene)
    except VoiceError as exc:
        raise LectureError(str(exc)) from None


def check_voice(root: Path) -> None:
    """Fail before any render starts, in one line, if the voice cannot be used."""
    from narration import config
    from narration.voice import PiperVoice, VoiceError

    try:
        voice = config.make_voice(_config(root))
        if isinstance(voice, PiperVoice):
            voice.verify()
    except VoiceError as exc:
        raise LectureError(str(exc)) from None


def needs_synthesis(root: Path, caches: list[Path], names: list[str]) -> bool:
    """Will rendering these scenes synthesise speech? A guess, from each scene's narration
    manifest (the first of ``caches`` that has one): a scene never rendered, or a spoken
    line whose clip is not in the clip cache, means yes. It decides only whether the voice
    is loaded ahead (zygote)."""
    from narration import config
    from narration.cache import ClipCache

    try:
        cfg = _config(root)
    except LectureError:
        return False  # the build stops on it before rendering (check_voice)
    if cfg.engine == "none":
        return False
    clips = ClipCache(config.cache_dir(root))
    for name in names:
        last = next((m for cache in caches
                     if (m := NarrationManifest.load(cache / f"{name}.narration.json")[0])), None)
        if last is None or any(not clips.has(x["key"]) for x in _spoken(last.lines)):
            return True
    return False


def commit(cache: Path, name: str, lines: list[dict[str, Any]] | None,
           frame_rate: float) -> dict[str, Any]:
    """Write <name>.narration.json from a render's narration lines; the meta fields that
    record it."""
    path = cache / f"{name}.narration.json"
    if lines is None:
        path.unlink(missing_ok=True)
        return {"narration": None}
    NarrationManifest(name, frame_rate, lines).write(path)
    return {"narration": path.name, "narration_stamp": store.Stamp.of(path)}


def read(cache: Path, meta: SceneMeta) -> NarrationManifest | None:
    """The scene's narration manifest (None: it has no narration; RecordError: not one)."""
    if not meta.narration:
        return None
    return NarrationManifest.read(cache / meta.narration)


def _clip_samples(root: Path, line: dict[str, Any]):
    """A clip's samples from the cache; made again when missing or damaged."""
    from narration import config
    from narration.cache import ClipCache
    from narration.text import parse
    from narration.voice import TakeVoice

    cache = ClipCache(config.cache_dir(root))
    clip = cache.get(line["key"])
    if clip is None:
        cfg = _config(root)
        if line["voice"].startswith("take "):
            takes = [p for p in cfg.takes_dir.glob("*/*.wav")
                     if line["voice"] == TakeVoice(p).identity]
            if not takes:
                raise LectureError(f"the recorded take for {line['caption']!r} is gone; "
                                   "rebuild to use the synthetic voice")
            voice = TakeVoice(takes[0])
        else:
            voice = config.make_voice(cfg)
            if voice.identity != line["voice"]:
                raise LectureError(f"the clip for {line['caption']!r} was made by another voice "
                                   "and is no longer cached; rebuild the scene")
        spoken = parse(line["spoken"])
        clip = cache.get_or_make(line["key"], lambda: voice.speak(spoken),
                                 {"voice": voice.identity, "spoken": line["spoken"],
                                  "caption": line["caption"]})
    from narration.cache import read_wav

    return read_wav(clip.wav)


def _spoken(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The lines said aloud (a draft's lines, voice "none", have no clip)."""
    return [x for x in lines if not x["voice"].startswith("none")]


def master_lines(root: Path, lines: list[dict[str, Any]], frame_rate: Fraction, samples: int):
    """Spoken lines (see ``_spoken``) placed at their frames on a track ``samples`` long,
    mastered."""
    from narration.mix import Placement, build_track, master

    placed = build_track([Placement(Fraction(int(x["frame"])) / frame_rate, _clip_samples(root, x))
                          for x in lines], Fraction(samples, 48_000))
    return master(placed)[0]


def scene_voice(root: Path, lines: list[dict[str, Any]], frame_rate: Fraction, frames: int,
                target: Path) -> bool:
    """Encode one scene's own voice track to ``target`` (a scene joined from chunks keeps
    its voice); False when the scene says nothing aloud."""
    from narration.mix import make_track, sample_at

    spoken = _spoken(lines)
    if not spoken:
        return False
    make_track([master_lines(root, spoken, frame_rate, sample_at(Fraction(frames) / frame_rate))],
               target)
    return True


def scene_track(root: Path, cache: Path, meta: SceneMeta, samples: int | None = None):
    """A scene's mastered voice from its cache, or made (and cached) now; ``samples`` long
    (padded with silence or cut at its silent tail) when given, else the scene's own length.

    The master is made at the scene's own length, so that it does not depend on where the
    scene falls in the lecture (a sample either way, by rounding) and can be made as
    soon as the scene is rendered (``Premaster``).
    """
    import hashlib
    import json

    import numpy as np

    from narration.mix import sample_at
    from narration.recipe import MASTERING_VERSION

    own = sample_at(Fraction(meta.duration_exact)) if meta.duration_exact else samples
    if own is None:
        raise ValueError(f"{meta.scene}: no duration recorded to master its voice at")
    manifest = read(cache, meta) or NarrationManifest(meta.scene, 1, [])
    lines = _spoken(manifest.lines)
    key = hashlib.sha256(json.dumps([MASTERING_VERSION, own, [(x["key"], x["frame"]) for x in lines]])
                         .encode()).hexdigest()
    path = cache / f"{meta.scene}.voice.npy"
    record = store.read_json(path.with_suffix(".json")) or {}
    track = None
    if record.get("key") == key and path.is_file():
        try:
            kept = np.load(path)
            if len(kept) == own and store.sha256_file(path) == record.get("sha256"):
                track = kept
        except (OSError, ValueError):
            pass
    if track is None:
        fps = Fraction(manifest.frame_rate).limit_denominator(1001)
        track = master_lines(root, lines, fps, own)
        tmp = store.tmp_name(path)
        with open(tmp, "wb") as fh:
            np.save(fh, track)
        store.commit(tmp, path)
        store.write_json(path.with_suffix(".json"), {"key": key, "sha256": store.sha256_file(path)})
    if samples is not None and samples != len(track):
        track = np.pad(track, (0, max(0, samples - len(track))))[:samples]
    return track, len(lines)


class Premaster:
    """Master each scene's voice in a background thread as soon as the scene is rendered.

    The lecture's join needs every scene's master; made here, the early scenes' are
    made while later scenes still render, instead of all of them after the last one.
    The renders run in other processes, so this thread only competes with the build's
    own, mostly idle, main thread. A failure is left for the join to meet and report.
    """

    def __init__(self, root: Path, cache: Path) -> None:
        self.root, self.cache = root, cache
        self._pool = None

    def __enter__(self) -> "Premaster":
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(1, thread_name_prefix="premaster")
        return self

    def submit(self, meta: SceneMeta | None):
        """Master the scene's voice soon; the future of it, or None when it says nothing."""
        if self._pool is not None and meta and meta.narration:
            return self._pool.submit(self._master, meta)
        return None

    def _master(self, meta: SceneMeta) -> None:
        try:
            scene_track(self.root, self.cache, meta)
        except Exception:  # noqa: BLE001 - the join masters it again and reports the error
            pass

    def __exit__(self, kind, *_) -> None:
        self._pool.shutdown(wait=kind is None, cancel_futures=kind is not None)
        self._pool = None


def mix(root: Path, cache: Path, metas: list[SceneMeta], offsets: list[Fraction],
        duration: Fraction, target: Path, ahead=None) -> dict[str, Any] | None:
    """Encode the lecture's narration track to ``target``; None when no scene is narrated.

    Each scene's voice is mastered on its own and cached beside its video (so an
    edited scene remasters only itself); the tracks are joined at the scenes'
    exact sample offsets and encoded once, or not at all when the joined track is
    the one the last join encoded (lecture/soundtrack/voicetrack.py) or the one encoded while the
    scenes rendered (``ahead``, a voicetrack.Encoded; lecture/soundtrack/voiceahead.py).
    """
    from narration.mix import sample_at

    from lecture.soundtrack import voicetrack

    if not any(read(cache, m) for m in metas):
        return None
    ends = [*offsets[1:], duration]
    parts, lines = [], 0
    for meta, start, end in zip(metas, offsets, ends):
        track, count = scene_track(root, cache, meta, sample_at(end) - sample_at(start))
        parts.append(track)
        lines += count
    peak, source = voicetrack.make(parts, target, cache, ahead)
    return {"lines": lines, "true_peak_dbtp": round(peak, 2), "encoded": source}
