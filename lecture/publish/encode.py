"""Re-encode the rendered lecture to YouTube's recommended upload settings.

H.264 High, yuv420p, BT.709 (tagged on the stream and in the SPS's VUI),
progressive, closed GOPs of half the frame rate with no scene-cut keyframes,
2 consecutive B-frames, constant frame rate as rendered, moov first.

Bitrate: Manim frames are flat colour and mostly still, so x264 needs a tenth
of YouTube's recommended bitrate for them. To deliver the recommendation
anyway, rate control is HRD CBR: x264 spends the budget on quality first (its
quantiser falls as low as it will go) and pads the rest with filler NAL units,
which YouTube's decoder skips.

Colour: Manim hands RGB frames to swscale, which converts them with the
BT.601 matrix and tags nothing. Frames are therefore read back to RGB as
BT.601 (unless the source says otherwise) and converted to YUV with the
BT.709 matrix, so the tags tell the truth about the pixels.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av

from . import spec
from .errors import PublishError

PRESET = "medium"

# libavutil enum values (AVColorPrimaries / AVColorTransferCharacteristic /
# AVColorSpace / AVColorRange), the same numbers H.264's VUI uses.
BT709 = 1
RANGE_LIMITED = 1  # AVCOL_RANGE_MPEG

_SOURCE_MATRIX = {1: "ITU709", 5: "ITU601", 6: "ITU601", 7: "SMPTE240M", 4: "FCC"}


def frame_rate_fraction(fps: float) -> Fraction:
    """60.0 -> 60, 29.97 -> 30000/1001."""
    for denominator in (1, 1001):
        f = Fraction(round(fps * denominator), denominator)
        if abs(float(f) - fps) < 1e-3:
            return f
    return Fraction(fps).limit_denominator(1001)


def settings(width: int, height: int, fps: float, preset: str = PRESET) -> dict:
    """Every encoder choice, also recorded in bundle.json."""
    rate = spec.target_bitrate(height, fps)
    gop = spec.gop_frames(fps)
    return {
        "codec": "libx264",
        "width": width,
        "height": height,
        "frame_rate": str(frame_rate_fraction(fps)),
        "options": {
            "profile": "high",
            "preset": preset,
            "g": str(gop),
            "keyint_min": str(gop),
            "sc_threshold": "0",
            "bf": "2",
            "flags": "+cgop",
            "b": str(rate),
            "minrate": str(rate),
            "maxrate": str(rate),
            "bufsize": str(rate),  # a one-second rate buffer
            "color_primaries": "bt709",
            "color_trc": "bt709",
            "colorspace": "bt709",
            "color_range": "tv",
            # closed GOP, fixed-length GOPs, HRD CBR (with filler); CABAC and 8x8
            # transforms keep the stream High profile even with the fastest presets
            "x264-params": f"open-gop=0:keyint={gop}:min-keyint={gop}:scenecut=0:nal-hrd=cbr"
                           ":cabac=1:8x8dct=1",
        },
        "audio": {"codec": "aac", "sample_rate": spec.AUDIO_SAMPLE_RATE,
                  "layout": "stereo", "bit_rate": spec.AUDIO_BITRATE},
        "pyav": av.__version__,
    }


def encode(source: Path, target: Path, fps: float, preset: str = PRESET,
           progress: Callable[[float], None] | None = None) -> float:
    """Write `target` from `source`; return the seconds of video the source started late by.

    `fps` is the frame rate as rendered; frames are retimed to exactly
    n / fps from zero. The return value is the first frame's time in the
    source, by which captions must move to stay with the pictures.
    """
    tmp = target.with_name(target.name + ".part")
    try:
        src = av.open(str(source))
    except (av.error.FFmpegError, OSError) as exc:
        raise PublishError(f"cannot read the rendered video {source.name}: {exc}") from None
    try:
        if not src.streams.video:
            raise PublishError(f"the rendered video {source.name} has no video stream")
        vin = src.streams.video[0]
        ain = src.streams.audio[0] if src.streams.audio else None
        width, height = vin.codec_context.width, vin.codec_context.height
        if width % 2 or height % 2:
            raise PublishError(f"the rendered video is {width}x{height}; 4:2:0 needs even sizes")
        conf = settings(width, height, fps, preset)
        rate = frame_rate_fraction(fps)
        src_matrix = _SOURCE_MATRIX.get(int(vin.codec_context.colorspace or 2), "ITU601")
        src_range = "JPEG" if int(vin.codec_context.color_range or 0) == 2 else "MPEG"
        duration = float(src.duration / av.time_base) if src.duration else None

        out = av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"})
        vout = out.add_stream("libx264", rate=rate, options=conf["options"])
        vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
        cc = vout.codec_context
        cc.color_primaries, cc.color_trc, cc.colorspace, cc.color_range = BT709, BT709, BT709, RANGE_LIMITED
        aout = resampler = None
        if ain is not None:
            aout = out.add_stream("aac", rate=spec.AUDIO_SAMPLE_RATE, layout="stereo")
            aout.bit_rate = spec.AUDIO_BITRATE
            resampler = av.AudioResampler(format="fltp", layout="stereo", rate=spec.AUDIO_SAMPLE_RATE)

        frame_time_base = Fraction(1) / rate
        n = 0
        first_time = None
        streams = [vin] + ([ain] if ain is not None else [])
        for packet in src.demux(*streams):
            for frame in packet.decode():
                if packet.stream is vin:
                    if first_time is None:
                        first_time = float(frame.time or 0.0)
                    rgb = frame.reformat(format="rgb24", src_colorspace=src_matrix,
                                         src_color_range=src_range)
                    yuv = rgb.reformat(format="yuv420p", dst_colorspace="ITU709",
                                       dst_color_range="MPEG")
                    yuv.pts, yuv.time_base = n, frame_time_base
                    # The decoder tags the source's keyframes as I; x264 would honour
                    # that and break the fixed GOP. Let the encoder choose.
                    yuv.pict_type = 0  # AV_PICTURE_TYPE_NONE
                    n += 1
                    out.mux(vout.encode(yuv))
                    if progress and duration and n % 30 == 0:
                        progress(min(1.0, n / float(rate) / duration))
                else:
                    for resampled in resampler.resample(frame):
                        out.mux(aout.encode(resampled))
        out.mux(vout.encode(None))
        if aout is not None:
            for resampled in resampler.resample(None):
                out.mux(aout.encode(resampled))
            out.mux(aout.encode(None))
        out.close()
        if n == 0:
            raise PublishError(f"the rendered video {source.name} has no frames")
        os.replace(tmp, target)
        if progress:
            progress(1.0)
        return first_time or 0.0
    except av.error.FFmpegError as exc:
        raise PublishError(f"re-encoding {source.name} failed: {exc}") from None
    finally:
        src.close()
        tmp.unlink(missing_ok=True)
