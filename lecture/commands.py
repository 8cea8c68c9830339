"""The pipeline's commands: list, render, build, storyboard, watch.

Imports here are kept light (click, rich, the pipeline's own pure-Python parts):
Manim runs only inside worker processes and PyAV is imported only to join or
inspect videos, so `lecture build` with nothing to do answers in well under a
second.
"""

from __future__ import annotations

import os
import time

import click

from .buildopts import cluster_session, render_section, split_option
from .errors import LectureError, friendly
from .project import QUALITY_NAMES, Project, Scene

QUALITY = click.Choice(QUALITY_NAMES, case_sensitive=False)


def _use_voice(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--voice none: silent drafts timed by a words-per-second estimate (workers inherit it)."""
    if value:
        os.environ["LECTURE_VOICE"] = value
    return value


VOICE = click.option("--voice", type=click.Choice(["piper", "none"]), default=None,
                     expose_value=False, callback=_use_voice, is_eager=True,
                     help="Narration voice: piper (default, from lecture.toml) or none "
                          "(a silent draft, fastest).")


def _console():
    from rich.console import Console

    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=120)  # logs and pipes: no 80-column squeeze
    return console


def _default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _fmt_seconds(seconds: float | None) -> str:
    from .progress import fmt_seconds

    return fmt_seconds(seconds)


def _resolve(project: Project, names: tuple[str, ...]) -> list[Scene]:
    scenes: list[Scene] = []
    for name in names:
        scene = project.resolve(name)
        if scene not in scenes:
            scenes.append(scene)
    return scenes


def _render_stale(pipe, states, jobs: int, console, verb: str = "rendering", cluster=None,
                  split: str | int = "auto", on_scene=None):
    """Render the stale states with a progress display; return (results, failure lines).
    ``on_scene`` is called with each scene's committed meta as soon as it is rendered."""
    from .pipeline import FRESH
    from .progress import BuildProgress

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
    from .narrated import check_voice

    check_voice(pipe.project.root)  # one line, before anything renders, if the voice is broken
    where = f" on {cluster.name}" if cluster is not None else ""
    title = f"{verb} {len(todo)} scene(s) at -q{pipe.quality}{where}"
    with BuildProgress(console, title) as events:
        results = pipe.render(todo, jobs, events, cluster, split, on_scene)
    for res in results:
        if res.ok:
            res.state.meta, res.state.status = res.meta, FRESH
        else:
            failures.append(res.error)
    return results, failures


# -- render -----------------------------------------------------------------------------


@click.command("render")
@click.argument("scenes", nargs=-1, required=True)
@click.option("-q", "--quality", type=QUALITY, default="l", show_default=True,
              help="Manim quality: l 480p15, m 720p30, h 1080p60, k 2160p60.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel render workers [default: one per core].")
@click.option("--section", metavar="NAME", default=None,
              help="Render only this section of the scene (fast-forwarded to it, frame-exact).")
@click.option("--chunks", "split", default="auto", show_default=True, metavar="auto|off|N",
              callback=lambda ctx, param, value: split_option(value),
              help="Cut long scenes into chunks rendered in parallel (see lecture build).")
@VOICE
@friendly
def render_cmd(scenes: tuple[str, ...], quality: str, jobs: int | None, section: str | None,
               split: str | int) -> None:
    """Render the named scenes (class or file name, any case), reusing what is up to date."""
    from . import store
    from .pipeline import FRESH, Pipeline

    project = Project.find()
    chosen = _resolve(project, scenes)
    quality = quality.lower()
    console = _console()
    if section is not None:
        if len(chosen) != 1:
            raise LectureError("--section renders one section of one scene: name one scene")
        with store.project_lock(project.lock_path, "render"):
            render_section(project, chosen[0], quality, section, console)
        return
    with store.project_lock(project.lock_path, "render"):
        pipe = Pipeline(project, quality)
        states = [pipe.state(s, still=(s.name == project.thumbnail_name)) for s in chosen]
        for st in states:
            if st.fresh:
                console.print(f"[dim]up to date[/] {st.name}: {st.meta['video']}")
        stale = [st for st in states if not st.fresh]
        _, failures = _render_stale(pipe, stale, jobs or _default_jobs(), console, split=split)
        for st in stale:
            if st.status == FRESH:
                console.print(f"  {st.name}: {st.meta['video']}")
    if failures:
        raise LectureError(_failure_summary(failures))


def _failure_summary(failures: list[str]) -> str:
    if len(failures) == 1:
        return failures[0]
    return f"{len(failures)} scenes failed:\n  " + "\n  ".join(failures)


# -- build ------------------------------------------------------------------------------


@click.command("build")
@click.option("-q", "--quality", type=QUALITY, default="h", show_default=True,
              help="Manim quality: l 480p15, m 720p30, h 1080p60, k 2160p60.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel render workers [default: one per core].")
@click.option("--chunks", "split", default="auto", show_default=True, metavar="auto|off|N",
              callback=lambda ctx, param, value: split_option(value),
              help="Cut long scenes at section starts into chunks rendered in parallel: "
                   "auto (a scene longer than its fair share of the build), off, or N per scene.")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="Render on a Dask cluster: its scheduler's address (tcp://host:8786), or "
                   "local:N for N worker processes on this machine.")
