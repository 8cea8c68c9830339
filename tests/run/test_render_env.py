"""What render processes are started with, and the scene's own sound track."""

from __future__ import annotations

import wave
from pathlib import Path

import av
import numpy as np
import pytest

from lecture.run import local as runner
from lecture.delivery import sound


def test_renders_keep_freed_frames_in_the_heap(monkeypatch) -> None:
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
    env = runner.render_env()
    assert env["GLIBC_TUNABLES"] == runner.MALLOC_TUNABLES
    assert "mmap_threshold=33554432" in env["GLIBC_TUNABLES"]
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")  # the user's own wins
    assert runner.render_env()["GLIBC_TUNABLES"] == "glibc.malloc.arena_max=2"


def _tone(path: Path, seconds: float = 3.0) -> None:
    t = np.arange(int(48000 * seconds)) / 48000
    samples = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(samples.tobytes())


def _decoded(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        return np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])


def test_the_scene_sound_is_the_same_aac_from_the_fast_coder(tmp_path: Path, monkeypatch) -> None:
    """Manim's conversion and this one give the same sound: length and level."""
    from manim.scene import scene_file_writer

    manims = scene_file_writer.convert_audio
    monkeypatch.setattr(scene_file_writer, "convert_audio", manims)
    sound.install()
    assert scene_file_writer.convert_audio is sound.convert_audio
    _tone(tmp_path / "in.wav")
    manims(tmp_path / "in.wav", tmp_path / "manim.aac", "aac")
    scene_file_writer.convert_audio(tmp_path / "in.wav", tmp_path / "ours.aac", "aac")
    theirs, ours = _decoded(tmp_path / "manim.aac"), _decoded(tmp_path / "ours.aac")
    assert len(ours) == len(theirs)
    rms = lambda x: float(np.sqrt(np.mean(np.square(x[4800:-4800]))))  # noqa: E731
    assert rms(theirs) > 0.1 and abs(rms(ours) - rms(theirs)) < 0.005


def test_a_changed_manim_function_stops_the_render(monkeypatch) -> None:
    from manim.scene import scene_file_writer

    from lecture.worker import patches

    def convert_audio(source, target, codec, extra=None):  # a future Manim's, say
        raise AssertionError("not called")

    monkeypatch.setattr(scene_file_writer, "convert_audio", convert_audio)
    with pytest.raises(patches.ManimChanged, match="scene_file_writer.convert_audio"):
        patches.check()
