"""The pieces of the bundle: chapters, captions, the remux, the thumbnail."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from lecture.media import captions
from lecture.publish import chapters, remux
from lecture.delivery import spec
from lecture.publish.check import chapter_rules, measure_video
from lecture.publish.render import SceneEntry, Section
from lecture.publish.thumbnail import make_thumbnail

from tests.publish.conftest import FPS, delivery_options, write_video

# --- chapters ----------------------------------------------------------------------


def scene(name, start, length, *sections):
    """A scene at `start` of `length` s; sections given as (name, start) pairs."""
    secs = [Section("autocreated", start, start + length)]
    secs += [Section(n, s, start + length) for n, s in sections]
    return SceneEntry(name, start, length, tuple(secs))


@pytest.mark.parametrize("name, title", [
    ("SignOfGradient", "Sign of gradient"), ("learning_rate", "Learning rate"),
    ("MSE", "MSE"), ("ReluGradient", "Relu gradient"), ("Intro", "Intro"),
])
def test_humanise(name, title):
    assert chapters.humanise(name) == title


def test_beats_use_scene_titles_then_named_sections():
    scenes = (scene("Intro", 0, 20), scene("ChainRule", 20, 40, ("unnamed", 30), ("backward pass", 45)))
    got = chapters.beats(scenes, {"Intro": "Introduction", "ChainRule/backward pass": "Going backwards"})
    assert [(c.start, c.title) for c in got] == [(0, "Introduction"), (20, "Chain rule"), (45, "Going backwards")]


def test_short_closing_section_joins_its_own_scene():
    scenes = (scene("A", 0, 30), scene("B", 30, 30, ("coda", 55)), scene("C", 60, 12))
    got = chapters.merge_short(chapters.beats(scenes, {}), 72)
    assert [(c.start, c.title) for c in got] == [(0, "A"), (30, "B"), (60, "C")]


def test_a_short_opening_beat_keeps_its_scenes_title():
    """SignOfGradient opens with an 8 s beat: its chapter still says which scene it is."""
    scenes = (scene("Intro", 0, 30), scene("SignOfGradient", 30, 60, ("slope on the right", 38)))
    got = chapters.merge_short(chapters.beats(scenes, {}), 90)
    assert [(c.start, c.title) for c in got] == [(0, "Intro"), (30, "Sign of gradient")]


def test_short_first_scene_joins_the_next_and_keeps_start_zero():
    scenes = (scene("Hook", 0, 4), scene("Main", 4, 40), scene("End", 44, 20))
    got = chapters.merge_short(chapters.beats(scenes, {}), 64)
    assert [(c.start, c.title) for c in got] == [(0, "Main"), (44, "End")]


def test_timestamps_and_parsing_round_trip():
    chosen = [chapters.Chapter(0, "Intro", "I"), chapters.Chapter(75, "Middle", "M"),
              chapters.Chapter(3725, "Late", "L")]
    block = chapters.chapter_lines(chosen, 4000)
    assert block.splitlines() == ["0:00:00 Intro", "0:01:15 Middle", "1:02:05 Late"]
    assert chapters.parse_description("Some text\n" + block + "\nmore text 1:00 not a chapter") == [
        (0, "Intro"), (75, "Middle"), (3725, "Late")]
    assert chapters.chapter_lines(chosen[:2], 600) == "0:00 Intro\n1:15 Middle"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 90), st.lists(st.floats(0.05, 0.95), max_size=3)),
                min_size=1, max_size=12))
def test_merged_chapters_are_always_a_list_youtube_keeps(raw):
    """Whatever the scene lengths, every chapter we write is >= 10 s, from 0:00, ascending."""
    scenes, t = [], 0.0
    for i, (length, cuts) in enumerate(raw):
        sections = [(f"part {j}", t + c * length) for j, c in enumerate(sorted(cuts))]
        scenes.append(scene(f"Scene{i}", t, length, *sections))
        t += length
    got = chapters.merge_short(chapters.beats(tuple(scenes), {}), t)
    block = chapters.chapter_lines(got, t)
    rules = {r.name: r.ok for r in chapter_rules(block, t)}
    assert rules["chapters: first at 0:00"] and rules["chapters: ascending"]
    if len(got) > 1:
        assert rules["chapters: each at least 10 s"]
    if t >= 3 * spec.CHAPTER_MIN_SECONDS + 3 and len(got) >= 3:
        assert rules["chapters: at least three"]


# --- captions ----------------------------------------------------------------------


def test_captions_are_clipped_to_the_video_and_shifted():
    cues = [captions.Cue(0.5, 2.0, "a"), captions.Cue(9.0, 12.0, "b"), captions.Cue(11.0, 13.0, "c"),
            captions.Cue(3.0, 4.0, "  ")]
    fitted = captions.fit_to_video(cues, 10.0, shift=-1.0)
    assert fitted == [captions.Cue(0.0, 1.0, "a"), captions.Cue(8.0, 10.0, "b")]


def test_vtt_round_trip_and_odd_text():
    cues = [captions.Cue(0.0, 1.25, "line one\n\nline two"), captions.Cue(3661.5, 3662.0, "a --> b")]
    text = captions.to_vtt(cues)
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.250\n")
    parsed = captions.parse_vtt(text)
    assert [(c.start, c.end) for c in parsed] == [(0.0, 1.25), (3661.5, 3662.0)]
    assert parsed[0].text == "line one\nline two" and "-->" not in parsed[1].text
    assert [(c.start, c.end) for c in captions.read_srt_text(captions.to_srt(cues))] == [(0.0, 1.25), (3661.5, 3662.0)]


@pytest.mark.parametrize("bad", ["", "WEBVTX\n", "WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nx\n",
                                 "WEBVTT\n\n00:01.000 --> 00:02\nx\n"])
def test_vtt_parser_rejects_broken_files(bad):
    with pytest.raises(ValueError):
        captions.parse_vtt(bad)


# --- the remux ----------------------------------------------------------------------


def packets(path: Path) -> dict[str, list[tuple[bytes, int | None, int | None, bool]]]:
    """Every packet's bytes, times (in seconds x 90000) and key flag, per stream kind."""
    found: dict[str, list] = {}
    with av.open(str(path)) as c:
        for p in c.demux():
            if p.dts is None and p.pts is None:
                continue
            tb = p.stream.time_base
            scale = (lambda t: None if t is None else round(t * tb * 90000))
            found.setdefault(p.stream.type, []).append((bytes(p), scale(p.pts), scale(p.dts), p.is_keyframe))
    return found


