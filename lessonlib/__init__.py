"""Exact values for the gradient-descent lecture. Pure Python: never imports manim."""

from .activations import relu, relu_prime, sigmoid, sigmoid_prime
from .chain import (
    ChainFactors,
    chain_rule,
    relu_chain_product,
    sigmoid_chain_product,
    sigmoid_depth_bound,
)
from .descent import gradient_step, trajectory
from .display import exact, fixed, signed
from .losses import cross_entropy, cross_entropy_grad, mae, mae_grad, mse, mse_grad

__all__ = [
    "ChainFactors", "chain_rule", "cross_entropy", "cross_entropy_grad", "exact", "fixed",
    "gradient_step", "mae", "mae_grad", "mse", "mse_grad", "relu", "relu_chain_product",
    "relu_prime", "sigmoid", "sigmoid_chain_product", "sigmoid_depth_bound", "sigmoid_prime",
    "signed", "trajectory",
]
