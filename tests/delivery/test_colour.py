"""The delivery encoder converts only the rows that changed: the bytes must be those of a
whole conversion, frame after frame, and x264 must get the very same pictures."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from hypothesis import given, settings, strategies as st

from lecture.delivery import colour

from tests.fixtures.pipeline import segment_encoder


def whole(pixels: np.ndarray) -> list[np.ndarray]:
    return [p.copy() for p in colour.planes(colour.to_stream(colour.rgba_frame(pixels)))]


def same(frame: av.VideoFrame, pixels: np.ndarray) -> bool:
    return all(np.array_equal(a, b) for a, b in zip(colour.planes(frame), whole(pixels)))


@st.composite
def edited_frames(draw):
    """A frame of noise and a few steps, each writing noise over some boxes of it."""
    height, width = draw(st.sampled_from([(48, 64), (180, 320), (480, 854)]))
    box = st.tuples(st.integers(0, height - 1), st.integers(1, height),
                    st.integers(0, width - 1), st.integers(1, width))
    steps = draw(st.lists(st.lists(box, max_size=4), min_size=1, max_size=6))
    return height, width, draw(st.integers(0, 2 ** 32 - 1)), steps


@given(edited_frames())
@settings(max_examples=40, deadline=None)
def test_converting_the_changed_rows_gives_the_bytes_of_a_whole_conversion(case) -> None:
    height, width, seed, steps = case
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    convert = colour.Converter()
    assert same(convert(pixels), pixels)
    for step in steps:
        pixels = pixels.copy()  # Manim hands over a new array for every frame
        for top, rows, left, columns in step:
            area = pixels[top:top + rows, left:left + columns]
            area[...] = rng.integers(0, 256, area.shape, dtype=np.uint8)
        assert same(convert(pixels), pixels)


def test_a_small_change_converts_a_band_not_the_frame() -> None:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, (480, 854, 4), dtype=np.uint8)
    convert = colour.Converter()
    convert(pixels)
    moved = pixels.copy()
    moved[201:205, 300:340] = 255
    assert same(convert(moved), moved)
    # the band (rows 176-224) and its context either side: not the 480 rows
    assert convert.rows_converted - 480 == 224 - 176 + 2 * colour.CONTEXT
    assert same(convert(moved.copy()), moved) and convert.rows_converted - 480 == 80  # no change


def test_without_context_the_band_edges_come_out_wrong(monkeypatch) -> None:
    """The check above can fail: chroma rows at a band's edge need the rows beyond it."""
    monkeypatch.setattr(colour, "CONTEXT", 0)
    rng = np.random.default_rng(2)
    pixels = rng.integers(0, 256, (480, 854, 4), dtype=np.uint8)
    convert = colour.Converter()
    convert(pixels)
    moved = pixels.copy()
    moved[201:205] = rng.integers(0, 256, moved[201:205].shape, dtype=np.uint8)
    assert not same(convert(moved), moved)


def _encode(path: Path, banded: bool) -> list[bytes]:
    """A dot moving over noise, through the delivery encoder; returns the packets."""
    encoder = segment_encoder(path)
    if not banded:
        encoder._convert = lambda p: colour.to_stream(colour.rgba_frame(p))
    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (180, 320, 4), dtype=np.uint8)
    for i in range(40):
        pixels = pixels.copy()
        pixels[60 + i:70 + i, 4 * i:4 * i + 12] = 255
        encoder.write_frame(pixels, repeat=1 + i % 3)
    encoder.finish()
    with av.open(str(path)) as container:
        return [bytes(p) for p in container.demux(video=0) if p.size]


def test_x264_gets_the_same_pictures_from_the_reused_frame(tmp_path: Path, pinned_malloc) -> None:
    """The converter updates one frame in place between encode() calls; x264 copies each
    picture it takes, so the stream is the one whole conversions make, byte for byte."""
    banded = _encode(tmp_path / "banded.mp4", banded=True)
    assert banded == _encode(tmp_path / "whole.mp4", banded=False)
    assert len(banded) == sum(1 + i % 3 for i in range(40))
