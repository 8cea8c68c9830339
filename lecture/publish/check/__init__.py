"""Check a bundle against YouTube's specifications, measuring the files themselves.

Every rule reads what is on disk: PyAV demuxes the video, `bitstream` reads
its boxes, SPS and NAL units, Pillow opens the thumbnail, the caption files
are parsed, the description is read for timestamps the way YouTube reads it.
Nothing is taken from the build's own account of what it did, except the
frame rate the lecture was rendered at (bundle.json), which the video must keep.

One module per topic, each with the rules it owns:

    video      container, codec, profile, pixels, colour, frame rate, GOPs
    encoder    rate control (x264's own settings) and filler padding
    audio      the sound track's format
    voice      the narration: loudness, true peak, end, speech under every caption cue
    captions   captions.srt and captions.vtt
    metadata   the chapter list in the description, and metadata.json
    thumbnail  the thumbnail image
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import av

from lecture.publish import bitstream
from lecture.publish.check.audio import audio_rules, measure_audio
from lecture.publish.check.captions import caption_rules
from lecture.publish.check.encoder import encoder_rules
from lecture.publish.check.metadata import chapter_rules, metadata_rules
from lecture.publish.check.rules import BUNDLE_RECORD, METADATA, SRT, THUMBNAILS, VIDEO, VTT, Rule, add, failures, print_report
from lecture.publish.check.thumbnail import thumbnail_rules
from lecture.publish.check.video import VideoFacts, measure_video, video_rules
from lecture.publish.check.voice import narration_rules

__all__ = [
    "BUNDLE_RECORD", "METADATA", "SRT", "THUMBNAILS", "VIDEO", "VTT", "Rule", "VideoFacts",
    "audio_rules", "caption_rules", "chapter_rules", "check_bundle", "encoder_rules", "failures",
    "measure_audio", "measure_video", "media_rules", "metadata_rules", "narration_rules",
    "print_report",
    "thumbnail_rules", "video_rules",
]


def media_rules(path: Path, rendered_fps: float | None,
                facts: list[VideoFacts] | None = None) -> list[Rule]:
    """The rules for one video file: its video stream, its encoding, its sound.

    The measured video facts are appended to `facts` if given (the caller may
    need the duration).
    """
    v = measure_video(path)
    if facts is not None:
        facts.append(v)
    return video_rules(v, rendered_fps) + encoder_rules(v) + audio_rules(measure_audio(path))


def _guard(rules: list[Rule], name: str, expected: str, fn: Callable[[], list[Rule]]) -> None:
    """Run a group of rules; a file that cannot be read is a failed rule, not a crash."""
    try:
        rules.extend(fn())
    except (av.error.FFmpegError, bitstream.BitstreamError, OSError, ValueError, KeyError) as exc:
        add(rules, name, False, f"unreadable: {type(exc).__name__}: {exc}"[:160], expected)


def check_bundle(folder: Path) -> list[Rule]:
    """Every rule, in a stable order, for the bundle in `folder`."""
    rules: list[Rule] = []
    rendered_fps = None
    try:
        record = json.loads((folder / BUNDLE_RECORD).read_text(encoding="utf-8"))
        rendered_fps = float(record["rendered"]["frame_rate"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not our bundle, or an old one: the frame rate is still checked for constancy

    duration = None
    video = folder / VIDEO
    if not video.is_file():
        add(rules, "video: present", False, "missing", VIDEO)
    else:
        facts: list[VideoFacts] = []
        _guard(rules, "video: readable H.264 MP4", "an MP4 PyAV can demux",
               lambda: media_rules(video, rendered_fps, facts))
        if facts:
            duration = facts[0].duration

    meta: dict | None = None
    try:
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        add(rules, "metadata: metadata.json", False, f"unreadable: {exc}"[:160], "a JSON object")
        meta = None
    if meta is not None:
        description = meta.get("description") if isinstance(meta.get("description"), str) else ""
        rules.extend(chapter_rules(description, duration))
    _guard(rules, "captions: readable", "captions.srt and captions.vtt", lambda: caption_rules(folder, duration))
    if video.is_file():
        _guard(rules, "audio: narration readable", "an AAC track PyAV can decode",
               lambda: narration_rules(folder, video))
    _guard(rules, "thumbnail: readable", "JPEG or PNG", lambda: thumbnail_rules(folder))
    if meta is not None:
        rules.extend(metadata_rules(meta))
    return rules
