"""The build's entry points, called by the command line and by tests alike.

``render_scenes`` renders the named scenes, ``build_lecture`` renders every stale
scene and joins the lecture, ``storyboard`` renders and lays out contact sheets.
Each takes the project, the quality and a ``Reporter``: the caller decides how
progress and one-line notes are shown (lecture/cli/progress.py shows them with
rich; ``Reporter`` itself prints nothing). A failure the user can act on is
raised as a LectureError; whatever finished is kept in the cache.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ContextManager

from lecture.build.scheduler import Events
from lecture.core.errors import LectureError
from lecture.core.project import Project, Scene


class Reporter:
    """How a build shows itself: a progress display while rendering, notes, a status line."""

    def progress(self, title: str) -> ContextManager[Events]:
        return contextlib.nullcontext(Events())

    def say(self, text: str) -> None:
        """One line for the user (rich markup allowed)."""

    def status(self, text: str) -> ContextManager[Any]:
        return contextlib.nullcontext()


def default_jobs() -> int:
    """One render worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def resolve(project: Project, names: tuple[str, ...] | list[str]) -> list[Scene]:
    """The named scenes, each once, in the order named."""
    scenes: list[Scene] = []
    for name in names:
        scene = project.resolve(name)
        if scene not in scenes:
            scenes.append(scene)
    return scenes


def failure_summary(failures: list[str]) -> str:
    if len(failures) == 1:
        return failures[0]
    return f"{len(failures)} scenes failed:\n  " + "\n  ".join(failures)


def render_stale(pipe, states, jobs: int, reporter: Reporter, verb: str = "rendering",
                 cluster=None, split: str | int = "auto",
                 on_scene: Callable[[dict[str, Any]], None] | None = None):
    """Render the stale states with a progress display; return (results, failure lines).
    ``on_scene`` is called with each scene's committed meta as soon as it is rendered."""
    from lecture.build.pipeline import FRESH
    from lecture.soundtrack.narrated import check_voice

    failures: list[str] = []
    todo = []
    for st in states:
        try:
            st.scene.check()
        except LectureError as exc:
            failures.append(exc.format_message())
            continue
        todo.append(st)
    if not todo:
        return [], failures
    check_voice(pipe.project.root)  # one line, before anything renders, if the voice is broken
    where = f" on {cluster.name}" if cluster is not None else ""
    title = f"{verb} {len(todo)} scene(s) at -q{pipe.quality}{where}"
    with reporter.progress(title) as events:
        results = pipe.render(todo, jobs, events, cluster, split, on_scene)
    for res in results:
        if res.ok:
            res.state.meta, res.state.status = res.meta, FRESH
        else:
            failures.append(res.error)
    return results, failures


def render_scenes(project: Project, scenes: list[Scene], quality: str, reporter: Reporter,
                  jobs: int | None = None, split: str | int = "auto") -> list:
    """Render the scenes that are stale (the thumbnail as a still); return their states."""
    from lecture.build.pipeline import FRESH, Pipeline
    from lecture.core import store

    with store.project_lock(project.lock_path, "render"):
        pipe = Pipeline(project, quality)
        states = [pipe.state(s, still=(s.name == project.thumbnail_name)) for s in scenes]
        for st in states:
            if st.fresh:
                reporter.say(f"[dim]up to date[/] {st.name}: {st.meta.video}")
        stale = [st for st in states if not st.fresh]
        _, failures = render_stale(pipe, stale, jobs or default_jobs(), reporter, split=split)
        for st in stale:
            if st.status == FRESH:
                reporter.say(f"  {st.name}: {st.meta.video}")
    if failures:
        raise LectureError(failure_summary(failures))
    return states


@dataclass(frozen=True)
class Built:
    """What ``build_lecture`` did: the lecture's manifest, and how it got there."""

    manifest: dict[str, Any]
    scenes: int
    rendered: int
    cached: int
    joined_seconds: float | None  # None: the lecture was up to date


