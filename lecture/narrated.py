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

from . import store
from .errors import LectureError

FORMAT = 1


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
    from narration.voice import PiperVoice, VoiceError, sha256_file

    try:
        voice = config.make_voice(_config(root))
        if isinstance(voice, PiperVoice):
            import importlib.util

            for module, package in (("piper", "piper-tts"), ("onnx", "onnx"),
                                    ("onnxruntime", "onnxruntime")):
                if importlib.util.find_spec(module) is None:
                    raise VoiceError(f"the voice needs {package}, which is not installed: "
                                     "run `make setup`")
            actual = sha256_file(voice.model)
            if actual != voice.sha256:
                raise VoiceError(f"voice model {voice.model.name} has sha256 {actual[:12]}..., "
                                 f"expected {voice.sha256[:12]}... ({voice.source}); reinstall "
                                 "it with `make setup`, or set [voice] sha256 in lecture.toml "
                                 "for a model you trust")
    except VoiceError as exc:
        raise LectureError(str(exc)) from None


def commit(cache: Path, name: str, outcome: dict[str, Any], frame_rate: float) -> dict[str, Any]:
    """Write <name>.narration.json from a render's outcome; the meta fields that record it."""
    lines = outcome.get("narration")
    path = cache / f"{name}.narration.json"
    if lines is None:
        path.unlink(missing_ok=True)
        return {"narration": None}
    store.write_json(path, {"format": FORMAT, "scene": name, "frame_rate": frame_rate,
                            "lines": lines})
    return {"narration": path.name, "narration_stamp": store.Stamp.of(path).as_dict()}


def read(cache: Path, meta: dict[str, Any]) -> dict[str, Any] | None:
    if not meta.get("narration"):
        return None
    return store.read_json(cache / meta["narration"])


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


def mix(root: Path, cache: Path, metas: list[dict[str, Any]], offsets: list[Fraction],
        duration: Fraction, target: Path) -> dict[str, Any] | None:
    """Encode the lecture's narration track to ``target``; None when no scene is narrated."""
    from narration.mix import Placement, make_track

    placements = []
    lines = 0
    for meta, offset in zip(metas, offsets):
        manifest = read(cache, meta)
        if manifest is None:
            continue
        fps = Fraction(manifest["frame_rate"]).limit_denominator(1001)
        for line in manifest["lines"]:
            if line["voice"].startswith("none"):
                continue
            lines += 1
            start = offset + Fraction(int(line["frame"])) / fps
            placements.append(Placement(start, _clip_samples(root, line)))
    if not any(read(cache, m) for m in metas):
        return None
    loud = make_track(placements, duration, target)
    return {"lines": lines, "integrated_lufs": round(loud.integrated, 2),
            "true_peak_dbtp": round(loud.true_peak, 2)}
