"""`check_bundle` passes a good bundle and catches each kind of broken one.

Each broken bundle is the good one with one thing wrong; the test asserts the
exact set of rules that fail, so a check that fails too much is caught too.
"""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from lecture import delivery
from lecture.publish.check import check_bundle, failures, measure_video, media_rules

from tests.publish.conftest import FPS, delivery_options, write_video


def failed(folder: Path) -> set[str]:
    return {r.name for r in failures(check_bundle(folder))}


def test_good_bundle_passes_every_rule(good_bundle):
    rules = check_bundle(good_bundle)
    assert not failures(rules), [r for r in rules if not r.ok]
    names = {r.name for r in rules}
    for must in ("video: profile", "video: colour BT.709", "video: closed GOPs", "video: rate control",
                 "video: no filler", "chapters: each at least 10 s", "captions: captions.vtt within the video",
                 "thumbnail: under 2 MB", "metadata: description"):
        assert must in names


def test_good_bundle_measures_what_youtube_asks_for(good_bundle):
    v = measure_video(good_bundle / "video.mp4")
    assert v.sps.profile == "High" and v.pix_fmt == "yuv420p" and v.sps.frame_mbs_only
    assert (v.sps.colour_primaries, v.sps.transfer_characteristics, v.sps.matrix_coefficients) == (1, 1, 1)
    assert v.gops[:-1] == [FPS // 2] * (len(v.gops) - 1)
    assert 0 < v.max_b_run <= 2 and v.leading_pictures == 0 and v.keyframes == v.keyframes_idr
    assert v.frame_durations and len(v.frame_durations) == 1
    assert [b[0] for b in v.boxes].index("moov") < [b[0] for b in v.boxes].index("mdat")
    assert v.filler_bytes == 0 and len(v.encoder_settings) == 1
    assert f"crf={delivery.CRF}.0" in next(iter(v.encoder_settings))


def test_slice_types_agree_with_the_decoder(good_bundle):
    """The check reads picture types from slice headers; a decoder must see the same."""
    from lecture.publish import bitstream

    with av.open(str(good_bundle / "video.mp4")) as c:
        s = c.streams.video[0]
        size, _ = bitstream.parse_avcc(bytes(s.codec_context.extradata))
        packets = [p for p in c.demux(s) if p.size]
        parsed = "".join(bitstream.picture_info(bytes(p), size)[0]
                         for p in sorted(packets, key=lambda p: p.pts))
        c.seek(0)
        decoded = "".join("?IPB"[int(f.pict_type)] for f in c.decode(video=0))
    assert parsed == decoded


# --- broken videos: one property wrong each, checked on a short clip ------------


def x264(**params) -> str:
    """The build's x264-params with `params` changed."""
    current = dict(item.split("=") for item in delivery_options()["x264-params"].split(":"))
    current.update({k.replace("_", "-"): str(v) for k, v in params.items()})
    return ":".join(f"{k}={v}" for k, v in current.items())


def video_failures(path: Path) -> set[str]:
    return {r.name for r in media_rules(path, float(FPS)) if not r.ok}


FAST = {"movflags": "+faststart"}
def test_short_clip_with_the_build_settings_passes(tmp_path):
    path = write_video(tmp_path / "v.mp4", 2, options=delivery_options(), container_options=FAST)
    assert video_failures(path) == set()


@pytest.mark.parametrize("kind, make, expected", [
    ("wrong pixel format",
     lambda p: write_video(p, 2, pix_fmt="yuv444p", options=delivery_options(profile="high444"),
                           container_options=FAST),
     {"video: pixel format", "video: profile"}),
    ("moov at the end",
     lambda p: write_video(p, 2, options=delivery_options()),
     {"video: moov atom first (fast start)"}),
    ("untagged colour",
     lambda p: write_video(p, 2, options=delivery_options(color_primaries=None, color_trc=None,
                                                          colorspace=None, color_range=None),
                           container_options=FAST),
     {"video: colour BT.709"}),
    ("open GOP",
     lambda p: write_video(p, 2, options=delivery_options(**{"x264-params": x264(open_gop=1)}),
                           container_options=FAST),
     {"video: closed GOPs"}),
    ("GOP of two seconds",
     lambda p: write_video(p, 3, options=delivery_options(
         **{"x264-params": x264(keyint=2 * FPS, min_keyint=2 * FPS)}), container_options=FAST),
     {"video: GOP length"}),
    ("no B-frames",
     lambda p: write_video(p, 2, options=delivery_options(**{"x264-params": x264(bframes=0)}),
                           container_options=FAST),
     {"video: consecutive B-frames"}),
    ("three B-frames in a row",
     lambda p: write_video(p, 2, options=delivery_options(**{"x264-params": x264(bframes=3, b_adapt=0)}),
                           container_options=FAST),
     {"video: consecutive B-frames"}),
    ("interlaced",
     lambda p: write_video(p, 2, options=delivery_options(**{"x264-params": x264(tff=1)}),
                           container_options=FAST),
     {"video: progressive"}),
    ("variable frame rate",
     lambda p: write_video(p, 2, options=delivery_options(), container_options=FAST,
                           frame_times=[i + i // 5 for i in range(2 * FPS)]),
     # 48 frames over 2.4 s: 20 fps on average, so 12-frame GOPs are 0.6 s, too long too
     {"video: frame rate as rendered, constant", "video: GOP length"}),
    ("audio 44.1 kHz mono",
     lambda p: write_video(p, 2, options=delivery_options(), container_options=FAST, audio={"rate": 44100}),
     {"audio: AAC-LC 48 kHz stereo"}),
])
def test_broken_video_is_caught(tmp_path, kind, make, expected):
    path = make(tmp_path / "v.mp4")
    assert video_failures(path) == expected, kind


def test_frame_rate_must_be_the_rendered_one(tmp_path):
    path = write_video(tmp_path / "v.mp4", 2, fps=30, options=delivery_options(30), container_options=FAST)
    rules = {r.name: r for r in media_rules(path, 60.0)}
    assert not rules["video: frame rate as rendered, constant"].ok
    assert "rendered at 60" in rules["video: frame rate as rendered, constant"].measured


def test_an_uncommon_frame_rate_as_rendered_passes(tmp_path):
    """480p15 (Manim's -q l) is not one of YouTube's common rates, but YouTube takes it."""
    path = write_video(tmp_path / "v.mp4", 2, fps=15, options=delivery_options(15), container_options=FAST)
    rules = {r.name: r for r in media_rules(path, 15.0)}
    assert rules["video: frame rate as rendered, constant"].ok
    assert "uncommon" in rules["video: frame rate as rendered, constant"].measured


def test_stereo_48k_aac_audio_passes(tmp_path):
    path = write_video(tmp_path / "v.mp4", 2, options=delivery_options(), container_options=FAST,
                       audio={"rate": 48000, "layout": "stereo"})
    rules = {r.name: r for r in media_rules(path, float(FPS))}
    assert rules["audio: AAC-LC 48 kHz stereo"].ok
    assert rules["audio: AAC-LC 48 kHz stereo"].measured == "aac LC 48000 Hz 2 ch"


# --- broken bundles: the files around the video ------------------------------------


def _set_description(folder: Path, description: str) -> None:
    meta = json.loads((folder / "metadata.json").read_text())
    meta["description"] = description
    (folder / "metadata.json").write_text(json.dumps(meta))


def test_moov_at_the_end_of_the_bundle_video(bundle_copy):
    """Remux the good video without +faststart: only the moov rule fails."""
    src, dst = bundle_copy / "video.mp4", bundle_copy / "remuxed.mp4"
    with av.open(str(src)) as i, av.open(str(dst), "w", format="mp4") as o:
        streams = {s.index: o.add_stream_from_template(s) for s in i.streams}
        for p in i.demux():
            if p.dts is not None:
                p.stream = streams[p.stream.index]
                o.mux(p)
    dst.replace(src)
    assert failed(bundle_copy) == {"video: moov atom first (fast start)"}


def test_chapter_under_ten_seconds(bundle_copy):
    _set_description(bundle_copy, "Test.\n\n0:00 Introduction\n0:12 Sign of gradient\n0:18 Too short\n0:26 Recap")
    assert failed(bundle_copy) == {"chapters: each at least 10 s"}


@pytest.mark.parametrize("description, rule", [
    ("0:05 Introduction\n0:15 Middle\n0:26 Recap", "chapters: first at 0:00"),
    ("0:00 Introduction\n0:26 Recap", "chapters: at least three"),
    ("0:00 Introduction\n0:26 Recap\n0:12 Middle", "chapters: ascending"),
    ("0:00 Introduction\n0:15 Middle\n0:41 Past the end", "chapters: each at least 10 s"),
])
def test_chapter_lists_youtube_would_ignore(bundle_copy, description, rule):
    _set_description(bundle_copy, description)
    assert rule in failed(bundle_copy)


def test_captions_running_past_the_end(bundle_copy):
    for name, stamp in (("captions.srt", "00:00:42,000"), ("captions.vtt", "00:00:42.000")):
        path = bundle_copy / name
        path.write_text(path.read_text().replace(stamp, stamp.replace("42", "47")))
    assert failed(bundle_copy) == {"captions: captions.srt within the video",
                                   "captions: captions.vtt within the video"}


def test_captions_that_do_not_parse_or_disagree(bundle_copy):
    (bundle_copy / "captions.vtt").write_text("1\n00:00:01,000 --> 00:00:02,000\nSubRip, not WebVTT\n")
    assert failed(bundle_copy) == {"captions: captions.vtt parses"}
    (bundle_copy / "captions.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOne cue only\n")
    assert failed(bundle_copy) == {"captions: srt and vtt agree"}


def test_oversize_thumbnail(bundle_copy):
    (bundle_copy / "thumbnail.jpg").unlink()
    noise = np.random.default_rng(0).integers(0, 256, (720, 1280, 3), dtype=np.uint8)
    Image.fromarray(noise).save(bundle_copy / "thumbnail.png")
    assert (bundle_copy / "thumbnail.png").stat().st_size > 2 * 1024 * 1024
    assert failed(bundle_copy) == {"thumbnail: under 2 MB"}


def test_thumbnail_of_the_wrong_size_or_format(bundle_copy):
    Image.new("RGB", (1920, 1080)).save(bundle_copy / "thumbnail.jpg", "JPEG")
    assert failed(bundle_copy) == {"thumbnail: 1280x720"}
    Image.new("RGB", (1280, 720)).save(bundle_copy / "thumbnail.jpg", "PNG")
    assert failed(bundle_copy) == {"thumbnail: format"}
    (bundle_copy / "thumbnail.jpg").unlink()
    assert failed(bundle_copy) == {"thumbnail: present"}


@pytest.mark.parametrize("change, rule", [
    ({"title": "x" * 101}, "metadata: title"),
    ({"title": "Loss <b>functions</b>"}, "metadata: title"),
    ({"description": "0:00 A\n0:12 B\n0:26 C\n" + "é" * 2500}, "metadata: description"),
    ({"tags": ["t" * 60] * 9}, "metadata: tags"),
    ({"categoryId": "22"}, "metadata: category"),
    ({"privacyStatus": "secret"}, "metadata: privacy"),
    ({"madeForKids": True}, "metadata: made for kids"),
    ({"defaultLanguage": ""}, "metadata: language"),
])
def test_metadata_limits(bundle_copy, change, rule):
    meta = json.loads((bundle_copy / "metadata.json").read_text())
    meta.update(change)
    (bundle_copy / "metadata.json").write_text(json.dumps(meta))
    assert failed(bundle_copy) == {rule}


def test_unreadable_files_are_failures_not_crashes(bundle_copy):
    (bundle_copy / "video.mp4").write_bytes(b"\x00\x00\x00\x08junk" * 10)
    (bundle_copy / "metadata.json").write_text("{not json")
    (bundle_copy / "captions.srt").write_bytes(b"\xff\xfe\x00garbage")
    result = failed(bundle_copy)
    assert "video: readable H.264 MP4" in result
    assert "metadata: metadata.json" in result
    assert "captions: captions.srt parses" in result


def test_an_empty_folder_fails_without_crashing(tmp_path):
    result = failed(tmp_path)
    assert {"video: present", "thumbnail: present", "metadata: metadata.json"} <= result


def test_the_repository_lecture_toml_makes_valid_metadata():
    """The real lecture.toml, with a full-length chapter list, stays within YouTube's limits."""
    from lecture.publish import chapters, metadata
    from lecture.publish.check import metadata_rules
    from lecture.publish.render import SceneEntry
    from scenes import LECTURE

    repo = Path(__file__).resolve().parents[2]
    meta = metadata.load_meta(repo)
    scenes = tuple(SceneEntry(name, 60.0 * i, 60.0, ()) for i, name in enumerate(LECTURE))
    chosen = chapters.merge_short(chapters.beats(scenes, meta.chapter_titles), 60.0 * len(LECTURE))
    built = metadata.build_metadata(meta, chapters.chapter_lines(chosen, 60.0 * len(LECTURE)))
    assert [r for r in metadata_rules(built) if not r.ok] == []
    assert set(meta.chapter_titles) <= set(LECTURE)
    assert built["privacyStatus"] == "private" and built["madeForKids"] is False