def cluster_session(address: str | None) -> ContextManager[Any]:
    """A Dask cluster session for the build (lecture/run/cluster.py), or nothing."""
    if address is None:
        return contextlib.nullcontext(None)
    from lecture.run.cluster import ClusterRunner

    return ClusterRunner.connect(address)


def build_lecture(project: Project, quality: str, reporter: Reporter, jobs: int | None = None,
                  split: str | int = "auto", cluster: str | None = None) -> Built:
    """Render every stale scene (on ``cluster`` when given), then join the lecture."""
    from lecture.build import join
    from lecture.build.pipeline import FRESH, MISSING, Pipeline
    from lecture.core import store
    from lecture.soundtrack.voiceahead import Ahead

    with store.project_lock(project.lock_path, "build"):
        store.sweep_tmp(project.lecture_dir)
        pipe = Pipeline(project, quality)
        states = pipe.states(project.scenes)
        thumb = pipe.state(project.thumbnail, still=True) if project.thumbnail else None
        stale = [st for st in states if st.status not in (FRESH, MISSING)]
        if thumb is not None and thumb.status not in (FRESH, MISSING):
            stale.append(thumb)
        with Ahead.for_build(project.root, pipe.cache, states, stale) as ahead:
            with cluster_session(cluster if stale else None) as session:
                results, failures = render_stale(pipe, stale, jobs or default_jobs(), reporter,
                                                 cluster=session, split=split,
                                                 on_scene=ahead.submit)
            missing = [st for st in states if st.status == MISSING]
            cached = len(states) - len(missing) - len([r for r in results if r.state is not thumb])
            if failures or missing:
                _refuse_join(project, pipe, results, failures, missing, reporter)
            if thumb is not None and thumb.status == MISSING:
                reporter.say(f"[yellow]note[/]: no thumbnail ({thumb.scene.rel} does not exist yet)")
            key = join.lecture_key(states, thumb)
            if join.is_current(pipe, key):
                manifest = store.read_json(project.out_dir(quality) / "manifest.json") or {}
                return Built(manifest, len(states), len(results), cached, None)
            started = time.perf_counter()
            with reporter.status(f"joining {len(states)} scenes"):
                manifest = join.join_lecture(pipe, states, thumb, key, ahead.finish())
            return Built(manifest, len(states), len(results), cached,
                         time.perf_counter() - started)


def _refuse_join(project, pipe, results, failures: list[str], missing, reporter: Reporter) -> None:
    kept = sum(1 for r in results if r.ok)
    if kept:
        reporter.say(f"kept {kept} finished render(s) in {project.rel(pipe.cache)}")
    if missing:
        failures.append("cannot join the lecture: no file yet for " + ", ".join(
            f"{st.name} ({st.scene.rel})" for st in missing))
    raise LectureError(failure_summary(failures))


def storyboard(project: Project, scenes: list[Scene] | None, quality: str, reporter: Reporter,
               jobs: int | None = None) -> None:
    """Contact sheets of the scenes (every scene, and the lecture's sheet, when None)."""
    from lecture.build.pipeline import MISSING, Pipeline
    from lecture.build.storyboard import lecture_sheet, scene_sheet
    from lecture.core import store

    chosen = scenes if scenes else project.scenes
    with store.project_lock(project.lock_path, "storyboard"):
        pipe = Pipeline(project, quality)
        states = [pipe.state(s) for s in chosen]
        for st in states:
            if st.status == MISSING:
                reporter.say(f"[yellow]skipped[/] {st.name}: {st.reason}")
        states = [st for st in states if st.status != MISSING]
        _, failures = render_stale(pipe, [st for st in states if not st.fresh],
                                   jobs or default_jobs(), reporter)
        folder = project.out_dir(quality) / "storyboard"
        done = [st for st in states if st.fresh]
        for st in done:
            path = scene_sheet(project, st.meta, folder / f"{st.name}.png")
            reporter.say(f"storyboard {st.name}: {project.rel(path)}")
        if not scenes and done:
            path = lecture_sheet(project, [st.meta for st in done], folder / "lecture.png")
            reporter.say(f"storyboard of the lecture: {project.rel(path)}")
    if failures:
        raise LectureError(failure_summary(failures))

