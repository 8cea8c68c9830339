"""Upload a checked bundle through the YouTube Data API v3.

Authorisation is Google's OAuth installed-app flow: the user names the OAuth
client file (a "Desktop app" client from the Google Cloud console) with
--client-secrets or LECTURE_CLIENT_SECRETS, approves in the browser once, and
the token is kept at $XDG_CONFIG_HOME/gradient-lecture/token.json, readable by
the user alone (0600). The video goes up as a resumable upload in chunks;
a 5xx answer or a dropped connection is retried with exponential backoff and
jitter, and the upload resumes at the byte the server says it has. The
session is saved (resume.py), so an upload cut off by a crash or Ctrl-C
continues in the next run. Then the thumbnail and the captions, then the
video's address. Quota refusals say which allowance ran out (quota.py).

Nothing here prints or logs a token, a refresh token or a client secret:
errors are summarised in our own words from status codes and error reasons.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload

import settings
from lecture.publish import quota, resume
from lecture.publish.errors import PublishError

SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",  # videos.insert, thumbnails.set
    "https://www.googleapis.com/auth/youtube.force-ssl",  # captions.insert
]
CLIENT_SECRETS_ENV = settings.variable("client_secrets")
CHUNK_SIZE = 8 * 1024 * 1024  # a multiple of 256 KiB, as resumable uploads require
MAX_RETRIES = 8
RETRIABLE_STATUS = {500, 502, 503, 504}
RETRIABLE_EXCEPTIONS = (httplib2.HttpLib2Error, http.client.HTTPException, ConnectionError,
                        TimeoutError, socket.gaierror, TransportError)


# --- the token -------------------------------------------------------------------


def token_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "gradient-lecture" / "token.json"


def save_token(creds: Credentials, path: Path) -> None:
    """Write the token readable by the user alone: the folder 0700, the file 0600."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # in case a stale .part survived with other bits
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(creds.to_json())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)


def _revoked(path: Path) -> PublishError:
    path.unlink(missing_ok=True)
    return PublishError(f"the saved YouTube token was revoked or is invalid; removed {path}: "
                        f"run again to re-authorise")


def _run_flow(client_secrets: Path) -> Credentials:
    from google_auth_oauthlib.flow import InstalledAppFlow

    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), SCOPES)
    except (ValueError, KeyError, json.JSONDecodeError):
        raise PublishError(f"{client_secrets} is not an OAuth client file for a desktop app "
                           f"(download one from the Google Cloud console, APIs & Services > Credentials)") from None
    return flow.run_local_server(
        port=0,
        authorization_prompt_message="Authorise YouTube uploads in your browser; if it does not open, visit:\n{url}",
        success_message="Authorised; you can close this tab and go back to the terminal.",
    )


def get_credentials(client_secrets: Path | None, path: Path | None = None,
                    run_flow: Callable[[Path], Credentials] | None = None,
                    transport=None) -> Credentials:
    """The saved token, refreshed if needed, or a new one from the browser flow."""
    path = path or token_path()
    if path.is_file():
        try:
            creds = Credentials.from_authorized_user_file(str(path), SCOPES)
        except (ValueError, KeyError, json.JSONDecodeError):
            raise _revoked(path) from None
        if creds.valid:
            return creds
        if creds.refresh_token:
            import google_auth_httplib2

            try:
                creds.refresh(transport or google_auth_httplib2.Request(httplib2.Http()))
            except RefreshError:
                raise _revoked(path) from None
            except TransportError:
                raise PublishError("cannot reach Google to refresh the YouTube token; check the network") from None
            save_token(creds, path)
            return creds
        raise _revoked(path)
    if client_secrets is None:
        raise PublishError(f"no client-secret file: pass --client-secrets FILE or set {CLIENT_SECRETS_ENV} "
                           f"(an OAuth client of type 'Desktop app' from the Google Cloud console)")
    if not client_secrets.is_file():
        raise PublishError(f"no client-secret file at {client_secrets}")
    creds = (run_flow or _run_flow)(client_secrets)
    save_token(creds, path)
    return creds


# --- API errors ------------------------------------------------------------------


def _reason(err: HttpError) -> tuple[str, str]:
    """(reason, message) from an API error body, without echoing anything else."""
    try:
        body = json.loads(err.content.decode("utf-8"))
        error = body.get("error", {})
        if isinstance(error, str):  # OAuth-style {"error": "invalid_grant"}
            return error, ""
        errors = error.get("errors") or [{}]
        return str(errors[0].get("reason", "")), str(error.get("message", ""))[:200]
    except (ValueError, AttributeError, UnicodeDecodeError):
        return "", ""


def explain(err: HttpError, step: str, token: Path) -> PublishError:
    status = err.resp.status
    reason, message = _reason(err)
    if quota.is_quota(reason):
        return PublishError(quota.explain(reason, message, step))
    if reason == "youtubeSignupRequired":
        return PublishError("this Google account has no YouTube channel: create one at youtube.com, then run again")
    if reason == "uploadLimitExceeded":
        return PublishError("this channel has reached YouTube's daily upload limit; try again tomorrow")
    if status == 401 or reason in ("authError", "invalid_grant", "unauthorized"):
        return _revoked(token)
    detail = f": {message}" if message else ""
    return PublishError(f"YouTube refused the {step} (HTTP {status}{', ' + reason if reason else ''}){detail}")


# --- the upload -------------------------------------------------------------------


