"""The thumbnail: the Thumbnail scene's still, as a 1280x720 JPEG under 2 MB."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, UnidentifiedImageError  # Pillow comes with Manim

from lecture.delivery import spec
from lecture.publish.errors import PublishError


def make_thumbnail(still: Path, target: Path, background: str = "#101418") -> None:
    """Scale `still` to fit 1280x720 (centred on `background`) and save it as JPEG.

    The quality steps down from 95 until the file is under the size limit.
    """
    try:
        with Image.open(still) as img:
            img.load()
            source = img.convert("RGBA")
    except (UnidentifiedImageError, OSError) as exc:
        raise PublishError(f"cannot read the thumbnail still {still.name}: {exc}") from None
    width, height = spec.THUMBNAIL_SIZE
    scale = min(width / source.width, height / source.height)
    size = (max(1, round(source.width * scale)), max(1, round(source.height * scale)))
    canvas = Image.new("RGBA", (width, height), background)
    fitted = source.resize(size, Image.Resampling.LANCZOS)
    canvas.alpha_composite(fitted, ((width - size[0]) // 2, (height - size[1]) // 2))
    rgb = canvas.convert("RGB")
    for quality in (95, 90, 85, 80, 70, 60, 50):
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
        if buf.tell() < spec.THUMBNAIL_MAX_BYTES:
            break
    tmp = target.with_name(target.name + ".part")
    tmp.write_bytes(buf.getvalue())
    os.replace(tmp, target)
