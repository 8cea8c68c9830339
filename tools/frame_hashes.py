"""Fingerprint what a viewer sees of a build: the sha256 of every decoded frame of
every scene video, and of every caption file, at one quality.

    python tools/frame_hashes.py [-q l] > before.txt   # ... change the code, build again
    python tools/frame_hashes.py [-q l] > after.txt && diff before.txt after.txt

Used to show that a change to the code (a restructure) leaves the lecture as it was:
run `lecture build -q l --voice none` first, in the same checkout.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import av


def frame_digests(video: Path) -> list[str]:
    with av.open(str(video)) as box:
        return [hashlib.sha256(frame.to_ndarray(format="rgb24").tobytes()).hexdigest()
                for frame in box.decode(video=0)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-q", "--quality", default="l")
    parser.add_argument("--root", type=Path, default=Path.cwd())
    args = parser.parse_args()
    cache = args.root / "media" / "lecture" / "scenes" / args.quality
    for path in sorted(cache.glob("*.mp4")) + sorted(cache.glob("*.png")):
        if path.name.startswith("."):
            continue
        if path.suffix == ".png":
            print(f"{path.name} image {hashlib.sha256(path.read_bytes()).hexdigest()}")
            continue
        digests = frame_digests(path)
        whole = hashlib.sha256("".join(digests).encode()).hexdigest()
        print(f"{path.name} {len(digests)} frames {whole}")
        for i, digest in enumerate(digests):
            print(f"  {path.stem} frame {i} {digest}")
    for path in sorted(cache.glob("*.srt")):
        if not path.name.startswith("."):
            print(f"{path.name} captions {hashlib.sha256(path.read_bytes()).hexdigest()}")


if __name__ == "__main__":
    main()
