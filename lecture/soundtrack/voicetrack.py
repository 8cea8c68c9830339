"""The lecture's encoded narration, kept for the next join that has the same track.

An edit that changes only what a scene shows (a colour, a position, a label)
leaves every sample of the narration where it was. The join then finds the
track it encoded last time and copies it, instead of encoding the whole
lecture's voice again and checking its true peak (seconds of one core, after
every such edit).

One entry per quality, beside the scene cache: `narration.m4a` and
`narration.json` (the key and the file's sha256). The key is the sha256 of the
joined track's samples and of everything else the encode depends on (its
settings, the true-peak ceiling, the FFmpeg that encodes); the file is checked
against its sha256 before it is used, and anything unexpected means encoding
again.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lecture.core import store

KEPT = "narration.m4a"
RECORD = "narration.json"
VERSION = "1"  # bump when make_track changes what it writes for the same samples


def recipe() -> str:
    import av

    from narration import mix

    return json.dumps({"version": VERSION, "bitrate": mix.AAC_BITRATE, "aac": mix.AAC_FAST,
                       "max_true_peak": mix.MAX_TRUE_PEAK,
                       "libavcodec": av.library_versions.get("libavcodec")}, sort_keys=True)


def hasher():
    """The key in the making: feed it the joined track's samples, part after part."""
    return hashlib.sha256(recipe().encode())


def key_of(parts: Sequence[np.ndarray]) -> str:
    """The entry's key: the recipe, then the joined track's samples, part after part."""
    h = hasher()
    for part in parts:
        h.update(np.ascontiguousarray(part, dtype=np.float32))
    return h.hexdigest()


def kept_key(folder: Path) -> str | None:
    """The key of the track kept in ``folder``, if there is one."""
    return (store.read_json(folder / RECORD) or {}).get("key")


@dataclass(frozen=True)
class Encoded:
    """A track encoded before the join (lecture/soundtrack/voiceahead.py): `narration.mix.make_track`'s
    file for the samples of ``key``, and that file's true peak."""

    path: Path
    key: str
    true_peak: float


def make(parts: Sequence[np.ndarray], target: Path, folder: Path,
         ahead: Encoded | None = None) -> tuple[float, str]:
    """Write the encoded track of ``parts`` to ``target``: its true peak, and where the file
    came from: "kept" (the last join's), "ahead" (``ahead``'s) or "encoded" (now).

    As `narration.mix.make_track`, which it calls when neither is this track.
    """
    from narration.mix import MAX_TRUE_PEAK, make_track

    key = key_of(parts)
    kept, record_path = folder / KEPT, folder / RECORD
    record = store.read_json(record_path) or {}
    if record.get("key") == key and kept.is_file():
        try:
            if store.sha256_file(kept) == record.get("sha256"):
                shutil.copyfile(kept, target)
                return float(record["true_peak_dbtp"]), "kept"
        except (OSError, KeyError, TypeError, ValueError):
            pass
    if ahead is not None and ahead.key == key and ahead.true_peak <= MAX_TRUE_PEAK \
            and ahead.path.is_file():
        # the bytes make_track writes: the same samples, through the same TrackEncoder
        peak, source, made = ahead.true_peak, "ahead", ahead.path
    else:
        peak, source, made = make_track(parts, target), "encoded", target
    folder.mkdir(parents=True, exist_ok=True)
    record_path.unlink(missing_ok=True)  # no record names a file being replaced
    tmp = store.tmp_name(kept)
    shutil.copyfile(made, tmp)
    store.commit(tmp, kept)
    if made != target:
        shutil.copyfile(kept, target)
    store.write_json(record_path, {"key": key, "sha256": store.sha256_file(kept),
                                   "true_peak_dbtp": peak})
    return peak, source
