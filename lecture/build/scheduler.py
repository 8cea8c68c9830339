"""A build's renders: plan chunks, run the jobs longest first, commit each scene when whole.

Every stale scene becomes one job, or one job per chunk when the plan cuts it
(lecture/build/chunkplan.py). Jobs run on this machine (lecture/run/local.py) or on a
Dask cluster (lecture/run/cluster.py); both hand back the same outcomes. A scene
rendered whole is committed to the cache as soon as its job ends; a chunk is
kept in the chunk store, and when the last chunk of a scene is in, the chunks
are merged (lecture/build/chunks.py), joined by stream copy and committed like a scene
rendered whole. An interrupted or partly failed build keeps every scene and
every chunk that did finish.
"""

from __future__ import annotations

import signal
import threading
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lecture.build import chunkplan
from lecture.core import store
from lecture.core.records import BuildRecord, ChunkEntry, Outcome, RenderReport
from lecture.build.chunks import ChunkStore, merge
from lecture.run.local import Job, JobOutcome, LocalRunner


@dataclass
class RenderResult:
    """One scene's render: how long it took and what it cost, and its cache entry or error."""

    state: Any  # pipeline.SceneState
    seconds: float = 0.0
    max_rss_kib: int = 0
    cpu_seconds: float = 0.0
    chunks: int = 0  # 0: rendered in one piece
    log: Path | None = None
    error: str | None = None
    meta: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Events:
    """What a build reports while it runs (the command line shows it; see lecture/cli/progress.py)."""

    def planned(self, jobs: list[Job], runner) -> None: ...

    def job_done(self, outcome: JobOutcome) -> None: ...

    def scene_done(self, st, res: RenderResult) -> None: ...

    def tick(self) -> None: ...


def render(pipe, states: list, jobs: int, events: Events | None = None, cluster=None,
           split: str | int = "auto", on_scene=None) -> list[RenderResult]:
    """Render `states` (all stale) with `jobs` local workers, or on `cluster`; see above."""
    events = events or Events()
    chunk_store = ChunkStore(pipe.project.lecture_dir / "chunks" / pipe.quality)
    plans = chunkplan.plan(pipe, states, cluster.slots if cluster else jobs, split)
    todo: list[Job] = []
    parts: dict[str, dict[int, ChunkEntry]] = {}  # scene -> chunk index -> finished chunk
    for st in states:
        cost = pipe._estimate(st)
        chunks = plans.get(st.name)
        if not chunks:
            todo.append(Job(st.name, st.scene.rel, pipe.quality, st.key, st.still,
                            estimate=cost, extra=list(pipe.extra), inputs=sorted(st.inputs)))
            continue
        parts[st.name] = {}
        length = sum(c.seconds for c in chunks) or 1.0
        done_before = 0.0
        for chunk in chunks:
            key = chunk.key(st.key)
            kept = chunk_store.get(st.name, chunk, key)
            if kept is not None:
                parts[st.name][chunk.index] = kept
            else:  # its share of the scene, and fast-forwarding to it (about a tenth as dear)
                share = (chunk.seconds + 0.1 * done_before) / length
                todo.append(Job(st.name, st.scene.rel, pipe.quality, key, estimate=cost * share,
                                chunk=chunk, extra=list(pipe.extra), inputs=sorted(st.inputs)))
            done_before += chunk.seconds
    todo.sort(key=lambda j: j.estimate, reverse=True)
    by_name = {st.name: st for st in states}
    plan_of = {name: plans[name] for name in parts}
    forked = len(todo) > 1  # one render is not worth a render server
    runner = cluster or LocalRunner(pipe.project, jobs, use_zygote=forked,
                                    preload_voice=forked and _speaks(pipe, todo))
    events.planned(todo, runner)
    results: list[RenderResult] = []
    spent: dict[str, list[JobOutcome]] = {}

    def scene_done(st, res: RenderResult) -> None:
        results.append(res)
        events.scene_done(st, res)
        if on_scene is not None and res.ok:
            on_scene(res.meta)

    def finish_scene(name: str) -> None:
        st = by_name[name]
        scene_done(st, _assemble(pipe, st, plan_of[name], parts[name], spent.get(name, []),
                                 chunk_store))

    for name in parts:  # every chunk already kept by an earlier, interrupted build
        if len(parts[name]) == len(plan_of[name]):
            finish_scene(name)
    previous = signal.getsignal(signal.SIGTERM)
    in_main = threading.current_thread() is threading.main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        pending = {runner.submit(job): job for job in todo}
        try:
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                events.tick()
                for fut in done:
                    job = pending.pop(fut)
                    out = fut.result()
                    events.job_done(out)
                    if job.chunk is None:
                        scene_done(by_name[job.scene], _commit_whole(pipe, by_name[job.scene], out))
                        continue
                    spent.setdefault(job.scene, []).append(out)
                    if out.ok:
                        try:
                            parts[job.scene][job.chunk.index] = chunk_store.put(
                                job.scene, job.chunk, job.key, _video_of(out), out.outcome.report,
                                out.outcome.voice_seconds or 0.0,
                                out.outcome.drawing_seconds or 0.0)
                        except Exception as exc:  # noqa: BLE001 - reported with the scene
                            out.outcome = Outcome.failure(type(exc).__name__, str(exc))
                    if len(spent[job.scene]) + _kept(parts, spent, job.scene) == \
                            len(plan_of[job.scene]):
                        finish_scene(job.scene)
        except BaseException:
            runner.stop()
            for fut in pending:
                fut.cancel()
            raise
        if cluster is None:
            runner.close()
        # The voice loaded once for every render is the voice's cost too (bench/voice.py).
        BuildRecord(getattr(runner, "voice_seconds", 0.0)).write(pipe.cache / BUILD_RECORD)
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)
    order = {st.name: i for i, st in enumerate(states)}
    return sorted(results, key=lambda r: order[r.state.name])


