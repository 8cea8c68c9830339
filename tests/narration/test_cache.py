"""The clip cache: keyed by content, written whole, shared by processes, self-repairing."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np
import pytest

from narration.cache import ClipCache, clip_key
from narration.text import parse
from narration.voice import SAMPLE_RATE, SilentVoice, Speech


class CountingVoice:
    """A voice that records every line it is asked to say (a tone as long as the line)."""

    identity = "counting v1"

    def __init__(self) -> None:
        self.said: list[str] = []

    def speak(self, line) -> Speech:
        self.said.append(line.spoken)
        n = len(line.words)
        t = np.arange(int(0.3 * n * SAMPLE_RATE)) / SAMPLE_RATE
        return Speech((0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32),
                      [(0.3 * k, 0.3 * (k + 1)) for k in range(n)])


def say_all(cache: ClipCache, voice, lines: list[str]) -> list:
    clips = []
    for text in lines:
        line = parse(text)
        clips.append(cache.get_or_make(clip_key(voice.identity, line.spoken),
                                       lambda line=line: voice.speak(line), {"spoken": line.spoken}))
    return clips


def test_changing_one_line_makes_one_new_clip(tmp_path):
    voice, cache = CountingVoice(), ClipCache(tmp_path)
    lines = ["The slope is 3.00.", "Step left.", "The target is 0."]
    first = say_all(cache, voice, lines)
    assert len(voice.said) == 3
    voice.said.clear()
    lines[1] = "Step to the left."
    second = say_all(cache, voice, lines)
    assert voice.said == ["Step to the left."]
    assert [a.key == b.key for a, b in zip(first, second)] == [True, False, True]
    assert len(list(tmp_path.rglob("*.wav"))) == 4


def test_the_key_depends_on_the_words_said_and_the_voice():
    assert clip_key("a", "one") != clip_key("a", "two") != clip_key("b", "one")
    assert clip_key("a", "one") == clip_key("a", "one")
    assert clip_key(SilentVoice().identity, "x") != clip_key(SilentVoice(3.0).identity, "x")


@pytest.mark.parametrize("damage", ["flip a byte", "truncate", "delete"])
def test_a_damaged_clip_is_made_again(tmp_path, damage):
    voice, cache = CountingVoice(), ClipCache(tmp_path)
    (clip,) = say_all(cache, voice, ["Hello there."])
    if damage == "flip a byte":
        data = bytearray(clip.wav.read_bytes())
        data[-10] ^= 0xFF
        clip.wav.write_bytes(bytes(data))
    elif damage == "truncate":
        clip.wav.write_bytes(clip.wav.read_bytes()[:100])
    else:
        clip.wav.unlink()
    assert cache.get(clip.key) is None
    (again,) = say_all(cache, voice, ["Hello there."])
    assert voice.said == ["Hello there.", "Hello there."]
    assert again.sha256 == clip.sha256 and cache.get(clip.key) is not None


def _make_in_process(folder: str, log: str) -> str:
    class Logged(CountingVoice):
        def speak(self, line):
            with open(log, "a") as fh:  # one line per synthesis, from any process
                fh.write("made\n")
            return super().speak(line)

    (clip,) = say_all(ClipCache(Path(folder)), Logged(), ["A line both workers need."])
    return clip.sha256


def test_parallel_workers_make_a_clip_once(tmp_path):
    log = tmp_path / "log"
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(3) as pool:
        shas = pool.starmap(_make_in_process, [(str(tmp_path / "cache"), str(log))] * 3)
    assert len(set(shas)) == 1
    assert log.read_text().count("made") == 1
    assert not [p for p in (tmp_path / "cache").rglob("*") if ".tmp" in p.name or p.name.startswith(".")]
