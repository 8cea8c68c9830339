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
(tests/pipeline/test_subpaths.py compares them, NaN, infinities and points at
the tolerance included), so no frame changes.

The patch is applied only to the Manim source it was checked against
(`REVIEWED`, hashes as in lecture/worker/shared_cache.py); any other keeps Manim's own.
"""

from __future__ import annotations

REVIEWED = {
    "get_subpaths_from_points": "b92d6ab26905518b",
    "_gen_subpaths_from_points": "821b9ba0135072e4",
    "consider_points_equals": "8bc045c557a76e2a",
    "get_subpath_split_indices_from_points": "f6390df4e1903191",
}


def get_subpaths_from_points(self, points):
    """`VMobject.get_subpaths_from_points`, vectorised: the runs of curves whose ends meet."""
    nppcc = self.n_points_per_cubic_curve
    return [points[start:end] for start, end in self.get_subpath_split_indices_from_points(points)
            if end - start >= nppcc]


_ORIGINAL: dict = {}  # Manim's own functions that install() replaced, by name


def reviewed() -> bool:
    """Is Manim's code (its own, also after install()) the code this patch was checked against?"""
    from manim.mobject.types.vectorized_mobject import VMobject

    from lecture.worker.shared_cache import source_hash

    return all(source_hash(_ORIGINAL.get(name, getattr(VMobject, name))) == digest
               for name, digest in REVIEWED.items())


def install() -> bool:
    """Use the vectorised split in every VMobject; False (Manim's own kept) when Manim's
    code is not the reviewed code."""
    from manim.mobject.types.vectorized_mobject import VMobject

    if VMobject.get_subpaths_from_points is get_subpaths_from_points:
        return True
    if not reviewed():
        return False
    _ORIGINAL["get_subpaths_from_points"] = VMobject.get_subpaths_from_points
    VMobject.get_subpaths_from_points = get_subpaths_from_points
    return True
