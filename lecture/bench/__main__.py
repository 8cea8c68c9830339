"""Run every bench module in one process and print one table (see lecture/bench/__init__.py)."""

from __future__ import annotations

import argparse
import os

from lecture.bench import bench_env, copy_project, print_table
from lecture.bench import CPU, picture, pipeline, publish, speed, voice
from lecture.core.project import Project

MEASURES = "pipeline,speed,picture,publish"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lecture.bench",
                                     description=__doc__)
    parser.add_argument("--memory-scenes", type=int, default=2,
                        help="how many of the heaviest scenes to render at -q h for the memory "
                             "figure (0 = all; default 2)")
    parser.add_argument("-j", "--jobs", type=int, default=None)
    parser.add_argument("--only", default=MEASURES,
                        help=f"which measures, comma-separated (default: {MEASURES})")
    parser.add_argument("--skip-high", action="store_true",
                        help="leave out the -q h render of every scene (CPU per video second)")
    parser.add_argument("--cold-h", action="store_true",
                        help="also time a cold -q h build with Manim's encoding and with the delivery "
                             "encoding (about 2 x 7 minutes of 2 cores), and publish from the latter")
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

    high: list = []

    def pipeline_and_voice():
        rows, notes = pipeline.measure(project, env, bench, jobs, args.memory_scenes)
        return rows + voice.measure(project, "l", CPU["cold build"], "cold build -q l"), notes

    def speed_measures():
        rows, at_high, notes = speed.measure(project, env, jobs, high=not args.skip_high)
        high.extend(at_high)
        return rows, notes

    measures = {
        "pipeline": pipeline_and_voice,
        "speed": speed_measures,
        "picture": lambda: picture.measure(project, env, bench),
        "publish": lambda: publish.measure(src, project, env, bench, jobs, args.cold_h),
    }
    rows, notes = [], []
    for name, measure in measures.items():
        if name in args.only.split(","):
            found_rows, found_notes = measure()
            rows += found_rows
            notes += found_notes
    print_table(rows)
    if high:
        print("At -q h (1080p60), every scene rendered in one piece:")
        print_table(high)
    for line in notes:
        print(line)


if __name__ == "__main__":
    main()
