"""The caption files: both parse, both end within the video, and they agree."""

from __future__ import annotations

from pathlib import Path

from lecture.media import captions
from lecture.media.captions import CaptionError
from lecture.publish.errors import PublishError
from lecture.publish.check.rules import SRT, VTT, Rule, add


def caption_rules(folder: Path, duration: float | None) -> list[Rule]:
    rules: list[Rule] = []
    parsed: dict[str, list[captions.Cue]] = {}
    for name, parse in ((SRT, lambda p: captions.read_srt(p)),
                        (VTT, lambda p: captions.parse_vtt(p.read_text(encoding="utf-8")))):
        path = folder / name
        try:
            if not path.is_file():
                raise ValueError("missing")
            try:
                cues = parse(path)
            except (PublishError, CaptionError) as exc:
                raise ValueError(str(exc)) from None
            bad = [c for c in cues if not (0 <= c.start < c.end)]
            if bad:
                raise ValueError(f"cue at {bad[0].start:.3f} s ends at {bad[0].end:.3f} s")
            if not cues:
                raise ValueError("no cues")
            parsed[name] = cues
            add(rules, f"captions: {name} parses", True, f"{len(cues)} cues", "valid, non-empty")
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            add(rules, f"captions: {name} parses", False, str(exc), "valid, non-empty")
    for name, cues in parsed.items():
        last = max(c.end for c in cues)
        ok = duration is not None and last <= duration + 0.001
        add(rules, f"captions: {name} within the video", ok,
            f"last cue ends {last:.3f} s, video {duration:.3f} s" if duration is not None else "video duration unknown",
            "every cue ends by the video's end")
    if len(parsed) == 2:
        same = [(c.start, c.end) for c in parsed[SRT]] == [(c.start, c.end) for c in parsed[VTT]]
        add(rules, "captions: srt and vtt agree", same,
            "same cues" if same else f"{len(parsed[SRT])} vs {len(parsed[VTT])} cues or different times",
            "same cue times")
    return rules

