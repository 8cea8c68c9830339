"""Typed records: everything that crosses a process or lands on disk (see base.py)."""

from lecture.core.records.base import Record, RecordError
from lecture.core.records.cache import (BuildRecord, ChunkEntry, NarrationManifest, SceneMeta,
                                        SceneSection, SectionPreview, SplitPoint)
from lecture.core.records.render import Outcome, RenderReport, ReportSection, Window

__all__ = ["BuildRecord", "ChunkEntry", "NarrationManifest", "Outcome", "Record", "RecordError",
           "RenderReport", "ReportSection", "SceneMeta", "SceneSection", "SectionPreview",
           "SplitPoint", "Window"]
