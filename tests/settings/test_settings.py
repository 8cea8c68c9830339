"""The one settings object: every LECTURE_* variable parsed, checked and documented."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

import settings
from settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_unset_or_empty_variables_take_the_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"LECTURE_ZYGOTE": "", "LECTURE_MANIM_ARGS": ""}) == Settings()


def test_each_kind_of_value_is_parsed():
    found = Settings.from_env({
        "LECTURE_ROOT": "/tmp/x", "LECTURE_MANIM_ARGS": "--fps 5 -r '160,90'",
        "LECTURE_ZYGOTE": "0", "LECTURE_PRELOAD_VOICE": "1", "LECTURE_SHARED_CACHE": "off",
        "LECTURE_SEGMENT_ENCODING": "manim", "LECTURE_DEBUG": "yes", "LECTURE_VOICE": "none"})
    assert found.root == Path("/tmp/x")
    assert found.manim_args == ("--fps", "5", "-r", "160,90")
    assert (found.zygote, found.preload_voice, found.shared_cache) == (False, True, False)
    assert (found.segment_encoding, found.debug, found.voice) == ("manim", True, "none")


@pytest.mark.parametrize("name, value, says", [
    ("LECTURE_ZYGOTE", "maybe", "LECTURE_ZYGOTE='maybe': expected 1 or 0"),
    ("LECTURE_SHARED_CACHE", "0", "LECTURE_SHARED_CACHE='0': expected on or off"),
    ("LECTURE_SEGMENT_ENCODING", "x264", "expected delivery or manim"),
    ("LECTURE_MANIM_ARGS", "--fps '5", "LECTURE_MANIM_ARGS="),
])
def test_a_bad_value_is_one_line_naming_the_variable(name, value, says):
    with pytest.raises(SettingsError) as info:
        Settings.from_env({name: value})
    assert says in str(info.value) and "\n" not in str(info.value)


def test_an_override_reaches_this_process_and_its_children(monkeypatch):
    monkeypatch.setattr(settings, "_overrides", {})
    monkeypatch.delenv("LECTURE_VOICE", raising=False)
    settings.override(voice="none")
    assert settings.current().voice == "none"
    assert settings.child_env({})["LECTURE_VOICE"] == "none"
    assert settings.overrides() == {"voice": "none"}
    assert "LECTURE_VOICE" not in __import__("os").environ  # nothing written to os.environ


def test_a_bad_override_fails_where_it_is_given(monkeypatch):
    monkeypatch.setattr(settings, "_overrides", {})
    with pytest.raises(SettingsError):
        settings.override(zygote="sometimes")


def test_current_reads_the_environment_each_time(monkeypatch):
    monkeypatch.setenv("LECTURE_CRASH_AT", "here")
    assert settings.current().crash_at == "here"
    monkeypatch.delenv("LECTURE_CRASH_AT")
    assert settings.current().crash_at is None


def test_docs_list_exactly_the_variables():
    table = (ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `(LECTURE_[A-Z_]+)` \|", table, re.M))
    assert documented == {f.metadata["env"] for f in dataclasses.fields(Settings)}


def test_no_module_reads_a_lecture_variable_itself():
    readers = []
    for folder in ("lecture", "narration", "scenes", "lessonlib"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if re.search(r"environ(\.get)?[\[(]\s*[\"']LECTURE_", text):
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []


def test_the_cli_reports_a_bad_setting_in_one_line(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "LECTURE_ZYGOTE": "maybe", "LECTURE_ROOT": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "lecture", "render", "Intro"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: LECTURE_ZYGOTE='maybe': expected 1 or 0"
