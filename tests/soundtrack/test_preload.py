"""The voice loaded once by the render server, and the build's guess of when to load it."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest

from lecture.core.records import NarrationManifest
from lecture.soundtrack import narrated
from narration import config, voice
from narration.text import parse

ROOT = Path(__file__).resolve().parents[2]
LINE = parse("At 1.50 the slope is 3.00.")


def test_a_forked_process_speaks_with_the_preloaded_model_and_the_same_samples() -> None:
    piper = config.make_voice(config.load(ROOT))
    voice.preload(piper)
    here = hashlib.sha256(piper.speak(LINE).samples.tobytes()).hexdigest()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a render forked from the server
        code = 1
        try:
            def refuse(self):
                raise AssertionError("the forked process loaded the model again")

            voice.PiperVoice._load = refuse
            fresh = config.make_voice(config.load(ROOT))  # a scene makes its own voice object
            started = time.process_time()
            samples = fresh.speak(LINE).samples
            os.write(write, json.dumps([hashlib.sha256(samples.tobytes()).hexdigest(),
                                        time.process_time() - started]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    there, seconds = json.loads(os.read(read, 1000))
    assert there == here
    assert seconds < 1.0  # a line, not a model load and a line (about 2 CPU-s)


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project with one scene's manifest at -q l, whose one spoken line has a cached clip."""
    (tmp_path / "lecture.toml").write_text("[voice]\n")
    monkeypatch.setenv("LECTURE_VOICE_CACHE", str(tmp_path / "voice"))
    monkeypatch.delenv("LECTURE_VOICE", raising=False)
    narrated._config.cache_clear()
    for q in ("l", "h"):
        (tmp_path / q).mkdir()
    lines = [{"key": "ab" * 32, "voice": "piper model=x"}, {"key": "cd" * 32, "voice": "none"}]
    NarrationManifest("Intro", 5.0, lines).write(tmp_path / "l" / "Intro.narration.json")
    clip = tmp_path / "voice" / "ab" / ("ab" * 32)
    clip.parent.mkdir(parents=True)
    for suffix in (".wav", ".json"):
        clip.with_suffix(suffix).write_bytes(b"x")
    yield tmp_path
    narrated._config.cache_clear()


def guess(root: Path, names: list[str]) -> bool:
    return narrated.needs_synthesis(root, [root / "h", root / "l"], names)


def test_the_voice_is_loaded_ahead_only_when_a_render_will_speak(project: Path) -> None:
    assert not guess(project, ["Intro"])  # its spoken line is cached (the draft line has no clip)
    assert guess(project, ["Intro", "Recap"])  # Recap was never rendered
    (project / "voice" / "ab" / ("ab" * 32)).with_suffix(".wav").unlink()
    assert guess(project, ["Intro"])  # its clip is gone: it will be synthesised
    (project / "lecture.toml").write_text('[voice]\nengine = "none"\n')
    narrated._config.cache_clear()
    assert not guess(project, ["Intro", "Recap"])  # the draft voice loads nothing
