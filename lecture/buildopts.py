"""Options of `lecture build` and `lecture render` for rendering faster: --chunks, --cluster,
--section (see lecture/scheduler.py, lecture/cluster.py, lecture/preview.py)."""

from __future__ import annotations

import time

import click

from .progress import fmt_seconds
from .project import Project, Scene


def render_section(project: Project, scene: Scene, quality: str, section: str, console):
    from .preview import render_section as render

    started = time.perf_counter()
    with console.status(f"rendering {scene.name} / {section} at -q{quality}"):
        meta, rendered = render(project, scene, quality, section)
    if rendered:
        console.print(f"rendered {scene.name} / {section} in "
                      f"{fmt_seconds(time.perf_counter() - started)}, "
                      f"{fmt_seconds(meta['duration'])} of video from "
                      f"{fmt_seconds(meta['start'])}: {meta['video']}")
    else:
        console.print(f"[dim]up to date[/] {scene.name} / {section}: {meta['video']}")
    return meta


def split_option(value: str) -> str | int:
    value = str(value).strip().lower()
    if value in ("auto", "off"):
        return value
    if value.isdigit() and int(value) >= 1:
        return "off" if int(value) == 1 else int(value)
    raise click.BadParameter(f"{value!r}: use auto, off or a number of chunks per scene")


def cluster_session(address: str | None):
    """A Dask cluster session for the build (lecture/cluster.py), or nothing."""
    import contextlib

    if address is None:
        return contextlib.nullcontext(None)
    from .cluster import ClusterRunner

    return ClusterRunner.connect(address)
