"""Rules every scene of the lecture keeps, checked on what each one draws.

Scene-specific numbers are checked in each scene's own test file; this file
holds what is true of all of them: layout at every beat, captions, sections,
no negative zero, the lecture's length, and frames that repeat exactly.
"""

from __future__ import annotations

import hashlib
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import av
import pytest

from lecture.core.project import snake_case
from scenes import LECTURE, THUMBNAIL
from tests.screen import read_scene, rules

ROOT = Path(__file__).resolve().parents[2]
ALL = [*LECTURE, THUMBNAIL]


def load(name: str) -> type:
    module = importlib.import_module(f"scenes.{snake_case(name)}")
    return getattr(module, name)


@pytest.mark.parametrize("name", ALL)
def test_scene_lives_in_its_snake_case_file(name):
    assert (ROOT / "scenes" / f"{snake_case(name)}.py").is_file()
    assert load(name).__name__ == name


def keeps(rule, name: str) -> None:
    """Assert that scene ``name`` keeps ``rule``, listing every place it does not."""
    problems = rule(read_scene(load(name)))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", ALL)
def test_layout_at_every_beat(name):
    keeps(rules.layout_problems, name)


@pytest.mark.parametrize("name", ALL)
def test_never_a_negative_zero(name):
    keeps(rules.number_problems, name)


@pytest.mark.parametrize("name", LECTURE)
def test_every_beat_is_a_named_section_held_long_enough(name):
    sections = read_scene(load(name)).sections
    assert len(sections) >= 2, f"{name} has sections {sections}"
    keeps(rules.section_problems, name)


@pytest.mark.parametrize("name", LECTURE)
def test_captions_narrate_every_beat_at_a_readable_pace(name):
    keeps(rules.caption_problems, name)


@pytest.mark.parametrize("name", LECTURE)
def test_numbers_said_are_numbers_shown(name):
    keeps(rules.narration_problems, name)


@pytest.mark.parametrize("name", LECTURE)
def test_caption_cues_are_short_and_never_overlap(name):
    keeps(rules.cue_problems, name)


@pytest.mark.parametrize("name", LECTURE)
def test_the_voice_never_leaves_long_silences(name):
    keeps(rules.silence_problems, name)


def test_thumbnail_is_a_still():
    reading = read_scene(load(THUMBNAIL))
    assert all(m.is_wait or m.play == 0 for m in reading.moments)


def test_lecture_runs_six_to_ten_minutes():
    durations = {name: read_scene(load(name)).recording.duration for name in LECTURE}
    total = sum(durations.values())
    assert 360 <= total <= 600, f"{total:.0f} s in all: {durations}"


def _seed(media: Path) -> None:
    """Give a render's media folder a copy of the compiled formulas the other tests made.

    A copy, not a link: plain `manim` has no guard against two processes compiling
    one formula into one folder at once (tests/worker/test_shared_cache.py), so each
    render writes what it still has to compile into a folder of its own.
    """
    for cache, finished in (("Tex", "*.svg"), ("formulas", "*.pickle")):
        for path in (ROOT / "media" / cache).rglob(finished):
            if path.name.startswith("."):
                continue  # being written
            target = media / cache / path.relative_to(ROOT / "media" / cache)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(path, target)
            except FileNotFoundError:
                pass  # replaced or cleaned up by another test just now: the render makes it


def _render(media: Path, name: str) -> subprocess.Popen:
    # Small and short (the first dozen animations at 320x180, 5 fps): enough to catch
    # randomness or clock-dependence, cheap enough for every test run.
    _seed(media)
    cmd = [sys.executable, "-m", "manim", "render", "-ql", "--frame_rate", "5", "-r", "320,180",
           "-n", "0,12", "--disable_caching", "--media_dir", str(media), "--progress_bar", "none",
           "-v", "WARNING", f"scenes/{snake_case(name)}.py", name]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _frame_hashes(media: Path, name: str) -> list[str]:
    (video,) = media.glob(f"videos/**/{name}.mp4")
    with av.open(str(video)) as container:
        return [hashlib.sha1(f.to_ndarray().tobytes()).hexdigest() for f in container.decode(video=0)]


@pytest.mark.slow
def test_rendering_twice_gives_the_same_frames(tmp_path):
    """Determinism: the seed in manim.cfg and no clock or randomness in scenes."""
    renders = [(tmp_path / d, _render(tmp_path / d, "SignOfGradient")) for d in "ab"]
    for _, proc in renders:
        _, err = proc.communicate()
        assert proc.returncode == 0, err.decode()[-2000:]
    first, second = (_frame_hashes(media, "SignOfGradient") for media, _ in renders)
    assert len(first) > 10 and first == second
