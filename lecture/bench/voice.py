"""The voice's cost, from a cold build (every clip synthesised, none cached):

  - synthesis speed: CPU seconds of synthesis per second of speech (real-time factor),
    summed over every line the build spoke;
  - the share of the cold build's CPU time spent on the voice (target: at most 10%).

Each render records the CPU time its scene spent synthesising (voice_seconds in
the scene's cache entry), and the build the time its render server spent loading
the voice for all of them (build.json); the speech length comes from the
narration manifests.
"""

from __future__ import annotations

from lecture.bench import Row
from lecture.core.project import Project
from lecture.core.records import BuildRecord, NarrationManifest, SceneMeta
from lecture.build.scheduler import BUILD_RECORD

TARGET_SHARE = 0.10


def measure(project: Project, quality: str, build_cpu: float, label: str) -> list[Row]:
    voice_cpu = speech = 0.0
    lines = 0
    for scene in project.scenes:
        cache = project.cache_dir(quality)
        meta = SceneMeta.read(cache / f"{scene.name}.json")
        voice_cpu += float(meta.voice_seconds or 0.0)
        manifest = NarrationManifest.read(cache / f"{scene.name}.narration.json")
        if manifest is not None:
            for line in manifest.lines:
                speech += int(line["samples"]) / 48_000
                lines += 1
    # the voice loaded once, for every render
    record = BuildRecord.read(project.cache_dir(quality) / BUILD_RECORD)
    if record is not None:
        voice_cpu += float(record.voice_preload_seconds or 0.0)
    if not lines:
        return [Row("voice", "no narration", "-", "-", "-", False)]
    rtf = voice_cpu / speech
    share = voice_cpu / build_cpu if build_cpu else float("nan")
    return [
        Row("voice synthesis speed", f"{rtf:.3f} x real time",
            f"{voice_cpu:.0f} CPU-s for {speech:.0f} s of speech, {lines} lines", "-", "-", True),
        Row(f"voice share of {label}", f"{share:.1%}",
            f"{voice_cpu:.0f} of {build_cpu:.0f} CPU-s", "-", f"<= {TARGET_SHARE:.0%}",
            share <= TARGET_SHARE),
    ]

