"""A tiny project whose frames depend on everything a skip can get wrong.

Drift moves a dot with a ``dt`` updater; Redraw redraws a label showing the
scene clock (``self.renderer.time``) and a square of random size on every
frame; Spoken is narrated (the silent draft voice), so clip placements are at
stake too. Each has several sections, so the build can cut it into chunks.
"""

from __future__ import annotations

from pathlib import Path

FPS_ARGS = "--fps 10 -r 160,90"

FILES = {
    "manim.cfg": "[CLI]\nmedia_dir = ./media\nseed = 0\nbackground_color = #101418\n",
    "scenes/__init__.py": 'LECTURE = ("Drift", "Redraw", "Spoken")\n',
    "scenes/drift.py": """
        from manim import LEFT, RIGHT, Circle, Create, Dot, FadeIn, Rotate, Scene, Square


        class Drift(Scene):
            def construct(self):
                dot = Dot(LEFT * 3)
                dot.add_updater(lambda m, dt: m.shift(RIGHT * dt * 0.7))
                self.next_section("one")
                self.add(dot)
                self.play(Create(Circle()), run_time=0.7, subcaption="one",
                          subcaption_duration=0.5)
                self.wait(0.45)
                self.next_section("two")
                self.add_subcaption("two", duration=0.8)
                self.play(FadeIn(Square()), run_time=0.9)
                self.wait(0.33, frozen_frame=True)
                self.next_section("three")
                self.play(Rotate(dot, 1.0), run_time=0.5)
                self.next_section("four")
                self.add_subcaption("four", duration=0.4, offset=0.1)
                self.wait(0.6)
        """,
    "scenes/redraw.py": """
        import random

        from manim import DOWN, UP, Create, Circle, FadeOut, Scene, Square, Text, always_redraw


        class Redraw(Scene):
            def construct(self):
                clock = always_redraw(lambda: Text(f"{self.renderer.time:.3f}", font_size=40)
                                      .to_edge(UP))
                noise = always_redraw(lambda: Square(0.3 + 0.4 * random.random()).to_edge(DOWN))
                self.next_section("start")
                self.add(clock, noise)
                self.play(Create(Circle()), run_time=0.6, subcaption="start")
                self.next_section("middle")
                self.wait(0.55)
                self.add_subcaption("middle", duration=0.3)
                self.next_section("end")
                self.play(FadeOut(clock), run_time=0.4)
                self.wait(0.35)
        """,
    "scenes/spoken.py": """
        from manim import Circle, Create, FadeIn, Square

        from narration.scene import NarratedScene


        class Spoken(NarratedScene):
            def construct(self):
                self.next_section("first")
                with self.voiceover("A circle."):
                    self.play(Create(Circle()), run_time=0.5)
                self.next_section("second")
                with self.voiceover("Then a square, a little later."):
                    self.play(FadeIn(Square()), run_time=0.3)
                self.next_section("third")
                with self.voiceover("And that is all."):
                    self.wait(0.2)
        """,
}


def write(root: Path) -> Path:
    from tests.pipeline.conftest import write_project

    return write_project(root, FILES)


def env_for(root: Path) -> dict[str, str]:
    from tests.pipeline.conftest import env_for as tiny_env

    env = tiny_env(root, LECTURE_MANIM_ARGS=FPS_ARGS, LECTURE_VOICE="none")
    env.pop("LECTURE_VOICE_CACHE", None)
    return env


def frames(path: Path):
    import av

    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def same_frames(a, b) -> list[int]:
    """Indexes of frames that differ (and of the extra ones when the lengths differ)."""
    import numpy as np

    bad = [i for i, (x, y) in enumerate(zip(a, b)) if not np.array_equal(x, y)]
    return bad + list(range(min(len(a), len(b)), max(len(a), len(b))))
