"""A narration line: what the caption shows and what the voice says, token by token.

One source of text. A scene writes a line once, with its numbers already written
by lessonlib.display; this module derives the spoken form from it:

- numbers are read the way a teacher reads them: "0.75" -> "zero point seven
  five", "-1.024" -> "minus one point zero two four", "9.5e-7" -> "nine point
  five times ten to the minus seven". The caption keeps the digits.
- symbols in the lexicon (lecture.toml's [voice.lexicon], e.g. "dL/dw" -> "d L
  by d w") are said as words.
- ``sub(shown, said)`` overrides one piece: the caption shows ``shown``, the
  voice says ``said`` (SSML's <sub alias="...">).
- ``mark(name)`` places a bookmark before the next word, so that an animation
  can start or end at that word (SSML's <mark/>, manim-voiceover's <bookmark/>).

Pure Python: no Manim, no voice model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = ((10**9, "billion"), (10**6, "million"), (1000, "thousand"))

NUMBER = re.compile(r"(?<![\w.])[-\u2212]?\d+(?:\.\d+)?(?:e[-\u2212+]?\d+)?(?![\w])")
_MARKUP = re.compile(r'<sub alias="([^"]*)">(.*?)</sub>|<bookmark mark="([^"]+)"\s*/>', re.S)
_EDGE_PUNCT = "\"'()[],.;:!?"


class LineError(ValueError):
    """A narration line that cannot be spoken (empty, bad markup)."""


def integer_words(n: int) -> str:
    """1234 -> 'one thousand two hundred thirty four'."""
    if n < 0:
        return "minus " + integer_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " " + integer_words(rest))
    for size, name in _SCALES:
        if n >= size:
            high, rest = divmod(n, size)
            return integer_words(high) + f" {name}" + ("" if rest == 0 else " " + integer_words(rest))
    raise AssertionError(n)


def number_words(written: str) -> str:
    """A number as written on screen, read aloud digit by digit after the point.

    Trailing zeros after the point are not read ("1.50" is "one point five",
    "3.00" is "three"): the value said is the value shown.
    """
    text = written.replace("\u2212", "-")
    mantissa, _, exponent = text.lower().partition("e")
    sign = ""
    if mantissa.startswith("-"):
        sign, mantissa = "minus ", mantissa[1:]
    whole, _, decimals = mantissa.partition(".")
    decimals = decimals.rstrip("0")
    if not whole.isdigit() or (decimals and not decimals.isdigit()):
        raise LineError(f"not a number: {written!r}")
    if int(whole) == 0 and not decimals:
        sign = ""  # never "minus zero"
    said = sign + integer_words(int(whole))
    if decimals:
        said += " point " + " ".join(_ONES[int(d)] for d in decimals)
    if exponent:
        said += " times ten to the " + number_words(exponent.lstrip("+"))
    return said


def sub(shown: str, said: str) -> str:
    """Markup: the caption shows ``shown`` where the voice says ``said``."""
    return f'<sub alias="{said}">{shown}</sub>'


def mark(name: str) -> str:
    """Markup: a bookmark before the next word."""
    return f'<bookmark mark="{name}"/>'


@dataclass(frozen=True)
class Token:
    """One caption word (or a sub's whole shown text) and the words said for it."""

    shown: str
    said: tuple[str, ...]
    numbers: tuple[str, ...] = ()  # numbers the token shows, as written
    marks: tuple[str, ...] = ()  # bookmarks just before it


@dataclass(frozen=True)
class Line:
    source: str
    tokens: tuple[Token, ...]
    marks: dict[str, int] = field(default_factory=dict)  # bookmark -> index of the next token

    @property
    def caption(self) -> str:
        return " ".join(t.shown for t in self.tokens)

    @property
    def spoken(self) -> str:
        return " ".join(w for t in self.tokens for w in t.said)

    @property
    def words(self) -> list[str]:
        return [w for t in self.tokens for w in t.said]


def _say_token(raw: str, lexicon: Mapping[str, str]) -> Token:
    """A plain caption token: lexicon symbols and numbers become words."""
    lead = len(raw) - len(raw.lstrip("(["))
    core = raw[lead:].rstrip(_EDGE_PUNCT.replace("'", ""))
    tail = raw[lead + len(core):]
    if core in lexicon:
        return Token(raw, tuple((raw[:lead] + lexicon[core] + tail).split()))
    numbers = tuple(m.group(0) for m in NUMBER.finditer(raw))
    said = NUMBER.sub(lambda m: number_words(m.group(0)), raw) if numbers else raw
    return Token(raw, tuple(said.split()), numbers)


def parse(source: str, lexicon: Mapping[str, str] | None = None) -> Line:
    """Split a narration line into tokens; LineError if nothing would be said."""
    lexicon = lexicon or {}
    tokens: list[Token] = []
    pending: list[str] = []
    marks: dict[str, int] = {}

    def add(token: Token) -> None:
        nonlocal pending
        if pending:
            token = Token(token.shown, token.said, token.numbers, tuple(pending))
            for name in pending:
                marks[name] = len(tokens)
            pending = []
        tokens.append(token)

    def glue_after(piece: str) -> str:
        """Text stuck to the end of the previous token (a comma after a sub) joins it."""
        if piece and not piece[0].isspace() and tokens:
            head, _, rest = piece.partition(" ")
            t = tokens[-1]
            tokens[-1] = Token(t.shown + head, t.said[:-1] + (t.said[-1] + head,), t.numbers, t.marks)
            return rest
        return piece

    pos = 0
    after_sub = False  # the text that follows a sub may stick to it ("2w," in the caption)
    prefix = ""  # text stuck to the front of the next sub ("(" before it)
    for m in _MARKUP.finditer(source):
        piece = glue_after(source[pos:m.start()]) if after_sub else source[pos:m.start()]
        if piece and not piece[-1].isspace() and m.group(2) is not None:
            piece, _, prefix = piece.rpartition(" ")
        for raw in piece.split():
            add(_say_token(raw, lexicon))
        alias, shown, bookmark = m.groups()
        if bookmark is not None:
            if bookmark in marks or bookmark in pending:
                raise LineError(f"bookmark {bookmark!r} appears twice in {source!r}")
            pending.append(bookmark)
        else:
            if not alias.split() or not shown.strip():
                raise LineError(f"an empty <sub> in {source!r}")
            said = alias.split()
            add(Token(prefix + " ".join(shown.split()), (prefix + said[0], *said[1:]),
                      tuple(n.group(0) for n in NUMBER.finditer(shown))))
            prefix = ""
        after_sub = bookmark is None
        pos = m.end()
    for raw in (glue_after(source[pos:]) if after_sub else source[pos:]).split():
        add(_say_token(raw, lexicon))
    if re.search(r"</?(sub|bookmark|mark|speak|break|say-as)\b", _MARKUP.sub("", source)):
        raise LineError(f"unknown or broken markup in {source!r}: use sub(...) and mark(...)")
    if not tokens:
        raise LineError("an empty narration line")
    if pending:
        raise LineError(f"bookmark {pending[0]!r} is not followed by a word in {source!r}")
    return Line(source, tuple(tokens), marks)
