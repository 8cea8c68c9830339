"""Publishing a -q h build, and what rendering in the delivery encoding costs the build:

  1. `lecture publish --dry-run -q h`: wall time, the bundle's video size, the
     check's verdict, and whether the bundle's video packets are the build's
     (a remux: they must be, byte for byte);
  2. with --cold-h: a cold `lecture build -q h` twice, each in its own scratch
     copy, one after the other: with Manim's own segment encoding and with the
     delivery encoding, to show what rendering for delivery costs or saves. It
     takes minutes of every core.

Without --cold-h the -q h build is the project's own media/lecture/h (from
`make video`), copied into the bench folder and only read there.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import time
from pathlib import Path

from lecture.bench import CPU, Row, copy_project, run
from lecture.delivery import ENV
from lecture.core.project import Project

TARGETS = {"publish": 15.0, "size_mb": 150.0, "cold_ratio": 1.10}
BEFORE_PUBLISH = "7 min 39 s, 777 MB before (re-encode)"


def copy_render(src: Project, dest: Project, quality: str = "h") -> bool:
    """Copy the built lecture at `quality` (and the thumbnail still it names) into `dest`."""
    import json

    out = src.root / "media" / "lecture" / quality
    if not (out / "manifest.json").is_file():
        return False
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    target = dest.root / "media" / "lecture" / quality
    target.mkdir(parents=True, exist_ok=True)
    for name in ("lecture.mp4", "lecture.srt", "manifest.json"):
        shutil.copy2(out / name, target / name)
    if manifest.get("thumbnail"):
        still = dest.root / manifest["thumbnail"]
        still.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src.root / manifest["thumbnail"], still)
    return True


def video_packets(path: Path) -> tuple[int, str]:
    """How many video packets, and the SHA-256 of their bytes in order."""
    import av

    h = hashlib.sha256()
    count = 0
    with av.open(str(path)) as c:
        for p in c.demux(c.streams.video[0]):
            if p.size:
                h.update(bytes(p))
                count += 1
    return count, h.hexdigest()


def _cold_build(src: Project, folder: Path, env: dict[str, str], encoding: str, jobs: list[str]) -> float:
    project = copy_project(src, folder)
    label = f"cold build -q h ({encoding})"
    print(f"bench: {label} in {folder.name}...", flush=True)
    return run([sys.executable, "-m", "lecture", "build", "-q", "h", *jobs], project.root,
               {**env, "LECTURE_ROOT": str(project.root), "PYTHONPATH": str(project.root), ENV: encoding},
               label)


def measure(src: Project, project: Project, env: dict[str, str], bench: Path, jobs: list[str],
            cold_h: bool) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    notes: list[str] = []
    if cold_h:
        before = _cold_build(src, bench / "cold-manim", env, "manim", jobs)
        after = _cold_build(src, bench / "cold-delivery", env, "delivery", jobs)
        ratio = after / before
        rows.append(Row("cold build -q h", f"{after:.0f} s", f"{before:.0f} s with Manim's encoding",
                        f"{ratio:.2f}x", f"<= {TARGETS['cold_ratio']:.2f}x", ratio <= TARGETS["cold_ratio"]))
        notes.append(f"CPU seconds, cold -q h: Manim's encoding {CPU['cold build -q h (manim)']:.0f}, "
                     f"delivery encoding {CPU['cold build -q h (delivery)']:.0f}")
        publisher = Project(bench / "cold-delivery")
    else:
        publisher = project
        if not copy_render(src, project):
            notes.append("publish: no -q h build in media/lecture/h; run `make video` first "
                         "(or `make bench BENCH_ARGS=--cold-h` to build one here)")
            return rows, notes

    print("bench: `lecture publish --dry-run -q h`...", flush=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "lecture", "publish", "--dry-run", "-q", "h"],
                          cwd=publisher.root, env={**env, "LECTURE_ROOT": str(publisher.root)},
                          capture_output=True, text=True)
    took = time.perf_counter() - started
    bundle = publisher.root / "media" / "lecture" / "h" / "youtube" / "video.mp4"
    if not bundle.is_file():
        raise SystemExit(f"bench: publish --dry-run made no bundle:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    size = bundle.stat().st_size / 1e6
    same = video_packets(bundle) == video_packets(publisher.root / "media" / "lecture" / "h" / "lecture.mp4")
    passed = done.returncode == 0
    summary = next((line for line in done.stdout.splitlines() if "rules pass" in line), "no check summary")
    rows += [
        Row("publish --dry-run -q h", f"{took:.1f} s", BEFORE_PUBLISH, summary.strip(),
            f"< {TARGETS['publish']:.0f} s, check passes", took < TARGETS["publish"] and passed),
        Row("bundle video.mp4", f"{size:.0f} MB", "packets = lecture.mp4's" if same else "PACKETS DIFFER",
            "-", f"<= {TARGETS['size_mb']:.0f} MB, same packets", size <= TARGETS["size_mb"] and same),
    ]
    if not passed:
        notes.append("publish check failures: " + "; ".join(
            line.strip() for line in done.stdout.splitlines() if line.startswith("FAIL")))
    return rows, notes
