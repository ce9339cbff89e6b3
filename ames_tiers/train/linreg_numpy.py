"""Notebook part 1.A: linear regression in NumPy, "the wrong way" (the tier number as a real
value), fitted by handing `loss_given_params` to a minimizer with scipy.optimize.minimize's
signature. Stage: train@linreg_numpy; params: `models.linreg_numpy`, `parity.linreg_numpy`.

Where the notebook's cells are now:
- `np.random.seed(42)`, `initial_weights`, `initial_bias`   -> initial_params
- `linear_forward`, `flatten`                                -> ames_tiers/train/numpy_shared.py
- `compute_mse_loss`, `loss_given_params`, `unpack_params`  -> here, the notebook's names
- `scipy.optimize.minimize(loss_given_params, initial_params, args=(X_train, y_train))`
                                                             -> fit, with
  ames_tiers.portable.bfgs.minimize (scipy's BFGS, the same bits on every CPU); `parity`
  makes the notebook's own call to scipy and compares the final loss
- `linear_forward(X_valid, ...).round()`, the accuracy       -> ames_tiers/models/layers.py
  predict, ames_tiers/train/metrics.py
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.portable import arithmetic, bfgs
from ames_tiers.train.numpy_shared import fit_from, flatten, linear_forward, scipy_parity
from ames_tiers.train.parity import ParityCheck, linear_regression_parity

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.layers import Fit, FitContext
    from ames_tiers.models.schema import BFGSParams, LinearRegressionParity


def initial_params(n_features: int, init_seed: int) -> np.ndarray:
    """The notebook's start: np.random.seed, then standard-normal weights and bias, flattened."""
    np.random.seed(init_seed)  # the notebook's global seeding, so its numbers reproduce
    initial_weights = np.random.standard_normal(size=n_features)
    initial_bias = np.random.standard_normal()
    return flatten([initial_weights, initial_bias])[0]


def unpack_params(params: np.ndarray, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """flatten's inverse for [weights, bias] (the notebook's unpack_params)."""
    return params[:n_features], params[n_features:].reshape(())


def compute_mse_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return ((y_true - y_pred) ** 2).mean()


def loss_given_params(params: np.ndarray, X: np.ndarray, y_true: np.ndarray) -> float:
    weights, bias = unpack_params(params, X.shape[1])
    y_pred = linear_forward(X, weights, bias)
    return compute_mse_loss(y_true, y_pred)


def loss_and_gradient(params: np.ndarray, X: np.ndarray, y_true: np.ndarray) -> tuple[float, np.ndarray]:
    """The MSE and its exact gradient (for minimize's jac=True; not in the notebook)."""
    weights, bias = unpack_params(params, X.shape[1])
    residual = linear_forward(X, weights, bias) - y_true
    scale = 2.0 / len(y_true)
    grad_weights = arithmetic.matmul(X.T, residual.reshape(-1, 1))[:, 0]
    return (residual**2).mean(), flatten([scale * grad_weights, np.asarray(scale * residual.sum())])[0]


def fit(X: np.ndarray, y: np.ndarray, params: BFGSParams, context: FitContext) -> Fit:
    """Part 1.A, trained: the tier number as a real value, one output column. With
    analytic_gradient, BFGS gets the exact gradient (scipy's jac=True) instead of finite
    differences: fewer loss evaluations, a slightly different path to the same optimum."""
    loss = loss_and_gradient if params.analytic_gradient else loss_given_params
    result = bfgs.minimize(loss, initial_params(X.shape[1], params.init_seed), args=(X, y),
                           jac=params.analytic_gradient or None)  # fmt: skip
    return fit_from(result, *unpack_params(result.x, X.shape[1]))


def parity(
    trained: Fit, split: Split, params: BFGSParams, tolerances: LinearRegressionParity, context: FitContext
) -> list[ParityCheck]:
    """Against the closed form (numpy.linalg.lstsq), and scipy.optimize.minimize's own run."""
    X, y = split.X_train, split.y_train
    loss = loss_and_gradient if params.analytic_gradient else loss_given_params
    x0 = initial_params(X.shape[1], params.init_seed)
    return [
        *linear_regression_parity("linreg_numpy", trained.layers, split, tolerances.optimum),
        scipy_parity(
            "linreg_numpy", trained, loss, x0, (X, y), params.analytic_gradient, tolerances.scipy_loss
        ),
    ]
