"""Synthetic renders and bundles for the publishing tests.

Videos are tiny (64x36) and made here with PyAV, never by rendering scenes.
A fake render has the shape the build pipeline writes: media/lecture/<q>/
lecture.mp4 (in the delivery encoding, as the build makes it), lecture.srt,
manifest.json, and a thumbnail still.
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lecture import delivery
from lecture.delivery import colour
from lecture.publish.bundle import build_bundle

W, H, FPS = 64, 36, 24

# Intro 12 s; SignOfGradient 14 s whose 6 s closing section joins it; LearningRate
# 6 s, which joins the shorter neighbour (Recap); Recap 10 s. Three chapters.
SCENES = [
    {"name": "Intro", "offset": 0.0, "duration": 12.0,
     "sections": [{"name": "autocreated", "start": 0.0, "end": 12.0}]},
    {"name": "SignOfGradient", "offset": 12.0, "duration": 14.0,
     "sections": [{"name": "autocreated", "start": 12.0, "end": 20.0},
                  {"name": "downhill", "start": 20.0, "end": 26.0}]},
    {"name": "LearningRate", "offset": 26.0, "duration": 6.0,
     "sections": [{"name": "autocreated", "start": 26.0, "end": 32.0}]},
    {"name": "Recap", "offset": 32.0, "duration": 10.0,
     "sections": [{"name": "autocreated", "start": 32.0, "end": 42.0}]},
]
SECONDS = 42

LECTURE_TOML = """\
[youtube]
title = "Test lecture"
description = \"\"\"A lecture made in a test.

{chapters}
\"\"\"
tags = ["gradient descent", "test"]
category = 27
language = "en"
privacy = "private"
made_for_kids = false

[chapters]
Intro = "Introduction"
"""

SRT = """\
1
00:00:01,000 --> 00:00:04,000
Gradient descent follows the slope.

2
00:00:10,000 --> 00:00:13,500
Downhill is against the gradient.

3
00:00:40,000 --> 00:00:45,000
This cue runs past the end of the video.
"""


def frames(w: int, h: int, n: int):
    """Dark frames with a moving bright square, like a Manim scene."""
    for i in range(n):
        img = np.full((h, w, 3), (16, 20, 24), np.uint8)
        x = (i * 2) % (w - 8)
        img[h // 3:h // 3 + 8, x:x + 8] = (88, 196, 221)
        yield img


def delivery_options(fps: int = FPS, **changes) -> dict:
    """The build's encoder options for the tiny test size, with `changes` (None removes a key)."""
    opts = delivery.encoder_options(H, fps)
    opts.update(changes)
    return {k: v for k, v in opts.items() if v is not None}


