"""The delivery encoding: every scene video is written the way YouTube should receive it.

One encode, at render time. The build joins scenes by stream copy and the
YouTube bundle is a remux, so the settings here are the only lossy step
between Manim's RGB frames and the upload:

- H.264 High, yuv420p, progressive, constant frame rate as rendered;
- BT.709: frames are converted from RGB with the BT.709 matrix to limited
  range, and the stream and its SPS say so (see `colour`);
- closed GOPs of half the frame rate, no scene-cut keyframes, at most 2
  consecutive B-frames; every Manim segment (one per animation) starts on an
  IDR frame, so every scene does too;
- x264 CRF 18 with the `animation` tune (flat colour, sharp edges, long
  stills): a quality, not a bitrate, so still frames cost almost nothing.

Every scene at one quality is encoded identically, so the join stays a stream
copy. Preview qualities (480p, 720p) use a faster x264 preset; the quality
setting, GOP and colour are the same everywhere. Nothing in this module
imports Manim or PyAV: the pipeline reads `cache_token` on the no-op path.

Enters: a render's frames and sound (through the writer the worker installs).
Leaves: scene videos in the delivery encoding; spec.py, YouTube's encoding rules.
May import: lecture.media, lecture.core; narration.

$LECTURE_SEGMENT_ENCODING=manim falls back to Manim's own segment encoding
(x264 CRF 23, 250-frame GOPs, BT.601 untagged): it exists so that `make bench`
can compare the two encodings in one run (docs/performance.md).
"""

from __future__ import annotations

import json

import settings
from lecture.core.project import QUALITIES
from lecture.delivery.spec import MAX_B_FRAMES, gop_frames

CRF = 18  # the highest (coarsest) CRF `lecture check` accepts, too
TUNE = "animation"
# The animation tune doubles x264's reference frames (6 at `medium`), which at
# 1080p60 needs H.264 level 5.0; 4 keeps 1080p60 at level 4.2 and 2160p60 at 5.2.
REFERENCE_FRAMES = 4
# veryfast rather than medium: at the same quality setting (CRF 18) it costs clearly less
# CPU and makes a smaller file (docs/performance.md). With the animation tune, x264's
# slower searches buy little on flat colour and long stills.
DELIVERY_PRESET = "veryfast"
PREVIEW_PRESET = "veryfast"
PREVIEW_MAX_HEIGHT = 720  # -q l and -q m
# x264 on one thread. Left to itself (PyAV asks for slice threads, as many as the
# machine has cores) the stream would depend on the machine that rendered it: every
# thread is a slice, so a 2-core and an 8-core worker of one cluster would make
# different bytes for one cache key. One thread is also cheaper in CPU and makes a
# slightly smaller stream than slice threads (docs/performance.md). Manim already
# encodes on a thread of its own, beside the drawing.
X264_THREADS = 1
# Sub-pixel motion refinement at x264's cheapest level (the presets' `superfast`
# has it; `veryfast` refines twice as hard). On flat-colour frames the finer search
# buys almost nothing: a stream a few percent smaller and a fraction of a dB of PSNR,
# for a good share of x264's time per frame (docs/performance.md). CRF stays 18.
SUBPIXEL_ME = 1
ENV = settings.variable("segment_encoding")
# Bump when the way frames become the stream changes without changing the options.
VERSION = "4"  # 4: a still held for whole GOPs is one GOP encoded, its packets repeated


def enabled() -> bool:
    """False only when $LECTURE_SEGMENT_ENCODING asks for Manim's own encoding (bench)."""
    return settings.current().segment_encoding != "manim"


def preset(height: int) -> str:
    return PREVIEW_PRESET if height <= PREVIEW_MAX_HEIGHT else DELIVERY_PRESET


def encoder_options(height: int, fps: float) -> dict[str, str]:
    """libx264 options for a scene of this height and frame rate (strings, as PyAV takes them)."""
    gop = gop_frames(fps)
    x264 = {
        "keyint": gop, "min-keyint": gop, "scenecut": 0, "open-gop": 0,
        "bframes": MAX_B_FRAMES, "ref": REFERENCE_FRAMES, "threads": X264_THREADS,
        "subme": SUBPIXEL_ME,
    }
    return {
        "profile": "high",
        "preset": preset(height),
        "tune": TUNE,
        "crf": str(CRF),
        # x264's own parameters, applied after the preset and tune so they win.
        "x264-params": ":".join(f"{k}={v}" for k, v in x264.items()),
        # The colour description written on the stream and into the SPS's VUI.
        "color_primaries": "bt709",
        "color_trc": "bt709",
        "colorspace": "bt709",
        "color_range": "tv",
    }


def cache_token(quality: str) -> str:
    """What the render cache must know about the encoding of scenes at `quality`."""
    if not enabled():
        return "encoding manim-default"
    width, height, fps = QUALITIES[quality]
    return "encoding " + json.dumps({"version": VERSION, "options": encoder_options(height, fps),
                                     "conversion": "rgba->yuv420p bt709 limited"}, sort_keys=True)


def configure(config) -> None:
    """Set Manim's segment encoder options (`config`: manim.config, after the CLI is read),
    and its sound track's encoder (`sound`).

    Options already in the configuration (manim.cfg, --encoder-option) are kept on
    top, for experiments; `lecture check` still judges the result.
    """
    if enabled():
        ours = encoder_options(int(config.pixel_height), float(config.frame_rate))
        config.video_encoder_options = {**ours, **config.video_encoder_options}
        from lecture.delivery import sound  # the scene's own sound track: the fast AAC coder

        sound.install()


def scene_arguments(config) -> dict:
    """Keyword arguments for constructing a scene so that it encodes in the delivery encoding."""
    if not enabled() or getattr(config.renderer, "value", config.renderer) != "cairo":
        return {}
    from lecture.delivery.writer import renderer

    return {"renderer": renderer()}
