"""Memoised readouts (scenes/memo.py) draw exactly the frames of formulas built afresh.

SignOfGradient's live readouts are rendered (at 160x90, 2 fps) through the beat
where the weight moves and the readouts change every frame, once with the memo
and once without; every decoded frame must be equal. Formulas kept on disk are
compared with Manim's own builds, attribute by attribute. A redraw that rebuilds the
animation's starting copy instead of the drawing (an easy mistake) is caught.
"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from scenes import memo

pytestmark = pytest.mark.slow

FIRST, END = 2, 4  # next_section calls: the weight appears, then moves (readouts change)


def frames_of(tmp_path, enabled: bool, redraw=None, store=None) -> list[np.ndarray]:
    """Decoded frames of SignOfGradient's beats with the memo on or off (or a wrong redraw)."""
    from manim import tempconfig

    from lecture.worker import fastforward, shared_cache
    from scenes.sign_of_gradient import SignOfGradient
    from tests.screen import TEX_CACHE

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LECTURE_VOICE", "none")
        patch.setenv("LECTURE_FORMULA_CACHE", str(store or tmp_path / "formulas"))
        patch.setattr(memo, "enabled", enabled)
        if redraw is not None:
            import scenes.sign_of_gradient

            patch.setattr(scenes.sign_of_gradient, "redraw_on_change", redraw)
        memo.forget()
        try:
            return _render(SignOfGradient, tmp_path, tempconfig, fastforward, shared_cache,
                           TEX_CACHE)
        finally:
            memo.forget()


def _render(scene_cls, tmp_path, tempconfig, fastforward, shared_cache, TEX_CACHE):
    from manim.mobject.svg import svg_mobject

    # As in a render of its own: Manim's in-memory SVG cache starts empty (the first
    # build of a formula differs from later ones, which are copies: its sheen direction).
    svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
    shared_cache.install()
    TEX_CACHE.mkdir(parents=True, exist_ok=True)
    with tempconfig({"media_dir": str(tmp_path), "tex_dir": str(TEX_CACHE), "disable_caching": True,
                     "verbosity": "WARNING", "progress_bar": "none", "pixel_width": 160,
                     "pixel_height": 90, "frame_rate": 2}):
        scene = scene_cls()
        fastforward.install(scene, FIRST, END)
        scene.render()
        video = scene.renderer.file_writer.movie_file_path
    with av.open(str(video)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> list[np.ndarray]:
    return frames_of(tmp_path_factory.mktemp("fresh"), enabled=False)


def test_memoised_readouts_draw_the_same_frames(fresh, tmp_path):
    cached = frames_of(tmp_path, enabled=True)
    assert len(fresh) == len(cached) > 15
    differing = [i for i, (a, b) in enumerate(zip(fresh, cached)) if not np.array_equal(a, b)]
    assert not differing, f"frames {differing[:10]} differ with the memo on"
    assert any((tmp_path / "formulas").rglob("*.pickle"))


def state(mob) -> dict:
    """Everything a formula holds that drawing or transforming it reads (not the SVG path a
    glyph was made from: only its construction reads that, see the test below)."""
    out = {}
    for i, part in enumerate(mob.get_family()):
        for name, value in part.__dict__.items():
            if name in ("updaters", "original_id", "path_obj"):
                continue
            if isinstance(value, np.ndarray):
                value = (value.dtype.str, value.tolist())
            elif name in ("submobjects", "id_to_vgroup_dict"):
                value = len(value)
            else:
                value = repr(value)
            out[(i, type(part).__name__, name)] = value
    return out


def test_formulas_from_memory_or_disk_are_the_formulas_manim_builds(tmp_path, monkeypatch):
    """The first request is Manim's first build; later ones, and ones loaded in a later
    render, are its later builds (copies from its SVG cache)."""
    from manim import MathTex, tempconfig
    from manim.mobject.svg import svg_mobject

    from tests.screen import TEX_CACHE

    monkeypatch.setenv("LECTURE_FORMULA_CACHE", str(tmp_path / "formulas"))
    monkeypatch.setattr(memo, "enabled", True)
    tex = ("w", "=", "0.37")
    with tempconfig({"media_dir": str(tmp_path), "tex_dir": str(TEX_CACHE)}):
        svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
        first, later = (MathTex(*tex, font_size=32, color="#F0E442") for _ in range(2))
        for source in ("built", "loaded"):
            svg_mobject.SVG_HASH_TO_MOB_MAP.clear()
            memo.forget()
            got = [memo.get_math_memo(*tex, size=32, color="#F0E442") for _ in range(3)]
            assert state(got[0]) == state(first), source
            assert state(got[1]) == state(later) == state(got[2]), source
            made_from = [p.path_obj for m in got for p in m.get_family() if hasattr(p, "path_obj")]
            assert made_from, source  # glyphs made from SVG paths
            # Stored without them (formula_store._Lean), built with them.
            assert all((x is None) == (source == "loaded") for x in made_from), source
        assert state(first) != state(later)  # the difference the memo must reproduce


def test_a_redraw_that_updates_the_wrong_mobject_is_caught(fresh, tmp_path):
    """Wrong on purpose: rebuilding the mobject an updater is called for, which during an
    animation is the animation's starting copy (always_redraw rebuilds the drawing)."""

    def redraw_on_change(key, build):
        mob = build(key())
        last = {"key": key(), "state": None}

        def update(m):  # m: the drawing, or the starting copy of an animation of it
            if key() == last["key"] and memo._state(m) == last["state"]:
                return
            m.become(build(key()))
            last["key"], last["state"] = key(), memo._state(m)

        mob.add_updater(update)
        return mob

    broken = frames_of(tmp_path, enabled=True, redraw=redraw_on_change)
    assert len(broken) == len(fresh)
    assert any(not np.array_equal(a, b) for a, b in zip(fresh, broken))


def test_manim_reads_a_glyphs_svg_path_only_while_making_it():
    """Stored formulas leave out each glyph's ``path_obj`` (scenes/formula_store.py), so
    Manim must not read it once the glyph is made. In Manim's source only
    VMobjectFromSVGPath reads it (its constructor, and ``handle_commands``), and in that
    class and those derived from it (Brace) the methods that make the points again are
    called only by one another and by constructors (Mobject.__init__ calls
    ``generate_points``)."""
    import ast

    import manim

    classes: dict[str, ast.ClassDef] = {}
    for path in Path(manim.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                classes[node.name] = node
    glyphs = {name for name, cls in classes.items() if name == "VMobjectFromSVGPath" or any(
        getattr(b, "id", getattr(b, "attr", "")) == "VMobjectFromSVGPath" for b in cls.bases)}
    readers, makers = set(), set()
    remake = {"handle_commands", "generate_points", "init_points"}
    for name, cls in classes.items():
        for method in (m for m in cls.body if isinstance(m, ast.FunctionDef)):
            nodes = list(ast.walk(method))
            if any(isinstance(n, ast.Attribute) and n.attr == "path_obj" for n in nodes):
                readers.add((name, method.name))
            if name in glyphs and method.name != "__init__" and any(
                    isinstance(n, ast.Call) and getattr(n.func, "attr", "") in remake
                    for n in nodes):
                makers.add((name, method.name))
    assert glyphs == {"VMobjectFromSVGPath", "Brace"}, glyphs
    assert readers == {("VMobjectFromSVGPath", "__init__"),
                       ("VMobjectFromSVGPath", "handle_commands")}, readers
    assert makers == {("VMobjectFromSVGPath", "generate_points"),
                      ("VMobjectFromSVGPath", "init_points")}, makers
