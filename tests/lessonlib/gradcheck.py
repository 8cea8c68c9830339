"""Check a derivative against a central finite difference.

The numeric slope is ``(f(x + h/2) - f(x - h/2)) / h``; its error is about
``h**2 / 24 * f'''`` from truncation plus ``eps * |f| / h`` from rounding, so
``h = 1e-5`` and a relative tolerance of ``1e-6`` suit the smooth functions of
the lecture. A failing check prints both numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable

H = 1e-5


def central_difference(f: Callable[[float], float], x: float, h: float = H) -> float:
    """(f(x + h/2) - f(x - h/2)) / h, in floats."""
    x = float(x)
    return (float(f(x + h / 2)) - float(f(x - h / 2))) / h


def assert_derivative(
    f: Callable[[float], float],
    df: Callable[[float], float],
    x: float,
    *,
    h: float = H,
    rel_tol: float = 1e-6,
    abs_tol: float = 1e-9,
) -> None:
    """Assert that df(x) agrees with the central difference of f at x."""
    analytic = float(df(x))
    numeric = central_difference(f, x, h)
    assert math.isclose(analytic, numeric, rel_tol=rel_tol, abs_tol=abs_tol), (
        f"{df.__name__}({x!r}) = {analytic!r}, but the central difference of "
        f"{f.__name__} at {x!r} with h={h!r} is {numeric!r}"
    )
