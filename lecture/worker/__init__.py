"""Inside one render process: Manim with every patch the lecture relies on.

Enters: `python -m lecture.worker.render RESULT.json -- MANIM ARGS` (or a fork of
the render server) with the job's window.
Leaves: the video Manim wrote and RESULT.json: the frames, sections, captions
and narration lines the render produced, or the failure with its file and line.
May import: lecture.soundtrack, lecture.delivery, lecture.media, lecture.core;
manim, narration, scenes.
"""
