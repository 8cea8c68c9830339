"""`lecture build --cluster`: a LocalCluster build, a worker killed mid-render, a bad address."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fixtures import chunked_project as cp

pytestmark = pytest.mark.slow

SLOW = """
import time

from manim import RIGHT, Create, Dot, Scene, Square


class Slow(Scene):
    def construct(self):
        dot = Dot()
        dot.add_updater(lambda m, dt: (time.sleep(0.1), m.shift(RIGHT * dt))[1])
        self.add(dot)
        self.next_section("only")
        self.play(Create(Square()), run_time=2.5)
"""


def lecture(root: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lecture", *args], cwd=root,
                          env=cp.env_for(root), capture_output=True, text=True, timeout=timeout)


def cache(root: Path) -> Path:
    return root / "media" / "lecture" / "scenes" / "l"


def leftovers(root: Path) -> list[Path]:
    """Files a build must never leave behind: temporary names, unassembled chunks."""
    media = root / "media" / "lecture"
    found = [p for p in media.rglob("*") if p.is_file() and (".tmp-" in p.name
                                                              or p.suffix == ".part")]
    return found + [p for p in (media / "chunks").rglob("*") if p.is_file()]


def test_local_cluster_build_equals_the_local_build(chunked_reference, tmp_path):
    reference = chunked_reference
    root = tmp_path / "proj"
    shutil.copytree(reference, root)
    for name in ("drift", "redraw", "spoken"):
        with open(root / "scenes" / f"{name}.py", "a") as fh:
            fh.write("# edited\n")
    done = lecture(root, "build", "-q", "l", "--cluster", "local:2", "--chunks", "2")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "tcp://" in done.stdout  # chunks report the worker they ran on
    for scene in ("Drift", "Redraw", "Spoken"):
        assert json.loads((cache(root) / f"{scene}.json").read_text())["chunks"] == 2
        bad = cp.same_frames(cp.frames(cache(reference) / f"{scene}.mp4"),
                             cp.frames(cache(root) / f"{scene}.mp4"))
        assert not bad, f"{scene}: frames {bad[:10]} differ from the local build"
        assert (cache(root) / f"{scene}.srt").read_text() == \
            (cache(reference) / f"{scene}.srt").read_text()
    assert not leftovers(root)


def test_a_worker_killed_mid_render_costs_only_time(tmp_path, monkeypatch):
    from distributed import Client, LocalCluster

    monkeypatch.setenv("LECTURE_CLUSTER_CACHE", str(tmp_path / "worker-cache"))  # not ~/.cache
    root = tmp_path / "proj"
    (root / "scenes").mkdir(parents=True)
    (root / "manim.cfg").write_text(cp.FILES["manim.cfg"])
    (root / "scenes" / "__init__.py").write_text('LECTURE = ("Slow",)\n')
    (root / "scenes" / "slow.py").write_text(SLOW)
    reference = tmp_path / "slow-local.mp4"
    done = lecture(root, "render", "Slow", "-q", "l")
    assert done.returncode == 0, done.stderr + done.stdout
    shutil.move(cache(root) / "Slow.mp4", reference)
    shutil.rmtree(root / "media")

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        build = subprocess.Popen([sys.executable, "-m", "lecture", "build", "-q", "l",
                                  "--cluster", cluster.scheduler_address], cwd=root,
                                 env=cp.env_for(root), stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        victim, deadline = None, time.monotonic() + 120
        while victim is None and time.monotonic() < deadline and build.poll() is None:
            for worker, keys in client.processing().items():
                if any("Slow" in str(k) for k in keys):
                    victim = worker
            time.sleep(0.1)
        assert victim is not None, "the render never reached a worker"
        time.sleep(1.0)  # mid-render: the scene takes 2.5 s of sleeping updaters
        pid = client.run(os.getpid, workers=[victim])[victim]
        os.kill(pid, signal.SIGKILL)
        out, err = build.communicate(timeout=240)
    assert build.returncode == 0, err + out
    bad = cp.same_frames(cp.frames(reference), cp.frames(cache(root) / "Slow.mp4"))
    assert not bad, f"frames {bad[:10]} differ after the worker was killed"
    log = (root / "media" / "lecture" / "logs" / "Slow-l.log").read_text()
    assert "rendered on tcp://" in log and f"rendered on {victim}\n" not in log  # another worker
    assert not leftovers(root)


def test_an_unreachable_cluster_is_one_line_and_a_failure(tmp_path):
    root = cp.write(tmp_path / "proj")
    started = time.monotonic()
    done = lecture(root, "build", "-q", "l", "--cluster", "tcp://127.0.0.1:9", timeout=60)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in lines[0], \
        done.stderr
    assert time.monotonic() - started < 15
    assert not (cache(root) / "Drift.json").exists()
