"""Every change the lecture makes to Manim's own code, in one registry with one guard.

Each patch names the Manim functions, methods or classes it replaces, wraps or
overrides, with the hash of the source it was reviewed against. ``check()``
compares them with the installed Manim before anything is patched: a function
that differs stops the render with one line naming it and its patch (ManimChanged),
so a Manim upgrade is reviewed before it renders, never half-patched. The render
worker checks every patch first thing (lecture/worker/render.py); each install
function checks its own patch again, for callers such as the tests.

A replacement carries Manim's own object as ``__lecture_original__``
(``replace`` sets it), so a check made after an install still reads Manim's code.

To review an upgrade: read each changed function against the patch, update the
patch if needed, then its hash (``fingerprint`` of Manim's object).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
from dataclasses import dataclass
from typing import Any


class ManimChanged(RuntimeError):
    """Manim's code differs from what a patch was reviewed against."""


@dataclass(frozen=True)
class Patch:
    name: str
    module: str  # where the patch is written
    reviewed: dict[str, str]  # Manim's qualified name -> fingerprint of its reviewed code
    why: str


_WRITER = "manim.scene.scene_file_writer.SceneFileWriter"
_CAIRO = "manim.renderer.cairo_renderer.CairoRenderer"

REGISTRY: tuple[Patch, ...] = (
    Patch("shared caches", "lecture/worker/shared_cache.py", {
        "manim.utils.tex_file_writing.tex_to_svg_file": "b9bf5e69f268457b",
        "manim.utils.tex_file_writing.generate_tex_file": "1997843c0b9b34d5",
        "manim.utils.tex_file_writing.convert_to_svg": "df3328600d71e33f",
        "manim.mobject.svg.svg_mobject.SVGMobject.generate_mobject": "9b758944c36bc462",
        "manim.mobject.text.text_mobject.Text._text2svg": "309a6b76ea2e332d",
        "manim.mobject.text.text_mobject.MarkupText._text2svg": "6efb2b9ae051eec1",
        "manimpango.utils.PangoUtils.remove_last_M": "d75c7299903cb1f1",
        "manimpango.text2svg": "84493321ae7eb312",
        "manimpango.MarkupUtils.text2svg": "f2c2924b34bb1a59",
    }, "parallel renders share Manim's Tex and Text caches: each file is written atomically"),
    Patch("vectorised subpaths", "lecture/worker/subpaths.py", {
        "manim.mobject.types.vectorized_mobject.VMobject.get_subpaths_from_points": "b92d6ab26905518b",
        "manim.mobject.types.vectorized_mobject.VMobject._gen_subpaths_from_points": "821b9ba0135072e4",
        "manim.mobject.types.vectorized_mobject.VMobject.consider_points_equals": "8bc045c557a76e2a",
        "manim.mobject.types.vectorized_mobject.VMobject.get_subpath_split_indices_from_points":
            "f6390df4e1903191",
    }, "a redraw's point alignment uses Manim's own vectorised split"),
    Patch("scene sound track", "lecture/delivery/sound.py", {
        "manim.scene.scene_file_writer.convert_audio": "bd49e4285854ffe4",
    }, "a scene's own sound is encoded with the fast AAC coder"),
    Patch("delivery writer", "lecture/delivery/writer.py", {
        f"{_WRITER}.is_already_cached": "b2bcce277cf46744",
        f"{_WRITER}._create_segment_encoder": "02e02b1de2175d5a",
    }, "scene segments are encoded the way YouTube receives them"),
    Patch("window renderer", "lecture/worker/fastforward.py", {
        f"{_CAIRO}.update_frame": "8f79c10a482647be",
        f"{_CAIRO}.save_static_frame_data": "bd2d2188c2085080",
        f"{_CAIRO}.get_frame": "9d5ffa0b9ee9bdb1",
        f"{_CAIRO}.add_frame": "eadf486029f08f4e",
        f"{_CAIRO}.scene_finished": "75b619f2f4b5192c",
        f"{_WRITER}.next_section": "cbdf62c2c4a39faa",
        f"{_WRITER}.begin_animation": "7c4be6c4c6d14345",
        f"{_WRITER}.end_animation": "bc4df9c6642798aa",
        f"{_WRITER}.add_partial_movie_file": "5fdf0137c548cc57",
        f"{_WRITER}.add_sound": "a96a9c4265352e38",
    }, "a chunk or a section is rendered alone, fast-forwarded to its first frame"),
)

def resolve(qualified: str) -> Any:
    """Manim's own object for a qualified name (the original, once a patch replaced it)."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = inspect.getattr_static(obj, attr) if inspect.isclass(obj) else getattr(obj, attr)
            obj = getattr(obj, "__func__", obj)  # a staticmethod or classmethod: its function
        return getattr(obj, "__lecture_original__", obj)
    raise ImportError(qualified)


def fingerprint(obj: Any) -> str:
    """The hash of an object's source (of its signature, for compiled code)."""
    try:
        text = inspect.getsource(obj)
    except (OSError, TypeError):
        text = "signature " + str(inspect.signature(getattr(obj, "__wrapped__", obj)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def changed(only: str | None = None) -> list[tuple[Patch, str]]:
    """Every (patch, Manim name) whose installed code is not the reviewed code (of the
    patch named ``only``, when given)."""
    found = []
    for patch in REGISTRY:
        if only is not None and patch.name != only:
            continue
        for qualified, digest in patch.reviewed.items():
            try:
                now = fingerprint(resolve(qualified))
            except (ImportError, AttributeError, ValueError):
                now = "missing"
            if now != SIGNATURES.get(qualified, digest):
                found.append((patch, qualified))
    return found


def check(only: str | None = None) -> None:
    """Raise ManimChanged, one line naming the first changed function and its patch."""
    if only is not None and only not in {patch.name for patch in REGISTRY}:
        raise KeyError(only)
    found = changed(only)
    if found:
        import manim

        patch, qualified = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise ManimChanged(
            f"Manim {manim.__version__} changed {qualified}{more}, which the patch "
            f"'{patch.name}' ({patch.module}) relies on; review the patch, then update "
            "its hash in lecture/worker/patches.py")


def replace(owner: Any, attr: str, qualified: str, new: Any) -> None:
    """Put ``new`` in place of ``owner.attr`` (Manim's ``qualified``), marked with the original."""
    function = getattr(new, "__func__", new)
    function.__lecture_original__ = resolve(qualified)
    setattr(owner, attr, new)


SIGNATURES: dict[str, str] = {}  # filled below: the reviewed signature fingerprints
