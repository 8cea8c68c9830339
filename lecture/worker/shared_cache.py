"""Make Manim's on-disk caches safe to share between processes.

Our build workers, the test suite's xdist workers and cluster tasks all point
Manim at one cache folder, so that a formula is compiled once, not once per
process. Manim (checked against 0.22.0) assumes it is alone there. A review of
every file Manim writes found these races, each patched below:

1. LaTeX by-products. After every compile Manim deletes each file in tex_dir
   that is not .svg or .tex, including another process's half-made .dvi.
   Each formula now compiles under a lock of its own and only its own
   by-products are removed; different formulas still compile in parallel.
2. The .tex source (``generate_tex_file``) and the .svg made by dvisvgm
   (``convert_to_svg``) were written in place, so a reader could see half a
   file. Both are now written under a temporary name and renamed.
3. ``SVGMobject.generate_mobject`` writes a modified copy of every SVG it parses
   to ``<hash>_.svg`` beside it, parses it and deletes it. Two processes parsing
   the same formula wrote, read and deleted the same file (FileNotFoundError,
   or an XML ParseError on a half-written copy). The copy now has a unique name.
4. ``Text``/``MarkupText`` SVGs are written by manimpango straight to their
   final name; a second process that finds the name parses half a file. They
   are now written under a temporary name and renamed.
5. ``Text`` and ``MarkupText`` then call manimpango's ``PangoUtils.remove_last_M``
   on that shared file at every make, cached or not: it reopens the file for
   writing (truncating it) and writes it back, so another process reads an
   empty file (XML ParseError). It now writes only when the content changes,
   and then atomically.

Not patched, because our callers never share them: the scene's own video
folders (partial movie segments, their pruning, the ``_temp`` movie and the
sound file). They are per scene and quality, and the build holds the project
lock, so one scene at one quality renders once at a time in a media folder.

``install()`` refuses to patch a Manim whose patched functions differ from the
ones reviewed (lecture/worker/patches.py lists them with their hashes): an
upgrade fails loudly instead of racing silently. ``LECTURE_SHARED_CACHE=off``
leaves Manim unpatched; the stress test uses it to show the races are real.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import settings

_BYPRODUCTS = (".aux", ".log", ".dvi", ".xdv", ".pdf")

def _replace_atomically(final: Path, write: Callable[[Path], Any]) -> None:
    """Call write(tmp) with a temporary sibling of ``final``, then rename it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.stem}.",
                                    suffix=f".tmp{final.suffix}")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _patched() -> dict[str, Callable[..., Any]]:
    """The replacement functions (built lazily: importing this module never imports Manim)."""
    from manim import config
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.utils import tex_file_writing as tfw

    def generate_tex_file(expression: str, environment: str | None = None,
                          tex_template: Any = None) -> Path:
        # Patch 2: the .tex source written under a temporary name and renamed.
        template = tex_template if tex_template is not None else config["tex_template"]
        if environment is not None:
            output = template.get_texcode_for_expression_in_env(expression, environment)
        else:
            output = template.get_texcode_for_expression(expression)
        tex_dir = config.get_dir("tex_dir")
        tex_dir.mkdir(parents=True, exist_ok=True)
        result = tex_dir / (tfw.tex_hash(output) + ".tex")
        if not result.exists():
            _replace_atomically(result, lambda tmp: tmp.write_text(output, encoding="utf-8"))
        return result

    def convert_to_svg(dvi_file: Path, extension: str, page: int = 1) -> Path:
        # Patch 2: dvisvgm writes a temporary name, renamed once it is complete.
        result = dvi_file.with_suffix(".svg")
        if not result.exists():
            def run(tmp: Path) -> None:
                subprocess.run(["dvisvgm", *(["--pdf"] if extension == ".pdf" else []),
                                f"--page={page}", "--no-fonts", "--verbosity=0",
                                f"--output={tmp.as_posix()}", dvi_file.as_posix()],
                               stdout=subprocess.DEVNULL)
                if not tmp.stat().st_size:
                    raise ValueError(f"dvisvgm could not convert {dvi_file.name} to SVG; "
                                     "dvisvgm 2.4 or newer is needed")
            _replace_atomically(result, run)
        return result

    original_tex_to_svg = tfw.tex_to_svg_file

    def tex_to_svg_file(expression: str, environment: str | None = None,
                        tex_template: Any = None) -> Path:
        # Patch 1: one lock per formula; no sweeping clean-up of other formulas' files.
        template = tex_template if tex_template is not None else config["tex_template"]
        tex_file = generate_tex_file(expression, environment, template)
        svg = tex_file.with_suffix(".svg")
        if svg.exists():
            return svg
        with _file_lock(tex_file.with_suffix(".lock")):
            if svg.exists():
                return svg
            previous = config["no_latex_cleanup"]
            config["no_latex_cleanup"] = True  # never sweep other processes' files
            try:
                result = original_tex_to_svg(expression, environment, template)
            finally:
                config["no_latex_cleanup"] = previous
            if not previous:
                for suffix in _BYPRODUCTS:
                    tex_file.with_suffix(suffix).unlink(missing_ok=True)
            return result

    def generate_mobject(self: SVGMobject) -> SVGMobject:
        # Patch 3: the modified copy gets a name of its own, not the shared "<hash>_.svg".
        import xml.etree.ElementTree as ET

        import svgelements as se
        from manim.constants import RIGHT

        file_path = self.get_file_path()
        new_tree = self.modify_xml_tree(ET.parse(file_path))
        fd, scratch = tempfile.mkstemp(dir=file_path.parent, prefix=f".{file_path.stem}_",
                                       suffix=file_path.suffix)
        os.close(fd)
        try:
            new_tree.write(scratch)
            svg = se.SVG.parse(scratch)
        finally:
            os.unlink(scratch)
        mobjects, mobject_dict = self.get_mobjects_from(svg)
        self.add(*mobjects)
        self.id_to_vgroup_dict = mobject_dict
        self.flip(RIGHT)
        return self

    return {
        "manim.utils.tex_file_writing.tex_to_svg_file": tex_to_svg_file,
        "manim.utils.tex_file_writing.generate_tex_file": generate_tex_file,
        "manim.utils.tex_file_writing.convert_to_svg": convert_to_svg,
        "manim.mobject.svg.svg_mobject.SVGMobject.generate_mobject": generate_mobject,
    }


