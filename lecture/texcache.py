"""Make Manim's LaTeX cache safe to share between processes.

Manim compiles each formula into ``<tex_dir>/<hash>.svg`` and, after every
compile, deletes every file in that folder that is not .svg or .tex. Two
processes sharing the folder (parallel build workers, a test run beside a
render) therefore delete each other's half-made .dvi files, or read an .svg
that dvisvgm is still writing. ``install()`` wraps Manim's compile step so that
each formula is compiled under a lock of its own, and only that formula's
by-products are cleaned up; different formulas still compile in parallel.
"""

from __future__ import annotations

import fcntl
import functools
from pathlib import Path
from typing import Any

_BYPRODUCTS = (".aux", ".log", ".dvi", ".xdv", ".pdf")


def install() -> None:
    """Patch manim (idempotent): per-formula locking, no sweeping clean-up."""
    from manim import config
    from manim.mobject.text import tex_mobject
    from manim.utils import tex_file_writing as tfw

    if getattr(tfw.tex_to_svg_file, "_locked", False):
        return
    original = tfw.tex_to_svg_file

    @functools.wraps(original)
    def locked(expression: str, environment: str | None = None, tex_template: Any = None) -> Path:
        template = tex_template if tex_template is not None else config["tex_template"]
        tex_file = tfw.generate_tex_file(expression, environment, template)
        svg = tex_file.with_suffix(".svg")
        with open(tex_file.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if svg.exists():
                return svg
            previous = config["no_latex_cleanup"]
            config["no_latex_cleanup"] = True  # never sweep other processes' files
            try:
                result = original(expression, environment, tex_template)
            finally:
                config["no_latex_cleanup"] = previous
            if not previous:
                for suffix in _BYPRODUCTS:
                    tex_file.with_suffix(suffix).unlink(missing_ok=True)
            return result

    locked._locked = True  # type: ignore[attr-defined]
    tfw.tex_to_svg_file = locked
    tex_mobject.tex_to_svg_file = locked  # the name MathTex actually calls