@dataclass
class Retry:
    max_retries: int = MAX_RETRIES
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    cap: float = 64.0

    def wait(self, attempt: int, say: Callable[[str], None], why: str) -> None:
        """Sleep before retry `attempt` (1-based): full jitter under 2**attempt seconds."""
        if attempt > self.max_retries:
            raise PublishError(f"gave up after {self.max_retries} retries: {why}")
        delay = min(self.cap, 2 ** attempt) * (0.5 + self.rand() / 2)
        say(f"{why}; retry {attempt} of {self.max_retries} in {delay:.1f} s")
        self.sleep(delay)


def _is_retriable(exc: BaseException) -> bool:
    if isinstance(exc, HttpError):
        return exc.resp.status in RETRIABLE_STATUS
    return isinstance(exc, RETRIABLE_EXCEPTIONS)


def _why(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return f"HTTP {exc.resp.status}"
    return f"connection error ({type(exc).__name__})"


def call_with_retry(fn: Callable[[], object], retry: Retry, say: Callable[[str], None]):
    """fn(), again after a backoff while it fails with a 5xx or a connection error."""
    attempt = 0
    while True:
        try:
            return fn()
        except (HttpError, *RETRIABLE_EXCEPTIONS) as exc:
            if not _is_retriable(exc):
                raise
            attempt += 1
            retry.wait(attempt, say, _why(exc))


def execute_with_retry(request, retry: Retry, say: Callable[[str], None]):
    return call_with_retry(request.execute, retry, say)


def upload_video(youtube, video: Path, body: dict, retry: Retry, say: Callable[[str], None],
                 chunk_size: int = CHUNK_SIZE, progress: Callable[[int, int], None] | None = None,
                 sessions: Path | None = None) -> str:
    """videos.insert as a resumable upload; returns the new video's id.

    With `sessions` (a folder), the upload session is saved there as soon as
    YouTube grants it, and an upload of the same file cut off in an earlier run
    continues from the byte YouTube holds (see resume.py).
    """
    media = MediaFileUpload(str(video), mimetype="video/mp4", chunksize=chunk_size, resumable=True)
    request = youtube.videos().insert(part="snippet,status", body=body, media_body=media,
                                      notifySubscribers=body["status"]["privacyStatus"] == "public")
    size = video.stat().st_size
    store = resume.SessionStore(sessions, video, body) if sessions is not None else None
    response = None
    if store is not None:
        response = resume.continue_saved(request, store, size, say,
                                         lambda fn: call_with_retry(fn, retry, say))
    http = resume.Recorder(request.http, store.save) if store is not None else None
    attempt = 0
    try:
        while response is None:
            try:
                status, response = request.next_chunk(http=http)
            except (HttpError, *RETRIABLE_EXCEPTIONS) as exc:
                if not _is_retriable(exc):
                    raise
                # The library marks the request as interrupted: the next call first
                # asks the server how many bytes it holds and continues from there.
                attempt += 1
                retry.wait(attempt, say, _why(exc))
                continue
            attempt = 0  # a chunk went through: backoff starts over
            if status is not None and progress:
                progress(status.resumable_progress, status.total_size)
    except KeyboardInterrupt:
        done = request.resumable_progress
        again = "; run `lecture publish` again to continue from there" if store is not None else ""
        raise PublishError(f"upload interrupted at {done:,} of {size:,} bytes{again}") from None
    if store is not None:
        store.discard()
    if "id" not in response:
        raise PublishError("YouTube accepted the upload but returned no video id")
    if progress:
        progress(size, size)
    return response["id"]


def make_youtube(credentials=None, http=None):
    """The YouTube client from the discovery document shipped with the library (no network)."""
    return build("youtube", "v3", credentials=credentials, http=http,
                 static_discovery=True, cache_discovery=False)


def publish(folder: Path, youtube, token: Path, say: Callable[[str], None],
            retry: Retry | None = None, chunk_size: int = CHUNK_SIZE,
            progress: Callable[[int, int], None] | None = None, sessions: Path | None = None) -> str:
    """Upload the bundle in `folder`: video, thumbnail, captions. Returns the video's address.

    `sessions`: where upload sessions are saved so that a later run can resume one.
    """
    from lecture.publish.metadata import insert_body

    retry = retry or Retry()
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    thumb = next(p for p in (folder / "thumbnail.jpg", folder / "thumbnail.png") if p.is_file())
    step = "video upload"
    try:
        video_id = upload_video(youtube, folder / "video.mp4", insert_body(meta), retry, say,
                                chunk_size, progress, sessions)
        url = f"https://youtu.be/{video_id}"
        say(f"uploaded the video: {url}")
        step = "thumbnail"
        mime = "image/jpeg" if thumb.suffix == ".jpg" else "image/png"
        execute_with_retry(youtube.thumbnails().set(videoId=video_id,
                                                    media_body=MediaFileUpload(str(thumb), mimetype=mime)),
                           retry, say)
        say("set the thumbnail")
        step = "captions"
        caption_body = {"snippet": {"videoId": video_id, "language": meta["defaultLanguage"],
                                    "name": "", "isDraft": False}}
        execute_with_retry(youtube.captions().insert(
            part="snippet", body=caption_body,
            media_body=MediaFileUpload(str(folder / "captions.srt"), mimetype="application/octet-stream")),
            retry, say)
        say("added the captions")
    except HttpError as exc:
        error = explain(exc, step, token)
        if step != "video upload":
            error = PublishError(f"{error} (the video itself is up: {url})")
        raise error from None
    except RefreshError:
        raise _revoked(token) from None
    except RETRIABLE_EXCEPTIONS:
        raise PublishError(f"lost the connection to YouTube during the {step}") from None
    return url
