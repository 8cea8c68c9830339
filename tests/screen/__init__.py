"""The on-screen checker: run a scene, read every number it draws, compare.

    reading = read_scene(SignOfGradient)
    reading.expect("Positive w", ["1.50", "3.00", "0.25", "0.75"])

See probe.py (running a scene without drawing), glyphs.py (reading outlines),
reading.py (text, numbers and assertions) and layout.py (layout rules).
"""

from __future__ import annotations

import fcntl
import functools
import os
import pickle
import tempfile
from pathlib import Path

from tests.screen.reading import Reading, ScreenMismatch

ROOT = Path(__file__).resolve().parents[2]
# Compiled LaTeX is a pure function of its source: share Manim's cache across runs.
TEX_CACHE = ROOT / "media" / "Tex"
SHARED_DIR: Path | None = None


def run_scene(scene_cls: type) -> Reading:
    """Run ``scene_cls`` in-process with a throw-away media folder and restored config."""
    from manim import tempconfig

    from lecture.worker import shared_cache

    from tests.screen.probe import record

    shared_cache.install()  # tests may run beside renders (or each other) on one cache

    TEX_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screen-") as media, tempconfig({
        "media_dir": media,
        "tex_dir": str(TEX_CACHE),
        "disable_caching": True,
        "write_to_movie": False,
        "save_last_frame": False,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "quality": "low_quality",
    }):
        return Reading(record(scene_cls))


@functools.cache
def read_scene(scene_cls: type) -> Reading:
    """run_scene, once per class per test session.

    Under pytest-xdist the workers of one session share their readings through
    SHARED_DIR (set by tests/conftest.py to a folder of this session's own), so
    each scene is run once in all; a reading never outlives the session.
    """
    if SHARED_DIR is None:
        return run_scene(scene_cls)
    SHARED_DIR.mkdir(exist_ok=True)
    path = SHARED_DIR / f"{scene_cls.__module__}.{scene_cls.__qualname__}.pickle"
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other worker waits rather than runs it again
        if path.exists():
            return Reading(pickle.loads(path.read_bytes()))
        reading = run_scene(scene_cls)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(reading.recording))
        os.replace(tmp, path)
        return reading


__all__ = ["Reading", "ScreenMismatch", "read_scene", "run_scene"]
