"""A drawing's subpaths found with Manim's own vectorised comparison.

When one drawing becomes another (`Mobject.become`, which every redraw of a live
readout or marker does), Manim aligns their points, and to do so splits each
into subpaths with `VMobject.get_subpaths_from_points`: one `np.allclose` call
per curve, in Python: a visible share of a section preview's CPU, since it
runs every readout's updater on every frame it fast-forwards.
Manim 0.22 has the same comparison vectorised, `get_subpath_split_indices_from_points`
(its camera draws with it; its docstring calls it the vectorised equivalent of
`consider_points_equals`, non-finite coordinates included). `install` makes the
first use the second. The subpaths are the same slices of the same points
(tests/worker/test_subpaths.py compares them, NaN, infinities and points at
the tolerance included), so no frame changes.

The Manim code this relies on is listed, with the hashes reviewed, in
lecture/worker/patches.py; an unreviewed Manim stops the render there.
"""

from __future__ import annotations

def get_subpaths_from_points(self, points):
    """`VMobject.get_subpaths_from_points`, vectorised: the runs of curves whose ends meet."""
    nppcc = self.n_points_per_cubic_curve
    return [points[start:end] for start, end in self.get_subpath_split_indices_from_points(points)
            if end - start >= nppcc]


_QUALIFIED = "manim.mobject.types.vectorized_mobject.VMobject.get_subpaths_from_points"


def install() -> None:
    """Use the vectorised split in every VMobject (ManimChanged on an unreviewed Manim)."""
    from manim.mobject.types.vectorized_mobject import VMobject

    from lecture.worker import patches

    if VMobject.get_subpaths_from_points is get_subpaths_from_points:
        return
    patches.check("vectorised subpaths")
    patches.replace(VMobject, "get_subpaths_from_points", _QUALIFIED, get_subpaths_from_points)
