"""The PDF handout: one page per beat, its last frame and its words; pdftoppm renders it."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from lecture.media.video import frames_at

from tests.presenter.page import beats, closest_frame

pytestmark = pytest.mark.slow

BACKGROUND = np.array([16, 20, 24], dtype=np.float32)  # the fixture's manim.cfg


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.fail(f"{name} is not installed (poppler-utils): run `make setup`")
    return path


def render_page(pdf, page: int, out) -> Image.Image:
    subprocess.run([tool("pdftoppm"), "-png", "-r", "50", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(out)], check=True, timeout=30)
    return Image.open(f"{out}.png").convert("RGB")


def frame_on_page(page: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """The frame drawn on a page: the box of pixels in the lecture's background colour."""
    pixels = np.asarray(page, dtype=np.float32)
    dark = np.abs(pixels - BACKGROUND).sum(axis=2) < 24
    rows, cols = np.where(dark)
    box = (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)
    return np.asarray(page.crop(box).resize(size, Image.BILINEAR), dtype=np.float32)


def test_each_page_holds_its_beats_frame_and_words(silent, tmp_path):
    pdf = silent / "handout.pdf"
    all_beats = beats(silent)
    out = subprocess.run([tool("pdfinfo"), str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    info = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    assert int(info["Pages"]) == len(all_beats)
    assert info["Title"].strip() == "Shapes, a test lecture: handout"

    references = [np.asarray(img.convert("RGB"), dtype=np.float32)
                  for img in frames_at(silent / "lecture.mp4", [b["end"] for b in all_beats])]
    size = (references[0].shape[1], references[0].shape[0])
    for number in (1, 2):  # two pages are enough to tell that each has its own frame
        page = render_page(pdf, number, tmp_path / f"page{number}")
        assert page.height > page.width  # A4 portrait
        index, diffs = closest_frame(frame_on_page(page, size), references)
        assert index == number - 1, f"page {number} shows beat {index + 1}'s frame: {diffs}"

    for beat in all_beats:
        text = subprocess.run([tool("pdftotext"), "-f", str(beat["number"]), "-l",
                               str(beat["number"]), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert beat["title"] in text
        if beat["notes"]:
            assert " ".join(beat["notes"].split()) in " ".join(text.split())
