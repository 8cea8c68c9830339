"""The lecture's narration track: every clip placed by sample, mastered once, encoded once.

``build_track`` places each scene's clips on one mono track at 48 kHz, at the
frame where the scene's render recorded them plus the scene's offset in the
lecture (exact fractions, rounded once to a sample). ``master`` brings it to
-14 LUFS integrated (ITU-R BS.1770, measured with pyloudnorm) with its true peak
at most -1 dBTP: ffmpeg's acompressor evens out the voice, then ffmpeg's
alimiter (lookahead, latency compensated so no sample moves) applies the gain
and holds the peaks; the loudness is measured again and the gain corrected until
both targets hold. ``encode`` writes AAC-LC 48 kHz stereo.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def true_peak(track: np.ndarray) -> float:
    """dBTP: the peak of the signal oversampled 4 times (BS.1770-4 annex 2), in blocks."""
    from scipy.signal import resample_poly

    peak, block, pad = 0.0, SAMPLE_RATE * 10, 64
    for start in range(0, len(track), block):
        lo = max(0, start - pad)
        piece = resample_poly(track[lo:start + block + pad], 4, 1)
        peak = max(peak, float(np.max(np.abs(piece))) if len(piece) else 0.0)
    return 20 * np.log10(max(peak, 1e-12))


def loudness(track: np.ndarray) -> Loudness:
    """Integrated loudness and true peak of a track as heard: a 1-D (mono) track is the
    lecture's voice, played on both channels of the stereo file, so it is measured so."""
    import pyloudnorm

    meter = pyloudnorm.Meter(SAMPLE_RATE)  # BS.1770-4 K-weighting and gating
    channels = np.stack([track, track], axis=1) if track.ndim == 1 else track
    return Loudness(float(meter.integrated_loudness(channels.astype(np.float64))),
                    max(true_peak(channels[:, k]) for k in range(channels.shape[1])))


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
    gain_db = TARGET_LUFS - loudness(even).integrated
    ceiling_db = limit_db
    for _ in range(rounds):
        out = run_filters(even, [("alimiter", f"level_in={10 ** (gain_db / 20)}:"
                                             f"limit={10 ** (ceiling_db / 20)}:attack=5:release=50:"
                                             "level=0:latency=1")])
        measured = loudness(out)
        off = TARGET_LUFS - measured.integrated
        if abs(off) <= LOUDNESS_TOLERANCE and measured.true_peak <= limit_db + 0.5:
            return out, measured
        gain_db += off
        if measured.true_peak > limit_db + 0.5:
            ceiling_db -= measured.true_peak - limit_db
    return out, measured


def encode(track: np.ndarray, target: Path) -> None:
    """AAC-LC, 48 kHz, stereo (the mono track on both channels), in an .m4a container."""
    import av

    stereo = np.ascontiguousarray(np.stack([track, track]).astype(np.float32))
    with av.open(str(target), "w", format="mp4") as out:
        stream = out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo")
        stream.codec_context.bit_rate = AAC_BITRATE
        stream.codec_context.profile = "LC"
        step = 1024 * 16
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


def make_track(placements: Sequence[Placement], duration: Fraction, target: Path,
               say: Callable[[str], None] = lambda _: None) -> Loudness:
    """Place, master and encode; return the loudness measured from the encoded file.

    AAC can overshoot the limiter's ceiling a little; if the encoded file's true
    peak is over MAX_TRUE_PEAK, the track is mastered again with a lower ceiling.
    """
    placed = build_track(placements, duration)
    limit = LIMIT
    for _ in range(3):
        track, _ = master(placed, limit)
        encode(track, target)
        if not np.any(track):
            return Loudness(float("-inf"), float("-inf"))
        measured = loudness(decode(target, stereo=True))
        if measured.true_peak <= MAX_TRUE_PEAK:
            break
        limit -= measured.true_peak - MAX_TRUE_PEAK + 0.2
    say(f"narration: {measured}")
    return measured
