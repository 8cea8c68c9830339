"""Formulas built once per text: live readouts without rebuilding LaTeX every frame.

A readout made with ``always_redraw`` builds a new MathTex on every frame, and
most frames show the same text as the one before (during a wait, all of them).
Building one costs a parse of the cached SVG and a deep copy of every glyph's
outline, path objects included. ``get_math_memo`` builds each distinct formula
once (per text, size and colour), keeps it untouched, and hands out clones.

A clone is what ``copy.deepcopy`` would give, except that objects which are not
mobjects, containers or arrays are shared with the kept formula instead of
copied: the parsed SVG path objects, the TeX template, colours, enums. Nothing
mutates those after construction, and they are what makes a deep copy of a
formula slow. Points and colour arrays are copied, every mobject is new, and
references between mobjects (a MathTex's groups of glyphs by substring) point
into the clone, so a clone can be moved, recoloured and transformed exactly as
a fresh build. tests/scenes/test_memo.py renders frames both ways and compares.

``redraw_on_change`` is ``always_redraw`` for drawings that depend on one value
(a readout on the number it shows, a marker on the weight): it rebuilds only
when that value has changed, or when something else (an animation) has changed
the drawing since it was built. Otherwise rebuilding would give the very points
and colours the drawing already has, so skipping it leaves every frame as it was.
During a wait, that is every frame.

Set LECTURE_FORMULA_MEMO=0 (or ``memo.enabled = False``) to build every formula
afresh and redraw on every frame (to compare frames both ways).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable

import numpy as np
from manim import MathTex, Mobject, VMobject, always_redraw

import settings

from . import formula_store, palette

enabled = settings.current().formula_memo

_kept: dict[tuple, MathTex] = {}
# The sheen direction of a formula built from Manim's SVG cache: VMobject's default.
_CACHED_SHEEN = inspect.signature(VMobject.__init__).parameters["sheen_direction"].default


def get_math_memo(*tex: str, size: int = palette.BODY_SIZE, color: str = palette.TEXT) -> MathTex:
    """The same formula as ``MathTex(*tex, font_size=size, color=color)``, fast.

    The first request gets the formula as MathTex builds it. Every later build
    of it is a copy from Manim's own SVG cache, which differs from the first in
    one respect, the direction of its sheen (Manim flips a freshly parsed SVG,
    parts and whole, but a copy from its cache only adds flipped parts to a new
    whole), so the formula kept for later requests is the first with that sheen;
    each later request gets a clone of it. Kept formulas are also stored on disk
    (scenes/formula_store.py), so the next render loads them instead.
    """
    if not enabled:
        return MathTex(*tex, font_size=size, color=color)
    key = (tex, size, str(color))
    kept = _kept.get(key)
    if kept is not None:
        return clone(kept)
    stored = formula_store.key_of(tex, size, str(color))
    record = formula_store.load(stored)
    if record is not None:
        kept = _kept[key] = record["kept"]
        first = clone(kept)
        first.sheen_direction = np.array(record["first_sheen"])
        return first
    first = MathTex(*tex, font_size=size, color=color)
    kept = _kept[key] = clone(first)
    kept.sheen_direction = np.array(_CACHED_SHEEN, dtype=np.float64)
    formula_store.save(stored, {"kept": kept, "first_sheen": first.sheen_direction.copy()})
    return first


def forget() -> None:
    """Drop every kept formula (a render of its own starts with none)."""
    _kept.clear()


def redraw_on_change(key: Callable[[], Hashable], build: Callable[[Hashable], Mobject]) -> Mobject:
    """``always_redraw(lambda: build(key()))``, rebuilt only when needed (see above)."""
    if not enabled:
        return always_redraw(lambda: build(key()))
    last = {"key": key(), "state": None}  # always_redraw rebuilds on its first update: so do we
    mob = build(last["key"])

    def update(_: Mobject) -> None:
        # Like always_redraw, act on the drawing itself even when called for a copy
        # (an animation updates its starting copy, whose updaters are these).
        now = key()
        if now == last["key"] and _state(mob) == last["state"]:
            return  # a rebuild would change nothing
        mob.become(build(now))
        last["key"], last["state"] = now, _state(mob)

    mob.add_updater(update)
    return mob


class _Same:
    """Compares by identity: the very objects a drawing was left with (kept alive, so an
    id is never reused), so any replacement of its points, colours or parts shows."""

    __slots__ = ("items",)

    def __init__(self, items: tuple) -> None:
        self.items = items

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and len(self.items) == len(other.items) and all(
            a is b for a, b in zip(self.items, other.items))


_DRAWN = ("submobjects", "points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas",
          "stroke_width", "background_stroke_width", "sheen_direction", "sheen_factor", "z_index")


def _state(mob: Mobject) -> _Same:
    return _Same(tuple(x for m in mob.get_family()
                       for x in (m, *(getattr(m, name, None) for name in _DRAWN))))


def clone(mob: Mobject) -> Mobject:
    """A copy of ``mob`` that draws, moves and transforms as ``mob.copy()`` does (see above)."""
    return _clone(mob, {})


_SHARED = (str, int, float, bool, type(None))


def _clone(value, memo: dict[int, object]):
    kind = type(value)
    if kind in _SHARED:
        return value
    found = memo.get(id(value))
    if found is not None:
        return found
    if kind is np.ndarray:
        new = memo[id(value)] = value.copy()
        return new
    if isinstance(value, Mobject):
        new = kind.__new__(kind)
        memo[id(value)] = new
        new.__dict__.update({name: attr if type(attr) in _SHARED else _clone(attr, memo)
                             for name, attr in value.__dict__.items()})
        new.original_id = str(id(value))  # as Mobject.__deepcopy__ marks its copies
        return new
    if kind is list:
        new = memo[id(value)] = []
        new.extend(_clone(v, memo) for v in value)
        return new
    if kind is dict:
        new = memo[id(value)] = {}
        for k, v in value.items():
            new[k] = _clone(v, memo)
        return new
    if kind is tuple:
        new = memo[id(value)] = tuple(_clone(v, memo) for v in value)
        return new
    if kind is set:
        new = memo[id(value)] = set(value)
        return new
    if isinstance(value, np.ndarray):
        new = memo[id(value)] = value.copy()
        return new
    return value  # shared: colours, enums, paths, the parsed SVG, the TeX template
