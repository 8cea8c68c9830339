"""A tiny narrated lecture in a temporary folder (160x90 at 5 fps), built once per session.

Its two scenes speak four short lines with the real voice; the clips are cached
for the session in a folder of its own, so each line is synthesised once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.pipeline import conftest as pipeline
from tests.pipeline.conftest import lecture

CLICK_AT = 0.1  # seconds into the click take
FILES = {
    "manim.cfg": "[CLI]\nmedia_dir = ./media\nseed = 0\nbackground_color = #101418\n",
    "lecture.toml": "[voice]\nlength_scale = 1.3\npause = 0.5\n",
    "scenes/__init__.py": 'LECTURE = ("Alpha", "Beta")\nTHUMBNAIL = None\n',
    "scenes/alpha.py": """
        from manim import Create, FadeIn, MathTex, Square

        from narration.scene import NarratedScene
        from narration.text import mark


        class Alpha(NarratedScene):
            def construct(self):
                self.next_section("square")
                with self.voiceover("Here is a square, drawn while the voice speaks.") as beat:
                    self.play(Create(Square()), run_time=beat.remaining)
                self.next_section("click")
                with self.voiceover("A click marks this beat."):
                    self.wait(0.2)
        """,
    "scenes/beta.py": """
        from manim import FadeIn, MathTex

        from narration.scene import NarratedScene
        from narration.text import mark


        class Beta(NarratedScene):
            def construct(self):
                self.next_section("number")
                with self.voiceover(f"The new weight is {mark('w')}0.75, one step closer.") as beat:
                    self.play(FadeIn(MathTex("0.75")), run_time=beat.until("w"))
        """,
}
CLICK_LINE = "A click marks this beat."


def voice_like(seconds: float, seed: int) -> np.ndarray:
    """Bursts of band-limited noise with pauses, peaking near the limiter's ceiling."""
    rng = np.random.default_rng(seed)
    n = int(seconds * 48000)
    noise = np.convolve(rng.standard_normal(n), np.hanning(9), mode="same")
    gate = (np.sin(np.arange(n) / 48000 * 2 * np.pi * 0.7) > -0.2).astype(float)
    track = noise * gate
    return (track / np.max(np.abs(track)) * 0.79).astype(np.float32)


def write_project(root: Path) -> Path:
    return pipeline.write_project(root, FILES)


def write_click_take(root: Path, scene: str, spoken: str) -> Path:
    """A take that is silence with one click CLICK_AT seconds in."""
    from narration import config
    from narration.cache import write_wav
    from narration.voice import SAMPLE_RATE

    path = config.load(root).take_path(scene, spoken)
    path.parent.mkdir(parents=True, exist_ok=True)
    samples = np.zeros(SAMPLE_RATE, np.float32)
    samples[round(CLICK_AT * SAMPLE_RATE)] = 0.9
    write_wav(path, samples)
    return path


@pytest.fixture(scope="session")
def voice_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("voice-cache")


def env_for(root: Path, voice_cache: Path) -> dict[str, str]:
    return pipeline.env_for(root, LECTURE_VOICE_CACHE=str(voice_cache))


@pytest.fixture(scope="session")
def narrated_template(tmp_path_factory, voice_cache) -> Path:
    """The narrated project with a click take for Alpha's second line, built at -q l."""
    root = write_project(tmp_path_factory.mktemp("narrated") / "proj")
    write_click_take(root, "Alpha", CLICK_LINE)
    done = lecture(root, "build", "-q", "l", env=env_for(root, voice_cache), timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return root


@pytest.fixture
def narrated(narrated_template: Path, tmp_path: Path, voice_cache: Path, monkeypatch) -> Path:
    root = tmp_path / "proj"
    shutil.copytree(narrated_template, root, symlinks=True)
    for key, value in env_for(root, voice_cache).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("LECTURE_MEDIA_DIR", raising=False)
    monkeypatch.delenv("LECTURE_VOICE", raising=False)
    return root
