"""The clip cache: one WAV per spoken line, keyed by what determines it.

A clip's key is a hash of its spoken text, the voice's identity (model sha256
and settings, or the take's sha256) and the cache format. The WAV (16-bit PCM,
48 kHz mono) and then its JSON record (word times, the WAV's sha256) are written
under temporary names and renamed, so a reader sees a whole clip or none; the
record is written last, so it is the commit. Parallel render workers making the
same clip take a lock per key: one synthesises, the others wait and read it.
A clip whose WAV no longer matches its record is made again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .voice import SAMPLE_RATE, Speech, sha256_file

FORMAT = 1


def clip_key(voice_identity: str, spoken: str) -> str:
    text = json.dumps({"format": FORMAT, "voice": voice_identity, "spoken": spoken}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Clip:
    key: str
    wav: Path
    samples: int
    words: tuple[tuple[float, float], ...]
    sha256: str

    @property
    def duration(self) -> float:
        return self.samples / SAMPLE_RATE


def write_wav(path: Path, samples: np.ndarray) -> None:
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


def read_wav(path: Path) -> np.ndarray:
    """A clip's samples as float32 in [-1, 1]."""
    with wave.open(str(path), "rb") as src:
        if (src.getnchannels(), src.getsampwidth(), src.getframerate()) != (1, 2, SAMPLE_RATE):
            raise ValueError(f"{path} is not 16-bit mono at {SAMPLE_RATE} Hz")
        data = src.readframes(src.getnframes())
    return np.frombuffer(data, dtype="<i2").astype(np.float32) / 32767.0


def _atomic(final: Path, write: Callable[[Path], None]) -> None:
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.stem}.", suffix=final.suffix)
    os.close(fd)
    try:
        write(Path(name))
        os.replace(name, final)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


class ClipCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, key: str) -> tuple[Path, Path]:
        base = self.folder / key[:2] / key
        return base.with_suffix(".wav"), base.with_suffix(".json")

    def has(self, key: str) -> bool:
        """Whether a clip is stored under ``key`` (cheap: not checked as ``get`` does)."""
        return all(path.is_file() for path in self._paths(key))

    def get(self, key: str) -> Clip | None:
        """The clip if it is cached whole, else None (a damaged clip counts as absent)."""
        wav, record = self._paths(key)
        try:
            meta = json.loads(record.read_text())
            if (meta.get("format") != FORMAT or wav.stat().st_size != meta["wav_size"]
                    or sha256_file(wav) != meta["sha256"]):
                return None
            return Clip(key, wav, int(meta["samples"]),
                        tuple((float(s), float(e)) for s, e in meta["words"]), meta["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def get_or_make(self, key: str, make: Callable[[], Speech], about: dict) -> Clip:
        """The cached clip, or make it (once, whoever else is asking at the same moment)."""
        clip = self.get(key)
        if clip is not None:
            return clip
        wav, record = self._paths(key)
        wav.parent.mkdir(parents=True, exist_ok=True)
        with open(wav.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            clip = self.get(key)
            if clip is not None:
                return clip
            speech = make()
            _atomic(wav, lambda tmp: write_wav(tmp, speech.samples))
            meta = {"format": FORMAT, "key": key, **about, "samples": len(speech.samples),
                    "rate": SAMPLE_RATE, "words": [[round(s, 6), round(e, 6)] for s, e in speech.words],
                    "wav_size": wav.stat().st_size, "sha256": sha256_file(wav)}
            _atomic(record, lambda tmp: tmp.write_text(json.dumps(meta, indent=1)))
        clip = self.get(key)
        if clip is None:
            raise OSError(f"the clip cache in {self.folder} does not keep what is written to it")
        return clip
