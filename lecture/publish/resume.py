"""Resumable uploads that outlive the process that started them.

YouTube's resumable upload gives each upload a session address. The moment it
is granted, it is saved under media/uploads/, named by the SHA-256 of the
video and holding the hash of the metadata it was opened with. When
`lecture publish` runs again for the same bundle, it asks YouTube how many
bytes that session holds (an empty PUT with `Content-Range: bytes */SIZE`)
and continues from there instead of sending the file again.

A saved session is discarded, and a new upload started, when it belongs to
another file or other metadata, when it is older than a session lives (Google
documents a week for its resumable uploads), or when YouTube no longer knows
it (404/410). A finished upload deletes its record. Records are written
atomically and readable by the user alone: the address is all it takes to add
bytes to the upload.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LIFETIME = 7 * 24 * 3600  # seconds a resumable session lives on Google's side
GONE = (404, 410)


def file_sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def body_sha256(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Saved:
    uri: str
    created: float


class SessionStore:
    """The saved session (if any) for uploading `video` with `body`; records live in `folder`."""

    def __init__(self, folder: Path, video: Path, body: dict,
                 clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.video_sha256 = file_sha256(video)
        self.size = video.stat().st_size
        self.body_sha256 = body_sha256(body)
        self.clock = clock
        self.path = folder / f"{self.video_sha256}.json"

    def load(self) -> tuple[Saved | None, str]:
        """The session to resume, or None and why there is none to resume."""
        self._discard_others()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, "no saved upload"
        except (OSError, ValueError):
            self.discard()
            return None, "the saved upload record was unreadable"
        if not isinstance(data, dict) or not isinstance(data.get("uri"), str) \
                or not isinstance(data.get("created"), (int, float)):
            self.discard()
            return None, "the saved upload record was incomplete"
        if data.get("size") != self.size or data.get("video_sha256") != self.video_sha256:
            self.discard()
            return None, "the saved upload was for another file"
        if data.get("body_sha256") != self.body_sha256:
            self.discard()
            return None, "the saved upload had other metadata"
        age = self.clock() - float(data["created"])
        if not 0 <= age < LIFETIME:
            self.discard()
            return None, f"the saved upload was {age / 86400:.1f} days old, past a session's life"
        return Saved(data["uri"], float(data["created"])), "saved upload found"

    def save(self, uri: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".part")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"uri": uri, "created": self.clock(), "size": self.size,
                       "video_sha256": self.video_sha256, "body_sha256": self.body_sha256}, f)
        os.replace(tmp, self.path)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)

    def _discard_others(self) -> None:
        """Sessions for other files can never be resumed: the file they were for is gone."""
        if self.folder.is_dir():
            for other in self.folder.glob("*.json"):
                if other != self.path:
                    other.unlink(missing_ok=True)


def ask_where(http, uri: str, size: int) -> tuple[str, int | bytes]:
    """Ask YouTube about a session: ("resume", bytes it holds), ("done", the response body)
    or ("gone", 0). Other answers raise googleapiclient's HttpError."""
    from googleapiclient.errors import HttpError

    resp, content = http.request(uri, "PUT", headers={"Content-Range": f"bytes */{size}",
                                                      "Content-Length": "0"})
    if resp.status == 308:
        held = resp.get("range", "")
        return "resume", int(held.rsplit("-", 1)[1]) + 1 if "-" in held else 0
    if resp.status in (200, 201):
        return "done", content
    if resp.status in GONE:
        return "gone", 0
    raise HttpError(resp, content, uri=uri)


class Recorder:
    """An http object for `next_chunk` that saves the session address as soon as it is granted."""

    def __init__(self, http, on_session: Callable[[str], None]) -> None:
        self.http = http
        self.on_session = on_session

    def request(self, uri, method="GET", *args, **kwargs):
        resp, content = self.http.request(uri, method, *args, **kwargs)
        if method == "POST" and resp.status == 200 and "location" in resp:
            self.on_session(resp["location"])
        return resp, content

    def __getattr__(self, name):
        return getattr(self.http, name)


def continue_saved(request, store: SessionStore, size: int, say: Callable[[str], None],
                   call: Callable[[Callable[[], object]], object]) -> dict | None:
    """Point a videos.insert `request` at the saved session and the byte YouTube holds.

    Returns the video resource if the saved upload had in fact finished; None
    when the upload is to continue (or start afresh). `call` runs a request with
    the caller's retries.
    """
    saved, why = store.load()
    if saved is None:
        if why != "no saved upload":
            say(f"{why}; starting the upload afresh")
        return None
    where, value = call(lambda: ask_where(request.http, saved.uri, size))
    if where == "gone":
        store.discard()
        say("YouTube no longer knows the saved upload session; starting the upload afresh")
        return None
    if where == "done":
        store.discard()
        say("the saved upload had already finished")
        return json.loads(value)
    request.resumable_uri, request.resumable_progress = saved.uri, value
    say(f"resuming the upload at byte {value:,} of {size:,} ({value / size:.0%} was already sent)")
    return None
