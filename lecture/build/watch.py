"""`lecture watch SCENE`: rerender at preview quality whenever a dependency is saved."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from lecture.core import store
from lecture.core.errors import LockBusyError
from lecture.build.lecture import Reporter
from lecture.core.project import Project, Scene

DEBOUNCE = 0.25  # editors write a file in several steps; wait for the last one


class _Changes:
    """Paths saved since the last render, filled by watchdog's thread."""

    def __init__(self) -> None:
        self.paths: set[Path] = set()
        self.last = 0.0
        self.lock = threading.Lock()

    def add(self, *paths: str | bytes | None) -> None:
        with self.lock:
            for p in paths:
                if p:
                    self.paths.add(Path(p if isinstance(p, str) else p.decode()).resolve())
            self.last = time.monotonic()

    def take_if_settled(self) -> set[Path]:
        with self.lock:
            if not self.paths or time.monotonic() - self.last < DEBOUNCE:
                return set()
            paths, self.paths = self.paths, set()
            return paths


def watch(project: Project, scene: Scene, quality: str, reporter: Reporter, once: bool = False,
          section: str | None = None) -> None:
    """Render SCENE (or one section) now and again after every save of a file it depends on,
    until Ctrl-C (or once, with ``once``); each render's time and outcome go to ``reporter``."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer

    from lecture.build.lecture import render_stale
    from lecture.build.deps import DependencyGraph
    from lecture.build.pipeline import Pipeline

    changes = _Changes()

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:  # noqa: D401 - watchdog's API
            if event.is_directory or event.event_type in ("opened", "closed_no_write"):
                return
            changes.add(event.src_path, getattr(event, "dest_path", None))

    def deps() -> set[Path]:
        graph = DependencyGraph(project.root)
        found = set(graph.dependencies(scene.path)) if scene.exists else {scene.path}
        return found | {project.cfg.resolve(), scene.path.resolve()}

    def rerender(why: str) -> None:
        if section is not None:
            return rerender_section(why)
        pipe = Pipeline(project, quality)
        st = pipe.state(scene)
        if st.fresh:
            reporter.say(f"[dim]{time.strftime('%H:%M:%S')}[/] {scene.name} is up to date "
                          f"({st.meta.video})")
            return
        started = time.perf_counter()
        try:
            with store.project_lock(project.lock_path, "watch"):
                results, failures = render_stale(pipe, [st], 1, reporter)
        except LockBusyError as exc:
            reporter.say(f"[yellow]busy[/]: {exc.format_message()}; will retry on the next save")
            return
        took = time.perf_counter() - started
        stamp = time.strftime("%H:%M:%S")
        if failures:
            reporter.say(f"[dim]{stamp}[/] [red]{scene.name} failed[/] after {took:.1f} s ({why}): "
                          f"{failures[0]}")
        else:
            reporter.say(f"[dim]{stamp}[/] {scene.name} rendered in [bold]{took:.1f} s[/] "
                          f"({why}) -> {st.meta.video}")

    def rerender_section(why: str) -> None:
        from lecture.core.errors import LectureError
        from lecture.build.preview import render_section

        started = time.perf_counter()
        stamp = time.strftime("%H:%M:%S")
        try:
            with store.project_lock(project.lock_path, "watch"):
                meta, rendered = render_section(project, scene, quality, section)
        except LockBusyError as exc:
            reporter.say(f"[yellow]busy[/]: {exc.format_message()}; will retry on the next save")
            return
        except LectureError as exc:
            reporter.say(f"[dim]{stamp}[/] [red]{scene.name} / {section} failed[/] after "
                          f"{time.perf_counter() - started:.1f} s ({why}): {exc.format_message()}")
            return
        done = "rendered in [bold]{:.1f} s[/]".format(time.perf_counter() - started) \
            if rendered else "is up to date"
        reporter.say(f"[dim]{stamp}[/] {scene.name} / {section} {done} ({why}) -> {meta.video}")

    watched = deps()
    observer = Observer()
    observer.schedule(Handler(), str(project.root), recursive=True)
    observer.start()
    what = f"{scene.name} / {section}" if section is not None else scene.name
    reporter.say(f"watching {what} at -q{quality}: {len(watched)} files "
                  f"({', '.join(sorted(project.rel(p) for p in watched))}); Ctrl-C to stop")
    try:
        rerender("start")
        while not once:
            time.sleep(0.1)
            saved = changes.take_if_settled() & watched
            if saved:
                rerender("saved " + ", ".join(sorted(project.rel(p) for p in saved)))
                watched = deps()  # imports may have changed
    except KeyboardInterrupt:
        reporter.say("stopped watching")
    finally:
        observer.stop()
        observer.join(timeout=2)
