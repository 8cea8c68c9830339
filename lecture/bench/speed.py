"""Speed across sections, workers and quality, measured side by side:

  1. a one-section preview (`lecture render SCENE --section LAST`) against a render
     of its whole scene (after an edit, so both render), CPU and wall time;
  2. the same cold build (empty scene cache, warm Tex cache) on this machine's
     default path, on a LocalCluster of 1 worker and of 2 workers;
  3. (the expensive part, `--skip-high` leaves it out) CPU seconds per second of
     video for every scene at -q h, from `lecture build -q h --chunks off`: the
     lecture as a whole, and each scene against the median scene; that build
     synthesises its narration afresh, so it also gives the voice's share of a
     cold `make video`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys

from lecture.bench import CPU, MACHINE, Row, run, voice
from lecture.core.project import Project
from lecture.core.records import SceneMeta

TARGETS = {
    "preview": 0.5,  # CPU of the last section's preview over its whole scene's
    "cluster": 0.55,  # wall time with 2 workers over 1
    "lecture_cpu": 0.7,  # CPU seconds per video second at -q h
    "spread": 1.5,  # no scene over this times the median scene
}


def _meta(project: Project, quality: str, name: str) -> SceneMeta:
    meta = SceneMeta.read(project.cache_dir(quality) / f"{name}.json")
    if meta is None:
        raise FileNotFoundError(f"{name} has no cache entry at -q{quality}")
    return meta


def measure_preview(project: Project, env: dict[str, str]) -> tuple[list[Row], list[str]]:
    """The longest scene's last section against the whole scene, both after an edit."""
    lecture = [sys.executable, "-m", "lecture"]
    if not all((project.cache_dir("l") / f"{s.name}.json").is_file() for s in project.scenes):
        # `--only speed` after the scratch project's -q l build was cleared: build it first
        print("bench: `lecture build -q l` first, to know each scene's sections...", flush=True)
        run([*lecture, "build", "-q", "l"], project.root, env, "build -q l for the preview")
    scene = max(project.scenes, key=lambda s: _meta(project, "l", s.name).duration)
    sections = _meta(project, "l", scene.name).sections
    last = sections[-1].name
    with open(scene.path, "a") as fh:
        fh.write("\n# bench: another edit\n")
    print(f"bench: {scene.name} whole, then its section {last!r}, at -q l...", flush=True)
    whole = run([*lecture, "render", scene.name, "-q", "l", "--chunks", "off"], project.root, env,
                "whole scene")
    part = run([*lecture, "render", scene.name, "-q", "l", "--section", last], project.root, env,
               "section preview")
    ratio = CPU["section preview"] / max(CPU["whole scene"], 1e-9)
    length = sections[-1]["end"] - sections[-1]["start"]
    rows = [Row(f"preview {scene.name} / last section", f"{part:.1f} s",
                f"{whole:.1f} s whole scene", f"{ratio:.2f}x CPU",
                f"<= {TARGETS['preview']}x", ratio <= TARGETS["preview"])]
    notes = [f"section preview: {last!r}, {length:.1f} s of {sections[-1]['end']:.1f} s; CPU "
             f"{CPU['section preview']:.1f} s against {CPU['whole scene']:.1f} s for the scene "
             "(the preview fast-forwards through everything before the section)"]
    return rows, notes


def measure_cluster(project: Project, env: dict[str, str]) -> tuple[list[Row], list[str]]:
    """One cold build three ways: default (local workers), LocalCluster of 1, of 2."""
    lecture = [sys.executable, "-m", "lecture"]
    took = {}
    for label, extra in (("default", []), ("local:1", ["--cluster", "local:1"]),
                         ("local:2", ["--cluster", "local:2"])):
        for folder in (project.cache_dir("l"), project.out_dir("l"),
                       project.lecture_dir / "chunks"):
            shutil.rmtree(folder, ignore_errors=True)
        print(f"bench: cold `lecture build -q l` {' '.join(extra) or '(default)'}...", flush=True)
        took[label] = run([*lecture, "build", "-q", "l", "--chunks", "off", *extra],
                          project.root, env, f"build {label}")
    ratio = took["local:2"] / took["local:1"]
    floor, why = cluster_floor(took)
    rows = [
        Row("cluster local:2 vs local:1", f"{took['local:2']:.1f} s",
            f"{took['local:1']:.1f} s with 1 worker" + (f", floor here {floor:.2f}x" if floor else ""),
            f"{ratio:.2f}x", f"<= {TARGETS['cluster']}x", ratio <= TARGETS["cluster"]),
        Row("default build vs local:2", f"{took['default']:.1f} s",
            f"{took['local:2']:.1f} s on local:2", f"{took['default'] / took['local:2']:.2f}x",
            "<= 1x", took["default"] <= took["local:2"]),
    ]
    notes = ["cold builds with a warm Tex cache; CPU seconds: " + ", ".join(
        f"{k} {CPU[f'build {k}']:.0f}" for k in took)
        + " (with every process the build started, a LocalCluster's workers too)"] \
        + ([why] if why else [])
    return rows, notes


