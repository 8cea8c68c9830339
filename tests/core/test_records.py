"""Typed records: a round trip keeps every field; another format, a missing or an unknown key
is refused with one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from lecture.core.records import (ChunkEntry, Outcome, RecordError, RenderReport, ReportSection,
                                  SceneMeta, SceneSection, SectionPreview, SplitPoint, Window)
from lecture.core.store import Stamp

names = st.text(min_size=1, max_size=12)
counts = st.integers(min_value=0, max_value=10**6)
times = st.floats(min_value=0, max_value=1e4, allow_nan=False)
maybe = st.one_of(st.none(), names)
stamps = st.builds(Stamp, counts, counts, st.text("0123456789abcdef", min_size=64, max_size=64))
windows = st.builds(Window, counts, st.one_of(st.none(), counts), maybe, maybe)
sections = st.lists(st.builds(ReportSection, names, counts, counts, counts), max_size=3)
captions = st.lists(st.tuples(counts, counts, counts, names).map(list), max_size=3)
lines = st.one_of(st.none(), st.lists(st.fixed_dictionaries({"caption": names, "at": times}),
                                      max_size=2))
reports = st.builds(RenderReport, st.sampled_from(["5", "30000/1001"]), counts, counts, sections,
                    captions, lines, times, st.one_of(st.none(), windows))


def _meta(**changes) -> SceneMeta:
    base = SceneMeta(
        scene="Intro", file="scenes/intro.py", quality="l", hash="k" * 64, inputs={"a.py": "1"},
        manim_version="0.22.0", render_seconds=1.5, max_rss_kib=10, cpu_seconds=1.2, chunks=0,
        drawing_seconds=0.5, voice_seconds=0.0, rendered_at="2026-01-01T00:00:00",
        video="media/lecture/scenes/l/Intro.mp4", video_stamp=Stamp(1, 2, "f" * 64),
        captions=None, duration=2.0, sections=[SceneSection("Intro", 0.0, 2.0)],
        duration_exact="2", width=160, height=90, frame_rate=5.0, frames=10,
        split_points=[SplitPoint(0, 0.0)])
    return base.replace(**changes)


@given(windows)
def test_a_window_survives_json(window: Window) -> None:
    assert Window.from_json(window.to_json()) == window


@given(reports)
def test_a_report_survives_json(report: RenderReport) -> None:
    assert RenderReport.from_json(report.to_json()) == report


@given(reports, stamps, times)
def test_a_chunk_entry_survives_json_and_leaves_its_place_out(report, stamp, spent) -> None:
    entry = ChunkEntry("key", report, stamp, spent, spent, video="/tmp/x.mp4")
    assert "video" not in entry.to_dict()
    assert ChunkEntry.from_json(entry.to_json()) == entry.replace(video=None)


@given(st.one_of(st.builds(Outcome.failure, names, names),
                 st.builds(Outcome, st.just(True), maybe, report=reports)))
def test_an_outcome_survives_json(outcome: Outcome) -> None:
    assert Outcome.from_json(outcome.to_json()) == outcome


def test_scene_meta_round_trip_and_sparse_keys() -> None:
    meta = _meta()
    assert SceneMeta.from_json(meta.to_json()) == meta
    still = _meta(duration_exact=None, width=None, height=None, frame_rate=None, frames=None,
                  split_points=None)
    data = still.to_dict()
    assert "split_points" not in data and "captions_stamp" not in data and data["format"] == 1
    assert SceneMeta.from_dict(data) == still


def test_a_scene_meta_written_before_formats_is_read_as_format_one() -> None:
    data = _meta().to_dict()
    del data["format"]
    assert SceneMeta.from_dict(data) == _meta()


def test_another_format_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "Intro.json"
    path.write_text(_meta().to_json().replace('"format": 1', '"format": 2'))
    with pytest.raises(RecordError) as err:
        SceneMeta.read(path)
    message = err.value.format_message()
    assert "\n" not in message and str(path) in message
    assert "format 2" in message and "format 1" in message


def test_a_window_without_a_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="format none"):
        Window.from_dict({"start": 0, "end": None, "section": None, "tag": None}, "job")


def test_a_missing_key_is_refused_in_one_line(tmp_path: Path) -> None:
    data = _meta().to_dict()
    del data["hash"]
    with pytest.raises(RecordError) as err:
        SceneMeta.from_dict(data, "Intro.json")
    assert err.value.format_message() == "Intro.json: a SceneMeta record without hash"


def test_an_unknown_key_is_refused_in_one_line() -> None:
    data = {**_meta().to_dict(), "colour": "red"}
    with pytest.raises(RecordError,
                       match="^Intro.json: unknown keys in a SceneMeta record: colour$"):
        SceneMeta.from_dict(data, "Intro.json")


def test_a_nested_record_is_checked_too() -> None:
    data = _meta().to_dict()
    data["sections"] = [{"name": "Intro", "start": 0.0}]
    with pytest.raises(RecordError, match="sections: a SceneSection record without end"):
        SceneMeta.from_dict(data, "Intro.json")


def test_not_json_and_no_file(tmp_path: Path) -> None:
    assert SectionPreview.read(tmp_path / "absent.json") is None
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(RecordError, match="bad.json: not JSON"):
        SectionPreview.read(tmp_path / "bad.json")
