"""Where scenes are cut, and how chunk reports become one scene's (no rendering here)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from lecture.build import chunkplan, chunks
from lecture.core.records import RenderReport, ReportSection, SceneMeta, SplitPoint

POINTS = [SplitPoint(**p) for p in [
    {"call": 1, "start": 0.0}, {"call": 2, "start": 10.0}, {"call": 4, "start": 19.0},
    {"call": 5, "start": 31.0}, {"call": 6, "start": 38.0}]]


def report(first: int, frames: int, sections, captions=(), narration=None, fps="15.0"):
    return RenderReport(fps=fps, first_frame=first, frames=frames,
                        sections=[ReportSection(**s) for s in sections],
                        captions=list(captions), narration=narration)


def test_cut_at_the_section_starts_nearest_equal_lengths():
    cut = chunkplan.cut(POINTS, 40.0, 2)
    assert [(c.start, c.end) for c in cut] == [(0, 4), (4, None)]
    assert [c.seconds for c in cut] == [19.0, 21.0]
    assert [(c.start, c.end) for c in chunkplan.cut(POINTS, 40.0, 4)] == \
        [(0, 2), (2, 4), (4, 5), (5, None)]


def test_cut_never_makes_a_chunk_shorter_than_asked():
    cut = chunkplan.cut(POINTS, 40.0, 5, min_seconds=16.0)
    assert all(c.seconds >= 8.0 for c in cut)
    assert len(cut) < 5


def test_chunk_keys_change_with_the_cut_and_the_scene():
    a, b = chunkplan.cut(POINTS, 40.0, 2)[0], chunkplan.cut(POINTS, 40.0, 4)[0]
    assert a.key("scene-key") != b.key("scene-key") != a.key("other-key")


def plan_for(tmp_path: Path, costs: dict[str, float], slots: int, split="auto"):
    cache = tmp_path / "l"
    cache.mkdir(exist_ok=True)
    for name in costs:
        SceneMeta(scene=name, file="s.py", quality="l", hash="", inputs={}, manim_version="",
                  render_seconds=0.0, max_rss_kib=0, cpu_seconds=0.0, chunks=0,
                  drawing_seconds=None, voice_seconds=0.0, video="", video_stamp=None,
                  captions=None, sections=[], split_points=POINTS, duration=40.0,
                  rendered_at="2026-01-01T00:00:00").write(cache / f"{name}.json")
    project = SimpleNamespace(cache_dir=lambda q: cache)
    pipe = SimpleNamespace(project=project, quality="l",
                           _estimate=lambda st: costs[st.name])
    states = [SimpleNamespace(name=n, still=False) for n in costs]
    return chunkplan.plan(pipe, states, slots, split)


def test_auto_cuts_only_a_scene_longer_than_its_fair_share(tmp_path):
    even = {"A": 10.0, "B": 11.0, "C": 9.0, "D": 10.0}
    assert plan_for(tmp_path, even, 2) == {}  # one machine, similar scenes: as before
    assert plan_for(tmp_path, {"A": 10.0}, 1) == {}
    plans = plan_for(tmp_path, {"A": 60.0, "B": 10.0, "C": 10.0}, 4)
    assert set(plans) == {"A"} and len(plans["A"]) == 3
    assert plan_for(tmp_path, even, 2, "off") == {}
    assert {n: len(c) for n, c in plan_for(tmp_path, even, 1, 2).items()} == \
        {"A": 2, "B": 2, "C": 2, "D": 2}


def test_merge_joins_windows_into_the_scene():
    one = report(0, 30, [{"name": "autocreated", "call": 0, "first_frame": 0, "frames": 30}],
                 [[0, 0, 1_000_000, "a"]], [{"frame": 3}])
    two = report(30, 15, [{"name": "b", "call": 1, "first_frame": 30, "frames": 15}],
                 [[1, 2_100_000, 2_500_000, "b"]], [{"frame": 31}])
    merged = chunks.merge([one, two])
    assert merged.frames == 45 and merged.first_frame == 0
    assert [s.name for s in merged.sections] == ["autocreated", "b"]
    assert merged.narration == [{"frame": 3}, {"frame": 31}]
    text = chunks.captions_srt(merged.captions)
    assert "00:00:02,100 --> 00:00:02,500\nb" in text
    from fractions import Fraction

    sections = [s.to_dict() for s in chunks.sections_in_seconds(merged, "Scene", Fraction(3))]
    assert sections == [{"name": "Scene", "start": 0.0, "end": 2.0},
                        {"name": "b", "start": 2.0, "end": 3.0}]


@pytest.mark.parametrize("second, problem", [
    (report(29, 15, []), "starts at frame 29"),  # overlaps the first
    (report(31, 15, []), "starts at frame 31"),  # leaves a gap
    (report(30, 15, [], fps="30.0"), "30.0 fps"),
])
def test_merge_refuses_chunks_that_do_not_follow_on(second, problem):
    with pytest.raises(ValueError, match=problem):
        chunks.merge([report(0, 30, []), second])
