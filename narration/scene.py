"""Scenes narrated line by line: each beat lasts as long as its speech needs.

    class SignOfGradient(NarratedScene):
        def construct(self):
            with self.voiceover(f"Place the weight at {mark('w')}{num(w)}.") as beat:
                self.play(Create(axes), run_time=beat.until("w"))  # done as "1.50" is said
                self.play(FadeIn(dot))
            # leaving the block waits for the rest of the speech and a short pause

Entering ``voiceover`` finds the line's clip in the cache (or synthesises it),
adds its caption cues at the words' real times, adds the clip to the scene's own
audio (so a single-scene render, even by plain ``manim``, carries its voice) and
records where it starts (``self.narration``, the scene's narration manifest).
Leaving it waits until the speech and the pause after it are over.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

from manim import Scene, config

from . import config as voice_config
from .cache import ClipCache, clip_key
from .captions import TimedToken, cues
from .text import Line, LineError, parse

MIN_BEAT = 1.0  # seconds: no line, however short, flashes past
MIN_HOLD = 1.0  # seconds a beat's final picture stays after its last animation


class NarrationError(RuntimeError):
    """A narration line that cannot be used; names the scene and the line."""


@dataclass
class Beat:
    """One line being spoken; times are scene seconds."""

    scene: "NarratedScene"
    line: Line
    start: float
    duration: float  # of the speech
    pause: float
    token_times: list[tuple[float, float]]  # per caption token, from the line's start

    @property
    def end(self) -> float:
        """When the next line may begin: the speech, the pause, and at least MIN_BEAT."""
        return self.start + max(MIN_BEAT, self.duration + self.pause)

    def _late(self, what: str, target: float) -> None:
        from manim import logger

        logger.warning(f"{type(self.scene).__name__}: {what} is {self.scene.renderer.time - target:.2f}"
                       f" s past in {self.line.caption!r}: the animations before it run too long")

    def at(self, mark: str) -> float:
        """Scene time at which the word after bookmark ``mark`` starts."""
        if mark not in self.line.marks:
            raise NarrationError(f"{type(self.scene).__name__}: no bookmark {mark!r} in "
                                 f"{self.line.caption!r} (bookmarks: {sorted(self.line.marks)})")
        return self.start + self.token_times[self.line.marks[mark]][0]

    def until(self, mark: str | None = None) -> float:
        """Seconds from now to bookmark ``mark`` (or to the end of the speech); at least a frame."""
        target = self.start + self.duration if mark is None else self.at(mark)
        if target < self.scene.renderer.time - 1e-6:
            self._late(f"bookmark {mark!r}" if mark else "the end of the speech", target)
        return max(1 / config.frame_rate, target - self.scene.renderer.time)

    @property
    def remaining(self) -> float:
        """Seconds of speech still to come (at least a frame, so it can be a run_time)."""
        return self.until(None)

    def __enter__(self) -> "Beat":
        self.scene._beat = self
        return self

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        self.scene._beat = None
        if kind is None:
            # The speech and its pause, and the last animation's result held MIN_HOLD.
            self.scene._hold_until(max(self.end, self.scene._changed_at + MIN_HOLD))


def _frames(seconds: float) -> int:
    return math.ceil(seconds * config.frame_rate - 1e-6)


class NarratedScene(Scene):
    """A Scene whose beats are spoken lines (see the module docstring)."""

    def setup(self) -> None:
        super().setup()
        root = voice_config.find_root()
        self.voice_config = voice_config.load(root)
        self.voice = voice_config.make_voice(self.voice_config)
        self.clip_cache = ClipCache(voice_config.cache_dir(root))
        self.narration: list[dict[str, Any]] = []
        self.voice_seconds = 0.0  # CPU seconds spent synthesising (cache misses only)
        self._beat: Beat | None = None
        self._changed_at = 0.0  # scene time at which the last animation (not a wait) ended

    def play(self, *animations: Any, **kwargs: Any) -> None:
        from manim import Wait

        super().play(*animations, **kwargs)
        if not all(isinstance(a, Wait) for a in animations):
            self._changed_at = self.renderer.time

    def _line(self, text: str) -> Line:
        try:
            return parse(text, self.voice_config.lexicon)
        except LineError as exc:
            raise NarrationError(f"{type(self).__name__}: {exc} (line {len(self.narration) + 1}: "
                                 f"{text!r})") from None

    def voiceover(self, text: str) -> Beat:
        """Speak ``text`` as one beat; use as ``with self.voiceover(...) as beat:``."""
        if self._beat is not None:
            raise NarrationError(f"{type(self).__name__}: voiceover inside voiceover "
                                 f"({self._beat.line.caption!r})")
        line = self._line(text)
        voice = voice_config.voice_for(self.voice_config, self.voice, type(self).__name__,
                                       line.spoken)
        key = clip_key(voice.identity, line.spoken)

        def speak():
            started = time.process_time()
            try:
                return voice.speak(line)
            finally:
                self.voice_seconds += time.process_time() - started

        clip = self.clip_cache.get_or_make(key, speak, {"voice": voice.identity,
                                                        "spoken": line.spoken,
                                                        "caption": line.caption})
        token_times, k = [], 0
        for token in line.tokens:
            span = clip.words[k:k + len(token.said)]
            token_times.append((span[0][0], span[-1][1]))
            k += len(token.said)
        beat = Beat(self, line, self.renderer.time, clip.duration, self.voice_config.pause,
                    token_times)
        for cue in cues([TimedToken(t.shown, s, e) for t, (s, e) in zip(line.tokens, token_times)],
                        beat.end - beat.start):
            self.add_subcaption(cue.text, duration=cue.end - cue.start, offset=cue.start)
        if not voice.identity.startswith("none"):
            self.add_sound(str(clip.wav))
        self.narration.append({
            "section": self.renderer.file_writer.sections[-1].name
            if getattr(self.renderer.file_writer, "sections", None) else None,
            "caption": line.caption, "spoken": line.spoken, "voice": voice.identity,
            "key": key, "sha256": clip.sha256, "samples": clip.samples,
            "start": beat.start, "frame": round(beat.start * config.frame_rate),
            "end": beat.end,
            "tokens": [{"text": t.shown, "start": s, "end": e, "numbers": list(t.numbers)}
                       for t, (s, e) in zip(line.tokens, token_times)],
        })
        return beat

    def wait_until(self, mark: str, lead: float = 0.0) -> None:
        """Hold until ``lead`` seconds before the word after bookmark ``mark`` is said
        (no wait at all if that moment has passed)."""
        if self._beat is None:
            raise NarrationError(f"{type(self).__name__}: wait_until({mark!r}) outside a voiceover")
        self._hold_until(self._beat.at(mark) - lead)

    def _hold_until(self, t: float) -> None:
        left = t - self.renderer.time
        if _frames(left) > 0:
            # A frozen wait writes int(seconds * fps) frames: ask for half a frame more.
            self.wait((_frames(left) + 0.5) / config.frame_rate)
