"""The notebook's NumPy models, written by hand as the notebook teaches them:
linear regression with MSE (part 1.A) and softmax regression with cross-entropy (part 2.A),
both fitted with BFGS (scipy.optimize.minimize's algorithm, see bfgs.py) from
standard-normal initial weights. Products, exp and log come from ames_tiers.portable, so the
fitted weights are the same bits on every CPU."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.models.layers import Fit, FitContext
from ames_tiers.portable import arithmetic
from ames_tiers.portable.bfgs import minimize_bfgs

if TYPE_CHECKING:
    from ames_tiers.models.registry import BFGSParams


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
    """X @ weights + bias (one output when ``weights`` is a vector)."""
    if weights.ndim == 1:
        return arithmetic.matmul(X, weights.reshape(-1, 1))[:, 0] + bias
    return arithmetic.matmul(X, weights) + bias


def compute_mse_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return ((y_true - y_pred) ** 2).mean()


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting each row's max keeps exp() from overflowing."""
    max_logit = logits.max(axis=1, keepdims=True)
    exp_logits = arithmetic.exp(logits - max_logit)
    return exp_logits / exp_logits.sum(axis=1, keepdims=True)


def cross_entropy_loss(y_true_onehot: np.ndarray, probs: np.ndarray) -> float:
    """Mean negative log-probability of the true class; +1e-6 avoids log(0), as in the notebook."""
    log_probs = arithmetic.log(probs + 1e-6)
    loss_per_sample = -np.sum(y_true_onehot * log_probs, axis=1)
    return loss_per_sample.mean()


def mse_loss_and_gradient(weights, bias, X, y_true) -> tuple[float, list[np.ndarray]]:
    """The MSE of linear regression and its exact gradient with respect to (weights, bias)."""
    residual = linear_forward(X, weights, bias) - y_true
    scale = 2.0 / len(y_true)
    grad_weights = arithmetic.matmul(X.T, residual.reshape(-1, 1))[:, 0]
    return (residual**2).mean(), [scale * grad_weights, np.asarray(scale * residual.sum())]


def cross_entropy_loss_and_gradient(weights, bias, X, y_true_onehot) -> tuple[float, list[np.ndarray]]:
    """The notebook's cross-entropy (with +1e-6 inside the log) of softmax regression and its
    exact gradient: for the true class k, d/dz_i of -log(p_k + eps) is a * (p_i - [i = k])
    with a = p_k / (p_k + eps)."""
    probs = softmax(linear_forward(X, weights, bias))
    loss = cross_entropy_loss(y_true_onehot, probs)
    a = (y_true_onehot * probs / (probs + 1e-6)).sum(axis=1, keepdims=True)
    grad_logits = a * (probs - y_true_onehot) / len(X)
    return loss, [arithmetic.matmul(X.T, grad_logits), grad_logits.sum(axis=0)]


@dataclass
class Problem:
    """What the notebook hands scipy.optimize.minimize: a loss of one flat parameter vector,
    its starting point, and (for jac=True) the loss with its exact gradient."""

    initial: np.ndarray
    unflatten: Callable[[np.ndarray], list[np.ndarray]]
    loss: Callable[[np.ndarray], float]
    loss_and_gradient: Callable[[np.ndarray], tuple[float, np.ndarray]]


def _problem(initial: list, loss_given_params: Callable, loss_and_gradient: Callable, args: tuple) -> Problem:
    flat, unflatten = flatten(initial)

    def loss(params: np.ndarray) -> float:
        return loss_given_params(*unflatten(params), *args)

    def loss_and_flat_gradient(params: np.ndarray) -> tuple[float, np.ndarray]:
        value, grads = loss_and_gradient(*unflatten(params), *args)
        return value, flatten(grads)[0]

    return Problem(flat, unflatten, loss, loss_and_flat_gradient)


def linear_regression_problem(X: np.ndarray, y: np.ndarray, init_seed: int) -> Problem:
    """Part 1.A: one output, MSE against the tier number treated as a real value."""
    np.random.seed(init_seed)  # the notebook's global seeding, so its numbers reproduce
    initial_weights = np.random.standard_normal(size=X.shape[1])
    initial_bias = np.random.standard_normal()

    def loss(weights, bias, X, y_true):
        return compute_mse_loss(y_true, linear_forward(X, weights, bias))

    return _problem([initial_weights, initial_bias], loss, mse_loss_and_gradient, (X, y))


def softmax_regression_problem(X: np.ndarray, y: np.ndarray, n_classes: int, init_seed: int) -> Problem:
    """Part 2.A: one logit per tier, softmax, cross-entropy against one-hot targets."""
    np.random.seed(init_seed)
    initial_weights = np.random.standard_normal(size=(X.shape[1], n_classes))
    initial_bias = np.random.standard_normal(size=n_classes)
    y_onehot = np.eye(n_classes)[y]

    def loss(weights, bias, X, y_true_onehot):
        return cross_entropy_loss(y_true_onehot, softmax(linear_forward(X, weights, bias)))

    return _problem([initial_weights, initial_bias], loss, cross_entropy_loss_and_gradient, (X, y_onehot))


def minimize(problem: Problem, analytic_gradient: bool) -> Fit:
    """BFGS from the problem's start, as scipy.optimize.minimize(loss, initial) runs it. With
    the exact gradient (scipy's jac=True) instead of finite differences: fewer loss
    evaluations, a slightly different path to the same optimum."""
    result = minimize_bfgs(
        problem.loss, problem.initial, problem.loss_and_gradient if analytic_gradient else None
    )
    weights, bias = problem.unflatten(result.x)
    layers = [(np.reshape(weights, (len(weights), -1)), np.reshape(bias, -1))]
    return Fit.from_history(layers, result.loss_history, iterations=result.nit)


def fit_linear_regression(X: np.ndarray, y: np.ndarray, params: BFGSParams, context: FitContext) -> Fit:
    """Part 1.A, trained: the tier number as a real value, one output column."""
    return minimize(linear_regression_problem(X, y, params.init_seed), params.analytic_gradient)


def fit_softmax_regression(X: np.ndarray, y: np.ndarray, params: BFGSParams, context: FitContext) -> Fit:
    """Part 2.A, trained: one logit per tier."""
    problem = softmax_regression_problem(X, y, context.n_classes, params.init_seed)
    return minimize(problem, params.analytic_gradient)
