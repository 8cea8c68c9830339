"""The build end to end on the fixture project: join and caption offsets, the manifest,
the no-op path, incremental rebuilds and a corrupt cache entry."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import av
import pytest
import srt

from lecture.media.video import probe

from tests.fixtures.pipeline import env_for, lecture

pytestmark = pytest.mark.slow


def manifest(root: Path) -> dict:
    return json.loads((root / "media/lecture/l/manifest.json").read_text())


def scene_meta(root: Path, name: str) -> dict:
    return json.loads((root / f"media/lecture/scenes/l/{name}.json").read_text())


def test_manifest_offsets_sections_and_captions(built_template: Path) -> None:
    root = built_template
    m = manifest(root)
    assert (m["quality"], m["width"], m["height"], m["frame_rate"]) == ("l", 160, 90, 5.0)
    assert [s["name"] for s in m["scenes"]] == ["Alpha", "Beta", "Gamma"]
    # 5 fps: Alpha 2+2 frames, Beta 3, Gamma 2+5.
    assert [s["duration"] for s in m["scenes"]] == [0.8, 0.6, 1.4]
    assert [s["offset"] for s in m["scenes"]] == [0.0, 0.8, 1.4]
    assert m["duration"] == pytest.approx(2.8)
    assert m["scenes"][2]["sections"] == [{"name": "triangle", "start": 1.4, "end": 1.8},
                                          {"name": "hold", "start": 1.8, "end": 2.8}]
    assert m["scenes"][0]["sections"][1] == {"name": "fade", "start": 0.4, "end": 0.8}
    for s in m["scenes"]:
        assert s["hash"] == scene_meta(root, s["name"])["hash"]
        assert (root / s["video"]).is_file()
    assert m["thumbnail"] == "media/lecture/scenes/l/Thumb.png"
    assert (root / m["thumbnail"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    subs = list(srt.parse((root / "media/lecture/l/lecture.srt").read_text()))
    assert [(s.index, s.content, s.start.total_seconds(), s.end.total_seconds()) for s in subs] == [
        (1, "alpha square", 0.0, 0.4),
        (2, "beta circle", 0.8, 1.0),  # Beta's caption at 0.0 in Beta, which starts at 0.8
        (3, "gamma", 1.4, 1.8),
    ]


def test_joined_video_is_continuous_stream_copy_with_moov_first(built_template: Path) -> None:
    root = built_template
    video = root / "media/lecture/l/lecture.mp4"
    head = video.read_bytes()[:64]
    assert head.find(b"moov") != -1 and (head.find(b"mdat") == -1 or head.find(b"moov") < head.find(b"mdat"))
    info = probe(video)
    assert info.duration == Fraction(14, 5) and info.frames == 14
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        packets = [p for p in c.demux(stream) if p.pts is not None]
        pts = sorted(p.pts for p in packets)
        dts = [p.dts for p in packets]
        step = pts[1] - pts[0]
        assert pts == list(range(pts[0], pts[0] + step * len(pts), step))  # no gap, no overlap
        assert dts == sorted(dts) and len(set(dts)) == len(dts)
    with av.open(str(video)) as c:
        assert sum(1 for _ in c.decode(video=0)) == 14  # every frame decodes
    # Stream copy: the scene's packets are in the lecture byte for byte.
    with av.open(str(root / "media/lecture/scenes/l/Beta.mp4")) as c:
        beta = [bytes(p) for p in c.demux(video=0) if p.size]
    joined = [bytes(p) for p in packets]
    assert joined[4:7] == beta


def test_noop_build_is_fast_and_never_imports_manim(built: Path) -> None:
    video = built / "media/lecture/l/lecture.mp4"
    before = video.stat().st_mtime_ns
    code = (
        "import sys, time\n"
        "t = time.perf_counter()\n"
        "from lecture.cli import main\n"
        "try:\n"
        "    main(['build', '-q', 'l'], prog_name='lecture')\n"
        "except SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        "took = time.perf_counter() - t\n"
        "heavy = sorted(m for m in ('manim', 'av', 'numpy', 'PIL') if m in sys.modules)\n"
        "print('RESULT', took, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=built, env=env_for(built),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout
    line = next(l for l in done.stdout.splitlines() if l.startswith("RESULT"))
    took, heavy = line.split(" ", 2)[1:]
    assert heavy == "[]", f"no-op build imported {heavy}"
    assert float(took) < 1.0
    assert video.stat().st_mtime_ns == before


def test_lessonlib_edit_rebuilds_only_the_scene_using_it(built: Path) -> None:
    alpha, gamma = scene_meta(built, "Alpha"), scene_meta(built, "Gamma")
    (built / "lessonlib/two.py").write_text("from ._base import BASE\n\n\ndef two():\n    return 3 * BASE\n")
    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr
    assert "rendered Beta" in done.stdout
    assert "rendered Alpha" not in done.stdout and "rendered Gamma" not in done.stdout
    assert "1 rendered, 2 cached" in done.stdout
    assert scene_meta(built, "Alpha") == alpha and scene_meta(built, "Gamma") == gamma
    assert manifest(built)["scenes"][1]["hash"] == scene_meta(built, "Beta")["hash"]


def test_quality_is_part_of_the_cache(built: Path) -> None:
    done = lecture(built, "list")
    assert done.returncode == 0, done.stderr
    row = next(l for l in done.stdout.splitlines() if "Alpha" in l)
    assert row.count("✓") == 1  # rendered at l only; m, h, k are not up to date


def test_corrupt_cached_scene_video_is_rendered_again(built: Path) -> None:
    cached = built / "media/lecture/scenes/l/Gamma.mp4"
    data = cached.read_bytes()
    cached.write_bytes(data[: len(data) // 2])  # truncated, as by a full disk or a kill
    listing = lecture(built, "list")
    assert "corrupt" in next(l for l in listing.stdout.splitlines() if "Gamma" in l)
    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr
    assert "rendered Gamma" in done.stdout and "rendered Alpha" not in done.stdout
    assert probe(cached).frames == 7


def test_same_size_corruption_is_caught_by_the_content_hash(built: Path) -> None:
    cached = built / "media/lecture/scenes/l/Alpha.mp4"
    data = bytearray(cached.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cached.write_bytes(bytes(data))
    done = lecture(built, "build", "-q", "l")
    assert done.returncode == 0, done.stderr
    assert "rendered Alpha" in done.stdout


def test_render_command_reuses_fresh_scenes(built: Path) -> None:
    done = lecture(built, "render", "alpha", "GAMMA.py")
    assert done.returncode == 0, done.stderr
    assert "up to date Alpha" in done.stdout and "up to date Gamma" in done.stdout
    (built / "scenes/gamma.py").write_text((built / "scenes/gamma.py").read_text() + "# edit\n")
    done = lecture(built, "render", "gamma")
    assert done.returncode == 0, done.stderr
    assert "rendered Gamma" in done.stdout


def test_storyboard_sheets(built: Path) -> None:
    done = lecture(built, "storyboard")
    assert done.returncode == 0, done.stderr
    from PIL import Image

    folder = built / "media/lecture/l/storyboard"
    for name in ("Alpha", "Beta", "Gamma", "lecture"):
        with Image.open(folder / f"{name}.png") as img:
            assert img.width > 300 and img.height > 100
    # Gamma has two sections -> two cells in one row; the lecture has 5 sections -> 2 rows.
    with Image.open(folder / "Gamma.png") as g, Image.open(folder / "lecture.png") as lec:
        assert lec.height > g.height
