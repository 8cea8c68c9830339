"""The update rule w' = w - lr * dL/dw, one step and many."""

from __future__ import annotations

from collections.abc import Callable

from ._domain import Number, finite, in_range


def check_learning_rate(func: str, lr: object) -> Number:
    """Return ``lr`` if it is a finite number > 0, else raise ValueError naming ``func``."""
    lr = finite(func, "lr", lr)
    in_range(func, "lr", lr, "lr > 0", lr > 0)
    return lr


def gradient_step(w: Number, grad: Number, lr: Number) -> Number:
    """One gradient-descent update: w' = w - lr * grad."""
    w = finite("gradient_step", "w", w)
    grad = finite("gradient_step", "grad", grad)
    lr = check_learning_rate("gradient_step", lr)
    return w - lr * grad


def trajectory(w0: Number, grad: Callable[[Number], Number], lr: Number, steps: int) -> list[Number]:
    """The weights w0, w1, ..., w_steps reached by repeated gradient steps (steps + 1 values)."""
    w0 = finite("trajectory", "w0", w0)
    lr = check_learning_rate("trajectory", lr)
    in_range("trajectory", "steps", steps, "a whole number >= 0",
             isinstance(steps, int) and not isinstance(steps, bool) and steps >= 0)
    path = [w0]
    for _ in range(steps):
        path.append(gradient_step(path[-1], grad(path[-1]), lr))
    return path
