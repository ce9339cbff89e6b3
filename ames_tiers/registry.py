"""The five models, each described once: what it is, its params, how it is trained and checked.

Params validation, training, metrics, the parity checks and the report all read MODELS.
Adding a model is one ModelSpec here, its params dataclass, its fit function and its check
function (tests/test_registry.py registers a toy sixth model). Implementations are named by
"module:function" and imported only by the stage that trains that model, so a NumPy model's
stage never imports torch; tests/test_deps.py checks that dvc.yaml lists those modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ames_tiers.checks import boolean, checked, int_between, number_between

SEED_MAX = 2**32 - 1  # np.random.seed accepts [0, 2**32 - 1]; torch.manual_seed more
LR_RANGE = (1e-6, 100.0)
EPOCHS_MAX = 100_000


# --- each model's section of params.yaml `models` ------------------------------------------


@dataclass(frozen=True)
class BFGSParams:
    """The NumPy models: the notebook's random start, then BFGS (scipy.optimize.minimize)."""

    init_seed: int = checked(int_between(0, SEED_MAX))  # np.random.seed before the initial weights
    # false (the notebook): the gradient by finite differences; true: the exact gradient
    analytic_gradient: bool = checked(boolean)


@dataclass(frozen=True)
class SGDParams:
    """Full-batch SGD, as the notebook trains its PyTorch models."""

    lr: float = checked(number_between(*LR_RANGE), float)
    epochs: int = checked(int_between(1, EPOCHS_MAX))


@dataclass(frozen=True)
class MLPParams:
    hidden: int = checked(int_between(1, 10_000))
    lr: float = checked(number_between(*LR_RANGE), float)
    epochs: int = checked(int_between(1, EPOCHS_MAX))


# --- each model's section of params.yaml `parity` (see ames_tiers/parity.py) ----------------


def tolerance() -> float:
    """A parity tolerance: a number in (0, 1]."""
    return checked(number_between(0, 1, open_low=True), float)


@dataclass(frozen=True)
class LinearRegressionParity:
    optimum: float = tolerance()  # relative: weights, bias, predictions vs the closed form
    scipy_loss: float = tolerance()  # relative: final loss vs scipy.optimize.minimize (NumPy only)


@dataclass(frozen=True)
class LinearRegressionTorchParity:
    optimum: float = tolerance()
    lbfgs_max_iter: int = checked(int_between(1, 100_000))  # trained to convergence in the check


@dataclass(frozen=True)
class SoftmaxRegressionParity:
    probabilities: float = tolerance()  # absolute: validation probabilities vs scikit-learn
    mismatches: float = tolerance()  # fraction of validation predictions that may differ (near-ties)
    scipy_loss: float = tolerance()


@dataclass(frozen=True)
class SoftmaxRegressionTorchParity:
    probabilities: float = tolerance()
    mismatches: float = tolerance()
    centred_weights: float = tolerance()  # relative: weights and bias, centred over classes
    lbfgs_max_iter: int = checked(int_between(1, 100_000))


@dataclass(frozen=True)
class MLPParity:
    epochs_checked: int = checked(int_between(1, EPOCHS_MAX))  # the first epochs, in float64
    loss_per_epoch: float = tolerance()  # relative: training loss of each checked epoch vs sklearn


# --- the registry ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelSpec:
    name: str
    notebook_part: str  # where the notebook builds it
    kind: str  # "regression" (predicts the tier number as a real value) or "classification"
    framework: str  # "numpy" or "torch"; torch models read params.yaml `seed`
    optimizer: str
    step_name: str  # what the loss curve's x axis counts: "iteration" or "epoch"
    summary: str  # what it optimizes, formatted with its params, n_features and n_classes
    params_type: type
    parity_type: type
    fit: str  # "module:function": fit(split, params, context) -> Fit
    check: str  # "module:function": check(fit, split, params, parity, context) -> [Comparison]

    @property
    def loss_name(self) -> str:
        return "mse" if self.kind == "regression" else "cross_entropy"

    @property
    def uses_seed(self) -> bool:
        return self.framework == "torch"

    def modules(self) -> list[str]:
        """The modules that implement and check this model (imported only when it trains)."""
        return sorted({self.fit.split(":")[0], self.check.split(":")[0]})

    def describe(self, params: Any, n_features: int, n_classes: int) -> str:
        return self.summary.format(**asdict(params), n_features=n_features, n_classes=n_classes)

    def load(self, which: str) -> Callable:
        """The fit or check function, imported on first use."""
        module, function = getattr(self, which).split(":")
        return getattr(importlib.import_module(module), function)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="linreg_numpy",
            notebook_part="1.A",
            kind="regression",
            framework="numpy",
            optimizer="BFGS (scipy.optimize.minimize)",
            step_name="iteration",
            summary="MSE of the tier number, scipy.optimize.minimize (BFGS)",
            params_type=BFGSParams,
            parity_type=LinearRegressionParity,
            fit="ames_tiers.models_numpy.models:fit_linear_regression",
            check="ames_tiers.models_numpy.check:check_linreg_numpy",
        ),
        ModelSpec(
            name="linreg_torch",
            notebook_part="1.B",
            kind="regression",
            framework="torch",
            optimizer="full-batch SGD",
            step_name="epoch",
            summary="MSE of the tier number, full-batch SGD",
            params_type=SGDParams,
            parity_type=LinearRegressionTorchParity,
            fit="ames_tiers.models_torch.models:fit_linear_regression_torch",
            check="ames_tiers.models_torch.check:check_linreg_torch",
        ),
        ModelSpec(
            name="logreg_numpy",
            notebook_part="2.A",
            kind="classification",
            framework="numpy",
            optimizer="BFGS (scipy.optimize.minimize)",
            step_name="iteration",
            summary="cross-entropy of softmax probabilities, scipy.optimize.minimize (BFGS)",
            params_type=BFGSParams,
            parity_type=SoftmaxRegressionParity,
            fit="ames_tiers.models_numpy.models:fit_softmax_regression",
            check="ames_tiers.models_numpy.check:check_logreg_numpy",
        ),
        ModelSpec(
            name="logreg_torch",
            notebook_part="2.B",
            kind="classification",
            framework="torch",
            optimizer="full-batch SGD",
            step_name="epoch",
            summary="cross-entropy (F.cross_entropy), full-batch SGD",
            params_type=SGDParams,
            parity_type=SoftmaxRegressionTorchParity,
            fit="ames_tiers.models_torch.models:fit_softmax_regression_torch",
            check="ames_tiers.models_torch.check:check_logreg_torch",
        ),
        ModelSpec(
            name="mlp",
            notebook_part="looking ahead",
            kind="classification",
            framework="torch",
            optimizer="full-batch SGD",
            step_name="epoch",
            summary="cross-entropy, {n_features} → {hidden} → ReLU → {n_classes}, full-batch SGD",
            params_type=MLPParams,
            parity_type=MLPParity,
            fit="ames_tiers.models_torch.models:fit_mlp",
            check="ames_tiers.models_torch.check:check_mlp",
        ),
    )
}
