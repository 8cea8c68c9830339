"""Narration lines: the caption keeps the digits, the voice reads them as a teacher would."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lessonlib import display
from narration.text import LineError, Line, mark, number_words, parse, sub

ONES = {w: i for i, w in enumerate("zero one two three four five six seven eight nine".split())}
TEENS = {w: i + 10 for i, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
TENS = {w: 10 * (i + 2) for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}


def heard(words: str) -> Fraction:
    """What a listener writes down on hearing ``words`` (the inverse of number_words)."""
    tokens = words.split()
    sign = -1 if tokens[:1] == ["minus"] else 1
    tokens = tokens[1:] if sign < 0 else tokens
    value, group, k = 0, 0, 0
    while k < len(tokens) and tokens[k] != "point":
        w = tokens[k]
        if w in ONES:
            group += ONES[w]
        elif w in TEENS:
            group += TEENS[w]
        elif w in TENS:
            group += TENS[w]
        elif w == "hundred":
            group *= 100
        elif w in ("thousand", "million"):
            value += group * (1000 if w == "thousand" else 10**6)
            group = 0
        else:
            raise ValueError(w)
        k += 1
    result = Fraction(value + group)
    for place, w in enumerate(tokens[k + 1:], 1):
        result += Fraction(ONES[w], 10**place)
    return sign * result


@pytest.mark.parametrize("written, said", [
    ("0.75", "zero point seven five"),
    ("-1.024", "minus one point zero two four"),
    ("-1.6", "minus one point six"),
    ("1.4621", "one point four six two one"),
    ("1.50", "one point five"),
    ("3.00", "three"),
    ("-0.00", "zero"),
    ("10", "ten"),
    ("2026", "two thousand twenty six"),
    ("9.5e-7", "nine point five times ten to the minus seven"),
])
def test_numbers_are_read_as_a_teacher_reads_them(written, said):
    assert number_words(written) == said


@given(st.integers(-10**7, 10**7), st.integers(0, 4))
def test_the_value_heard_is_the_value_written(units, places):
    """What the voice says of any number lessonlib writes is that number, exactly."""
    written = display.fixed(Fraction(units, 10**places), places)
    assert heard(number_words(written)) == Fraction(written)


def test_the_caption_keeps_digits_and_the_voice_gets_words():
    line = parse("At w = 1.50 the slope dL/dw is 3.00.", {"dL/dw": "d L by d w", "=": "equals"})
    assert line.caption == "At w = 1.50 the slope dL/dw is 3.00."
    assert line.spoken == "At w equals one point five the slope d L by d w is three."
    assert [t.numbers for t in line.tokens if t.numbers] == [("1.50",), ("3.00",)]


def test_sub_overrides_and_punctuation_sticks_to_its_word():
    line = parse(f"The slope, {sub('2w', 'two w')}, and ({sub('lr', 'the rate')}).")
    assert line.caption == "The slope, 2w, and (lr)."
    assert line.spoken == "The slope, two w, and (the rate)."


def test_bookmarks_point_at_the_next_word():
    line = parse(f"It lands on {mark('result')}0.75, {mark('end')}finally.")
    assert [line.tokens[i].shown for i in (line.marks["result"], line.marks["end"])] == \
        ["0.75,", "finally."]
    assert "bookmark" not in line.caption and "bookmark" not in line.spoken


@pytest.mark.parametrize("source, message", [
    ("", "an empty narration line"),
    ("   \n ", "an empty narration line"),
    (mark("a"), "an empty narration line"),
    (f"one {mark('a')}two {mark('a')}three", "appears twice"),
    (f"dangling {mark('end')}", "is not followed by a word"),
    ('x <sub alias="">y</sub>', "an empty <sub>"),
    ("a <break/> pause", "unknown or broken markup"),
])
def test_lines_that_cannot_be_spoken_are_refused(source, message):
    with pytest.raises(LineError, match=message):
        parse(source)


def test_a_line_is_immutable_data():
    line = parse("Hello there.")
    assert isinstance(line, Line) and line.words == ["Hello", "there."]
