"""Scenes are rendered in the delivery encoding (lecture.delivery), through real Manim workers.

On the fixture project (160x90, 5 fps): every scene video and the joined
lecture have x264 CRF 18 settings, closed GOPs of half the frame rate, an IDR
frame at every scene start, at most 2 B-frames in a row, and BT.709 tags. On a
one-scene project with a saturated swatch: the pixels decode to the right
colour when read as BT.709, which is what the tags say, and Manim's own
encoding (the fallback) gets the same check wrong, so the test can tell.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from lecture import delivery
from lecture.bench.picture import mse, psnr
from lecture.delivery import colour
from lecture.publish import bitstream
from lecture.publish.check import measure_video

from tests.fixtures.pipeline import REPO, TINY, segment_encoder

pytestmark = pytest.mark.slow
FPS = 5


def assert_delivery_stream(path: Path) -> None:
    v = measure_video(path)
    assert v.codec == "h264" and v.sps.profile == "High" and v.pix_fmt == "yuv420p"
    assert (v.sps.colour_primaries, v.sps.transfer_characteristics, v.sps.matrix_coefficients) == (1, 1, 1)
    assert v.stream_colour == ("bt709",) * 3 and v.sps.full_range is False
    assert max(v.gops) <= delivery.gop_frames(FPS), v.gops
    assert v.keyframes == v.keyframes_idr and v.leading_pictures == 0
    assert v.max_b_run <= 2 and v.filler_bytes == 0
    options = [bitstream.x264_options(text) for text in v.encoder_settings]
    assert options and all(o["rc"] == "crf" and float(o["crf"]) == delivery.CRF for o in options)
    # (x264 allows at most keyint - 1 B-frames: 1 at this test's 5 fps)
    assert {(o["keyint"], o["open_gop"], o["scenecut"]) for o in options} == {
        (str(delivery.gop_frames(FPS)), "0", "0")}
    assert all(int(o["bframes"]) <= 2 for o in options)


def test_every_scene_and_the_lecture_are_in_the_delivery_encoding(built_template: Path) -> None:
    cache = built_template / "media/lecture/scenes/l"
    for name in ("Alpha", "Beta", "Gamma"):
        assert_delivery_stream(cache / f"{name}.mp4")
    assert_delivery_stream(built_template / "media/lecture/l/lecture.mp4")


def test_every_scene_starts_on_an_idr_frame_in_the_lecture(built_template: Path) -> None:
    out = built_template / "media/lecture/l"
    offsets = [s["offset"] for s in json.loads((out / "manifest.json").read_text())["scenes"]]
    with av.open(str(out / "lecture.mp4")) as c:
        s = c.streams.video[0]
        size, _ = bitstream.parse_avcc(bytes(s.codec_context.extradata))
        idr_times = {round(float(p.pts * s.time_base), 3) for p in c.demux(s)
                     if p.size and bitstream.picture_info(bytes(p), size)[1]}
    assert len(offsets) == 3 and {round(o, 3) for o in offsets} <= idr_times


def test_the_encoding_is_part_of_the_cache_key(built: Path, monkeypatch) -> None:
    from lecture.build.pipeline import FRESH, Pipeline
    from lecture.core.project import Project

    project = Project(built)
    assert all(st.status == FRESH for st in Pipeline(project, "l").states(project.scenes))
    monkeypatch.setenv(delivery.ENV, "manim")
    assert all(st.status != FRESH for st in Pipeline(project, "l").states(project.scenes))
    monkeypatch.setattr(delivery, "CRF", delivery.CRF - 1)
    monkeypatch.delenv(delivery.ENV)
    assert all(st.status != FRESH for st in Pipeline(project, "l").states(project.scenes))


def test_segments_of_any_length_join_at_a_constant_frame_rate(tmp_path: Path) -> None:
    """140 frames at 60 fps are 2333.33 ms: the segment's length must stay exact in the MP4, or
    Manim's concatenation starts the next segment early and the frame rate is no longer constant."""
    import io
    from collections import Counter

    lengths = (140, 163, 140)  # frames; 140 / 60 s is a third of a millisecond past 2333 ms
    parts = []
    for k, frames in enumerate(lengths):
        encoder = segment_encoder(tmp_path / f"part{k}.mp4", 160, 90, options_for=90)
        pixels = np.zeros((90, 160, 4), np.uint8)
        for i in range(frames - 3):
            pixels[:, :, :] = (i % 7) * 30
            encoder.write_frame(pixels.copy())
        encoder.write_frame(pixels.copy(), repeat=3)  # a still, as Manim asks for one
        encoder.finish()
        parts.append(encoder.target)
    manifest = io.BytesIO("".join(f"file 'file:{p}'\n" for p in parts).encode())
    with av.open(manifest, format="concat", options={"safe": "0"}) as joined:  # as Manim joins
        stream = joined.streams.video[0]
        frame_ticks = int(1 / (60 * stream.time_base))
        pts = sorted(p.pts for p in joined.demux(stream) if p.dts is not None)
    steps = Counter(b - a for a, b in zip(pts, pts[1:]))
    assert len(pts) == sum(lengths)
    assert set(steps) == {frame_ticks}, steps