def cluster_floor(took: dict[str, float]) -> tuple[float | None, str]:
    """The least local:2 / local:1 this machine allows, from how busy its cores were.

    2 workers cannot finish before their build's CPU seconds, spread over every core, are
    done; so local:2 / local:1 >= (local:2's busy CPU seconds / cores) / local:1's time.
    Where one worker already keeps more than one core busy (a render draws on one thread
    and encodes on another), that floor is above 1/2 on a machine of 2 cores.
    """
    one, two = MACHINE.get("build local:1"), MACHINE.get("build local:2")
    cores = os.cpu_count() or 1
    if not one or not two:
        return None, ""
    floor = two / cores / took["local:1"]
    return floor, (f"cluster floor: local:1 kept {one / took['local:1']:.2f} of {cores} cores "
                   f"busy ({one:.0f} CPU s in {took['local:1']:.1f} s); local:2 used {two:.0f} "
                   f"CPU s, at least {two / cores:.1f} s on {cores} cores, so local:2 / local:1 "
                   f">= {floor:.2f} here (machine-wide /proc/stat: other load on a shared "
                   "machine counts too)")


def measure_high(project: Project, env: dict[str, str], jobs: list[str]) -> tuple[list[Row],
                                                                                   list[str]]:
    """CPU seconds per second of video for every scene at -q h."""
    print("bench: `lecture build -q h --chunks off` (every scene at 1080p60, its narration "
          "synthesised afresh; minutes)...", flush=True)
    # An empty clip cache of its own, so that this is the cold build `make video` is.
    voice_cache = project.root / "media" / "voice-h"
    shutil.rmtree(voice_cache, ignore_errors=True)
    took = run([sys.executable, "-m", "lecture", "build", "-q", "h", "--chunks", "off", *jobs],
               project.root, {**env, "LECTURE_VOICE_CACHE": str(voice_cache)}, "build -q h")
    # The picture's cost: each render's CPU time less the narration it synthesised (the
    # voice has its own rows below), so the figure compares with a silent lecture's.
    per, drawn = {}, {}
    cpu = draw = spoken = length = 0.0
    for scene in project.scenes:
        meta = _meta(project, "h", scene.name)
        if not meta.cpu_seconds or not meta.duration:
            continue
        picture = meta.cpu_seconds - (meta.voice_seconds or 0.0)
        per[scene.name] = picture / meta.duration
        drawn[scene.name] = (meta.drawing_seconds or 0.0) / meta.duration
        cpu += picture
        spoken += meta.voice_seconds or 0.0
        draw += meta.drawing_seconds or 0.0
        length += meta.duration
    median = statistics.median(per.values())
    worst = max(per, key=per.get)
    overall = cpu / length
    rows = [
        Row("CPU s per video s, -q h", f"{overall:.2f}",
            f"{cpu:.0f} CPU s, {length:.0f} s video (+{spoken:.0f} voice)",
            f"drawing {draw / length:.2f}", f"<= {TARGETS['lecture_cpu']}",
            overall <= TARGETS["lecture_cpu"]),
        Row(f"worst scene: {worst}", f"{per[worst]:.2f}", f"median {median:.2f}",
            f"{per[worst] / median:.2f}x", f"<= {TARGETS['spread']}x median",
            per[worst] <= TARGETS["spread"] * median),
    ]
    rows += voice.measure(project, "h", CPU["build -q h"], "cold build -q h")
    notes = [f"-q h build took {took:.0f} s. CPU s per video s by scene, all (drawing: the "
             "render thread; the rest is encoding, in Manim's encoder threads): " + ", ".join(
                 f"{name} {value:.2f} ({drawn[name]:.2f})" for name, value in per.items())]
    return rows, notes


def measure(project: Project, env: dict[str, str], jobs: list[str],
            high: bool) -> tuple[list[Row], list[Row], list[str]]:
    """Rows for the main table, rows for the -q h table, and notes."""
    rows, notes = measure_preview(project, env)
    more, extra = measure_cluster(project, env)
    rows += more
    notes += extra
    high_rows: list[Row] = []
    if high:
        high_rows, extra = measure_high(project, env, jobs)
        notes += extra
    return rows, high_rows, notes

