"""The upload flow against the client library's own HTTP double (no network).

googleapiclient.http.HttpMockSequence answers each request in turn and
records what was sent, so the tests read the Content-Range of every chunk.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.http import HttpMockSequence

from lecture.publish import upload
from lecture.publish.errors import PublishError

SIZE = 3000
CHUNK = 1024
SESSION = "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&upload_id=S1"
SECRET_TOKEN = "ya29.SECRET-ACCESS-TOKEN-do-not-print"
SECRET_REFRESH = "1//SECRET-REFRESH-TOKEN-do-not-print"
SECRET_CLIENT = "GOCSPX-SECRET-CLIENT-do-not-print"
SECRETS = (SECRET_TOKEN, SECRET_REFRESH, SECRET_CLIENT)


class Sequence(HttpMockSequence):
    """HttpMockSequence that can also drop the connection (an exception in the script)."""

    def request(self, uri, method="GET", body=None, headers=None, **kwargs):
        if self._iterable and isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, **kwargs)


def ok(body: dict | None = None):
    return {"status": "200"}, json.dumps(body or {})


def session():
    return {"status": "200", "location": SESSION}, ""


def resume(last_byte: int):
    return {"status": "308", "range": f"bytes=0-{last_byte}"}, ""


def api_error(status: int, reason: str, message: str = "no"):
    return {"status": str(status)}, json.dumps(
        {"error": {"code": status, "message": message, "errors": [{"reason": reason, "message": message}]}})


@pytest.fixture
def bundle(tmp_path) -> Path:
    folder = tmp_path / "youtube"
    folder.mkdir()
    (folder / "video.mp4").write_bytes(bytes(range(256)) * (SIZE // 256) + bytes(SIZE % 256))
    (folder / "thumbnail.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "captions.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello\n")
    (folder / "metadata.json").write_text(json.dumps({
        "title": "T", "description": "0:00 A\n0:10 B\n0:20 C", "tags": ["x"], "categoryId": "27",
        "defaultLanguage": "en", "defaultAudioLanguage": "en", "privacyStatus": "private",
        "madeForKids": False}))
    return folder


class Run:
    def __init__(self, script):
        self.http = Sequence(list(script))
        self.sleeps: list[float] = []
        self.said: list[str] = []

    def __call__(self, folder: Path, token: Path | None = None, max_retries: int = 3) -> str:
        youtube = upload.make_youtube(http=self.http)
        retry = upload.Retry(max_retries=max_retries, sleep=self.sleeps.append, rand=lambda: 0.5)
        return upload.publish(folder, youtube, token or folder / "token.json", say=self.said.append,
                              retry=retry, chunk_size=CHUNK)

    def ranges(self) -> list[str]:
        return [(h or {}).get("Content-Range") or (h or {}).get("content-range")
                for _, m, _, h in self.http.request_sequence if m == "PUT"]


def test_clean_upload_sends_chunks_then_thumbnail_then_captions(bundle):
    run = Run([session(), resume(1023), resume(2047), ok({"id": "vid123"}),
               ok({"kind": "youtube#thumbnailSetResponse"}), ok({"id": "cap1"})])
    assert run(bundle) == "https://youtu.be/vid123"
    uris = [u for u, *_ in run.http.request_sequence]
    assert "uploadType=resumable" in uris[0] and "part=snippet%2Cstatus" in uris[0]
    assert run.ranges() == ["bytes 0-1023/3000", "bytes 1024-2047/3000", "bytes 2048-2999/3000"]
    assert "/thumbnails/set" in uris[4] and "videoId=vid123" in uris[4]
    assert "/captions" in uris[5]
    body = json.loads(run.http.request_sequence[0][2])
    assert body["snippet"]["categoryId"] == "27"
    assert body["status"] == {"privacyStatus": "private", "selfDeclaredMadeForKids": False}
    assert run.sleeps == [] and not run.http._iterable


def test_503_mid_upload_resumes_where_the_server_stopped(bundle):
    run = Run([session(), resume(1023), api_error(503, "backendError"),
               resume(1535),  # the status query: the server kept half the chunk
               resume(2559), ok({"id": "vid503"}), ok(), ok({"id": "cap"})])
    assert run(bundle) == "https://youtu.be/vid503"
    assert run.ranges() == ["bytes 0-1023/3000", "bytes 1024-2047/3000", "bytes */3000",
                            "bytes 1536-2559/3000", "bytes 2560-2999/3000"]
    assert run.sleeps == [2 ** 1 * 0.75]  # attempt 1: 2 s scaled by jitter 0.5 + 0.5/2
    assert any("HTTP 503" in line and "retry 1" in line for line in run.said)


def test_dropped_connection_mid_upload_resumes(bundle):
    run = Run([session(), resume(1023), ConnectionResetError("peer reset"),
               resume(1023), resume(2047), ok({"id": "vidconn"}), ok(), ok({"id": "cap"})])
    assert run(bundle) == "https://youtu.be/vidconn"
    assert run.ranges() == ["bytes 0-1023/3000", "bytes 1024-2047/3000", "bytes */3000",
                            "bytes 1024-2047/3000", "bytes 2048-2999/3000"]
    assert len(run.sleeps) == 1


def test_backoff_grows_and_gives_up(bundle):
    run = Run([session()] + [api_error(503, "backendError")] + [api_error(503, "backendError")] * 3)
    with pytest.raises(PublishError, match="gave up after 3 retries: HTTP 503"):
        run(bundle, max_retries=3)
    assert run.sleeps == [1.5, 3.0, 6.0]


def test_backoff_resets_after_a_chunk_goes_through(bundle):
    run = Run([session(), api_error(502, "x"), resume(1023), resume(1023), api_error(500, "x"),
               resume(2047), ok({"id": "v"}), ok(), ok({"id": "c"})])
    run(bundle)
    assert run.sleeps == [1.5, 1.5]


def test_quota_exceeded_is_one_line_and_not_retried(bundle):
    run = Run([api_error(403, "quotaExceeded", "The request cannot be completed because you have "
                                                "exceeded your quota.")])
    with pytest.raises(PublishError) as info:
        run(bundle)
    message = str(info.value)
    assert "quota exceeded" in message and "\n" not in message
    assert run.sleeps == []


def test_daily_upload_limit(bundle):
    run = Run([session(), api_error(400, "uploadLimitExceeded")])
    with pytest.raises(PublishError, match="daily upload limit"):
        run(bundle)


def test_bad_credentials_remove_the_token(bundle, tmp_path):
    token = tmp_path / "config" / "token.json"
    token.parent.mkdir()
    token.write_text("{}")
    run = Run([({"status": "401"}, json.dumps({"error": {"code": 401, "message": "Invalid Credentials",
                                                        "errors": [{"reason": "authError"}]}}))])
    with pytest.raises(PublishError, match="revoked or is invalid.*run again to re-authorise") as info:
        run(bundle, token=token)
    assert str(token) in str(info.value) and not token.exists()


def test_thumbnail_refused_after_upload_still_gives_the_address(bundle):
    run = Run([session(), resume(1023), resume(2047), ok({"id": "vidT"}),
               api_error(403, "forbidden", "The authenticated user doesn't have permissions to upload "
                                           "and set custom video thumbnails.")])
    with pytest.raises(PublishError) as info:
        run(bundle)
    assert "thumbnail" in str(info.value) and "https://youtu.be/vidT" in str(info.value)


# --- the token -------------------------------------------------------------------


def fake_creds(**kw) -> Credentials:
    import datetime

    in_an_hour = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(hours=1)
    return Credentials(token=kw.get("token", SECRET_TOKEN), refresh_token=SECRET_REFRESH,
                       token_uri="https://oauth2.googleapis.com/token", client_id="cid.apps.googleusercontent.com",
                       client_secret=SECRET_CLIENT, scopes=upload.SCOPES, expiry=kw.get("expiry", in_an_hour))


def test_token_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert upload.token_path() == tmp_path / "gradient-lecture" / "token.json"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert upload.token_path() == Path.home() / ".config" / "gradient-lecture" / "token.json"


def test_new_token_is_saved_readable_by_the_user_alone(tmp_path):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text("{}")
    token = tmp_path / "cfg" / "gradient-lecture" / "token.json"
    os.umask(0o022)
    creds = upload.get_credentials(secrets, token, run_flow=lambda path: fake_creds())
    assert creds.token == SECRET_TOKEN
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert stat.S_IMODE(token.parent.stat().st_mode) == 0o700
    again = upload.get_credentials(None, token, run_flow=lambda path: pytest.fail("flow ran again"))
    assert again.refresh_token == SECRET_REFRESH


def test_no_client_secret_file(tmp_path):
    with pytest.raises(PublishError, match="no client-secret file: pass --client-secrets"):
        upload.get_credentials(None, tmp_path / "token.json")
    with pytest.raises(PublishError, match="no client-secret file at"):
        upload.get_credentials(tmp_path / "missing.json", tmp_path / "token.json")


def test_malformed_client_secret_file(tmp_path):
    secrets = tmp_path / "client_secret.json"
    secrets.write_text(json.dumps({"something": {"client_secret": SECRET_CLIENT}}))
    with pytest.raises(PublishError) as info:
        upload.get_credentials(secrets, tmp_path / "token.json")
    assert "not an OAuth client file" in str(info.value) and SECRET_CLIENT not in str(info.value)


def test_revoked_token_is_one_line_and_removed(tmp_path):
    import datetime

    import google_auth_httplib2

    token = tmp_path / "token.json"
    upload.save_token(fake_creds(expiry=datetime.datetime(2000, 1, 1)), token)
    google = HttpMockSequence([({"status": "400"}, json.dumps(
        {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}))])
    with pytest.raises(PublishError) as info:
        upload.get_credentials(None, token, transport=google_auth_httplib2.Request(google))
    message = str(info.value)
    assert "revoked or is invalid" in message and "\n" not in message
    assert not token.exists()
    assert not any(s in message for s in SECRETS)
    assert google.request_sequence and "oauth2" in google.request_sequence[0][0]


def test_corrupt_token_file(tmp_path):
    token = tmp_path / "token.json"
    token.write_text("not json")
    with pytest.raises(PublishError, match="revoked or is invalid"):
        upload.get_credentials(None, token)


def test_retriable_errors():
    from googleapiclient.errors import HttpError

    assert upload._is_retriable(HttpError(httplib2.Response({"status": "503"}), b""))
    assert not upload._is_retriable(HttpError(httplib2.Response({"status": "403"}), b""))
    assert upload._is_retriable(ConnectionResetError()) and upload._is_retriable(TimeoutError())
    assert not upload._is_retriable(FileNotFoundError())
