"""The join measures the narration's true peak on the AAC encoder's output, decoded as it
leaves the encoder: the same samples, and the same number, as `lecture check` reading
the file back."""

from __future__ import annotations

import numpy as np
import pytest

from narration.mix import decode, encode, make_track
from narration.peak import channels_true_peak

from tests.fixtures.narrated import voice_like


@pytest.mark.parametrize("seconds", [0.02, 0.5, 3.3])
def test_the_encoders_output_decoded_is_the_files(tmp_path, seconds):
    track = voice_like(seconds, seed=1)
    heard: list[np.ndarray] = []
    encode(track, tmp_path / "a.m4a", heard)
    from_file = decode(tmp_path / "a.m4a", stereo=True)
    assert np.array_equal(np.concatenate(heard, axis=1).T, from_file)
    encode(track, tmp_path / "b.m4a")
    assert (tmp_path / "a.m4a").read_bytes() == (tmp_path / "b.m4a").read_bytes(), \
        "listening changes nothing in the file"


def test_make_track_reports_the_files_true_peak(tmp_path):
    parts = [voice_like(1.7, seed=2), voice_like(2.2, seed=3)]
    peak = make_track(parts, tmp_path / "lecture.m4a")
    assert peak == channels_true_peak(decode(tmp_path / "lecture.m4a", stereo=True))
    assert -3.0 < peak <= -1.0
