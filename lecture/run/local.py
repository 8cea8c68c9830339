"""Render jobs and where they run: `Job` (a scene, or one chunk of it), and `LocalRunner`,
which runs jobs in worker processes on this machine.

A runner takes jobs with ``submit`` and hands back a concurrent future of a
``JobOutcome``: the worker's result (lecture/worker/render.py) with the video on this
machine's disk. lecture/run/cluster.py has the same interface for a Dask cluster.

Nothing here imports Manim.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import settings
from lecture.core.project import Project
from lecture.core.records import Outcome, Window


@dataclass(frozen=True)
class Chunk:
    """Chunk ``index`` of ``count`` of a scene: next_section calls [start, end)."""

    index: int
    count: int
    start: int  # the next_section call that opens it; 0 is the start of the scene
    end: int | None  # the call that closes it; None is the end of the scene
    seconds: float = 0.0  # expected length of video, for scheduling

    def window(self, scene: str) -> Window:
        return Window(self.start, self.end, None,
                      f"{scene}-{self.start}-{self.end if self.end is not None else 'end'}")

    def key(self, scene_key: str) -> str:
        """The chunk's content hash: its scene's key and where it is cut."""
        return hashlib.sha256(f"chunk {scene_key} {self.start} {self.end}".encode()).hexdigest()

    def label(self, scene: str) -> str:
        return f"{scene} [{self.index + 1}/{self.count}]"


@dataclass
class Job:
    """One render: a whole scene (chunk None), a chunk of one, or a still image."""

    scene: str
    rel: str  # the scene's file, relative to the project root
    quality: str
    key: str  # content hash: the scene's key, or the chunk's
    still: bool = False
    chunk: Chunk | None = None
    estimate: float = 0.0  # expected cost, for longest-first scheduling
    extra: list[str] = field(default_factory=list)  # more `manim render` options
    inputs: list[str] = field(default_factory=list)  # the project files its key covers
    section: str | None = None  # render just this section (a preview; lecture/build/preview.py)

    @property
    def label(self) -> str:
        return self.chunk.label(self.scene) if self.chunk else self.scene

    @property
    def slug(self) -> str:
        """A name for this job's files."""
        if self.section is not None:
            return f"{self.scene}-{self.quality}-section-{self.key[:12]}"
        chunk = f"-chunk{self.chunk.index + 1}" if self.chunk else ""
        return f"{self.scene}-{self.quality}{chunk}"

    def window(self) -> Window | None:
        """What to render of the scene (None: a still image, rendered by Manim itself)."""
        if self.still:
            return None
        if self.chunk is not None:
            return self.chunk.window(self.scene)
        if self.section is not None:
            return Window(section=self.section, tag=self.slug)
        return Window()

    def manim_args(self, media_dir: Path | str | None) -> list[str]:
        media = ["--media_dir", str(media_dir)] if media_dir is not None else []
        return [self.rel, self.scene, "-q", self.quality, *media,
                "--progress_bar", "none", "--silent",
                # Manim's per-animation cache advances the clock by whole durations, not
                # frames (see lecture/worker/fastforward.py), so it stays off.
                "--disable_caching", *(["-s"] if self.still else []), *self.extra]


@dataclass
class JobOutcome:
    job: Job
    code: int
    outcome: Outcome | None  # the worker's result (None: it died); its video is on this machine
    seconds: float = 0.0
    max_rss_kib: int = 0
    cpu_seconds: float = 0.0
    log: Path | None = None
    where: str = "local"

    @property
    def ok(self) -> bool:
        return self.outcome is not None and self.outcome.ok


# glibc's malloc hands an allocation of 128 KiB or more back to the kernel when it is
# freed (and, past that, grows the threshold only up to the largest freed). A render makes
# and frees frames of 8 MB (1080p RGBA) all the time, and every new one is zeroed by the
# kernel page by page. Freed blocks up to 32 MiB stay in the heap for the next frame:
# less system CPU time per render, for a somewhat higher peak memory (docs/performance.md).
MALLOC_TUNABLES = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456"


def render_env() -> dict[str, str]:
    """The environment for render processes (a render server's, a worker's)."""
    env = settings.child_env()
    env.setdefault("PYTHONUNBUFFERED", "1")
    env.setdefault("GLIBC_TUNABLES", MALLOC_TUNABLES)
    return env


