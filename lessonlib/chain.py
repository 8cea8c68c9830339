"""Backpropagation through sigmoids: the chain-rule factors and their products."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ._domain import Number, finite, in_range
from .activations import relu_prime, sigmoid, sigmoid_prime
from .losses import mse_grad


@dataclass(frozen=True)
class ChainFactors:
    """Every quantity on the path x -> u1 = W1*x -> a1 = sigmoid(u1) -> L = a1^2."""

    x: Number
    w1: Number
    u1: Number
    a1: float
    dl_da1: float
    da1_du1: float
    du1_dw1: Number
    product: float
    """dL/dW1 = dL/da1 * da1/du1 * du1/dW1, computed from the unrounded factors."""


def chain_rule(x: Number, w1: Number) -> ChainFactors:
    """dL/dW1 = dL/da1 * da1/du1 * du1/dW1 for u1 = W1*x, a1 = sigmoid(u1), L = a1^2 (target 0)."""
    x = finite("chain_rule", "x", x)
    w1 = finite("chain_rule", "w1", w1)
    u1 = w1 * x
    a1 = sigmoid(u1)
    dl_da1 = float(mse_grad(a1))
    da1_du1 = sigmoid_prime(u1)
    du1_dw1 = x
    return ChainFactors(x, w1, u1, a1, dl_da1, da1_du1, du1_dw1, dl_da1 * da1_du1 * float(du1_dw1))


def check_depth(func: str, n: object) -> int:
    """Return ``n`` if it is a whole number >= 1, else raise ValueError naming ``func``."""
    in_range(func, "n", n, "a whole number >= 1",
             isinstance(n, int) and not isinstance(n, bool) and n >= 1)
    return n  # type: ignore[return-value]


def check_layers(func: str, xs: list[Number]) -> list[Number]:
    """Return ``xs`` if it holds at least one finite number, else raise ValueError naming ``func``."""
    in_range(func, "xs", xs, "at least one layer", len(xs) >= 1)
    return [finite(func, f"xs[{i}]", x) for i, x in enumerate(xs)]


def sigmoid_depth_bound(n: int) -> Fraction:
    """Largest possible product of n sigmoid derivatives: (1/4)^n, exact."""
    n = check_depth("sigmoid_depth_bound", n)
    return Fraction(1, 4) ** n


def sigmoid_chain_product(xs: list[Number]) -> float:
    """Product of sigmoid'(x) over the pre-activations xs of a chain of sigmoid layers."""
    xs = check_layers("sigmoid_chain_product", xs)
    return math.prod(sigmoid_prime(x) for x in xs)


def relu_chain_product(xs: list[Number]) -> int:
    """Product of relu'(x) over the pre-activations xs of a chain of ReLU layers: 1 or 0."""
    xs = check_layers("relu_chain_product", xs)
    return math.prod(relu_prime(x) for x in xs)
