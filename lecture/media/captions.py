"""Captions timed to the final video, as SubRip and WebVTT."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt


class CaptionError(ValueError):
    """A caption file that is not valid SubRip or WebVTT (said in one line)."""


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def read_srt_text(text: str) -> list[Cue]:
    """Parse SubRip; srt.SRTParseError on anything that is not."""
    return [Cue(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in srt.parse(text)]


def read_srt(path: Path) -> list[Cue]:
    try:
        return read_srt_text(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, srt.SRTParseError) as exc:
        raise CaptionError(f"{path.name} is not valid SubRip ({type(exc).__name__})") from None


def fit_to_video(cues: list[Cue], duration: float, shift: float = 0.0) -> list[Cue]:
    """Shift cues by `shift` seconds and keep them inside [0, duration].

    A cue that would end past the video ends with it; one that would start at
    or after the end, or has no text, is dropped. Times are kept to whole
    milliseconds, the precision both formats write.
    """
    limit = int(duration * 1000) / 1000  # never round past the last frame
    fitted = []
    for cue in sorted(cues, key=lambda c: c.start):
        start = max(0.0, round(cue.start + shift, 3))
        end = min(limit, round(cue.end + shift, 3))
        text = cue.text.strip()
        if end <= start or not text:
            continue
        fitted.append(Cue(start, end, text))
    return fitted


def to_srt(cues: list[Cue]) -> str:
    return srt.compose(
        [srt.Subtitle(i, timedelta(seconds=c.start), timedelta(seconds=c.end), c.text)
         for i, c in enumerate(cues, 1)],
        reindex=False,
    )


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def to_vtt(cues: list[Cue]) -> str:
    blocks = ["WEBVTT"]
    for c in cues:
        # A blank line ends a cue in WebVTT, and "-->" would start a timing line.
        text = re.sub(r"\n\s*\n", "\n", c.text).replace("-->", "->")
        blocks.append(f"{_vtt_time(c.start)} --> {_vtt_time(c.end)}\n{text}")
    return "\n\n".join(blocks) + "\n"


_VTT_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}\s+-->\s+{_VTT_TIME}(?:\s+.*)?$")


def parse_vtt(text: str) -> list[Cue]:
    """Parse WebVTT cues; ValueError names the first thing that is wrong."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    lines = text.split("\n")
    if not re.match(r"^WEBVTT(?:[ \t].*)?$", lines[0]):
        raise ValueError("first line is not 'WEBVTT'")
    cues = []
    blocks = re.split(r"\n{2,}", "\n".join(lines[1:]).strip("\n"))
    for block in blocks:
        if not block.strip():
            continue
        block_lines = block.split("\n")
        if block_lines[0].startswith(("NOTE", "STYLE", "REGION")):
            continue
        timing_at = 0 if "-->" in block_lines[0] else 1
        if timing_at >= len(block_lines):
            raise ValueError(f"cue without a timing line: {block_lines[0][:40]!r}")
        m = _VTT_TIMING.match(block_lines[timing_at].strip())
        if not m:
            raise ValueError(f"bad timing line {block_lines[timing_at][:60]!r}")
        g = [int(x or 0) for x in m.groups()]
        start = g[0] * 3600 + g[1] * 60 + g[2] + g[3] / 1000
        end = g[4] * 3600 + g[5] * 60 + g[6] + g[7] / 1000
        cues.append(Cue(start, end, "\n".join(block_lines[timing_at + 1:])))
    return cues
