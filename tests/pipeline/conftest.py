"""A tiny lecture project in a temporary folder, rendered at 160x90 and 5 fps.

Three fixture scenes, a thumbnail and a two-module `lessonlib`, so that every
test runs the real pipeline (real Manim workers, real PyAV joins) in a second or
two, without ever touching the repository's media/ folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TINY = "--fps 5 -r 160,90"

FILES = {
    "manim.cfg": "[CLI]\nmedia_dir = ./media\nseed = 0\nbackground_color = #101418\n",
    "scenes/__init__.py": 'LECTURE = ("Alpha", "Beta", "Gamma")\nTHUMBNAIL = "Thumb"\n',
    "lessonlib/__init__.py": "from .one import one\nfrom .two import two\n",
    "lessonlib/one.py": "def one():\n    return 1\n",
    "lessonlib/two.py": "from ._base import BASE\n\n\ndef two():\n    return 2 * BASE\n",
    "lessonlib/_base.py": "BASE = 1\n",
    "scenes/alpha.py": """
        from manim import Create, FadeOut, Scene, Square

        from lessonlib import one


        class Alpha(Scene):
            def construct(self):
                self.next_section("draw")
                square = Square(side_length=one())
                self.play(Create(square), run_time=0.4, subcaption="alpha square",
                          subcaption_duration=0.4)
                self.next_section("fade")
                self.play(FadeOut(square), run_time=0.4)
        """,
    "scenes/beta.py": """
        from manim import Circle, Create, Scene

        from lessonlib import two


        class Beta(Scene):
            def construct(self):
                self.next_section("circle")
                self.add_subcaption("beta circle", duration=0.2)
                self.play(Create(Circle(radius=two() / 2)), run_time=0.6)
        """,
    "scenes/gamma.py": """
        from manim import Create, Scene, Triangle


        class Gamma(Scene):
            def construct(self):
                self.next_section("triangle")
                self.play(Create(Triangle()), run_time=0.4, subcaption="gamma")
                self.next_section("hold")
                self.wait(1)
        """,
    "scenes/thumb.py": """
        from manim import Scene, Square


        class Thumb(Scene):
            def construct(self):
                self.add(Square())
        """,
}


def write_project(root: Path, files: dict[str, str] = FILES) -> Path:
    """Write a project's `files` (dedented) under `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return root


def env_for(root: Path, **extra: str) -> dict[str, str]:
    """The environment of a `lecture` command run on the project in `root`, at tiny size."""
    env = dict(os.environ)
    for key in ("LECTURE_MEDIA_DIR", "LECTURE_CRASH_AT", "LECTURE_VOICE"):
        env.pop(key, None)
    env.update(LECTURE_ROOT=str(root), LECTURE_MANIM_ARGS=TINY, COLUMNS="200")
    env.update(extra)
    return env


def lecture(root: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the `lecture` command in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "lecture", *args], cwd=root,
                          env=env or env_for(root), capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """A fixture project built once at -q l; tests get copies of it."""
    root = write_project(tmp_path_factory.mktemp("built") / "proj")
    done = lecture(root, "build", "-q", "l")
    assert done.returncode == 0, done.stderr + done.stdout
    return root


@pytest.fixture
def built(built_template: Path, tmp_path: Path, monkeypatch) -> Path:
    """A private copy of the built project (file times kept, so its cache stays fresh)."""
    root = tmp_path / "proj"
    shutil.copytree(built_template, root, symlinks=True)
    monkeypatch.setenv("LECTURE_ROOT", str(root))
    monkeypatch.setenv("LECTURE_MANIM_ARGS", TINY)
    monkeypatch.delenv("LECTURE_MEDIA_DIR", raising=False)
    return root


@pytest.fixture
def fresh_project(tmp_path: Path, monkeypatch) -> Path:
    root = write_project(tmp_path / "proj")
    monkeypatch.setenv("LECTURE_ROOT", str(root))
    monkeypatch.setenv("LECTURE_MANIM_ARGS", TINY)
    monkeypatch.delenv("LECTURE_MEDIA_DIR", raising=False)
    return root


@pytest.fixture(scope="session")
def chunked_reference(tmp_path_factory) -> Path:
    """tests/pipeline/chunked_project.py built with every scene in one piece (the reference
    for chunked, section and cluster renders)."""
    from tests.pipeline import chunked_project

    root = chunked_project.write(tmp_path_factory.mktemp("whole") / "proj")
    done = subprocess.run([sys.executable, "-m", "lecture", "build", "-q", "l", "--chunks", "off"],
                          cwd=root, env=chunked_project.env_for(root), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    return root


def segment_encoder(target: Path, width: int = 320, height: int = 180,
                    options_for: int = 1080):
    """A delivery `SegmentEncoder` of width x height at 60 fps, with the x264 options
    the build uses at height `options_for` (1080: the delivery preset)."""
    from fractions import Fraction

    from manim._config.video_encoder import VideoEncoderSpec

    from lecture import delivery
    from lecture.delivery.writer import SegmentEncoder

    spec = VideoEncoderSpec(container_format="mp4", codec="libx264", pixel_format="yuv420p",
                            width=width, height=height, frame_rate=Fraction(60),
                            options=tuple(delivery.encoder_options(options_for, 60).items()))
    return SegmentEncoder(target=target, spec=spec)


@pytest.fixture
def pinned_malloc():
    """Fill what malloc hands out with one byte pattern while the test runs (glibc's
    M_PERTURB), so that two encodes of the same frames give the same bytes.

    In one process, encoding the same frames again after other encodes gave a
    different stream now and then (2 to 6 streams in 12 encodes on a loaded
    machine, a few bytes apart in a frame or two), with x264 on one thread as on
    several; with M_PERTURB set, 1 stream in 28 encodes. The cause is not found
    (valgrind's memcheck reports nothing in PyAV, FFmpeg or x264 for one such
    encode). Tests that compare two encodes byte for byte, or frame for frame,
    need that pinned.
    """
    import ctypes

    libc = ctypes.CDLL(None)
    m_perturb = -6
    libc.mallopt(m_perturb, 0xA5)
    try:
        yield
    finally:
        libc.mallopt(m_perturb, 0)
