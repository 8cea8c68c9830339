"""Caption cues made from timed words: short, readable, never overlapping."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from narration.captions import MAX_CHARS, MAX_LINES, MIN_CUE, TimedToken, cues, wrap


def timed(text: str, pace: float = 0.4) -> list[TimedToken]:
    return [TimedToken(w, k * pace, k * pace + pace * 0.8) for k, w in enumerate(text.split())]


def test_a_short_line_is_one_cue_lasting_to_the_line_end():
    (cue,) = cues(timed("The slope picks the direction."), end=3.0)
    assert (cue.text, cue.start, cue.end) == ("The slope picks the direction.", 0.0, 3.0)


def test_a_long_line_breaks_at_a_sentence_end_and_cues_touch():
    words = timed("Positive slope means the loss rises to the right. So the step must go "
                  "left, against the slope, toward the target.")
    out = cues(words, end=9.0)
    assert out[0].text.replace("\n", " ").endswith("to the right.")
    assert all(a.end == b.start for a, b in zip(out, out[1:]))
    assert out[-1].end == 9.0


def test_a_cue_that_would_flash_past_is_merged():
    words = [TimedToken("Yes.", 0.0, 0.3), TimedToken("And", 0.5, 0.7), TimedToken("more.", 0.7, 1.0)]
    out = cues(words, end=2.5)
    assert len(out) == 1 and out[0].end - out[0].start >= MIN_CUE


def test_wrap_balances_two_lines_or_gives_up():
    assert wrap("a b".split()) == ["a b"]
    two = wrap(("word " * 12).split())
    assert len(two) == 2 and all(len(line) <= MAX_CHARS for line in two)
    assert wrap(("word " * 30).split()) is None


@given(st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=60),
       st.floats(0.15, 0.8))
def test_every_cue_fits_and_none_overlaps(words, pace):
    tokens = [TimedToken(w + ("." if k % 7 == 6 else ""), k * pace, k * pace + pace / 2)
              for k, w in enumerate(words)]
    end = len(words) * pace + 0.5
    out = cues(tokens, end)
    assert " ".join(c.text.replace("\n", " ") for c in out) == " ".join(t.text for t in tokens)
    for cue in out:
        lines = cue.text.split("\n")
        assert len(lines) <= MAX_LINES
        assert all(len(line) <= MAX_CHARS for line in lines) or len(cue.text.split()) == 1
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    assert out[-1].end == end


def test_a_line_without_punctuation_splits_into_balanced_cues():
    """No cue of one stray word (it would flash past or need a neighbour it cannot join)."""
    words = timed("Each factor is measured along the path that runs from the loss back to "
                  "the weight it depends on", pace=0.3)
    out = cues(words, end=len(words) * 0.3 + 0.5)
    assert len(out) == 2
    counts = [len(c.text.split()) for c in out]
    assert min(counts) >= 8, counts
