"""The PyTorch models' reference checks, run by train@<model> in the process that trained it
(torch is already imported there).

A fixed number of SGD epochs need not converge (a sweep's small learning rate), and float32
rounding grows over many epochs at a large one, so each implementation is checked where it
can be exact: the linear models' nn.Linear trained to convergence with L-BFGS in float64, the
MLP's model and loop retrained in float64 for its first epochs. The models as this run
trained them are compared too, for information.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from ames_tiers.comparison import Comparison, centred, relative_diff
from ames_tiers.layers import Fit, FitContext, forward
from ames_tiers.models_torch.models import build_mlp, fit_lbfgs, fit_mlp, linear_layers
from ames_tiers.parity import compare_linear_regression, compare_probabilities, outputs
from ames_tiers.references import sklearn_mlp_loss_curve, sklearn_softmax_regression, softmax_probabilities

if TYPE_CHECKING:
    from ames_tiers.data import Split
    from ames_tiers.registry import (
        LinearRegressionTorchParity,
        MLPParams,
        MLPParity,
        SGDParams,
        SoftmaxRegressionTorchParity,
    )

AS_TRAINED = "{} as trained (SGD)"
CONVERGED = "{}'s model trained to convergence (L-BFGS, float64)"


def check_linreg_torch(
    fit: Fit, split: Split, params: SGDParams, parity: LinearRegressionTorchParity, context: FitContext
) -> list[Comparison]:
    converged = fit_lbfgs(split.X_train, split.y_train, 1, context.seed, parity.lbfgs_max_iter)
    return [
        *compare_linear_regression(CONVERGED.format("linreg_torch"), converged.layers, split, parity.optimum),
        *compare_linear_regression(AS_TRAINED.format("linreg_torch"), fit.layers, split, None),
    ]


def check_logreg_torch(
    fit: Fit, split: Split, params: SGDParams, parity: SoftmaxRegressionTorchParity, context: FitContext
) -> list[Comparison]:
    reference_layers = sklearn_softmax_regression(split.X_train, split.y_train, context.n_classes)
    reference = "sklearn LogisticRegression (no penalty)"
    ref_probabilities = softmax_probabilities(forward(reference_layers, split.X_valid))
    converged = fit_lbfgs(
        split.X_train, split.y_train, context.n_classes, context.seed, parity.lbfgs_max_iter
    )
    found = []
    for subject, layers, tolerances in (
        (CONVERGED.format("logreg_torch"), converged.layers, parity),
        (AS_TRAINED.format("logreg_torch"), fit.layers, None),
    ):
        probabilities = softmax_probabilities(outputs(layers, split.X_valid))
        centred_diff = relative_diff(centred(*layers[0]), centred(*reference_layers[0]))
        found += [
            *compare_probabilities(subject, reference, probabilities, ref_probabilities, tolerances),
            Comparison(
                subject,
                reference,
                "weights and bias, centred over classes",
                centred_diff,
                "relative",
                tolerances and tolerances.centred_weights,
            ),
        ]
    return found


def check_mlp(
    fit: Fit, split: Split, params: MLPParams, parity: MLPParity, context: FitContext
) -> list[Comparison]:
    """The first epochs' training loss against scikit-learn's MLPClassifier from the same
    initial weights: an error in the model, the loss or the update shows within a few epochs
    (a 1% error in the learning rate moves the loss by ~1e-4 relative in 100 epochs)."""
    X, y = split.X_train, split.y_train
    epochs = min(parity.epochs_checked, params.epochs)
    initial = linear_layers(build_mlp(X.shape[1], params.hidden, context.n_classes, context.seed))
    sklearn_curve = sklearn_mlp_loss_curve(initial, X, y, context.n_classes, params.lr, epochs)
    float64 = fit_mlp(X, y, params, context, dtype=torch.float64, epochs=epochs).loss_history
    reference = "sklearn MLPClassifier from the same initial weights"
    quantity = f"training loss of the first {epochs} epochs"
    return [
        Comparison(
            "mlp's model and loop in float64",
            reference,
            quantity,
            relative_diff(float64, sklearn_curve),
            "relative",
            parity.loss_per_epoch,
        ),
        Comparison(
            "mlp as trained (float32)",
            reference,
            quantity,
            relative_diff(fit.loss_history[:epochs], sklearn_curve),
            "relative",
            None,
        ),
    ]