class LocalRunner:
    """Runs up to ``jobs`` render workers at once on this machine; stops them all on interrupt.

    With more than one job, workers are forked from a pre-warmed server that has
    imported Manim once (lecture.run.zygote); otherwise, or with LECTURE_ZYGOTE=0,
    each worker is a fresh `python -m lecture.worker.render` process.
    """

    def __init__(self, project: Project, jobs: int, use_zygote: bool = True,
                 preload_voice: bool = False) -> None:
        self.project = project
        self.slots = max(1, jobs)
        self._pool = ThreadPoolExecutor(max_workers=self.slots)
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopping = False
        self._running: dict[str, str] = {}
        self._ids = itertools.count()
        self._zygote = None
        if use_zygote and settings.current().zygote:
            from lecture.run.zygote import PRELOAD, Zygote

            env = render_env()
            if preload_voice:
                env[PRELOAD] = "1"
            self._zygote = Zygote(project.root, env)

    @property
    def voice_seconds(self) -> float:
        """CPU seconds the render server spent loading the voice for every render."""
        return self._zygote.voice_seconds if self._zygote is not None else 0.0

    def submit(self, job: Job) -> Future:
        return self._pool.submit(self._run, job)

    def running(self) -> dict[str, str]:
        """What each busy worker is rendering: {worker: job label}."""
        with self._lock:
            return dict(self._running)

    def _run(self, job: Job) -> JobOutcome:
        project = self.project
        work = project.work_dir
        work.mkdir(parents=True, exist_ok=True)
        project.log_dir.mkdir(parents=True, exist_ok=True)
        marker = work / f".rendering-{job.slug}"
        if marker.exists():  # a render of this scene was killed: its segments may be torn
            for pattern in ("videos/*/*", "windows/*/*/*"):
                for seg in work.glob(f"{pattern}/partial_movie_files/{job.scene}"):
                    shutil.rmtree(seg, ignore_errors=True)
        marker.touch()
        result_file = work / f".result-{job.slug}-{os.getpid()}-{next(self._ids)}.json"
        result_file.unlink(missing_ok=True)
        log = project.log_dir / f"{job.slug}.log"
        slot = f"local worker {threading.current_thread().name.rsplit('_', 1)[-1]}"
        with self._lock:
            self._running[slot] = job.label
        started = time.perf_counter()
        try:
            code, rss_kib, cpu = self._spawn(job.manim_args(work), job.window(), result_file, log)
        finally:
            with self._lock:
                self._running.pop(slot, None)
        seconds = time.perf_counter() - started
        outcome = Outcome.of_worker(result_file)
        result_file.unlink(missing_ok=True)
        if outcome is not None:
            marker.unlink(missing_ok=True)  # the worker ended by itself: nothing torn
        return JobOutcome(job, code, outcome, seconds, rss_kib, cpu, log, "local")

    def _spawn(self, args: list[str], window: Window | None, result: Path,
               log: Path) -> tuple[int, int, float]:
        """Render with manim `args`; (exit code, peak memory in KiB, CPU seconds)."""
        if self._stopping:
            return -signal.SIGTERM, 0, 0.0
        if self._zygote is not None:
            return self._zygote.run(args, str(result), str(log), window)
        import json

        cmd = [sys.executable, "-m", "lecture.worker.render", str(result),
               *(["--window", json.dumps(window.to_dict())] if window else []), "--", *args]
        with self._lock:
            if self._stopping:
                return -signal.SIGTERM, 0, 0.0
            with open(log, "wb") as out:
                proc = subprocess.Popen(cmd, cwd=self.project.root, stdout=out,
                                        stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env=render_env())
            self._procs.add(proc)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            with self._lock:
                self._procs.discard(proc)
        return proc.returncode, int(usage.ru_maxrss), usage.ru_utime + usage.ru_stime

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        if self._zygote is not None:
            self._zygote.close()

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            procs = list(self._procs)
        for proc in procs:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        if self._zygote is not None:
            self._zygote.kill()
        self._pool.shutdown(wait=False, cancel_futures=True)
