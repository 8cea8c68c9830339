"""Losses against the target 0, each with its derivative beside it.

Every function keeps exact arithmetic where the math is exact: an int or a
Fraction in gives an int or a Fraction out. Only ``cross_entropy`` (a logarithm)
always returns a float.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ._domain import Number, finite, in_range


def mse(w: Number) -> Number:
    """Squared error against target 0: L(w) = w^2."""
    w = finite("mse", "w", w)
    return w * w


def mse_grad(w: Number) -> Number:
    """Derivative of MSE: dL/dw = 2w."""
    w = finite("mse_grad", "w", w)
    return 2 * w


def mae(w: Number) -> Number:
    """Absolute error against target 0: L(w) = |w|."""
    w = finite("mae", "w", w)
    return abs(w)


def mae_grad(w: Number) -> int:
    """Derivative of MAE: dL/dw = sign(w), +1 or -1.

    |w| has a kink at 0 where no derivative exists. Convention: mae_grad(0) = 0,
    the subgradient that PyTorch and numpy.sign also pick, so a weight sitting
    exactly on the target is left there.
    """
    w = finite("mae_grad", "w", w)
    return (w > 0) - (w < 0)


def _check_probability(func: str, w: object) -> Number:
    w = finite(func, "w", w)
    in_range(func, "w", w, "0 < w <= 1", 0 < w <= 1)
    return w


def cross_entropy(w: Number) -> float:
    """Cross-entropy for the predicted probability w of the true class: L(w) = -ln(w), 0 < w <= 1."""
    w = _check_probability("cross_entropy", w)
    # 0.0 - ln(1) is +0.0, whereas -ln(1) would be -0.0 and could print as "-0".
    return 0.0 - math.log(w)


def cross_entropy_grad(w: Number) -> Number:
    """Derivative of cross-entropy: dL/dw = -1/w, 0 < w <= 1 (exact for int or Fraction w)."""
    w = _check_probability("cross_entropy_grad", w)
    if isinstance(w, float):
        return -1.0 / w
    return -Fraction(1) / w
