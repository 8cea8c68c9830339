"""One registry of Manim patches, one guard: the reviewed source hash of every Manim
function a patch relies on; an unreviewed Manim stops a render in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lecture.worker import patches
from tests.fixtures.pipeline import env_for, lecture, write_project


def test_every_patch_was_reviewed_against_this_manim():
    assert patches.changed() == []  # an upgrade shows here: review each patch, update its hash
    patches.check()


def test_every_name_in_the_registry_is_found_in_manim():
    for patch in patches.REGISTRY:
        for qualified in patch.reviewed:
            assert patches.resolve(qualified) is not None, qualified


def test_a_check_after_install_still_reads_manims_own_code():
    from lecture.worker import shared_cache, subpaths

    shared_cache.install()
    subpaths.install()
    assert patches.changed() == []


def _wrong(monkeypatch, name: str, qualified: str) -> None:
    patch = next(p for p in patches.REGISTRY if p.name == name)
    monkeypatch.setitem(patch.reviewed, qualified, "0" * 16)


@pytest.mark.parametrize("name, qualified", [
    ("shared caches", "manim.utils.tex_file_writing.convert_to_svg"),
    ("window renderer", "manim.renderer.cairo_renderer.CairoRenderer.add_frame"),
    ("delivery writer", "manim.scene.scene_file_writer.SceneFileWriter._create_segment_encoder"),
])
def test_an_unreviewed_function_fails_in_one_line_naming_it(monkeypatch, name, qualified):
    _wrong(monkeypatch, name, qualified)
    with pytest.raises(patches.ManimChanged) as info:
        patches.check()
    message = str(info.value)
    assert qualified in message and f"'{name}'" in message and "\n" not in message


def test_an_install_refuses_an_unreviewed_manim(monkeypatch):
    from manim.mobject.types.vectorized_mobject import VMobject

    from lecture.worker import subpaths

    name = "manim.mobject.types.vectorized_mobject.VMobject.consider_points_equals"
    _wrong(monkeypatch, "vectorised subpaths", name)
    monkeypatch.setattr(VMobject, "get_subpaths_from_points",
                        patches.resolve(subpaths._QUALIFIED))  # Manim's own, not yet patched
    with pytest.raises(patches.ManimChanged, match="consider_points_equals"):
        subpaths.install()
    assert VMobject.get_subpaths_from_points is not subpaths.get_subpaths_from_points


SITECUSTOMIZE = """
from lecture.worker import patches
patches.REGISTRY[0].reviewed["manim.utils.tex_file_writing.convert_to_svg"] = "0" * 16
"""


@pytest.mark.slow
def test_a_render_on_an_unreviewed_manim_fails_in_one_line(tmp_path: Path):
    root = write_project(tmp_path / "project")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = env_for(root, PYTHONPATH=str(site), LECTURE_ZYGOTE="0")
    done = lecture(root, "render", "Alpha", "--chunks", "off", env=env)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "ManimChanged" in lines[0], done.stderr
    assert "manim.utils.tex_file_writing.convert_to_svg" in lines[0]
    assert not (root / "media" / "lecture" / "scenes" / "l" / "Alpha.mp4").exists()