SWATCH = (88, 196, 221)  # Manim's BLUE: saturated enough that BT.601 and BT.709 differ visibly


def start_swatch(root: Path, env_extra: dict[str, str]) -> tuple[subprocess.Popen, Path]:
    """Render a one-scene project whose every pixel is SWATCH but a square's outline."""
    (root / "scenes").mkdir(parents=True, exist_ok=True)
    (root / "manim.cfg").write_text("[CLI]\nmedia_dir = ./media\nbackground_color = #58C4DD\n")
    (root / "scenes/swatch.py").write_text(
        "from manim import Scene, Square\n\n\nclass Swatch(Scene):\n"
        "    def construct(self):\n        self.play(Square().animate.shift(0.1), run_time=0.4)\n")
    result = root / "result.json"
    env = {**os.environ, "PYTHONPATH": str(REPO), **env_extra}
    proc = subprocess.Popen([sys.executable, "-m", "lecture.worker.render", str(result), "--", "scenes/swatch.py",
                             "Swatch", "-q", "l", *TINY.split(), "--media_dir", str(root / "media"),
                             "--progress_bar", "none"], cwd=root, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    return proc, result


def finish(proc: subprocess.Popen, result: Path) -> Path:
    output, _ = proc.communicate(timeout=120)
    outcome = json.loads(result.read_text())
    assert outcome["ok"], output
    return Path(outcome["video"])


def corner_colour(video: Path, matrix: str) -> np.ndarray:
    with av.open(str(video)) as c:
        frame = next(c.decode(video=0))
        rgb = frame.reformat(format="rgb24", src_colorspace=matrix, src_color_range="MPEG").to_ndarray()
    return rgb[4:12, 4:12].reshape(-1, 3).mean(axis=0)


def test_pixels_are_bt709_as_the_tags_say(tmp_path: Path) -> None:
    ours_job = start_swatch(tmp_path / "delivery", {})
    manims_job = start_swatch(tmp_path / "manim", {delivery.ENV: "manim"})
    ours, manims = finish(*ours_job), finish(*manims_job)

    assert np.abs(corner_colour(ours, colour.MATRIX) - SWATCH).max() <= 2.5
    with av.open(str(ours)) as c:
        assert c.streams.video[0].codec_context.colorspace == 1  # tagged BT.709
    # A cached segment from another recipe is rendered again, not reused.
    from lecture.delivery.writer import RECIPE

    def mark(segment: Path) -> str | None:
        with av.open(str(segment)) as c:
            return c.metadata.get("comment")

    segments = sorted((tmp_path / "delivery").rglob("partial_movie_files/Swatch/*.mp4"))
    assert segments and all(mark(p) == RECIPE for p in segments)
    shutil.copyfile(next((tmp_path / "manim").rglob("partial_movie_files/Swatch/*.mp4")), segments[0])
    finish(*start_swatch(tmp_path / "delivery", {}))
    assert mark(segments[0]) == RECIPE

    # Manim's own encoding: BT.601 pixels, no tags; read as BT.709 (YouTube's assumption
    # for untagged HD, and what the delivery tags say) the colour is visibly wrong.
    assert np.abs(corner_colour(manims, colour.MATRIX) - SWATCH).max() > 5
    with av.open(str(manims)) as c:
        assert c.streams.video[0].codec_context.colorspace == 2  # unspecified


def test_frames_are_converted_from_manims_pixels_without_a_copy_and_unchanged() -> None:
    """The encoder wraps Manim's RGBA array instead of copying it; the YUV it gets is the
    same as from a copied frame, also for an array whose rows are padded."""
    from lecture.delivery.colour import rgba_frame as _rgba_frame

    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (90, 160, 4), dtype=np.uint8)
    padded = np.zeros((90, 176, 4), np.uint8)
    padded[:, :160] = pixels
    for source in (pixels, padded[:, :160]):
        wrapped = colour.to_stream(_rgba_frame(source))
        copied = colour.to_stream(av.VideoFrame.from_ndarray(np.ascontiguousarray(source),
                                                             format="rgba"))
        assert np.array_equal(wrapped.to_ndarray(), copied.to_ndarray())


def _still_scene() -> list[tuple[np.ndarray, int]]:
    """30 moving frames, a still held for 100 frames, 5 moving frames: (RGBA frame, repeat)."""
    pixels = np.zeros((180, 320, 4), np.uint8)
    frames = []
    for i in range(30):
        pixels[:, :, :3] = i * 5
        pixels[50:60, i * 5:i * 5 + 20] = 255
        frames.append((pixels.copy(), 1))
    frames.append((pixels.copy(), 100))
    for i in range(5):
        pixels[100:110, i * 9:i * 9 + 30] = 128
        frames.append((pixels.copy(), 1))
    return frames


