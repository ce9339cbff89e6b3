"""Notebook part 2.A: logistic (softmax) regression in NumPy, "the right way": one logit per
tier, softmax, cross-entropy against one-hot targets, fitted as part 1.A is. Stage:
train@logreg_numpy; params: `models.logreg_numpy`, `parity.logreg_numpy`.

Where the notebook's cells are now:
- `y_train_onehot = np.eye(n_classes)[y_train]`              -> fit
- `softmax`, `cross_entropy_loss`                            -> here, the notebook's names
- `initial_weights` (n_features x n_classes), `initial_bias` -> initial_params
- `loss_given_params(params, X, y_true_onehot)`              -> here
- `scipy.optimize.minimize(loss_given_params, initial_params, args=(X_train, y_train_onehot))`
                                                             -> fit, with
  ames_tiers.portable.bfgs.minimize; `parity` makes the notebook's own scipy call
- `linear_forward(X_valid, ...).argmax(axis=1)`, accuracy    -> ames_tiers/models/layers.py
  predict, ames_tiers/train/metrics.py
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.portable import arithmetic, bfgs
from ames_tiers.train.numpy_shared import fit_from, flatten, linear_forward, scipy_parity
from ames_tiers.train.parity import ParityCheck, probabilities_parity, sklearn_softmax_regression

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.layers import Fit, FitContext
    from ames_tiers.models.schema import BFGSParams, SoftmaxRegressionParity

EPSILON = 1e-6  # inside the log, as in the notebook: log(0) would be -inf


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax; subtracting each row's max keeps exp() from overflowing."""
    max_logit = logits.max(axis=1, keepdims=True)
    exp_logits = arithmetic.exp(logits - max_logit)
    return exp_logits / exp_logits.sum(axis=1, keepdims=True)


def cross_entropy_loss(y_true_onehot: np.ndarray, probs: np.ndarray) -> float:
    """Mean negative log-probability of the true class."""
    log_probs = arithmetic.log(probs + EPSILON)
    loss_per_sample = -np.sum(y_true_onehot * log_probs, axis=1)
    return loss_per_sample.mean()


def initial_params(n_features: int, n_classes: int, init_seed: int) -> np.ndarray:
    np.random.seed(init_seed)
    initial_weights = np.random.standard_normal(size=(n_features, n_classes))
    initial_bias = np.random.standard_normal(size=n_classes)
    return flatten([initial_weights, initial_bias])[0]


def unpack_params(params: np.ndarray, n_features: int, n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    n_weights = n_features * n_classes
    return params[:n_weights].reshape(n_features, n_classes), params[n_weights:]


def loss_given_params(params: np.ndarray, X: np.ndarray, y_true_onehot: np.ndarray) -> float:
    weights, bias = unpack_params(params, X.shape[1], y_true_onehot.shape[1])
    logits = linear_forward(X, weights, bias)
    probs = softmax(logits)
    return cross_entropy_loss(y_true_onehot, probs)


def loss_and_gradient(
    params: np.ndarray, X: np.ndarray, y_true_onehot: np.ndarray
) -> tuple[float, np.ndarray]:
    """The cross-entropy and its exact gradient (for minimize's jac=True; not in the notebook):
    for the true class k, d/dz_i of -log(p_k + eps) is a * (p_i - [i = k]), a = p_k / (p_k + eps)."""
    weights, bias = unpack_params(params, X.shape[1], y_true_onehot.shape[1])
    probs = softmax(linear_forward(X, weights, bias))
    loss = cross_entropy_loss(y_true_onehot, probs)
    a = (y_true_onehot * probs / (probs + EPSILON)).sum(axis=1, keepdims=True)
    grad_logits = a * (probs - y_true_onehot) / len(X)
    return loss, flatten([arithmetic.matmul(X.T, grad_logits), grad_logits.sum(axis=0)])[0]


def fit(X: np.ndarray, y: np.ndarray, params: BFGSParams, context: FitContext) -> Fit:
    """Part 2.A, trained: one logit per tier."""
    n_features, n_classes = X.shape[1], context.n_classes
    y_onehot = np.eye(n_classes)[y]
    loss = loss_and_gradient if params.analytic_gradient else loss_given_params
    result = bfgs.minimize(loss, initial_params(n_features, n_classes, params.init_seed), args=(X, y_onehot),
                           jac=params.analytic_gradient or None)  # fmt: skip
    return fit_from(result, *unpack_params(result.x, n_features, n_classes))


def parity(
    trained: Fit, split: Split, params: BFGSParams, tolerances: SoftmaxRegressionParity, context: FitContext
) -> list[ParityCheck]:
    """Against scikit-learn's LogisticRegression, and scipy.optimize.minimize's own run."""
    X, y, n = split.X_train, split.y_train, context.n_classes
    reference = sklearn_softmax_regression(X, y, n)
    loss = loss_and_gradient if params.analytic_gradient else loss_given_params
    x0 = initial_params(X.shape[1], n, params.init_seed)
    return [
        *probabilities_parity("logreg_numpy", trained.layers, reference, split.X_valid, tolerances),
        scipy_parity("logreg_numpy", trained, loss, x0, (X, np.eye(n)[y]), params.analytic_gradient,
                     tolerances.scipy_loss),
    ]  # fmt: skip
