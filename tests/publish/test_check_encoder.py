"""The encoder rules of `lecture check`: a quality setting, not a bitrate padded with filler.

A stream with x264's settings passes only with CRF rate control at or below
the configured quality in every encode; a stream without them (another encoder)
is judged by its average bitrate; filler NAL units fail either way.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import pytest

from lecture.publish.check import VideoFacts, encoder_rules, media_rules

from tests.publish.conftest import FPS, delivery_options, write_video
from tests.publish.test_check import FAST, video_failures, x264

# The encoder settings `lecture publish` used before scenes were rendered for
# delivery: CBR at YouTube's recommended bitrate, the rest padded with filler.
CBR_WITH_FILLER = {"b": "1000000", "minrate": "1000000", "maxrate": "1000000", "bufsize": "1000000",
                   "crf": None, "x264-params": x264(nal_hrd="cbr")}


def strip_encoder_settings(src: Path, dst: Path) -> Path:
    """Remux `src` with every SEI NAL unit removed (an encoder that says nothing of itself)."""
    from lecture.publish import bitstream

    with av.open(str(src)) as i, av.open(str(dst), "w", format="mp4", options=FAST) as o:
        vin = i.streams.video[0]
        size, _ = bitstream.parse_avcc(bytes(vin.codec_context.extradata))
        s = o.add_stream_from_template(vin)
        for p in i.demux(vin):
            if p.dts is None:
                continue
            kept = b"".join(len(n).to_bytes(size, "big") + n for n in bitstream.nal_units(bytes(p), size)
                            if n[0] & 0x1F != bitstream.NAL_SEI)
            q = av.Packet(kept)
            q.pts, q.dts, q.time_base, q.is_keyframe = p.pts, p.dts, p.time_base, p.is_keyframe
            q.stream = s
            o.mux(q)
    return dst


@pytest.mark.parametrize("kind, make, expected", [
    ("a coarser quality setting",
     lambda p: write_video(p, 2, options=delivery_options(crf="28"), container_options=FAST),
     {"video: rate control"}),
    ("CBR padded with filler",
     lambda p: write_video(p, 2, options=delivery_options(**CBR_WITH_FILLER), container_options=FAST),
     {"video: rate control", "video: no filler"}),
    ("encoder settings missing",
     lambda p: strip_encoder_settings(write_video(p.with_name("src.mp4"), 2, options=delivery_options()), p),
     {"video: rate control"}),
])
def test_a_stream_judged_by_its_encoder_settings(tmp_path, kind, make, expected):
    path = make(tmp_path / "v.mp4")
    assert video_failures(path) == expected, kind


def test_one_coarse_segment_among_good_ones_is_caught(tmp_path):
    """Every x264 settings message counts, not only the first: a second encode at CRF 30
    (glued on by packet copy; the build's join would refuse its different PPS) fails."""
    parts = [write_video(tmp_path / "a.mp4", 1, options=delivery_options()),
             write_video(tmp_path / "b.mp4", 1, options=delivery_options(crf="30"))]
    glued = tmp_path / "glued.mp4"
    with av.open(str(glued), "w", format="mp4", options=FAST) as o:
        out, offset = None, 0
        for part in parts:
            with av.open(str(part)) as i:
                vin = i.streams.video[0]
                out = out or o.add_stream_from_template(vin)
                for p in i.demux(vin):
                    if p.dts is not None:
                        p.pts, p.dts, p.stream = p.pts + offset, p.dts + offset, out
                        o.mux(p)
                offset += int(1 / vin.time_base)
    rules = {r.name: r for r in media_rules(glued, float(FPS))}
    assert not rules["video: rate control"].ok
    assert "crf 18, crf 30 (2 encodes)" in rules["video: rate control"].measured


def facts(bits_per_second: float, settings: dict[str, int] | None = None, filler: int = 0) -> VideoFacts:
    """Measured facts of a 10 s 1080p60 stream with this bitrate (for the encoder rules alone)."""
    return VideoFacts(boxes=[], codec="h264", width=1920, height=1080, pix_fmt="yuv420p", profile="High",
                      sps=None, stream_colour=("bt709",) * 3, field_order="progressive", frame_count=600,
                      frame_durations={1}, time_base=Fraction(1, 60), frame_rate=60.0, duration=10.0,
                      video_bits=int(bits_per_second * 10), gops=[30] * 20, keyframes_idr=20, keyframes=20,
                      leading_pictures=0, max_b_run=2, filler_bytes=filler, encoder_settings=settings or {})


@pytest.mark.parametrize("mbps, ok", [(12.0, True), (13.5, True), (6.0, False), (20.0, False)])
def test_another_encoder_is_judged_by_its_bitrate(mbps, ok):
    """No x264 settings in the stream: 12 Mbps (YouTube's 1080p60 figure) within 15% passes."""
    rules = {r.name: r for r in encoder_rules(facts(mbps * 1e6))}
    assert rules["video: rate control"].ok is ok
    assert rules["video: no filler"].ok


def test_x264_settings_decide_even_at_the_recommended_bitrate():
    cbr = "x264 - core 165 - H.264/MPEG-4 AVC codec - options: rc=cbr bitrate=12000 nal_hrd=cbr filler=1"
    rules = {r.name: r for r in encoder_rules(facts(12e6, {cbr: 1}, filler=10_000_000))}
    assert not rules["video: rate control"].ok and "rc=cbr at 12000 kbps" in rules["video: rate control"].measured
    assert not rules["video: no filler"].ok and "67%" in rules["video: no filler"].measured
