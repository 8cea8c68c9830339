"""ChainRule draws exactly lessonlib's numbers: forward values, local factors, their product.

Every expected string is computed here from lessonlib, independently of the scene.
Besides the values, the formulas carry digits of their own, counted as the
checker reads them: the layer index 1 of W_1, u_1 and a_1, the exponent 2 of
L = a_1^2 and the 2 of dL/da_1 = 2 a_1.
"""

from __future__ import annotations

import pytest

import lessonlib
from lessonlib import display, lesson

from scenes.chain_rule import ChainRule
from tests.screen import read_scene

F = lessonlib.chain_rule(lesson.CHAIN_X, lesson.CHAIN_W1)
PLACES = 4

# The values, written as the lesson writes them: exact where exact, else to 4 places.
X = display.exact(F.x)
W1 = display.exact(F.w1)
U1 = display.exact(F.u1)
A1 = display.fixed(F.a1, PLACES)
LOSS = display.fixed(lessonlib.mse(F.a1), PLACES)
DL_DA1 = display.fixed(F.dl_da1, PLACES)
DA1_DU1 = display.fixed(F.da1_du1, PLACES)
DU1_DW1 = display.exact(F.du1_dw1)
PRODUCT = display.fixed(F.product, PLACES)

# Digits that are part of the notation.
SUB = "1"  # the layer index of W_1, u_1, a_1
SQUARE = "2"  # the exponent of (.)^2: L = a_1^2
TWO = display.exact(lessonlib.mse_grad(1))  # the 2 of dL/da_1 = 2 a_1

# What each beat adds to the screen (everything stays until the end).
GRAPH = [SUB, SUB, SUB, SQUARE]  # nodes u_1, a_1; edge labels "x W_1", "(.)^2"
X_VALUE = [X]  # x = 2
W1_VALUE = [SUB, W1]  # W_1 = 0.5
U1_VALUE = [SUB, U1]  # u_1 = 1
A1_VALUE = [SUB, A1]  # a_1 ~ 0.7311
LOSS_VALUE = [LOSS]  # L ~ 0.5344
FORWARD = X_VALUE + W1_VALUE + U1_VALUE + A1_VALUE + LOSS_VALUE
LOSS_EDGE = [SUB, TWO, SUB]  # dL/da_1 = 2 a_1
SIGMOID_EDGE = [SUB, SUB, SUB]  # da_1/du_1 = sigma'(u_1)
WEIGHT_EDGE = [SUB, SUB]  # du_1/dW_1 = x
BACKWARD = LOSS_EDGE + [DL_DA1] + SIGMOID_EDGE + [DA1_DU1] + WEIGHT_EDGE + [DU1_DW1]
SYMBOLIC = [SUB] * 6  # dL/dW_1 = dL/da_1 . da_1/du_1 . du_1/dW_1
NUMERIC = [SUB, DL_DA1, DA1_DU1, DU1_DW1]  # dL/dW_1 = 1.4621 . 0.1966 . 2
PRODUCT_LINE = NUMERIC + [PRODUCT]  # ... ~ 0.5749


@pytest.fixture(scope="module")
def reading():
    return read_scene(ChainRule)


def test_sections(reading):
    assert reading.sections == [
        "The computation graph", "Forward pass", "Backward pass", "Multiply the factors",
        "Rounded at the end",
    ]


def test_the_lesson_values_are_the_ones_the_lecture_states():
    # Fact 4 as docs/lesson.md states it.
    assert [X, W1, U1, A1, DL_DA1, DA1_DU1, DU1_DW1, PRODUCT] == [
        "2", "0.5", "1", "0.7311", "1.4621", "0.1966", "2", "0.5749"]


def test_the_product_is_rounded_from_the_exact_factors():
    # The scene says "approximately": the product drawn is the exact product rounded once.
    assert F.product == F.dl_da1 * F.da1_du1 * F.du1_dw1
    assert PRODUCT == display.fixed(F.dl_da1 * F.da1_du1 * F.du1_dw1, PLACES)


def test_graph_has_only_its_notation(reading):
    reading.expect("The computation graph", GRAPH)


def test_forward_pass_fills_the_nodes_left_to_right(reading):
    steps = [GRAPH + X_VALUE, GRAPH + X_VALUE + W1_VALUE]
    for added in (U1_VALUE, A1_VALUE, LOSS_VALUE):
        steps.append(steps[-1] + added)
    reading.expect_steps("Forward pass", steps)
    reading.expect("Forward pass", GRAPH + FORWARD)


def test_backward_pass_puts_each_factor_on_its_edge_right_to_left(reading):
    before = GRAPH + FORWARD
    steps = [before + LOSS_EDGE, before + LOSS_EDGE + [DL_DA1]]
    steps.append(steps[-1] + SIGMOID_EDGE)
    steps.append(steps[-1] + [DA1_DU1])
    steps.append(steps[-1] + WEIGHT_EDGE + [DU1_DW1])
    reading.expect_steps("Backward pass", steps)
    reading.expect("Backward pass", GRAPH + FORWARD + BACKWARD)


def test_product_of_the_factors(reading):
    before = GRAPH + FORWARD + BACKWARD
    reading.expect_steps("Multiply the factors", [
        before + SYMBOLIC, before + NUMERIC, before + PRODUCT_LINE,
    ])
    reading.expect("Multiply the factors", before + PRODUCT_LINE)


def test_rounding_note_keeps_every_value(reading):
    reading.expect("Rounded at the end", GRAPH + FORWARD + BACKWARD + PRODUCT_LINE)
