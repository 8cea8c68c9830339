"""Where the lecture lives: its root, its scenes in order, and where outputs go.

Everything here is read from the source with `ast`, never by importing the
scenes, so `lecture list` and a no-op `lecture build` stay fast and never
import Manim.
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import settings
from lecture.core.errors import LectureError, UnknownSceneError

# Manim's quality flags and what each renders at (manim/constants.py).
QUALITIES = {
    "l": (854, 480, 15.0),
    "m": (1280, 720, 30.0),
    "h": (1920, 1080, 60.0),
    "k": (3840, 2160, 60.0),
}
QUALITY_NAMES = tuple(QUALITIES)


def snake_case(name: str) -> str:
    """SignOfGradient -> sign_of_gradient (the house rule for scene file names)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


@dataclass(frozen=True)
class Scene:
    """One scene of the lecture: its class name and the file that should define it."""

    name: str
    path: Path  # absolute
    rel: str  # relative to the project root, POSIX style

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    def defines_class(self) -> bool:
        """True when the file defines a top-level class with the scene's name."""
        try:
            tree = ast.parse(self.path.read_bytes(), filename=str(self.path))
        except (OSError, SyntaxError):
            return False
        return any(isinstance(n, ast.ClassDef) and n.name == self.name for n in tree.body)

    def check(self) -> None:
        """Raise a one-line LectureError when the scene cannot be rendered at all."""
        if not self.exists:
            raise LectureError(f"scene {self.name}: {self.rel} does not exist yet "
                               "(it is listed in scenes/__init__.py)")
        try:
            ast.parse(self.path.read_bytes(), filename=str(self.path))
        except SyntaxError as exc:
            raise LectureError(f"scene {self.name}: {self.rel}:{exc.lineno}: "
                               f"SyntaxError: {exc.msg}") from None
        if not self.defines_class():
            raise LectureError(f"scene {self.name}: {self.rel} does not define class {self.name}")


class Project:
    """A lecture project: a folder with manim.cfg and a scenes package listing LECTURE."""

    def __init__(self, root: Path, media: Path | None = None) -> None:
        self.root = root.resolve()
        if media is None:
            media = settings.current().media_dir or self.root / "media"
        self.media = (media if media.is_absolute() else self.root / media).resolve()
        self.scenes_dir = self.root / "scenes"
        self.cfg = self.root / "manim.cfg"
        self.lecture, self.thumbnail_name = self._read_order()

    # -- discovery -----------------------------------------------------------------

    @classmethod
    def find(cls, start: Path | None = None) -> "Project":
        """The project containing `start` (default: $LECTURE_ROOT or the current folder)."""
        here = settings.current().root or start or Path.cwd()
        here = here.resolve()
        for folder in (here, *here.parents):
            if (folder / "scenes" / "__init__.py").is_file() and (folder / "manim.cfg").is_file():
                return cls(folder)
        raise LectureError(f"no lecture project here: {here} has no scenes/__init__.py and "
                           "manim.cfg above it; run lecture from the repository root")

    def _read_order(self) -> tuple[tuple[str, ...], str | None]:
        init = self.scenes_dir / "__init__.py"
        try:
            tree = ast.parse(init.read_bytes(), filename=str(init))
        except SyntaxError as exc:
            raise LectureError(f"scenes/__init__.py:{exc.lineno}: SyntaxError: {exc.msg}") from None
        values: dict[str, object] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name) and target.id in ("LECTURE", "THUMBNAIL"):
                    try:
                        values[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        raise LectureError(f"scenes/__init__.py:{node.lineno}: {target.id} must "
                                           "be written out literally") from None
        lecture = values.get("LECTURE")
        if not isinstance(lecture, (list, tuple)) or not all(isinstance(s, str) for s in lecture):
            raise LectureError("scenes/__init__.py must define LECTURE as a tuple of class names")
        if len(set(lecture)) != len(lecture):
            raise LectureError("scenes/__init__.py: LECTURE names a scene twice")
        thumb = values.get("THUMBNAIL")
        return tuple(lecture), thumb if isinstance(thumb, str) else None

    # -- scenes ----------------------------------------------------------------------

    def scene(self, name: str) -> Scene:
        path = self.scenes_dir / f"{snake_case(name)}.py"
        return Scene(name, path, path.relative_to(self.root).as_posix())

    @property
    def scenes(self) -> list[Scene]:
        return [self.scene(n) for n in self.lecture]

    @property
    def thumbnail(self) -> Scene | None:
        return self.scene(self.thumbnail_name) if self.thumbnail_name else None

    def all_names(self) -> list[str]:
        names = list(self.lecture)
        if self.thumbnail_name and self.thumbnail_name not in names:
            names.append(self.thumbnail_name)
        return names

    def resolve(self, query: str) -> Scene:
        """A scene from its class name or file name (with or without .py), any case."""
        q = query.strip()
        key = Path(q).name.lower()
        if key.endswith(".py"):
            key = key[:-3]
        for name in self.all_names():
            if key in (name.lower(), snake_case(name)):
                return self.scene(name)
        names = self.all_names()
        pool = {n.lower(): n for n in names} | {snake_case(n): n for n in names}
        close = difflib.get_close_matches(key, list(pool), n=1, cutoff=0.5)
        hint = f" Did you mean {pool[close[0]]}?" if close else ""
        raise UnknownSceneError(f"unknown scene {query!r}.{hint} "
                                f"Scenes: {', '.join(names)}")

    # -- outputs ---------------------------------------------------------------------

    def rel(self, path: Path) -> str:
        """`path` relative to the project root when inside it, else absolute."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def lecture_dir(self) -> Path:
        return self.media / "lecture"

    def out_dir(self, quality: str) -> Path:
        return self.lecture_dir / quality

    def cache_dir(self, quality: str) -> Path:
        return self.lecture_dir / "scenes" / quality

    @property
    def work_dir(self) -> Path:
        """Manim's own media folder for our renders (its Tex and segment caches)."""
        return self.lecture_dir / "work"

    @property
    def log_dir(self) -> Path:
        return self.lecture_dir / "logs"

    @property
    def lock_path(self) -> Path:
        return self.lecture_dir / "lock"
