"""Word times from Piper's phoneme timings, without a speech recogniser.

Piper reports how many audio samples each phoneme lasts. espeak separates the
phonemes of words with a space, but not always one word per group: it runs "of
the" together as one group, and may split a long word. So the words of the line
are matched to the phoneme groups by a small dynamic programme: each word is
phonemized on its own, and runs of one to three words are matched to runs of one
to three groups so that the total edit distance between their phonemes is least.
A run of words sharing groups divides their time in proportion to the words'
phoneme counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

VERSION = 1  # part of every Piper clip's key: bump when the word times it gives change
STRESS = "\u02c8\u02cc"  # primary and secondary stress marks
PAUSES = set(",.;:!?\u2014\u2026")  # punctuation phonemes: time between words, not in them
BOUNDARY = {"^", "$", "_"}  # Piper's BOS, EOS and PAD


@dataclass(frozen=True)
class Group:
    """One space-separated run of phonemes, and where it sounds (in samples)."""

    phonemes: str
    start: int
    end: int


def groups(alignments: Sequence[tuple[str, int]], offset: int = 0) -> list[Group]:
    """Phoneme groups of one sentence from (phoneme, samples) pairs, shifted by ``offset``."""
    out: list[Group] = []
    t = offset
    current, start, end = "", None, None
    for phoneme, samples in alignments:
        if phoneme == " " or phoneme in BOUNDARY:
            if current:
                out.append(Group(current, start, end))
            current, start = "", None
        elif phoneme in PAUSES:
            pass
        else:
            if start is None:
                start = t
            current += phoneme
            end = t + samples
        t += samples
    if current:
        out.append(Group(current, start, end))
    return out


def _distance(a: str, b: str) -> int:
    """Levenshtein distance (the strings are a few phonemes long)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _clean(phonemes: str) -> str:
    return "".join(p for p in phonemes if p not in STRESS and p not in PAUSES and not p.isspace())


STEPS = ((1, 1), (2, 1), (1, 2), (3, 1), (1, 3), (2, 2))


def word_times(words: Sequence[str], found: Sequence[Group],
               phonemize: Callable[[str], str]) -> list[tuple[int, int]]:
    """(start, end) in samples of every word, matching words to phoneme groups."""
    if not words:
        return []
    if not found:
        raise ValueError("no phonemes to align the words with")
    said = [_clean(phonemize(w)) or w for w in words]
    heard = [_clean(g.phonemes) for g in found]
    n, m = len(said), len(heard)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    band = 4 + abs(n - m)  # words and groups run in step: stay near the diagonal
    for i in range(n + 1):
        for j in range(max(0, i * m // n - band), min(m, i * m // n + band) + 1):
            if cost[i][j] == inf:
                continue
            for a, b in STEPS:
                if i + a > n or j + b > m:
                    continue
                c = cost[i][j] + _distance("".join(said[i:i + a]), "".join(heard[j:j + b])) \
                    + 0.5 * (a + b - 2)  # prefer one word to one group when it fits as well
                if c < cost[i + a][j + b]:
                    cost[i + a][j + b] = c
                    back[i + a][j + b] = (a, b)
    if cost[n][m] == inf:  # more words than groups by too much: fall back to shares
        return _shares(said, found[0].start, found[-1].end)
    times: list[tuple[int, int]] = []
    i, j = n, m
    while i or j:
        a, b = back[i][j]
        span = found[j - b:j]
        times[:0] = _shares(said[i - a:i], span[0].start, span[-1].end)
        i, j = i - a, j - b
    return times


def _shares(said: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """Split [start, end) between words in proportion to their phoneme counts."""
    weights = [max(1, len(s)) for s in said]
    total = sum(weights)
    out, t = [], start
    for k, w in enumerate(weights):
        nxt = end if k == len(weights) - 1 else start + round((end - start) * sum(weights[:k + 1]) / total)
        out.append((t, nxt))
        t = nxt
    return out