BUILD_RECORD = "build.json"


def _speaks(pipe, todo: list[Job]) -> bool:
    """Will these renders synthesise speech (so the render server should load the voice)?"""
    from lecture.soundtrack.narrated import needs_synthesis
    from lecture.core.project import QUALITIES

    caches = [pipe.cache, *(pipe.project.cache_dir(q) for q in QUALITIES if q != pipe.quality)]
    return needs_synthesis(pipe.project.root, caches, sorted({job.scene for job in todo}))


def _kept(parts, spent, name: str) -> int:
    """Chunks of `name` finished by an earlier build (not rendered in this one)."""
    rendered = {o.job.chunk.index for o in spent.get(name, [])}
    return sum(1 for i in parts[name] if i not in rendered)


def _video_of(out: JobOutcome) -> Path | None:
    video = out.outcome.video if out.outcome else None
    return Path(video) if video else None


def _commit_whole(pipe, st, out: JobOutcome) -> RenderResult:
    res = RenderResult(st, seconds=out.seconds, max_rss_kib=out.max_rss_kib,
                       cpu_seconds=out.cpu_seconds, log=out.log)
    if not out.ok:
        res.error = describe_failure(st.name, out, pipe.project)
        return res
    try:
        pipe._commit(st, out.outcome, res)
    except Exception as exc:  # noqa: BLE001 - reported per scene
        res.error = f"{st.name}: rendered, but the output is unusable: {exc}"
    return res


def _assemble(pipe, st, chunks, parts, outs: list[JobOutcome], chunk_store) -> RenderResult:
    """Merge a scene's chunks, join their videos and commit the scene like a whole render."""
    res = RenderResult(st, seconds=sum(o.seconds for o in outs),
                       max_rss_kib=max((o.max_rss_kib for o in outs), default=0),
                       cpu_seconds=sum(o.cpu_seconds for o in outs), chunks=len(chunks))
    failed = [o for o in outs if not o.ok]
    if failed:
        res.log = failed[0].log
        res.error = describe_failure(failed[0].job.label, failed[0], pipe.project)
        return res
    from lecture.media.video import join

    kept = [parts[c.index] for c in chunks]
    videos = [Path(part.video) for part in kept if part.report.frames]
    joined = store.tmp_name(pipe.cache / f"{st.name}.mp4")
    silent = joined.with_name(joined.stem + "-video.mp4")
    voice = joined.with_name(joined.stem + "-voice.m4a")
    try:
        report = merge([part.report for part in kept])
        pipe.cache.mkdir(parents=True, exist_ok=True)
        join(videos, silent, [f"{st.name} chunk {c.index + 1}" for c in chunks])
        if _voice(pipe.project.root, report, voice):
            from lecture.media.video import mux

            mux(silent, voice, joined)
        else:
            silent.replace(joined)
        outcome = Outcome(ok=True, video=str(joined), report=report, narration=report.narration,
                          voice_seconds=round(sum(p.voice_seconds for p in kept), 3),
                          drawing_seconds=round(sum(p.drawing_seconds for p in kept), 3))
        pipe._commit(st, outcome, res)
        chunk_store.drop(st.name)
    except Exception as exc:  # noqa: BLE001 - reported per scene
        res.error = f"{st.name}: its {len(chunks)} chunks rendered, but cannot be put together: {exc}"
    finally:
        for path in (joined, silent, voice):
            path.unlink(missing_ok=True)
    return res


def _voice(root: Path, report: RenderReport, target: Path) -> bool:
    """The scene's own voice track, for a scene put together from chunks.

    The join copies video only (a chunk's sound would be cut at its edges), so the
    scene's narration is placed again from its clips and mastered, as the lecture's
    is at the join (lecture/soundtrack/narrated.py), and muxed in: a scene video keeps its voice.
    """
    from lecture.soundtrack.narrated import scene_voice

    return scene_voice(root, report.narration or [], report.frame_rate, report.frames, target)


def describe_failure(label: str, out: JobOutcome, project) -> str:
    outcome, code = out.outcome, out.code
    log_rel = project.rel(out.log) if out.log else "-"
    if outcome is None:
        how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        return f"{label}: the render worker died ({how}); see {log_rel}"
    where = ""
    if outcome.file:
        where = f" at {outcome.file}:{outcome.line}"
        if outcome.code:
            where += f" ({outcome.code})"
    msg = f": {outcome.message}" if outcome.message else ""
    return f"{label}{where}: {outcome.type or 'Error'}{msg}  [log: {log_rel}]"


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt
