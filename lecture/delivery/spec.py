"""YouTube's upload specifications, in one place.

Sources: YouTube Help, "Recommended upload encoding settings" (container,
codecs, GOP, B-frames, colour, bitrates), "Add a thumbnail" and the Data API's
thumbnails.set (1280x720, at most 2 MB), "Video chapters" (first at 0:00, at
least three, each at least 10 s), and videos.insert (title at most 100
characters, description at most 5000 bytes, no angle brackets in either,
tags at most 500 characters all told).
"""

from __future__ import annotations

# Recommended SDR video bitrates in Mbps as (low, high), by the smallest frame
# height of the row, for standard (24-30) and high (48-60) frame rates.
BITRATES_MBPS = (
    # min height, standard fps, high fps
    (4320, (80, 160), (120, 240)),
    (2160, (35, 45), (53, 68)),
    (1440, (16, 16), (24, 24)),
    (1080, (8, 8), (12, 12)),
    (720, (5, 5), (7.5, 7.5)),
    (480, (2.5, 2.5), (4, 4)),
    (0, (1, 1), (1.5, 1.5)),  # 360p and below
)
# These bitrates are what YouTube suggests for camera footage. The lecture's
# own encoder is judged by its quality setting instead (x264 CRF, see
# lecture.delivery); a stream from another encoder, which says nothing about
# its settings, passes with an average within this factor of the recommendation.
BITRATE_TOLERANCE = 0.15
MAX_B_FRAMES = 2  # "2 consecutive B frames"

STANDARD_FRAME_RATES = (23.976, 24, 25, 29.97, 30, 47.952, 48, 50, 59.94, 60)

AUDIO_SAMPLE_RATE = 48_000
AUDIO_CHANNELS = 2
AUDIO_BITRATE = 384_000  # YouTube's recommendation for stereo

TITLE_MAX_CHARS = 100
DESCRIPTION_MAX_BYTES = 5000
TAGS_MAX_CHARS = 500
CATEGORY_EDUCATION = "27"
PRIVACY_VALUES = ("private", "unlisted", "public")

CHAPTERS_MIN = 3
CHAPTER_MIN_SECONDS = 10

THUMBNAIL_SIZE = (1280, 720)
THUMBNAIL_MAX_BYTES = 2 * 1024 * 1024  # thumbnails.set's maxSize, 2097152
THUMBNAIL_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}


def is_high_frame_rate(fps: float) -> bool:
    return fps > 31


def recommended_bitrate(height: int, fps: float) -> tuple[float, float]:
    """YouTube's recommended video bitrate range, in bits per second."""
    for min_height, standard, high in BITRATES_MBPS:
        if height >= min_height:
            low, top = high if is_high_frame_rate(fps) else standard
            return low * 1e6, top * 1e6
    raise AssertionError("unreachable: the last row has min height 0")


def gop_frames(fps: float) -> int:
    """A closed GOP of half the frame rate (at least one frame)."""
    return max(1, round(fps / 2))
