"""The join keeps the lecture's encoded narration and uses it again when the track is the
same: an edit to what a scene shows costs no second encode, an edit to what it says does."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from lecture import voicetrack
from narration.mix import decode
from tests.pipeline.conftest import lecture

from .conftest import env_for

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
    assert audio_packets(narrated / OUT / "lecture.mp4") == packets == audio_packets(kept)


def test_a_change_to_what_is_said_encodes_it_again(narrated: Path, voice_cache) -> None:
    kept = narrated / CACHE / voicetrack.KEPT
    before, packets = stamp(kept), audio_packets(narrated / OUT / "lecture.mp4")
    beta = narrated / "scenes/beta.py"
    beta.write_text(beta.read_text().replace("one step closer", "a step nearer"))
    build(narrated, voice_cache)
    assert stamp(kept) != before
    assert audio_packets(narrated / OUT / "lecture.mp4") != packets
    assert audio_packets(kept) == audio_packets(narrated / OUT / "lecture.mp4")


def test_a_damaged_kept_track_is_not_used(narrated: Path, voice_cache) -> None:
    """Same size, one byte changed: the sha256 catches it, and the join encodes again."""
    kept = narrated / CACHE / voicetrack.KEPT
    good = audio_packets(narrated / OUT / "lecture.mp4")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 0xFF
    kept.write_bytes(bytes(data))
    alpha = narrated / "scenes/alpha.py"
    alpha.write_text(alpha.read_text().replace("Square()", 'Square(color="#e07a5f")'))
    build(narrated, voice_cache)
    assert audio_packets(narrated / OUT / "lecture.mp4") == good
    assert np.any(decode(narrated / OUT / "lecture.mp4"))

