"""The glyph reader itself: every digit and sign reads back at any size, place and font."""

from __future__ import annotations

import pytest
from manim import DOWN, LEFT, DecimalNumber, MathTex, Text

from scenes import palette
from tests.screen.probe import read_labels

@pytest.mark.parametrize("size", [24, 36, 60, 96])
def test_tex_digits_read_back_at_every_size(size):
    # Thin spaces keep digits one number; a quad separates numbers.
    mob = MathTex(r"0\,1\,2\,3\,4\,5\,6\,7\,8\,9 \quad -3.456 \quad 10^{-7} \quad x_{12}",
                  font_size=size).shift(2 * LEFT + DOWN).rotate(0)
    (label,) = read_labels([mob])
    assert list(label.numbers) == ["0123456789", "-3.456", "10", "-7", "12"], label.text
    assert abs(label.size - size) / size < 0.05


@pytest.mark.parametrize("size", [24, 48])
def test_text_digits_read_back(size):
    mob = Text("w 0123456789 -2.88", font=palette.FONT, font_size=size)
    (label,) = read_labels([mob])
    assert list(label.numbers) == ["0123456789", "-2.88"], label.text


def test_decimal_number_signs_and_negative_values():
    labels = read_labels([DecimalNumber(-1.024, num_decimal_places=3),
                          DecimalNumber(2.5, num_decimal_places=2, include_sign=True).shift(DOWN)])
    assert sorted(n for lab in labels for n in lab.numbers) == ["-1.024", "2.50"]


def test_invisible_glyphs_are_not_read():
    mob = MathTex("7.5")
    mob.set_opacity(0)
    assert read_labels([mob]) == ()


def test_a_formula_part_on_its_own_is_read():
    """ReplacementTransform(formula[1], ...) puts the part itself on screen."""
    formula = MathTex("w' =", "0.75")
    (label,) = read_labels([formula[1]])
    assert label.numbers == ("0.75",)


def test_bold_text_is_read():
    (label,) = read_labels([Text("Loss 2024", font=palette.FONT, weight="BOLD")])
    assert label.text == "Loss 2024" and label.numbers == ("2024",)
