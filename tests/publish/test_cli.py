"""`lecture publish` and `lecture check` end to end, on a fake render, with no network."""

from __future__ import annotations

import hashlib
import json
import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from googleapiclient.http import HttpMockSequence

from lecture.cli import main
from lecture.publish import upload

from tests.publish.conftest import LECTURE_TOML
from tests.publish.test_upload import SECRETS, fake_creds, ok, resume, session


@pytest.fixture(scope="session")
def rendered_repo(good_bundle) -> Path:
    """The fake render with its bundle built once (conftest); copies reuse its video.mp4."""
    return good_bundle.parents[3]


@pytest.fixture
def repo(rendered_repo, tmp_path, monkeypatch) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(rendered_repo, target)
    monkeypatch.chdir(target)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LECTURE_CLIENT_SECRETS", raising=False)
    return target


def lecture(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "youtube" not in p.parts}


def test_dry_run_builds_a_bundle_that_check_passes(repo):
    shutil.rmtree(repo / "media/lecture/h/youtube")
    before = digest(repo / "media")
    result = lecture("publish", "--dry-run", "-q", "h")
    assert result.exit_code == 0, result.output
    bundle = repo / "media" / "lecture" / "h" / "youtube"
    assert {p.name for p in bundle.iterdir()} == {"video.mp4", "captions.srt", "captions.vtt",
                                                  "thumbnail.jpg", "metadata.json", "bundle.json"}
    assert "FAIL" not in result.output and "39 of 39 rules pass" in result.output
    assert digest(repo / "media") == before  # the render is only read

    check = lecture("check", str(bundle))
    assert check.exit_code == 0 and "FAIL" not in check.output
    assert lecture("check").exit_code == 0  # default: media/lecture/h/youtube


def test_second_dry_run_reuses_the_video_and_picks_up_metadata(repo):
    assert lecture("publish", "--dry-run").exit_code == 0
    video = repo / "media/lecture/h/youtube/video.mp4"
    stamp = video.stat().st_mtime_ns
    (repo / "lecture.toml").write_text(LECTURE_TOML.replace("Test lecture", "Renamed lecture"))
    result = lecture("publish", "--dry-run", "--privacy", "unlisted")
    assert result.exit_code == 0 and "not copying it again" in result.output
    assert video.stat().st_mtime_ns == stamp
    meta = json.loads((repo / "media/lecture/h/youtube/metadata.json").read_text())
    assert meta["title"] == "Renamed lecture" and meta["privacyStatus"] == "unlisted"
    assert lecture("publish", "--dry-run", "--force").output.count("into video.mp4") == 1


def test_check_fails_a_broken_bundle_with_exit_1(repo):
    assert lecture("publish", "--dry-run").exit_code == 0
    bundle = repo / "media/lecture/h/youtube"
    meta = json.loads((bundle / "metadata.json").read_text())
    meta["madeForKids"] = True
    (bundle / "metadata.json").write_text(json.dumps(meta))
    result = lecture("check", str(bundle))
    assert result.exit_code == 1
    fails = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(fails) == 1 and "made for kids" in fails[0] and "True" in fails[0]


@pytest.mark.parametrize("args, setup, message", [
    (["check", "nowhere"], None, "no bundle at nowhere"),
    (["publish", "--dry-run", "-q", "m"], None, "missing render: media/lecture/m/manifest.json does not exist"),
    (["publish", "--dry-run"], lambda r: (r / "media/lecture/h/lecture.mp4").unlink(),
     "missing render: media/lecture/h/lecture.mp4"),
    (["publish", "--dry-run"], lambda r: (r / "media/lecture/h/manifest.json").write_text("{"),
     "manifest.json is not valid JSON"),
    (["publish", "--dry-run"], lambda r: (r / "lecture.toml").write_text("[youtube\n"),
     "lecture.toml is not valid TOML"),
    (["publish", "--dry-run"], lambda r: (r / "lecture.toml").unlink(), "no lecture.toml in"),
    (["publish", "--dry-run"], lambda r: (r / "lecture.toml").write_text(
        LECTURE_TOML.replace("privacy =", "privcy =")), "unknown [youtube] key 'privcy'"),
    (["publish", "--dry-run"], lambda r: (r / "lecture.toml").write_text(
        LECTURE_TOML.replace("Intro =", "Intr =")), "[chapters] names 'Intr', which is not a scene"),
    (["publish", "--dry-run"], lambda r: (r / "media/lecture/h/lecture.mp4").write_bytes(b"junk"),
     "cannot read the rendered video lecture.mp4"),
    (["publish", "--dry-run"], lambda r: (r / "media/lecture/h/lecture.srt").write_bytes(b"1\nnonsense\n"),
     "lecture.srt is not valid SubRip"),
])
def test_bad_input_is_one_line_and_non_zero(repo, args, setup, message):
    if setup:
        setup(repo)
    result = lecture(*args)
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1


