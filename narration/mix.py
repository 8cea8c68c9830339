"""The lecture's narration track: every clip placed by sample, mastered once, encoded once.

``build_track`` places a scene's clips on one mono track at 48 kHz, at the frame
where the scene's render recorded them (exact fractions, rounded once to a
sample). ``master`` brings it to -14 LUFS integrated (ITU-R BS.1770, measured
with pyloudnorm) with its true peak at most -1 dBTP: ffmpeg's acompressor evens
out the voice, then ffmpeg's alimiter (lookahead, latency compensated so no
sample moves) applies the gain and holds the peaks; the loudness is measured
again and the gain corrected until both targets hold. Scenes are mastered one by
one (so an edit remasters one scene) and ``make_track`` joins them, sample for
sample, and encodes AAC-LC 48 kHz stereo once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from .voice import SAMPLE_RATE

TARGET_LUFS = -14.0
MAX_TRUE_PEAK = -1.0  # dBTP, in the encoded file
LIMIT = -2.0  # dBFS sample ceiling of the limiter: room for AAC's overshoot
LOUDNESS_TOLERANCE = 0.3  # LU
AAC_BITRATE = 256_000
# ffmpeg's AAC-LC with its fast coder and without the stereo and noise tools (see encode)
AAC_FAST = {"aac_coder": "fast", "aac_is": "0", "aac_ms": "0", "aac_pns": "0", "aac_tns": "0"}
MAX_GAIN = 36.0  # dB: the limiter's largest input gain (a click, not a voice, needs no more)
COMPRESSOR = "threshold=0.063:ratio=3:attack=3:release=60:makeup=1"


@dataclass(frozen=True)
class Placement:
    start: Fraction  # seconds from the start of the lecture
    samples: np.ndarray


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS
    true_peak: float  # dBTP

    def __str__(self) -> str:
        return f"{self.integrated:.1f} LUFS, true peak {self.true_peak:.1f} dBTP"


def sample_at(seconds: Fraction) -> int:
    return round(seconds * SAMPLE_RATE)


def build_track(placements: Sequence[Placement], duration: Fraction) -> np.ndarray:
    """One mono track ``duration`` long with every clip at its sample (overlaps add)."""
    track = np.zeros(sample_at(duration), np.float32)
    for p in placements:
        at = sample_at(p.start)
        if at >= len(track):
            continue
        piece = p.samples[: len(track) - at]
        track[at:at + len(piece)] += piece
    return track


TRUE_PEAK_HEADROOM = 2.0  # an inter-sample peak is under twice (6 dB over) the sample peak


def true_peak(track: np.ndarray) -> float:
    """dBTP: the peak of the signal oversampled 4 times (BS.1770-4 annex 2), in blocks.

    Only blocks whose sample peak could still hold the highest true peak are
    oversampled (an inter-sample peak is well under twice the samples around it).
    """
    from scipy.signal import resample_poly

    block, pad = SAMPLE_RATE, 64
    starts = range(0, len(track), block)
    sample_peaks = [float(np.max(np.abs(track[s:s + block]))) if len(track[s:s + block]) else 0.0
                    for s in starts]
    peak = 0.0
    for start, sample_peak in sorted(zip(starts, sample_peaks), key=lambda x: -x[1]):
        if sample_peak * TRUE_PEAK_HEADROOM <= peak:
            break
        # The block with `pad` samples of context each side, oversampled; the peak is read
        # from the block's own span only: resample_poly takes the signal as zero beyond
        # the piece, and the step it sees there rings over the true level at the edges.
        lead = min(pad, start)
        piece = resample_poly(track[start - lead:start + block + pad], 4, 1)
        inside = piece[4 * lead:4 * (lead + min(block, len(track) - start))]
        peak = max(peak, sample_peak, float(np.max(np.abs(inside))))
    return 20 * np.log10(max(peak, 1e-12))


def channels_true_peak(track: np.ndarray) -> float:
    """dBTP of an (n, channels) track: the highest channel's, the channels measured at once
    (scipy's resampler runs without the GIL), each from a contiguous copy."""
    from concurrent.futures import ThreadPoolExecutor

    channels = [np.ascontiguousarray(track[:, k]) for k in range(track.shape[1])]
    with ThreadPoolExecutor(len(channels)) as pool:
        return max(pool.map(true_peak, channels))


def loudness(track: np.ndarray) -> Loudness:
    """Integrated loudness and true peak of a track as heard: a 1-D (mono) track is the
    lecture's voice, played on both channels of the stereo file, so it is measured so."""
    import pyloudnorm

    meter = pyloudnorm.Meter(SAMPLE_RATE)  # BS.1770-4 K-weighting and gating
    if track.ndim == 1:
        # Two identical channels: BS.1770 sums their powers, so +3.01 dB over one of them.
        return Loudness(float(meter.integrated_loudness(track.astype(np.float64)))
                        + 10 * np.log10(2), true_peak(track))
    return Loudness(float(meter.integrated_loudness(track.astype(np.float64))),
                    channels_true_peak(track))


def run_filters(track: np.ndarray, chain: Sequence[tuple[str, str]]) -> np.ndarray:
    """Run ``track`` through a chain of ffmpeg audio filters (PyAV); the length is kept."""
    import av
    import av.filter

    graph = av.filter.Graph()
    node = graph.add_abuffer(sample_rate=SAMPLE_RATE, format="flt", layout="mono",
                             time_base=Fraction(1, SAMPLE_RATE))
    for name, args in chain:
        nxt = graph.add(name, args)
        node.link_to(nxt)
        node = nxt
    sink = graph.add("abuffersink")
    node.link_to(sink)
    graph.configure()
    out: list[np.ndarray] = []

    def drain() -> None:
        while True:
            try:
                out.append(graph.pull().to_ndarray().reshape(-1))
            except (av.BlockingIOError, av.EOFError):
                return

    for start in range(0, len(track), SAMPLE_RATE):
        frame = av.AudioFrame.from_ndarray(
            np.ascontiguousarray(track[None, start:start + SAMPLE_RATE], np.float32),
            format="flt", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
        graph.push(frame)
        drain()
    graph.push(None)
    drain()
    result = np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)
    return result[: len(track)]


def master(track: np.ndarray, limit_db: float = LIMIT, rounds: int = 5
           ) -> tuple[np.ndarray, Loudness]:
    """The track at TARGET_LUFS with sample peaks under ``limit_db``; silence stays silence."""
    if not np.any(track):
        return track, Loudness(float("-inf"), float("-inf"))
    even = run_filters(track, [("acompressor", COMPRESSOR)])
    level = loudness(even).integrated
    if not np.isfinite(level):  # nothing above BS.1770's -70 LUFS gate: no voice to level
        return even, Loudness(level, true_peak(even))
    gain_db = TARGET_LUFS - level
    ceiling_db = limit_db
    for _ in range(rounds):
        gain_db = min(gain_db, MAX_GAIN)
        out = run_filters(even, [("alimiter", f"level_in={10 ** (gain_db / 20)}:"
                                             f"limit={10 ** (ceiling_db / 20)}:attack=5:release=50:"
                                             "level=0:latency=1")])
        measured = loudness(out)
        off = TARGET_LUFS - measured.integrated
        if abs(off) <= LOUDNESS_TOLERANCE and measured.true_peak <= limit_db + 0.5:
            return out, measured
        gain_db = min(MAX_GAIN, gain_db + off)
        if measured.true_peak > limit_db + 0.5:
            ceiling_db -= measured.true_peak - limit_db
    return out, measured


def encode(track: np.ndarray, target: Path) -> None:
    """AAC-LC, 48 kHz, stereo (the mono track on both channels), in an .m4a container."""
    import av

    stereo = np.ascontiguousarray(np.stack([track, track]).astype(np.float32))
    with av.open(str(target), "w", format="mp4") as out:
        # ffmpeg's AAC-LC with its fast coder and without the stereo and noise tools, which
        # cost most of the time and buy nothing for one voice on two identical channels
        # at this bit rate: 5 times faster than the defaults.
        stream = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo", options=dict(AAC_FAST))
        stream.codec_context.bit_rate = AAC_BITRATE
        stream.codec_context.profile = "LC"
        step = 1024 * 4
        for start in range(0, stereo.shape[1], step):
            frame = av.AudioFrame.from_ndarray(stereo[:, start:start + step], format="fltp",
                                               layout="stereo")
            frame.sample_rate, frame.pts = SAMPLE_RATE, start
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def decode(path: Path, stereo: bool = False) -> np.ndarray:
    """The first audio stream of a file at 48 kHz: (n, 2) stereo, or mono (channels averaged)."""
    import av

    with av.open(str(path)) as container:
        resampler = av.AudioResampler(format="flt", layout="stereo", rate=SAMPLE_RATE)
        parts = [f.to_ndarray().reshape(-1) for frame in container.decode(audio=0)
                 for f in resampler.resample(frame)]
        parts += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    samples = (np.concatenate(parts) if parts else np.zeros(0, np.float32)).reshape(-1, 2)
    return samples if stereo else samples.mean(axis=1)


def make_track(parts: Sequence[np.ndarray], target: Path) -> float:
    """Join mastered parts (the scenes' tracks), encode them once; return the file's true peak.

    Each part was mastered to TARGET_LUFS, so the whole is too (`lecture check`
    measures it from the file). AAC can overshoot the limiter's ceiling a little:
    if the encoded file's true peak is over MAX_TRUE_PEAK, the whole track is
    turned down by the excess and encoded again.
    """
    track = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    peak = float("-inf")
    for _ in range(3):
        encode(track, target)
        if not np.any(track):
            break
        decoded = decode(target, stereo=True)
        peak = channels_true_peak(decoded)
        if peak <= MAX_TRUE_PEAK:
            break
        track = (track * 10 ** (-(peak - MAX_TRUE_PEAK + 0.1) / 20)).astype(np.float32)
    return peak
