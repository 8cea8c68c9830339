"""Voices: what turns a narration line into sound and word times.

Every voice returns ``Speech``: mono float samples at 48 kHz (the lecture's
audio rate) and the start and end of every spoken word, in seconds. A voice's
``identity`` names everything its output depends on; it is part of every clip's
cache key.

- ``PiperVoice``: the offline neural voice. Deterministic (both noise scales 0:
  the same bytes run to run); the model file's sha256 is checked before use.
- ``SilentVoice``: the draft voice (``--voice none``): no sound, words timed at
  a fixed pace, for the fastest previews.
- ``TakeVoice``: a recorded take (lecture record), converted to 48 kHz mono;
  word times are estimated over the voiced part of the take.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .text import Line

if TYPE_CHECKING:  # numpy is imported where samples are made: reading settings stays light
    import numpy as np

SAMPLE_RATE = 48_000


class VoiceError(RuntimeError):
    """The voice cannot be used; the message says how to fix it, in one line."""


@dataclass
class Speech:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE
    words: list[tuple[float, float]]  # (start, end) of each spoken word, seconds

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mono float samples at ``rate`` to SAMPLE_RATE (polyphase, no delay)."""
    import numpy as np

    if rate == SAMPLE_RATE:
        return samples.astype(np.float32)
    from fractions import Fraction

    from scipy.signal import resample_poly

    ratio = Fraction(SAMPLE_RATE, rate)
    return resample_poly(samples, ratio.numerator, ratio.denominator).astype(np.float32)


class SilentVoice:
    """The draft voice: silence as long as the words would take at ``words_per_second``."""

    def __init__(self, words_per_second: float = 2.5) -> None:
        self.words_per_second = words_per_second
        self.identity = f"none wps={words_per_second}"

    def speak(self, line: Line) -> Speech:
        import numpy as np

        step = 1.0 / self.words_per_second
        words = [(k * step, (k + 1) * step) for k in range(len(line.words))]
        return Speech(np.zeros(round(len(words) * step * SAMPLE_RATE), np.float32), words)


