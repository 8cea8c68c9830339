"""The render pipeline: decide what is stale, render it in parallel workers, cache it.

A scene's cache entry (media/lecture/scenes/<quality>/<Scene>.{mp4,srt,json}) is
fresh when the JSON's hash equals the scene's current key (see deps.scene_key)
and the video on disk is the one that was written (size, mtime, SHA-256). The
JSON is written last, so it is the commit record of a render.

Nothing in this module imports Manim or PyAV at import time: deciding that
nothing needs doing must stay fast.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from fractions import Fraction
from importlib import metadata
from pathlib import Path
from typing import Any

from . import delivery, narrated, store
from .deps import DependencyGraph, scene_key
from .project import Project, Scene

# Status of a scene at one quality.
FRESH = "fresh"  # cached render matches the sources
NEW = "new"  # never rendered at this quality
CHANGED = "changed"  # sources changed since the cached render
CORRUPT = "corrupt"  # cached file missing, truncated or altered
MISSING = "missing"  # the scene's file does not exist


def manim_version() -> str:
    try:
        return metadata.version("manim")
    except metadata.PackageNotFoundError:
        return "unknown"


def extra_manim_args() -> list[str]:
    """Extra `manim render` options for every render, from $LECTURE_MANIM_ARGS.

    Meant for tests and experiments (e.g. "--fps 5 -r 160,90"); part of the cache key.
    """
    return shlex.split(os.environ.get("LECTURE_MANIM_ARGS", ""))


@dataclass
class SceneState:
    scene: Scene
    quality: str
    still: bool = False
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    meta: dict[str, Any] | None = None
    status: str = NEW
    reason: str = ""

    @property
    def name(self) -> str:
        return self.scene.name

    @property
    def fresh(self) -> bool:
        return self.status == FRESH


class Pipeline:
    """One project at one quality: freshness, rendering and the cache."""

    def __init__(self, project: Project, quality: str, graph: DependencyGraph | None = None) -> None:
        self.project = project
        self.quality = quality
        self.graph = graph or DependencyGraph(project.root)
        self.manim_version = manim_version()
        self.extra = extra_manim_args()
        self.encoding = delivery.cache_token(quality)  # how scene videos are encoded

    # -- paths ----------------------------------------------------------------------------

    @property
    def cache(self) -> Path:
        return self.project.cache_dir(self.quality)

    def meta_path(self, name: str) -> Path:
        return self.cache / f"{name}.json"

    # -- freshness ------------------------------------------------------------------------

    def state(self, scene: Scene, still: bool = False) -> SceneState:
        st = SceneState(scene, self.quality, still)
        if not scene.exists:
            st.status, st.reason = MISSING, f"{scene.rel} does not exist"
            return st
        extra = " ".join(self.extra) + (" still" if still else
                                         " voice " + narrated.scene_identity(self.project.root, scene.name)
                                         + f" {self.encoding}")
        st.key, st.inputs = scene_key(self.graph, scene.path, self.project.cfg, self.quality,
                                      self.manim_version, extra)
        st.meta = store.read_json(self.meta_path(scene.name))
        if st.meta is None:
            st.status, st.reason = NEW, "not rendered yet"
        elif st.meta.get("hash") != st.key:
            st.status, st.reason = CHANGED, self._what_changed(st.meta.get("inputs") or {}, st.inputs, st.meta)
        elif not self._files_intact(st.meta):
            st.status, st.reason = CORRUPT, "cached output is missing or damaged"
        else:
            st.status = FRESH
        return st

    def _what_changed(self, old: dict[str, str], new: dict[str, str], meta: dict[str, Any]) -> str:
        changed = sorted(k for k in new if old.get(k) != new[k])
        if changed:
            return "changed: " + ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
        if meta.get("manim_version") != self.manim_version:
            return f"Manim {meta.get('manim_version')} -> {self.manim_version}"
        return "changed: manim.cfg or render options"

    def _files_intact(self, meta: dict[str, Any]) -> bool:
        for key in ("video", "captions", "narration"):
            rel, stamp = meta.get(key), store.Stamp.from_dict(meta.get(f"{key}_stamp"))
            if rel is None:
                continue
            path = self.cache / rel if key == "narration" else self.project.root / rel
            if stamp is None or not stamp.matches(path):
                return False
        return True

    def states(self, scenes: Iterable[Scene], still: bool = False) -> list[SceneState]:
        return [self.state(s, still) for s in scenes]

    # -- rendering ------------------------------------------------------------------------

    def render(self, states: list[SceneState], jobs: int,
               report: Callable[[str, SceneState, "RenderResult | None"], None] | None = None,
               ) -> list["RenderResult"]:
        """Render `states` (all stale) with up to `jobs` worker processes, longest first.

        Each finished render is validated and committed to the cache at once, so an
        interrupted or partly failed build keeps every scene that did finish.
        """
        todo = sorted(states, key=self._estimate, reverse=True)
        runner = _Runner(self.project.root, use_zygote=len(todo) > 1)
        results: list[RenderResult] = []
        previous = signal.getsignal(signal.SIGTERM)
        in_main = threading.current_thread() is threading.main_thread()
        if in_main:
            signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                pending = {}
                for st in todo:
                    pending[pool.submit(self._render_one, st, runner, report)] = st
                try:
                    while pending:
                        done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                        for fut in done:
                            pending.pop(fut)
                            results.append(fut.result())
                except BaseException:
                    runner.stop()
                    for fut in pending:
                        fut.cancel()
                    raise
            runner.close()
        finally:
            if in_main:
                signal.signal(signal.SIGTERM, previous)
        order = {st.name: i for i, st in enumerate(states)}
        return sorted(results, key=lambda r: order[r.state.name])

    def _estimate(self, st: SceneState) -> float:
        """Expected render cost, for longest-first scheduling."""
        if st.still:
            return 0.0
        for q in (self.quality, "l", "m", "h", "k"):
            meta = store.read_json(self.project.cache_dir(q) / f"{st.name}.json") or {}
            if meta.get("render_seconds"):
                scale = {"l": 1, "m": 2.5, "h": 8, "k": 30}
                return float(meta["render_seconds"]) * scale[self.quality] / scale[q]
        try:
            return st.scene.path.stat().st_size / 1000.0
        except OSError:
            return 0.0

    def _render_one(self, st: SceneState, runner: "_Runner",
                    report: Callable[[str, SceneState, "RenderResult | None"], None] | None,
                    ) -> "RenderResult":
        project = self.project
        if report:
            report("start", st, None)
        work = project.work_dir
        work.mkdir(parents=True, exist_ok=True)
        project.log_dir.mkdir(parents=True, exist_ok=True)
        marker = work / f".rendering-{st.name}-{self.quality}"
        if marker.exists():  # a render of this scene was killed: its segments may be torn
            for seg in work.glob(f"videos/*/*/partial_movie_files/{st.name}"):
                shutil.rmtree(seg, ignore_errors=True)
        marker.touch()
        result_file = work / f".result-{st.name}-{self.quality}-{os.getpid()}.json"
        result_file.unlink(missing_ok=True)
        log = project.log_dir / f"{st.name}-{self.quality}.log"
        args = [st.scene.rel, st.name, "-q", self.quality, "--media_dir", str(work),
                "--progress_bar", "none", "--silent",
                # Manim's per-animation cache advances the clock by whole durations, not
                # frames, so narration placed after a cached animation would drift.
                "--disable_caching",
                *(["-s"] if st.still else ["--save_sections"]), *self.extra]
        started = time.perf_counter()
        code, rss_kib = runner.run(args, result_file, cwd=project.root, log=log)
        seconds = time.perf_counter() - started
        outcome = store.read_json(result_file)
        result_file.unlink(missing_ok=True)
        if outcome is not None:
            marker.unlink(missing_ok=True)  # the worker ended by itself: nothing torn
        res = RenderResult(st, seconds=seconds, max_rss_kib=rss_kib, log=log)
        if outcome is None or not outcome.get("ok"):
            res.error = _describe_failure(st, outcome, code, log, project)
        else:
            try:
                self._commit(st, outcome, res)
            except Exception as exc:  # noqa: BLE001 - reported per scene
                res.error = f"{st.name}: rendered, but the output is unusable: {exc}"
        if report:
            report("done", st, res)
        return res

    def _commit(self, st: SceneState, outcome: dict[str, Any], res: "RenderResult") -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {
            "scene": st.name, "file": st.scene.rel, "quality": self.quality, "hash": st.key,
            "inputs": st.inputs, "manim_version": self.manim_version,
            "render_seconds": round(res.seconds, 3), "max_rss_kib": res.max_rss_kib,
            "voice_seconds": outcome.get("voice_seconds", 0.0),
            "rendered_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        src = Path(outcome["video"]) if outcome.get("video") else None
        if st.still:
            if src is None or not src.is_file():
                raise RuntimeError("Manim wrote no image")
            image = self.cache / f"{st.name}.png"
            shutil.copyfile(src, store.tmp_name(image))
            store.commit(store.tmp_name(image), image)
            meta.update(video=self.project.rel(image), video_stamp=store.Stamp.of(image).as_dict(),
                        captions=None, duration=0.0, sections=[])
        else:
            if src is None or not src.is_file():
                raise RuntimeError("Manim wrote no video (does the scene play any animation?)")
            from .media import probe

            info = probe(src)
            video = self.cache / f"{st.name}.mp4"
            store.commit(src, video)  # same file system: an atomic rename
            captions_src = Path(outcome["captions"]) if outcome.get("captions") else None
            captions = self.cache / f"{st.name}.srt"
            if captions_src is not None and captions_src.is_file():
                shutil.copyfile(captions_src, store.tmp_name(captions))
                store.commit(store.tmp_name(captions), captions)
                meta.update(captions=self.project.rel(captions),
                            captions_stamp=store.Stamp.of(captions).as_dict())
            else:
                captions.unlink(missing_ok=True)
                meta["captions"] = None
            meta.update(narrated.commit(self.cache, st.name, outcome,
                                        outcome.get("frame_rate") or float(info.frame_rate)))
            sections = read_sections(Path(outcome["sections"]) if outcome.get("sections") else None,
                                     st.name, info.duration)
            meta.update(
                video=self.project.rel(video), video_stamp=store.Stamp.of(video).as_dict(),
                duration=float(info.duration), duration_exact=str(info.duration),
                width=info.width, height=info.height, frame_rate=float(info.frame_rate),
                frames=info.frames, sections=sections,
            )
        store.write_json(self.meta_path(st.name), meta)
        res.meta = meta


@dataclass
class RenderResult:
    state: SceneState
    seconds: float = 0.0
    max_rss_kib: int = 0
    log: Path | None = None
    error: str | None = None
    meta: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def read_sections(index: Path | None, scene: str, duration: Fraction) -> list[dict[str, Any]]:
    """Scene-relative sections from Manim's --save_sections index, with exact frame times."""
    data = store.read_json(index) if index else None
    sections: list[dict[str, Any]] = []
    start = Fraction(0)
    for entry in data or []:
        try:
            length = Fraction(int(entry["nb_frames"])) / Fraction(entry["avg_frame_rate"])
        except (KeyError, ValueError, TypeError, ZeroDivisionError):
            try:
                length = Fraction(str(entry.get("duration", "0")))
            except ValueError:
                continue
        name = entry.get("name") or scene
        if name == "autocreated":  # Manim's name for the part before the first next_section
            name = scene
        sections.append({"name": name, "start": start, "end": start + length})
        start += length
    if not sections:
        sections = [{"name": scene, "start": Fraction(0), "end": duration}]
    sections[-1]["end"] = duration  # absorb rounding: the last section ends with the scene
    return [{"name": s["name"], "start": round(float(s["start"]), 6),
             "end": round(float(min(s["end"], duration)), 6)} for s in sections]


