"""Building: from the project's sources to the scene cache and the joined lecture.

Enters: a Project, a quality and the scenes asked for (from lecture.cli or a test).
Leaves: fresh scene cache entries in media/lecture/scenes/<q>/ (video, captions,
meta), section previews in media/lecture/sections/, the lecture in
media/lecture/<q>/ (lecture.mp4, srt, vtt, manifest.json) and storyboards.
lecture.py holds the entry points the CLI calls (render_scenes, build_lecture,
storyboard); watch.py and preview.py the editing loop.
May import: lecture.run, lecture.worker (never at import time: Manim stays out
of a no-op build), lecture.soundtrack, lecture.delivery, lecture.media, lecture.core.
"""
