"""Word times from phoneme groups: merged, split and matched one to one."""

from __future__ import annotations

import pytest

from narration.align import Group, groups, word_times

# A tiny "phonemizer": each word's phonemes are its letters (enough to test the matching).
LETTERS = {"of": "ʌv", "the": "ðə", "target": "tɑːɹɡɪt", "at": "æt", "one": "wʌn",
           "step-wise": "stɛpwaɪz"}


def phon(word: str) -> str:
    return LETTERS[word.strip(",.")]


def test_groups_are_split_at_spaces_and_skip_pauses_and_boundaries():
    aligned = [("^", 100), ("ʌ", 10), ("v", 10), (" ", 5), ("ð", 10), ("ə", 10), (",", 40),
               (" ", 5), ("æ", 10), ("t", 10), ("$", 100)]
    assert groups(aligned, offset=1000) == [
        Group("ʌv", 1100, 1120), Group("ðə", 1125, 1145), Group("æt", 1190, 1210)]


def test_one_word_one_group():
    found = [Group("ʌv", 0, 10), Group("ðə", 12, 20), Group("tɑːɹɡɪt", 25, 60)]
    assert word_times(["of", "the", "target."], found, phon) == [(0, 10), (12, 20), (25, 60)]


def test_words_run_together_share_their_group_by_length():
    """espeak says "of the" as one group: the two words divide its time."""
    found = [Group("ʌvðə", 0, 40), Group("tɑːɹɡɪt", 50, 90)]
    times = word_times(["of", "the", "target"], found, phon)
    assert times == [(0, 20), (20, 40), (50, 90)]


def test_a_word_split_in_two_groups_spans_both():
    found = [Group("æt", 0, 10), Group("stɛp", 15, 30), Group("waɪz", 32, 50)]
    assert word_times(["at", "step-wise"], found, phon) == [(0, 10), (15, 50)]


def test_times_increase_and_cover_every_word():
    words = ["at", "one", "of", "the", "target"]
    found = [Group("æt", 0, 8), Group("wʌn", 10, 20), Group("ʌvðə", 22, 40), Group("tɑɹɡɪt", 41, 70)]
    times = word_times(words, found, phon)
    assert len(times) == len(words)
    assert all(s < e for s, e in times)
    assert all(a[1] <= b[0] for a, b in zip(times, times[1:]))


def test_no_phonemes_is_an_error():
    with pytest.raises(ValueError):
        word_times(["of"], [], phon)
