"""The upload over real sockets: a resumable-upload server on 127.0.0.1.

The server keeps the bytes it receives and accepts a chunk only if it starts
exactly where its copy ends, so a client that resumes at the wrong byte fails.
At the end its copy must equal the file.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import google_auth_httplib2
import httplib2
import pytest

from lecture.publish import upload

from tests.publish.test_upload import CHUNK, SECRETS, bundle, fake_creds  # noqa: F401 - bundle is a fixture


class FakeYouTube(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # the handler that reset its connection cannot flush it; that is the point

    def __init__(self, faults, handler=None):
        super().__init__(("127.0.0.1", 0), handler or Handler)
        self.faults = list(faults)  # per data PUT: "ok", "503-half" or "drop"
        self.received = bytearray()
        self.metadata = None
        self.auth = set()
        self.log: list[str] = []

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: FakeYouTube
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep the test output clean
        pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reply(self, status: int, body: dict | None = None, **headers):
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k.replace("_", "-"), v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _range(self) -> dict:
        have = len(self.server.received)
        return {"Range": f"bytes=0-{have - 1}"} if have else {}

    def do_POST(self):
        self.server.auth.add(self.headers.get("Authorization", ""))
        body = self._body()
        self.server.log.append(f"POST {self.path.split('?')[0]}")
        if self.path.startswith("/upload/youtube/v3/videos"):
            self.server.metadata = json.loads(body)
            self._reply(200, {}, Location=f"{self.server.base}/session/1")
        elif self.path.startswith("/upload/youtube/v3/thumbnails/set"):
            self._reply(200, {"kind": "youtube#thumbnailSetResponse"})
        elif self.path.startswith("/upload/youtube/v3/captions"):
            self._reply(200, {"id": "caption1"})
        else:
            self._reply(404, {"error": {"code": 404, "errors": [{"reason": "notFound"}]}})

    def do_PUT(self):
        self.server.auth.add(self.headers.get("Authorization", ""))
        content_range = self.headers.get("Content-Range", "")
        body = self._body()
        self.server.log.append(f"PUT {content_range}")
        if content_range.startswith("bytes */"):
            self._reply(308, None, **self._range())
            return
        first, last, total = map(int, re.match(r"bytes (\d+)-(\d+)/(\d+)", content_range).groups())
        if first != len(self.server.received):
            self._reply(400, {"error": {"code": 400, "errors": [{"reason": "badRange"}]}})
            return
        fault = self.server.faults.pop(0) if self.server.faults else "ok"
        if fault == "drop":  # reset the connection without an answer; keep nothing
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        if fault == "503-half":  # keep half the chunk, then fail
            self.server.received += body[: len(body) // 2]
            self._reply(503, {"error": {"code": 503, "errors": [{"reason": "backendError"}]}})
            return
        self.server.received += body
        if last + 1 == total:
            self._reply(200, {"id": "loopbackVid", "status": {"uploadStatus": "uploaded"}})
        else:
            self._reply(308, None, **self._range())


class Loopback(httplib2.Http):
    """httplib2 pointed at the fake server instead of Google."""

    def __init__(self, base: str):
        super().__init__(timeout=5)
        self.base = base
        # As googleapiclient.http.build_http does for the real client: a 308 here
        # means "resume incomplete", not a redirect.
        self.redirect_codes = self.redirect_codes - {308}

    def request(self, uri, *args, **kwargs):
        uri = re.sub(r"^https://(youtube|www)\.googleapis\.com", self.base, uri)
        return super().request(uri, *args, **kwargs)


@pytest.fixture
def server(request):
    srv = FakeYouTube(request.param)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def run(srv: FakeYouTube, bundle_folder, tmp_path):
    http = google_auth_httplib2.AuthorizedHttp(fake_creds(), http=Loopback(srv.base))
    youtube = upload.make_youtube(http=http)
    said, sleeps = [], []
    retry = upload.Retry(max_retries=4, sleep=sleeps.append, rand=lambda: 0.0)
    url = upload.publish(bundle_folder, youtube, tmp_path / "token.json", say=said.append,
                         retry=retry, chunk_size=CHUNK)
    return url, said, sleeps


@pytest.mark.parametrize("server", [["ok", "ok", "ok"]], indirect=True)
def test_clean_upload_over_loopback(server, bundle, tmp_path):
    url, said, sleeps = run(server, bundle, tmp_path)
    assert url == "https://youtu.be/loopbackVid"
    assert bytes(server.received) == (bundle / "video.mp4").read_bytes()
    assert server.metadata["snippet"]["title"] == "T"
    assert server.log[-2:] == ["POST /upload/youtube/v3/thumbnails/set", "POST /upload/youtube/v3/captions"]
    assert sleeps == [] and not any(s in " ".join(said) for s in SECRETS)
    assert server.auth == {f"Bearer {fake_creds().token}"}  # the token went to the server only


@pytest.mark.parametrize("server", [["ok", "503-half", "ok", "ok"]], indirect=True)
def test_503_after_half_a_chunk_resumes_at_the_servers_byte(server, bundle, tmp_path):
    url, said, sleeps = run(server, bundle, tmp_path)
    assert url == "https://youtu.be/loopbackVid"
    assert bytes(server.received) == (bundle / "video.mp4").read_bytes()
    assert "PUT bytes */3000" in server.log and "PUT bytes 1536-2559/3000" in server.log
    assert len(sleeps) == 1


@pytest.mark.parametrize("server", [["ok", "drop", "drop", "ok", "ok"]], indirect=True)
def test_dropped_connections_are_retried_and_resumed(server, bundle, tmp_path):
    """Two resets in a row: two retries, the second wait twice the first, then a resume."""
    url, said, sleeps = run(server, bundle, tmp_path)
    assert url == "https://youtu.be/loopbackVid"
    assert bytes(server.received) == (bundle / "video.mp4").read_bytes()
    assert "PUT bytes */3000" in server.log
    assert sleeps == [1.0, 2.0] and "connection error" in said[0]
