"""Interrupted builds, the lock, a failing scene and bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from lecture.cli import main
from lecture.media.video import probe

from tests.fixtures.pipeline import env_for, lecture

pytestmark = pytest.mark.slow

SLEEPY = "import os, time\ntime.sleep(float(os.environ.get('ALPHA_SLEEP', '0')))\n"


def make_alpha_sleepy(root: Path) -> None:
    """Change Alpha (so it must render) and let $ALPHA_SLEEP hold its render open."""
    path = root / "scenes/alpha.py"
    path.write_text(SLEEPY + path.read_text())


def start_build(root: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lecture", "build", "-q", "l"], cwd=root,
                            env=env_for(root) | env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def wait_for(predicate, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def workers_of(root: Path) -> list[int]:
    """Render workers (and the render server) still running for this project."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().split(b"\0")
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if (b"lecture.worker.render" in cmd or b"lecture.run.zygote" in cmd) and cwd == str(root):
            found.append(int(proc.name))
    return found


def rendering(root: Path, name: str = "Alpha") -> bool:
    return (root / f"media/lecture/work/.rendering-{name}-l").exists()


def test_killed_build_leaves_previous_lecture_and_next_build_completes(built: Path) -> None:
    video = built / "media/lecture/l/lecture.mp4"
    before = video.read_bytes()
    make_alpha_sleepy(built)
    gamma = built / "scenes/gamma.py"
    gamma.write_text(gamma.read_text() + "# edited\n")  # two renders: workers fork from the server
    build = start_build(built, ALPHA_SLEEP="30")
    wait_for(lambda: rendering(built))
    build.send_signal(signal.SIGKILL)  # no chance to clean up
    build.communicate()
    assert video.read_bytes() == before
    wait_for(lambda: not workers_of(built), timeout=5)  # workers die with their build

    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr
    assert "rendered Alpha" in done.stdout and "rendered Gamma" in done.stdout
    assert probe(video).frames == 14
    manifest = json.loads((built / "media/lecture/l/manifest.json").read_text())
    alpha = json.loads((built / "media/lecture/scenes/l/Alpha.json").read_text())
    assert manifest["scenes"][0]["hash"] == alpha["hash"]
    assert not list((built / "media/lecture").rglob("*.tmp-*"))


def test_crash_between_write_and_rename_keeps_previous_outputs(built: Path) -> None:
    out = built / "media/lecture/l"
    before = {name: (out / name).read_bytes() for name in ("lecture.mp4", "lecture.srt", "manifest.json")}
    scenes = built / "scenes/__init__.py"
    scenes.write_text(scenes.read_text().replace('("Alpha", "Beta", "Gamma")', '("Gamma", "Alpha", "Beta")'))
    done = lecture(built, "build", "-q", "l",
                   env=env_for(built) | {"LECTURE_CRASH_AT": "before-rename:lecture.mp4"})
    assert done.returncode != 0
    assert {name: (out / name).read_bytes() for name in before} == before
    assert list(out.glob(".lecture.tmp-*.mp4"))  # the finished-but-unrenamed join

    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr
    assert "0 rendered, 3 cached" in done.stdout
    manifest = json.loads((out / "manifest.json").read_text())
    assert [s["name"] for s in manifest["scenes"]] == ["Gamma", "Alpha", "Beta"]
    assert [s["offset"] for s in manifest["scenes"]] == [0.0, 1.4, 2.2]
    assert probe(out / "lecture.mp4").frames == 14
    assert not list(out.glob(".*tmp-*"))  # swept


def test_lock_refuses_a_second_build_and_ctrl_c_stops_cleanly(built: Path) -> None:
    make_alpha_sleepy(built)
    first = start_build(built, ALPHA_SLEEP="30")
    wait_for(lambda: rendering(built))
    second = lecture(built, "build", "-q", "l")
    assert second.returncode == 75
    assert "another lecture command is using" in second.stderr
    assert f"pid {first.pid}" in second.stderr
    assert "Traceback" not in second.stderr

    first.send_signal(signal.SIGINT)
    _, err = first.communicate(timeout=30)
    assert first.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    wait_for(lambda: not workers_of(built), timeout=5)

    done = lecture(built, "build", "-q", "l")  # the lock is free again
    assert done.returncode == 0, done.stderr
    assert "rendered Alpha" in done.stdout


