"""Check a bundle against YouTube's specifications, measuring the files themselves.

Every rule reads what is on disk: PyAV demuxes the video, `bitstream` reads
its boxes, SPS and slice headers, Pillow opens the thumbnail, the caption
files are parsed, the description is read for timestamps the way YouTube
reads it. Nothing is taken from the build's own account of what it did,
except the frame rate the lecture was rendered at (bundle.json), which the
video must keep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from . import bitstream, captions, chapters, metadata, spec
from .errors import PublishError

VIDEO = "video.mp4"
SRT = "captions.srt"
VTT = "captions.vtt"
METADATA = "metadata.json"
BUNDLE_RECORD = "bundle.json"
THUMBNAILS = ("thumbnail.jpg", "thumbnail.png")

# AVFieldOrder
_FIELD_ORDERS = {0: "unknown", 1: "progressive", 2: "tt", 3: "bb", 4: "tb", 5: "bt"}
# H.264 VUI code points (ITU-T H.273) for the colour rule's messages.
_COLOUR_NAMES = {1: "bt709", 2: "unspecified", 5: "bt470bg", 6: "smpte170m", 9: "bt2020"}


@dataclass(frozen=True)
class Rule:
    name: str
    ok: bool
    measured: str
    expected: str


def _rule(rules: list[Rule], name: str, ok: bool, measured: str, expected: str) -> None:
    rules.append(Rule(name, bool(ok), measured, expected))


def _mbps(bits_per_second: float) -> str:
    return f"{bits_per_second / 1e6:.2f} Mbps"


def _fps(rate: float) -> str:
    return f"{rate:.3f}".rstrip("0").rstrip(".")


# --- the video -----------------------------------------------------------------


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
    audio: dict | None


def _enum_name(value) -> str:
    """A colour enum (an int in PyAV 18, an Enum elsewhere) as bt709, unspecified..."""
    name = getattr(value, "name", None)
    if name is not None:
        return str(name).lower()
    return _COLOUR_NAMES.get(int(value or 2), str(value))


def measure_video(path: Path) -> VideoFacts:
    """Read everything the video rules need; av/bitstream errors propagate."""
    boxes = bitstream.top_level_boxes(path)
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
        audio = None
        streams = [vs]
        if container.streams.audio:
            a = container.streams.audio[0]
            audio = {"codec": a.codec_context.name, "profile": a.codec_context.profile,
                     "rate": a.codec_context.sample_rate, "channels": a.codec_context.channels}
        packets = []
        for packet in container.demux(*streams):
            if packet.size == 0 or packet.pts is None:
                continue
            info = bitstream.picture_info(bytes(packet), length_size) if length_size else ("?", False)
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
        keyframes=len(key_at), leading_pictures=leading, max_b_run=max_b_run, audio=audio,
    )


def video_rules(v: VideoFacts, rendered_fps: float | None) -> list[Rule]:
    rules: list[Rule] = []
    kinds = [b[0] for b in v.boxes]
    moov = kinds.index("moov") if "moov" in kinds else None
    mdat = kinds.index("mdat") if "mdat" in kinds else None
    where = ", ".join(f"{k}@{o}" for k, o, _ in v.boxes if k in ("moov", "mdat")) or "no moov/mdat"
    _rule(rules, "video: moov atom first (fast start)",
          moov is not None and mdat is not None and moov < mdat, where, "moov before mdat")
    _rule(rules, "video: codec", v.codec == "h264", v.codec, "h264")

    sps_profile = v.sps.profile if v.sps else "no SPS"
    _rule(rules, "video: profile", v.sps is not None and v.sps.profile_idc == 100,
          f"{sps_profile} (SPS), {v.profile} (PyAV)", "High")
    chroma = {0: "4:0:0", 1: "4:2:0", 2: "4:2:2", 3: "4:4:4"}.get(v.sps.chroma_format_idc, "?") if v.sps else "?"
    depth = v.sps.bit_depth_luma if v.sps else "?"
    _rule(rules, "video: pixel format", v.pix_fmt == "yuv420p" and chroma == "4:2:0" and depth == 8,
          f"{v.pix_fmt} ({chroma}, {depth}-bit)", "yuv420p")

    if v.sps and v.sps.colour_primaries is not None:
        vui = tuple(_COLOUR_NAMES.get(c, str(c)) for c in
                    (v.sps.colour_primaries, v.sps.transfer_characteristics, v.sps.matrix_coefficients))
    else:
        vui = ("absent",) * 3
    stream_ok = v.stream_colour == ("bt709", "bt709", "bt709")
    _rule(rules, "video: colour BT.709", stream_ok and vui == ("bt709",) * 3,
          f"stream {'/'.join(v.stream_colour)}, VUI {'/'.join(vui)}",
          "primaries/transfer/matrix bt709 on the stream and in the VUI")

    progressive = v.sps is not None and v.sps.frame_mbs_only and v.field_order in ("progressive", "unknown")
    _rule(rules, "video: progressive",
          progressive, f"frame_mbs_only={int(v.sps.frame_mbs_only) if v.sps else '?'}, "
          f"field order {v.field_order}", "progressive frames only")

    constant = len(v.frame_durations) <= 1
    nominal = float(Fraction(1) / (next(iter(v.frame_durations)) * v.time_base)) if len(v.frame_durations) == 1 else v.frame_rate
    standard = any(abs(nominal - r) < 0.01 for r in spec.STANDARD_FRAME_RATES)
    as_rendered = rendered_fps is None or abs(nominal - rendered_fps) < 0.01
    rendered = f", rendered at {_fps(rendered_fps)}" if rendered_fps is not None else ", render rate unknown"
    # YouTube lists 24, 25, 30, 48, 50 and 60 as common and accepts others: upload
    # at the rate the lecture was made at. An uncommon rate is reported, not failed.
    common = "" if standard else " (uncommon; YouTube accepts it)"
    _rule(rules, "video: frame rate as rendered, constant", constant and as_rendered,
          f"{_fps(nominal)} fps{common}, {'constant' if constant else 'VARIABLE'}{rendered}",
          "constant, at the render's rate")

    low, high = spec.recommended_bitrate(v.height, nominal)
    avg = v.video_bits / v.duration if v.duration else 0.0
    lo_ok, hi_ok = low * (1 - spec.BITRATE_TOLERANCE), high * (1 + spec.BITRATE_TOLERANCE)
    rec = _mbps(low) if low == high else f"{low / 1e6:g} to {high / 1e6:g} Mbps"
    _rule(rules, "video: bitrate", lo_ok <= avg <= hi_ok,
          f"{_mbps(avg)} average over {v.duration:.2f} s",
          f"{rec} for {v.height}p{_fps(nominal)} (within {spec.BITRATE_TOLERANCE:.0%})")

    gop = spec.gop_frames(nominal)
    longest = max(v.gops) if v.gops else 0
    _rule(rules, "video: GOP length", 0 < longest <= gop,
          f"longest {longest} frames, {len(v.gops)} GOPs", f"at most {gop} frames (half the frame rate)")
    _rule(rules, "video: closed GOPs", v.keyframes > 0 and v.keyframes_idr == v.keyframes and v.leading_pictures == 0,
          f"{v.keyframes_idr} of {v.keyframes} keyframes IDR, {v.leading_pictures} leading pictures",
          "every keyframe IDR, nothing shown before it decoded after it")
    _rule(rules, "video: consecutive B-frames", v.max_b_run == 2,
          f"at most {v.max_b_run} in a row", "2")

    if v.audio is None:
        _rule(rules, "audio: AAC-LC 48 kHz stereo", True, "no audio stream (silent lecture)", "AAC-LC 48 kHz stereo if any")
    else:
        a = v.audio
        ok = a["codec"] == "aac" and a["profile"] == "LC" and a["rate"] == spec.AUDIO_SAMPLE_RATE \
            and a["channels"] == spec.AUDIO_CHANNELS
        _rule(rules, "audio: AAC-LC 48 kHz stereo", ok,
              f"{a['codec']} {a['profile']} {a['rate']} Hz {a['channels']} ch", "aac LC 48000 Hz 2 ch")
    return rules


# --- chapters, captions, thumbnail, metadata ------------------------------------


def chapter_rules(description: str, duration: float | None) -> list[Rule]:
    rules: list[Rule] = []
    found = chapters.parse_description(description)
    starts = [s for s, _ in found]
    _rule(rules, "chapters: first at 0:00", bool(found) and starts[0] == 0,
          chapters.timestamp(starts[0]) if found else "no timestamps", "0:00")
    _rule(rules, "chapters: at least three", len(found) >= spec.CHAPTERS_MIN,
          str(len(found)), f">= {spec.CHAPTERS_MIN}")
    ascending = all(a < b for a, b in zip(starts, starts[1:]))
    _rule(rules, "chapters: ascending", ascending,
          "ascending" if ascending else "out of order: " + ", ".join(map(chapters.timestamp, starts)),
          "strictly ascending")
    if found and duration is not None:
        ends = starts[1:] + [duration]
        lengths = [(end - s, title) for (s, title), end in zip(found, ends)]
        shortest, title = min(lengths)
        _rule(rules, f"chapters: each at least {spec.CHAPTER_MIN_SECONDS} s",
              shortest >= spec.CHAPTER_MIN_SECONDS and starts[-1] < duration,
              f"shortest {shortest:.1f} s ({title})", f">= {spec.CHAPTER_MIN_SECONDS} s, last to the video's end")
    else:
        _rule(rules, f"chapters: each at least {spec.CHAPTER_MIN_SECONDS} s", False,
              "no chapters" if not found else "video duration unknown", f">= {spec.CHAPTER_MIN_SECONDS} s")
    return rules


def caption_rules(folder: Path, duration: float | None) -> list[Rule]:
    rules: list[Rule] = []
    parsed: dict[str, list[captions.Cue]] = {}
    for name, parse in ((SRT, lambda p: captions.read_srt(p)),
                        (VTT, lambda p: captions.parse_vtt(p.read_text(encoding="utf-8")))):
        path = folder / name
        try:
            if not path.is_file():
                raise ValueError("missing")
            try:
                cues = parse(path)
            except PublishError as exc:
                raise ValueError(str(exc)) from None
            bad = [c for c in cues if not (0 <= c.start < c.end)]
            if bad:
                raise ValueError(f"cue at {bad[0].start:.3f} s ends at {bad[0].end:.3f} s")
            if not cues:
                raise ValueError("no cues")
            parsed[name] = cues
            _rule(rules, f"captions: {name} parses", True, f"{len(cues)} cues", "valid, non-empty")
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            _rule(rules, f"captions: {name} parses", False, str(exc), "valid, non-empty")
    for name, cues in parsed.items():
        last = max(c.end for c in cues)
        ok = duration is not None and last <= duration + 0.001
        _rule(rules, f"captions: {name} within the video", ok,
              f"last cue ends {last:.3f} s, video {duration:.3f} s" if duration is not None else "video duration unknown",
              "every cue ends by the video's end")
    if len(parsed) == 2:
        same = [(c.start, c.end) for c in parsed[SRT]] == [(c.start, c.end) for c in parsed[VTT]]
        _rule(rules, "captions: srt and vtt agree", same,
              "same cues" if same else f"{len(parsed[SRT])} vs {len(parsed[VTT])} cues or different times",
              "same cue times")
    return rules


def thumbnail_rules(folder: Path) -> list[Rule]:
    from PIL import Image, UnidentifiedImageError

    rules: list[Rule] = []
    present = [folder / n for n in THUMBNAILS if (folder / n).is_file()]
    if not present:
        _rule(rules, "thumbnail: present", False, "missing", " or ".join(THUMBNAILS))
        return rules
    path = present[0]
    size = path.stat().st_size
    try:
        with Image.open(path) as img:
            fmt, dims = img.format, img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        _rule(rules, "thumbnail: format", False, f"{path.name} unreadable ({type(exc).__name__})", "JPEG or PNG")
        return rules
    _rule(rules, "thumbnail: format", spec.THUMBNAIL_FORMATS.get(fmt) == path.suffix,
          f"{fmt} in {path.name}", "JPEG (.jpg) or PNG (.png)")
    _rule(rules, "thumbnail: 1280x720", dims == spec.THUMBNAIL_SIZE, f"{dims[0]}x{dims[1]}", "1280x720")
    _rule(rules, "thumbnail: under 2 MB", size < spec.THUMBNAIL_MAX_BYTES,
          f"{size:,} bytes", f"< {spec.THUMBNAIL_MAX_BYTES:,} bytes")
    return rules


def metadata_rules(meta: dict) -> list[Rule]:
    rules: list[Rule] = []
    title = meta.get("title")
    description = meta.get("description")
    tags = meta.get("tags")
    if not isinstance(title, str):
        _rule(rules, "metadata: title", False, repr(title), "text")
    else:
        ok = 0 < len(title) <= spec.TITLE_MAX_CHARS and not set("<>") & set(title)
        _rule(rules, "metadata: title", ok, f"{len(title)} characters{', has < or >' if set('<>') & set(title) else ''}",
              f"1 to {spec.TITLE_MAX_CHARS} characters, no < or >")
    if not isinstance(description, str):
        _rule(rules, "metadata: description", False, repr(description), "text")
    else:
        n = len(description.encode("utf-8"))
        ok = n <= spec.DESCRIPTION_MAX_BYTES and not set("<>") & set(description)
        _rule(rules, "metadata: description", ok,
              f"{n} bytes{', has < or >' if set('<>') & set(description) else ''}",
              f"<= {spec.DESCRIPTION_MAX_BYTES} bytes (chapters included), no < or >")
    if not (isinstance(tags, list) and all(isinstance(t, str) for t in tags)):
        _rule(rules, "metadata: tags", False, repr(tags), "a list of text")
    else:
        n = metadata.tags_length(tags)
        _rule(rules, "metadata: tags", n <= spec.TAGS_MAX_CHARS, f"{len(tags)} tags, {n} characters",
              f"<= {spec.TAGS_MAX_CHARS} characters")
    category = meta.get("categoryId")
    _rule(rules, "metadata: category", category == spec.CATEGORY_EDUCATION, repr(category), "'27' (Education)")
    lang = meta.get("defaultLanguage")
    _rule(rules, "metadata: language", isinstance(lang, str) and bool(re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", lang)),
          repr(lang), "a BCP-47 tag such as 'en'")
    privacy = meta.get("privacyStatus")
    _rule(rules, "metadata: privacy", privacy in spec.PRIVACY_VALUES, repr(privacy), " | ".join(spec.PRIVACY_VALUES))
    kids = meta.get("madeForKids")
    _rule(rules, "metadata: made for kids", kids is False, repr(kids), "False")
    return rules


# --- the bundle ----------------------------------------------------------------


def _guard(rules: list[Rule], name: str, expected: str, fn: Callable[[], list[Rule]]) -> None:
    """Run a group of rules; a file that cannot be read is a failed rule, not a crash."""
    try:
        rules.extend(fn())
    except (av.error.FFmpegError, bitstream.BitstreamError, OSError, ValueError, KeyError) as exc:
        _rule(rules, name, False, f"unreadable: {type(exc).__name__}: {exc}"[:160], expected)


def check_bundle(folder: Path) -> list[Rule]:
    """Every rule, in a stable order, for the bundle in `folder`."""
    rules: list[Rule] = []
    rendered_fps = None
    try:
        record = json.loads((folder / BUNDLE_RECORD).read_text(encoding="utf-8"))
        rendered_fps = float(record["rendered"]["frame_rate"])
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not our bundle, or an old one: the frame rate is still checked for constancy

    duration = None
    video = folder / VIDEO
    if not video.is_file():
        _rule(rules, "video: present", False, "missing", VIDEO)
    else:
        facts: list[VideoFacts] = []

        def run_video() -> list[Rule]:
            facts.append(measure_video(video))
            return video_rules(facts[0], rendered_fps)

        _guard(rules, "video: readable H.264 MP4", "an MP4 PyAV can demux", run_video)
        if facts:
            duration = facts[0].duration

    meta: dict | None = None
    try:
        meta = json.loads((folder / METADATA).read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        _rule(rules, "metadata: metadata.json", False, f"unreadable: {exc}"[:160], "a JSON object")
        meta = None
    if meta is not None:
        description = meta.get("description") if isinstance(meta.get("description"), str) else ""
        rules.extend(chapter_rules(description, duration))
    _guard(rules, "captions: readable", "captions.srt and captions.vtt", lambda: caption_rules(folder, duration))
    _guard(rules, "thumbnail: readable", "JPEG or PNG", lambda: thumbnail_rules(folder))
    if meta is not None:
        rules.extend(metadata_rules(meta))
    return rules


def failures(rules: list[Rule]) -> list[Rule]:
    return [r for r in rules if not r.ok]


def print_report(rules: list[Rule], console) -> None:
    """One line per rule: PASS/FAIL, the rule, what was measured, and (on failure) what is wanted."""
    from rich.markup import escape

    width = max((len(r.name) for r in rules), default=0)
    for r in rules:
        mark = "[green]PASS[/green]" if r.ok else "[bold red]FAIL[/bold red]"
        want = "" if r.ok else f"  [dim](want {escape(r.expected)})[/dim]"
        console.print(f"{mark} {escape(r.name.ljust(width))}  {escape(r.measured)}{want}",
                      soft_wrap=True, highlight=False)
    bad = failures(rules)
    summary = f"{len(rules) - len(bad)} of {len(rules)} rules pass"
    console.print(f"[bold red]{summary}[/]" if bad else f"[green]{summary}[/]", highlight=False)
