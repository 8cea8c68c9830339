"""The vectorised subpath split gives Manim's own subpaths (lecture/worker/subpaths.py)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from manim import VMobject

from lecture.worker import patches, subpaths

MANIMS = patches.resolve(subpaths._QUALIFIED)  # Manim's own, also once installed
TOLERANCE = VMobject().tolerance_for_point_equality
# Coordinates that sit on either side of "close": equal, within the tolerance, at it, past
# it, far off, and the values np.isclose treats specially.
OFFSETS = [0.0, TOLERANCE / 2, TOLERANCE, TOLERANCE * 1.0001, 1e-3, 1.0, -1.0,
           np.nan, np.inf, -np.inf]


@st.composite
def drawings(draw) -> np.ndarray:
    """Points of a few cubic curves (sometimes a few points left over), where each curve's
    start is its predecessor's end moved by one of OFFSETS in each coordinate."""
    curves = draw(st.integers(0, 6))
    extra = draw(st.sampled_from([0, 0, 0, 1, 2, 3]))
    coord = st.floats(-8, 8, allow_nan=False, allow_infinity=False)
    points = np.array([[draw(coord) for _ in range(3)] for _ in range(4 * curves + extra)])
    for k in range(4, len(points), 4):
        points[k] = points[k - 1] + [draw(st.sampled_from(OFFSETS)) for _ in range(3)]
    return points


def same(ours: list[np.ndarray], theirs: list[np.ndarray], points: np.ndarray) -> bool:
    """The same subpaths: the same stretches of ``points``, the same values."""
    def spans(parts):  # where each subpath starts and ends in the points
        return [(p.__array_interface__["data"][0], len(p)) for p in parts]

    return spans(ours) == spans(theirs) and all(
        np.array_equal(a, b, equal_nan=True) for a, b in zip(ours, theirs))


@settings(max_examples=300, deadline=None)
@given(drawings())
def test_the_subpaths_are_manims_own(points: np.ndarray) -> None:
    mob = VMobject()
    assert same(subpaths.get_subpaths_from_points(mob, points), MANIMS(mob, points), points)


def test_splits_fall_where_manims_do_and_the_control_fails() -> None:
    """Three curves: the second starts twice the tolerance from the first's end (a new
    subpath), the third half the tolerance from the second's (the same subpath). A split
    that ignored the tolerance (the control) is told apart from Manim's."""
    mob = VMobject()
    curve = np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], float)
    second = curve + (curve[-1] + [2 * TOLERANCE, 0, 0] - curve[0])
    third = curve + (second[-1] + [TOLERANCE / 2, 0, 0] - curve[0])
    points = np.concatenate([curve, second, third])
    ours = subpaths.get_subpaths_from_points(mob, points)
    assert same(ours, MANIMS(mob, points), points)
    assert [len(p) for p in ours] == [4, 8]

    def exact_split(self, pts):  # equal anchors only: no tolerance
        ends = [0, *[k for k in range(4, len(pts), 4) if not np.array_equal(pts[k - 1], pts[k])],
                len(pts)]
        return [pts[a:b] for a, b in zip(ends, ends[1:]) if b - a >= 4]

    assert not same(exact_split(mob, points), MANIMS(mob, points), points)


def test_it_is_installed_only_over_the_reviewed_manim(monkeypatch) -> None:
    patches.check("vectorised subpaths")  # an upgrade of Manim shows here: review, update
    patch = next(p for p in patches.REGISTRY if p.name == "vectorised subpaths")
    monkeypatch.setitem(
        patch.reviewed, "manim.mobject.types.vectorized_mobject.VMobject.consider_points_equals",
        "0" * 16)
    with pytest.raises(patches.ManimChanged, match="consider_points_equals"):
        patches.check("vectorised subpaths")
