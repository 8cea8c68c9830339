"""The pipeline's commands: list, render, build, storyboard, watch.

Imports here are kept light (click, rich, the pipeline's own pure-Python parts):
Manim runs only inside worker processes and PyAV is imported only to join or
inspect videos, so `lecture build` with nothing to do answers in well under a
second.
"""

from __future__ import annotations

import time

import click

from lecture.cli.options import QUALITY, VOICE, render_section, split_option
from lecture.core.errors import LectureError, friendly
from lecture.core.project import Project

def _console():
    from lecture.cli.progress import console

    return console()


def _fmt_seconds(seconds: float | None) -> str:
    from lecture.cli.progress import fmt_seconds

    return fmt_seconds(seconds)


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
    from lecture.build.lecture import render_scenes, resolve
    from lecture.cli.progress import ConsoleReporter

    project = Project.find()
    chosen = resolve(project, scenes)
    quality = quality.lower()
    console = _console()
    if section is not None:
        if len(chosen) != 1:
            raise LectureError("--section renders one section of one scene: name one scene")
        from lecture.core import store

        with store.project_lock(project.lock_path, "render"):
            render_section(project, chosen[0], quality, section, console)
        return
    render_scenes(project, chosen, quality, ConsoleReporter(console), jobs, split)


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
    from lecture.build.lecture import build_lecture
    from lecture.cli.progress import ConsoleReporter

    started = time.perf_counter()
    project = Project.find()
    console = _console()
    built = build_lecture(project, quality.lower(), ConsoleReporter(console), jobs, split, cluster)
    video = project.rel(project.out_dir(quality.lower()) / "lecture.mp4")
    manifest = built.manifest
    if built.joined_seconds is None:
        console.print(f"up to date: {built.scenes} scenes, {video} "
                      f"({_fmt_seconds(manifest.get('duration'))}) "
                      f"[{time.perf_counter() - started:.2f} s]")
        return
    console.print(
        f"built {video}: {built.scenes} scenes, "
        f"{_fmt_seconds(manifest['duration'])}, {manifest['width']}x{manifest['height']} at "
        f"{manifest['frame_rate']:g} fps; {built.rendered} rendered, {built.cached} cached, "
        f"joined in {built.joined_seconds:.2f} s [{time.perf_counter() - started:.1f} s]")


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
    from lecture.build.lecture import resolve, storyboard
    from lecture.cli.progress import ConsoleReporter

    project = Project.find()
    chosen = resolve(project, scenes) if scenes else None
    storyboard(project, chosen, quality.lower(), ConsoleReporter(_console()), jobs)


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
    from lecture.build.watch import watch
    from lecture.cli.progress import ConsoleReporter

    project = Project.find()
    chosen = project.resolve(scene)
    if section is not None:
        from lecture.build.preview import UnknownSectionError, known_sections

        known = known_sections(project, chosen)
        if known is not None and section not in known:
            raise UnknownSectionError(f"{chosen.name} has no section {section!r}; its "
                                      "sections: " + ", ".join(known))
    console = _console()
    watch(project, chosen, quality.lower(), ConsoleReporter(console), section=section)
