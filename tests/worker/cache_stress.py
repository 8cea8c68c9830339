"""One process of the shared-cache stress test: `python cache_stress.py MEDIA PROCS ROUNDS`.

Every process makes the same fresh formulas and texts in the same order, starting
together once all PROCS have imported Manim, in one shared media folder with a
cold cache, clearing Manim's
in-memory SVG cache between makes so that each make reads the files again. It
prints "ok" or the first error's type and message, and exits 1 on an error.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> int:
    media, procs, rounds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    from manim import MarkupText, MathTex, Text, tempconfig
    from manim.mobject.svg.svg_mobject import SVG_HASH_TO_MOB_MAP

    from lecture.worker import shared_cache

    shared_cache.install()  # a no-op with LECTURE_SHARED_CACHE=off
    with tempconfig({"media_dir": str(media), "tex_dir": str(media / "Tex"),
                     "text_dir": str(media / "texts"), "verbosity": "ERROR"}):
        (media / f"ready-{os.getpid()}").touch()
        while len(list(media.glob("ready-*"))) < procs:  # all processes begin together
            time.sleep(0.001)
        try:
            for i in range(rounds):
                for j in range(3):  # a new formula, then parse it again and again
                    SVG_HASH_TO_MOB_MAP.clear()
                    MathTex(f"w = {i // 3}.{i % 3}5")
                    Text(f"step {i // 3} of {i % 3}")
                    MarkupText(f"<b>beat</b> {i // 3}{i % 3}")
        except Exception as exc:  # noqa: BLE001 - the point is to report it
            print(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
            return 1
    print("ok")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
