"""Read characters from the outlines Manim actually draws.

A glyph is a leaf VMobject of a text object (MathTex, Tex, Text, DecimalNumber).
Its Bezier outline is rasterised into a small bitmap, normalised to the glyph's
own bounding box, and compared with reference glyphs of the same font made by
Manim itself. Nothing an object *claims* is used (no get_value, no tex_string):
only the points it would hand to the camera, so a label rebuilt by
``always_redraw``/``become`` is read as the digits it now shows.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cairo
import numpy as np

SIZE = 24  # bitmap side in pixels
ASPECT_WEIGHT = 0.08  # distance added per unit of |log(aspect) difference|
ACCEPT = 0.16  # best distance above this reads as "?" (not a known glyph)

TEX = "tex"
TEXT = "text"


@dataclass(frozen=True)
class Glyph:
    """One drawn glyph: its outline's box in scene units and what it reads as."""

    char: str  # "?" when no reference glyph is close enough
    x0: float
    y0: float
    x1: float
    y1: float
    size: float  # font size (Manim points) this glyph implies, from its reference
    distance: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _subpaths(points: np.ndarray) -> list[np.ndarray]:
    """Split Manim's cubic Bezier points (4 per curve) into closed subpaths."""
    curves = points[: len(points) // 4 * 4].reshape(-1, 4, points.shape[1])
    if len(curves) == 0:
        return []
    breaks = np.flatnonzero(np.any(np.abs(curves[1:, 0] - curves[:-1, 3]) > 1e-6, axis=1)) + 1
    return np.split(curves, breaks)


def rasterise(points: np.ndarray) -> tuple[np.ndarray, float]:
    """The outline filled into a SIZE x SIZE bitmap (aspect kept, centred), and its aspect ratio."""
    xy = points[:, :2]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    w, h = hi - lo
    span = max(w, h, 1e-9)
    scale = (SIZE - 2) / span
    # y grows upwards in Manim and downwards in Cairo.
    ox = 1 + (SIZE - 2 - w * scale) / 2
    oy = 1 + (SIZE - 2 - h * scale) / 2
    surface = cairo.ImageSurface(cairo.FORMAT_A8, SIZE, SIZE)
    ctx = cairo.Context(surface)
    ctx.set_fill_rule(cairo.FILL_RULE_WINDING)

    def to_px(p: np.ndarray) -> tuple[float, float]:
        return ox + (p[0] - lo[0]) * scale, oy + (hi[1] - p[1]) * scale

    for sub in _subpaths(points):
        ctx.move_to(*to_px(sub[0, 0]))
        for c in sub:
            ctx.curve_to(*to_px(c[1]), *to_px(c[2]), *to_px(c[3]))
        ctx.close_path()
    ctx.fill()
    surface.flush()
    stride = surface.get_stride()
    data = np.frombuffer(surface.get_data(), dtype=np.uint8).reshape(SIZE, stride)[:, :SIZE]
    aspect = float(max(w, 1e-6) / max(h, 1e-6))
    return data.astype(np.float32) / 255.0, aspect


@dataclass(frozen=True)
class Reference:
    char: str
    bitmap: np.ndarray
    log_aspect: float
    em_height: float  # glyph height / font size, in scene units per Manim point


class Alphabet:
    """Reference glyphs of one font family and a nearest-neighbour reader over them."""

    def __init__(self, refs: list[Reference]):
        self.refs = refs
        self.chars = [r.char for r in refs]
        self.bitmaps = np.stack([r.bitmap.ravel() for r in refs])
        self.log_aspects = np.array([r.log_aspect for r in refs])
        self._cache: dict[bytes, tuple[str, float, float]] = {}

    def classify(self, points: np.ndarray) -> tuple[str, float, float]:
        """(char, distance, em_height) for one outline; cached by shape, whatever its position."""
        xy = points[:, :2]
        lo = xy.min(axis=0)
        h = max(float(np.ptp(xy[:, 1])), float(np.ptp(xy[:, 0])), 1e-9)
        key = hashlib.blake2b(np.round((xy - lo) / h, 3).tobytes(), digest_size=16).digest()
        hit = self._cache.get(key)
        if hit is None:
            bitmap, aspect = rasterise(points)
            d = np.abs(self.bitmaps - bitmap.ravel()).mean(axis=1)
            d += ASPECT_WEIGHT * np.abs(self.log_aspects - np.log(aspect))
            i = int(np.argmin(d))
            hit = (self.chars[i], float(d[i]), self.refs[i].em_height)
            self._cache[key] = hit
        return hit

    def read(self, points: np.ndarray) -> Glyph:
        char, dist, em_height = self.classify(points)
        xy = points[:, :2]
        (x0, y0), (x1, y1) = xy.min(axis=0), xy.max(axis=0)
        size = (y1 - y0) / em_height if em_height > 0 else 0.0
        return Glyph(char if dist <= ACCEPT else "?", float(x0), float(y0), float(x1), float(y1),
                     float(size), dist)


# --- building the references with Manim itself ---------------------------------

REF_SIZE = 48
DIGITS = "0123456789"
LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# TeX source -> the character we read it as.
TEX_SYMBOLS = {
    ".": ".", ",": ",", "+": "+", "-": "-", "=": "=", "(": "(", ")": ")", "[": "[", "]": "]",
    "|": "|", "/": "/", ":": ":", "<": "<", ">": ">", "!": "!", "'": "'",
    r"\cdot": "·", r"\times": "×", r"\approx": "≈", r"\le": "≤", r"\ge": "≥", r"\to": "→",
    r"\pm": "±", r"\infty": "∞", r"\partial": "∂", r"\sigma": "σ", r"\eta": "η",
    r"\alpha": "α", r"\theta": "θ", r"\nabla": "∇", r"\ell": "ℓ", r"\%": "%", r"\{": "{", r"\}": "}",
}
TEXT_SYMBOLS = ".,:;+-=()[]/|'!?%<>×·≈−"


def _leaves(mob) -> list:
    return [m for m in mob.family_members_with_points() if len(m.points) >= 4]


def _add(refs: list[Reference], char: str, leaf, font_size: float) -> None:
    bitmap, aspect = rasterise(leaf.points)
    height = float(np.ptp(leaf.points[:, 1]))
    refs.append(Reference(char, bitmap, float(np.log(aspect)), height / font_size))


def _tex_alphabet() -> Alphabet:
    from manim import MathTex

    refs: list[Reference] = []
    sources: dict[str, str] = {c: c for c in DIGITS + LOWER + UPPER}
    sources.update({rf"\mathrm{{{c}}}": c for c in LOWER + UPPER})
    sources.update(TEX_SYMBOLS)
    items = list(sources.items())
    # Each item is its own MathTex part, so part i holds exactly the glyphs of item i.
    # Display, script and scriptscript sizes use different outlines in Computer Modern.
    for wrap, scale in (("{}{%s}", 1.0), ("x_{%s}", 0.7), ("x_{x_{%s}}", 0.5)):
        parts = [wrap % tex for tex, _ in items]
        spaced = [p for tex in parts for p in (tex, r"\;")][:-1]
        mob = MathTex(*spaced, font_size=REF_SIZE)
        for (tex, char), part in zip(items, mob[::2]):
            glyphs = _leaves(part)
            if wrap != "{}{%s}":
                glyphs = glyphs[1:] if wrap == "x_{%s}" else glyphs[2:]  # drop the carrier x's
            for leaf in glyphs:
                _add(refs, char, leaf, REF_SIZE * scale)
    return Alphabet(refs)


def _text_alphabet() -> Alphabet:
    from manim import Text

    from scenes import palette

    refs: list[Reference] = []
    chars = DIGITS + LOWER + UPPER + TEXT_SYMBOLS
    # One Text holds one glyph per character (no spaces), in order; regular and bold faces.
    for weight in ("NORMAL", "BOLD"):
        mob = Text(chars, font=palette.FONT, font_size=REF_SIZE, weight=weight)
        leaves = _leaves(mob)
        assert len(leaves) == len(chars), (len(leaves), len(chars))
        for c, leaf in zip(chars, leaves):
            _add(refs, {"−": "-"}.get(c, c), leaf, REF_SIZE)
    return Alphabet(refs)


# Building an alphabet parses a large LaTeX SVG (seconds); the result depends only
# on this file, Manim and the fonts, so it is kept beside Manim's own Tex cache.
CACHE_DIR = Path(__file__).resolve().parents[2] / "media" / "Tex"


def _cache_path(family: str) -> Path:
    import manim

    from scenes import palette

    key = hashlib.blake2b(
        Path(__file__).read_bytes() + manim.__version__.encode() + palette.FONT.encode(),
        digest_size=8).hexdigest()
    return CACHE_DIR / f"screen-alphabet-{family}-{key}.npz"


@functools.cache
def alphabet(family: str) -> Alphabet:
    """The reference alphabet of a family, built once and then loaded from the cache."""
    path = _cache_path(family)
    if path.exists():
        data = np.load(path)
        return Alphabet([Reference(str(c), b, float(a), float(e)) for c, b, a, e in
                         zip(data["chars"], data["bitmaps"], data["log_aspects"], data["em_heights"])])
    built = _tex_alphabet() if family == TEX else _text_alphabet()
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
        np.savez(tmp, chars=np.array(built.chars), bitmaps=np.stack([r.bitmap for r in built.refs]),
                 log_aspects=built.log_aspects, em_heights=np.array([r.em_height for r in built.refs]))
    os.replace(tmp.name, path)  # atomic: parallel workers never see half a file
    return built
