"""Built formulas kept on disk, so a formula is built once, not once per render.

scenes/memo.py builds each distinct formula once per render. A readout that
moves through many values (SignOfGradient's weight: some three hundred at
60 fps) still builds hundreds of formulas, and so does every chunk or section
preview of the scene, because fast-forwarding to it runs every readout before
it. Here each built formula is pickled to media/formulas/ (beside Manim's Tex
cache; $LECTURE_FORMULA_CACHE to put it elsewhere), keyed by everything that
determines it: its TeX strings, size and colour, the TeX template, the Manim
version and this format. Loading one takes a few milliseconds (it is stored
without the SVG paths it was parsed from, which only its construction reads);
building one takes tens. Files are written under a temporary name and renamed,
so parallel renders share them safely; an unreadable file counts as absent.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

import settings


FORMAT = 2  # 2: stored without the SVG paths the glyphs were made from (see _Lean)


def folder() -> Path:
    from manim import config

    if settings.current().formula_cache is not None:
        return settings.current().formula_cache
    return Path(config.get_dir("tex_dir")).parent / "formulas"


def key_of(tex: tuple[str, ...], size: float, color: str) -> str:
    import manim
    from manim import config

    template = config.tex_template
    what = [FORMAT, manim.__version__, list(tex), size, color, template.body,
            template.tex_compiler, template.output_format]
    return hashlib.sha256(json.dumps(what).encode()).hexdigest()


def load(key: str) -> dict[str, Any] | None:
    try:
        data = (folder() / key[:2] / f"{key}.pickle").read_bytes()
        record = pickle.loads(data)
        return record if isinstance(record, dict) and record.get("key") == key else None
    except Exception:  # noqa: BLE001 - missing, torn or from elsewhere: build it again
        return None


class _Lean(pickle.Pickler):
    """Pickles a formula without the parsed SVG paths its glyphs were made from.

    Manim reads a glyph's ``path_obj`` only while it makes the glyph's points (in
    its constructor, ``generate_points``); kept, the paths are most of a stored
    formula, and loading them would cost most of a load. A loaded formula's glyphs
    hold None there.
    """

    def __init__(self, file, protocol: int) -> None:
        import svgelements

        super().__init__(file, protocol=protocol)
        self._path = svgelements.Path

    def reducer_override(self, obj):
        if isinstance(obj, self._path):
            return type(None), ()
        return NotImplemented


def save(key: str, record: dict[str, Any]) -> None:
    path = folder() / key[:2] / f"{key}.pickle"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        _Lean(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump({**record, "key": key})
        data = buffer.getvalue()
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{key[:8]}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(Exception):
            os.unlink(tmp)
