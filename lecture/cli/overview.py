"""`lecture list`: the scenes in lecture order, their last renders, takes and freshness."""

from __future__ import annotations

import click

from lecture.cli.progress import console as _console
from lecture.cli.progress import fmt_seconds as _fmt_seconds
from lecture.core.errors import friendly
from lecture.core.project import QUALITY_NAMES, Project


@click.command("list")
@friendly
def list_cmd() -> None:
    """The scenes in lecture order: file, class, last render, and freshness per quality."""
    from rich.table import Table

    from lecture.build.deps import DependencyGraph
    from lecture.build.pipeline import CHANGED, CORRUPT, FRESH, MISSING, NEW, Pipeline

    project = Project.find()
    graph = DependencyGraph(project.root)
    pipes = {q: Pipeline(project, q, graph) for q in QUALITY_NAMES}
    marks = {FRESH: "[green]✓[/]", CHANGED: "[yellow]stale[/]", CORRUPT: "[red]corrupt[/]",
             NEW: "[dim]·[/]", MISSING: "-"}
    table = Table(title=f"Lecture ({len(project.lecture)} scenes)", title_justify="left")
    from lecture.cli.record import takes_count

    for col in ("#", "scene", "file", "length", "took", "takes", *QUALITY_NAMES):
        table.add_column(col, justify="right" if col in ("#", "length", "took") else "left",
                         no_wrap=True)
    entries = [(str(i + 1), s, False) for i, s in enumerate(project.scenes)]
    if project.thumbnail:
        entries.append(("T", project.thumbnail, True))
    for number, scene, still in entries:
        states = {q: p.state(scene, still) for q, p in pipes.items()}
        if not scene.exists:
            table.add_row(number, scene.name, scene.rel, "[red]missing[/]", "-", "-",
                          *("-" for _ in QUALITY_NAMES))
            continue
        latest = max((st.meta for st in states.values() if st.meta),
                     key=lambda m: m.rendered_at, default=None)
        length = "still" if still else _fmt_seconds(latest.duration) if latest else "-"
        took = _fmt_seconds(latest.render_seconds) if latest else "-"
        takes = None if still else takes_count(project, scene.name)
        table.add_row(number, scene.name, scene.rel, length, took,
                      f"{takes[0]}/{takes[1]}" if takes else "-",
                      *(marks[states[q].status] for q in QUALITY_NAMES))
    console = _console()
    console.print(table)
    console.print("[dim]length: video of the last render; took: its render time; takes: lines "
                  "with a recorded take (lecture record). "
                  "✓ up to date, stale: sources changed, corrupt: cached file damaged, "
                  "·: never rendered[/]")
