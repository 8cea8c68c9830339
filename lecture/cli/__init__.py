"""The `lecture` command: parse the options, call a stage, report in one line.

Enters: argv. Leaves: what a user reads, and an exit code (errors one line each).
Subcommands are loaded lazily, so `lecture build` with nothing to do never
imports Manim (or the Google client).
May import: every package of lecture.
"""

from __future__ import annotations

import importlib

import click

# name -> "module:attribute" of a click command.
COMMANDS = {
    "list": "lecture.cli.overview:list_cmd",
    "render": "lecture.cli.build:render_cmd",
    "build": "lecture.cli.build:build_cmd",
    "storyboard": "lecture.cli.build:storyboard_cmd",
    "watch": "lecture.cli.build:watch_cmd",
    "record": "lecture.cli.record:record_cmd",
    "publish": "lecture.cli.publish:publish_cmd",
    "check": "lecture.cli.publish:check_cmd",
    "present": "lecture.cli.present:present_cmd",
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported only when invoked."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Render, rerender, build and publish the gradient-descent lecture."""
