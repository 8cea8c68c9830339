"""lecture check's narration rules, on a good bundle and on one broken each way."""

from __future__ import annotations

from pathlib import Path

import pytest

from lecture.publish.check import narration_rules

from tests.publish.conftest import narrate, write_video

SECONDS = 12
CUES = [(1.0, 4.0, "Gradient descent follows the slope."),
        (4.0, 7.5, "Downhill is against the gradient."),
        (8.0, 11.0, "The step is the learning rate\ntimes the slope.")]


def srt(cues) -> str:
    def stamp(s: float) -> str:
        ms = round(s * 1000)
        return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
    return "\n".join(f"{k}\n{stamp(a)} --> {stamp(b)}\n{text}\n" for k, (a, b, text) in
                     enumerate(cues, 1))


def make_bundle(folder: Path, cues=CUES, speech=None, audio_seconds: float = SECONDS,
                gain_db: float = 0.0, mastered: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    speech = speech if speech is not None else [(a, b) for a, b, _ in cues]
    video = write_video(folder / "silent.mp4", SECONDS, fps=24)
    narrate(video, speech, audio_seconds, folder / "video.mp4", gain_db, mastered)
    (folder / "captions.srt").write_text(srt(cues), encoding="utf-8")
    return folder / "video.mp4"


def failing(rules) -> dict[str, str]:
    return {r.name: r.measured for r in rules if not r.ok}


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("good")
    make_bundle(folder)
    return folder


def test_a_good_narrated_bundle_passes(good):
    rules = narration_rules(good, good / "video.mp4")
    assert failing(rules) == {}
    assert {r.name for r in rules} >= {"audio: loudness -14 LUFS", "audio: true peak",
                                       "audio: ends with the video",
                                       "captions: speech under every cue",
                                       "captions: no overlapping cues"}


@pytest.mark.parametrize("change, rule", [
    ({"gain_db": 6.0}, "audio: true peak"),
    ({"gain_db": -8.0}, "audio: loudness -14 LUFS"),
    ({"audio_seconds": SECONDS + 2}, "audio: ends with the video"),
    ({"speech": [(1.0, 4.0), (8.0, 11.0)]}, "captions: speech under every cue"),
    ({"cues": [(1.0, 4.2, "one"), (4.0, 7.5, "two"), (8.0, 11.0, "three")]},
     "captions: no overlapping cues"),
    ({"cues": [(1.0, 4.0, "one\ntwo\nthree"), (4.0, 7.5, "x"), (8.0, 11.0, "y")]},
     "captions: at most 2 lines of 42 characters"),
    ({"cues": [(1.0, 1.5, "blink"), (4.0, 7.5, "x"), (8.0, 11.0, "y")],
      "speech": [(1.0, 1.5), (4.0, 7.5), (8.0, 11.0)]}, "captions: each at least 1 s"),
])
def test_each_narration_fault_is_caught(tmp_path, change, rule):
    folder = tmp_path / "bundle"
    make_bundle(folder, **change)
    assert rule in failing(narration_rules(folder, folder / "video.mp4"))


def test_a_silent_bundle_fails_the_narration_rule(tmp_path):
    video = write_video(tmp_path / "video.mp4", SECONDS, fps=24)
    assert failing(narration_rules(tmp_path, video)) == {
        "audio: narration": "no audio stream: the lecture is silent"}


def test_lecture_check_fails_a_silent_lecture(tmp_path):
    """A lecture built without its voice is not ready for YouTube: check_bundle says so."""
    from lecture.publish.bundle import build_bundle
    from lecture.publish.check import check_bundle

    from tests.publish.conftest import make_render

    make_render(tmp_path, narrated=False)
    failed = {r.name for r in check_bundle(build_bundle(tmp_path, "h")) if not r.ok}
    assert failed == {"audio: narration"}
