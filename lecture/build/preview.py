"""One section of a scene: `lecture render SCENE --section NAME`, `lecture watch ... --section`.

The scene is fast-forwarded to the section (lecture/worker/fastforward.py: every frame
before it is computed, none is drawn or encoded), the section is rendered, and
the render stops where the next section begins. Its frames are exactly the
section's frames in a render of the whole scene, so an edit to a late beat
costs that beat, not the scene.

The preview is kept in media/lecture/sections/<quality>/<Scene>/<section>.mp4,
with its captions in the section's own time (.srt) and its record (.json), under
a key made of the scene's key and the section's name.
"""

from __future__ import annotations

import hashlib
import re
import time
from fractions import Fraction
from pathlib import Path

from lecture.core import store
from lecture.core.records import SectionPreview
from lecture.build.chunks import captions_srt
from lecture.core.errors import LectureError, UnknownSceneError
from lecture.core.project import QUALITY_NAMES, Project, Scene


class UnknownSectionError(UnknownSceneError):
    """A section name the scene does not have: one line listing the ones it has."""


def known_sections(project: Project, scene: Scene) -> list[str] | None:
    """The section names of an up-to-date render of the scene at any quality, if any."""
    from lecture.build.deps import DependencyGraph
    from lecture.build.pipeline import Pipeline

    graph = DependencyGraph(project.root)
    for quality in QUALITY_NAMES:
        st = Pipeline(project, quality, graph).state(scene)
        if st.fresh and st.meta.sections:
            return [s.name for s in st.meta.sections]
    return None


def _slug(name: str) -> str:
    return re.sub(r"[^\w]+", "-", name).strip("-_") or "section"


def render_section(project: Project, scene: Scene, quality: str, section: str,
                   jobs: int = 1) -> tuple[SectionPreview, bool]:
    """Render (or find up to date) one section; return its record and whether it rendered."""
    from lecture.build.pipeline import MISSING, Pipeline
    from lecture.run.local import Job, LocalRunner
    from lecture.build.scheduler import describe_failure

    scene.check()
    known = known_sections(project, scene)
    if known is not None and section not in known:
        raise UnknownSectionError(f"{scene.name} has no section {section!r}; its sections: "
                                  + ", ".join(known))
    pipe = Pipeline(project, quality)
    st = pipe.state(scene)
    if st.status == MISSING:
        raise LectureError(st.reason)
    key = hashlib.sha256(f"section {st.key} {section}".encode()).hexdigest()
    folder = project.lecture_dir / "sections" / quality / scene.name
    record = folder / f"{_slug(section)}.json"
    meta, _ = SectionPreview.load(record)  # one of another format is rendered again
    if meta is not None and meta.key == key and meta.video_stamp is not None \
            and meta.video_stamp.matches(project.root / meta.video):
        return meta, False
    job = Job(scene.name, scene.rel, quality, key, extra=list(pipe.extra),
              inputs=sorted(st.inputs), section=section)
    runner = LocalRunner(project, jobs, use_zygote=False)
    try:
        out = runner.submit(job).result()
    finally:
        runner.close()
    if not out.ok:
        if out.outcome and out.outcome.type == "SectionNotFound":
            raise UnknownSectionError(out.outcome.message or section)
        raise LectureError(describe_failure(f"{scene.name} / {section}", out, project))
    return _commit(project, folder, record, scene, quality, section, key, out), True


def _commit(project, folder, record, scene, quality, section, key, out) -> SectionPreview:
    report = out.outcome.report
    if not report.frames:
        raise LectureError(f"{scene.name}: section {section!r} plays no animation")
    fps = report.frame_rate
    start = Fraction(report.first_frame) / fps
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / f"{_slug(section)}.mp4"
    store.commit(Path(out.outcome.video), video)
    shift = round(start * 1_000_000)
    captions = folder / f"{_slug(section)}.srt"
    lines = [[i, s - shift, e - shift, text] for i, s, e, text in report.captions]
    store.write_bytes(captions, captions_srt(lines).encode())
    meta = SectionPreview(
        scene=scene.name, section=section, quality=quality, key=key,
        video=project.rel(video), video_stamp=store.Stamp.of(video),
        captions=project.rel(captions), first_frame=report.first_frame,
        frames=report.frames, start=float(start),
        duration=float(Fraction(report.frames) / fps),
        render_seconds=round(out.seconds, 3), cpu_seconds=round(out.cpu_seconds, 3),
        rendered_at=time.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    meta.write(record)
    return meta
