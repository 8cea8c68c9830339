"""lecture record: takes imported per line, the status of a scene's takes, no microphone."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from lecture.core.errors import LectureError
from tests.fixtures.pipeline import lecture

from tests.fixtures.narrated import env_for
from tests.narration.test_voice import _write

pytestmark = pytest.mark.slow


def test_takes_are_imported_by_line_number_and_converted(narrated: Path, voice_cache,
                                                          tmp_path: Path) -> None:
    folder = tmp_path / "takes-in"
    folder.mkdir()
    t = np.arange(44100) / 44100
    _write(folder / "01.wav", (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), 44100, 2)
    env = env_for(narrated, voice_cache)
    done = lecture(narrated, "record", "alpha", "--from", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    assert "1 take(s) saved; 2 of 2 lines have takes" in done.stdout  # the click take was there
    (take,) = [p for p in (narrated / "takes/Alpha").glob("*.wav")
               if p.stat().st_mtime > folder.stat().st_mtime]
    with wave.open(str(take)) as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, 48000, 2)
    status = lecture(narrated, "record", "Alpha", "--status", env=env)
    assert status.returncode == 0 and "2 of 2 lines have takes" in status.stdout
    rows = [[cell.strip() for cell in line.split("│")[1:-1]]
            for line in lecture(narrated, "list", env=env).stdout.splitlines() if "│" in line]
    takes = {row[1]: row[5] for row in rows}
    assert takes == {"Alpha": "2/2", "Beta": "0/1"}


def test_a_changed_line_loses_its_take(narrated: Path, voice_cache) -> None:
    alpha = narrated / "scenes/alpha.py"
    alpha.write_text(alpha.read_text().replace("A click marks this beat.", "A click marks it."))
    done = lecture(narrated, "record", "Alpha", "--status", env=env_for(narrated, voice_cache))
    assert done.returncode == 0, done.stderr
    assert "0 of 2 lines have takes; 1 take(s) of lines that changed since" in done.stdout


def test_no_microphone_says_what_to_do_instead(monkeypatch) -> None:
    import sounddevice

    from lecture.cli import record

    def none(*args, **kwargs):
        raise sounddevice.PortAudioError("no default input device")

    monkeypatch.setattr(sounddevice, "query_devices", none)
    with pytest.raises(LectureError, match=r"no microphone found.*--from DIR"):
        record.microphone()


def test_an_unknown_scene_and_a_missing_folder_are_one_line_errors(narrated: Path,
                                                                   voice_cache) -> None:
    env = env_for(narrated, voice_cache)
    done = lecture(narrated, "record", "Gamma", env=env)
    assert done.returncode == 2 and "unknown scene 'Gamma'" in done.stderr
    done = lecture(narrated, "record", "Alpha", "--from", "/nonexistent", env=env)
    assert done.returncode == 1 and done.stderr.strip() == "error: --from /nonexistent: no such folder"
