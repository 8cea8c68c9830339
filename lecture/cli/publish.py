"""`lecture publish` and `lecture check`."""

from __future__ import annotations

from pathlib import Path

import click

import settings

from lecture.media.captions import CaptionError
from lecture.publish.errors import PublishError
from lecture.publish.render import QUALITIES

QUALITY = click.option("-q", "--quality", type=click.Choice(QUALITIES), default="h", show_default=True,
                       help="Which render: l 480p15, m 720p30, h 1080p60, k 2160p60.")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message)


def _run_check(folder: Path, console) -> bool:
    from lecture.publish.check import check_bundle, failures, print_report

    rules = check_bundle(folder)
    print_report(rules, console)
    return not failures(rules)


@click.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@QUALITY
def check_cmd(path: Path | None, quality: str) -> None:
    """Check a YouTube bundle against YouTube's specifications.

    PATH is the bundle folder (default: media/lecture/<quality>/youtube).
    Prints each rule as PASS or FAIL with what was measured; exits 1 on any failure.
    """
    folder = path or Path("media") / "lecture" / quality / "youtube"
    if not folder.is_dir():
        raise _fail(f"no bundle at {folder}: run `lecture publish --dry-run -q {quality}` first")
    if not _run_check(folder, _console()):
        raise SystemExit(1)


@click.command("publish")
@QUALITY
@click.option("--dry-run", is_flag=True, help="Build and check the bundle; upload nothing.")
@click.option("--privacy", type=click.Choice(("private", "unlisted", "public")),
              help="Override lecture.toml's privacy (private unless you ask).")
@click.option("--client-secrets", type=click.Path(path_type=Path), envvar=settings.variable("client_secrets"),
              help="OAuth client file (Desktop app) from the Google Cloud console [env: LECTURE_CLIENT_SECRETS].")
@click.option("--force", is_flag=True, help="Copy the lecture into video.mp4 even if it is up to date.")
def publish_cmd(quality: str, dry_run: bool, privacy: str | None, client_secrets: Path | None,
                force: bool) -> None:
    """Publish the lecture to YouTube (with --dry-run: only build and check the bundle).

    Builds media/lecture/<quality>/youtube/ from the render and lecture.toml,
    checks it, and refuses to upload a bundle that fails the check.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from lecture.publish.bundle import build_bundle

    console = _console()
    repo = Path.cwd()
    try:
        with Progress(TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("copying", total=1.0)
            folder = build_bundle(repo, quality, privacy=privacy, force=force,
                                  progress=lambda f: bar.update(task, completed=f),
                                  log=lambda m: bar.console.print(m, highlight=False))
        console.print(f"bundle: {folder.relative_to(repo)}")
        ok = _run_check(folder, console)
        if dry_run:
            if not ok:
                raise _fail("the bundle fails the check (above); fix it before publishing")
            return
        if not ok:
            raise _fail("refusing to publish: the bundle fails the check (above)")
        _upload(folder, client_secrets, console, sessions=repo / "media" / "uploads")
    except (PublishError, CaptionError) as exc:
        raise _fail(str(exc)) from None


def _upload(folder: Path, client_secrets: Path | None, console, sessions: Path) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from lecture.publish import upload

    token = upload.token_path()
    creds = upload.get_credentials(client_secrets, token)
    youtube = upload.make_youtube(credentials=creds)
    with Progress(BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("upload", total=(folder / "video.mp4").stat().st_size)
        url = upload.publish(folder, youtube, token, chunk_size=upload.CHUNK_SIZE, sessions=sessions,
                             say=lambda m: bar.console.print(m, highlight=False),
                             progress=lambda done, total: bar.update(task, completed=done, total=total))
    console.print(url, highlight=False)
