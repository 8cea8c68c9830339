"""The build's progress on the command line: jobs done, what each worker has, time left.

One bar measures the build in estimated render seconds (a scene's last render
time, scaled to the quality; a chunk its share of it), so a long scene counts
for more than a short one. Below it, one line per busy worker: on this machine
its slot, on a cluster the worker's address, and the scene or chunk it renders.
Time left is the estimated work still to do over the rate work has been done
so far (before the first job ends: the estimate spread over the workers).
"""

from __future__ import annotations

import os
import time

from lecture.build.lecture import Reporter
from lecture.build.scheduler import Events, RenderResult
from lecture.run.local import Job, JobOutcome


def console():
    """The console every command prints to."""
    from rich.console import Console

    out = Console(highlight=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(highlight=False, width=120)  # logs and pipes: no 80-column squeeze
    return out


class ConsoleReporter(Reporter):
    """A build shown on the console: rich progress while rendering, notes as lines."""

    def __init__(self, out) -> None:
        self.out = out

    def progress(self, title: str):
        return BuildProgress(self.out, title)

    def say(self, text: str) -> None:
        self.out.print(text)

    def status(self, text: str):
        return self.out.status(text)


def fmt_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{seconds % 60:04.1f}"
    return f"{seconds:.1f} s"


class BuildProgress(Events):
    """Events of a build (lecture/build/scheduler.py) shown with rich; use as a context manager."""

    def __init__(self, console, title: str, still_names: set[str] = frozenset()) -> None:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.console = console
        self.title = title
        self.still_names = set(still_names)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                 TextColumn("{task.fields[count]}"), TimeElapsedColumn(),
                                 TextColumn("{task.fields[eta]}"), console=console,
                                 transient=True)
        self.overall = None
        self.runner = None
        self.workers: dict[str, int] = {}
        self.total = self.done = 0.0
        self.jobs = self.jobs_done = 0
        self.slots = 1
        self.started = time.perf_counter()

    def __enter__(self) -> "BuildProgress":
        self.progress.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.__exit__(*exc)

    @staticmethod
    def _cost(job: Job) -> float:
        return max(job.estimate, 0.1)

    def planned(self, jobs: list[Job], runner) -> None:
        self.runner, self.jobs, self.slots = runner, len(jobs), max(1, runner.slots)
        self.total = sum(self._cost(j) for j in jobs)
        chunked = len({j.scene for j in jobs if j.chunk})
        detail = f", {chunked} cut into chunks" if chunked else ""
        self.started = time.perf_counter()
        self.overall = self.progress.add_task(f"{self.title}{detail}", total=self.total or 1,
                                              count=f"0/{self.jobs} jobs", eta="")
        self.tick()

    def job_done(self, outcome: JobOutcome) -> None:
        self.jobs_done += 1
        self.done += self._cost(outcome.job)
        if outcome.job.chunk is not None and outcome.ok:
            self.progress.console.print(
                f"[dim]chunk[/]    {outcome.job.label} in {fmt_seconds(outcome.seconds)}"
                f" on {outcome.where}")
        self.tick()

    def scene_done(self, st, res: RenderResult) -> None:
        if res.ok:
            mem = f", {res.max_rss_kib / 1024:.0f} MiB" if res.max_rss_kib else ""
            length = "" if st.still else f", {fmt_seconds(res.meta.duration)} of video"
            pieces = f" in {res.chunks} chunks" if res.chunks else ""
            self.progress.console.print(f"[green]rendered[/] {st.name}{pieces} in "
                                        f"{fmt_seconds(res.seconds)}{length}{mem}")
        else:
            self.progress.console.print(f"[red]failed[/]   {res.error}")

    def eta(self) -> float | None:
        left = max(0.0, self.total - self.done)
        elapsed = time.perf_counter() - self.started
        if self.done > 0 and elapsed > 0:
            return left * elapsed / self.done
        return left / self.slots if self.total else None

    def tick(self) -> None:
        if self.overall is None:
            return
        eta = self.eta()
        self.progress.update(self.overall, completed=self.done,
                             count=f"{self.jobs_done}/{self.jobs} jobs",
                             eta=f"about {fmt_seconds(eta)} left" if eta is not None else "")
        busy = self.runner.running() if self.runner is not None else {}
        for worker in list(self.workers):
            if worker not in busy:
                self.progress.remove_task(self.workers.pop(worker))
        for worker, label in sorted(busy.items()):
            text = f"  {worker}: {label}"
            if worker in self.workers:
                self.progress.update(self.workers[worker], description=text)
            else:
                self.workers[worker] = self.progress.add_task(text, total=None, count="",
                                                              eta="")
