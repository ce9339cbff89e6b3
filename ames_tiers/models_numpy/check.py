"""The NumPy models' reference checks, run by train@<model> after training (registry `check`).

Each returns Comparisons against code nobody here wrote, on this run's split: the closed form
(numpy.linalg.lstsq) and scikit-learn, and scipy.optimize.minimize itself: the notebook's own
call, `scipy.optimize.minimize(loss_given_params, initial_params, args=(X_train, y_train))`,
whose algorithm ames_tiers.portable.bfgs transcribes (the same start, the same gradient mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.models.comparisons import (
    Comparison,
    compare_linear_regression,
    compare_probabilities,
    outputs,
    relative_diff,
)
from ames_tiers.models.layers import Fit, FitContext, forward
from ames_tiers.models.references import sklearn_softmax_regression, softmax_probabilities
from ames_tiers.models_numpy import linear_regression, softmax_regression

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.registry import BFGSParams, LinearRegressionParity, SoftmaxRegressionParity


def compare_with_scipy(subject: str, fit: Fit, model, x0, args: tuple, params: BFGSParams, tolerance: float):
    """The final loss of scipy.optimize.minimize, called as the notebook calls it (``model``'s
    loss_given_params, or its loss_and_gradient with jac=True), against ours."""
    import scipy.optimize

    if params.analytic_gradient:
        result = scipy.optimize.minimize(model.loss_and_gradient, x0, args=args, jac=True)
    else:
        result = scipy.optimize.minimize(model.loss_given_params, x0, args=args)
    return Comparison(
        subject,
        "scipy.optimize.minimize",
        "final training loss",
        relative_diff(fit.optimizer["final_loss"], result.fun),
        "relative",
        tolerance,
    )


def check_linreg_numpy(
    fit: Fit, split: Split, params: BFGSParams, parity: LinearRegressionParity, context: FitContext
) -> list[Comparison]:
    X, y = split.X_train, split.y_train
    x0 = linear_regression.initial_params(X.shape[1], params.init_seed)
    return [
        *compare_linear_regression("linreg_numpy", fit.layers, split, parity.optimum),
        compare_with_scipy("linreg_numpy", fit, linear_regression, x0, (X, y), params, parity.scipy_loss),
    ]


def check_logreg_numpy(
    fit: Fit, split: Split, params: BFGSParams, parity: SoftmaxRegressionParity, context: FitContext
) -> list[Comparison]:
    X, y, n = split.X_train, split.y_train, context.n_classes
    reference = sklearn_softmax_regression(X, y, n)
    x0 = softmax_regression.initial_params(X.shape[1], n, params.init_seed)
    args = (X, np.eye(n)[y])
    return [
        *compare_probabilities(
            "logreg_numpy",
            "sklearn LogisticRegression (no penalty)",
            softmax_probabilities(outputs(fit.layers, split.X_valid)),
            softmax_probabilities(forward(reference, split.X_valid)),
            parity,
        ),
        compare_with_scipy("logreg_numpy", fit, softmax_regression, x0, args, params, parity.scipy_loss),
    ]
