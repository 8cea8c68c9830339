"""The lecture's narration, encoded while its scenes still render.

After the last render, the join needs the whole narration track encoded: seconds
of one core, with the other cores idle, after every build that changed a word.
`Ahead` does that work during the renders instead. It
masters each scene's voice as soon as the scene is rendered (narrated.Premaster),
and a process of its own encodes the track in lecture order as far as the
scenes before are known: the fresh ones from the cache at once, the others as
they are rendered. It keeps the key voicetrack.py gives the joined track, so the join
only compares keys and copies the file.

That encode is a guess: the track may come out the one the last join kept (an
edit to the picture only), and the work is then thrown away. So the encoder runs
under Linux's SCHED_IDLE policy: it gets only CPU time the renders leave idle,
and gives a core back as soon as a render wants it. It is a process, not a
thread of the build: a thread at idle priority that holds the GIL stalls
the build's own thread until the scheduler lets it run, for as long as every
core is busy. When the renders are done, the build waits for it
(`finish`), at the normal priority where the system lets the build raise it back
(as root; otherwise it goes on at SCHED_IDLE, on a machine the renders no longer
use), and the scenes it has not encoded by then are first only hashed: a track
the last join kept is not encoded again.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from fractions import Fraction
from pathlib import Path
from typing import Any

import settings
from lecture.soundtrack import narrated
from lecture.core import store
from lecture.core.records import SceneMeta

FILE = "narration-ahead.m4a"  # in the scene cache, under a temporary name
PIECE = 10 * 48_000  # samples encoded between looks at the build's messages (~0.1 s of work)


class _Stopped(Exception):
    """The build ended before the track was encoded."""


def _policy(pid: int | None, idle: bool) -> None:
    """Put process ``pid`` (0: this one) under SCHED_IDLE, or back under SCHED_OTHER;
    where that is not allowed or not Linux, leave it as it is."""
    if pid is None:
        return
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(pid, os.SCHED_IDLE if idle else os.SCHED_OTHER, os.sched_param(0))


class Ahead:
    """Masters each rendered scene's voice, and has the lecture's track encoded meanwhile.

    ``scenes`` are the lecture's (name, meta) pairs in order, the meta of a fresh scene
    or None for one this build renders; `submit` (the build's ``on_scene``) gives the
    rendered ones. An empty list: only the mastering, no encode (nothing renders).
    """

    def __init__(self, root: Path, cache: Path, scenes: list[tuple[str, SceneMeta | None]]):
        self.root, self.cache = root, cache
        self._order = [name for name, _ in scenes]
        self._known = {name: meta for name, meta in scenes if meta}  # what the encoder may read
        self._mastered: list[Any] = []  # the futures of the premasters
        self._rendered: list[SceneMeta] = []
        self._premaster = narrated.Premaster(root, cache)
        self._lock = threading.Lock()
        self._conn = self._process = None
        self.path = store.tmp_name(cache / FILE)

    @classmethod
    def for_build(cls, root: Path, cache: Path, states, stale) -> "Ahead":
        """For a build of the lecture's ``states``, of which ``stale`` will render: an
        encode ahead only when one of the lecture's scenes renders (a thumbnail alone
        changes no sound), and unless $LECTURE_VOICE_AHEAD is 0 (make bench compares)."""
        rendering = {id(st) for st in stale}
        if not settings.current().voice_ahead \
                or not any(id(st) in rendering for st in states):
            return cls(root, cache, [])
        return cls(root, cache, [(st.name, None if id(st) in rendering else st.meta)
                                 for st in states])

    def __enter__(self) -> "Ahead":
        self._premaster.__enter__()
        if any(meta.narration for meta in self._known.values()):
            self._start()
        return self

    def _start(self) -> None:
        """Start the encoder, once the lecture is known to speak: a silent lecture, or a
        build whose scenes have not said a word yet, starts no Python process."""
        if self._process is not None or not self._order:
            return
        context = multiprocessing.get_context("spawn")
        self._conn, theirs = context.Pipe()
        scenes = [(name, self._known.get(name)) for name in self._order]
        self._process = context.Process(
            target=_encoder, name="voice-ahead", daemon=True,
            args=(theirs, str(self.root), str(self.cache), scenes, str(self.path),
                  settings.overrides()))
        # Ctrl-C reaches the whole foreground process group; the build stops this process
        # itself (`__exit__`). Started with SIGINT ignored (that outlives exec, and Python
        # then leaves it so), it prints no KeyboardInterrupt traceback, even while it
        # starts up. Only the main thread may set it; `_encoder` sets it again.
        main = threading.current_thread() is threading.main_thread()
        before = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
        try:
            self._process.start()
        finally:
            if main:
                signal.signal(signal.SIGINT, before)
        _policy(self._process.pid, idle=True)  # its imports too, not only its encoding
        theirs.close()

    def _send(self, message: tuple) -> None:
        with self._lock, contextlib.suppress(OSError, ValueError):
            if self._conn is not None:
                self._conn.send(message)

    def submit(self, meta: SceneMeta | None) -> None:
        """A scene is rendered (its committed meta): the encoder reads its master once made."""
        if not meta:
            return
        self._rendered.append(meta)
        future = self._premaster.submit(meta)
        if future is None:
            self._known[meta.scene] = meta
            self._send(("scene", meta))
        else:
            self._mastered.append(future)
            future.add_done_callback(lambda _, meta=meta: self._mastered_one(meta))
            self._start()

    def _mastered_one(self, meta: SceneMeta) -> None:
        self._known[meta.scene] = meta
        self._send(("scene", meta))

    def finish(self):
        """The encoded track, once the renders are done; None when the join has to encode
        it, or when it is the track the last join kept (a voicetrack.Encoded otherwise)."""
        from lecture.soundtrack import voicetrack

        for future in list(self._mastered):
            future.result()  # no master is still being written when the join reads them
        if self._process is None:
            return None
        _policy(self._process.pid, idle=False)
        for meta in self._rendered:  # again: a premaster's callback may not have sent it yet
            self._send(("scene", meta))
        self._send(("finish",))
        try:
            reply = self._conn.recv()
        except (EOFError, OSError):
            reply = ("none",)  # it died: the join encodes the track
        self._process.join()
        if reply[0] != "done":
            return None
        return voicetrack.Encoded(self.path, reply[1], reply[2])

    def __exit__(self, kind, *_) -> None:
        if self._process is not None:
            _policy(self._process.pid, idle=False)  # to stop soon on a busy machine too
            self._send(("stop",))
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
            self._conn.close()
            self._conn = None
        self._premaster.__exit__(kind)
        self.path.unlink(missing_ok=True)


# -- the encoding process -----------------------------------------------------------------


class _Inbox:
    """The encoder's view of the build: the scenes known so far, and whether it is done."""

    def __init__(self, conn, scenes) -> None:
        self.conn = conn
        self.metas = {name: meta for name, meta in scenes if meta}
        self.finishing = False

    def read(self, block: bool) -> None:
        while block or self.conn.poll():
            message = self.conn.recv()  # EOFError: the build is gone
            block = False
            if message[0] == "scene":
                self.metas[message[1].scene] = message[1]
            elif message[0] == "finish":
                self.finishing = True
            else:
                raise _Stopped

    def meta(self, name: str) -> SceneMeta:
        self.read(block=False)
        while name not in self.metas:
            if self.finishing:  # every scene was sent before `finish`: this one will not come
                raise LookupError(f"{name} was not rendered")
            self.read(block=True)
        return self.metas[name]


