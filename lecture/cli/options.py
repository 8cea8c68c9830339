"""Options the commands share: -q, --voice, --chunks; and the one-line report of --section
(see lecture/build/scheduler.py, lecture/run/cluster.py, lecture/build/preview.py)."""

from __future__ import annotations

import time

import click

import settings
from lecture.cli.progress import fmt_seconds
from lecture.core.project import QUALITY_NAMES, Project, Scene

QUALITY = click.Choice(QUALITY_NAMES, case_sensitive=False)


def _use_voice(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--voice none: silent drafts timed by a words-per-second estimate (for this process and
    every render it starts)."""
    if value:
        settings.override(voice=value)
    return value


VOICE = click.option("--voice", type=click.Choice(["piper", "none"]), default=None,
                     expose_value=False, callback=_use_voice, is_eager=True,
                     help="Narration voice: piper (default, from lecture.toml) or none "
                          "(a silent draft, fastest).")


def render_section(project: Project, scene: Scene, quality: str, section: str, console):
    from lecture.build.preview import render_section as render

    started = time.perf_counter()
    with console.status(f"rendering {scene.name} / {section} at -q{quality}"):
        meta, rendered = render(project, scene, quality, section)
    if rendered:
        console.print(f"rendered {scene.name} / {section} in "
                      f"{fmt_seconds(time.perf_counter() - started)}, "
                      f"{fmt_seconds(meta.duration)} of video from "
                      f"{fmt_seconds(meta.start)}: {meta.video}")
    else:
        console.print(f"[dim]up to date[/] {scene.name} / {section}: {meta.video}")
    return meta


def split_option(value: str) -> str | int:
    value = str(value).strip().lower()
    if value in ("auto", "off"):
        return value
    if value.isdigit() and int(value) >= 1:
        return "off" if int(value) == 1 else int(value)
    raise click.BadParameter(f"{value!r}: use auto, off or a number of chunks per scene")
