"""The lecture's narration encoded while scenes render (lecture/soundtrack/voiceahead.py): the same
file the join would encode, used by the join; nothing encoded twice, nothing left behind."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from lecture.core.records import SceneMeta
from lecture.soundtrack import narrated as pipeline_voice
from lecture.soundtrack import voicetrack
from lecture.soundtrack.voiceahead import Ahead
from narration import mix
from narration.mix import TrackEncoder, encode, make_track, sample_at

from tests.fixtures.narrated import env_for, voice_like
from tests.soundtrack.test_voicetrack import CACHE, OUT, audio_packets, build


def test_a_track_fed_in_pieces_is_the_track_encoded_at_once(tmp_path: Path) -> None:
    track = voice_like(2.3, seed=4)
    whole: list[np.ndarray] = []
    encode(track, tmp_path / "whole.m4a", whole)
    pieces: list[np.ndarray] = []
    cuts = [0, 0, 1, 4095, 4096, 4097, 30_000, 70_001, len(track)]
    with TrackEncoder(tmp_path / "pieces.m4a", pieces) as encoder:
        for a, b in zip(cuts, cuts[1:]):
            encoder.feed(track[a:b])
    assert (tmp_path / "pieces.m4a").read_bytes() == (tmp_path / "whole.m4a").read_bytes()
    assert np.array_equal(np.concatenate(pieces, axis=1), np.concatenate(whole, axis=1))


def test_an_encode_left_by_an_error_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), TrackEncoder(tmp_path / "cut.m4a") as encoder:
        encoder.feed(voice_like(1.0, seed=5))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def _metas(root: Path) -> dict[str, SceneMeta]:
    return {name: SceneMeta.read(root / CACHE / f"{name}.json") for name in ("Alpha", "Beta")}


def _parts(root: Path, metas: list[SceneMeta]) -> list[np.ndarray]:
    """The join's parts (narrated.mix), from the scenes' exact durations."""
    parts, start = [], Fraction(0)
    for meta in metas:
        end = start + Fraction(meta.duration_exact)
        parts.append(pipeline_voice.scene_track(root, root / CACHE, meta,
                                                sample_at(end) - sample_at(start))[0])
        start = end
    return parts


def test_the_track_encoded_ahead_is_the_one_the_join_would_encode(narrated: Path,
                                                                 tmp_path: Path) -> None:
    """Beta fresh, Alpha rendered later (its meta comes while Beta waits): the file, key
    and true peak are make_track's for the joined parts."""
    cache = narrated / CACHE
    (cache / voicetrack.RECORD).unlink()  # nothing kept: the encode is needed
    metas = _metas(narrated)
    with Ahead(narrated, cache, [("Alpha", None), ("Beta", metas["Beta"])]) as ahead:
        ahead.submit(metas["Alpha"])
        done = ahead.finish()
        assert done is not None and done.path.is_file()
        parts = _parts(narrated, [metas["Alpha"], metas["Beta"]])
        peak = make_track(parts, tmp_path / "join.m4a")
        assert done.path.read_bytes() == (tmp_path / "join.m4a").read_bytes()
        assert done.key == voicetrack.key_of(parts) and done.true_peak == peak
        process = ahead._process
    assert not process.is_alive() and not done.path.exists()


def test_no_encode_is_kept_when_the_track_is_the_last_joins(narrated: Path) -> None:
    """A scene rendered again with the same voice (an edit to the picture): the encoder
    finds the kept track's key and gives nothing, so the join copies the kept file."""
    metas = _metas(narrated)
    with Ahead(narrated, narrated / CACHE, [("Alpha", None), ("Beta", metas["Beta"])]) as ahead:
        ahead.submit(metas["Alpha"])
        assert ahead.finish() is None
        assert not ahead.path.exists()


def test_a_build_that_stops_stops_the_encoder(narrated: Path) -> None:
    """Alpha never comes (its render failed, or Ctrl-C): leaving ends the encoder at once
    and removes its file."""
    metas = _metas(narrated)
    (narrated / CACHE / voicetrack.RECORD).unlink()
    with pytest.raises(RuntimeError, match="render failed"):
        with Ahead(narrated, narrated / CACHE, [("Beta", metas["Beta"]), ("Alpha", None)]) \
                as ahead:
            process = ahead._process
            raise RuntimeError("render failed")
    assert not process.is_alive() and process.exitcode is not None
    assert not ahead.path.exists()
    assert not [p for p in (narrated / CACHE).iterdir() if "ahead" in p.name]


def test_the_encoder_starts_once_the_lecture_is_known_to_speak(narrated: Path) -> None:
    """No process for scenes that say nothing (a silent lecture costs none); the first
    rendered scene that speaks starts it."""
    metas = _metas(narrated)
    silent = metas["Beta"].replace(narration=None)
    with Ahead(narrated, narrated / CACHE, [("Alpha", None), ("Beta", silent)]) as ahead:
        assert ahead._process is None
        ahead.submit(metas["Alpha"].replace(narration=None))
        assert ahead._process is None
        ahead.submit(metas["Alpha"])
        assert ahead._process is not None and ahead._process.is_alive()
        process = ahead._process
    assert not process.is_alive()


