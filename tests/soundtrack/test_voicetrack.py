"""The join keeps the lecture's encoded narration and uses it again when the track is the
same: an edit to what a scene shows costs no second encode, an edit to what it says does."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from lecture.soundtrack import voicetrack
from narration.mix import decode
from tests.fixtures.pipeline import lecture

from tests.fixtures.narrated import env_for, voice_like

pytestmark = pytest.mark.slow
OUT = "media/lecture/l"
CACHE = "media/lecture/scenes/l"


def audio_packets(video: Path) -> list[bytes]:
    with av.open(str(video)) as container:
        return [bytes(p) for p in container.demux(audio=0) if p.size]


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def build(root: Path, voice_cache: Path) -> None:
    done = lecture(root, "build", "-q", "l", env=env_for(root, voice_cache))
    assert done.returncode == 0, done.stderr + done.stdout


def test_a_change_to_the_picture_only_reuses_the_encoded_narration(narrated: Path,
                                                                    voice_cache) -> None:
    kept = narrated / CACHE / voicetrack.KEPT
    before, packets = stamp(kept), audio_packets(narrated / OUT / "lecture.mp4")
    alpha = narrated / "scenes/alpha.py"
    alpha.write_text(alpha.read_text().replace("Square()", 'Square(color="#e07a5f")'))
    build(narrated, voice_cache)
    assert stamp(kept) == before, "the narration was encoded again"
    manifest = json.loads((narrated / OUT / "manifest.json").read_text())
    assert manifest["narration"]["encoded"] == "kept"
    assert audio_packets(narrated / OUT / "lecture.mp4") == packets == audio_packets(kept)


def test_a_changed_sample_encodes_again(tmp_path: Path) -> None:
    parts = [voice_like(0.6, 1), voice_like(0.4, 2)]
    first, source = voicetrack.make(parts, tmp_path / "a.m4a", tmp_path / "cache")
    assert source == "encoded"
    again, source = voicetrack.make(parts, tmp_path / "b.m4a", tmp_path / "cache")
    assert source == "kept" and again == first
    assert (tmp_path / "a.m4a").read_bytes() == (tmp_path / "b.m4a").read_bytes()
    parts[1] = parts[1].copy()
    parts[1][1000] += 0.01
    _, source = voicetrack.make(parts, tmp_path / "c.m4a", tmp_path / "cache")
    assert source == "encoded"
    assert audio_packets(tmp_path / "c.m4a") != audio_packets(tmp_path / "a.m4a")


def test_a_damaged_kept_track_is_not_used(tmp_path: Path) -> None:
    """Same size, one byte changed: the sha256 catches it, and the track is encoded again."""
    parts = [voice_like(0.8, 3)]
    voicetrack.make(parts, tmp_path / "a.m4a", tmp_path / "cache")
    kept = tmp_path / "cache" / voicetrack.KEPT
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    _, source = voicetrack.make(parts, tmp_path / "b.m4a", tmp_path / "cache")
    assert source == "encoded"
    assert (tmp_path / "b.m4a").read_bytes() == (tmp_path / "a.m4a").read_bytes() \
        == kept.read_bytes()
    assert np.any(decode(tmp_path / "b.m4a"))
