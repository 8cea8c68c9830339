"""Manim's LaTeX cache shared between processes (parallel build workers, tests)."""

from __future__ import annotations

import uuid

from manim import MathTex, tempconfig

from lecture import texcache


def test_compiling_one_formula_leaves_other_formulas_files_alone(tmp_path):
    """Manim's own clean-up deletes every non-.svg file in the folder, including a
    .dvi another process is converting at that moment; after install() it does not."""
    texcache.install()
    in_flight = tmp_path / "another-process.dvi"
    in_flight.write_bytes(b"half made")
    with tempconfig({"tex_dir": str(tmp_path)}):
        MathTex(f"w = {uuid.uuid4().int % 1000}")  # a formula not compiled before
    assert in_flight.exists()
    assert list(tmp_path.glob("*.svg")), "the formula was compiled"
    assert not list(tmp_path.glob("*.aux")) and not list(tmp_path.glob("*.log")), \
        "its own by-products are still cleaned up"
