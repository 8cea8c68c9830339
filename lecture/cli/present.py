"""`lecture present`: build the presenter folder, optionally serve it on localhost."""

from __future__ import annotations

import time
from pathlib import Path

import click

from lecture.core.errors import LectureError, friendly
from lecture.core.project import QUALITY_NAMES, Project


@click.command("present")
@click.option("-q", "--quality", type=click.Choice(QUALITY_NAMES, case_sensitive=False),
              default="h", show_default=True, help="Which built lecture to present.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output folder [default: media/lecture/<quality>/present].")
@click.option("--serve", is_flag=True,
              help="Also serve the folder on http://127.0.0.1 (for browsers that restrict "
                   "video from file://); Ctrl-C stops.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port for --serve (0: any free port).")
@friendly
def present_cmd(quality: str, out: Path | None, serve: bool, port: int) -> None:
    """Build a folder that presents the lecture live, beat by beat, in a browser.

    Open index.html from the folder (no server, no network needed). Keys: Right,
    Space, Page Down or a clicker: next beat; Left, Page Up: previous beat; a number
    then Enter: that beat; F full screen; C captions; M mute; N speaker notes;
    ? all keys. handout.pdf has one page per beat for students.
    """
    from lecture.core import store
    from lecture.media.video import VideoError
    from lecture.presenter import folder
    from lecture.presenter.beats import page_meta, read_lecture
    from lecture.presenter.build import build_folder, presenter_key

    started = time.perf_counter()
    project = Project.find()
    quality = quality.lower()
    target = (out if out is not None else project.out_dir(quality) / "present").absolute()
    shown = project.rel(target)
    folder.check_target(target, shown)
    with store.project_lock(project.lock_path, "present"):
        lecture = read_lecture(project.out_dir(quality), quality,
                               project.rel(project.out_dir(quality)))
        title, language = page_meta(project.root)
        key = presenter_key(lecture, title, language)
        if folder.is_current(target, key):
            click.echo(f"up to date: {shown}/index.html ({len(lecture.beats)} beats)")
        else:
            try:
                data = build_folder(lecture, target, key, title, language,
                                    step=lambda what: click.echo(f"  {what}…", err=True))
            except OSError as exc:
                raise LectureError(f"cannot write {shown}: {exc.strerror or exc}") from None
            except VideoError as exc:
                raise LectureError(f"the built lecture is damaged: {exc}; rebuild it with "
                                   f"`lecture build -q {quality}`") from None
            voice = "with narration" if data["hasNarration"] else "silent (no audio track)"
            scenes = len(data["scenes"])
            click.echo(f"presenter: {shown}/index.html, {len(lecture.beats)} beats in {scenes} "
                       f"scene{'s' if scenes != 1 else ''}, {voice}; handout: "
                       f"{shown}/handout.pdf [{time.perf_counter() - started:.1f} s]")
    if serve:
        from lecture.presenter.serve import serve as serve_folder

        try:
            serve_folder(target, port, click.echo)
        except OSError as exc:
            raise LectureError(f"cannot serve on port {port} ({exc.strerror or exc}); "
                               "choose another with --port") from None
