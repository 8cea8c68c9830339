"""One render in its own process: `python -m lecture.worker.render RESULT.json -- MANIM ARGS...`.

It does what `manim render` does (same CLI parsing and config), in this process,
so that it can report where a scene failed (file and line, as JSON) and exactly
which files Manim wrote. A crash or a kill only ever loses this one render.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import time
import traceback
from pathlib import Path

from lecture.core.records import Outcome, Window


def _die_with_parent() -> None:
    """Ask Linux to kill this worker if the build that started it dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent died before we got here
            os._exit(137)
    except (OSError, AttributeError):
        pass


def _where(exc: BaseException, root: Path) -> dict[str, object]:
    """The innermost traceback frame in the project's own files (not Manim's)."""
    best: dict[str, object] = {}
    venv_markers = ("site-packages", "/.venv/", "/lib/python")
    for frame in traceback.extract_tb(exc.__traceback__):
        path = Path(frame.filename)
        if not path.is_absolute():
            path = (root / path).resolve()
        if not path.is_relative_to(root) or any(m in str(path) for m in venv_markers):
            continue
        if path.is_relative_to(root / "lecture") or path.is_relative_to(root / "narration"):
            continue
        best = {"file": path.relative_to(root).as_posix(), "line": frame.lineno,
                "code": (frame.line or "").strip()}
    if not best and isinstance(exc, SyntaxError) and exc.filename:
        path = Path(exc.filename).resolve()
        if path.is_relative_to(root):
            best = {"file": path.relative_to(root).as_posix(), "line": exc.lineno,
                    "code": (exc.text or "").strip()}
    return best


def render(result_path: Path, manim_args: list[str], window: Window | None = None) -> int:
    """Render like `manim render MANIM_ARGS`; with `window` (see lecture/worker/fastforward.py)
    only that part of the scene, frame-exact."""
    root = Path.cwd().resolve()
    sys.path.insert(0, str(root))
    result = Outcome(ok=False)
    drawing = time.thread_time()  # this thread draws; Manim encodes in threads of its own
    try:
        from manim import config, tempconfig
        from manim._config.utils import make_config_parser
        from manim.cli.render.commands import ClickArgs, render as render_command
        from manim.manager import Manager
        from manim.utils.module_ops import scene_classes_from_file

        # A clean config from ./manim.cfg for every render, whatever this process read
        # when it imported Manim (a render server or cluster worker imports it once).
        config.digest_parser(make_config_parser())
        ctx = render_command.make_context("render", list(manim_args))
        config.digest_args(ClickArgs(ctx.params))
        from lecture.worker import patches

        patches.check()  # an unreviewed Manim stops here, in one line naming the function
        from lecture import delivery  # scene videos in the encoding YouTube receives

        delivery.configure(config)
        if window is not None and window.tag:
            # Its own video folders: Manim's segment files, their pruning and the sound
            # file are not safe for two renders of one scene at once.
            config.video_dir = "{media_dir}/windows/{module_name}/{quality}/" + window.tag
        # Parallel workers share Manim's Tex and Text caches: make them safe to share.
        from lecture.worker import shared_cache

        shared_cache.install()
        from lecture.worker import subpaths  # a redraw's point alignment, vectorised (same subpaths)

        subpaths.install()
        classes = scene_classes_from_file(Path(config.input_file))
        if len(classes) != 1:
            raise RuntimeError(f"expected one scene class, found {len(classes)}")
        with tempconfig({}):
            scene = classes[0](**delivery.scene_arguments(config))
            renderer = None
            if window is not None:
                from lecture.worker import fastforward

                config.disable_caching = True  # a cached animation would jump the clock
                renderer = fastforward.install(scene, window.start, window.end, window.section)
            Manager(scene)
            scene.render()
            plan = scene.renderer.file_writer.output_plan
            files = {
                "video": plan.primary_artifact,
                "captions": plan.subcaption_file,
                "sections": plan.section_index,
            }
            result = Outcome(
                ok=True, **{k: str(v) if v else None for k, v in files.items()},
                narration=getattr(scene, "narration", None), frame_rate=config.frame_rate,
                voice_seconds=round(getattr(scene, "voice_seconds", 0.0), 3),
                report=None if renderer is None else fastforward.window_result(renderer, scene),
                drawing_seconds=round(time.thread_time() - drawing, 3))
    except BaseException as exc:  # noqa: BLE001 - report everything, then exit non-zero
        traceback.print_exc()
        message = str(exc).strip().splitlines()
        result = Outcome.failure(type(exc).__name__, message[0] if message else "",
                                 **_where(exc, root))
    tmp = result_path.with_name(result_path.name + ".part")
    tmp.write_text(result.to_json())
    os.replace(tmp, result_path)
    return 0 if result.ok else 1


def main() -> None:
    _die_with_parent()
    argv = sys.argv[1:]
    window = None
    if len(argv) > 2 and argv[1] == "--window":
        window = Window.from_json(argv[2], "--window")
        del argv[1:3]
    if len(argv) < 2 or argv[1] != "--":
        print("usage: python -m lecture.worker.render RESULT.json [--window JSON] -- MANIM-RENDER-ARGS...",
              file=sys.stderr)
        raise SystemExit(2)
    code = render(Path(argv[0]), argv[2:], window)
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown (Manim's atexit hooks, module GC): the result is on disk.
    os._exit(code)


if __name__ == "__main__":
    main()
