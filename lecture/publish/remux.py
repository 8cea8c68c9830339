"""Copy the built lecture into the bundle's video.mp4: every packet as it is, moov first.

The scenes were rendered in the delivery encoding (lecture.delivery) and
joined by stream copy, so lecture.mp4 already is what YouTube should receive;
publishing only rewrites the container so that its index comes first. No
decode, no encode: the video packets (and the narration's, when there is a
sound track) are the built lecture's, byte for byte, and the timeline is
unchanged, so the captions need no shift.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import av

from lecture.publish.errors import PublishError

VERSION = "1"
COPIED = ("video", "audio")  # the stream kinds the bundle keeps


def remux(source: Path, target: Path, progress: Callable[[float], None] | None = None) -> list[str]:
    """Write `target` from `source` by stream copy; return a description of each stream copied."""
    tmp = target.with_name(target.name + ".part")
    try:
        src = av.open(str(source))
    except (av.error.FFmpegError, OSError) as exc:
        raise PublishError(f"cannot read the rendered video {source.name}: {exc}") from None
    try:
        streams = [s for s in src.streams if s.type in COPIED]
        if not any(s.type == "video" for s in streams):
            raise PublishError(f"the rendered video {source.name} has no video stream")
        total = os.path.getsize(source) or 1
        done = count = 0
        out = av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"})
        try:
            copies = {s.index: out.add_stream_from_template(s) for s in streams}
            for packet in src.demux(*streams):
                if packet.dts is None and packet.pts is None:
                    continue  # the demuxer's end-of-stream marker, not data
                packet.stream = copies[packet.stream.index]
                done += packet.size
                count += 1
                out.mux(packet)
                if progress and count % 256 == 0:
                    progress(min(1.0, done / total))
        finally:
            out.close()  # writes the index; with faststart, moves it before the data
        os.replace(tmp, target)
        if progress:
            progress(1.0)
        return [_describe(s) for s in streams]
    except av.error.FFmpegError as exc:
        raise PublishError(f"copying {source.name} into the bundle failed: {exc}") from None
    finally:
        src.close()
        tmp.unlink(missing_ok=True)


def _describe(stream) -> str:
    cc = stream.codec_context
    if stream.type == "video":
        return f"video {cc.name} {cc.width}x{cc.height}"
    return f"audio {cc.name} {cc.sample_rate} Hz"
