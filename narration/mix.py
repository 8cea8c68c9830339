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

from .peak import channels_true_peak, true_peak
from .voice import SAMPLE_RATE

TARGET_LUFS = -14.0
MAX_TRUE_PEAK = -1.0  # dBTP, in the encoded file
LIMIT = -2.0  # dBFS sample ceiling of the limiter: room for AAC's overshoot
LOUDNESS_TOLERANCE = 0.3  # LU
AAC_BITRATE = 256_000
AAC_PRIMING = 1024  # samples of delay ffmpeg's AAC encoder puts before the signal
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


def encode(track: np.ndarray, target: Path, heard: list[np.ndarray] | None = None) -> None:
    """AAC-LC, 48 kHz, stereo (the mono track on both channels), in an .m4a container.

    Given a list ``heard``, every packet is also decoded as it leaves the encoder,
    and the list gets what decoding the file gives (`decode`, as `lecture check`
    does): (2, n) pieces of everything after the encoder's priming, which the
    file's edit list skips. That saves reading the file back and decoding it again.
    """
    with TrackEncoder(target, heard) as encoder:
        encoder.feed(track)


class TrackEncoder:
    """`encode`, a piece of the track at a time (the lecture's, scene after scene).

    PyAV cuts the samples it is given into the encoder's own frames (1024 samples),
    so how the track is divided into pieces changes nothing in the file: it has the
    bytes one `encode` of the whole track writes. Closed normally, the file is
    complete; left by an exception, it is removed.
    """

    FRAME = 4096  # samples per frame handed to PyAV

    def __init__(self, target: Path, heard: list[np.ndarray] | None = None) -> None:
        import av

        self.target = target
        self._out = av.open(str(target), "w", format="mp4")
        # ffmpeg's AAC-LC with its fast coder and without the stereo and noise tools, which
        # cost most of the time and buy nothing for one voice on two identical channels
        # at this bit rate: much faster than the defaults.
        self._stream = self._out.add_stream("aac", rate=SAMPLE_RATE, layout="stereo",
                                            options=dict(AAC_FAST))
        self._stream.codec_context.bit_rate = AAC_BITRATE
        self._stream.codec_context.profile = "LC"
        self._listen = _Listener(self._stream, heard) if heard is not None else None
        self._pts = 0

    def feed(self, samples: np.ndarray) -> None:
        samples = np.asarray(samples, np.float32)
        for start in range(0, len(samples), self.FRAME):
            self._send(samples[start:start + self.FRAME])

    def _send(self, mono: np.ndarray | None) -> None:
        import av

        frame = None  # after the last frame: flush the encoder
        if mono is not None:
            frame = av.AudioFrame.from_ndarray(np.stack([mono, mono]), format="fltp",
                                               layout="stereo")
            frame.sample_rate, frame.pts = SAMPLE_RATE, self._pts
            self._pts += len(mono)
        for packet in self._stream.encode(frame):
            if self._listen is not None:
                self._listen(packet)  # before muxing, which takes the packet's data
            self._out.mux(packet)

    def close(self) -> None:
        self._send(None)
        if self._listen is not None:
            self._listen(None)
        self._out.close()

    def __enter__(self) -> "TrackEncoder":
        return self

    def __exit__(self, kind, *_) -> None:
        if kind is None:
            self.close()
            return
        try:
            self._out.close()
        except Exception:  # noqa: BLE001 - the half-written file goes either way
            pass
        self.target.unlink(missing_ok=True)


class _Listener:
    """Decodes the encoder's packets in order, keeping the samples after its priming."""

    def __init__(self, stream, heard: list[np.ndarray]) -> None:
        self.stream, self.heard, self.decoder = stream, heard, None
        # The encoder's delay, which the MP4 muxer hides with an edit list
        # (ffmpeg's AAC encoder: one frame of 1024 samples).
        self.skip = AAC_PRIMING

    def __call__(self, packet) -> None:
        if self.decoder is None:  # the encoder is open once it has made a packet
            import av

            self.decoder = av.CodecContext.create("aac", "r")
            self.decoder.extradata = self.stream.codec_context.extradata  # AudioSpecificConfig
        for frame in self.decoder.decode(packet):
            samples = frame.to_ndarray()  # (channels, n), planar float as the decoder gives it
            cut = min(self.skip, samples.shape[1])
            self.skip -= cut
            if samples.shape[1] > cut:
                self.heard.append(samples[:, cut:])


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
    if the file's true peak (measured on the encoder's output, decoded as it
    came) is over MAX_TRUE_PEAK, the whole track is turned down by the excess and
    encoded again.
    """
    track = np.concatenate(parts) if parts else np.zeros(0, np.float32)
    peak = float("-inf")
    for _ in range(3):
        if not np.any(track):
            encode(track, target)
            break
        heard: list[np.ndarray] = []
        encode(track, target, heard)
        peak = channels_true_peak(np.concatenate(heard, axis=1).T)
        if peak <= MAX_TRUE_PEAK:
            break
        track = (track * 10 ** (-(peak - MAX_TRUE_PEAK + 0.1) / 20)).astype(np.float32)
    return peak
