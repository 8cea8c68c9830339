"""`lecture check`'s rules for the narration, measured from the bundle's own files.

The audio is decoded from video.mp4 and measured: integrated loudness (ITU-R
BS.1770 with pyloudnorm), true peak (4x oversampled), where it ends against the
video, and whether speech sounds under every caption cue; the cues themselves
must not overlap and must stay short enough to read.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np

from narration.captions import MAX_CHARS, MAX_LINES, MIN_CUE
from narration.mix import MAX_TRUE_PEAK, TARGET_LUFS, decode, loudness
from narration.voice import SAMPLE_RATE

from lecture.media import captions
from lecture.publish.check.rules import SRT, Rule, add as _rule

LOUDNESS_TOLERANCE = 1.0  # LU around TARGET_LUFS (YouTube plays uploads at -14 LUFS)
SPEECH_BELOW_PROGRAMME = 20.0  # dB: a cue quieter than the programme by more is silent
OVERLAP_TOLERANCE = 0.0005  # seconds: SubRip keeps milliseconds


def _ends(video: Path) -> tuple[float | None, float | None, float]:
    """Where the video and audio streams end (seconds), and one frame's length."""
    with av.open(str(video)) as container:
        v = container.streams.video[0] if container.streams.video else None
        a = container.streams.audio[0] if container.streams.audio else None
        ends: dict[str, float] = {}
        for packet in container.demux(*(s for s in (v, a) if s is not None)):
            if packet.pts is None:
                continue
            end = float((packet.pts + (packet.duration or 0)) * packet.time_base)
            ends[packet.stream.type] = max(ends.get(packet.stream.type, 0.0), end)
        frame = 1 / float(v.average_rate) if v is not None and v.average_rate else 1 / 60
    return ends.get("video"), ends.get("audio"), frame


def narration_rules(folder: Path, video: Path) -> list[Rule]:
    rules: list[Rule] = []
    video_end, audio_end, frame = _ends(video)
    if audio_end is None:
        _rule(rules, "audio: narration", False, "no audio stream: the lecture is silent",
              "a narrated lecture (lecture build with a voice)")
        return rules
    samples = decode(video, stereo=True)
    measured = loudness(samples)
    _rule(rules, f"audio: loudness {TARGET_LUFS:g} LUFS",
          abs(measured.integrated - TARGET_LUFS) <= LOUDNESS_TOLERANCE,
          f"{measured.integrated:.1f} LUFS integrated", f"{TARGET_LUFS:g} ± {LOUDNESS_TOLERANCE:g} LU")
    _rule(rules, "audio: true peak", measured.true_peak <= MAX_TRUE_PEAK,
          f"{measured.true_peak:.1f} dBTP", f"<= {MAX_TRUE_PEAK:g} dBTP")
    together = video_end is not None and abs(audio_end - video_end) <= frame + 1e-6
    _rule(rules, "audio: ends with the video", together,
          f"audio {audio_end:.3f} s, video {video_end:.3f} s" if video_end else "no video",
          f"within one frame ({frame * 1000:.1f} ms)")

    path = folder / SRT
    if not path.is_file():
        return rules  # caption_rules already reports the missing file
    cues = captions.read_srt(path)
    mono = samples.mean(axis=1)
    floor = measured.integrated - SPEECH_BELOW_PROGRAMME
    quiet = []
    for cue in cues:
        piece = mono[int(cue.start * SAMPLE_RATE):int(cue.end * SAMPLE_RATE)]
        level = 20 * np.log10(np.sqrt(np.mean(piece ** 2)) + 1e-12) if len(piece) else -np.inf
        if level < floor:
            quiet.append((cue, level))
    _rule(rules, "captions: speech under every cue", not quiet,
          f"{len(cues)} cues spoken" if not quiet else
          f"{len(quiet)} silent, first at {quiet[0][0].start:.2f} s ({quiet[0][1]:.0f} dBFS): "
          f"{quiet[0][0].text[:40]!r}", f"each cue louder than {floor:.0f} dBFS")
    overlaps = [(a, b) for a, b in zip(cues, cues[1:]) if a.end > b.start + OVERLAP_TOLERANCE]
    _rule(rules, "captions: no overlapping cues", not overlaps,
          "none overlap" if not overlaps else
          f"{len(overlaps)} overlap, first at {overlaps[0][1].start:.3f} s by "
          f"{(overlaps[0][0].end - overlaps[0][1].start) * 1000:.0f} ms", "each cue ends before the next")
    long = [c for c in cues if len(c.text.split("\n")) > MAX_LINES
            or any(len(line) > MAX_CHARS for line in c.text.split("\n"))]
    _rule(rules, f"captions: at most {MAX_LINES} lines of {MAX_CHARS} characters", not long,
          "all fit" if not long else f"{len(long)} too long, first {long[0].text[:40]!r}",
          f"<= {MAX_LINES} lines of <= {MAX_CHARS} characters")
    short = [c for c in cues if c.end - c.start < MIN_CUE - 0.001]
    _rule(rules, f"captions: each at least {MIN_CUE:g} s", not short,
          "all long enough" if not short else
          f"{len(short)} shorter, first {short[0].end - short[0].start:.2f} s at {short[0].start:.2f} s",
          f">= {MIN_CUE:g} s")
    return rules