def test_finishing_without_a_scene_gives_nothing_and_does_not_wait(narrated: Path) -> None:
    """`finish` with a scene never sent (it cannot happen in a build, which stops first):
    the join encodes the track itself, nothing hangs."""
    import threading

    metas = _metas(narrated)
    (narrated / CACHE / voicetrack.RECORD).unlink()
    got = []
    with Ahead(narrated, narrated / CACHE, [("Alpha", None), ("Beta", metas["Beta"])]) as ahead:
        waiter = threading.Thread(target=lambda: got.append(ahead.finish()), daemon=True)
        waiter.start()
        waiter.join(60)
        assert got == [None]
    assert not ahead.path.exists()


@pytest.mark.slow
def test_a_changed_line_is_joined_from_the_track_encoded_ahead(narrated: Path,
                                                               voice_cache) -> None:
    beta = narrated / "scenes/beta.py"
    beta.write_text(beta.read_text().replace("one step closer", "a step closer"))
    build(narrated, voice_cache)
    manifest = json.loads((narrated / OUT / "manifest.json").read_text())
    assert manifest["narration"]["encoded"] == "ahead"
    kept = narrated / CACHE / voicetrack.KEPT
    assert audio_packets(narrated / OUT / "lecture.mp4") == audio_packets(kept)
    metas = _metas(narrated)
    make_track(_parts(narrated, [metas["Alpha"], metas["Beta"]]), narrated / "join.m4a")
    assert (narrated / "join.m4a").read_bytes() == kept.read_bytes()
    assert not [p for p in (narrated / CACHE).iterdir() if "ahead" in p.name]


def test_the_join_uses_a_matching_encode_without_encoding(tmp_path: Path, monkeypatch) -> None:
    parts = [voice_like(0.7, 6), voice_like(0.5, 7)]
    made = tmp_path / "ahead.m4a"
    peak = make_track(parts, made)
    ahead = voicetrack.Encoded(made, voicetrack.key_of(parts), peak)
    other = voicetrack.Encoded(made, voicetrack.key_of(parts[:1]), peak)
    too_loud = voicetrack.Encoded(made, ahead.key, mix.MAX_TRUE_PEAK + 0.1)
    for n, wrong in enumerate((other, too_loud)):  # not this track, or over the ceiling
        _, source = voicetrack.make(parts, tmp_path / "x.m4a", tmp_path / f"c{n}", wrong)
        assert source == "encoded"

    def no_encode(*_):
        raise AssertionError("encoded again")

    monkeypatch.setattr(mix, "make_track", no_encode)
    got, source = voicetrack.make(parts, tmp_path / "a.m4a", tmp_path / "ok", ahead)
    assert (source, got) == ("ahead", peak)
    assert (tmp_path / "a.m4a").read_bytes() == made.read_bytes() \
        == (tmp_path / "ok" / voicetrack.KEPT).read_bytes()
    assert voicetrack.kept_key(tmp_path / "ok") == ahead.key


def _children(pid: int) -> dict[int, str]:
    """{pid: command line} of the processes whose parent is ``pid`` (from /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_text()
        except (OSError, ValueError, IndexError):
            pass  # gone meanwhile
    return found


@pytest.mark.slow
def test_ctrl_c_during_a_build_stops_the_encoder_without_a_traceback(narrated: Path,
                                                                      voice_cache) -> None:
    """Ctrl-C goes to the terminal's whole process group, the encoder too: the build says
    one line, and leaves neither the encoder nor its file behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    beta = narrated / "scenes/beta.py"
    beta.write_text(beta.read_text().replace("one step closer", "a step nearer"))
    build = subprocess.Popen([sys.executable, "-m", "lecture", "build", "-q", "l"], cwd=narrated,
                             env=env_for(narrated, voice_cache), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    encoder, deadline = None, time.monotonic() + 60
    while encoder is None and time.monotonic() < deadline and build.poll() is None:
        encoder = next((pid for pid, line in _children(build.pid).items()
                        if "spawn_main" in line), None)
        time.sleep(0.02)
    assert encoder is not None, "the build started no encoder"
    time.sleep(0.3)  # into its work: importing, waiting for Beta, or encoding
    os.killpg(build.pid, signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode in (130, -signal.SIGINT), err
    assert err.strip().splitlines() == ["error: interrupted; finished outputs are kept, nothing "
                                        "half-written was put in place"], err
    assert not Path(f"/proc/{encoder}").exists(), "the encoder outlived the build"
    assert not [p for p in (narrated / CACHE).iterdir() if "ahead" in p.name]
