"""The thumbnail: JPEG or PNG as its name says, 1280x720, under 2 MB."""

from __future__ import annotations

from pathlib import Path

from lecture.delivery import spec
from lecture.publish.check.rules import THUMBNAILS, Rule, add


def thumbnail_rules(folder: Path) -> list[Rule]:
    from PIL import Image, UnidentifiedImageError

    rules: list[Rule] = []
    present = [folder / n for n in THUMBNAILS if (folder / n).is_file()]
    if not present:
        add(rules, "thumbnail: present", False, "missing", " or ".join(THUMBNAILS))
        return rules
    path = present[0]
    size = path.stat().st_size
    try:
        with Image.open(path) as img:
            fmt, dims = img.format, img.size
            img.verify()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        add(rules, "thumbnail: format", False, f"{path.name} unreadable ({type(exc).__name__})", "JPEG or PNG")
        return rules
    add(rules, "thumbnail: format", spec.THUMBNAIL_FORMATS.get(fmt) == path.suffix,
        f"{fmt} in {path.name}", "JPEG (.jpg) or PNG (.png)")
    add(rules, "thumbnail: 1280x720", dims == spec.THUMBNAIL_SIZE, f"{dims[0]}x{dims[1]}", "1280x720")
    add(rules, "thumbnail: under 2 MB", size < spec.THUMBNAIL_MAX_BYTES,
        f"{size:,} bytes", f"< {spec.THUMBNAIL_MAX_BYTES:,} bytes")
    return rules

