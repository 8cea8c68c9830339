"""Contact sheets: the last frame of every section, labelled with its name and end time."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from lecture.core import store
from lecture.core.project import Project
from lecture.core.records import SceneMeta, SceneSection

CELL_WIDTH = 320
COLUMNS = 4
PAD = 12
LABEL = 34
TITLE = 44
BACKGROUND = (16, 20, 24)
TEXT = (236, 239, 244)
MUTED = (154, 165, 177)


def _font(size: int):
    from PIL import ImageFont

    for name in ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def _fit(draw, text: str, font, width: int) -> str:
    if draw.textlength(text, font=font) <= width:
        return text
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…"


def section_frames(project: Project, meta: SceneMeta) -> list[tuple[SceneSection, Any]]:
    """(section, PIL image of its last frame) for each section of one cached scene."""
    from lecture.media.video import frames_at

    sections = meta.sections or [SceneSection(meta.scene, 0.0, meta.duration)]
    images = frames_at(project.root / meta.video, [s.end for s in sections])
    return list(zip(sections, images))


def _sheet(title: str, cells: list[tuple[str, Any]], out: Path) -> Path:
    from PIL import Image, ImageDraw

    first = cells[0][1]
    cell_h = round(CELL_WIDTH * first.height / first.width)
    cols = min(COLUMNS, len(cells))
    rows = -(-len(cells) // cols)
    width = PAD + cols * (CELL_WIDTH + PAD)
    height = TITLE + rows * (cell_h + LABEL + PAD) + PAD
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    draw.text((PAD, PAD), _fit(draw, title, _font(22), width - 2 * PAD), fill=TEXT, font=_font(22))
    small = _font(13)
    for i, (label, image) in enumerate(cells):
        x = PAD + (i % cols) * (CELL_WIDTH + PAD)
        y = TITLE + (i // cols) * (cell_h + LABEL + PAD)
        sheet.paste(image.convert("RGB").resize((CELL_WIDTH, cell_h)), (x, y))
        draw.rectangle((x - 1, y - 1, x + CELL_WIDTH, y + cell_h), outline=MUTED)
        for j, line in enumerate(label.split("\n")[:2]):
            draw.text((x, y + cell_h + 4 + 15 * j), _fit(draw, line, small, CELL_WIDTH),
                      fill=TEXT if j == 0 else MUTED, font=small)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    store.write_bytes(out, buffer.getvalue())
    return out


def scene_sheet(project: Project, meta: SceneMeta, out: Path) -> Path:
    """One scene's sheet: each section's last frame, labelled `n. name` and its end time."""
    cells = [(f"{i + 1}. {sec.name}\nends at {_clock(sec.end)}", image)
             for i, (sec, image) in enumerate(section_frames(project, meta))]
    return _sheet(f"{meta.scene}  ({meta.file}, {_clock(meta.duration)}, "
                  f"{len(cells)} sections)", cells, out)


def lecture_sheet(project: Project, metas: list[SceneMeta], out: Path) -> Path:
    """The whole lecture's sheet: every section of every scene, with lecture times."""
    cells = []
    offset = 0.0
    for meta in metas:
        for sec, image in section_frames(project, meta):
            cells.append((f"{meta.scene} · {sec.name}\n"
                          f"ends at {_clock(offset + sec.end)}", image))
        offset += float(meta.duration)
    return _sheet(f"Lecture storyboard  ({len(metas)} scenes, {_clock(offset)})", cells, out)