def _atomic_text2svg(original: Callable[..., str], name_index: int) -> Callable[..., str]:
    """Patch 4: a manimpango writer that renders to a temporary name and renames it."""

    @functools.wraps(original)
    def write(*args: Any, **kwargs: Any) -> str:
        args = list(args)
        final = Path(args[name_index])
        out: list[str] = []

        def render(tmp: Path) -> None:
            args[name_index] = str(tmp)
            out.append(original(*args, **kwargs))

        _replace_atomically(final, render)
        return str(final)

    write._shared_cache = True  # type: ignore[attr-defined]
    return write


def remove_last_m(file_name: str) -> None:
    """Patch 5: PangoUtils.remove_last_M, writing only a changed file, and atomically."""
    import re

    path = Path(file_name)
    content = path.read_text()
    changed = re.sub(r'Z M [^A-Za-z]*? "\/>', 'Z "/>', content)
    if changed != content:
        _replace_atomically(path, lambda tmp: tmp.write_text(changed))


def install() -> None:
    """Patch Manim for shared caches (idempotent); ManimChanged if Manim is not the one reviewed."""
    if not settings.current().shared_cache:
        return
    import manimpango
    from manim.mobject.svg.svg_mobject import SVGMobject
    from manim.mobject.text import tex_mobject
    from manim.utils import tex_file_writing as tfw

    from lecture.worker import patches

    if getattr(tfw.tex_to_svg_file, "_shared_cache", False):
        return
    patches.check("shared caches")
    patched = _patched()
    for fn in patched.values():
        fn._shared_cache = True  # type: ignore[attr-defined]
    tex = "manim.utils.tex_file_writing."
    for name in ("generate_tex_file", "convert_to_svg", "tex_to_svg_file"):
        patches.replace(tfw, name, tex + name, patched[tex + name])
    tex_mobject.tex_to_svg_file = tfw.tex_to_svg_file  # the name MathTex actually calls
    svg = "manim.mobject.svg.svg_mobject.SVGMobject.generate_mobject"
    patches.replace(SVGMobject, "generate_mobject", svg, patched[svg])
    # Text._text2svg calls manimpango.text2svg(..., file_name (5th), ...);
    # MarkupText._text2svg calls MarkupUtils.text2svg(..., file_name (8th), ...).
    patches.replace(manimpango, "text2svg", "manimpango.text2svg",
                    _atomic_text2svg(manimpango.text2svg, 4))
    patches.replace(manimpango.PangoUtils, "remove_last_M", "manimpango.utils.PangoUtils.remove_last_M",
                    staticmethod(remove_last_m))
    patches.replace(manimpango.MarkupUtils, "text2svg", "manimpango.MarkupUtils.text2svg",
                    staticmethod(_atomic_text2svg(
                        manimpango.MarkupUtils.__dict__["text2svg"].__func__, 7)))
