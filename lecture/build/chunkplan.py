"""Where to cut stale scenes into chunks; recomputed on every build.

A scene can be cut only where one of its sections starts (a ``next_section``
call). Where those are, and when in the scene, comes from the scene's last
render at any quality (its meta's "split_points"); a scene never rendered is
rendered in one piece. If the scene changed since, the cuts may fall elsewhere
than planned, or past its end: each chunk still starts and ends at a section
call, chunks still follow on frame for frame, and a chunk past the end is
empty. The cuts are part of each chunk's key (lecture/build/chunks.py), so a changed
plan renders changed chunks.

``split``: "off" never cuts; a number N cuts every scene into N chunks (or as
many as it has sections); "auto" cuts a scene only when it alone costs more than a fair
share of the build (its estimated render time over the total divided by the
workers available), so on one machine with a few cores and many similar
scenes nothing is cut and the build is what it was.
"""

from __future__ import annotations

import math

from lecture.core.records import SceneMeta, SplitPoint
from lecture.build.chunks import Chunk

MIN_CHUNK_SECONDS = 4.0  # of video: a shorter chunk costs more in set-up than it saves


def last_split_points(project, name: str, quality: str) -> tuple[list[SplitPoint], float]:
    """The split points and duration of the scene's newest render at any quality."""
    metas = []
    for q in (quality, "l", "m", "h", "k"):
        meta, _ = SceneMeta.load(project.cache_dir(q) / f"{name}.json")
        if meta is not None and meta.split_points:
            metas.append(meta)
    if not metas:
        return [], 0.0
    meta = max(metas, key=lambda m: m.rendered_at)
    return list(meta.split_points), float(meta.duration or 0.0)


def cut(points: list[SplitPoint], duration: float, n: int,
        min_seconds: float = MIN_CHUNK_SECONDS) -> list[Chunk]:
    """At most ``n`` chunks of about equal length, cut at the given section starts."""
    points = sorted(points, key=lambda p: p.start)
    inner = [p for p in points if p.start > 0 and p.call > 0]
    cuts: list[SplitPoint] = []
    for k in range(1, n):
        target = duration * k / n
        options = [p for p in inner if not cuts or p.call > cuts[-1].call]
        if not options:
            break
        best = min(options, key=lambda p: abs(p.start - target))
        if best.start - (cuts[-1].start if cuts else 0) < min_seconds / 2:
            continue
        cuts.append(best)
    bounds = [(0, 0.0), *((p.call, p.start) for p in cuts), (None, duration)]
    count = len(bounds) - 1
    return [Chunk(i, count, bounds[i][0], bounds[i + 1][0], bounds[i + 1][1] - bounds[i][1])
            for i in range(count)]


def plan(pipe, states, slots: int, split: str | int = "auto") -> dict[str, list[Chunk]]:
    """{scene name: its chunks} for every stale scene worth cutting; the rest render whole."""
    if split == "off" or (split == "auto" and slots < 2):
        return {}
    movies = [st for st in states if not st.still]
    costs = {st.name: pipe._estimate(st) for st in movies}
    fair = sum(costs.values()) / max(1, slots)
    plans: dict[str, list[Chunk]] = {}
    for st in movies:
        points, duration = last_split_points(pipe.project, st.name, pipe.quality)
        if len(points) < 2 or duration <= 0:
            continue
        if split == "auto":
            n = math.ceil(costs[st.name] / fair) if fair > 0 else 1
            n, shortest = min(n, int(duration // MIN_CHUNK_SECONDS)), MIN_CHUNK_SECONDS
        else:
            n, shortest = int(split), 0.0  # asked for: any section start will do
        n = min(n, len(points))
        if n < 2:
            continue
        chunks = cut(points, duration, n, shortest)
        if len(chunks) > 1:
            plans[st.name] = chunks
    return plans