def test_scene_that_raises_is_named_with_its_line_and_others_are_kept(built: Path) -> None:
    alpha = built / "scenes/alpha.py"
    alpha.write_text(alpha.read_text() + "# a harmless edit\n")
    beta = built / "scenes/beta.py"
    lines = beta.read_text().splitlines()
    at = next(i for i, l in enumerate(lines) if "self.play" in l)
    lines.insert(at, "        raise ValueError('the radius is wrong')")
    beta.write_text("\n".join(lines) + "\n")
    video = built / "media/lecture/l/lecture.mp4"
    before = video.read_bytes()

    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 1
    assert f"Beta at scenes/beta.py:{at + 1}" in done.stderr
    assert "ValueError: the radius is wrong" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "rendered Alpha" in done.stdout  # the other scene's result is kept...
    done = lecture(built, "list")
    assert "✓" in next(l for l in done.stdout.splitlines() if "Alpha" in l)
    assert "stale" in next(l for l in done.stdout.splitlines() if "Beta" in l)
    assert video.read_bytes() == before  # ...and the lecture is not joined with a hole


# -- bad input (in-process, no rendering) ------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="lecture")


def test_unknown_scene_exits_2_with_the_scenes_and_closest_match(built: Path) -> None:
    res = run("render", "Alhpa")
    assert res.exit_code == 2
    assert "unknown scene 'Alhpa'" in res.output
    assert "Did you mean Alpha?" in res.output
    assert "Scenes: Alpha, Beta, Gamma, Thumb" in res.output
    assert run("watch", "nothing_like_it").exit_code == 2
    assert run("storyboard", "gama").exit_code == 2


@pytest.mark.parametrize("args", [
    ("build", "-q", "z"), ("build", "-j", "0"), ("render",), ("build", "--nope"),
    ("list", "extra"), ("render", "alpha", "-q"),
])
def test_bad_options_get_clicks_usage_error(built: Path, args: tuple[str, ...]) -> None:
    res = run(*args)
    assert res.exit_code == 2
    assert "Error:" in res.output and "Traceback" not in res.output
    if args != ("render", "alpha", "-q"):  # click words that one without the usage line
        assert "Usage:" in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)


def test_missing_scene_file_is_marked_and_fails_the_build_in_one_line(built: Path) -> None:
    init = built / "scenes/__init__.py"
    init.write_text(init.read_text().replace('"Gamma")', '"Gamma", "DeltaRule")'))
    res = run("list")
    assert res.exit_code == 0
    row = next(l for l in res.output.splitlines() if "DeltaRule" in l)
    assert "scenes/delta_rule.py" in row and "missing" in row
    res = run("build", "-q", "l")
    assert res.exit_code == 1
    errors = [l for l in res.output.splitlines() if l.startswith("error:")]
    assert errors == ["error: cannot join the lecture: no file yet for DeltaRule (scenes/delta_rule.py)"]
    res = run("render", "delta_rule")
    assert res.exit_code == 1 and "scenes/delta_rule.py does not exist yet" in res.output


def test_scene_file_without_its_class(built: Path) -> None:
    (built / "scenes/gamma.py").write_text("from manim import Scene\n\n\nclass Gama(Scene):\n    pass\n")
    res = run("render", "gamma")
    assert res.exit_code == 1
    assert "error: scene Gamma: scenes/gamma.py does not define class Gamma" in res.output


def test_outside_a_project_is_a_clean_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LECTURE_ROOT", str(tmp_path))
    res = run("list")
    assert res.exit_code == 1 and res.output.startswith("error: no lecture project here")
