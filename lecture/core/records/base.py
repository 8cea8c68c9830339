"""The base of every record that crosses a process or lands on disk.

A record is a frozen dataclass. Its JSON form is its fields by name plus a
``format`` key holding the class's FORMAT; reading refuses, in one line, a
record of another format, a missing field or a field it does not know, so an
old file is never half-understood. A field typed as a record (or a list of
records) or as a ``Stamp`` is converted on the way in and out.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from lecture.core import store
from lecture.core.errors import LectureError

R = TypeVar("R", bound="Record")


class RecordError(LectureError):
    """A record that cannot be read as what it claims to be: one line, naming where."""


@dataclasses.dataclass(frozen=True)
class Record:
    FORMAT: ClassVar[int] = 1
    VERSIONED: ClassVar[bool] = True  # False for records only ever nested in another
    SPARSE: ClassVar[tuple[str, ...]] = ()  # fields left out of the JSON while None
    LOCAL: ClassVar[tuple[str, ...]] = ()  # fields never written (where a file is now, say)
    # The format a file without a format key is read as (the same fields, written before
    # records had versions); None: such a file is refused.
    UNVERSIONED_IS: ClassVar[int | None] = None

    # -- out -------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": self.FORMAT} if self.VERSIONED else {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in self.LOCAL or (value is None and f.name in self.SPARSE):
                continue
            data[f.name] = _plain(value)
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def write(self, path: Path) -> None:
        """Write atomically (lecture/core/store.py)."""
        store.write_bytes(path, self.to_json().encode())

    # -- in --------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls: type[R], data: Any, where: str | None = None) -> R:
        where = where or cls.__name__
        if not isinstance(data, dict):
            raise RecordError(f"{where}: expected a {cls.__name__} record, found "
                              f"{type(data).__name__}")
        if cls.VERSIONED:
            data = dict(data)
            found = data.pop("format", cls.UNVERSIONED_IS)
            if found != cls.FORMAT:
                data = cls.migrate(data, found, where)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise RecordError(f"{where}: unknown keys in a {cls.__name__} record: "
                              + ", ".join(unknown))
        missing = [n for n, f in fields.items() if n not in data and _required(f, cls)]
        if missing:
            raise RecordError(f"{where}: a {cls.__name__} record without "
                              + ", ".join(missing))
        hints = typing.get_type_hints(cls)
        return cls(**{k: _typed(hints[k], v, f"{where}: {k}") for k, v in data.items()})

    @classmethod
    def from_json(cls: type[R], text: str | bytes, where: str | None = None) -> R:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise RecordError(f"{where or cls.__name__}: not JSON ({exc})") from None
        return cls.from_dict(data, where)

    @classmethod
    def read(cls: type[R], path: Path) -> R | None:
        """The record in `path`; None when there is no file (RecordError when it is not one)."""
        try:
            text = path.read_bytes()
        except OSError:
            return None
        return cls.from_json(text, str(path))

    @classmethod
    def load(cls: type[R], path: Path) -> tuple[R | None, str]:
        """(record, "") from `path`; (None, "") when there is none or it is not even JSON
        (a write that never finished); (None, the one line why) when it is not this record."""
        if store.read_json(path) is None:
            return None, ""
        try:
            return cls.read(path), ""
        except RecordError as exc:
            return None, exc.format_message()

    @classmethod
    def migrate(cls, data: dict[str, Any], found: Any, where: str) -> dict[str, Any]:
        """`data` (format `found`) as this format; by default no other format is read."""
        raise RecordError(f"{where}: a {cls.__name__} record of format {_name(found)}, "
                          f"this version reads format {cls.FORMAT}")

    def replace(self: R, **changes: Any) -> R:
        return dataclasses.replace(self, **changes)


def _name(version: Any) -> str:
    return "none" if version is None else str(version)


def _required(f: dataclasses.Field, cls: type[Record]) -> bool:
    """A field without a default must be present, unless it is a SPARSE one."""
    if f.name in cls.SPARSE:
        return False
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


def _plain(value: Any) -> Any:
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, store.Stamp):
        return value.as_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _typed(hint: Any, value: Any, where: str) -> Any:
    """`value` from JSON as the field's type, for records and stamps (others as they are)."""
    if value is None:
        return None
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _typed(args[0], value, where)
    if isinstance(hint, type) and issubclass(hint, Record):
        return hint.from_dict(value, where)
    if hint is store.Stamp:
        return store.Stamp.from_dict(value)  # a damaged stamp reads as None: the file is stale
    if origin is list and args and isinstance(args[0], type) and issubclass(args[0], Record):
        if not isinstance(value, list):
            raise RecordError(f"{where}: expected a list, found {type(value).__name__}")
        return [args[0].from_dict(v, where) for v in value]
    return value
