"""Every LECTURE_* environment variable the project reads, in one place.

``current()`` parses the environment into one frozen ``Settings`` each time it is
called (tests change the environment between calls; parsing costs microseconds),
applying what this process overrode with ``override`` (``--voice``). A command
never writes os.environ for its children: whoever starts a process hands it
``child_env()``, the environment with the overrides spelled as variables, or,
for a multiprocessing child, ``overrides()`` to pass to ``override`` there.
A value that is not one of those allowed raises SettingsError, one line naming
the variable. docs/settings.md documents each variable; tests/settings checks
that its table lists exactly these fields.

May import: the standard library only (every other package imports this one).
"""

from __future__ import annotations

import dataclasses
import os
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """An environment variable with a value the project cannot use (one line)."""


def _path(value: str) -> Path:
    return Path(value)


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if value not in allowed:
            raise ValueError("expected " + " or ".join(allowed))
        return value
    return parse


def _switch(on: str, off: str) -> Callable[[str], bool]:
    def parse(value: str) -> bool:
        if value not in (on, off):
            raise ValueError(f"expected {on} or {off}")
        return value == on
    return parse


def _any_text(value: str) -> bool:
    return True


def _var(name: str, parse: Callable[[str], Any], default: Any, doc: str) -> Any:
    return field(default=default, metadata={"env": name, "parse": parse, "doc": doc})


@dataclass(frozen=True)
class Settings:
    """The project's environment, parsed; unset or empty variables take the default."""

    root: Path | None = _var("LECTURE_ROOT", _path, None, "the project folder")
    media_dir: Path | None = _var("LECTURE_MEDIA_DIR", _path, None, "the media folder")
    voice: str | None = _var("LECTURE_VOICE", str, None,
                             "the narration engine, over lecture.toml's [voice] engine")
    voice_cache: Path | None = _var("LECTURE_VOICE_CACHE", _path, None,
                                    "the folder of synthesised clips")
    voice_ahead: bool = _var("LECTURE_VOICE_AHEAD", _switch("1", "0"), True,
                             "encode the lecture's narration while scenes render")
    formula_cache: Path | None = _var("LECTURE_FORMULA_CACHE", _path, None,
                                      "the folder of stored formulas")
    formula_memo: bool = _var("LECTURE_FORMULA_MEMO", _switch("1", "0"), True,
                              "build each formula once and keep live drawings")
    cluster_cache: Path | None = _var("LECTURE_CLUSTER_CACHE", _path, None,
                                      "a Dask worker's Tex and voice cache")
    manim_args: tuple[str, ...] = _var("LECTURE_MANIM_ARGS", lambda v: tuple(shlex.split(v)), (),
                                       "extra `manim render` options for every render")
    segment_encoding: str = _var("LECTURE_SEGMENT_ENCODING", _choice("delivery", "manim"),
                                 "delivery", "how scene videos are encoded")
    zygote: bool = _var("LECTURE_ZYGOTE", _switch("1", "0"), True,
                        "fork renders from a warm render server")
    preload_voice: bool = _var("LECTURE_PRELOAD_VOICE", _switch("1", "0"), False,
                               "the render server loads the voice before forking")
    shared_cache: bool = _var("LECTURE_SHARED_CACHE", _switch("on", "off"), True,
                              "patch Manim's Tex and Text caches for parallel writers")
    crash_at: str | None = _var("LECTURE_CRASH_AT", str, None,
                                "a named point at which the process dies (tests)")
    debug: bool = _var("LECTURE_DEBUG", _any_text, False,
                       "show tracebacks instead of one-line errors")
    client_secrets: Path | None = _var("LECTURE_CLIENT_SECRETS", _path, None,
                                       "the OAuth client file for uploads")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Settings":
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(f.metadata["env"], "")
            if raw == "":
                continue
            try:
                values[f.name] = f.metadata["parse"](raw)
            except ValueError as exc:
                raise SettingsError(f"{f.metadata['env']}={raw!r}: {exc}") from None
        return cls(**values)


def variable(name: str) -> str:
    """The environment variable behind a field of Settings."""
    return {f.name: f.metadata["env"] for f in dataclasses.fields(Settings)}[name]


_overrides: dict[str, str] = {}


def override(**values: str) -> None:
    """Set fields for this process and the processes it starts (as variable text)."""
    for name, raw in values.items():
        _overrides[variable(name)] = raw
    current()  # a bad value fails here, where it was given


def overrides() -> dict[str, str]:
    """This process's overrides, by field name, for a child to ``override`` in turn."""
    by_var = {f.metadata["env"]: f.name for f in dataclasses.fields(Settings)}
    return {by_var[k]: v for k, v in _overrides.items()}


def child_env(base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
    """The environment for a process this one starts: ``base`` (os.environ) with this
    process's overrides and ``extra`` applied."""
    return {**(os.environ if base is None else base), **_overrides, **extra}


def current() -> Settings:
    """The settings now: the environment with this process's overrides."""
    return Settings.from_env({**os.environ, **_overrides} if _overrides else os.environ)
