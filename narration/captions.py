"""Caption cues from spoken words: when each word is said decides when it is shown.

A line's words are grouped into cues of at most two lines of at most 42
characters (the broadcast and YouTube norm), breaking at the end of a sentence
where one falls inside, else at a clause (comma), else where the text fills.
Each cue starts when its first word is said and lasts until the next cue starts;
the line's last cue lasts until the line's end (its speech and the pause after
it). A cue shorter than MIN_CUE, or with more words than MAX_WORDS_PER_SECOND
allows a reader, is merged into a neighbour when the text fits.
Within a line cues touch but never overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_CHARS = 42
MAX_LINES = 2
MIN_CUE = 1.0
MAX_WORDS_PER_SECOND = 3.0  # a cue faster than this is merged into a neighbour when it fits
SENTENCE_END = (".", "?", "!", ":")
CLAUSE_END = (",", ";")


@dataclass(frozen=True)
class TimedToken:
    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Cue:
    text: str  # lines joined by "\n"
    start: float
    end: float


def wrap(words: Sequence[str], width: int = MAX_CHARS) -> list[str] | None:
    """The words on as few, as balanced lines of at most ``width`` as fit in MAX_LINES, or None."""
    text = " ".join(words)
    if len(text) <= width:
        return [text]
    best = None
    for k in range(1, len(words)):
        a, b = " ".join(words[:k]), " ".join(words[k:])
        if len(a) <= width and len(b) <= width:
            score = abs(len(a) - len(b))
            if best is None or score < best[0]:
                best = (score, [a, b])
    return best[1] if best and MAX_LINES >= 2 else None


def _split(tokens: list[TimedToken]) -> list[list[TimedToken]]:
    """Groups of tokens that each fit on one cue, preferring sentence, then clause ends."""
    if wrap([t.text for t in tokens]) is not None:
        return [tokens]
    for ends in (SENTENCE_END, CLAUSE_END):
        cuts = [k + 1 for k, t in enumerate(tokens[:-1]) if t.text.endswith(ends)]
        if cuts:
            middle = len(" ".join(t.text for t in tokens)) / 2
            best = min(cuts, key=lambda k: abs(len(" ".join(t.text for t in tokens[:k])) - middle))
            return _split(tokens[:best]) + _split(tokens[best:])
    # No punctuation to break at: the fewest cues that fit, of balanced lengths (no
    # stray last word on a cue of its own).
    for parts in range(2, len(tokens) + 1):
        size = len(" ".join(t.text for t in tokens)) / parts
        cuts, start = [], 0
        for _ in range(parts - 1):
            k = start + 1
            while k < len(tokens) - 1 and len(" ".join(t.text for t in tokens[start:k + 1])) <= size:
                k += 1
            cuts.append(k)
            start = k
        pieces = [tokens[a:b] for a, b in zip([0, *cuts], [*cuts, len(tokens)]) if a < b]
        if all(wrap([t.text for t in p]) is not None for p in pieces):
            return pieces
    return [[t] for t in tokens]  # words longer than a whole cue each


def cues(tokens: Sequence[TimedToken], end: float) -> list[Cue]:
    """The cues for one line whose words are ``tokens``; the last one lasts until ``end``."""
    groups = _split(list(tokens)) if tokens else []
    changed = True
    while changed and len(groups) > 1:  # merge a cue that would flash past into a neighbour
        changed = False
        starts = [g[0].start for g in groups] + [end]
        for k, g in enumerate(groups):
            if starts[k + 1] - starts[k] >= max(MIN_CUE, len(g) / MAX_WORDS_PER_SECOND):
                continue
            for j in (k - 1, k + 1) if k else (k + 1,):
                if 0 <= j < len(groups):
                    a, b = sorted((j, k))
                    merged = groups[a] + groups[b]
                    if wrap([t.text for t in merged]) is not None:
                        groups[a:b + 1] = [merged]
                        changed = True
                        break
            if changed:
                break
    out = []
    for k, g in enumerate(groups):
        stop = groups[k + 1][0].start if k + 1 < len(groups) else end
        out.append(Cue("\n".join(wrap([t.text for t in g]) or [" ".join(t.text for t in g)]),
                       g[0].start, stop))
    return out
