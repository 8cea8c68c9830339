"""`lecture build --cluster ADDRESS`: render scenes and chunks on a Dask cluster.

ADDRESS is a running scheduler (`tcp://host:8786`, see the README for starting
one and its workers with Dask's own commands) or `local:N`, a LocalCluster of
N worker processes on this machine.

Each job is one Dask task keyed by its content hash (the scene's key, or the
chunk's), so the same render is never computed twice in a session. A task
carries what the render reads: the project packages its key's files are in
(the scene, the modules it imports), manim.cfg, lecture.toml and recorded
takes, a few hundred kilobytes. On the worker, ``LecturePlugin`` keeps a render server with
Manim imported (lecture/zygote.py); each render is a fork of it with a clean
Manim config, run in a folder holding exactly those files. The video comes back
to the client as bytes with its sha256, and is written under a temporary name,
checked and renamed. So a cluster needs no shared file system, and a worker
lost mid-render costs only that render: the scheduler gives the task to another
worker and the result is the same.
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
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from . import store
from .errors import LectureError
from .runner import Job, JobOutcome

PLUGIN = "lecture-render"
CONNECT_TIMEOUT = 5  # seconds to reach a scheduler before giving up
# Settings a render reads from the environment, passed on to the workers.
PASSED_ON = ("LECTURE_VOICE", "LECTURE_FORMULA_MEMO")


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
        from .zygote import Zygote

        self.base = Path(worker.local_directory) / "lecture"
        self.base.mkdir(parents=True, exist_ok=True)
        shared = Path(os.environ.get("LECTURE_CLUSTER_CACHE")
                      or Path.home() / ".cache" / "gradient-lecture")
        self.media = Path(self.media_dir) if self.media_dir else shared / "media"
        self.voice = Path(self.voice_dir) if self.voice_dir else shared / "voice"
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.zygote = Zygote(self.base, env)
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
    window = payload["window"]
    if window is not None and window.get("tag") is None:
        window = {**window, "tag": scratch.name}  # its own video folders, always
    env = {**payload.get("env", {}), "LECTURE_ROOT": str(root),
           "LECTURE_VOICE_CACHE": str(plugin.voice)}
    started = time.perf_counter()
    try:
        code, rss, cpu = plugin.zygote.run(payload["args"] + ["--media_dir", str(media)],
                                           str(scratch / "result.json"), str(scratch / "log.txt"),
                                           window, str(root), env)
        outcome = store.read_json(scratch / "result.json")
        data = None
        video = Path(outcome["video"]) if outcome and outcome.get("video") else None
        if outcome and outcome.get("ok") and video is not None and video.is_file():
            data = video.read_bytes()
            video.unlink()
        log = (scratch / "log.txt").read_text(errors="replace")[-20000:] \
            if (scratch / "log.txt").is_file() else ""
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if window is not None and window.get("tag"):
            for folder in (media / "windows").glob(f"*/*/{window['tag']}"):
                shutil.rmtree(folder, ignore_errors=True)
    return {"code": code, "outcome": outcome, "video": data, "max_rss_kib": rss,
            "cpu_seconds": cpu, "seconds": time.perf_counter() - started, "log": log,
            "sha256": hashlib.sha256(data).hexdigest() if data is not None else None,
            "worker": worker.address}


def _reachable(address: str) -> None:
    """Fail at once, in one line, when nothing listens at a tcp:// address."""
    import socket
    from urllib.parse import urlsplit

    if "://" not in address:
        address = "tcp://" + address
    parts = urlsplit(address)
    if parts.scheme != "tcp" or not parts.hostname:
        return  # other protocols: let Dask try
    try:
        socket.create_connection((parts.hostname, parts.port or 8786),
                                 timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise LectureError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


class ClusterRunner:
    """Runs jobs on a Dask cluster, with the interface of runner.LocalRunner."""

    def __init__(self, project, client, name: str) -> None:
        self.project, self.client, self.name = project, client, name
        self._futures: dict[str, Any] = {}
        self._labels: dict[str, str] = {}
        self._busy: dict[str, str] = {}
        self._polled = 0.0

    @classmethod
    @contextlib.contextmanager
    def connect(cls, address: str, project=None):
        """A session on the cluster at ``address`` (or a LocalCluster for ``local:N``)."""
        from .project import Project

        project = project or Project.find()
        for stale in (project.work_dir / "cluster").glob(f"*{store.TMP_MARK}*"):
            stale.unlink(missing_ok=True)  # a transfer a killed build left half-written
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise LectureError("rendering on a cluster needs dask.distributed: run `make setup`")
        cluster = None
        if address.startswith("local:"):
            count = address.split(":", 1)[1]
            if not count.isdigit() or int(count) < 1:
                raise LectureError(f"--cluster {address}: local:N needs a number of workers")
            import logging

            cluster = LocalCluster(n_workers=int(count), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
            name = f"a local cluster of {count} workers"
        else:
            _reachable(address)
            try:
                with dask.config.set({"distributed.comm.timeouts.connect":
                                      f"{CONNECT_TIMEOUT}s"}):
                    client = Client(address, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as exc:
                text = str(exc).strip()
                detail = text.splitlines()[0] if text else type(exc).__name__
                raise LectureError(f"cannot reach the Dask scheduler at {address}: {detail}") \
                    from None
            name = f"the cluster at {address}"
        try:
            if cluster is not None:  # this machine: share the project's own caches
                from narration.config import cache_dir

                plugin = LecturePlugin(str(project.work_dir), str(cache_dir(project.root)))
            else:
                plugin = LecturePlugin()
            client.register_plugin(plugin, name=PLUGIN)
            try:
                client.wait_for_workers(1, timeout=30)
            except TimeoutError:
                raise LectureError(f"{name} has no workers (start some with `dask worker "
                                   f"{address}`)") from None
            yield cls(project, client, name)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()

    @property
    def slots(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def _files(self, job: Job) -> dict[str, bytes]:
        """What the render reads: the packages of the files its key covers (importing a
        module runs its package's __init__, which may import the rest), the settings,
        and the scene's recorded takes."""
        root = self.project.root
        rels = set(job.inputs) | {"manim.cfg", "lecture.toml"}
        for top in {Path(rel).parts[0] for rel in job.inputs if len(Path(rel).parts) > 1}:
            rels |= {p.relative_to(root).as_posix() for p in (root / top).rglob("*.py")
                     if "__pycache__" not in p.parts}
        takes = root / "takes" / job.scene
        if takes.is_dir():
            rels |= {p.relative_to(root).as_posix() for p in takes.rglob("*") if p.is_file()}
        return {rel: (root / rel).read_bytes() for rel in sorted(rels) if (root / rel).is_file()}

    def submit(self, job: Job) -> Future:
        payload = {"files": self._files(job), "args": job.manim_args(None),
                   "window": job.window(),
                   "env": {k: os.environ[k] for k in PASSED_ON if k in os.environ}}
        key = f"lecture-{job.slug}-{job.key[:32]}"
        self._labels[key] = job.label
        done: Future = Future()
        dask_future = self.client.submit(render_remote, payload, key=key, pure=False, retries=1)
        self._futures[key] = dask_future
        dask_future.add_done_callback(lambda f: self._settle(job, f, done))
        return done

    def _settle(self, job: Job, dask_future, done: Future) -> None:
        try:
            reply = dask_future.result()
            done.set_result(self._receive(job, reply))
        except BaseException as exc:  # noqa: BLE001 - a failed task is a failed job
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            done.set_result(JobOutcome(job, -1, {"ok": False, "type": type(exc).__name__,
                                                 "message": message}, where=self.name))

    def _receive(self, job: Job, reply: dict[str, Any]) -> JobOutcome:
        """Write the task's video under a temporary name, check its sha256, rename it."""
        outcome = reply["outcome"]
        log = self.project.log_dir / f"{job.slug}.log"
        self.project.log_dir.mkdir(parents=True, exist_ok=True)
        store.write_bytes(log, f"[rendered on {reply['worker']}]\n{reply['log']}".encode())
        if outcome and outcome.get("ok") and reply["video"] is not None:
            folder = self.project.work_dir / "cluster"
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{job.slug}{Path(outcome['video']).suffix}"
            tmp = store.tmp_name(final)
            tmp.write_bytes(reply["video"])
            if store.sha256_file(tmp) != reply["sha256"]:
                tmp.unlink(missing_ok=True)
                outcome = {"ok": False, "type": "TransferError",
                           "message": f"the video from {reply['worker']} arrived damaged"}
            else:
                store.commit(tmp, final)
                outcome = {**outcome, "video": str(final)}
        return JobOutcome(job, reply["code"], outcome, reply["seconds"], reply["max_rss_kib"],
                          reply["cpu_seconds"], log, reply["worker"])

    def running(self) -> dict[str, str]:
        """{worker address: job label} for the tasks workers are on (polled once a second)."""
        if time.monotonic() - self._polled > 1.0:
            self._polled = time.monotonic()
            with contextlib.suppress(Exception):
                processing = self.client.processing()
                self._busy = {worker: ", ".join(self._labels.get(k, str(k)) for k in keys)
                              for worker, keys in processing.items() if keys}
        return dict(self._busy)

    def stop(self) -> None:
        for fut in self._futures.values():
            with contextlib.suppress(Exception):
                fut.cancel()

    def close(self) -> None:
        self.stop()
