"""A tiny lecture, built once per test session and presented, for the presenter's tests.

Two scenes, four beats with distinct filled shapes (so a screenshot tells the beats
apart), captions in three of them and a silent last beat. Rendered at 160x90 and
5 fps through the real pipeline. pytest-xdist workers share one build under a
file lock. A second copy carries an AAC tone muxed in with PyAV: the narrated case.
"""

from __future__ import annotations

import fcntl
import math
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.fixtures.pipeline import env_for, lecture

FILES = {
    "manim.cfg": "[CLI]\nmedia_dir = ./media\nseed = 0\nbackground_color = #101418\n",
    "lecture.toml": '[youtube]\ntitle = "Shapes, a test lecture"\nlanguage = "en"\n',
    "scenes/__init__.py": 'LECTURE = ("Shapes", "Finale")\n',
    "scenes/shapes.py": """
        from manim import BLUE, RED, Circle, FadeIn, Scene, Square, Transform


        class Shapes(Scene):
            def construct(self):
                self.next_section("red square")
                square = Square(side_length=5, color=RED, fill_opacity=1)
                self.play(FadeIn(square), run_time=0.6, subcaption="a red square",
                          subcaption_duration=0.6)
                self.next_section("blue circle")
                self.play(Transform(square, Circle(radius=3, color=BLUE, fill_opacity=1)),
                          run_time=0.6, subcaption="it turns into a blue circle",
                          subcaption_duration=0.6)
        """,
    "scenes/finale.py": """
        from manim import GREEN, FadeIn, FadeOut, Scene, Triangle


        class Finale(Scene):
            def construct(self):
                self.next_section("green triangle")
                triangle = Triangle(color=GREEN, fill_opacity=1).scale(3)
                self.play(FadeIn(triangle), run_time=0.6, subcaption="a green triangle",
                          subcaption_duration=0.6)
                self.next_section("silence")
                self.play(FadeOut(triangle), run_time=0.4)
                self.wait(0.4)
        """,
}
QUALITY = "l"


def write_project(root: Path) -> Path:
    from tests.fixtures.pipeline import write_project as write

    return write(root, FILES)


def add_tone(video: Path, hz: float = 440.0) -> None:
    """Mux a sine tone (AAC, 48 kHz) as long as the video into `video`, video copied."""
    import av
    import numpy as np

    tmp = video.with_name("with-tone.mp4")
    with av.open(str(video)) as source, av.open(str(tmp), "w", format="mp4") as out:
        vin = source.streams.video[0]
        vout = out.add_stream_from_template(vin)
        aout = out.add_stream("aac", rate=48000, layout="mono")
        seconds = float(vin.duration * vin.time_base)
        samples = int(seconds * 48000)
        t = np.arange(samples) / 48000
        wave = (0.3 * np.sin(2 * math.pi * hz * t)).astype(np.float32)
        for start in range(0, samples, 1024):
            frame = av.AudioFrame.from_ndarray(wave[None, start:start + 1024], format="fltp",
                                               layout="mono")
            frame.sample_rate, frame.pts = 48000, start
            for packet in aout.encode(frame):
                out.mux(packet)
        for packet in aout.encode():
            out.mux(packet)
        for packet in source.demux(vin):
            if packet.dts is not None:
                packet.stream = vout
                out.mux(packet)
    tmp.replace(video)


def out_dir(root: Path) -> Path:
    return root / "media" / "lecture" / QUALITY


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory, worker_id) -> Path:
    """One folder for the whole session, shared by all xdist workers."""
    if worker_id == "master":
        return tmp_path_factory.mktemp("presenter")
    folder = tmp_path_factory.getbasetemp().parent / "presenter-shared"
    folder.mkdir(exist_ok=True)
    return folder


def _once(shared: Path, name: str, make) -> Path:
    """make(path) once per session, whichever worker comes first; the others wait."""
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = shared / name
        if not (path / ".done").exists():
            shutil.rmtree(path, ignore_errors=True)
            make(path)
            (path / ".done").touch()
    return path


def _build(root: Path) -> None:
    write_project(root)
    done = lecture(root, "build", "-q", QUALITY)
    assert done.returncode == 0, done.stderr + done.stdout


def _present(root: Path) -> None:
    done = lecture(root, "present", "-q", QUALITY)
    assert done.returncode == 0, done.stderr + done.stdout


@pytest.fixture(scope="session")
def built(shared_dir: Path) -> Path:
    """The fixture project, built at -q l (read-only: copy it before changing anything)."""
    return _once(shared_dir, "silent", _build)


def _copy(built: Path, root: Path) -> Path:
    shutil.copytree(built, root, symlinks=True, ignore=shutil.ignore_patterns(".done"))
    return root


@pytest.fixture(scope="session")
def silent(shared_dir: Path, built: Path) -> Path:
    """The presenter folder of the silent lecture (made by `lecture present`)."""
    root = _once(shared_dir, "silent-presented", lambda p: _present(_copy(built, p)))
    return out_dir(root) / "present"


@pytest.fixture(scope="session")
def narrated(shared_dir: Path, built: Path) -> Path:
    """The presenter folder of the same lecture with a tone as its narration track."""
    def make(root: Path) -> None:
        add_tone(out_dir(_copy(built, root)) / "lecture.mp4")
        _present(root)

    return out_dir(_once(shared_dir, "narrated", make)) / "present"


@pytest.fixture
def project(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built project, for tests that write."""
    return _copy(built, tmp_path / "proj")


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium through its chromedriver (never a downloaded one)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.fail("chromium and chromium-driver are not installed: run `make setup`")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1280,800",
                 "--force-device-scale-factor=1", "--mute-audio"):
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="chromium-profile-")
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    drv = webdriver.Chrome(options=options, service=Service(driver))
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


__all__ = ["env_for", "lecture", "out_dir", "QUALITY"]
