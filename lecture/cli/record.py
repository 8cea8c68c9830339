"""`lecture record SCENE`: recorded takes of a scene's narration, line by line.

The scene's lines are collected by running it without drawing (Manim's -s skips
every animation) with the draft voice, so nothing is synthesised. Each take is
kept as takes/<Scene>/<hash of the spoken line>.wav, 48 kHz mono: a line whose
text changes no longer finds its take and falls back to the synthetic voice, and
the scene's render key includes its takes, so a new take rerenders that scene.

Takes come from the microphone (sounddevice: Enter starts, Enter stops) or from
a folder of WAVs (--from DIR), one per line, named by line number (1.wav or
01.wav) or by the line's hash; any sample rate or channel count is converted.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

import settings
from lecture.cli.progress import console as _console
from lecture.core.errors import LectureError, friendly
from lecture.core.project import Project, Scene
from lecture.core.records import NarrationManifest, Outcome


@dataclass(frozen=True)
class Line:
    number: int
    section: str
    caption: str
    spoken: str
    take: Path

    @property
    def has_take(self) -> bool:
        return self.take.is_file()


def collect_lines(project: Project, scene: Scene) -> list[Line]:
    """The scene's narration lines, in order, from a render that skips every animation."""
    from narration import config

    scene.check()
    cfg = config.load(project.root)
    env = settings.child_env(LECTURE_VOICE="none", PYTHONUNBUFFERED="1")
    with tempfile.TemporaryDirectory(prefix="lecture-record-") as tmp:
        result = Path(tmp) / "result.json"
        project.work_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "lecture.worker.render", str(result), "--", scene.rel, scene.name,
             "-s", "--dry_run", "--media_dir", str(project.work_dir), "--progress_bar", "none",
             "--silent"], cwd=project.root, env=env, capture_output=True, text=True)
        outcome = Outcome.read(result)
    if not outcome or not outcome.ok:
        why = (outcome and outcome.message) or done.stderr.strip().splitlines()[-1:] or ["?"]
        raise LectureError(f"{scene.name}: cannot read its narration lines: "
                           f"{why if isinstance(why, str) else why[0]}")
    return [Line(k, entry.get("section") or scene.name, entry["caption"], entry["spoken"],
                 cfg.take_path(scene.name, entry["spoken"]))
            for k, entry in enumerate(outcome.narration or [], 1)]


def save_take(source: Path, line: Line) -> None:
    """Convert any audio file to the take format and put it in place atomically."""
    from narration.cache import write_wav
    from narration.voice import VoiceError, read_audio

    try:
        samples = read_audio(source)
    except VoiceError as exc:
        raise LectureError(str(exc)) from None
    line.take.parent.mkdir(parents=True, exist_ok=True)
    tmp = line.take.with_name(f".{line.take.stem}.tmp.wav")
    write_wav(tmp, samples)
    os.replace(tmp, line.take)


def import_takes(lines: list[Line], folder: Path, say) -> int:
    if not folder.is_dir():
        raise LectureError(f"--from {folder}: no such folder")
    files = {p.stem.lstrip("0") or "0": p for p in folder.iterdir()
             if p.suffix.lower() in (".wav", ".flac", ".ogg", ".mp3", ".m4a")}
    count = 0
    for line in lines:
        source = files.get(str(line.number)) or files.get(line.take.stem)
        if source is None:
            continue
        save_take(source, line)
        say(f"  line {line.number}: {source.name} -> {line.take.relative_to(line.take.parents[2])}")
        count += 1
    return count


def microphone():
    """The sounddevice module and its default input, or a one-line error saying what to do."""
    try:
        import sounddevice
    except OSError as exc:  # PortAudio itself is missing
        raise LectureError(f"cannot record: {exc}; run `make setup`, or record elsewhere and "
                           "import the WAVs with --from DIR") from None
    try:
        device = sounddevice.query_devices(kind="input")
    except (sounddevice.PortAudioError, ValueError):
        raise LectureError("no microphone found; record the lines elsewhere and import them "
                           "with `lecture record SCENE --from DIR` (1.wav, 2.wav, ...)") from None
    return sounddevice, device


def record_takes(lines: list[Line], console) -> int:
    sounddevice, device = microphone()
    import numpy as np

    rate = int(device["default_samplerate"])
    console.print(f"recording from {device['name']} at {rate} Hz: Enter starts, Enter stops; "
                  "then Enter keeps it, r redoes it, s skips the line, q quits")
    count = 0
    for line in lines:
        console.print(f"\n[bold]{line.number}/{len(lines)}[/] [dim]{line.section}[/]"
                      f"{'  (has a take)' if line.has_take else ''}\n  {line.caption}\n"
                      f"  [dim]say: {line.spoken}[/]")
        while True:
            if input("  Enter to record (s skip, q quit) ").strip().lower() in ("s", "q"):
                break
            chunks: list = []
            with sounddevice.InputStream(samplerate=rate, channels=1, dtype="float32",
                                         callback=lambda data, *_: chunks.append(data.copy())):
                input("  recording... Enter to stop ")
            answer = input("  Enter keeps it, r redoes it ").strip().lower()
            if answer == "r" or not chunks:
                continue
            with tempfile.TemporaryDirectory() as tmp:
                raw = Path(tmp) / "take.wav"
                from narration.cache import write_wav
                from narration.voice import resample

                write_wav(raw, resample(np.concatenate(chunks).reshape(-1), rate))
                save_take(raw, line)
            count += 1
            break
    return count


@click.command("record")
@click.argument("scene")
@click.option("--from", "source", type=click.Path(path_type=Path), default=None,
              help="Import takes from this folder (1.wav, 2.wav, ... by line number) instead "
                   "of recording from the microphone.")
@click.option("--status", is_flag=True, help="Only list the lines and which have takes.")
@friendly
def record_cmd(scene: str, source: Path | None, status: bool) -> None:
    """Record (or import) takes of SCENE's narration; lines without one use the synthetic voice."""
    project = Project.find()
    chosen = project.resolve(scene)
    console = _console()
    lines = collect_lines(project, chosen)
    if not lines:
        raise LectureError(f"{chosen.name} has no narration lines")
    if status:
        for line in lines:
            mark = "[green]take[/]" if line.has_take else "[dim]voice[/]"
            console.print(f"{line.number:3d} {mark}  {line.caption}")
        current = {line.take.name for line in lines}
        stale = sorted(p.name for p in lines[0].take.parent.glob("*.wav") if p.name not in current)
        console.print(f"{chosen.name}: {sum(line.has_take for line in lines)} of {len(lines)} "
                      f"lines have takes" + (f"; {len(stale)} take(s) of lines that changed "
                                             f"since: {', '.join(stale)}" if stale else ""))
        return
    if source is not None:
        count = import_takes(lines, source, console.print)
    else:
        count = record_takes(lines, console)
    have = sum(line.has_take for line in lines)
    console.print(f"{chosen.name}: {count} take(s) saved; {have} of {len(lines)} lines have takes "
                  f"(in {project.rel(lines[0].take.parent)}); the next render uses them")


def takes_count(project: Project, name: str) -> tuple[int, int] | None:
    """(lines with takes, lines) from the scene's latest narration manifest, or None."""
    from narration import config

    cfg = config.load(project.root)
    for q in ("h", "k", "m", "l"):  # the lines are the same at every quality
        manifest, _ = NarrationManifest.load(project.cache_dir(q) / f"{name}.narration.json")
        if manifest:
            lines = manifest.lines
            return sum(cfg.take_path(name, line["spoken"]).is_file() for line in lines), len(lines)
    return None
