"""Which project files a scene depends on, and the content hash that decides a rerender.

Found by reading imports with `ast` (nothing is imported, so this never loads
Manim). Only modules that resolve to a file inside the project count; Manim,
numpy and the standard library are covered by the Manim version in the hash.

Precision rule: names are followed to the module that defines them. A package
`__init__.py` that only re-exports (`from .losses import mse`) is seen through,
so `from lessonlib import mse` depends on lessonlib/losses.py (and what *it*
imports), not on every module lessonlib happens to import. A module whose own
top-level definitions are used, or that is used as a whole (`import lessonlib
as ll; f(ll)`, `from lessonlib import *`), is a dependency with everything it
imports.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

# Bump when the render recipe changes in a way that invalidates every cached scene.
PIPELINE_VERSION = "1"

WHOLE = None  # "the whole module", as opposed to a set of names taken from it


@dataclass
class ModuleInfo:
    path: Path
    name: str  # dotted module name
    is_package: bool
    # (module, level, names or WHOLE) for every import anywhere in the file;
    # `module` is absolute after resolving `level` against this module.
    imports: list[tuple[str, frozenset[str] | None]] = field(default_factory=list)
    # name -> (absolute module, name there) for top-level `from x import name` re-exports.
    reexports: dict[str, tuple[str, str]] = field(default_factory=dict)


class DependencyGraph:
    """Resolves imports of project files to project files, with memoised parsing."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._info: dict[Path, ModuleInfo | None] = {}
        self._digest: dict[Path, str] = {}

    # -- module resolution --------------------------------------------------------------

    def module_file(self, dotted: str, near: Path | None = None) -> Path | None:
        """The file for module `dotted` in the project (root first, then beside `near`)."""
        parts = dotted.split(".")
        bases = [self.root]
        if near is not None and near.parent != self.root:
            bases.append(near.parent)  # a script's folder is on sys.path when run directly
        for base in bases:
            stem = base.joinpath(*parts)
            for candidate in (stem.with_suffix(".py"), stem / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None

    def _dotted(self, path: Path) -> str:
        rel = path.relative_to(self.root).with_suffix("")
        parts = list(rel.parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    def info(self, path: Path) -> ModuleInfo | None:
        if path in self._info:
            return self._info[path]
        try:
            source = path.read_bytes()
            tree = ast.parse(source, filename=str(path))
        except (OSError, SyntaxError, ValueError):
            self._info[path] = None  # hashed as bytes; the render will report the error
            return None
        is_package = path.name == "__init__.py"
        name = self._dotted(path) if path.is_relative_to(self.root) else path.stem
        info = ModuleInfo(path, name, is_package)
        package = name if is_package else name.rpartition(".")[0]
        usage = _AttributeUsage()
        usage.visit(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    if alias.asname:
                        names = usage.names_on(bound, ())
                        info.imports.append((alias.name, names))
                    else:
                        # `import a.b` binds `a`; `a.b.x` uses x from a.b.
                        info.imports.append((alias.name, usage.names_on(bound, alias.name.split(".")[1:])))
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(node.module, node.level, package)
                if base is None:
                    continue
                names = frozenset(a.name for a in node.names)
                info.imports.append((base, WHOLE if "*" in names else names))
                if node in tree.body:
                    for alias in node.names:
                        if alias.name != "*":
                            info.reexports[alias.asname or alias.name] = (base, alias.name)
        self._info[path] = info
        return info

    # -- dependency sets ----------------------------------------------------------------

    def dependencies(self, scene_file: Path) -> list[Path]:
        """Every project file `scene_file` depends on, itself included, sorted."""
        found: set[Path] = set()
        seen: set[tuple[str, str | None]] = set()
        self._whole_file(scene_file.resolve(), found, seen)
        return sorted(found)

    def _whole_file(self, path: Path, found: set[Path], seen: set) -> None:
        if path in found:
            return
        found.add(path)
        info = self.info(path)
        if info is None:
            return
        for module, names in info.imports:
            self._use(module, names, path, found, seen)

    def _use(self, module: str, names: frozenset[str] | None, near: Path,
             found: set[Path], seen: set) -> None:
        target = self.module_file(module, near)
        if target is None:
            return  # not a project module
        if names is WHOLE:
            self._whole_file(target, found, seen)
            return
        for name in names:
            key = (str(target), name)
            if key in seen:
                continue
            seen.add(key)
            submodule = self.module_file(f"{module}.{name}", near) if target.name == "__init__.py" else None
            if submodule is not None:
                self._whole_file(submodule, found, seen)
                continue
            info = self.info(target)
            if info is not None and name in info.reexports:
                src_module, src_name = info.reexports[name]
                if self.module_file(src_module, target) is not None:
                    self._use(src_module, frozenset([src_name]), target, found, seen)
                    continue
            self._whole_file(target, found, seen)

    # -- hashing ------------------------------------------------------------------------

    def file_digest(self, path: Path) -> str:
        if path not in self._digest:
            self._digest[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self._digest[path]

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def scene_key(graph: DependencyGraph, scene_file: Path, cfg: Path, quality: str,
              manim_version: str, extra: str = "") -> tuple[str, dict[str, str]]:
    """The content hash of everything a scene's render depends on, and its inputs by file."""
    inputs = {graph.rel(p): graph.file_digest(p) for p in graph.dependencies(scene_file)}
    cfg_digest = hashlib.sha256(cfg.read_bytes()).hexdigest() if cfg.is_file() else "-"
    h = hashlib.sha256()
    for line in (f"pipeline {PIPELINE_VERSION}", f"quality {quality}", f"manim {manim_version}",
                 f"cfg {cfg_digest}", f"extra {extra}", f"scene {graph.rel(scene_file)}",
                 *(f"file {k} {v}" for k, v in sorted(inputs.items()))):
        h.update(line.encode() + b"\n")
    return h.hexdigest(), inputs


def _absolute(module: str | None, level: int, package: str) -> str | None:
    if level == 0:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) if base else None


class _AttributeUsage(ast.NodeVisitor):
    """For each bare name, the dotted attribute chains read from it (`ll.mse` -> ll: [mse])."""

    def __init__(self) -> None:
        self.chains: dict[str, list[tuple[str, ...]]] = {}

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain: list[str] = []
        cur: ast.expr = node
        while isinstance(cur, ast.Attribute):
            chain.append(cur.attr)
            cur = cur.value
        if isinstance(cur, ast.Name):
            self.chains.setdefault(cur.id, []).append(tuple(reversed(chain)))
        else:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self.chains.setdefault(node.id, []).append(())

    def names_on(self, bound: str, prefix: list[str] | tuple[str, ...]) -> frozenset[str] | None:
        """Names read from module `bound.prefix`; WHOLE when it is used any other way."""
        prefix = tuple(prefix)
        names: set[str] = set()
        for chain in self.chains.get(bound, []):
            if len(chain) <= len(prefix) or chain[: len(prefix)] != prefix:
                if chain[: len(prefix)] == prefix[: len(chain)]:
                    return WHOLE  # the module object itself escapes
                continue  # a different submodule of the same package
            names.add(chain[len(prefix)])
        return frozenset(names) if names else WHOLE
