"""The pipeline against plain Manim, measured side by side in one run:

  1. cold `lecture build -q l` against the same scenes rendered one after another
     by plain `manim render -ql` (each with an empty media folder);
  2. a no-op `lecture build -q l` (wall time of the whole command; it must not import Manim);
  3. the build after editing one scene against that scene's solo `manim render -ql`
     (both with the caches the previous steps left), and after changing a spoken line
     of the lecture's middle scene, with the narration encoded while it renders and
     without (lecture/soundtrack/voiceahead.py), alternating;
  4. joining 10 minutes of 1080p60 H.264 (a synthesized clip, cached in media/bench/join);
  5. peak memory per worker at -q h (rendering the heaviest scenes at -q h).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from lecture.bench import CPU, Row, mib, run
from lecture.core.project import Project
from lecture.core.records import SceneMeta

TARGETS = {
    "cold": 0.6,  # at most this fraction of the sequential time
    "noop": 1.0,  # seconds
    "edit": 2.0,  # seconds over the solo render
    "join": 2.0,  # seconds for 10 minutes of 1080p60
    "memory": 1.5 * 1024,  # MiB per worker
}


def _join_clip(folder: Path) -> tuple[list[Path], float]:
    """Ten one-minute parts of 1080p60 H.264 (built once from a 10 s encode, by stream copy)."""
    from lecture.media.video import join, synthesize_clip

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


def _spoken_edits(root: Path, scene, env: dict[str, str]) -> Row:
    """Builds after changing the first spoken line of ``scene`` (a new word in front each
    time, so every build synthesises one clip), with the encode ahead (a) and without (b),
    in the order a b b a; the medians."""
    import re

    lecture = [sys.executable, "-m", "lecture", "build", "-q", "l"]
    source = scene.path.read_text()
    line = re.search(r'self\.voiceover\(f?"', source)
    if line is None:
        return Row(f"say another word in {scene.name}", "-", "no voiceover line", "-", "-", True)
    took: dict[str, list[float]] = {"on": [], "off": []}
    try:
        for n, ahead in enumerate(("on", "off", "off", "on")):
            word = ("Now", "So", "Then", "Next")[n]
            scene.path.write_text(source[:line.end()] + word + ", " + source[line.end():])
            took[ahead].append(run(lecture, root, {**env, "LECTURE_VOICE_AHEAD":
                                                   "1" if ahead == "on" else "0"},
                                   f"spoken edit {n}"))
    finally:
        scene.path.write_text(source)
    on, off = statistics.median(took["on"]), statistics.median(took["off"])
    return Row(f"say another word in {scene.name}", f"{on:.1f} s",
               f"{off:.1f} s without the encode ahead", f"{on / off:.2f}x", "<= 1x", on <= off)


def measure(project: Project, env: dict[str, str], bench: Path, jobs: list[str],
            memory_scenes: int) -> tuple[list[Row], list[str]]:
    """Run the measures above; return the table rows and lines of detail."""
    root = project.root
    scenes = project.scenes
    manim = str(Path(sys.executable).with_name("manim"))
    lecture = [sys.executable, "-m", "lecture"]
    seq_media = root / "media-sequential"
    cores = len(os.sched_getaffinity(0))

    # 1. cold build against sequential plain manim.
    print("bench: sequential `manim render -ql` of every scene...", flush=True)
    # Each side synthesises its narration from an empty clip cache of its own: plain
    # manim's into media-sequential/, the build's into the project's media/voice.
    seq_env = {**env, "LECTURE_VOICE_CACHE": str(seq_media / "voice")}
    seq = {}
    for s in scenes:
        seq[s.name] = run([manim, "render", "-ql", "--silent", "--media_dir", str(seq_media),
                           s.rel, s.name], root, seq_env, f"manim render {s.name}")
    sequential = sum(seq.values())
    seq_cpu = sum(CPU[f"manim render {s.name}"] for s in scenes)
    seq_load = os.getloadavg()[0]
    print("bench: cold `lecture build -q l`...", flush=True)
    cold = run([*lecture, "build", "-q", "l", *jobs], root, env, "cold build")
    cold_load = os.getloadavg()[0]
    metas = [SceneMeta.read(project.cache_dir("l") / f"{s.name}.json") for s in scenes]

    # 2. no-op build, median of 5, and proof that it does not import manim.
    noops = [run([*lecture, "build", "-q", "l"], root, env, "no-op build") for _ in range(5)]
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
    edit = run([*lecture, "build", "-q", "l"], root, env, "one-scene build")
    solo = run([manim, "render", "-ql", "--silent", "--media_dir", str(seq_media), edited.rel,
                edited.name], root, seq_env, f"solo manim render {edited.name}")

    said = _spoken_edits(root, scenes[len(scenes) // 2], env)

    # 4. join 10 minutes of 1080p60.
    from lecture.media.video import join, probe as probe_video

    parts, prep = _join_clip(bench / "join")
    out = bench / "join" / "joined.tmp.mp4"
    started = time.perf_counter()
    join(parts, out)
    joined = time.perf_counter() - started
    joined_info = probe_video(out, decode=False)
    out.unlink()

    # 5. peak memory per worker at -q h.
    heavy = sorted(scenes, key=lambda s: seq[s.name], reverse=True)
    if memory_scenes:
        heavy = heavy[:memory_scenes]
    print(f"bench: rendering {', '.join(s.name for s in heavy)} at -q h for memory...", flush=True)
    high = run([*lecture, "render", *(s.name for s in heavy), "-q", "h", "--chunks", "off", *jobs],
               root, env, "render -q h")
    rss_h = {s.name: SceneMeta.read(project.cache_dir("h") / f"{s.name}.json").max_rss_kib
             for s in heavy}
    rss_l = max(m.max_rss_kib for m in metas)

    ratio = cold / sequential
    rows = [
        Row("cold build -q l", f"{cold:.1f} s", f"{sequential:.1f} s sequential manim",
            f"{ratio:.2f}x", f"<= {TARGETS['cold']}x", ratio <= TARGETS["cold"]),
        Row("no-op build", f"{noop:.2f} s", "-", "manim not imported" if noop_clean else
            "MANIM IMPORTED", f"< {TARGETS['noop']:.0f} s", noop < TARGETS["noop"] and noop_clean),
        Row(f"edit {edited.name}, build", f"{edit:.1f} s", f"{solo:.1f} s solo render",
            f"{edit - solo:+.1f} s", f"<= solo + {TARGETS['edit']:.0f} s",
            edit <= solo + TARGETS["edit"]),
        said,
        Row("join 10 min 1080p60", f"{joined:.2f} s",
            f"{float(joined_info.duration) / 60:.1f} min, {joined_info.frames} frames", "-",
            f"< {TARGETS['join']:.0f} s", joined < TARGETS["join"]),
        Row("peak memory/worker -q h", f"{mib(max(rss_h.values())):.0f} MiB",
            ", ".join(f"{k} {mib(v):.0f}" for k, v in rss_h.items()), f"(-q l: {mib(rss_l):.0f} MiB)",
            "< 1536 MiB", mib(max(rss_h.values())) < TARGETS["memory"]),
    ]
    notes = [
        f"CPU seconds (user+sys): sequential manim {seq_cpu:.0f}, cold build {CPU['cold build']:.0f}; "
        f"1-min load average after each: {seq_load:.1f}, {cold_load:.1f} "
        f"(other processes share these {cores} cores, so wall-clock ratios move with their load)",
        "per scene, sequential manim -ql vs lecture worker (s): " + ", ".join(
            f"{m['scene']} {seq[m['scene']]:.1f}/{m['render_seconds']:.1f}" for m in metas),
        f"no-op runs (s): {', '.join(f'{t:.2f}' for t in noops)}; -q h renders took {high:.1f} s"
        + (f"; join clip prepared in {prep:.0f} s" if prep else ""),
    ]
    return rows, notes
