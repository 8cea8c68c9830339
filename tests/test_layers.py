"""The layer contract in pyproject.toml ([tool.importlinter]) holds, and it can fail:
a deliberately wrong import (one upward, one across the top-level packages, one
circle) breaks the contract that forbids it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lecture", "scenes", "narration", "lessonlib", "settings")
LINT = str(Path(sys.executable).with_name("lint-imports"))


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run([LINT, "--no-cache"], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_code_keeps_every_contract():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    for name in PACKAGES:
        shutil.copytree(ROOT / name, root / name,
                        ignore=shutil.ignore_patterns("__pycache__", "assets"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize("module, line, broken", [
    ("lecture/core/store.py", "from lecture.cli import build", "lecture's stages import downwards"),
    ("lecture/media/video.py", "import lecture.publish.upload", "lecture's stages import downwards"),
    ("lessonlib/lesson.py", "import scenes.common",
     "the lecture over its scenes, the narration, the lesson's maths and the settings"),
    ("lecture/build/chunks.py", "import lecture.build.scheduler",
     "no circle of imports between the modules of any package"),
])
def test_a_wrong_import_breaks_its_contract(copy_of_the_code, tmp_path, module, line, broken):
    root = tmp_path / "code"
    shutil.copytree(copy_of_the_code, root)
    path = root / module
    path.write_text(path.read_text() + f"\n{line}  # deliberately wrong\n")
    done = lint(root)
    assert done.returncode != 0, done.stdout
    assert f"{broken} BROKEN" in done.stdout, done.stdout
    assert "1 broken" in done.stdout, done.stdout
