"""Uploads that resume across runs, against the loopback server of test_loopback.

The main test kills an uploading process (SIGKILL: no clean-up of any kind)
when half the file is on the server, then runs a new process: it must ask the
server where the upload stands and send only the second half, into the same
session. The others show when a saved session is not used.

`python -m tests.publish.test_resume BASE BUNDLE SESSIONS` is the uploading
process: `lecture publish`'s upload, pointed at the loopback server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import google_auth_httplib2
import pytest

from lecture.publish import resume, upload
from lecture.publish.errors import PublishError

from tests.publish.test_loopback import FakeYouTube, Handler, Loopback
from tests.publish.test_upload import CHUNK, bundle, fake_creds  # noqa: F401 - bundle is a fixture

SIZE = 64 * CHUNK
ROOT = Path(__file__).resolve().parents[2]


class HoldingHandler(Handler):
    """Holds the data PUT that starts at `server.hold_at` until the test releases it, then
    drops the connection; answers 404 for a session it never opened."""

    def do_PUT(self):
        if not self.path.startswith("/session/1"):
            self._body()
            self.server.log.append(f"PUT {self.headers.get('Content-Range', '')} to an unknown session")
            self._reply(404, {"error": {"code": 404, "errors": [{"reason": "notFound"}]}})
            return
        content_range = self.headers.get("Content-Range", "")
        if content_range == f"bytes */{len(self.server.received)}":  # all there: Google answers
            self._body()                                             # with the video resource
            self.server.log.append(f"PUT {content_range}")
            self._reply(200, {"id": "loopbackVid"})
            return
        hold_at = getattr(self.server, "hold_at", None)
        if hold_at is not None and content_range.startswith(f"bytes {hold_at}-"):
            self._body()
            self.server.log.append(f"PUT {content_range} (held)")
            self.server.holding.set()
            self.server.release.wait(30)
            self.close_connection = True
            return
        super().do_PUT()


@pytest.fixture
def server():
    srv = FakeYouTube([], handler=HoldingHandler)
    srv.holding, srv.release = threading.Event(), threading.Event()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def big_bundle(bundle):  # noqa: F811 - the fixture imported above
    (bundle / "video.mp4").write_bytes(os.urandom(SIZE))
    return bundle


def publish(base: str, folder: Path, sessions: Path, say=print) -> str:
    http = google_auth_httplib2.AuthorizedHttp(fake_creds(), http=Loopback(base))
    retry = upload.Retry(max_retries=2, sleep=lambda s: None, rand=lambda: 0.0)
    return upload.publish(folder, upload.make_youtube(http=http), folder / "token.json", say=say,
                          retry=retry, chunk_size=CHUNK, sessions=sessions)


def child(base: str, folder: Path, sessions: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.publish.test_resume", base, str(folder),
                             str(sessions)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_upload_killed_at_half_resumes_at_half_in_a_new_process(server, big_bundle, tmp_path):
    sessions = tmp_path / "media" / "uploads"
    server.hold_at = SIZE // 2
    first = child(server.base, big_bundle, sessions)
    assert server.holding.wait(60), first.communicate()[0]
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    server.hold_at = None
    server.release.set()
    assert len(server.received) == SIZE // 2
    record = sessions / f"{resume.file_sha256(big_bundle / 'video.mp4')}.json"
    assert record.is_file() and oct(record.stat().st_mode & 0o777) == "0o600"

    second = child(server.base, big_bundle, sessions)
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 0, out
    assert f"resuming the upload at byte {SIZE // 2:,} of {SIZE:,} (50% was already sent)" in out
    assert out.strip().endswith("https://youtu.be/loopbackVid")
    assert bytes(server.received) == (big_bundle / "video.mp4").read_bytes()
    assert server.log.count("POST /upload/youtube/v3/videos") == 1  # one session, resumed
    after_kill = server.log[server.log.index(f"PUT bytes {SIZE // 2}-{SIZE // 2 + CHUNK - 1}/{SIZE} (held)") + 1:]
    assert after_kill[:2] == [f"PUT bytes */{SIZE}", f"PUT bytes {SIZE // 2}-{SIZE // 2 + CHUNK - 1}/{SIZE}"]
    assert not record.exists()  # a finished upload forgets its session


def saved(sessions: Path, folder: Path, uri: str, age: float = 0.0, **changes) -> Path:
    """Write a session record for `folder`'s upload, as an earlier run would have."""
    meta = json.loads((folder / "metadata.json").read_text())
    from lecture.publish.metadata import insert_body

    sha = resume.file_sha256(folder / "video.mp4")
    data = {"uri": uri, "created": time.time() - age, "size": (folder / "video.mp4").stat().st_size,
            "video_sha256": sha, "body_sha256": resume.body_sha256(insert_body(meta)), **changes}
    sessions.mkdir(parents=True, exist_ok=True)
    path = sessions / f"{sha}.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize("why, record, said, queries", [
    ("a week old", dict(age=resume.LIFETIME + 60), "past a session's life", 0),
    ("other metadata", dict(body_sha256="0" * 64), "had other metadata", 0),
    ("unknown to the server", dict(uri="/session/2"), "no longer knows the saved upload session", 1),
])
def test_a_saved_session_that_cannot_be_resumed_starts_afresh(server, big_bundle, tmp_path, why, record,
                                                              said, queries):
    sessions = tmp_path / "uploads"
    path = saved(sessions, big_bundle, server.base + record.pop("uri", "/session/1"), **record)
    lines: list[str] = []
    assert publish(server.base, big_bundle, sessions, lines.append) == "https://youtu.be/loopbackVid"
    assert any(said in line for line in lines), (why, lines)
    assert len([e for e in server.log if "*/" in e]) == queries
    assert server.log.count("POST /upload/youtube/v3/videos") == 1  # a new session
    assert bytes(server.received) == (big_bundle / "video.mp4").read_bytes()
    assert not path.exists()


