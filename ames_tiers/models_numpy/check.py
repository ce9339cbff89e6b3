"""The NumPy models' reference checks, run by train@<model> after training (registry `check`).

Each returns Comparisons against code nobody here wrote, on this run's split: the closed form
(numpy.linalg.lstsq) and scikit-learn, and scipy.optimize.minimize itself, which the notebook
calls and bfgs.py transcribes (the same start, the same gradient mode).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ames_tiers.models.comparisons import (
    Comparison,
    compare_linear_regression,
    compare_probabilities,
    outputs,
    relative_diff,
)
from ames_tiers.models.layers import Fit, FitContext, forward
from ames_tiers.models.references import sklearn_softmax_regression, softmax_probabilities
from ames_tiers.models_numpy.models import Problem, linear_regression_problem, softmax_regression_problem

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.registry import BFGSParams, LinearRegressionParity, SoftmaxRegressionParity


def compare_with_scipy(
    subject: str, fit: Fit, problem: Problem, analytic_gradient: bool, tolerance: float
) -> Comparison:
    """The final loss of scipy.optimize.minimize (BFGS, from the same start) against ours:
    bfgs.py must be scipy's algorithm, only with CPU-independent products."""
    import scipy.optimize

    if analytic_gradient:
        result = scipy.optimize.minimize(problem.loss_and_gradient, problem.initial, jac=True)
    else:
        result = scipy.optimize.minimize(problem.loss, problem.initial)
    ours = fit.optimizer["final_loss"]
    return Comparison(
        subject,
        "scipy.optimize.minimize",
        "final training loss",
        relative_diff(ours, result.fun),
        "relative",
        tolerance,
    )


def check_linreg_numpy(
    fit: Fit, split: Split, params: BFGSParams, parity: LinearRegressionParity, context: FitContext
) -> list[Comparison]:
    problem = linear_regression_problem(split.X_train, split.y_train, params.init_seed)
    return [
        *compare_linear_regression("linreg_numpy", fit.layers, split, parity.optimum),
        compare_with_scipy("linreg_numpy", fit, problem, params.analytic_gradient, parity.scipy_loss),
    ]


def check_logreg_numpy(
    fit: Fit, split: Split, params: BFGSParams, parity: SoftmaxRegressionParity, context: FitContext
) -> list[Comparison]:
    reference = sklearn_softmax_regression(split.X_train, split.y_train, context.n_classes)
    problem = softmax_regression_problem(split.X_train, split.y_train, context.n_classes, params.init_seed)
    return [
        *compare_probabilities(
            "logreg_numpy",
            "sklearn LogisticRegression (no penalty)",
            softmax_probabilities(outputs(fit.layers, split.X_valid)),
            softmax_probabilities(forward(reference, split.X_valid)),
            parity,
        ),
        compare_with_scipy("logreg_numpy", fit, problem, params.analytic_gradient, parity.scipy_loss),
    ]
