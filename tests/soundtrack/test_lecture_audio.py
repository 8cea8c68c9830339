"""The narrated lecture end to end: clips placed by sample, one mastered track, captions from
speech, takes, one changed line, and the errors a user can make."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import srt

from narration.captions import MAX_CHARS, MAX_LINES, MIN_CUE
from narration.mix import decode, loudness
from narration.voice import SAMPLE_RATE

from tests.fixtures.pipeline import lecture

from tests.fixtures.narrated import CLICK_AT, CLICK_LINE, env_for

pytestmark = pytest.mark.slow
OUT = "media/lecture/l"


def manifest(root: Path) -> dict:
    return json.loads((root / OUT / "manifest.json").read_text())


def narration(root: Path, scene: str) -> dict:
    return json.loads((root / f"media/lecture/scenes/l/{scene}.narration.json").read_text())


def test_a_click_at_a_beats_start_lands_within_1_ms(narrated_template: Path) -> None:
    root = narrated_template
    m = manifest(root)
    alpha = next(s for s in m["scenes"] if s["name"] == "Alpha")
    (line,) = [x for x in narration(root, "Alpha")["lines"] if x["caption"] == CLICK_LINE]
    assert line["voice"].startswith("take ")
    fps = Fraction(m["frame_rate"]).limit_denominator(1001)
    expected = (Fraction(alpha["offset"]).limit_denominator(10**6) + Fraction(line["frame"]) / fps
                + Fraction(CLICK_AT).limit_denominator(1000))
    audio = decode(root / OUT / "lecture.mp4")
    at = round(expected * SAMPLE_RATE)
    window = audio[at - SAMPLE_RATE // 20: at + SAMPLE_RATE // 20]
    found = at - SAMPLE_RATE // 20 + int(np.argmax(np.abs(window)))
    assert abs(found - at) / SAMPLE_RATE <= 0.001, f"click at {found / SAMPLE_RATE:.4f} s, " \
                                                     f"expected {float(expected):.4f} s"


def test_the_track_is_aac_lc_48k_stereo_at_minus_14_lufs(narrated_template: Path) -> None:
    video = narrated_template / OUT / "lecture.mp4"
    with av.open(str(video)) as container:
        (stream,) = container.streams.audio
        assert (stream.codec_context.name, stream.codec_context.profile,
                stream.rate, stream.layout.name) == ("aac", "LC", SAMPLE_RATE, "stereo")
    measured = loudness(decode(video, stereo=True))
    assert measured.integrated == pytest.approx(-14.0, abs=0.5)
    assert measured.true_peak <= -1.0
    assert manifest(narrated_template)["narration"]["true_peak_dbtp"] == \
        pytest.approx(measured.true_peak, abs=0.05)


def test_audio_and_video_end_together(narrated_template: Path) -> None:
    video = narrated_template / OUT / "lecture.mp4"
    with av.open(str(video)) as container:
        v, a = container.streams.video[0], container.streams.audio[0]
        fps = v.average_rate
        ends = {}
        for packet in container.demux(v, a):
            if packet.pts is not None:
                end = (packet.pts + (packet.duration or 0)) * packet.time_base
                ends[packet.stream.type] = max(ends.get(packet.stream.type, 0), end)
    assert abs(ends["audio"] - ends["video"]) <= 1 / fps
    assert len(decode(video)) / SAMPLE_RATE == pytest.approx(float(ends["video"]), abs=float(1 / fps))


def test_captions_follow_the_speech_and_never_overlap(narrated_template: Path) -> None:
    cues = list(srt.parse((narrated_template / OUT / "lecture.srt").read_text()))
    assert [c.content.replace("\n", " ") for c in cues] == [
        "Here is a square, drawn while the voice speaks.", CLICK_LINE,
        "The new weight is 0.75, one step closer."]
    for cue, nxt in zip(cues, cues[1:] + [None]):
        lines = cue.content.split("\n")
        assert len(lines) <= MAX_LINES and all(len(x) <= MAX_CHARS for x in lines)
        assert (cue.end - cue.start).total_seconds() >= MIN_CUE
        assert nxt is None or cue.end <= nxt.start
    vtt = (narrated_template / OUT / "lecture.vtt").read_text()
    assert vtt.startswith("WEBVTT") and vtt.count("-->") == len(cues)


def test_speech_sounds_under_every_caption(narrated_template: Path) -> None:
    audio = decode(narrated_template / OUT / "lecture.mp4")
    for cue in srt.parse((narrated_template / OUT / "lecture.srt").read_text()):
        if cue.content == CLICK_LINE:
            continue  # that take is a click, not speech
        piece = audio[int(cue.start.total_seconds() * SAMPLE_RATE):
                      int(cue.end.total_seconds() * SAMPLE_RATE)]
        assert 20 * np.log10(np.sqrt(np.mean(piece ** 2)) + 1e-12) > -30, cue.content


def test_a_scene_render_carries_its_own_voice(narrated_template: Path) -> None:
    with av.open(str(narrated_template / "media/lecture/scenes/l/Beta.mp4")) as container:
        assert container.streams.audio, "a preview of one scene is heard too"


def test_a_recorded_take_replaces_the_voice_and_rerenders_only_its_scene(narrated: Path,
                                                                         voice_cache) -> None:
    from tests.fixtures.narrated import write_click_take

    spoken = narration(narrated, "Beta")["lines"][0]["spoken"]
    write_click_take(narrated, "Beta", spoken)
    done = lecture(narrated, "build", "-q", "l", env=env_for(narrated, voice_cache))
    assert done.returncode == 0, done.stderr
    assert "1 rendered, 1 cached" in done.stdout
    (line,) = narration(narrated, "Beta")["lines"]
    assert line["voice"].startswith("take sha256=")


def test_one_changed_line_makes_one_clip_and_one_render(narrated: Path, voice_cache) -> None:
    before = set(voice_cache.rglob("*.wav"))
    beta = narrated / "scenes/beta.py"
    beta.write_text(beta.read_text().replace("one step closer", "a step nearer"))
    done = lecture(narrated, "build", "-q", "l", env=env_for(narrated, voice_cache))
    assert done.returncode == 0, done.stderr
    assert "1 rendered, 1 cached" in done.stdout
    assert len(set(voice_cache.rglob("*.wav")) - before) == 1


def test_the_draft_voice_builds_a_silent_lecture_with_captions(narrated: Path, voice_cache) -> None:
    done = lecture(narrated, "build", "-q", "l", "--voice", "none",
                   env=env_for(narrated, voice_cache))
    assert done.returncode == 0, done.stderr
    assert "2 rendered" in done.stdout
    assert not np.any(decode(narrated / OUT / "lecture.mp4"))
    assert len(list(srt.parse((narrated / OUT / "lecture.srt").read_text()))) == 3


def test_an_empty_line_names_the_scene_and_keeps_what_was_built(narrated: Path,
                                                                voice_cache) -> None:
    lecture_mp4 = narrated / OUT / "lecture.mp4"
    kept = lecture_mp4.read_bytes()
    beta = narrated / "scenes/beta.py"
    source = beta.read_text()
    line = source[source.index('f"The new'):source.index('closer."') + len('closer."')]
    beta.write_text(source.replace(line, '"   "'))
    done = lecture(narrated, "build", "-q", "l", env=env_for(narrated, voice_cache))
    assert done.returncode == 1
    error = done.stderr.strip().splitlines()
    assert len(error) == 1 and "Beta" in error[0] and "empty narration line" in error[0], error
    assert "scenes/beta.py" in error[0]
    assert lecture_mp4.read_bytes() == kept


def test_a_voice_model_that_fails_its_check_stops_the_build_before_rendering(
        narrated: Path, voice_cache) -> None:
    (narrated / "lecture.toml").write_text('[voice]\nsha256 = "' + "0" * 64 + '"\n')
    done = lecture(narrated, "build", "-q", "l", env=env_for(narrated, voice_cache))
    assert done.returncode == 1
    error = done.stderr.strip().splitlines()
    assert len(error) == 1 and "expected 000000000000" in error[0] and "make setup" in error[0]
    assert "rendered" not in done.stdout


def test_scenes_mastered_while_rendering_give_the_track_mastered_at_the_join(narrated: Path) -> None:
    """The build masters each scene's voice as soon as the scene is rendered (Premaster); a
    join that finds no master and makes them all itself gives the same samples."""
    from lecture.core.records import SceneMeta
    from lecture.soundtrack import narrated as pipeline_voice

    cache = narrated / "media/lecture/scenes/l"
    built = decode(narrated / OUT / "lecture.mp4", stereo=True)
    masters = sorted(cache.glob("*.voice.npy"))
    assert {p.name for p in masters} == {"Alpha.voice.npy", "Beta.voice.npy"}
    metas = {p.name.split(".")[0]: SceneMeta.read(p.with_name(p.name.split(".")[0] + ".json"))
             for p in masters}
    made = {p.name: np.load(p) for p in masters}
    for path in masters:
        path.unlink()
    with pipeline_voice.Premaster(narrated, cache) as premaster:
        for meta in metas.values():
            premaster.submit(meta)
    for path in masters:  # made again, at the scene's own length, and the same
        assert np.array_equal(np.load(path), made[path.name])
    for path in cache.glob("*.voice.*"):
        path.unlink()
    (narrated / OUT / "manifest.json").unlink()  # the lecture is joined (and mixed) again
    done = lecture(narrated, "build", "-q", "l", timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    assert np.array_equal(decode(narrated / OUT / "lecture.mp4", stereo=True), built)


def test_a_build_that_speaks_loads_the_voice_once_and_says_the_same(narrated: Path, voice_cache,
                                                                    tmp_path: Path) -> None:
    """Two scenes to render with nothing cached: the render server loads the voice before
    it forks them (scheduler, zygote), the renders only speak, and the clips are the bytes
    the template's renders made (every spoken clip, synthesised again, compared)."""
    import shutil

    empty = tmp_path / "empty-voice"
    shutil.rmtree(narrated / "media/lecture/scenes/l")
    done = lecture(narrated, "build", "-q", "l", env=env_for(narrated, empty), timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    record = json.loads((narrated / "media/lecture/scenes/l/build.json").read_text())
    assert record["voice_preload_seconds"] > 0.3  # the model's load, paid once
    for scene in ("Alpha", "Beta"):
        meta = json.loads((narrated / f"media/lecture/scenes/l/{scene}.json").read_text())
        assert 0 < meta["voice_seconds"] < 1.0, meta["voice_seconds"]  # lines only, no load
    made = {p.name: p.read_bytes() for p in empty.rglob("*.wav")}
    assert made and all(made[name] == (voice_cache / name[:2] / name).read_bytes()
                        for name in made)
