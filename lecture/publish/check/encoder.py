"""How the picture was encoded: a quality setting, not a bitrate filled with padding.

x264 writes its settings into the stream (an SEI message at the start of every
encode, so once per Manim segment). A stream that carries them must use CRF
rate control at or below the lecture's configured quality (lecture.delivery.CRF)
in every segment. A stream without them came from another encoder, which
cannot be judged by its settings: it passes if its average bitrate is near
YouTube's recommendation. Either way, filler NAL units (CBR padding that
carries no picture) fail: they only make the upload bigger.
"""

from __future__ import annotations

from lecture import delivery
from lecture.publish import bitstream
from lecture.delivery import spec
from lecture.publish.check.rules import Rule, add, mbps
from lecture.publish.check.video import VideoFacts


def _describe(options: dict[str, str]) -> str:
    rc = options.get("rc", "?")
    if rc == "crf":
        return f"crf {float(options.get('crf', 'nan')):g}"
    bitrate = options.get("bitrate")
    return f"rc={rc}" + (f" at {bitrate} kbps" if bitrate else "") + \
        (f" qp {options['qp']}" if "qp" in options else "")


def _crf_ok(options: dict[str, str], max_crf: float) -> bool:
    try:
        return options.get("rc") == "crf" and float(options["crf"]) <= max_crf
    except (KeyError, ValueError):
        return False


def encoder_rules(v: VideoFacts, max_crf: float = delivery.CRF) -> list[Rule]:
    rules: list[Rule] = []
    nominal = v.nominal_frame_rate
    low, high = spec.recommended_bitrate(v.height, nominal)
    rec = mbps(low) if low == high else f"{low / 1e6:g} to {high / 1e6:g} Mbps"
    avg = v.video_bits / v.duration if v.duration else 0.0
    expected = (f"x264 CRF <= {max_crf:g} in every encode; from another encoder, "
                f"{rec} (within {spec.BITRATE_TOLERANCE:.0%}) for {v.height}p")
    if v.encoder_settings:
        parsed = [(bitstream.x264_options(text), count) for text, count in v.encoder_settings.items()]
        ok = all(_crf_ok(options, max_crf) for options, _ in parsed)
        kinds = sorted({_describe(options) for options, _ in parsed})
        encodes = sum(count for _, count in parsed)
        measured = (f"x264 {', '.join(kinds)} ({encodes} encode{'s' if encodes != 1 else ''}), "
                    f"{mbps(avg)} average")
    else:
        lo_ok, hi_ok = low * (1 - spec.BITRATE_TOLERANCE), high * (1 + spec.BITRATE_TOLERANCE)
        ok = lo_ok <= avg <= hi_ok
        measured = f"no encoder settings in the stream; {mbps(avg)} average over {v.duration:.2f} s"
    add(rules, "video: rate control", ok, measured, expected)

    share = v.filler_bytes * 8 / v.video_bits if v.video_bits else 0.0
    add(rules, "video: no filler", v.filler_bytes == 0,
        "none" if not v.filler_bytes else f"{v.filler_bytes:,} bytes of filler ({share:.0%} of the video)",
        "no filler NAL units (padding that carries no picture)")
    return rules
