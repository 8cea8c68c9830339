"""Files that are either complete or absent: atomic writes, the project lock, the scene cache.

Every output is written under a temporary name in its final folder and renamed
into place with os.replace, which is atomic on POSIX. A build killed at any
moment leaves each output either old or new, never half-written; leftover
temporary files are swept by the next build.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import settings
from lecture.core.errors import LockBusyError

TMP_MARK = ".tmp-"


def tmp_name(final: Path) -> Path:
    """A temporary sibling of `final` that keeps its suffix (muxers look at it)."""
    return final.with_name(f".{final.stem}{TMP_MARK}{os.getpid()}{final.suffix}")


def crash_point(name: str) -> None:
    """Testing hook: die here when LECTURE_CRASH_AT names this point (simulates a kill)."""
    if settings.current().crash_at == name:
        os._exit(137)


def commit(tmp: Path, final: Path) -> None:
    """Rename a finished temporary file into place."""
    crash_point(f"before-rename:{final.name}")
    os.replace(tmp, final)


def write_bytes(final: Path, data: bytes) -> None:
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = tmp_name(final)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    commit(tmp, final)


def write_json(final: Path, data: Any) -> None:
    write_bytes(final, (json.dumps(data, indent=2) + "\n").encode())


def read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def sweep_tmp(folder: Path) -> None:
    """Remove temporary files left by an interrupted build (call with the lock held)."""
    if not folder.is_dir():
        return
    for path in folder.rglob(f"*{TMP_MARK}*"):
        if path.is_file() and not path.is_relative_to(folder / "work"):
            with contextlib.suppress(OSError):
                path.unlink()


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


@dataclass(frozen=True)
class Stamp:
    """What a file looked like when we wrote it: size, mtime and content hash."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, path: Path) -> "Stamp":
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns, sha256_file(path))

    def as_dict(self) -> dict[str, Any]:
        return {"size": self.size, "mtime_ns": self.mtime_ns, "sha256": self.sha256}

    @classmethod
    def from_dict(cls, d: Any) -> "Stamp | None":
        try:
            return cls(int(d["size"]), int(d["mtime_ns"]), str(d["sha256"]))
        except (TypeError, KeyError, ValueError):
            return None

    def matches(self, path: Path) -> bool:
        """Same file? Size and mtime decide quickly; the hash settles an mtime change."""
        try:
            st = path.stat()
        except OSError:
            return False
        if st.st_size != self.size:
            return False  # truncated or replaced
        if st.st_mtime_ns == self.mtime_ns:
            return True
        return sha256_file(path) == self.sha256


# -- the project lock -------------------------------------------------------------------


@contextlib.contextmanager
def project_lock(path: Path, what: str) -> Iterator[None]:
    """Hold the project's exclusive lock, or fail at once naming who holds it.

    flock() locks die with their process, so a killed build never leaves a stale
    lock behind; the file descriptor is not inherited by render workers.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
            raise LockBusyError(f"another lecture command is using {path.parent} ({holder}); "
                                "wait for it to finish, then run this again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"lecture {what}, pid {os.getpid()}, since {time.strftime('%H:%M:%S')}\n"
                  .encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
