"""Beats and speaker notes from a manifest and captions (no video needed)."""

from __future__ import annotations

import json

import pytest

from lecture.core.errors import LectureError
from lecture.presenter.beats import beats_of, notes_for, page_meta, read_lecture
from lecture.media.captions import Cue

MANIFEST = {
    "frame_rate": 10.0, "width": 160, "height": 90, "duration": 9.0,
    "scenes": [
        {"name": "Intro", "offset": 0.0, "duration": 3.0,
         "sections": [{"name": "autocreated", "start": 0.0, "end": 1.0},
                      {"name": "question", "start": 1.0, "end": 3.0},
                      {"name": "empty", "start": 3.0, "end": 3.02}]},  # under half a frame
        {"name": "Plain", "offset": 3.0, "duration": 2.0, "sections": []},
        {"name": "Last", "offset": 5.0, "duration": 4.0,
         "sections": [{"name": "only", "start": 5.0, "end": 9.0}]},
    ],
}


def test_every_section_is_a_beat_and_a_scene_without_sections_is_one():
    beats = beats_of(MANIFEST, [])
    assert [(b.number, b.scene, b.name, b.start, b.end) for b in beats] == [
        (1, "Intro", "Intro", 0.0, 1.0),  # Manim's "autocreated" takes the scene's name
        (2, "Intro", "question", 1.0, 3.0),
        (3, "Plain", "Plain", 3.0, 5.0),
        (4, "Last", "only", 5.0, 9.0),
    ]
    assert [b.title for b in beats] == ["Intro", "Intro · question", "Plain", "Last · only"]
    assert [b.scene_index for b in beats] == [0, 0, 1, 2]


def test_notes_are_the_cues_whose_middle_lies_in_the_beat():
    cues = [
        Cue(0.1, 0.9, "Welcome."),
        Cue(0.95, 1.9, "What moves\na weight?"),  # starts before beat 2, its middle is in it
        Cue(2.0, 2.5, "Let us see."),
        Cue(4.9, 7.0, "The end."),
        Cue(9.5, 10.0, "After the video."),  # in no beat: dropped
    ]
    notes = notes_for([(0.0, 1.0), (1.0, 3.0), (3.0, 5.0), (5.0, 9.0)], cues)
    assert notes == ["Welcome.", "What moves a weight? Let us see.", "", "The end."]


def test_notes_check_catches_a_cue_in_the_wrong_beat():
    """A cue whose middle is in beat 1 is not beat 2's, even when it ends inside beat 2."""
    notes = notes_for([(0.0, 1.0), (1.0, 3.0)], [Cue(0.2, 1.4, "early")])
    assert notes == ["early", ""]


def test_page_meta_reads_lecture_toml_or_falls_back(tmp_path):
    assert page_meta(tmp_path) == (tmp_path.name, "en")
    (tmp_path / "lecture.toml").write_text('[youtube]\ntitle = " Loss "\nlanguage = "de"\n')
    assert page_meta(tmp_path) == ("Loss", "de")
    (tmp_path / "lecture.toml").write_text("[youtube\n")
    assert page_meta(tmp_path) == (tmp_path.name, "en")


@pytest.mark.parametrize("damage, says", [
    (lambda f: (f / "manifest.json").unlink(), "manifest.json does not exist"),
    (lambda f: (f / "manifest.json").write_text("[]"), "manifest.json is unreadable"),
    (lambda f: (f / "lecture.mp4").unlink(), "lecture.mp4 does not exist"),
    (lambda f: (f / "lecture.srt").write_text("1\nnot a time\nx\n"), "not valid SubRip"),
])
def test_missing_or_damaged_build_names_the_build_command(tmp_path, damage, says):
    folder = tmp_path / "h"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps(MANIFEST))
    (folder / "lecture.mp4").write_bytes(b"")
    (folder / "lecture.srt").write_text("1\n00:00:00,100 --> 00:00:00,900\nWelcome.\n")
    assert [b.notes for b in read_lecture(folder, "h", "media/lecture/h").beats][0] == "Welcome."
    damage(folder)
    with pytest.raises(LectureError) as caught:
        read_lecture(folder, "h", "media/lecture/h")
    message = caught.value.format_message()
    assert says in message and "`lecture build -q h`" in message and "\n" not in message
