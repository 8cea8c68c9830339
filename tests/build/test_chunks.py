"""Scenes cut into chunks, and one-section previews, give the frames of a render in one piece.

The reference is each scene rendered whole (`lecture build --chunks off`). The
same scenes built in chunks must decode to the same frames, with the same
captions and narration placements; a section preview must decode to that
section's frames. Manim's own skipping (`manim -n`) is shown to get such a
scene wrong, so the comparison can fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures import chunked_project as cp

pytestmark = pytest.mark.slow


def lecture(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lecture", *args], cwd=root,
                          env=cp.env_for(root), capture_output=True, text=True, timeout=300)


@pytest.fixture
def reference(chunked_reference) -> Path:
    """The project built with every scene in one piece; its scene cache is the reference."""
    return chunked_reference


def cache(root: Path) -> Path:
    return root / "media" / "lecture" / "scenes" / "l"


def test_chunked_build_equals_the_build_in_one_piece(reference, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(reference, root)
    for name in ("drift", "redraw", "spoken"):  # stale, so all three render again, in chunks
        with open(root / "scenes" / f"{name}.py", "a") as fh:
            fh.write("# edited\n")
    done = lecture(root, "build", "-q", "l", "--chunks", "3")
    assert done.returncode == 0, done.stderr + done.stdout
    for scene in ("Drift", "Redraw", "Spoken"):
        meta = json.loads((cache(root) / f"{scene}.json").read_text())
        assert meta["chunks"] == 3, f"{scene} was not cut: {done.stdout}"
        bad = cp.same_frames(cp.frames(cache(reference) / f"{scene}.mp4"),
                             cp.frames(cache(root) / f"{scene}.mp4"))
        assert not bad, f"{scene}: frames {bad[:10]} differ from the render in one piece"
        assert (cache(root) / f"{scene}.srt").read_text() == \
            (cache(reference) / f"{scene}.srt").read_text()
        old = json.loads((cache(reference) / f"{scene}.json").read_text())
        assert meta["sections"] == old["sections"]
    spoken = [json.loads((cache(r) / "Spoken.narration.json").read_text())["lines"]
              for r in (reference, root)]
    assert [(l["caption"], l["frame"], l["start"]) for l in spoken[0]] == \
        [(l["caption"], l["frame"], l["start"]) for l in spoken[1]]
    assert len(spoken[0]) == 3
    assert not any((root / "media" / "lecture" / "chunks" / "l").glob("*/*"))  # put together


def test_section_preview_is_that_section_of_the_whole_render(reference, tmp_path):
    root = tmp_path / "proj"
    shutil.copytree(reference, root)
    whole = cp.frames(cache(reference) / "Redraw.mp4")
    for section in ("middle",):
        done = lecture(root, "render", "Redraw", "--section", section, "-q", "l")
        assert done.returncode == 0, done.stderr + done.stdout
        folder = root / "media" / "lecture" / "sections" / "l" / "Redraw"
        meta = json.loads((folder / f"{section}.json").read_text())
        first, count = meta["first_frame"], meta["frames"]
        assert 0 < first and count > 0
        bad = cp.same_frames(whole[first:first + count], cp.frames(folder / f"{section}.mp4"))
        assert not bad, f"section {section}: frames {bad[:10]} differ from the whole render"
    middle = (folder / "middle.srt").read_text()
    assert "00:00:00,500 --> 00:00:00,800\nmiddle" in middle  # in the section's own time


def test_manim_own_skipping_gets_this_scene_wrong(reference, tmp_path):
    """`manim -n 2` starts at the same animation as the section "end", with other frames."""
    done = subprocess.run(
        [sys.executable, "-m", "manim", "render", "scenes/redraw.py", "Redraw", "-n", "2",
         *cp.FPS_ARGS.split(), "--disable_caching", "--progress_bar", "none", "--silent",
         "--media_dir", str(tmp_path)], cwd=reference, env=cp.env_for(reference),
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    skipped = cp.frames(next(tmp_path.glob("videos/*/*/Redraw.mp4")))
    whole = cp.frames(cache(reference) / "Redraw.mp4")
    assert len(skipped) < len(whole)
    assert cp.same_frames(whole[-len(skipped):], skipped)


def test_an_unknown_section_is_one_line_listing_the_sections(reference):
    done = lecture(reference, "render", "Redraw", "--section", "nowhere")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no section 'nowhere'" in lines[0] and "start, middle, end" in lines[0]


def test_watch_a_section_rerenders_it_on_save(reference, tmp_path):
    import signal

    from tests.build.test_watch import _lines, _wait_for

    root = tmp_path / "proj"
    shutil.copytree(reference, root)
    unknown = lecture(root, "watch", "Redraw", "--section", "nowhere")
    assert unknown.returncode == 2 and "start, middle, end" in unknown.stderr
    proc = subprocess.Popen([sys.executable, "-m", "lecture", "watch", "Redraw", "--section",
                             "end"], cwd=root, env=cp.env_for(root), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    out = _lines(proc)
    try:
        _wait_for(out, "Redraw / end rendered in", 120)
        with open(root / "scenes" / "redraw.py", "a") as fh:
            fh.write("# edited\n")
        (line,) = _wait_for(out, "Redraw / end rendered in", 120)[-1:]
        assert "saved scenes/redraw.py" in line
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    assert proc.returncode == 0
