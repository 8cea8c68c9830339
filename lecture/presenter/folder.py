"""The presenter's output folder: built under a temporary name, marked, then swapped in.

A folder holding MARKER was written by `lecture present` and may be replaced by a
later run. Any other existing folder (or file) is refused, so a mistyped --out
never deletes someone's work. An empty folder holds nothing to lose and is used.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lecture.core.errors import LectureError

MARKER = ".lecture-presenter.json"
TOOL = "lecture present"


def read_marker(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == TOOL else None


def is_presenter(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and read_marker(folder) is not None


def check_target(out: Path, shown: str) -> None:
    """Refuse an output path that exists and is not a presenter folder (or empty)."""
    if not (out.exists() or out.is_symlink()):
        return
    if out.is_dir() and not out.is_symlink():
        if is_presenter(out) or not any(out.iterdir()):
            return
    kind = "a file" if out.is_file() else "a folder that lecture present did not make"
    raise LectureError(f"{shown} exists and is {kind}; not overwriting it: choose another "
                       "--out or remove it yourself")


def is_current(out: Path, key: str) -> bool:
    """Is `out` a complete presenter folder built from these inputs?"""
    marker = read_marker(out) if out.is_dir() else None
    if not marker or marker.get("key") != key:
        return False
    return all((out / name).is_file() for name in marker.get("files", []))


def _sweep(out: Path) -> None:
    """Remove what an interrupted run left beside `out` (only folders it marked)."""
    for path in out.parent.glob(f".{out.name}.*-*"):
        if path.is_dir() and read_marker(path) is not None:
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def staging(out: Path, key: str) -> Iterator[Path]:
    """Yield an empty marked folder beside `out`; on success it replaces `out`.

    The marker is written first (so a crash leaves a folder the next run may
    sweep) and rewritten last with the key and file list (so an interrupted
    folder never counts as current).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    _sweep(out)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    tmp.mkdir()  # never someone else's: ours were swept, and mkdir fails on anything else
    _write_marker(tmp, {"tool": TOOL, "key": None, "files": []})
    try:
        yield tmp
        files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*")
                       if p.is_file() and p.name != MARKER)
        _write_marker(tmp, {"tool": TOOL, "key": key, "files": files})
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.is_dir():
            check_target(out, str(out))  # it may have changed while we built
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_marker(folder: Path, data: dict[str, Any]) -> None:
    (folder / MARKER).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
