"""The five models, each described once: what it is, its params, how it is trained and checked.

Params validation, training, metrics, the parity checks, the report, `tools.compare` and
`tools.predict` all read MODELS. Adding a model takes four edits: its module (fit and check),
its entry here (with its params dataclasses), its sections in params.yaml (`models`, `parity`,
`ci.accuracy_floors`) and one item in dvc.yaml's `train` foreach
(tests/e2e/test_a_sixth_model.py makes exactly those edits and runs `dvc repro`).
Implementations are named by "module:function" and imported only by the stage that trains
that model, so a NumPy model's stage never imports torch.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from ames_tiers.core.params import Params
from ames_tiers.core.validation import (
    SEED_MAX,
    boolean,
    build,
    checked,
    checked_value,
    int_between,
    mapping,
    number_between,
)

LR_RANGE = (1e-6, 100.0)
EPOCHS_MAX = 10_000  # the MLP's 10,000 epochs take a minute or so (it says where it is as it goes)
# Where the bounds below come from: each value inside them trains on the committed data and
# passes its model's checks (tests/test_configurations.py trains at the edges).
LINREG_LR_MAX = (
    0.5  # full-batch SGD on the MSE of standardized features is stable below 1/(1 + |correlation|)
)
MLP_LR_MAX = 3.0  # above ~5, the first epochs are chaotic: float64 rounding alone moves the weights
MLP_HIDDEN_MAX = 1000


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
class LinearRegressionSGDParams(SGDParams):
    lr: float = checked(number_between(LR_RANGE[0], LINREG_LR_MAX), float)


@dataclass(frozen=True)
class MLPParams:
    hidden: int = checked(int_between(1, MLP_HIDDEN_MAX))
    lr: float = checked(number_between(LR_RANGE[0], MLP_LR_MAX), float)
    epochs: int = checked(int_between(1, EPOCHS_MAX))


# --- each model's section of params.yaml `parity` (see ames_tiers/models/comparisons.py) ----------------


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
    parameters: float = tolerance()  # relative: weights and biases after them vs sklearn


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
    fit: str  # "module:function": fit(X, y, params, context) -> Fit
    check: str  # "module:function": check(fit, split, params, parity, context) -> [Comparison]
    twin_of: str = ""  # the NumPy model this one writes again in PyTorch (the report compares them)
    remark: str = ""  # what the report says of it beside the notebook's linear models
    title: str = ""  # how the report's sentences name it (its name if empty)

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
            fit="ames_tiers.models_numpy.linear_regression:fit_linear_regression",
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
            params_type=LinearRegressionSGDParams,
            parity_type=LinearRegressionTorchParity,
            fit="ames_tiers.models_torch.models:fit_linear_regression_torch",
            check="ames_tiers.models_torch.check:check_linreg_torch",
            twin_of="linreg_numpy",
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
            fit="ames_tiers.models_numpy.softmax_regression:fit_softmax_regression",
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
            twin_of="logreg_numpy",
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
            remark="its hidden layer can draw curved boundaries between neighbourhoods",
            title="The MLP",
        ),
    )
}


@dataclass(frozen=True)
class ModelParams:
    """Every registered model's sections of params.yaml, validated against its spec."""

    models: dict[str, Any]  # name -> its params_type
    parity: dict[str, Any]  # name -> its parity_type
    accuracy_floors: dict[str, float]  # name -> CI's minimum validation accuracy


def twins() -> list[tuple[str, str]]:
    """(NumPy model, PyTorch model) for each of the notebook's models written in both."""
    return [(spec.twin_of, spec.name) for spec in MODELS.values() if spec.twin_of]


def model_params(params: Params) -> ModelParams:
    """Check that `models`, `parity` and `ci.accuracy_floors` name exactly the registered
    models, and build each model's sections into its dataclasses."""
    names = list(MODELS)  # read at call time: a test may register another model
    models = mapping(params.models, "models", names)
    parity = mapping(params.parity, "parity", names)
    floors = mapping(params.ci.accuracy_floors, "ci.accuracy_floors", names)
    return ModelParams(
        models={n: build(MODELS[n].params_type, models[n], f"models.{n}") for n in names},
        parity={n: build(MODELS[n].parity_type, parity[n], f"parity.{n}") for n in names},
        accuracy_floors={
            n: float(checked_value(number_between(0, 1), floors[n], f"ci.accuracy_floors.{n}")) for n in names
        },
    )