def test_a_session_for_another_file_is_discarded(server, big_bundle, tmp_path):
    sessions = tmp_path / "uploads"
    sessions.mkdir()
    other = sessions / f"{'ab' * 32}.json"
    other.write_text(json.dumps({"uri": server.base + "/session/1", "created": time.time()}))
    publish(server.base, big_bundle, sessions, lambda line: None)
    assert not other.exists()
    assert [entry for entry in server.log if "*/" in entry] == []  # nothing asked about it
    assert bytes(server.received) == (big_bundle / "video.mp4").read_bytes()


def test_a_saved_upload_that_had_finished_is_not_sent_again(server, big_bundle, tmp_path):
    sessions = tmp_path / "uploads"
    saved(sessions, big_bundle, server.base + "/session/1")
    server.received += (big_bundle / "video.mp4").read_bytes()
    lines: list[str] = []
    url = publish(server.base, big_bundle, sessions, lines.append)
    assert url == "https://youtu.be/loopbackVid" and "the saved upload had already finished" in lines
    assert [e for e in server.log if e.startswith(("PUT", "POST /upload/youtube/v3/videos"))] == [
        f"PUT bytes */{SIZE}"]


def test_ctrl_c_keeps_the_session_and_says_how_to_continue(server, big_bundle, tmp_path):
    sessions = tmp_path / "uploads"
    http = google_auth_httplib2.AuthorizedHttp(fake_creds(), http=Loopback(server.base))

    def interrupt(done, total):
        if done >= 4 * CHUNK:
            raise KeyboardInterrupt

    with pytest.raises(PublishError, match=r"upload interrupted at 4,096 of 65,536 bytes; run `lecture "
                                           r"publish` again to continue from there"):
        upload.upload_video(upload.make_youtube(http=http), big_bundle / "video.mp4",
                            {"snippet": {}, "status": {"privacyStatus": "private"}}, upload.Retry(),
                            lambda line: None, CHUNK, interrupt, sessions)
    assert len(list(sessions.glob("*.json"))) == 1


if __name__ == "__main__":
    base, folder, sessions = sys.argv[1:4]
    print(publish(base, Path(folder), Path(sessions)), flush=True)
