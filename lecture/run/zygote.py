"""A pre-warmed render server: import Manim once per build, fork one child per scene.

`python -m lecture.run.zygote` imports Manim (a cost paid once per build, not once
per scene), then reads one JSON job per line on stdin and forks a
child for each: the child is a fresh copy of a process with Manim loaded but not
yet configured, so renders stay isolated from each other exactly as separate
processes are (a crash or a kill still loses only that scene). For every job it
writes two JSON lines on stdout: {"id", "pid"} when the child starts and
{"id", "code", "max_rss_kib", "cpu_seconds"} when it ends (from wait4, so the
figures are that child's own: its peak memory and its user + system CPU time).
A job may name a working folder, environment variables and a window of the
scene to render (lecture/worker/fastforward.py). With $LECTURE_PRELOAD_VOICE=1 the server
also loads the project's voice before its first fork, so that renders which
synthesise speech do not each load the model (the build asks for it when its
renders will speak: `narrated.needs_synthesis`).
"""

from __future__ import annotations

import json
import os
import sys
import threading

import settings
from lecture.core.records import Window
from lecture.worker.render import _die_with_parent, render


def _child(job: dict) -> None:
    _die_with_parent()
    if job.get("cwd"):
        os.chdir(job["cwd"])
    os.environ.update(job.get("env") or {})
    fd = os.open(job["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    code = 1
    try:
        from pathlib import Path

        window = job.get("window")
        code = render(Path(job["result"]), job["args"],
                      None if window is None else Window.from_dict(window, "a render job"))
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


PRELOAD = settings.variable("preload_voice")  # "1": load the voice before the first fork


def _preload_voice() -> float:
    """Load the project's voice for every render forked from here (narration.voice.preload);
    the CPU seconds it took. A voice that cannot load is left to the render that needs it,
    which fails with the voice's own message."""
    import time

    started = time.process_time()
    try:
        from narration import config
        from narration.voice import preload

        preload(config.make_voice(config.load(config.find_root())))
    except Exception:  # noqa: BLE001 - see above
        pass
    return round(time.process_time() - started, 3)


def serve() -> None:
    _die_with_parent()
    import manim  # noqa: F401 - the point: children inherit it already imported
    import manim.cli.render.commands  # noqa: F401
    import manim.manager  # noqa: F401

    out_lock = threading.Lock()
    out = sys.stdout

    def say(message: dict) -> None:
        with out_lock:
            out.write(json.dumps(message) + "\n")
            out.flush()

    def reap(job_id: str, pid: int) -> None:
        _, status, usage = os.wait4(pid, 0)
        say({"id": job_id, "code": os.waitstatus_to_exitcode(status),
             "max_rss_kib": int(usage.ru_maxrss),
             "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3)})

    preloaded = _preload_voice() if settings.current().preload_voice else 0.0
    say({"ready": True, "voice_seconds": preloaded})
    reapers = []
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(job)  # never returns
        say({"id": job["id"], "pid": pid})
        t = threading.Thread(target=reap, args=(job["id"], pid), daemon=True)
        t.start()
        reapers.append(t)
    for t in reapers:
        t.join()


class Zygote:
    """The build's handle on one render server (thread-safe)."""

    def __init__(self, cwd, env: dict[str, str]) -> None:
        import subprocess

        self.proc = subprocess.Popen([sys.executable, "-m", "lecture.run.zygote"], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self._lock = threading.Lock()
        self._waiters: dict[str, tuple[threading.Event, dict]] = {}
        self._pid_of: dict[str, int] = {}
        self._count = 0
        self._dead = False
        self.voice_seconds = 0.0  # CPU the server spent loading the voice before its first fork
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            if msg.get("ready"):
                self.voice_seconds = float(msg.get("voice_seconds") or 0.0)
                continue
            with self._lock:
                event, box = self._waiters.get(msg.get("id"), (None, None))
                if "pid" in msg:
                    self._pid_of[msg["id"]] = msg["pid"]
                    continue
                self._pid_of.pop(msg.get("id"), None)
                if event is not None:
                    box.update(msg)
                    event.set()
        with self._lock:  # the server is gone: release everyone
            self._dead = True
            for event, box in self._waiters.values():
                box.setdefault("code", -9)
                event.set()

    def run(self, args: list[str], result: str, log: str, window: Window | None = None,
            cwd: str | None = None, env: dict[str, str] | None = None) -> tuple[int, int, float]:
        """Render in a forked child; (exit code, peak memory in KiB, CPU seconds)."""
        event, box = threading.Event(), {}
        with self._lock:
            if self._dead:
                return -9, 0, 0.0
            self._count += 1
            job_id = str(self._count)
            self._waiters[job_id] = (event, box)
            self.proc.stdin.write(json.dumps({"id": job_id, "args": args, "result": result,
                                              "log": log, "cwd": cwd,
                                              "window": window and window.to_dict(),
                                              "env": env}) + "\n")
            self.proc.stdin.flush()
        event.wait()
        return (int(box.get("code", -9)), int(box.get("max_rss_kib", 0)),
                float(box.get("cpu_seconds", 0.0)))

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait()

    def kill(self) -> None:
        import signal

        with self._lock:
            pids = list(self._pid_of.values())
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.kill()
        self.proc.wait()


if __name__ == "__main__":
    serve()