def _encoder(conn, root: str, cache: str, scenes, path: str, overrides: dict[str, str]) -> None:
    """The process: encode the track to ``path``; answer `finish` with ("done", key, true
    peak), or ("none",) when there is nothing to use."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # see Ahead._start
    settings.override(**overrides)  # the build's --voice, say
    _policy(0, idle=True)
    inbox = _Inbox(conn, scenes)
    try:
        found = _encode(inbox, Path(root), Path(cache), [name for name, _ in scenes], Path(path))
    except (_Stopped, EOFError, OSError):
        return
    except Exception:  # noqa: BLE001 - the join encodes the track and reports what fails
        found = None
    with contextlib.suppress(_Stopped, EOFError, OSError):
        while not inbox.finishing:
            inbox.read(block=True)
        conn.send(("done", *found) if found else ("none",))


def _encode(inbox: _Inbox, root: Path, cache: Path, order: list[str], path: Path):
    import numpy as np

    from narration.mix import TrackEncoder, sample_at
    from narration.peak import channels_true_peak

    from lecture.soundtrack import voicetrack

    key, heard, start, voiced = voicetrack.hasher(), [], Fraction(0), False
    later: list = []  # parts met after `finish`: encoded if the track is new
    with TrackEncoder(path, heard) as encoder:
        for name in order:
            meta = inbox.meta(name)
            end = start + Fraction(meta.duration_exact)
            part, _ = narrated.scene_track(root, cache, meta, sample_at(end) - sample_at(start))
            start = end
            key.update(np.ascontiguousarray(part, dtype=np.float32))
            voiced = voiced or bool(np.any(part))
            for piece in range(0, len(part), PIECE):  # a piece at a time, to stop soon
                if not later:
                    inbox.read(block=False)
                if inbox.finishing or later:
                    later.append(part[piece:])
                    break
                encoder.feed(part[piece:piece + PIECE])
        if key.hexdigest() == voicetrack.kept_key(cache):
            return None  # the last join's track: the join copies that one
        for part in later:
            encoder.feed(part)
    if not voiced:  # a silent lecture: make_track writes it without measuring
        return None
    return key.hexdigest(), channels_true_peak(np.concatenate(heard, axis=1).T)
