"""`lecture present --serve`: byte ranges (Chromium seeks only with them) and a clean stop."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lecture.presenter.serve import make_server

from tests.presenter.conftest import QUALITY, env_for
from tests.presenter.page import beats, console_errors, open_page, press, wait_for, wait_held


@pytest.fixture
def served(silent):
    server = make_server(silent, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def get(port: int, path: str, headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_ranges(served, silent):
    data = (silent / "lecture.mp4").read_bytes()
    size = len(data)
    whole, body = get(served, "/lecture.mp4")
    assert whole.status == 200 and body == data
    assert whole.getheader("Accept-Ranges") == "bytes"
    assert whole.getheader("Content-Type") == "video/mp4"

    part, body = get(served, "/lecture.mp4", {"Range": "bytes=10-19"})
    assert part.status == 206 and body == data[10:20]
    assert part.getheader("Content-Range") == f"bytes 10-19/{size}"
    rest, body = get(served, "/lecture.mp4", {"Range": "bytes=100-"})
    assert rest.status == 206 and body == data[100:]
    tail, body = get(served, "/lecture.mp4", {"Range": "bytes=-7"})
    assert tail.status == 206 and body == data[-7:]
    beyond, body = get(served, "/lecture.mp4", {"Range": f"bytes={size}-"})
    assert beyond.status == 416 and body == b""
    assert beyond.getheader("Content-Range") == f"bytes */{size}"
    several, body = get(served, "/lecture.mp4", {"Range": "bytes=0-1,5-6"})
    assert several.status == 200 and body == data  # allowed: the whole file instead

    vtt, body = get(served, "/captions.vtt")
    assert vtt.getheader("Content-Type") == "text/vtt" and body.startswith(b"WEBVTT")
    assert get(served, "/frames/")[0].status == 404  # no folder listings
    assert (silent.parent / "lecture.srt").is_file()  # beside the folder, never served
    assert get(served, "/../lecture.srt")[0].status == 404
    assert get(served, "/%2e%2e/lecture.srt")[0].status == 404


@pytest.mark.slow
@pytest.mark.parametrize("ranges", [True, False], ids=["byte-ranges", "stdlib-without-ranges"])
def test_chromium_can_seek_only_with_ranges(browser, silent, ranges):
    """Over HTTP the page can seek to a beat only when the server answers byte ranges;
    the stdlib's plain handler (the wrong server) leaves the video unseekable."""
    if ranges:
        server = make_server(silent, 0)
    else:
        server = ThreadingHTTPServer(("127.0.0.1", 0),
                                     partial(SimpleHTTPRequestHandler, directory=str(silent)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        open_page(browser, f"http://127.0.0.1:{server.server_address[1]}/index.html")
        seekable = browser.execute_script(
            "const s = document.getElementById('video').seekable;"
            "return s.length ? s.end(0) : 0;")
        duration = browser.execute_script("return LECTURE.duration")
        if ranges:
            assert seekable == pytest.approx(duration, abs=0.01)
            last = beats(silent)[-1]
            press(browser, str(last["number"]), "\ue007")
            state = wait_held(browser)
            assert last["end"] - 0.2 <= state["time"] < last["end"]
            assert console_errors(browser) == []
        else:
            assert seekable == 0
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_serve_command_prints_the_url_and_stops_on_ctrl_c(project):
    proc = subprocess.Popen([sys.executable, "-m", "lecture", "present", "-q", QUALITY,
                             "--serve", "--port", "0"], cwd=project, env=env_for(project),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        url = wait_for(lambda: (lines.append(proc.stdout.readline()) or
                                next((ln.split()[2] for ln in lines if "presenting at" in ln),
                                     None)), timeout=60, what="the URL line")
        host, port = url.removeprefix("http://").split("/")[0].split(":")
        assert host == "127.0.0.1"
        response, body = get(int(port), "/index.html")
        assert response.status == 200 and b"present.js" in body
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, err
    assert "stopped serving" in out
    assert "Traceback" not in err


def test_serve_on_a_busy_port_is_one_line(project):
    busy = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    try:
        done = subprocess.run([sys.executable, "-m", "lecture", "present", "-q", QUALITY,
                               "--serve", "--port", str(busy.server_address[1])], cwd=project,
                              env=env_for(project), capture_output=True, text=True, timeout=60)
    finally:
        busy.server_close()
    assert done.returncode == 1
    errors = [ln for ln in done.stderr.splitlines() if ln.startswith("error")]
    assert len(errors) == 1 and "--port" in errors[0], done.stderr
    assert "Traceback" not in done.stderr
