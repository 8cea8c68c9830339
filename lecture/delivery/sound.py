"""A scene video's own sound track, encoded with ffmpeg's fast AAC coder.

Manim mixes a scene's sounds (the narration's clips) into one WAV and converts it
to AAC with `convert_audio` at the native encoder's defaults: the two-loop coder
with the stereo and noise tools, about twice the CPU of the fast coder
(docs/performance.md). That track is heard only when
a scene's video is played on its own (`lecture render`, `watch`): the lecture's
sound is mastered and encoded again at the join (narration/mix.py). So it is
encoded the way the lecture's is, with the fast coder at the same bit rate.
The frames are not touched.
"""

from __future__ import annotations

import inspect

# what Manim's convert_audio takes, by name and order (checked before it is replaced)
SIGNATURE = ["input_path", "output_path", "codec_name"]


def convert_audio(input_path, output_path, codec_name: str) -> None:
    """Manim's `convert_audio`, with the fast coder for AAC."""
    import av

    from narration.mix import AAC_BITRATE, AAC_FAST

    with av.open(input_path) as source, av.open(output_path, "w") as target:
        options = AAC_FAST if codec_name == "aac" else {}
        stream = target.add_stream(codec_name, options=dict(options))
        if codec_name == "aac":
            stream.codec_context.bit_rate = AAC_BITRATE
        for frame in source.decode(source.streams.audio[0]):
            for packet in stream.encode(frame):
                target.mux(packet)
        for packet in stream.encode():
            target.mux(packet)


def install() -> bool:
    """Use `convert_audio` above in Manim's scene file writer; False (and Manim's own
    kept) when Manim's function no longer takes what this one does."""
    from manim.scene import scene_file_writer

    current = scene_file_writer.convert_audio
    if current is convert_audio:
        return True
    if list(inspect.signature(current).parameters) != SIGNATURE:
        return False
    scene_file_writer.convert_audio = convert_audio
    return True
