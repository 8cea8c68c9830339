"""The PDF handout: one A4 page per beat with its last frame and what is said in it.

Laid out with reportlab, so the words are real text (students can search and
copy them) and each frame is embedded once as the JPEG the presenter wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from lecture.presenter.beats import Beat

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu",)
MARGIN_MM = 18
INK = (0.10, 0.12, 0.14)
MUTED = (0.42, 0.46, 0.50)
RULE = (0.80, 0.82, 0.85)


def _fonts() -> tuple[str, str]:
    """DejaVu Sans (every character the captions may hold) or, failing that, Helvetica."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    for folder in FONT_DIRS:
        regular, bold = Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")
        if regular.is_file() and bold.is_file():
            if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def write_handout(path: Path, title: str, beats: Sequence[Beat], frames: Sequence[Path],
                  aspect: float) -> None:
    """Write `path`: page i shows beats[i], its frame frames[i] (width/height = aspect)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph

    regular, bold = _fonts()
    width, height = A4
    margin = MARGIN_MM * mm
    inner = width - 2 * margin
    body = ParagraphStyle("body", fontName=regular, fontSize=13, leading=18, textColor=INK)
    heading = ParagraphStyle("heading", fontName=bold, fontSize=17, leading=21, textColor=INK)

    pdf = Canvas(str(path), pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{title}: handout")
    pdf.setSubject(f"{len(beats)} beats, one per page: the last frame and the narration")
    pdf.setCreator("lecture present")
    pdf.setAuthor(title)
    for beat, frame in zip(beats, frames):
        top = height - margin
        pdf.setFont(regular, 9)
        pdf.setFillColorRGB(*MUTED)
        pdf.drawString(margin, top, title)
        pdf.drawRightString(width - margin, top, f"beat {beat.number} of {len(beats)}")
        y = top - 10 * mm
        para = Paragraph(escape(beat.title), heading)
        _, h = para.wrap(inner, 60 * mm)
        para.drawOn(pdf, margin, y - h)
        y -= h + 5 * mm
        image_h = inner / aspect
        pdf.drawImage(str(frame), margin, y - image_h, inner, image_h)
        pdf.setStrokeColorRGB(*RULE)
        pdf.rect(margin, y - image_h, inner, image_h, stroke=1, fill=0)
        y -= image_h + 8 * mm
        if beat.notes:
            room = y - margin - 12 * mm
            for size in (13, 11, 9, 7):  # a long beat's words shrink rather than overflow
                para = Paragraph(escape(beat.notes), ParagraphStyle(
                    f"body{size}", parent=body, fontSize=size, leading=size * 1.4))
                _, h = para.wrap(inner, room)
                if h <= room:
                    break
            para.drawOn(pdf, margin, y - h)
            y -= h + 8 * mm
        # Ruled lines for the student's own notes, down to the footer.
        pdf.setLineWidth(0.4)
        line = y - 4 * mm
        while line > margin + 12 * mm:
            pdf.line(margin, line, width - margin, line)
            line -= 9 * mm
        pdf.setFont(regular, 9)
        pdf.setFillColorRGB(*MUTED)
        pdf.drawString(margin, margin, f"{clock(beat.start)} – {clock(beat.end)}")
        pdf.drawRightString(width - margin, margin, f"{beat.number} / {len(beats)}")
        pdf.showPage()
    pdf.save()
