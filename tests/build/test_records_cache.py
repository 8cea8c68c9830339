"""A scene's cache entry as a record: one written before records had a format is still
fresh; one of another format is stale, with one line saying why, and rendered again."""

from __future__ import annotations

import json
from pathlib import Path

from lecture.build.pipeline import CHANGED, FRESH, Pipeline
from lecture.core.project import Project

from tests.fixtures.pipeline import lecture


def _state(root: Path, name: str):
    project = Project(root)
    scene = next(s for s in project.scenes if s.name == name)
    return Pipeline(project, "l").state(scene)


def _rewrite(path: Path, **changes) -> None:
    data = json.loads(path.read_text())
    data.update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        del data[key]
    path.write_text(json.dumps(data))


def test_an_entry_without_a_format_is_read_as_format_one(built: Path) -> None:
    entry = built / "media/lecture/scenes/l/Alpha.json"
    assert json.loads(entry.read_text())["format"] == 1
    _rewrite(entry, format=None)
    assert _state(built, "Alpha").status == FRESH


def test_an_entry_of_another_format_is_stale_and_rendered_again(built: Path) -> None:
    entry = built / "media/lecture/scenes/l/Alpha.json"
    _rewrite(entry, format=99)
    st = _state(built, "Alpha")
    assert st.status == CHANGED and "\n" not in st.reason
    assert str(entry) in st.reason and "format 99" in st.reason and "format 1" in st.reason
    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "Alpha" in done.stdout and json.loads(entry.read_text())["format"] == 1
    assert _state(built, "Alpha").status == FRESH