def _encode_with_a_still(path: Path, shortcut: bool) -> int:
    """The still scene at 60 fps; returns how many frames x264 was given."""
    encoder = segment_encoder(path)
    if not shortcut:
        encoder._gop = None
    for pixels, repeat in _still_scene():
        encoder.write_frame(pixels, repeat=repeat)
    encoder.finish()
    return encoder._next_pts


def test_a_still_is_one_gop_encoded_and_repeated(tmp_path: Path, pinned_malloc) -> None:
    """A still held for whole GOPs costs x264 one GOP (and what is left over), not all of
    them. Its later GOPs decode to the very frames of its first, in closed GOPs of 30 at a
    constant frame rate, and every frame is as close to the picture it encodes as when
    x264 is given every frame.

    (Not the same frames as that: x264's rate control remembers the frames before, so
    given the still again it may code a later GOP a little differently from the first.
    With the delivery options this scene's second and third GOPs of the still come out
    up to 5 levels apart from the first that way; copies of the first are 75 dB from the
    picture against 76 dB.)"""
    fast, plain = tmp_path / "still.mp4", tmp_path / "plain.mp4"
    assert _encode_with_a_still(fast, shortcut=True) == 30 + 30 + 10 + 5  # 100 = 3 GOPs + 10
    assert _encode_with_a_still(plain, shortcut=False) == 135
    with av.open(str(fast)) as a, av.open(str(plain)) as b:
        decoded, theirs = list(a.decode(video=0)), [f.to_ndarray() for f in b.decode(video=0)]
        step = int(1 / (60 * a.streams.video[0].time_base))
    assert len(decoded) == len(theirs) == 135
    assert [f.pts for f in decoded] == [k * step for k in range(135)]
    ours = [f.to_ndarray() for f in decoded]
    assert all(np.array_equal(x, y) for x, y in zip(ours[:30], theirs[:30])), \
        "before the still, the same frames"
    assert all(np.array_equal(ours[k], ours[k - 30]) for k in range(60, 120)), \
        "the still's later GOPs are its first again"
    pictures = [colour.to_stream(colour.rgba_frame(pixels)).to_ndarray()
                for pixels, repeat in _still_scene() for _ in range(repeat)]
    for k, (x, y, picture) in enumerate(zip(ours, theirs, pictures)):
        near, every = psnr(mse(x, picture)), psnr(mse(y, picture))
        assert near >= min(every - 1.5, 60), \
            f"frame {k}: {near:.1f} dB from the picture, {every:.1f} when x264 is given every frame"
    facts = measure_video(fast)
    assert facts.gops[:-1] == [30] * 4 and facts.gops[-1] == 15, facts.gops
    assert facts.keyframes == facts.keyframes_idr == 5 and facts.leading_pictures == 0
    assert facts.max_b_run <= 2 and facts.filler_bytes == 0


def _stream_bytes(options: dict[str, str], thread_count: int) -> bytes:
    """The packets x264 makes of 12 moving frames of noise at 640x360, its context asking
    for `thread_count` slice threads (what PyAV asks for on a machine of that many cores)."""
    from fractions import Fraction

    rng = np.random.default_rng(3)
    background = rng.integers(0, 256, (360, 640, 3), np.uint8)
    codec = av.CodecContext.create("libx264", "w")
    codec.width, codec.height, codec.pix_fmt = 640, 360, "yuv420p"
    codec.time_base, codec.framerate = Fraction(1, 60), Fraction(60)
    codec.thread_type, codec.thread_count = "SLICE", thread_count
    codec.options = options
    data = bytearray()
    for i in range(12):
        frame = av.VideoFrame.from_ndarray(np.roll(background, 7 * i, axis=1), format="rgb24")
        frame = frame.reformat(format="yuv420p")
        frame.pts, frame.time_base = i, Fraction(1, 60)
        data += b"".join(bytes(p) for p in codec.encode(frame))
    data += b"".join(bytes(p) for p in codec.encode(None))
    return bytes(data)


def test_the_stream_does_not_depend_on_how_many_cores_the_machine_has(pinned_malloc) -> None:
    """x264 is pinned to one thread: a render on a 4-core worker and one on a 1-core worker
    are the same bytes. Without the pin, the slices follow the thread count (the control)."""
    options = delivery.encoder_options(360, 60)
    assert _stream_bytes(options, 4) == _stream_bytes(options, 1)
    unpinned = {**options, "x264-params": options["x264-params"].replace(":threads=1", "")}
    assert unpinned != options
    assert _stream_bytes(unpinned, 4) != _stream_bytes(unpinned, 1)
