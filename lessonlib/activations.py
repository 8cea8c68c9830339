"""Activations, each with its derivative beside it."""

from __future__ import annotations

import math

from ._domain import Number, finite


def sigmoid(x: Number) -> float:
    """Logistic sigmoid: s(x) = 1 / (1 + e^-x)."""
    x = float(finite("sigmoid", "x", x))
    # Two branches so that neither exp() overflows for large |x|.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def sigmoid_prime(x: Number) -> float:
    """Derivative of the sigmoid: s'(x) = s(x) * (1 - s(x)), in (0, 0.25], largest at x = 0."""
    x = finite("sigmoid_prime", "x", x)
    # s'(x) is even: evaluate it where s <= 1/2, since for x >= 37 1 - s(x) rounds to 0.0.
    s = sigmoid(-abs(x))
    return s * (1.0 - s)


def relu(x: Number) -> Number:
    """Rectified linear unit: relu(x) = max(0, x)."""
    x = finite("relu", "x", x)
    return x if x > 0 else type(x)(0)  # a zero of the same kind, never -0.0


def relu_prime(x: Number) -> int:
    """Derivative of ReLU: 1 for x > 0, 0 for x < 0.

    ReLU has a kink at 0 where no derivative exists. Convention: relu_prime(0) = 0,
    as in PyTorch and TensorFlow: a unit exactly at 0 passes no gradient.
    """
    x = finite("relu_prime", "x", x)
    return 1 if x > 0 else 0