@VOICE
@friendly
def build_cmd(quality: str, jobs: int | None, split: str | int, cluster: str | None) -> None:
    """Render every stale scene in parallel, then join them into media/lecture/<quality>/."""
    from . import assemble, store
    from .pipeline import FRESH, MISSING, Pipeline

    started = time.perf_counter()
    project = Project.find()
    quality = quality.lower()
    console = _console()
    with store.project_lock(project.lock_path, "build"):
        store.sweep_tmp(project.lecture_dir)
        pipe = Pipeline(project, quality)
        states = pipe.states(project.scenes)
        thumb = pipe.state(project.thumbnail, still=True) if project.thumbnail else None
        stale = [st for st in states if st.status not in (FRESH, MISSING)]
        if thumb is not None and thumb.status not in (FRESH, MISSING):
            stale.append(thumb)
        from .voiceahead import Ahead

        with Ahead.for_build(project.root, pipe.cache, states, stale) as ahead:
            with cluster_session(cluster if stale else None) as session:
                results, failures = _render_stale(pipe, stale, jobs or _default_jobs(), console,
                                                  cluster=session, split=split,
                                                  on_scene=ahead.submit)
            missing = [st for st in states if st.status == MISSING]
            cached = len(states) - len(missing) - len([r for r in results if r.state is not thumb])
            out = project.out_dir(quality)
            if failures or missing:
                kept = sum(1 for r in results if r.ok)
                if kept:
                    console.print(f"kept {kept} finished render(s) in {project.rel(pipe.cache)}")
                if missing:
                    failures.append("cannot join the lecture: no file yet for " + ", ".join(
                        f"{st.name} ({st.scene.rel})" for st in missing))
                raise LectureError(_failure_summary(failures))
            if thumb is not None and thumb.status == MISSING:
                console.print(f"[yellow]note[/]: no thumbnail ({thumb.scene.rel} does not exist yet)")
            key = assemble.lecture_key(states, thumb)
            if assemble.is_current(pipe, key):
                manifest = store.read_json(out / "manifest.json") or {}
                console.print(f"up to date: {len(states)} scenes, {project.rel(out / 'lecture.mp4')} "
                              f"({_fmt_seconds(manifest.get('duration'))}) "
                              f"[{time.perf_counter() - started:.2f} s]")
                return
            join_started = time.perf_counter()
            with console.status(f"joining {len(states)} scenes"):
                manifest = assemble.join_lecture(pipe, states, thumb, key, ahead.finish())
            joined = time.perf_counter() - join_started
    rendered = len(results)
    console.print(
        f"built {project.rel(out / 'lecture.mp4')}: {len(states)} scenes, "
        f"{_fmt_seconds(manifest['duration'])}, {manifest['width']}x{manifest['height']} at "
        f"{manifest['frame_rate']:g} fps; {rendered} rendered, {cached} cached, "
        f"joined in {joined:.2f} s [{time.perf_counter() - started:.1f} s]")


# -- storyboard -------------------------------------------------------------------------


@click.command("storyboard")
@click.argument("scenes", nargs=-1)
@click.option("-q", "--quality", type=QUALITY, default="l", show_default=True,
              help="Quality of the renders the frames come from.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Parallel render workers [default: one per core].")
@VOICE
@friendly
def storyboard_cmd(scenes: tuple[str, ...], quality: str, jobs: int | None) -> None:
    """Contact sheets: one frame at the end of every section, labelled; per scene and for
    the whole lecture (when no scene is named)."""
    from . import store
    from .pipeline import MISSING, Pipeline
    from .storyboard import lecture_sheet, scene_sheet

    project = Project.find()
    quality = quality.lower()
    chosen = _resolve(project, scenes) if scenes else project.scenes
    console = _console()
    with store.project_lock(project.lock_path, "storyboard"):
        pipe = Pipeline(project, quality)
        states = [pipe.state(s) for s in chosen]
        for st in states:
            if st.status == MISSING:
                console.print(f"[yellow]skipped[/] {st.name}: {st.reason}")
        states = [st for st in states if st.status != MISSING]
        _, failures = _render_stale(pipe, [st for st in states if not st.fresh],
                                    jobs or _default_jobs(), console)
        folder = project.out_dir(quality) / "storyboard"
        done = [st for st in states if st.fresh]
        for st in done:
            path = scene_sheet(project, st.meta, folder / f"{st.name}.png")
            console.print(f"storyboard {st.name}: {project.rel(path)}")
        if not scenes and done:
            path = lecture_sheet(project, [st.meta for st in done], folder / "lecture.png")
            console.print(f"storyboard of the lecture: {project.rel(path)}")
    if failures:
        raise LectureError(_failure_summary(failures))


# -- watch ------------------------------------------------------------------------------


@click.command("watch")
@click.argument("scene")
@click.option("-q", "--quality", type=QUALITY, default="l", show_default=True,
              help="Preview quality.")
@click.option("--section", metavar="NAME", default=None,
              help="Rerender only this section (fast-forwarded to it, frame-exact).")
@VOICE
@friendly
def watch_cmd(scene: str, quality: str, section: str | None) -> None:
    """Rerender SCENE whenever a file it depends on is saved, printing the time taken."""
    from .watch import watch

    project = Project.find()
    chosen = project.resolve(scene)
    if section is not None:
        from .preview import UnknownSectionError, known_sections

        known = known_sections(project, chosen)
        if known is not None and section not in known:
            raise UnknownSectionError(f"{chosen.name} has no section {section!r}; its "
                                      "sections: " + ", ".join(known))
    watch(project, chosen, quality.lower(), _console(), section=section)
