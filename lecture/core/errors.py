"""The pipeline's errors: each prints as one clear line and sets the exit code."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

import settings


class LectureError(click.ClickException):
    """A failure the user can act on: printed as `error: ...`, exit code 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.format_message()}", err=True)


class UnknownSceneError(LectureError):
    """A scene name that is not in the lecture: exit code 2, like a usage error."""

    exit_code = 2


class LockBusyError(LectureError):
    """Another build holds the project lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later


class Interrupted(LectureError):
    exit_code = 130


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any unexpected exception into one line on stderr and exit 1.

    Set LECTURE_DEBUG=1 to see the traceback instead.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except settings.SettingsError as exc:
            raise LectureError(str(exc)) from None
        except KeyboardInterrupt:
            raise Interrupted("interrupted; finished outputs are kept, nothing half-written "
                              "was put in place") from None
        except Exception as exc:  # noqa: BLE001 - the whole point is a clean line
            if settings.current().debug:
                raise
            where = ""
            tb = exc.__traceback__
            while tb is not None and tb.tb_next is not None:
                tb = tb.tb_next
            if tb is not None:
                where = f" (at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno})"
            print(f"error: {type(exc).__name__}: {exc}{where}; set LECTURE_DEBUG=1 for the "
                  "traceback", file=sys.stderr)
            sys.exit(1)

    return wrapper
