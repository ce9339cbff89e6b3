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

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from ames_tiers.models.comparisons import (
    Comparison,
    centred,
    compare_linear_regression,
    compare_probabilities,
    outputs,
    relative_diff,
)
from ames_tiers.models.layers import Fit, FitContext, forward
from ames_tiers.models.references import (
    sklearn_mlp,
    sklearn_softmax_regression,
    softmax_probabilities,
)
from ames_tiers.models_torch.models import build_mlp, fit_mlp, linear_layers, mse_of_flat_output

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.registry import (
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
    """The weights and biases after the first epochs, retrained in float64, against
    scikit-learn's MLPClassifier from the same initial weights: an error in the model, the
    loss's gradient or the update shows within a few epochs (tests/models/test_parity.py: a
    1% error in the learning rate). The layers, not the loss curve: sklearn's reported loss
    clips probabilities, so it is not the exact cross-entropy once the loss is large."""
    X, y = split.X_train, split.y_train
    epochs = min(parity.epochs_checked, params.epochs)
    initial = linear_layers(build_mlp(X.shape[1], params.hidden, context.n_classes, context.seed))
    sklearn_layers, sklearn_curve = sklearn_mlp(initial, X, y, context.n_classes, params.lr, epochs)
    float64 = fit_mlp(X, y, params, context, dtype=torch.float64, epochs=epochs).layers
    reference = "sklearn MLPClassifier from the same initial weights"
    return [
        Comparison(
            "mlp's model and loop in float64",
            reference,
            f"weights and biases after {epochs} epochs",
            relative_diff(all_parameters(float64), all_parameters(sklearn_layers)),
            "relative",
            parity.parameters,
        ),
        Comparison(
            "mlp as trained (float32)",
            reference,
            f"training loss of the first {epochs} epochs",
            relative_diff(fit.loss_history[:epochs], sklearn_curve),
            "relative",
            None,
        ),
    ]


def all_parameters(layers) -> np.ndarray:
    return np.concatenate([np.concatenate([W.ravel(), b.ravel()]) for W, b in layers])


# --- reference-only: where the SGD epochs would end if they ran long enough ---------------------


def fit_lbfgs(X: np.ndarray, y: np.ndarray, out_features: int, seed: int, max_iter: int) -> Fit:
    """nn.Linear trained to convergence in float64: where the notebook's SGD epochs would end
    if they ran long enough (used by the parity check). One output: the linear regression
    (F.mse_loss); more: the softmax regression (F.cross_entropy). The loss and its gradient
    are torch's (autograd); the steps are scipy's L-BFGS-B (torch.optim.LBFGS would import
    torch._dynamo, which costs each stage a long import)."""
    import scipy.optimize

    torch.manual_seed(seed)
    X_t = torch.tensor(X, dtype=torch.float64)
    if out_features == 1:
        y_t, loss_of_output = torch.tensor(y, dtype=torch.float64), mse_of_flat_output
    else:
        y_t, loss_of_output = torch.tensor(y, dtype=torch.int64), F.cross_entropy
    model = nn.Linear(X.shape[1], out_features, bias=True).double()
    parameters = list(model.parameters())
    shapes = [p.shape for p in parameters]
    losses: list[float] = []

    def loss_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        with torch.no_grad():
            offset = 0
            for p, shape in zip(parameters, shapes, strict=True):
                p.copy_(torch.from_numpy(flat[offset : offset + p.numel()]).reshape(shape))
                p.grad = None
                offset += p.numel()
        loss = loss_of_output(model(X_t), y_t)
        loss.backward()
        losses.append(loss.item())
        return loss.item(), np.concatenate([p.grad.numpy().ravel() for p in parameters])

    start = np.concatenate([p.detach().numpy().ravel() for p in parameters])
    options = {"maxiter": max_iter, "gtol": 1e-12, "ftol": 1e-15}
    result = scipy.optimize.minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B", options=options)
    loss_and_gradient(result.x)  # leave the model at the optimum
    return Fit.from_history(linear_layers(model), losses)
