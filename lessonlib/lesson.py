"""The concrete numbers the lecture uses, in one place (see docs/lesson.md).

Rational inputs are Fractions so trajectories come out exact.
"""

from __future__ import annotations

from fractions import Fraction as F

# Fact 1: one weight on each side of the target, one step each.
SIGN_WEIGHTS = (F(3, 2), F(-1))
SIGN_LR = F(1, 4)

# Fact 2: four learning rates from the same start, a few steps each.
LR_START = F(2)
LEARNING_RATES = (F(1, 20), F(1, 4), F(9, 10), F(11, 10))
LR_STEPS = 3

# Fact 4: the chain rule through one sigmoid.
CHAIN_X = 2
CHAIN_W1 = F(1, 2)

# Fact 5: MSE against MAE.
MSE_START = F(2)
MAE_START = F(19, 10)
COMPARE_LR = F(1, 4)
COMPARE_STEPS = 10

# Fact 6: cross-entropy slopes.
CE_POINTS = (F(1, 10), F(1, 2), F(9, 10), F(1))

# Fact 7: depth of a chain of sigmoids.
SIGMOID_DEPTHS = (1, 2, 3, 4, 10)

# Fact 8: pre-activations along a ReLU path (all active) and one inactive unit.
RELU_ACTIVE_PATH = (F(3, 2), F(1, 2), F(2), F(1))
RELU_INACTIVE = F(-1)
