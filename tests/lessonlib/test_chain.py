"""The chain rule through a sigmoid, and gradient products along sigmoid and ReLU paths."""

from __future__ import annotations

import math
import re
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessonlib import (
    ChainFactors,
    chain_rule,
    exact,
    fixed,
    mse,
    mse_grad,
    relu_chain_product,
    sigmoid,
    sigmoid_chain_product,
    sigmoid_depth_bound,
    sigmoid_prime,
)

from tests.lessonlib.gradcheck import assert_derivative

NAN, INF = math.nan, math.inf
CHAIN_PRODUCTS = pytest.mark.parametrize(
    "func", [sigmoid_chain_product, relu_chain_product], ids=lambda f: f.__name__)
FAST = settings(max_examples=100, deadline=None)
pre_activations = st.floats(min_value=-50, max_value=50)


# --- fact 4: x = 2, W1 = 0.5, L = a1^2 ---------------------------------------------------


@pytest.fixture
def example() -> ChainFactors:
    return chain_rule(2, F(1, 2))


def test_chain_rule_example_factors(example):
    assert example.x == 2 and example.w1 == F(1, 2)
    assert example.u1 == 1
    assert fixed(example.a1, 4) == "0.7311"
    assert fixed(example.dl_da1, 4) == "1.4621"
    assert fixed(example.da1_du1, 4) == "0.1966"
    assert example.du1_dw1 == 2
    assert fixed(example.product, 4) == "0.5749"


def test_chain_rule_product_is_the_exact_product_not_the_product_of_rounded_factors(example):
    # Written independently: dL/dW1 = 2*s * s*(1 - s) * x with s = sigmoid(1).
    s = 1 / (1 + math.exp(-1))
    assert example.product == pytest.approx(2 * s * s * (1 - s) * 2, rel=1e-14)
    assert example.product == example.dl_da1 * example.da1_du1 * example.du1_dw1
    # Multiplying the rounded factors drifts at the fifth place: 0.57490 vs 0.57494.
    rounded = F(fixed(example.dl_da1, 4)) * F(fixed(example.da1_du1, 4)) * example.du1_dw1
    assert fixed(rounded, 5) == "0.57490"
    assert fixed(example.product, 5) == "0.57494"


def test_chain_rule_factors_are_their_own_derivatives(example):
    assert example.a1 == sigmoid(example.u1)
    assert example.dl_da1 == mse_grad(example.a1)
    assert example.da1_du1 == sigmoid_prime(example.u1)
    assert example.du1_dw1 == example.x


@pytest.mark.parametrize(("x", "w1"), [(2, 0.5), (2, -1.5), (-1, 0.3), (0.5, 4.0), (3, 0.0)])
def test_chain_rule_product_matches_central_difference_in_w1(x, w1):
    def loss_of_w1(w):
        return mse(sigmoid(w * x))

    def dloss_dw1(w):
        return chain_rule(x, w).product

    assert_derivative(loss_of_w1, dloss_dw1, w1)


@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
@pytest.mark.parametrize("arg", ["x", "w1"])
def test_chain_rule_refuses_nan_and_infinity(arg, bad):
    args = {"x": 2, "w1": F(1, 2)} | {arg: bad}
    with pytest.raises(ValueError, match=re.escape(f"chain_rule: {arg}={bad!r} must be finite")):
        chain_rule(**args)


# --- fact 7: sigmoid derivatives vanish with depth ----------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 4, 10, 30])
def test_sigmoid_depth_bound_is_exactly_a_quarter_to_the_n(n):
    bound = sigmoid_depth_bound(n)
    assert bound == F(1, 4) ** n and isinstance(bound, F)


def test_sigmoid_depth_bound_hand_worked_values():
    assert [sigmoid_depth_bound(n) for n in (1, 2, 3)] == [F(1, 4), F(1, 16), F(1, 64)]
    assert exact(sigmoid_depth_bound(3)) == "0.015625"
    assert fixed(sigmoid_depth_bound(4), 4) == "0.0039"
    assert sigmoid_depth_bound(10) == F(1, 1048576)
    assert f"{float(sigmoid_depth_bound(10)):.1e}" == "9.5e-07"
    assert exact(sigmoid_depth_bound(10)) == "0.00000095367431640625"


@pytest.mark.parametrize("n", [1, 2, 5, 10])
def test_sigmoid_chain_at_zero_reaches_the_bound(n):
    assert sigmoid_chain_product([0] * n) == sigmoid_depth_bound(n)


@FAST
@given(st.lists(pre_activations, min_size=1, max_size=12))
def test_sigmoid_chain_product_never_exceeds_the_depth_bound(xs):
    product = sigmoid_chain_product(xs)
    assert product == math.prod(sigmoid_prime(x) for x in xs)
    assert 0 < product <= sigmoid_depth_bound(len(xs))


# --- fact 8: ReLU keeps the gradient ------------------------------------------------------


def test_relu_chain_along_an_active_path_is_one():
    assert relu_chain_product([F(3, 2), F(1, 2), F(2), F(1)]) == 1


def test_one_inactive_unit_stops_the_relu_chain():
    assert relu_chain_product([F(3, 2), F(-1), F(2), F(1)]) == 0
    assert relu_chain_product([F(3, 2), 0, F(2)]) == 0  # the convention at the kink


@FAST
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=30))
def test_relu_chain_product_is_zero_or_one(xs):
    product = relu_chain_product(xs)
    assert product in (0, 1) and type(product) is int
    assert product == (1 if all(x > 0 for x in xs) else 0)


# --- domain errors ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, -1, 1.0, 2.5, True, NAN, INF, F(2), "3", None], ids=repr)
def test_sigmoid_depth_bound_refuses_a_depth_that_is_not_a_whole_number_from_one(n):
    expected = f"sigmoid_depth_bound: n={n!r} is outside the allowed range a whole number >= 1"
    with pytest.raises(ValueError, match=re.escape(expected)):
        sigmoid_depth_bound(n)


@CHAIN_PRODUCTS
def test_chain_products_refuse_an_empty_chain(func):
    expected = f"{func.__name__}: xs=[] is outside the allowed range at least one layer"
    with pytest.raises(ValueError, match=re.escape(expected)):
        func([])


@CHAIN_PRODUCTS
@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=repr)
def test_chain_products_refuse_nan_and_infinity_and_say_which_layer(func, bad):
    expected = f"{func.__name__}: xs[1]={bad!r} must be finite"
    with pytest.raises(ValueError, match=re.escape(expected)):
        func([1, bad, 2])
