"""Thumbnail: one still, no numbers, a headline big enough for a thumbnail."""

from __future__ import annotations

import pytest

from scenes.thumbnail import HEADLINE_SIZE, Thumbnail
from tests.screen import read_scene


@pytest.fixture(scope="module")
def reading():
    return read_scene(Thumbnail)


def test_it_is_one_still_frame(reading):
    assert len(reading.moments) == 1 and not reading.moments[0].inside


def test_it_shows_no_numbers(reading):
    (moment,) = reading.moments
    assert moment.numbers == []


def test_the_headline_is_big_four_lines(reading):
    (moment,) = reading.moments
    (headline,) = [label for label in moment.labels if label.kind == "Text"]
    assert headline.text == "How loss / steers / gradient / descent"  # four lines, as drawn
    assert headline.size > 0.9 * HEADLINE_SIZE
    x0, y0, x1, y1 = headline.box
    assert y1 - y0 > 4  # more than half the frame's height
