"""Make Manim write its scene segments in the delivery encoding.

Manim 0.22 encodes each animation into its own segment through a
`VideoSegmentEncoder` that its `SceneFileWriter` creates, then joins the
segments by stream copy. The encoder options (CRF, GOP, B-frames, colour tags)
reach it through Manim's own configuration (`config.video_encoder_options`,
which is also part of Manim's segment cache key); what Manim has no setting
for is the RGB to YUV matrix. So the worker gives the scene a renderer whose
file writer (Manim's, with one method overridden) creates `SegmentEncoder`
below: the same job as Manim's encoder, with the BT.709 conversion done
explicitly, once per distinct frame (Manim repeats a still frame by count).
A still held for whole GOPs (a wait while the narration speaks) is encoded
for one GOP and that GOP's packets are written again for the rest: x264
spends about as long on a repeated 1080p frame as on a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from manim._config.video_encoder import VideoEncoderSpec
from manim.renderer.cairo_renderer import CairoRenderer
from manim.scene.scene_file_writer import SceneFileWriter

from lecture.delivery import VERSION, colour

# Written into every segment's container; a cached segment without it was made by
# another recipe (Manim's own encoder, or an older version of ours) and is not reused.
RECIPE = f"lecture delivery segment v{VERSION}"


def container_options(spec: VideoEncoderSpec) -> dict[str, str]:
    """An MP4 movie timescale in which every segment's length is exact.

    The MP4 muxer writes the edit list (which hides the B-frame delay) in the
    movie timescale, 1000 by default: a segment of 140 frames at 60 fps,
    2333.33 ms, is cut to 2333 ms, and Manim's concatenation then starts the
    next segment a third of a millisecond early, so the scene's frame rate is no
    longer constant. A timescale that is a multiple of the frame rate's
    numerator makes every whole number of frames a whole number of ticks.
    """
    if spec.container_format not in ("mp4", "mov"):
        return {}
    rate = spec.frame_rate.numerator
    return {"movie_timescale": str(rate * 1000 if rate < 1000 else rate)}


@dataclass(frozen=True)
class _Held:
    """One packet of a still's first GOP, as x264 made it (muxing rewrites a packet's times)."""

    data: bytes
    pts: int
    dts: int
    duration: int
    keyframe: bool
    time_base: Fraction


class SegmentEncoder:
    """One silent segment: RGBA frames in, H.264 in the delivery encoding out.

    The interface Manim's encode jobs use: `target`, `write_frame`, `finish`, `abort`.
    """

    def __init__(self, *, target: Path, spec: VideoEncoderSpec) -> None:
        self.target = target
        self.spec = spec
        self._time_base = Fraction(spec.frame_rate.denominator, spec.frame_rate.numerator)
        self._next_pts = 0  # x264's own count of frames; the segment has `_shift` more
        self._shift = 0
        self._gop = fixed_gop(spec)
        self._held: list[_Held] | None = None  # a still's first GOP, until it is complete
        self._still_start = self._copies = 0
        self._closed = False
        # Only the rows that changed are converted again, into the frame x264 had last;
        # x264 copies every picture it is given, so that frame may be updated in place.
        self._convert = colour.Converter(spec.pixel_format) if spec.codec == "libx264" \
            else lambda pixels: colour.to_stream(colour.rgba_frame(pixels), spec.pixel_format)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(str(target), mode="w", format=spec.container_format,
                                  options=container_options(spec))
        self._container.metadata["comment"] = RECIPE
        try:
            self._stream = self._container.add_stream(spec.codec, rate=spec.frame_rate,
                                                      options=dict(spec.options))
            self._stream.width, self._stream.height = spec.width, spec.height
            self._stream.pix_fmt = spec.pixel_format
        except BaseException:
            self._container.close()
            target.unlink(missing_ok=True)
            raise

    def _fail(self, doing: str, error: BaseException) -> RuntimeError:
        return RuntimeError(f"could not {doing} the video segment {self.target.name} "
                            f"({self.spec.width}x{self.spec.height} at {self.spec.frame_rate} fps): {error}")

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        if self._closed:
            raise RuntimeError(f"the segment encoder for {self.target.name} is closed")
        if repeat < 1:
            raise ValueError("a frame is written at least once")
        try:
            frame = self._convert(pixels)
            gop = self._gop
            if gop and self._held is None and self._next_pts % gop == 0 and repeat >= 2 * gop:
                # A still held for whole GOPs: x264 encodes one GOP of it and what is left
                # over; the GOP's packets are written again for each of the others.
                self._held, self._copies = [], repeat // gop
                self._still_start = self._next_pts
                repeat -= (self._copies - 1) * gop
            for _ in range(repeat):
                # The encoder takes its own reference to the pixels, so one converted
                # frame serves every repeat; only its timestamp changes (PyAV rebases
                # a frame's time base when it encodes it, so both are set each time).
                frame.pts, frame.time_base = self._next_pts, self._time_base
                self._next_pts += 1
                self._mux(self._stream.encode(frame))
        except Exception as exc:
            raise self._fail("encode", exc) from exc

    def _mux(self, packets: list[av.Packet]) -> None:
        """Write x264's packets at their place in the segment (after any repeated GOPs).

        GOPs are closed and begin with an IDR frame, so every packet of the still's
        first GOP comes out before any packet of the next; that GOP decodes on its
        own, and the same bytes again are the same frames again (H.264 forbids only
        two IDR pictures in a row with one idr_pic_id; a GOP of frames stands between).
        """
        for packet in packets:
            if self._held is not None:
                if packet.pts < self._still_start + self._gop:
                    if packet.pts >= self._still_start:
                        self._held.append(_Held(bytes(packet), packet.pts, packet.dts,
                                                packet.duration, packet.is_keyframe,
                                                packet.time_base))
                        continue
                else:
                    self._release()
            packet.pts += self._shift
            packet.dts += self._shift
            self._container.mux(packet)

    def _release(self) -> None:
        """Write the held GOP once per copy, each a GOP later; later packets move with it."""
        held, self._held = self._held or [], None
        for copy in range(self._copies):
            moved = self._shift + copy * self._gop
            for h in held:
                packet = av.Packet(h.data)
                packet.pts, packet.dts, packet.time_base = h.pts + moved, h.dts + moved, h.time_base
                packet.duration, packet.is_keyframe = h.duration, h.keyframe
                packet.stream = self._stream
                self._container.mux(packet)
        self._shift += (self._copies - 1) * self._gop

    def finish(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._mux(self._stream.encode(None))
            if self._held is not None:
                self._release()
        except Exception as exc:
            self._container.close()
            raise self._fail("finish", exc) from exc
        self._container.close()

    def abort(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self._container.close()
            except Exception:  # noqa: BLE001 - the file is removed either way
                pass
        self.target.unlink(missing_ok=True)


def fixed_gop(spec: VideoEncoderSpec) -> int | None:
    """The GOP length when x264 is told to make every GOP closed and exactly that long
    (the delivery options); None for any other encoding, which gets no still shortcut."""
    if spec.codec != "libx264":
        return None
    params = dict(item.split("=", 1) for item in
                  dict(spec.options).get("x264-params", "").split(":") if "=" in item)
    gop = params.get("keyint")
    if gop and gop == params.get("min-keyint") and params.get("scenecut") == "0" \
            and params.get("open-gop") == "0" and gop.isdigit() and int(gop) > 1:
        return int(gop)
    return None


def made_by_this_recipe(segment: Path) -> bool:
    try:
        with av.open(str(segment)) as container:
            return container.metadata.get("comment") == RECIPE
    except (av.error.FFmpegError, OSError):
        return False


class DeliveryFileWriter(SceneFileWriter):
    """Manim's scene file writer, with segments encoded by `SegmentEncoder`.

    Manim reuses a cached segment when the animation and its encoder options are
    unchanged; the way frames are converted and muxed here is not among those
    options, so a cached segment also has to carry this recipe's mark.
    """

    def is_already_cached(self, hash_invocation: str) -> bool:
        if not super().is_already_cached(hash_invocation):
            return False
        segment = self.output_plan.segment_path(hash_invocation)
        if made_by_this_recipe(segment):
            return True
        segment.unlink(missing_ok=True)
        return False

    def _create_segment_encoder(self, target: Path) -> SegmentEncoder:
        if self.video_encoder is None:
            raise RuntimeError("video segments need resolved encoder settings")
        return SegmentEncoder(target=target, spec=self.video_encoder)


def renderer() -> CairoRenderer:
    """The renderer to construct a scene with: Cairo, writing through `DeliveryFileWriter`."""
    return CairoRenderer(file_writer_class=DeliveryFileWriter)
