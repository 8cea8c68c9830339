"""The render pipeline: decide what is stale, render it in parallel workers, cache it.

A scene's cache entry (media/lecture/scenes/<quality>/<Scene>.{mp4,srt,json}) is
fresh when the JSON's hash equals the scene's current key (see deps.scene_key)
and the video on disk is the one that was written (size, mtime, SHA-256). The
JSON is written last, so it is the commit record of a render.

Nothing in this module imports Manim or PyAV at import time: deciding that
nothing needs doing must stay fast.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import settings
from lecture.build import chunks
from lecture import delivery
from lecture.soundtrack import narrated
from lecture.core import store
from lecture.core.records import Outcome, SceneMeta
from lecture.build.deps import DependencyGraph, scene_key
from lecture.core.project import Project, Scene
from lecture.build.scheduler import RenderResult  # noqa: F401 - part of this module's interface

# Status of a scene at one quality.
FRESH = "fresh"  # cached render matches the sources
NEW = "new"  # never rendered at this quality
CHANGED = "changed"  # sources changed since the cached render
CORRUPT = "corrupt"  # cached file missing, truncated or altered
MISSING = "missing"  # the scene's file does not exist


def manim_version() -> str:
    try:
        return metadata.version("manim")
    except metadata.PackageNotFoundError:
        return "unknown"


def extra_manim_args() -> list[str]:
    """Extra `manim render` options for every render, from $LECTURE_MANIM_ARGS.

    Meant for tests and experiments (e.g. "--fps 5 -r 160,90"); part of the cache key.
    """
    return list(settings.current().manim_args)


@dataclass
class SceneState:
    scene: Scene
    quality: str
    still: bool = False
    key: str = ""
    inputs: dict[str, str] = field(default_factory=dict)
    meta: SceneMeta | None = None
    status: str = NEW
    reason: str = ""

    @property
    def name(self) -> str:
        return self.scene.name

    @property
    def fresh(self) -> bool:
        return self.status == FRESH


class Pipeline:
    """One project at one quality: freshness, rendering and the cache."""

    def __init__(self, project: Project, quality: str, graph: DependencyGraph | None = None) -> None:
        self.project = project
        self.quality = quality
        self.graph = graph or DependencyGraph(project.root)
        self.manim_version = manim_version()
        self.extra = extra_manim_args()
        self.encoding = delivery.cache_token(quality)  # how scene videos are encoded

    # -- paths ----------------------------------------------------------------------------

    @property
    def cache(self) -> Path:
        return self.project.cache_dir(self.quality)

    def meta_path(self, name: str) -> Path:
        return self.cache / f"{name}.json"

    # -- freshness ------------------------------------------------------------------------

    def state(self, scene: Scene, still: bool = False) -> SceneState:
        st = SceneState(scene, self.quality, still)
        if not scene.exists:
            st.status, st.reason = MISSING, f"{scene.rel} does not exist"
            return st
        extra = " ".join(self.extra) + (" still" if still else
                                         " voice " + narrated.scene_identity(self.project.root, scene.name)
                                         + f" {self.encoding}")
        st.key, st.inputs = scene_key(self.graph, scene.path, self.project.cfg, self.quality,
                                      self.manim_version, extra)
        st.meta, unreadable = SceneMeta.load(self.meta_path(scene.name))
        if unreadable:
            st.status, st.reason = CHANGED, f"cache entry not readable: {unreadable}"
        elif st.meta is None:
            st.status, st.reason = NEW, "not rendered yet"
        elif st.meta.hash != st.key:
            st.status, st.reason = CHANGED, self._what_changed(st.meta.inputs, st.inputs, st.meta)
        elif not self._files_intact(st.meta):
            st.status, st.reason = CORRUPT, "cached output is missing or damaged"
        else:
            st.status = FRESH
        return st

    def _what_changed(self, old: dict[str, str], new: dict[str, str], meta: SceneMeta) -> str:
        changed = sorted(k for k in new if old.get(k) != new[k])
        if changed:
            return "changed: " + ", ".join(changed[:3]) + (" ..." if len(changed) > 3 else "")
        if meta.manim_version != self.manim_version:
            return f"Manim {meta.manim_version} -> {self.manim_version}"
        return "changed: manim.cfg or render options"

    def _files_intact(self, meta: SceneMeta) -> bool:
        root = self.project.root
        for folder, rel, stamp in ((root, meta.video, meta.video_stamp),
                                   (root, meta.captions, meta.captions_stamp),
                                   (self.cache, meta.narration, meta.narration_stamp)):
            if rel is None:
                continue
            path = folder / rel
            if stamp is None or not stamp.matches(path):
                return False
        return True

    def states(self, scenes: Iterable[Scene], still: bool = False) -> list[SceneState]:
        return [self.state(s, still) for s in scenes]

    # -- rendering ------------------------------------------------------------------------

    def render(self, states: list[SceneState], jobs: int, events=None, cluster=None,
               split: str | int = "auto", on_scene=None) -> list["RenderResult"]:
        """Render `states` (all stale) with up to `jobs` local workers, or on a `cluster`,
        longest first, cutting long scenes into chunks when `split` allows (see
        lecture/build/scheduler.py). Each finished scene is validated and committed to the
        cache at once, so an interrupted or partly failed build keeps what did finish,
        and handed to ``on_scene`` (its meta) when given.
        """
        from lecture.build import scheduler

        return scheduler.render(self, states, jobs, events, cluster, split, on_scene)

    def _estimate(self, st: SceneState) -> float:
        """Expected render cost, for longest-first scheduling."""
        if st.still:
            return 0.0
        for q in (self.quality, "l", "m", "h", "k"):
            meta, _ = SceneMeta.load(self.project.cache_dir(q) / f"{st.name}.json")
            if meta is not None and meta.render_seconds:
                scale = {"l": 1, "m": 2.5, "h": 8, "k": 30}
                return float(meta.render_seconds) * scale[self.quality] / scale[q]
        try:
            return st.scene.path.stat().st_size / 1000.0
        except OSError:
            return 0.0

    def _commit(self, st: SceneState, outcome: Outcome, res: "RenderResult") -> None:
        self.cache.mkdir(parents=True, exist_ok=True)
        meta: dict[str, Any] = {  # SceneMeta's fields
            "scene": st.name, "file": st.scene.rel, "quality": self.quality, "hash": st.key,
            "inputs": st.inputs, "manim_version": self.manim_version,
            "render_seconds": round(res.seconds, 3), "max_rss_kib": res.max_rss_kib,
            "cpu_seconds": round(res.cpu_seconds, 3), "chunks": res.chunks,
            "drawing_seconds": outcome.drawing_seconds,
            "voice_seconds": outcome.voice_seconds or 0.0,
            "rendered_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
        }
        src = Path(outcome.video) if outcome.video else None
        if st.still:
            if src is None or not src.is_file():
                raise RuntimeError("Manim wrote no image")
            image = self.cache / f"{st.name}.png"
            shutil.copyfile(src, store.tmp_name(image))
            store.commit(store.tmp_name(image), image)
            meta.update(video=self.project.rel(image), video_stamp=store.Stamp.of(image),
                        captions=None, duration=0.0, sections=[])
        else:
            if src is None or not src.is_file():
                raise RuntimeError("Manim wrote no video (does the scene play any animation?)")
            from lecture.media.video import probe

            info = probe(src)
            report = outcome.report  # this render's own frames, sections, captions
            if info.frames != report.frames:
                raise RuntimeError(f"{report.frames} frames were rendered but the video "
                                   f"has {info.frames}")
            video = self.cache / f"{st.name}.mp4"
            store.commit(src, video)  # same file system: an atomic rename
            captions = self.cache / f"{st.name}.srt"
            if report.captions:
                store.write_bytes(captions, chunks.captions_srt(report.captions).encode())
                meta.update(captions=self.project.rel(captions),
                            captions_stamp=store.Stamp.of(captions))
            else:
                captions.unlink(missing_ok=True)
                meta["captions"] = None
            meta.update(narrated.commit(self.cache, st.name, report.narration,
                                        outcome.frame_rate or float(info.frame_rate)))
            meta.update(
                video=self.project.rel(video), video_stamp=store.Stamp.of(video),
                duration=float(info.duration), duration_exact=str(info.duration),
                width=info.width, height=info.height, frame_rate=float(info.frame_rate),
                frames=info.frames,
                sections=chunks.sections_in_seconds(report, st.name, info.duration),
                split_points=chunks.split_points(report),
            )
        record = SceneMeta(**meta)
        record.write(self.meta_path(st.name))
        res.meta = record


