"""`lecture present` on good and bad input: what it writes, what it refuses, one-line errors."""

from __future__ import annotations

import json
import shutil

import pytest

from lecture.presenter.folder import MARKER

from tests.presenter.conftest import QUALITY, out_dir, write_project

pytestmark = pytest.mark.slow  # runs the real command on a real (tiny) render

ASSETS = ("index.html", "notes.html", "present.css", "present.js", "bar.js", "notes.js")
PAGE_FILES = {*ASSETS, "lecture.js", "lecture.mp4", "captions.vtt", "manifest.json",
              "handout.pdf", MARKER}


def lecture(root, *args: str):
    """Run `lecture ARGS` in this process for the project at `root` (click's test runner)."""
    from click.testing import CliRunner

    from lecture.cli import main

    return CliRunner(env={"LECTURE_ROOT": str(root)}).invoke(main, list(args),
                                                             prog_name="lecture")


def one_error(done) -> str:
    """The command failed with exactly one line on stderr, no traceback; return it."""
    assert done.exit_code == 1, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit), done.exception
    lines = [ln for ln in done.stderr.splitlines() if ln.strip() and not ln.startswith("  ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_the_folder_holds_everything_the_page_needs(silent):
    assert PAGE_FILES <= {p.name for p in silent.iterdir()}
    assert sorted(p.name for p in (silent / "frames").iterdir()) == [
        f"beat-00{i}.jpg" for i in range(1, 5)]
    assert (silent / "lecture.mp4").read_bytes() == (silent.parent / "lecture.mp4").read_bytes()
    vtt = (silent / "captions.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "it turns into a blue circle" in vtt
    # Nothing is fetched from the network: no URL with a scheme in the page's files.
    for name in ASSETS:
        text = (silent / name).read_text()
        assert "http:" not in text and "https:" not in text and "//cdn" not in text, name


def test_no_built_lecture_says_which_command_builds_it(tmp_path):
    root = write_project(tmp_path / "proj")
    line = one_error(lecture(root, "present", "-q", "m"))
    assert "no built lecture at -q m" in line and "`lecture build -q m`" in line


def test_a_missing_video_or_damaged_manifest_says_rebuild(project):
    (out_dir(project) / "lecture.mp4").unlink()
    line = one_error(lecture(project, "present", "-q", QUALITY))
    assert "lecture.mp4 does not exist" in line and f"`lecture build -q {QUALITY}`" in line
    (out_dir(project) / "lecture.mp4").write_bytes(b"not a video")
    line = one_error(lecture(project, "present", "-q", QUALITY))
    assert "damaged" in line and f"`lecture build -q {QUALITY}`" in line
    (out_dir(project) / "manifest.json").write_text("{")
    line = one_error(lecture(project, "present", "-q", QUALITY))
    assert "manifest.json is unreadable" in line


def test_an_existing_folder_that_is_not_a_presenter_is_left_alone(project, tmp_path):
    mine = tmp_path / "slides"
    mine.mkdir()
    (mine / "talk.txt").write_text("my own notes")
    line = one_error(lecture(project, "present", "-q", QUALITY, "--out", str(mine)))
    assert "not overwriting" in line
    assert [p.name for p in mine.iterdir()] == ["talk.txt"]
    assert (mine / "talk.txt").read_text() == "my own notes"
    a_file = tmp_path / "present.html"
    a_file.write_text("x")
    assert "is a file" in one_error(lecture(project, "present", "-q", QUALITY, "--out",
                                            str(a_file)))
    assert a_file.read_text() == "x"


def test_an_empty_folder_is_used_and_a_previous_presenter_replaced(project, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    first = lecture(project, "present", "-q", QUALITY, "--out", str(out))
    assert first.exit_code == 0, first.output
    assert PAGE_FILES <= {p.name for p in out.iterdir()}
    again = lecture(project, "present", "-q", QUALITY, "--out", str(out))
    assert again.exit_code == 0 and again.stdout.startswith("up to date"), again.stdout

    (out / "leftover.txt").write_text("written into the presenter folder")
    toml = project / "lecture.toml"
    toml.write_text(toml.read_text().replace("Shapes, a test lecture", "Renamed"))
    third = lecture(project, "present", "-q", QUALITY, "--out", str(out))
    assert third.exit_code == 0, third.output
    assert not (out / "leftover.txt").exists()  # the whole folder is the presenter's
    assert '"title": "Renamed"' in (out / "lecture.js").read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_failed_build_keeps_the_previous_folder(project):
    done = lecture(project, "present", "-q", QUALITY)
    assert done.exit_code == 0, done.output
    present = out_dir(project) / "present"
    before = {p.name: p.read_bytes() for p in present.iterdir() if p.is_file()}
    (out_dir(project) / "lecture.mp4").write_bytes(b"not a video")
    one_error(lecture(project, "present", "-q", QUALITY))
    after = {p.name: p.read_bytes() for p in present.iterdir() if p.is_file()}
    assert after == before
    assert json.loads((present / MARKER).read_text())["key"]
    assert [p.name for p in out_dir(project).iterdir() if ".present." in p.name] == []


def test_a_folder_with_a_forged_or_broken_marker_is_not_replaced(project, tmp_path):
    out = tmp_path / "other"
    out.mkdir()
    (out / "work.txt").write_text("keep")
    (out / MARKER).write_text('{"tool": "something else"}')
    one_error(lecture(project, "present", "-q", QUALITY, "--out", str(out)))
    (out / MARKER).write_text("not json")
    one_error(lecture(project, "present", "-q", QUALITY, "--out", str(out)))
    assert (out / "work.txt").read_text() == "keep"
    shutil.rmtree(out)


def test_leftovers_of_an_interrupted_run_are_swept_and_nothing_else(project, tmp_path):
    where = tmp_path / "class"
    where.mkdir()
    for name, marked in ((".talk.tmp-99999", True), (".talk.old-4", True), (".talk.tmp-5", False)):
        (where / name).mkdir()
        if marked:
            (where / name / MARKER).write_text('{"tool": "lecture present", "key": null}')
    done = lecture(project, "present", "-q", QUALITY, "--out", str(where / "talk"))
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in where.iterdir()) == [".talk.tmp-5", "talk"]
