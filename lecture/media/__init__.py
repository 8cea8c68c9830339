"""Media files: video and audio through PyAV (video.py), captions as SubRip and WebVTT
(captions.py).

Enters: paths of videos, audio and caption files, and cues.
Leaves: probes, joined and muxed files, decoded frames, cue lists and caption text.
May import: lecture.core.
"""
