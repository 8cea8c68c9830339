"""The video stream's structure: container, codec, profile, pixels, colour, timing, GOPs.

`measure_video` reads the file once: PyAV demuxes it, `bitstream` reads its
boxes, its SPS and the NAL units of every access unit (picture types, filler,
the encoder's settings message), so the video and encoder rules share one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av

from lecture.publish import bitstream
from lecture.delivery import spec
from lecture.publish.check.rules import Rule, add, fps

# AVFieldOrder
_FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
# H.264 VUI code points (ITU-T H.273) for the colour rule's messages.
_COLOUR_NAMES = {1: "bt709", 2: "unspecified", 5: "bt470bg", 6: "smpte170m", 9: "bt2020"}


@dataclass
class VideoFacts:
    boxes: list[tuple[str, int, int]]
    codec: str
    width: int
    height: int
    pix_fmt: str
    profile: str
    sps: bitstream.Sps | None
    stream_colour: tuple[str, str, str]
    field_order: str
    frame_count: int
    frame_durations: set[int]
    time_base: Fraction
    frame_rate: float
    duration: float
    video_bits: int
    gops: list[int]  # frames from each keyframe to the next, in display order
    keyframes_idr: int
    keyframes: int
    leading_pictures: int  # pictures decoded after a keyframe but shown before it
    max_b_run: int
    filler_bytes: int = 0  # in filler NAL units: padding that carries no picture
    # Each distinct x264 settings message in the stream, with how many times it occurs
    # (x264 writes one at the start of every encode: every Manim segment).
    encoder_settings: dict[str, int] = field(default_factory=dict)

    @property
    def nominal_frame_rate(self) -> float:
        if len(self.frame_durations) == 1:
            return float(Fraction(1) / (next(iter(self.frame_durations)) * self.time_base))
        return self.frame_rate


def _enum_name(value) -> str:
    """A colour enum (an int in PyAV 18, an Enum elsewhere) as bt709, unspecified..."""
    name = getattr(value, "name", None)
    if name is not None:
        return str(name).lower()
    return _COLOUR_NAMES.get(int(value or 2), str(value))


def measure_video(path: Path) -> VideoFacts:
    """Read everything the video and encoder rules need; av/bitstream errors propagate."""
    boxes = bitstream.top_level_boxes(path)
    filler = 0
    settings: dict[str, int] = {}
    with av.open(str(path)) as container:
        if not container.streams.video:
            raise bitstream.BitstreamError("no video stream")
        vs = container.streams.video[0]
        cc = vs.codec_context
        codec = cc.name
        sps = None
        length_size = None
        if codec == "h264":
            length_size, sps_list = bitstream.parse_avcc(bytes(cc.extradata or b""))
            sps = bitstream.parse_sps(sps_list[0])
        packets = []
        for packet in container.demux(vs):
            if packet.size == 0 or packet.pts is None:
                continue
            info = ("?", False)
            if length_size:
                unit = bitstream.scan_access_unit(bytes(packet), length_size)
                info = (unit.slice_type, unit.idr)
                filler += unit.filler_bytes
                for text in unit.x264_settings:
                    settings[text] = settings.get(text, 0) + 1
            packets.append((packet.pts, packet.duration or 0, packet.size, packet.is_keyframe, info))
        facts_stream = (
            cc.width, cc.height, cc.pix_fmt or "?", cc.profile or "?",
            (_enum_name(cc.color_primaries), _enum_name(cc.color_trc), _enum_name(cc.colorspace)),
            _FIELD_ORDERS.get(int(cc.field_order or 0), str(cc.field_order)), vs.time_base,
        )
    if not packets:
        raise bitstream.BitstreamError("the video stream has no frames")
    width, height, pix_fmt, profile, colour, field_order, time_base = facts_stream
    pts_sorted = sorted(p[0] for p in packets)
    deltas = {b - a for a, b in zip(pts_sorted, pts_sorted[1:])}
    last_duration = max(packets, key=lambda p: p[0])[1] or (min(deltas) if deltas else 0)
    span = pts_sorted[-1] + last_duration - pts_sorted[0]
    duration = float(span * time_base)
    frame_rate = len(packets) / duration if duration > 0 else 0.0

    key_at = [i for i, p in enumerate(packets) if p[3]]  # decode order
    keyframes_idr = sum(1 for i in key_at if packets[i][4][1])
    leading = 0
    for k in key_at:  # a closed GOP shows nothing decoded after its keyframe before it
        leading += sum(1 for p in packets[k + 1:k + 1 + 16] if p[0] < packets[k][0])
    shown = sorted(packets, key=lambda p: p[0])  # display order
    shown_keys = [i for i, p in enumerate(shown) if p[3]]
    gops = [b - a for a, b in zip(shown_keys, shown_keys[1:] + [len(shown)])]
    types = [p[4][0] for p in shown]
    max_b_run = max((len(m) for m in re.findall(r"B+", "".join(types))), default=0)

    return VideoFacts(
        boxes=boxes, codec=codec, width=width, height=height, pix_fmt=pix_fmt, profile=profile,
        sps=sps, stream_colour=colour, field_order=field_order, frame_count=len(packets),
        frame_durations=deltas, time_base=time_base, frame_rate=frame_rate, duration=duration,
        video_bits=8 * sum(p[2] for p in packets), gops=gops, keyframes_idr=keyframes_idr,
        keyframes=len(key_at), leading_pictures=leading, max_b_run=max_b_run,
        filler_bytes=filler, encoder_settings=settings,
    )


def video_rules(v: VideoFacts, rendered_fps: float | None) -> list[Rule]:
    rules: list[Rule] = []
    kinds = [b[0] for b in v.boxes]
    moov = kinds.index("moov") if "moov" in kinds else None
    mdat = kinds.index("mdat") if "mdat" in kinds else None
    where = ", ".join(f"{k}@{o}" for k, o, _ in v.boxes if k in ("moov", "mdat")) or "no moov/mdat"
    add(rules, "video: moov atom first (fast start)",
        moov is not None and mdat is not None and moov < mdat, where, "moov before mdat")
    add(rules, "video: codec", v.codec == "h264", v.codec, "h264")

    sps_profile = v.sps.profile if v.sps else "no SPS"
    add(rules, "video: profile", v.sps is not None and v.sps.profile_idc == 100,
        f"{sps_profile} (SPS), {v.profile} (PyAV)", "High")
    chroma = {0: "4:0:0", 1: "4:2:0", 2: "4:2:2", 3: "4:4:4"}.get(v.sps.chroma_format_idc, "?") if v.sps else "?"
    depth = v.sps.bit_depth_luma if v.sps else "?"
    add(rules, "video: pixel format", v.pix_fmt == "yuv420p" and chroma == "4:2:0" and depth == 8,
        f"{v.pix_fmt} ({chroma}, {depth}-bit)", "yuv420p")

    if v.sps and v.sps.colour_primaries is not None:
        vui = tuple(_COLOUR_NAMES.get(c, str(c)) for c in
                    (v.sps.colour_primaries, v.sps.transfer_characteristics, v.sps.matrix_coefficients))
    else:
        vui = ("absent",) * 3
    stream_ok = v.stream_colour == ("bt709", "bt709", "bt709")
    add(rules, "video: colour BT.709", stream_ok and vui == ("bt709",) * 3,
        f"stream {'/'.join(v.stream_colour)}, VUI {'/'.join(vui)}",
        "primaries/transfer/matrix bt709 on the stream and in the VUI")

    progressive = v.sps is not None and v.sps.frame_mbs_only and v.field_order in ("progressive", "unknown")
    add(rules, "video: progressive",
        progressive, f"frame_mbs_only={int(v.sps.frame_mbs_only) if v.sps else '?'}, "
        f"field order {v.field_order}", "progressive frames only")

    constant = len(v.frame_durations) <= 1
    nominal = v.nominal_frame_rate
    standard = any(abs(nominal - r) < 0.01 for r in spec.STANDARD_FRAME_RATES)
    as_rendered = rendered_fps is None or abs(nominal - rendered_fps) < 0.01
    rendered = f", rendered at {fps(rendered_fps)}" if rendered_fps is not None else ", render rate unknown"
    # YouTube lists 24, 25, 30, 48, 50 and 60 as common and accepts others: upload
    # at the rate the lecture was made at. An uncommon rate is reported, not failed.
    common = "" if standard else " (uncommon; YouTube accepts it)"
    add(rules, "video: frame rate as rendered, constant", constant and as_rendered,
        f"{fps(nominal)} fps{common}, {'constant' if constant else 'VARIABLE'}{rendered}",
        "constant, at the render's rate")

    gop = spec.gop_frames(nominal)
    longest = max(v.gops) if v.gops else 0
    add(rules, "video: GOP length", 0 < longest <= gop,
        f"longest {longest} frames, {len(v.gops)} GOPs", f"at most {gop} frames (half the frame rate)")
    add(rules, "video: closed GOPs", v.keyframes > 0 and v.keyframes_idr == v.keyframes and v.leading_pictures == 0,
        f"{v.keyframes_idr} of {v.keyframes} keyframes IDR, {v.leading_pictures} leading pictures",
        "every keyframe IDR, nothing shown before it decoded after it")
    add(rules, "video: consecutive B-frames", 0 < v.max_b_run <= spec.MAX_B_FRAMES,
        f"at most {v.max_b_run} in a row", f"B-frames, at most {spec.MAX_B_FRAMES} in a row")
    return rules
