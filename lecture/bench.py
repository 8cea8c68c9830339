"""`python -m lecture.bench` (make bench): the pipeline's figures against plain Manim.

Measured side by side in one run, on a scratch copy of the project's sources in
media/bench/project (so the real media/ and the working tree are never touched):

  1. cold `lecture build -q l` against the same scenes rendered one after another
     by plain `manim render -ql` (each with an empty media folder);
  2. a no-op `lecture build -q l` (wall time of the whole command; it must not import Manim);
  3. the build after editing one scene against that scene's solo `manim render -ql`
     (both with the caches the previous steps left);
  4. joining 10 minutes of 1080p60 H.264 (a synthesized clip, cached in media/bench/join);
  5. peak memory per worker at -q h (rendering the heaviest scenes at -q h).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from .project import Project

TARGETS = {
    "cold": 0.6,  # at most this fraction of the sequential time
    "noop": 1.0,  # seconds
    "edit": 2.0,  # seconds over the solo render
    "join": 2.0,  # seconds for 10 minutes of 1080p60
    "memory": 1.5 * 1024,  # MiB per worker
}


CPU: dict[str, float] = {}  # label -> CPU seconds (user + sys) of the command and its children


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(cmd: list[str], cwd: Path, env: dict[str, str], label: str) -> float:
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - started
    CPU[label] = _children_cpu() - cpu
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-15:])
        raise SystemExit(f"bench: {label} failed (exit {done.returncode}):\n{tail}")
    return took


def _copy_project(src: Project, dest: Path) -> Project:
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    shutil.copy2(src.cfg, dest / "manim.cfg")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("scenes", "lessonlib"):
        if (src.root / folder).is_dir():
            shutil.copytree(src.root / folder, dest / folder, ignore=ignore)
    present = [s.name for s in src.scenes if s.exists and s.defines_class()]
    init = dest / "scenes" / "__init__.py"
    thumb = src.thumbnail.name if src.thumbnail and src.thumbnail.exists else None
    init.write_text(f"LECTURE = {tuple(present)!r}\nTHUMBNAIL = {thumb!r}\n")
    return Project(dest)


def _join_clip(folder: Path) -> tuple[list[Path], float]:
    """Ten one-minute parts of 1080p60 H.264 (built once from a 10 s encode, by stream copy)."""
    from .media import join, synthesize_clip

    folder.mkdir(parents=True, exist_ok=True)
    parts = [folder / f"part{i:02d}.mp4" for i in range(10)]
    if all(p.is_file() for p in parts):
        return parts, 0.0
    started = time.perf_counter()
    seed = folder / "seed-10s.mp4"
    if not seed.is_file():
        print("bench: encoding a 10 s 1080p60 test clip once (cached in media/bench/join)...",
              flush=True)
        synthesize_clip(seed.with_suffix(".tmp.mp4"), 10, 1920, 1080, 60, gop=120)
        seed.with_suffix(".tmp.mp4").replace(seed)
    minute = folder / "minute.tmp.mp4"
    join([seed] * 6, minute)
    for part in parts:
        shutil.copyfile(minute, part)
    minute.unlink()
    return parts, time.perf_counter() - started


def _mib(kib: float) -> float:
    return kib / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m lecture.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--memory-scenes", type=int, default=2,
                        help="how many of the heaviest scenes to render at -q h for the memory "
                             "figure (0 = all; default 2)")
    parser.add_argument("-j", "--jobs", type=int, default=None)
    args = parser.parse_args(argv)

    src = Project.find()
    bench = src.root / "media" / "bench"
    project = _copy_project(src, bench / "project")
    root = project.root
    scenes = project.scenes
    if not scenes:
        raise SystemExit("bench: no scene files exist yet")
    env = dict(os.environ)
    for key in ("LECTURE_MEDIA_DIR", "LECTURE_MANIM_ARGS", "LECTURE_CRASH_AT"):
        env.pop(key, None)
    env.update(LECTURE_ROOT=str(root), PYTHONPATH=str(root))
    manim = str(Path(sys.executable).with_name("manim"))
    jobs = ["-j", str(args.jobs)] if args.jobs else []
    lecture = [sys.executable, "-m", "lecture"]
    seq_media = root / "media-sequential"
    cores = len(os.sched_getaffinity(0))
    print(f"bench: {len(scenes)} scenes ({', '.join(s.name for s in scenes)}); "
          f"{cores} cores, load average {os.getloadavg()[0]:.1f}", flush=True)

    # 1. cold build against sequential plain manim.
    print("bench: sequential `manim render -ql` of every scene...", flush=True)
    seq = {}
    for s in scenes:
        seq[s.name] = _run([manim, "render", "-ql", "--silent", "--media_dir", str(seq_media),
                            s.rel, s.name], root, env, f"manim render {s.name}")
    sequential = sum(seq.values())
    seq_cpu = sum(CPU[f"manim render {s.name}"] for s in scenes)
    seq_load = os.getloadavg()[0]
    print("bench: cold `lecture build -q l`...", flush=True)
    cold = _run([*lecture, "build", "-q", "l", *jobs], root, env, "cold build")
    cold_load = os.getloadavg()[0]
    metas = [json.loads((project.cache_dir("l") / f"{s.name}.json").read_text()) for s in scenes]

    # 2. no-op build, median of 5, and proof that it does not import manim.
    noops = [_run([*lecture, "build", "-q", "l"], root, env, "no-op build") for _ in range(5)]
    noop = statistics.median(noops)
    probe = subprocess.run(
        [sys.executable, "-c", "import sys\nfrom lecture.cli import main\ntry:\n"
         "    main(['build', '-q', 'l'])\nexcept SystemExit:\n    pass\n"
         "print('MANIM-IMPORTED' if 'manim' in sys.modules else 'MANIM-NOT-IMPORTED')"],
        cwd=root, env=env, capture_output=True, text=True)
    noop_clean = "MANIM-NOT-IMPORTED" in probe.stdout

    # 3. edit one scene (the longest to render) and rebuild, against its solo render.
    edited = max(scenes, key=lambda s: seq[s.name])
    with open(edited.path, "a") as fh:
        fh.write("\n# bench: an edit\n")
    edit = _run([*lecture, "build", "-q", "l"], root, env, "one-scene build")
    solo = _run([manim, "render", "-ql", "--silent", "--media_dir", str(seq_media), edited.rel,
                 edited.name], root, env, f"solo manim render {edited.name}")

    # 4. join 10 minutes of 1080p60.
    from .media import join, probe as probe_video

    parts, prep = _join_clip(bench / "join")
    out = bench / "join" / "joined.tmp.mp4"
    started = time.perf_counter()
    join(parts, out)
    joined = time.perf_counter() - started
    joined_info = probe_video(out, decode=False)
    out.unlink()

    # 5. peak memory per worker at -q h.
    heavy = sorted(scenes, key=lambda s: seq[s.name], reverse=True)
    if args.memory_scenes:
        heavy = heavy[: args.memory_scenes]
    print(f"bench: rendering {', '.join(s.name for s in heavy)} at -q h for memory...", flush=True)
    high = _run([*lecture, "render", *(s.name for s in heavy), "-q", "h", *jobs], root, env,
                "render -q h")
    rss_h = {s.name: json.loads((project.cache_dir("h") / f"{s.name}.json").read_text())
             ["max_rss_kib"] for s in heavy}
    rss_l = max(m["max_rss_kib"] for m in metas)

    # Report.
    ratio = cold / sequential
    rows = [
        ("cold build -q l", f"{cold:.1f} s", f"{sequential:.1f} s sequential manim",
         f"{ratio:.2f}x", f"<= {TARGETS['cold']}x", ratio <= TARGETS["cold"]),
        ("no-op build", f"{noop:.2f} s", "-", "manim not imported" if noop_clean else
         "MANIM IMPORTED", f"< {TARGETS['noop']:.0f} s", noop < TARGETS["noop"] and noop_clean),
        (f"edit {edited.name}, build", f"{edit:.1f} s", f"{solo:.1f} s solo render",
         f"{edit - solo:+.1f} s", f"<= solo + {TARGETS['edit']:.0f} s",
         edit <= solo + TARGETS["edit"]),
        ("join 10 min 1080p60", f"{joined:.2f} s",
         f"{float(joined_info.duration) / 60:.1f} min, {joined_info.frames} frames", "-",
         f"< {TARGETS['join']:.0f} s", joined < TARGETS["join"]),
        ("peak memory/worker -q h", f"{_mib(max(rss_h.values())):.0f} MiB",
         ", ".join(f"{k} {_mib(v):.0f}" for k, v in rss_h.items()), f"(-q l: {_mib(rss_l):.0f} MiB)",
         "< 1536 MiB", _mib(max(rss_h.values())) < TARGETS["memory"]),
    ]
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    heads = ("measure", "lecture", "baseline / detail", "ratio / delta", "target")
    widths = [max(w, len(h)) for w, h in zip(widths, heads)]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(heads, widths)) + "  met")
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r[:5], widths)) + ("  yes" if r[5] else "  NO"))
    print()
    print(f"CPU seconds (user+sys): sequential manim {seq_cpu:.0f}, cold build {CPU['cold build']:.0f}; "
          f"1-min load average after each: {seq_load:.1f}, {cold_load:.1f} "
          f"(other processes share these {cores} cores, so wall-clock ratios move with their load)")
    print("per scene, sequential manim -ql vs lecture worker (s): " + ", ".join(
        f"{m['scene']} {seq[m['scene']]:.1f}/{m['render_seconds']:.1f}" for m in metas))
    print(f"no-op runs (s): {', '.join(f'{t:.2f}' for t in noops)}; -q h renders took {high:.1f} s"
          + (f"; join clip prepared in {prep:.0f} s" if prep else ""))


if __name__ == "__main__":
    main()
