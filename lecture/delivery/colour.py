"""RGB frames to the stream's YUV, with the matrix the stream's tags name.

Manim renders RGBA. Handed to an encoder as is, PyAV converts it with
swscale's default matrix (BT.601) and the stream is left untagged; players then
guess, and YouTube treats untagged HD as BT.709, so every colour comes out
shifted. Here the conversion is explicit: the BT.709 matrix, limited range,
the frame tagged accordingly, and `encoder_options` writes the same
description into the stream.

`Converter` does the same for a segment's frames one after another, converting
only the rows that changed since the frame before.
"""

from __future__ import annotations

import av
import numpy as np

PIXEL_FORMAT = "yuv420p"
MATRIX = "ITU709"  # swscale's name for the BT.709 matrix coefficients
RANGE = "MPEG"  # limited ("TV") range, 16-235


def to_stream(frame: av.VideoFrame, pixel_format: str = PIXEL_FORMAT) -> av.VideoFrame:
    """An RGB(A) frame in `pixel_format`: a YUV format converted with BT.709 to limited
    range (yuv420p, the delivery format, by default); an RGB format as it is."""
    if not pixel_format.startswith("yuv"):
        return frame.reformat(format=pixel_format)
    return frame.reformat(format=pixel_format, dst_colorspace=MATRIX, dst_color_range=RANGE)


def to_rgb(frame: av.VideoFrame) -> av.VideoFrame:
    """A decoded delivery frame back to RGB, read as BT.709 limited range."""
    return frame.reformat(format="rgb24", src_colorspace=MATRIX, src_color_range=RANGE)


def rgba_frame(pixels: np.ndarray) -> av.VideoFrame:
    """Manim's RGBA pixels as a frame, without copying them.

    `VideoFrame.from_ndarray` copies the array into a new frame, line by line,
    which costs more than the BT.709 conversion itself. The conversion reads the
    pixels once and writes a new frame, so wrapping Manim's array is enough (the
    same bytes come out).
    """
    try:
        return av.VideoFrame.from_numpy_buffer(pixels, format="rgba")
    except ValueError:  # an array PyAV cannot wrap (columns not contiguous): copy it
        return av.VideoFrame.from_ndarray(pixels, format="rgba")


def planes(frame: av.VideoFrame) -> list[np.ndarray]:
    """Writable views of a frame's planes, each (rows, visible width): no copy."""
    return [np.frombuffer(p, np.uint8).reshape(p.height, p.line_size)[:, :p.width]
            for p in frame.planes]


ALIGN = 16  # rows: a band starts and ends on a multiple of this (or at an edge)
CONTEXT = 16  # rows converted either side of a band for context, then dropped
FULL_SHARE = 0.5  # above this share of the rows in bands, one whole conversion is cheaper


class Converter:
    """`to_stream` for the frames of one segment in order, converting only what changed.

    From one frame of an animation to the next, most rows stay as they were: the
    rows that change between two distinct frames of the lecture are a small part
    of the frame (docs/performance.md). In yuv420p a luma
    row is made from its own RGB row alone, and a chroma row from the RGB rows
    around it (swscale's vertical filter reads one chroma row either side). So the
    bands of rows that changed, widened to ALIGN, are converted with CONTEXT rows
    of context each side, and their rows written over the previous frame's: the
    bytes are those of a whole conversion (the tests compare them, on noise).

    The frame returned is the previous one, updated in place. It must not be
    mutated behind the encoder's back, so this is only for an encoder that copies
    each picture before `encode()` returns (x264 does: x264_encoder_encode copies
    its input); use it from one thread. Manim hands each frame's pixels over for
    good (`SceneFileWriter.write_frame`), so the last ones are kept to compare.
    """

    def __init__(self, pixel_format: str = PIXEL_FORMAT) -> None:
        self.pixel_format = pixel_format
        self._pixels: np.ndarray | None = None
        self._frame: av.VideoFrame | None = None
        self._planes: list[np.ndarray] | None = None
        self.rows_seen = self.rows_converted = 0  # what the bands saved, for measuring

    def __call__(self, pixels: np.ndarray) -> av.VideoFrame:
        bands = self._bands(pixels)
        self._pixels = pixels
        self.rows_seen += pixels.shape[0]
        if bands is None:
            self._frame = to_stream(rgba_frame(pixels), self.pixel_format)
            self._planes = planes(self._frame) if self.pixel_format == PIXEL_FORMAT else None
            self.rows_converted += pixels.shape[0]
            return self._frame
        height = pixels.shape[0]
        for start, end in bands:
            lo, hi = max(0, start - CONTEXT), min(height, end + CONTEXT)
            part = planes(to_stream(rgba_frame(pixels[lo:hi]), self.pixel_format))
            self._planes[0][start:end] = part[0][start - lo:end - lo]
            for whole, piece in zip(self._planes[1:], part[1:]):
                whole[start // 2:end // 2] = piece[(start - lo) // 2:(end - lo) // 2]
            self.rows_converted += hi - lo
        return self._frame

    def _bands(self, pixels: np.ndarray) -> list[tuple[int, int]] | None:
        """The row ranges to convert again, or None for a whole conversion."""
        before = self._pixels
        if (self._planes is None or before is None or before.shape != pixels.shape
                or before.dtype != np.uint8 or pixels.dtype != np.uint8 or pixels.ndim != 3
                or pixels.shape[0] % 2 or pixels.shape[1] % 2
                or not (before.flags.c_contiguous and pixels.flags.c_contiguous)):
            return None
        height = pixels.shape[0]
        # Compare whole rows a word at a time (a row of an even width is a whole number of
        # 8-byte words in RGBA).
        changed = np.flatnonzero((before.reshape(height, -1).view(np.uint64)
                                  != pixels.reshape(height, -1).view(np.uint64)).any(axis=1))
        bands: list[tuple[int, int]] = []
        for run in np.split(changed, np.flatnonzero(np.diff(changed) > 1) + 1):
            if not len(run):
                continue
            start = max(0, (int(run[0]) - ALIGN) // ALIGN * ALIGN)
            end = min(height, -(-(int(run[-1]) + 1 + ALIGN) // ALIGN) * ALIGN)
            if bands and start <= bands[-1][1] + 2 * CONTEXT:  # close enough: one band
                bands[-1] = (bands[-1][0], end)
            else:
                bands.append((start, end))
        if sum(end - start + 2 * CONTEXT for start, end in bands) > FULL_SHARE * height:
            return None
        return bands