def write_video(path: Path, seconds: float, fps: int = FPS, size=(W, H), audio: dict | None = None,
                pix_fmt: str = "yuv420p", options: dict | None = None,
                container_options: dict | None = None, codec: str = "libx264",
                frame_times=None) -> Path:
    """Write a video with PyAV the way a caller asks (good or broken on purpose).

    yuv420p frames are converted from RGB with BT.709, as the build does.
    """
    w, h = size
    n = int(round(seconds * fps))
    out = av.open(str(path), "w", format="mp4", options=container_options or {})
    vs = out.add_stream(codec, rate=fps, options=options or {})
    vs.width, vs.height, vs.pix_fmt = w, h, pix_fmt
    astream = None
    if audio:
        rate, layout = audio.get("rate", 44100), audio.get("layout", "mono")
        astream = out.add_stream(audio.get("codec", "aac"), rate=rate, layout=layout)
    tb = Fraction(1, fps)
    for i, img in enumerate(frames(w, h, n)):
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame = colour.to_stream(frame) if pix_fmt == "yuv420p" else frame.reformat(format=pix_fmt)
        frame.pts = frame_times[i] if frame_times else i
        frame.time_base = tb
        out.mux(vs.encode(frame))
    out.mux(vs.encode(None))
    if astream is not None:
        samples = int(seconds * rate)
        t = np.arange(samples) / rate
        tone = (0.2 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        channels = 2 if layout == "stereo" else 1
        step = 1024
        for start in range(0, samples, step):
            chunk = np.ascontiguousarray(np.tile(tone[start:start + step], (channels, 1)))
            frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = rate, start, Fraction(1, rate)
            out.mux(astream.encode(frame))
        out.mux(astream.encode(None))
    out.close()
    return path


def voice_like(seconds: float) -> np.ndarray:
    """Syllable-paced, pitch-gliding bursts: close enough to speech for loudness and gating."""
    from narration.voice import SAMPLE_RATE

    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    envelope = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2
    return (0.5 * envelope * np.sin(2 * np.pi * (140 + 40 * np.sin(2 * np.pi * 0.5 * t)) * t)
            ).astype(np.float32)


def narrate(video: Path, spans, seconds: float, target: Path, gain_db: float = 0.0,
            mastered: bool = True) -> Path:
    """`target`: `video` with a voice-like track spoken over `spans`, mastered as the build does."""
    from lecture.media.video import mux
    from narration.mix import Placement, build_track, encode, master

    placed = build_track([Placement(Fraction(a).limit_denominator(1000), voice_like(b - a))
                          for a, b in spans], Fraction(seconds).limit_denominator(1000))
    track = master(placed)[0] if mastered else placed
    voice = target.with_name(target.stem + "-voice.m4a")
    encode((track * 10 ** (gain_db / 20)).astype(np.float32), voice)
    mux(video, voice, target)
    voice.unlink()
    return target


def make_render(repo: Path, quality: str = "h", seconds: float = SECONDS, audio: dict | None = None,
                toml: str = LECTURE_TOML, thumbnail: bool = True, narrated: bool = True) -> Path:
    """A fake render of the lecture in `repo` (and a lecture.toml); returns its folder.

    Narrated (a voice under every caption, mastered like the build's) unless `audio`
    asks for a plain tone or `narrated` is False.
    """
    folder = repo / "media" / "lecture" / quality
    folder.mkdir(parents=True, exist_ok=True)
    speak = narrated and audio is None
    silent = folder / ("silent.mp4" if speak else "lecture.mp4")
    write_video(silent, seconds, audio=audio, options=delivery_options(),
                container_options={"movflags": "+faststart"})
    if speak:
        import srt

        spans = [(c.start.total_seconds(), min(seconds, c.end.total_seconds()))
                 for c in srt.parse(SRT)]
        narrate(silent, spans, seconds, folder / "lecture.mp4")
        silent.unlink()
    (folder / "lecture.srt").write_text(SRT, encoding="utf-8")
    still = None
    if thumbnail:
        images = repo / "media" / "images" / "thumbnail"
        images.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", (1920, 1080), (16, 20, 24)).save(images / "Thumbnail.png")
        still = "media/images/thumbnail/Thumbnail.png"
    manifest = {
        "quality": quality, "width": W, "height": H, "frame_rate": float(FPS),
        "duration": float(seconds), "video": "lecture.mp4", "captions": "lecture.srt",
        "manim_version": "0.22.0",
        "scenes": [dict(s, file=f"scenes/{s['name'].lower()}.py", hash="0" * 16,
                        video=f"{s['name']}.mp4") for s in SCENES],
        "thumbnail": still,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (repo / "lecture.toml").write_text(toml, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def good_bundle(tmp_path_factory) -> Path:
    """One bundle built from a fake render; tests copy it before changing anything."""
    repo = tmp_path_factory.mktemp("repo")
    make_render(repo)
    return build_bundle(repo, "h")


@pytest.fixture
def bundle_copy(good_bundle, tmp_path) -> Path:
    target = tmp_path / "youtube"
    shutil.copytree(good_bundle, target)
    return target