def test_no_thumbnail_still_is_a_missing_render(repo):
    manifest = repo / "media/lecture/h/manifest.json"
    data = json.loads(manifest.read_text())
    data["thumbnail"] = None
    manifest.write_text(json.dumps(data))
    result = lecture("publish", "--dry-run")
    assert result.exit_code != 0 and "names no thumbnail still" in result.output


def test_dry_run_with_a_failing_bundle_exits_non_zero(repo):
    (repo / "lecture.toml").write_text(LECTURE_TOML.replace("Test lecture", "T" * 101))
    result = lecture("publish", "--dry-run")
    assert result.exit_code == 1 and "fails the check" in result.output


# --- the real thing, against the HTTP double -------------------------------------


@pytest.fixture
def youtube_double(monkeypatch):
    """Route `lecture publish` to HttpMockSequence and a fake browser flow; return both."""
    state = {"http": HttpMockSequence([session(), ok({"id": "lectureVid"}), ok(), ok({"id": "cap"})]),
             "flows": 0}

    def fake_flow(path):
        state["flows"] += 1
        return fake_creds()

    def fake_build(credentials=None, http=None):
        assert credentials.token in SECRETS  # the saved token is what gets used
        return upload.build("youtube", "v3", http=state["http"], static_discovery=True)

    monkeypatch.setattr(upload, "_run_flow", fake_flow)
    monkeypatch.setattr(upload, "make_youtube", fake_build)
    monkeypatch.setattr(upload, "CHUNK_SIZE", 1 << 30)
    return state


def test_publish_uploads_and_prints_the_address_but_no_secret(repo, youtube_double, tmp_path):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text("{}")
    result = CliRunner(env={"LECTURE_CLIENT_SECRETS": str(secrets)}).invoke(
        main, ["publish", "-q", "h"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("https://youtu.be/lectureVid")
    token = tmp_path / "config" / "gradient-lecture" / "token.json"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert not any(s in result.output for s in SECRETS)
    assert youtube_double["flows"] == 1 and not youtube_double["http"]._iterable


def test_publish_without_a_client_secret_file(repo, youtube_double):
    result = lecture("publish")
    assert result.exit_code != 0 and "no client-secret file" in result.output
    assert youtube_double["flows"] == 0


def test_publish_refuses_a_bundle_that_fails_the_check(repo, youtube_double, tmp_path):
    (repo / "lecture.toml").write_text(LECTURE_TOML.replace('"Test lecture"', '"Tests <b>bold</b>"'))
    secrets = tmp_path / "client_secret.json"
    secrets.write_text("{}")
    result = lecture("publish", "--client-secrets", str(secrets))
    assert result.exit_code != 0 and "refusing to publish" in result.output
    assert youtube_double["flows"] == 0 and youtube_double["http"].request_sequence == []


def test_publish_with_quota_exceeded(repo, youtube_double, tmp_path):
    from tests.publish.test_upload import api_error

    youtube_double["http"] = HttpMockSequence([api_error(403, "quotaExceeded")])
    secrets = tmp_path / "client_secret.json"
    secrets.write_text("{}")
    result = lecture("publish", "--client-secrets", str(secrets))
    assert result.exit_code != 0
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        line for line in result.output.splitlines() if "quota exceeded" in line]
    assert not any(s in result.output for s in SECRETS)


def test_resumed_upload_through_the_cli(repo, youtube_double, tmp_path, monkeypatch):
    from tests.publish.test_upload import api_error

    size = None

    def script():
        nonlocal size
        size = (repo / "media/lecture/h/youtube/video.mp4").stat().st_size
        return [session(), resume(999), api_error(503, "backendError"), resume(1999), ok({"id": "r"}),
                ok(), ok({"id": "c"})]

    assert lecture("publish", "--dry-run").exit_code == 0
    youtube_double["http"] = HttpMockSequence(script())
    monkeypatch.setattr(upload, "CHUNK_SIZE", 1000)
    monkeypatch.setattr(upload.Retry, "wait", lambda self, attempt, say, why: say(f"{why}; retrying"))
    secrets = tmp_path / "client_secret.json"
    secrets.write_text("{}")
    result = lecture("publish", "--client-secrets", str(secrets))
    assert result.exit_code == 0, result.output
    assert "HTTP 503; retrying" in result.output and "https://youtu.be/r" in result.output
    puts = [h.get("Content-Range") for _, m, _, h in youtube_double["http"].request_sequence if m == "PUT"]
    assert puts[:3] == [f"bytes 0-999/{size}", f"bytes 1000-1999/{size}", f"bytes */{size}"]
    assert puts[3].startswith("bytes 2000-")
