"""Video files with PyAV: validate a scene video, join scenes by stream copy, grab frames.

Imported only when a video has to be opened, never on the no-op build path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av


class VideoError(Exception):
    """A video that is missing, truncated, corrupt or not joinable."""


@dataclass(frozen=True)
class VideoInfo:
    duration: Fraction  # seconds, exact: end of the last frame minus start of the first
    width: int
    height: int
    frame_rate: Fraction
    frames: int
    codec: str


def _open(path: Path):
    try:
        return av.open(str(path))
    except (av.FFmpegError, OSError) as exc:
        raise VideoError(f"{path.name} cannot be opened ({exc})") from None


def probe(path: Path, decode: bool = True) -> VideoInfo:
    """Read every packet of the video stream (and decode the first frame) to prove the file
    is whole; raise VideoError if it is truncated or corrupt."""
    with _open(path) as container:
        if not container.streams.video:
            raise VideoError(f"{path.name} has no video stream")
        stream = container.streams.video[0]
        tb = stream.time_base
        first: int | None = None
        end = 0
        count = 0
        try:
            for packet in container.demux(stream):
                if packet.pts is None:
                    continue  # the flush packet at the end
                if packet.size == 0:
                    raise VideoError(f"{path.name} has an empty packet at pts {packet.pts}")
                count += 1
                first = packet.pts if first is None else min(first, packet.pts)
                end = max(end, packet.pts + (packet.duration or 0))
                if decode and count == 1:
                    if not packet.is_keyframe:
                        raise VideoError(f"{path.name} does not start with a key frame")
                    packet.decode()
        except av.FFmpegError as exc:
            raise VideoError(f"{path.name} is corrupt ({exc})") from None
        expected = stream.frames
        if count == 0:
            raise VideoError(f"{path.name} has no frames")
        if expected and count != expected:
            raise VideoError(f"{path.name} is truncated: {count} of {expected} frames")
        rate = stream.average_rate or stream.guessed_rate or Fraction(0)
        return VideoInfo(
            duration=Fraction(end - (first or 0)) * tb,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            frame_rate=Fraction(rate),
            frames=count,
            codec=stream.codec_context.name,
        )


def _signature(stream) -> tuple:
    cc = stream.codec_context
    if stream.type == "video":
        return ("video", cc.name, cc.width, cc.height, cc.pix_fmt, stream.time_base,
                bytes(cc.extradata or b""))
    return (stream.type, cc.name, getattr(cc, "sample_rate", None),
            getattr(getattr(cc, "layout", None), "name", None), stream.time_base,
            bytes(cc.extradata or b""))


def join(parts: Sequence[Path], out: Path, names: Sequence[str] | None = None,
         on_part: Callable[[int], None] | None = None) -> list[Fraction]:
    """Concatenate the video of `parts` into `out` by stream copy (no re-encode), moov first.

    Timestamps are shifted by the part's offset in the lecture, so the result
    plays continuously. Only video is copied: a scene's own audio is its preview
    mix, and the lecture's narration is mixed once, from the clips (see `mux`).
    Returns each part's duration in seconds; offsets are their running sums.
    """
    names = list(names or [p.stem for p in parts])
    durations: list[Fraction] = []
    offset = Fraction(0)
    reference: list[tuple] | None = None
    output = av.open(str(out), mode="w", format="mp4", options={"movflags": "+faststart"})
    try:
        out_streams: list = []
        for index, (path, name) in enumerate(zip(parts, names)):
            with _open(path) as container:
                streams = list(container.streams.video)
                signature = [_signature(s) for s in streams]
                if reference is None:
                    reference = signature
                    for s in streams:
                        out_streams.append(output.add_stream_from_template(s))
                elif signature != reference:
                    raise VideoError(
                        f"{name} was encoded differently from {names[0]} (streams, codec, size or "
                        "time base differ), so it cannot be joined without re-encoding; "
                        "render both at the same quality")
                video = 0
                shift = [int(round(offset / s.time_base)) for s in streams]
                starts: dict[int, int] = {}
                end = 0
                try:
                    for packet in container.demux(*streams):
                        if packet.pts is None and packet.dts is None:
                            continue  # flush packets carry no data
                        i = streams.index(packet.stream)
                        if i not in starts:
                            starts[i] = packet.pts if packet.pts is not None else packet.dts
                        if i == video and packet.pts is not None:
                            end = max(end, packet.pts + (packet.duration or 0) - starts[i])
                        delta = shift[i] - starts[i]
                        if packet.pts is not None:
                            packet.pts += delta
                        if packet.dts is not None:
                            packet.dts += delta
                        packet.stream = out_streams[i]
                        output.mux(packet)
                except av.FFmpegError as exc:
                    raise VideoError(f"{name}: {path.name} is corrupt ({exc})") from None
                duration = Fraction(end) * streams[video].time_base
            durations.append(duration)
            offset += duration
            if on_part:
                on_part(index)
    finally:
        output.close()  # writes the index; with faststart, moves it before the data
    return durations


def mux(video: Path, audio: Path, out: Path) -> None:
    """`out` with the video stream of `video` and the audio stream of `audio`, both copied,
    interleaved by time, moov atom first."""
    with _open(video) as vin, _open(audio) as ain:
        output = av.open(str(out), mode="w", format="mp4", options={"movflags": "+faststart"})
        try:
            pairs = [(vin.streams.video[0], output.add_stream_from_template(vin.streams.video[0])),
                     (ain.streams.audio[0], output.add_stream_from_template(ain.streams.audio[0]))]
            queues = [(src, dst, vin.demux(src) if src.type == "video" else ain.demux(src))
                      for src, dst in pairs]
            heads = [_next_packet(q[2]) for q in queues]
            while any(h is not None for h in heads):
                k = min((i for i, h in enumerate(heads) if h is not None),
                        key=lambda i: heads[i].dts * heads[i].time_base)
                packet = heads[k]
                packet.stream = queues[k][1]
                output.mux(packet)
                heads[k] = _next_packet(queues[k][2])
        except av.FFmpegError as exc:
            raise VideoError(f"cannot mux {video.name} with {audio.name} ({exc})") from None
        finally:
            output.close()


def _next_packet(packets):
    for packet in packets:
        if packet.dts is not None:
            return packet
    return None


def frames_at(path: Path, times: Sequence[float]):
    """The frame shown at each time (seconds from the start), as PIL images.

    A time on a boundary gets the frame just before it, so a section's end time
    gives the section's last frame.
    """
    images = []
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        fps = float(stream.average_rate or 30)
        for t in times:
            target = max(0.0, t - 0.5 / fps)
            container.seek(int(target / stream.time_base), stream=stream, backward=True,
                           any_frame=False)
            chosen = None
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                if frame.time > target + 1e-9 and chosen is not None:
                    break
                chosen = frame
            if chosen is None:
                raise VideoError(f"{path.name} has no frame at {t:.2f} s")
            images.append(chosen.to_image())
    return images


def synthesize_clip(path: Path, seconds: float, width: int, height: int, fps: int,
                    gop: int | None = None) -> None:
    """A moving test pattern encoded with libx264 (for the join benchmark)."""
    import numpy as np

    with av.open(str(path), mode="w") as output:
        stream = output.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "23"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if gop:
            stream.codec_context.gop_size = gop
        base = np.zeros((height, width, 3), dtype=np.uint8)
        xs = np.arange(width, dtype=np.uint16)
        for n in range(int(seconds * fps)):
            base[:, :, 0] = ((xs + 4 * n) % 256).astype(np.uint8)
            base[:, :, 1] = (n * 3) % 256
            base[(n * 7) % height: (n * 7) % height + 40, :, 2] = 255
            frame = av.VideoFrame.from_ndarray(base, format="rgb24")
            base[:, :, 2] = 0
            for packet in stream.encode(frame):
                output.mux(packet)
        for packet in stream.encode():
            output.mux(packet)
