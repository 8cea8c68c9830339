"""The sound track, if there is one: YouTube's recommended AAC-LC, 48 kHz, stereo."""

from __future__ import annotations

from pathlib import Path

import av

from lecture.delivery import spec
from lecture.publish.check.rules import Rule, add


def measure_audio(path: Path) -> dict | None:
    """The first audio stream's codec, profile, rate and channels; None for a silent video."""
    with av.open(str(path)) as container:
        if not container.streams.audio:
            return None
        a = container.streams.audio[0].codec_context
        return {"codec": a.name, "profile": a.profile, "rate": a.sample_rate, "channels": a.channels}


def audio_rules(audio: dict | None) -> list[Rule]:
    rules: list[Rule] = []
    if audio is None:
        add(rules, "audio: AAC-LC 48 kHz stereo", True, "no audio stream (silent lecture)",
            "AAC-LC 48 kHz stereo if any")
        return rules
    ok = audio["codec"] == "aac" and audio["profile"] == "LC" and audio["rate"] == spec.AUDIO_SAMPLE_RATE \
        and audio["channels"] == spec.AUDIO_CHANNELS
    add(rules, "audio: AAC-LC 48 kHz stereo", ok,
        f"{audio['codec']} {audio['profile']} {audio['rate']} Hz {audio['channels']} ch", "aac LC 48000 Hz 2 ch")
    return rules
