"""`python -m lecture.bench` (make bench): every performance figure, measured side by side.

Each module of this package measures one part of the pipeline and returns table
rows; __main__ runs them in one process, on a scratch copy of the project's
sources in media/bench/project (the real media/ and the working tree are never
touched), and prints one table. The helpers here are shared by those modules.

Enters: the project's sources. Leaves: a printed table of figures.
May import: every package of lecture but the CLI.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from lecture.core.project import Project

CPU: dict[str, float] = {}  # label -> CPU seconds (user + sys) of the command and its children
# label -> CPU seconds every core of the machine was busy while the command ran (/proc/stat):
# unlike CPU, it counts processes that are not the command's children (a LocalCluster's
# workers) and, on a shared machine, other people's work too.
MACHINE: dict[str, float] = {}


@dataclass
class Row:
    """One line of the report: a measure, its value, what it is compared with, the target."""

    measure: str
    value: str
    detail: str
    ratio: str
    target: str
    met: bool


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> float | None:
    """CPU seconds the machine's cores have spent busy since boot (user, nice, system, irq,
    softirq in /proc/stat's first line); None where there is no /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = (int(x) for x in first[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run(cmd: list[str], cwd: Path, env: dict[str, str], label: str) -> float:
    """Run a command to completion; return its wall time (CPU time goes to CPU[label], the
    machine's to MACHINE[label])."""
    cpu, busy = _children_cpu(), machine_busy()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    CPU[label] = _children_cpu() - cpu
    if busy is not None:
        MACHINE[label] = (machine_busy() or busy) - busy
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"bench: {label} failed (exit {done.returncode}):\n{tail}")
    return took


# What a scratch copy of the project needs to render: sources and settings, no media.
PROJECT_FILES = ("manim.cfg", "lecture.toml")
PROJECT_FOLDERS = ("scenes", "lessonlib")


def copy_project(src: Project, dest: Path) -> Project:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (src.root / name).is_file():
            shutil.copy2(src.root / name, dest / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in PROJECT_FOLDERS:
        if (src.root / folder).is_dir():
            shutil.copytree(src.root / folder, dest / folder, ignore=ignore)
    present = [s.name for s in src.scenes if s.exists and s.defines_class()]
    init = dest / "scenes" / "__init__.py"
    thumb = src.thumbnail.name if src.thumbnail and src.thumbnail.exists else None
    init.write_text(f"LECTURE = {tuple(present)!r}\nTHUMBNAIL = {thumb!r}\n")
    return Project(dest)


def bench_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key in ("LECTURE_MEDIA_DIR", "LECTURE_MANIM_ARGS", "LECTURE_CRASH_AT", "LECTURE_VOICE_CACHE"):
        env.pop(key, None)
    env.update(LECTURE_ROOT=str(root), PYTHONPATH=str(root))
    return env


def print_table(rows: list[Row]) -> None:
    heads = ("measure", "lecture", "baseline / detail", "ratio / delta", "target")
    cells = [(r.measure, r.value, r.detail, r.ratio, r.target) for r in rows]
    widths = [max([len(h)] + [len(str(c[i])) for c in cells]) for i, h in enumerate(heads)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(heads, widths)) + "  met")
    for r, c in zip(rows, cells):
        print("  ".join(str(v).ljust(w) for v, w in zip(c, widths)) + ("  yes" if r.met else "  NO"))
    print()


def mib(kib: float) -> float:
    return kib / 1024
