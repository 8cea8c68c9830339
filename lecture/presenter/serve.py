"""`lecture present --serve`: the presenter folder on http://127.0.0.1, with byte ranges.

Chromium asks for media with `Range: bytes=N-` and can seek in a video only when
the server answers 206 with that range (stdlib's SimpleHTTPRequestHandler always
sends the whole file), so this handler serves single byte ranges.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 1 << 16


class PresenterHandler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".vtt": "text/vtt", ".js": "text/javascript", ".mp4": "video/mp4"}

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's name
        pass  # a presenter's terminal is not a web log

    def list_directory(self, path):
        self.send_error(HTTPStatus.NOT_FOUND, "No listing")
        return None

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        header = self.headers.get("Range")
        if header is None or not os.path.isfile(path):
            return super().send_head()
        size = os.path.getsize(path)
        span = self._span(header, size)
        if span is None:  # several ranges or a malformed header: the whole file
            return super().send_head()
        if span == ():
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        start, end = span
        fh = open(path, "rb")
        fh.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return fh

    @staticmethod
    def _span(header: str, size: int) -> tuple[int, int] | tuple[()] | None:
        """(first, last) byte of a single range; () if it cannot be satisfied."""
        m = RANGE.match(header.strip())
        if not m or m.groups() == ("", ""):
            return None
        first, last = m.groups()
        if first == "":  # the last N bytes
            n = int(last)
            return (max(0, size - n), size - 1) if n > 0 and size > 0 else ()
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        return (start, end) if start <= end and start < size else ()

    def copyfile(self, source, outputfile) -> None:
        remaining = getattr(self, "_remaining", None)
        try:
            if remaining is None:
                shutil.copyfileobj(source, outputfile, CHUNK)
                return
            while remaining > 0:
                block = source.read(min(CHUNK, remaining))
                if not block:
                    break
                outputfile.write(block)
                remaining -= len(block)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser cancelled a media request; it does that all the time
        finally:
            self._remaining = None

    def send_response(self, code, message=None) -> None:
        super().send_response(code, message)
        if code == HTTPStatus.OK:
            self.send_header("Accept-Ranges", "bytes")


def make_server(folder: Path, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """A server for `folder` on host:port (port 0: any free port)."""
    server = ThreadingHTTPServer((host, port), partial(PresenterHandler, directory=str(folder)))
    server.daemon_threads = True
    return server


def serve(folder: Path, port: int, say: Callable[[str], None]) -> None:
    """Serve until Ctrl-C, then close the socket and return."""
    server = make_server(folder, port)
    host, bound = server.server_address[:2]
    say(f"presenting at http://{host}:{bound}/index.html  (Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    say("stopped serving")