def _describe_failure(st: SceneState, outcome: dict[str, Any] | None, code: int, log: Path,
                      project: Project) -> str:
    log_rel = project.rel(log)
    if outcome is None:
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return f"{st.name}: the render worker died ({how}); see {log_rel}"
    where = ""
    if outcome.get("file"):
        where = f" at {outcome['file']}:{outcome.get('line')}"
        if outcome.get("code"):
            where += f" ({outcome['code']})"
    msg = f": {outcome.get('message')}" if outcome.get("message") else ""
    return f"{st.name}{where}: {outcome.get('type', 'Error')}{msg}  [log: {log_rel}]"


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


class _Runner:
    """Runs render workers and stops every live one on interrupt.

    With more than one scene to render, workers are forked from a pre-warmed
    server that has imported Manim once (lecture.zygote); otherwise, or with
    LECTURE_ZYGOTE=0, each worker is a fresh `python -m lecture.worker` process.
    """

    def __init__(self, root: Path, use_zygote: bool) -> None:
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._stopping = False
        self._zygote = None
        if use_zygote and os.environ.get("LECTURE_ZYGOTE", "1") != "0":
            from .zygote import Zygote

            self._zygote = Zygote(root, self._env())

    @staticmethod
    def _env() -> dict[str, str]:
        env = dict(os.environ)
        env.setdefault("PYTHONUNBUFFERED", "1")
        return env

    def run(self, args: list[str], result: Path, cwd: Path, log: Path) -> tuple[int, int]:
        """Render with manim `args`; return the exit code and peak resident memory in KiB."""
        if self._stopping:
            return -signal.SIGTERM, 0
        if self._zygote is not None:
            return self._zygote.run(args, str(result), str(log))
        cmd = [sys.executable, "-m", "lecture.worker", str(result), "--", *args]
        with self._lock:
            if self._stopping:
                return -signal.SIGTERM, 0
            with open(log, "wb") as out:
                proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=self._env())
            self._procs.add(proc)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            with self._lock:
                self._procs.discard(proc)
        return proc.returncode, int(usage.ru_maxrss)

    def close(self) -> None:
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
