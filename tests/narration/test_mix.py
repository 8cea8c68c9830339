"""The loudness meter's true peak (BS.1770-4 annex 2) on signals whose peak is known."""

from __future__ import annotations

import numpy as np
import pytest

from narration.mix import SAMPLE_RATE, true_peak


def test_a_sine_that_fills_every_block_peaks_at_its_amplitude() -> None:
    """A steady tone crosses every one-second block edge while loud: the measured peak is its
    amplitude, not the ringing an edge of the oversampling window would add."""
    t = np.arange(5 * SAMPLE_RATE) / SAMPLE_RATE
    tone = (0.5 * np.sin(2 * np.pi * 997 * t + 0.3)).astype(np.float32)
    assert true_peak(tone) == pytest.approx(20 * np.log10(0.5), abs=0.05)


def test_an_inter_sample_peak_is_found_between_the_samples() -> None:
    """A quarter-rate sine sampled at 45 degrees: every sample is at 0.707 of the peak that
    lies between them (+3 dB over the sample peak); the meter must see it."""
    n = np.arange(3 * SAMPLE_RATE)
    tone = np.sin(np.pi / 2 * n + np.pi / 4).astype(np.float32) * 0.5
    sample_peak = 20 * np.log10(np.max(np.abs(tone)))
    assert true_peak(tone) == pytest.approx(20 * np.log10(0.5), abs=0.3)
    assert true_peak(tone) > sample_peak + 2.5
