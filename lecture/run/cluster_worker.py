"""The worker side of `lecture build --cluster` (lecture/run/cluster.py is the client's).

``LecturePlugin`` is registered on every Dask worker: it keeps a render server
with Manim imported (lecture/run/zygote.py) and the folders renders use.
``render_remote`` is the task: it renders one job in a fork of that server, in a
folder holding exactly the files the job sent, and returns the video's bytes
with their sha256.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import settings
from lecture.core.records import Outcome, Window
from lecture.run.local import render_env

PLUGIN = "lecture-render"


def _worker_plugin_base():
    from distributed.diagnostics.plugin import WorkerPlugin

    return WorkerPlugin


class LecturePlugin(_worker_plugin_base()):
    """Keeps a render server (Manim imported once) on each worker, and its folders.

    Manim's Tex cache and the narration's clip cache are kept across tasks in
    ``cache`` (for a LocalCluster: the project's own), else in $LECTURE_CLUSTER_CACHE
    or ~/.cache/gradient-lecture on the worker's machine; both are safe to share
    between processes.
    """

    idempotent = True

    def __init__(self, media: str | None = None, voice: str | None = None) -> None:
        self.media_dir, self.voice_dir = media, voice

    def setup(self, worker) -> None:
        from lecture.run.zygote import Zygote

        self.base = Path(worker.local_directory) / "lecture"
        self.base.mkdir(parents=True, exist_ok=True)
        shared = settings.current().cluster_cache or Path.home() / ".cache" / "gradient-lecture"
        self.media = Path(self.media_dir) if self.media_dir else shared / "media"
        self.voice = Path(self.voice_dir) if self.voice_dir else shared / "voice"
        self.zygote = Zygote(self.base, render_env())
        self.lock = threading.Lock()

    def teardown(self, worker) -> None:
        with contextlib.suppress(Exception):
            self.zygote.kill()

    def sources(self, files: dict[str, bytes]) -> Path:
        """A folder holding exactly ``files`` (shared by tasks that send the same ones)."""
        digest = hashlib.sha256()
        for rel in sorted(files):
            digest.update(rel.encode() + b"\0" + hashlib.sha256(files[rel]).digest())
        root = self.base / "src" / digest.hexdigest()[:24]
        with self.lock:
            if not root.is_dir():
                tmp = Path(tempfile.mkdtemp(dir=self.base, prefix=".src-"))
                for rel, data in files.items():
                    path = tmp / rel
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                root.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, root)
        return root


def render_remote(payload: dict[str, Any]) -> dict[str, Any]:
    """The task: render one job on this worker and return its result with the file's bytes."""
    from distributed import get_worker

    worker = get_worker()
    plugin = worker.plugins[PLUGIN]
    root = plugin.sources(payload["files"])
    media = plugin.media  # Manim's Tex and Text caches, warm across tasks
    scratch = plugin.base / "jobs" / uuid.uuid4().hex
    scratch.mkdir(parents=True)
    window = None if payload["window"] is None else Window.from_dict(payload["window"], "a task")
    if window is not None and window.tag is None:
        window = window.replace(tag=scratch.name)  # its own video folders, always
    env = {**payload.get("env", {}), "LECTURE_ROOT": str(root),
           "LECTURE_VOICE_CACHE": str(plugin.voice)}
    started = time.perf_counter()
    try:
        code, rss, cpu = plugin.zygote.run(payload["args"] + ["--media_dir", str(media)],
                                           str(scratch / "result.json"), str(scratch / "log.txt"),
                                           window, str(root), env)
        outcome = Outcome.of_worker(scratch / "result.json")
        data = None
        video = Path(outcome.video) if outcome and outcome.video else None
        if outcome and outcome.ok and video is not None and video.is_file():
            data = video.read_bytes()
            video.unlink()
        log = (scratch / "log.txt").read_text(errors="replace")[-20000:] \
            if (scratch / "log.txt").is_file() else ""
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if window is not None and window.tag:
            for folder in (media / "windows").glob(f"*/*/{window.tag}"):
                shutil.rmtree(folder, ignore_errors=True)
    return {"code": code, "outcome": outcome and outcome.to_dict(), "video": data,
            "max_rss_kib": rss,
            "cpu_seconds": cpu, "seconds": time.perf_counter() - started, "log": log,
            "sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
            "worker": worker.address}
