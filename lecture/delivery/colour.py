"""RGB frames to the stream's YUV, with the matrix the stream's tags name.

Manim renders RGBA. Handed to an encoder as is, PyAV converts it with
swscale's default matrix (BT.601) and the stream is left untagged; players then
guess, and YouTube treats untagged HD as BT.709, so every colour comes out
shifted. Here the conversion is explicit: the BT.709 matrix, limited range,
the frame tagged accordingly, and `encoder_options` writes the same
description into the stream.
"""

from __future__ import annotations

import av

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
