"""The notebook's NumPy models, written by hand as the notebook teaches them:
linear regression with MSE (part 1.A) and softmax regression with cross-entropy (part 2.A),
both fitted with scipy.optimize.minimize from standard-normal initial weights."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np


def flatten(arrs: list) -> tuple[np.ndarray, Callable[[np.ndarray], list[np.ndarray]]]:
    """Return a 1D array of the elements of ``arrs`` and the function that undoes it
    (as in the notebook, after autograd's misc/flatten.py)."""
    arrs = [np.asarray(arr) for arr in arrs]
    shapes = [arr.shape for arr in arrs]
    flat = np.concatenate([arr.ravel() for arr in arrs])
    start_indices = np.cumsum([0] + [arr.size for arr in arrs])

    def unflatten(params: np.ndarray) -> list[np.ndarray]:
        return [
            params[start_indices[i] : start_indices[i + 1]].reshape(shape)
            for i, shape in enumerate(shapes)
        ]

    return flat, unflatten


def linear_forward(X: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    return X @ weights + bias


def compute_mse_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return ((y_true - y_pred) ** 2).mean()


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting each row's max keeps exp() from overflowing."""
    max_logit = logits.max(axis=1, keepdims=True)
    exp_logits = np.exp(logits - max_logit)
    return exp_logits / exp_logits.sum(axis=1, keepdims=True)


def cross_entropy_loss(y_true_onehot: np.ndarray, probs: np.ndarray) -> float:
    """Mean negative log-probability of the true class; +1e-6 avoids log(0), as in the notebook."""
    log_probs = np.log(probs + 1e-6)
    loss_per_sample = -np.sum(y_true_onehot * log_probs, axis=1)
    return loss_per_sample.mean()


@dataclass
class ScipyFit:
    """A fitted NumPy model in the notebook's orientation: ``X @ weights + bias``."""

    weights: np.ndarray
    bias: np.ndarray
    initial_loss: float
    final_loss: float
    iterations: int
    # loss at the start and after each optimizer iteration, for the loss-curve plot
    loss_history: list[float] = field(default_factory=list)


def _minimize(
    loss_given_params: Callable[..., float], initial: list[np.ndarray], args: tuple
) -> ScipyFit:
    import scipy.optimize

    initial_params, unpack_params = flatten(initial)

    def loss_of_flat(params: np.ndarray, *args) -> float:
        return loss_given_params(*unpack_params(params), *args)

    initial_loss = float(loss_of_flat(initial_params, *args))
    history = [initial_loss]

    def record(intermediate_result: scipy.optimize.OptimizeResult) -> None:
        history.append(float(intermediate_result.fun))

    result = scipy.optimize.minimize(loss_of_flat, initial_params, args=args, callback=record)
    weights, bias = unpack_params(result.x)
    return ScipyFit(
        weights=weights,
        bias=bias,
        initial_loss=initial_loss,
        final_loss=float(result.fun),
        iterations=int(result.nit),
        loss_history=history,
    )


def fit_linear_regression(X: np.ndarray, y: np.ndarray, init_seed: int) -> ScipyFit:
    """Part 1.A: one output, MSE against the class number treated as a real value."""
    np.random.seed(init_seed)  # the notebook's global seeding, so its numbers reproduce
    initial_weights = np.random.standard_normal(size=X.shape[1])
    initial_bias = np.random.standard_normal()

    def loss(weights, bias, X, y_true):
        return compute_mse_loss(y_true, linear_forward(X, weights, bias))

    return _minimize(loss, [initial_weights, initial_bias], (X, y))


def fit_softmax_regression(X: np.ndarray, y: np.ndarray, n_classes: int, init_seed: int) -> ScipyFit:
    """Part 2.A: one logit per class, softmax, cross-entropy against one-hot targets."""
    np.random.seed(init_seed)
    initial_weights = np.random.standard_normal(size=(X.shape[1], n_classes))
    initial_bias = np.random.standard_normal(size=n_classes)
    y_onehot = np.eye(n_classes)[y]

    def loss(weights, bias, X, y_true_onehot):
        return cross_entropy_loss(y_true_onehot, softmax(linear_forward(X, weights, bias)))

    return _minimize(loss, [initial_weights, initial_bias], (X, y_onehot))
