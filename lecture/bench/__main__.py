"""Run every bench module in one process and print one table (see lecture/bench/__init__.py)."""

from __future__ import annotations

import argparse
import os

from . import bench_env, copy_project, print_table
from . import CPU, pipeline, speed, voice
from ..project import Project


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lecture.bench",
                                     description=__doc__)
    parser.add_argument("--memory-scenes", type=int, default=2,
                        help="how many of the heaviest scenes to render at -q h for the memory "
                             "figure (0 = all; default 2)")
    parser.add_argument("-j", "--jobs", type=int, default=None)
    parser.add_argument("--skip-high", action="store_true",
                        help="leave out the -q h render of every scene (CPU per video second)")
    args = parser.parse_args(argv)

    src = Project.find()
    bench = src.root / "media" / "bench"
    project = copy_project(src, bench / "project")
    if not project.scenes:
        raise SystemExit("bench: no scene files exist yet")
    env = bench_env(project.root)
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    cores = len(os.sched_getaffinity(0))
    print(f"bench: {len(project.scenes)} scenes ({', '.join(s.name for s in project.scenes)}); "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f}", flush=True)

    rows, notes = pipeline.measure(project, env, bench, jobs, args.memory_scenes)
    rows += voice.measure(project, "l", CPU["cold build"], "cold build -q l")
    more, high, extra = speed.measure(project, env, jobs, high=not args.skip_high)
    print_table(rows + more)
    if high:
        print("At -q h (1080p60), every scene rendered in one piece:")
        print_table(high)
    for line in notes + extra:
        print(line)


if __name__ == "__main__":
    main()
