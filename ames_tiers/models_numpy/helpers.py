"""What the notebook's two NumPy models share: its `flatten` (the weights and bias as the one
vector scipy.optimize.minimize works on) and `linear_forward`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ames_tiers.models.layers import Fit
from ames_tiers.portable import arithmetic
from ames_tiers.portable.bfgs import BFGSResult


def flatten(arrs: list) -> tuple[np.ndarray, Callable[[np.ndarray], list[np.ndarray]]]:
    """Return a 1D array of the elements of ``arrs`` and the function that undoes it
    (as in the notebook, after autograd's misc/flatten.py)."""
    arrs = [np.asarray(arr) for arr in arrs]
    shapes = [arr.shape for arr in arrs]
    flat = np.concatenate([arr.ravel() for arr in arrs])
    start_indices = np.cumsum([0] + [arr.size for arr in arrs])

    def unflatten(params: np.ndarray) -> list[np.ndarray]:
        return [
            params[start_indices[i] : start_indices[i + 1]].reshape(shape) for i, shape in enumerate(shapes)
        ]

    return flat, unflatten


def linear_forward(X: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """X @ weights + bias (one output when ``weights`` is a vector), the same bits on every CPU."""
    if weights.ndim == 1:
        return arithmetic.matmul(X, weights.reshape(-1, 1))[:, 0] + bias
    return arithmetic.matmul(X, weights) + bias


def fit_from(result: BFGSResult, weights: np.ndarray, bias: np.ndarray) -> Fit:
    """The Fit of a minimize() result: one layer `X @ W + b` and the loss per iteration."""
    layers = [(np.reshape(weights, (len(weights), -1)), np.reshape(bias, -1))]
    return Fit.from_history(layers, result.loss_history, iterations=result.nit)
