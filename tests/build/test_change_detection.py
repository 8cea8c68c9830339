"""What makes a scene stale: its file, the project modules it uses, manim.cfg, the quality,
the Manim version. Pure hashing, no rendering."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lecture.build.deps import DependencyGraph, scene_key
from lecture.core.project import Project

from tests.fixtures.pipeline import write_project


def keys(root: Path, quality: str = "l", version: str = "0.22.0") -> dict[str, str]:
    project = Project(root)
    graph = DependencyGraph(root)
    return {s.name: scene_key(graph, s.path, project.cfg, quality, version)[0]
            for s in project.scenes}


def deps(root: Path, rel: str) -> set[str]:
    graph = DependencyGraph(root)
    return {graph.rel(p) for p in graph.dependencies(root / rel)}


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    return write_project(tmp_path / "proj")


def edit(path: Path, extra: str = "\n# edited\n") -> None:
    path.write_text(path.read_text() + extra)


def test_dependencies_follow_names_through_the_package(proj: Path) -> None:
    # `from lessonlib import two` needs two.py and what it imports, not one.py or __init__.py.
    assert deps(proj, "scenes/beta.py") == {"scenes/beta.py", "lessonlib/two.py", "lessonlib/_base.py"}
    assert deps(proj, "scenes/alpha.py") == {"scenes/alpha.py", "lessonlib/one.py"}
    assert deps(proj, "scenes/gamma.py") == {"scenes/gamma.py"}


def test_scene_file_change_rerenders_only_that_scene(proj: Path) -> None:
    before = keys(proj)
    edit(proj / "scenes/alpha.py")
    after = keys(proj)
    assert after["Alpha"] != before["Alpha"]
    assert after["Beta"] == before["Beta"] and after["Gamma"] == before["Gamma"]


def test_lessonlib_change_rerenders_the_scenes_using_that_module_only(proj: Path) -> None:
    before = keys(proj)
    edit(proj / "lessonlib/two.py")
    after = keys(proj)
    assert after["Beta"] != before["Beta"]
    assert after["Alpha"] == before["Alpha"] and after["Gamma"] == before["Gamma"]


def test_transitive_lessonlib_change_is_seen(proj: Path) -> None:
    before = keys(proj)
    (proj / "lessonlib/_base.py").write_text("BASE = 2\n")
    after = keys(proj)
    assert after["Beta"] != before["Beta"] and after["Alpha"] == before["Alpha"]


def test_unrelated_files_and_lecture_order_do_not_rerender(proj: Path) -> None:
    before = keys(proj)
    (proj / "scenes/__init__.py").write_text('LECTURE = ("Gamma", "Beta", "Alpha")\nTHUMBNAIL = "Thumb"\n')
    (proj / "notes.py").write_text("x = 1\n")
    assert keys(proj) == before


def test_cfg_quality_and_manim_version_change_every_scene(proj: Path) -> None:
    base = keys(proj)
    assert all(base[n] != v for n, v in keys(proj, quality="h").items())
    assert all(base[n] != v for n, v in keys(proj, version="0.23.0").items())
    edit(proj / "manim.cfg", "\n# a comment is enough\n")
    assert all(base[n] != v for n, v in keys(proj).items())


@pytest.mark.parametrize("imports, expected", [
    ("import lessonlib.one as o\nx = o.one()", {"lessonlib/one.py"}),
    ("from lessonlib.two import two", {"lessonlib/two.py", "lessonlib/_base.py"}),
    ("import lessonlib\nx = lessonlib.one()", {"lessonlib/one.py"}),
    ("import lessonlib.one\nx = lessonlib.one.one()", {"lessonlib/one.py"}),
    ("from lessonlib import *", {"lessonlib/__init__.py", "lessonlib/one.py", "lessonlib/two.py",
                                  "lessonlib/_base.py"}),
    ("import lessonlib as ll\nprint(ll)", {"lessonlib/__init__.py", "lessonlib/one.py",
                                           "lessonlib/two.py", "lessonlib/_base.py"}),
    ("from manim import *\nimport numpy", set()),
    ("def f():\n    from lessonlib import one\n    return one()", {"lessonlib/one.py"}),
])
def test_import_styles(proj: Path, imports: str, expected: set[str]) -> None:
    (proj / "scenes/probe.py").write_text(imports + "\n")
    assert deps(proj, "scenes/probe.py") == expected | {"scenes/probe.py"}


def test_relative_imports_between_scene_helpers(proj: Path) -> None:
    (proj / "scenes/palette.py").write_text("RED = '#f00'\n")
    (proj / "scenes/common.py").write_text("from . import palette\n\n\ndef title():\n    return palette.RED\n")
    (proj / "scenes/probe.py").write_text(textwrap.dedent("""
        from .common import title
        from scenes.palette import RED
    """))
    assert deps(proj, "scenes/probe.py") == {"scenes/probe.py", "scenes/common.py", "scenes/palette.py"}


def test_import_cycles_terminate(proj: Path) -> None:
    (proj / "lessonlib/one.py").write_text("from .two import two\n\n\ndef one():\n    return two() - 1\n")
    (proj / "lessonlib/two.py").write_text("from .one import one\n\n\ndef two():\n    return 2\n")
    assert deps(proj, "scenes/alpha.py") == {"scenes/alpha.py", "lessonlib/one.py", "lessonlib/two.py"}


def test_a_file_with_a_syntax_error_still_hashes(proj: Path) -> None:
    before = keys(proj)
    (proj / "scenes/alpha.py").write_text("class Alpha(:\n")
    assert keys(proj)["Alpha"] != before["Alpha"]
