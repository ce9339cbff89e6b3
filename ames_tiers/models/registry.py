"""The models, each described once: its notebook part, what it predicts, its framework and the
dataclasses of its params.yaml sections. Its code is ames_tiers/train/<name>.py (`fit` and
`parity`), imported only by the stage that trains it, so a NumPy model's stage never imports
torch, and an edit to one model's file reruns that model's stage alone. What the report says of
a model is in the report's template (ames_tiers/report/report.html.j2).

Adding a model is five edits in four files (tests/e2e/test_a_sixth_model.py makes exactly
these and runs `dvc repro`): its file ames_tiers/train/<name>.py; its entry here, with its
params dataclasses (or reuse those of ames_tiers/models/schema.py); its sections of params.yaml
(`models`, `parity`, `ci.accuracy_floors`); its item in dvc.yaml's `train` foreach; and its
entry in dvc.yaml's `artifacts`.
"""

from __future__ import annotations

import importlib
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Any

from ames_tiers.core.params import Params
from ames_tiers.core.validation import build, checked_value, mapping, number_between
from ames_tiers.models.schema import (
    BFGSParams,
    LinearRegressionParity,
    LinearRegressionSGDParams,
    LinearRegressionTorchParity,
    MLPParams,
    MLPParity,
    SGDParams,
    SoftmaxRegressionParity,
    SoftmaxRegressionTorchParity,
)


@dataclass(frozen=True)
class ModelSpec:
    name: str  # its key in params.yaml and dvc.yaml, and its file ames_tiers/train/<name>.py
    notebook_part: str  # where the notebook builds it
    kind: str  # "regression" (predicts the tier number as a real value) or "classification"
    framework: str  # "numpy" or "torch"; torch models read params.yaml `seed`
    step_name: str  # what the loss curve's x axis counts: "iteration" or "epoch"
    summary: str  # what it optimizes, formatted with its params, n_features and n_classes
    params_type: type  # its `models.<name>` section
    parity_type: type  # its `parity.<name>` section
    twin_of: str = ""  # the NumPy model this one writes again in PyTorch (the report compares them)

    @property
    def loss_name(self) -> str:
        return "mse" if self.kind == "regression" else "cross_entropy"

    @property
    def uses_seed(self) -> bool:
        return self.framework == "torch"

    @property
    def module(self) -> str:
        """The module that trains and checks it: its `fit` and its `parity`."""
        return f"ames_tiers.train.{self.name}"

    def load(self) -> ModuleType:
        """Its module, imported on first use (torch with it, for a PyTorch model)."""
        return importlib.import_module(self.module)

    def describe(self, params: Any, n_features: int, n_classes: int) -> str:
        return self.summary.format(**asdict(params), n_features=n_features, n_classes=n_classes)


MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="linreg_numpy",
            notebook_part="1.A",
            kind="regression",
            framework="numpy",
            step_name="iteration",
            summary="MSE of the tier number, scipy.optimize.minimize (BFGS)",
            params_type=BFGSParams,
            parity_type=LinearRegressionParity,
        ),
        ModelSpec(
            name="linreg_torch",
            notebook_part="1.B",
            kind="regression",
            framework="torch",
            step_name="epoch",
            summary="MSE of the tier number, full-batch SGD",
            params_type=LinearRegressionSGDParams,
            parity_type=LinearRegressionTorchParity,
            twin_of="linreg_numpy",
        ),
        ModelSpec(
            name="logreg_numpy",
            notebook_part="2.A",
            kind="classification",
            framework="numpy",
            step_name="iteration",
            summary="cross-entropy of softmax probabilities, scipy.optimize.minimize (BFGS)",
            params_type=BFGSParams,
            parity_type=SoftmaxRegressionParity,
        ),
        ModelSpec(
            name="logreg_torch",
            notebook_part="2.B",
            kind="classification",
            framework="torch",
            step_name="epoch",
            summary="cross-entropy (F.cross_entropy), full-batch SGD",
            params_type=SGDParams,
            parity_type=SoftmaxRegressionTorchParity,
            twin_of="logreg_numpy",
        ),
        ModelSpec(
            name="mlp",
            notebook_part="looking ahead",
            kind="classification",
            framework="torch",
            step_name="epoch",
            summary="cross-entropy, {n_features} → {hidden} → ReLU → {n_classes}, full-batch SGD",
            params_type=MLPParams,
            parity_type=MLPParity,
        ),
    )
}


def twins() -> list[tuple[str, str]]:
    """(NumPy model, PyTorch model) for each of the notebook's models written in both."""
    return [(spec.twin_of, spec.name) for spec in MODELS.values() if spec.twin_of]


@dataclass(frozen=True)
class ModelParams:
    """Every registered model's sections of params.yaml, validated against its spec."""

    models: dict[str, Any]  # name -> its params_type
    parity: dict[str, Any]  # name -> its parity_type
    accuracy_floors: dict[str, float]  # name -> CI's minimum validation accuracy


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
