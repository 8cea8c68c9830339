"""`lecture build --cluster ADDRESS`: render scenes and chunks on a Dask cluster.

ADDRESS is a running scheduler (`tcp://host:8786`, see the README for starting
one and its workers with Dask's own commands) or `local:N`, a LocalCluster of
N worker processes on this machine.

Each job is one Dask task keyed by its content hash (the scene's key, or the
chunk's), so the same render is never computed twice in a session. A task
carries what the render reads: the project packages its key's files are in
(the scene, the modules it imports), manim.cfg, lecture.toml and recorded
takes, a few hundred kilobytes. On the worker (lecture/run/cluster_worker.py) a
render server keeps Manim imported; each render is a fork of it with a clean
Manim config, run in a folder holding exactly those files. The video comes back
to the client as bytes with its sha256, and is written under a temporary name,
checked and renamed. So a cluster needs no shared file system, and a worker
lost mid-render costs only that render: the scheduler gives the task to another
worker and the result is the same.

Jobs go to Dask one per free worker thread, longest first, as the local runner
runs them. Handed all at once, Dask spreads them over the workers when they
arrive, knowing nothing of their length (each is the only task of its name),
and steals too late, so one worker can sit idle while another has a queue.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import settings
from lecture.core import store
from lecture.core.errors import LectureError
from lecture.core.records import Outcome
from lecture.run.local import Job, JobOutcome

CONNECT_TIMEOUT = 5  # seconds to reach a scheduler before giving up
# Settings a render reads from the environment, passed on to the workers.
PASSED_ON = (settings.variable("voice"), settings.variable("formula_memo"))


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
        self._waiting: deque[tuple[Job, Future]] = deque()  # in the order submitted
        self._sent = 0  # jobs with Dask and not yet settled
        self._slots = self.slots
        self._lock = threading.Lock()

    @classmethod
    @contextlib.contextmanager
    def connect(cls, address: str, project=None):
        """A session on the cluster at ``address`` (or a LocalCluster for ``local:N``)."""
        from lecture.core.project import Project

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
            from lecture.run.cluster_worker import PLUGIN, LecturePlugin

            if cluster is not None:  # this machine: share the project's own caches
                from narration.config import cache_dir

                plugin = LecturePlugin(str(project.work_dir), str(cache_dir(project.root)))
            else:
                plugin = LecturePlugin()
            client.register_plugin(plugin, name=PLUGIN)
            try:
                client.wait_for_workers(int(count) if cluster is not None else 1, timeout=30)
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
        """Queue a job; it goes to Dask when a worker thread is free (see the module's doc)."""
        done: Future = Future()
        with self._lock:
            self._waiting.append((job, done))
        self._dispatch()
        return done

    def _dispatch(self) -> None:
        """Hand Dask the next jobs while fewer are out than the cluster has threads."""
        from lecture.run.cluster_worker import render_remote

        while True:
            with self._lock:
                if not self._waiting or self._sent >= self._slots:
                    return
                job, done = self._waiting.popleft()
                self._sent += 1
            payload = {"files": self._files(job), "args": job.manim_args(None),
                       "window": (window := job.window()) and window.to_dict(),
                       "env": {k: v for k, v in settings.child_env().items() if k in PASSED_ON}}
            key = f"lecture-{job.slug}-{job.key[:32]}"
            self._labels[key] = job.label
            dask_future = self.client.submit(render_remote, payload, key=key, pure=False,
                                             retries=1)
            self._futures[key] = dask_future
            dask_future.add_done_callback(lambda f, job=job, done=done: self._settle(job, f, done))

    def _settle(self, job: Job, dask_future, done: Future) -> None:
        try:
            reply = dask_future.result()
            outcome = self._receive(job, reply)
        except BaseException as exc:  # noqa: BLE001 - a failed task is a failed job
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            outcome = JobOutcome(job, -1, Outcome.failure(type(exc).__name__, message),
                                 where=self.name)
        with self._lock:
            self._sent -= 1
        done.set_result(outcome)
        self._dispatch()

    def _receive(self, job: Job, reply: dict[str, Any]) -> JobOutcome:
        """Write the task's video under a temporary name, check its sha256, rename it."""
        outcome = None if reply["outcome"] is None else \
            Outcome.from_dict(reply["outcome"], f"the result from {reply['worker']}")
        log = self.project.log_dir / f"{job.slug}.log"
        self.project.log_dir.mkdir(parents=True, exist_ok=True)
        store.write_bytes(log, f"[rendered on {reply['worker']}]\n{reply['log']}".encode())
        if outcome and outcome.ok and reply["video"] is not None:
            folder = self.project.work_dir / "cluster"
            folder.mkdir(parents=True, exist_ok=True)
            final = folder / f"{job.slug}{Path(outcome.video).suffix}"
            tmp = store.tmp_name(final)
            tmp.write_bytes(reply["video"])
            if store.sha256_file(tmp) != reply["sha256"]:
                tmp.unlink(missing_ok=True)
                outcome = Outcome.failure("TransferError",
                                          f"the video from {reply['worker']} arrived damaged")
            else:
                store.commit(tmp, final)
                outcome = outcome.replace(video=str(final))
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
                self._slots = self.slots  # workers come and go
                self._dispatch()
        return dict(self._busy)

    def stop(self) -> None:
        with self._lock:
            waiting, self._waiting = list(self._waiting), deque()
        for _, done in waiting:
            done.cancel()
        for fut in self._futures.values():
            with contextlib.suppress(Exception):
                fut.cancel()

    def close(self) -> None:
        self.stop()