class PiperVoice:
    """A Piper voice model (.onnx and its .json), checked against its sha256 before use."""

    def __init__(self, model: Path, config: Path, sha256: str, length_scale: float,
                 sentence_pause: float, source: str) -> None:
        self.model, self.config, self.sha256 = model, config, sha256
        self.length_scale, self.sentence_pause, self.source = length_scale, sentence_pause, source
        from .align import VERSION as align_version

        self.identity = (f"piper model={sha256} length_scale={length_scale} "
                         f"sentence_pause={sentence_pause} noise=0 align={align_version}")

    def verify(self) -> None:
        """VoiceError, in one line naming the fix, unless the packages and the model are right."""
        import importlib.util

        for module, package in (("piper", "piper-tts"), ("onnx", "onnx"),
                                ("onnxruntime", "onnxruntime")):
            if importlib.util.find_spec(module) is None:
                raise VoiceError(f"the voice needs {package}, which is not installed: "
                                 "run `make setup`")
        for path in (self.model, self.config):
            if not path.is_file():
                raise VoiceError(f"voice file {path} does not exist ({self.source}); "
                                 "run `make setup`, or fix [voice] model in lecture.toml")
        actual = sha256_file(self.model)
        if actual != self.sha256:
            raise VoiceError(f"voice model {self.model.name} has sha256 {actual[:12]}..., expected "
                             f"{self.sha256[:12]}... ({self.source}); reinstall it with `make setup`, "
                             "or set [voice] sha256 in lecture.toml for a model you trust")

    @cached_property
    def _voice(self):
        """The loaded model (once per process: see `preload`), with phoneme timings on."""
        key = (str(self.model), self.sha256)
        if key not in _LOADED:
            _LOADED[key] = self._load()
        return _LOADED[key]

    def _load(self):
        self.verify()
        import onnx
        import onnxruntime
        from piper import PiperVoice as Loaded
        from piper.config import PiperConfig
        from piper.patch_voice_with_alignment import add_alignment_output

        model = onnx.load(str(self.model))
        try:
            add_alignment_output(model)
        except ValueError:
            pass  # the model file already reports phoneme timings
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # render workers run in parallel, one per core
        options.inter_op_num_threads = 1
        session = onnxruntime.InferenceSession(model.SerializeToString(), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        config = PiperConfig.from_dict(json.loads(self.config.read_text(encoding="utf-8")))
        return Loaded(session=session, config=config)

    def phonemes(self, word: str) -> str:
        return "".join("".join(s) for s in self._voice.phonemize(word))

    def speak(self, line: Line) -> Speech:
        import numpy as np
        from piper import SynthesisConfig

        from .align import groups, word_times

        voice = self._voice
        settings = SynthesisConfig(length_scale=self.length_scale, noise_scale=0.0,
                                   noise_w_scale=0.0)
        rate = voice.config.sample_rate
        pause = np.zeros(round(self.sentence_pause * rate), np.float32)
        parts: list[np.ndarray] = []
        found = []
        offset = 0
        for k, chunk in enumerate(voice.synthesize(line.spoken, settings, include_alignments=True)):
            if k:
                parts.append(pause)
                offset += len(pause)
            if not chunk.phoneme_alignments:
                raise VoiceError(f"the voice model gives no phoneme timings ({self.source})")
            found += groups([(a.phoneme, int(a.num_samples)) for a in chunk.phoneme_alignments],
                            offset)
            parts.append(chunk.audio_float_array)
            offset += len(chunk.audio_float_array)
        if not parts:
            raise VoiceError(f"the voice said nothing for {line.caption!r}")
        times = word_times(line.words, found, self.phonemes)
        return Speech(resample(np.concatenate(parts), rate),
                      [(s / rate, e / rate) for s, e in times])


# Models this process has loaded, by file and checksum. A render server that loads the
# voice before it forks (`preload`) hands every render the loaded model: loading costs
# CPU (the model's graph prepared by onnxruntime, and the imports), and a build's
# renders would each pay it.
_LOADED: dict[tuple[str, str], object] = {}


def preload(voice) -> None:
    """Load ``voice``'s model and what speaking imports, so that processes forked from this
    one speak at once. Fork only while the model is idle; a forked process's samples are
    the same as its parent's (tests/soundtrack/test_preload.py)."""
    if isinstance(voice, PiperVoice):
        voice._voice  # noqa: B018 - loads and keeps it
        import scipy.signal  # noqa: F401 - resample
        from . import align  # noqa: F401


class TakeVoice:
    """One recorded take of one line: any sample rate or channel count, made 48 kHz mono."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.identity = f"take sha256={sha256_file(path)}"

    def speak(self, line: Line) -> Speech:
        samples = read_audio(self.path)
        return Speech(samples, estimate_words(line, samples))


def read_audio(path: Path) -> np.ndarray:
    """Any audio file PyAV can read, as float32 mono at SAMPLE_RATE."""
    import numpy as np

    import av

    try:
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            chunks = [out.to_ndarray().reshape(-1)
                      for frame in container.decode(audio=0)
                      for out in resampler.resample(frame)]
            chunks += [out.to_ndarray().reshape(-1) for out in resampler.resample(None)]
    except (av.FFmpegError, IndexError) as exc:
        raise VoiceError(f"cannot read the take {path}: {exc}") from None
    if not chunks:
        raise VoiceError(f"the take {path} has no sound in it")
    return np.concatenate(chunks).astype(np.float32)


def voiced_span(samples: np.ndarray, threshold_db: float = -40.0) -> tuple[int, int]:
    """First and last sample of the part louder than ``threshold_db`` below the peak (10 ms windows)."""
    import numpy as np

    window = SAMPLE_RATE // 100
    n = len(samples) // window
    if n == 0:
        return 0, len(samples)
    rms = np.sqrt(np.mean(samples[: n * window].reshape(n, window) ** 2, axis=1) + 1e-20)
    loud = np.nonzero(20 * np.log10(rms / max(rms.max(), 1e-10)) > threshold_db)[0]
    if len(loud) == 0:
        return 0, len(samples)
    return int(loud[0] * window), int(min(len(samples), (loud[-1] + 1) * window))


def estimate_words(line: Line, samples: np.ndarray) -> list[tuple[float, float]]:
    """Word times over the voiced part of a take, in proportion to each word's letters."""
    start, end = voiced_span(samples)
    weights = [max(1, sum(c.isalnum() for c in w)) for w in line.words]
    total, t, out = sum(weights), start, []
    for w in weights:
        nxt = t + (end - start) * w / total
        out.append((t / SAMPLE_RATE, nxt / SAMPLE_RATE))
        t = nxt
    return out