def test_bundle_video_is_the_render_packet_for_packet(good_bundle):
    """No decode, no encode: the bundle's packets are the built lecture's, bytes and times,
    its narration's as well as its picture's."""
    render = good_bundle.parent / "lecture.mp4"
    theirs, ours = packets(render), packets(good_bundle / "video.mp4")
    assert set(ours) == {"video", "audio"} and len(ours["video"]) == FPS * 42
    assert ours == theirs


def test_remux_copies_the_sound_track_too(tmp_path):
    src = write_video(tmp_path / "lecture.mp4", 2, options=delivery_options(),
                      audio={"rate": 48000, "layout": "stereo"})
    streams = remux.remux(src, tmp_path / "video.mp4")
    assert streams == ["video h264 64x36", "audio aac 48000 Hz"]
    assert packets(tmp_path / "video.mp4") == packets(src)
    boxes = [b[0] for b in measure_video(tmp_path / "video.mp4").boxes]
    assert boxes.index("moov") < boxes.index("mdat")
    assert not (tmp_path / "video.mp4.part").exists()


def test_remux_of_an_unreadable_render_is_one_line(tmp_path):
    from lecture.publish.errors import PublishError

    (tmp_path / "lecture.mp4").write_bytes(b"not a video")
    with pytest.raises(PublishError, match="cannot read the rendered video lecture.mp4"):
        remux.remux(tmp_path / "lecture.mp4", tmp_path / "video.mp4")
    assert not (tmp_path / "video.mp4").exists()


@pytest.mark.parametrize("height, fps, expected", [
    (1080, 60, (12e6, 12e6)), (1080, 30, (8e6, 8e6)), (2160, 60, (53e6, 68e6)),
    (720, 30, (5e6, 5e6)), (480, 15, (2.5e6, 2.5e6)),
])
def test_recommended_bitrates(height, fps, expected):
    assert spec.recommended_bitrate(height, fps) == expected


# --- the thumbnail -----------------------------------------------------------------


def test_thumbnail_is_letterboxed_to_1280x720_jpeg(tmp_path):
    still = tmp_path / "still.png"
    Image.new("RGB", (800, 800), (255, 0, 0)).save(still)
    make_thumbnail(still, tmp_path / "thumbnail.jpg")
    with Image.open(tmp_path / "thumbnail.jpg") as img:
        assert img.format == "JPEG" and img.size == (1280, 720)
        assert img.getpixel((640, 360))[0] > 200 and img.getpixel((50, 360))[0] < 40


def test_noisy_still_is_compressed_under_2_mb(tmp_path):
    still = tmp_path / "still.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)).save(still)
    make_thumbnail(still, tmp_path / "thumbnail.jpg")
    assert (tmp_path / "thumbnail.jpg").stat().st_size < spec.THUMBNAIL_MAX_BYTES


def test_unreadable_still(tmp_path):
    from lecture.publish.errors import PublishError

    (tmp_path / "still.png").write_bytes(b"not a png")
    with pytest.raises(PublishError, match="cannot read the thumbnail still"):
        make_thumbnail(tmp_path / "still.png", tmp_path / "thumbnail.jpg")


def test_render_loader_reports_bad_fields(tmp_path):
    import json

    from lecture.publish.errors import PublishError
    from lecture.publish.render import load_render

    folder = tmp_path / "media/lecture/h"
    folder.mkdir(parents=True)
    (folder / "lecture.mp4").write_bytes(b"")
    (folder / "lecture.srt").write_text("")
    base = {"width": 1920, "height": 1080, "frame_rate": 60.0, "duration": 10, "video": "lecture.mp4",
            "captions": "lecture.srt", "thumbnail": None,
            "scenes": [{"name": "Intro", "offset": 0, "duration": 10, "sections": []}]}
    for change, message in [({"frame_rate": "60"}, "'frame_rate' should be a number"),
                            ({"scenes": []}, "'scenes' should be a non-empty list"),
                            ({"captions": None}, "'captions' should name a file"),
                            ({"thumbnail": "media/none.png"}, "thumbnail still media/none.png")]:
        (folder / "manifest.json").write_text(json.dumps({**base, **change}))
        with pytest.raises(PublishError, match=message):
            load_render(tmp_path, "h")
    (folder / "manifest.json").write_text(json.dumps(base))
    assert load_render(tmp_path, "h").thumbnail is None
