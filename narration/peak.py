"""True peak (ITU-R BS.1770-4 annex 2): the signal oversampled 4 times, in blocks."""

from __future__ import annotations

import numpy as np

from .voice import SAMPLE_RATE

HEADROOM = 2.0  # an inter-sample peak is under twice (6 dB over) the sample peak
BLOCK = SAMPLE_RATE  # samples measured at once
PAD = 64  # samples of context each side of a block


def block_peak(track: np.ndarray, start: int) -> float:
    """The highest oversampled value inside the block of a 1-D track that begins at ``start``.

    The block is oversampled with PAD samples of context each side and read over
    its own span only: resample_poly takes the signal as zero beyond the piece,
    and the step it sees there rings over the true level at the edges.
    """
    from scipy.signal import resample_poly

    lead = min(PAD, start)
    piece = resample_poly(track[start - lead:start + BLOCK + PAD], 4, 1)
    inside = piece[4 * lead:4 * (lead + min(BLOCK, len(track) - start))]
    return float(np.max(np.abs(inside)))


def to_dbtp(peak: float) -> float:
    return float(20 * np.log10(max(peak, 1e-12)))


def true_peak(track: np.ndarray) -> float:
    """dBTP of a 1-D track. Only blocks whose sample peak could still hold the highest
    true peak are oversampled (see HEADROOM), loudest first."""
    starts = range(0, len(track), BLOCK)
    sample_peaks = [float(np.max(np.abs(track[s:s + BLOCK]))) if len(track[s:s + BLOCK]) else 0.0
                    for s in starts]
    peak = 0.0
    for start, sample_peak in sorted(zip(starts, sample_peaks), key=lambda x: -x[1]):
        if sample_peak * HEADROOM <= peak:
            break
        peak = max(peak, sample_peak, block_peak(track, start))
    return to_dbtp(peak)


def channels_true_peak(track: np.ndarray) -> float:
    """dBTP of an (n, channels) track: the highest channel's, the channels measured at once
    (scipy's resampler runs without the GIL), each from a contiguous copy."""
    from concurrent.futures import ThreadPoolExecutor

    channels = [np.ascontiguousarray(track[:, k]) for k in range(track.shape[1])]
    with ThreadPoolExecutor(len(channels)) as pool:
        return max(pool.map(true_peak, channels))
