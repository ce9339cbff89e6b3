"""The five models behind one interface: train by name, save and load as NumPy-readable JSON,
and run forward in NumPy (so the report and the metrics need no torch)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from stages import portable
from stages.files import UserError

if TYPE_CHECKING:
    from stages.data import Split
    from stages.params import Params

Layers = list[tuple[np.ndarray, np.ndarray]]

# What each model optimizes; "regression" models predict the class number as a real value.
KIND = {
    "linreg_numpy": "regression",
    "linreg_torch": "regression",
    "logreg_numpy": "classification",
    "logreg_torch": "classification",
    "mlp": "classification",
}
LOSS_NAME = {"regression": "mse", "classification": "cross_entropy"}
# How the loss curve's x axis counts: scipy iterations or SGD epochs.
STEP_NAME = {
    "linreg_numpy": "iteration",
    "logreg_numpy": "iteration",
    "linreg_torch": "epoch",
    "logreg_torch": "epoch",
    "mlp": "epoch",
}


@dataclass
class TrainedModel:
    name: str
    layers: Layers  # X @ W + b per layer, ReLU between layers
    loss_history: list[float]
    optimizer: dict[str, float | int]  # what the optimizer reported, for metrics

    @property
    def kind(self) -> str:
        return KIND[self.name]


def train_model(name: str, split: "Split", params: "Params") -> TrainedModel:
    """Train one model with its own params section; torch is imported only for torch models."""
    p = params.models[name]
    n_classes = params.prepare.n_classes
    X, y = split.X_train, split.y_train
    if name in ("linreg_numpy", "logreg_numpy"):
        from stages import models_numpy

        if name == "linreg_numpy":
            fit = models_numpy.fit_linear_regression(X, y, p.init_seed, p.analytic_gradient)
            layers = [(fit.weights.reshape(-1, 1), np.reshape(fit.bias, 1))]
        else:
            fit = models_numpy.fit_softmax_regression(X, y, n_classes, p.init_seed, p.analytic_gradient)
            layers = [(fit.weights, fit.bias)]
        summary = {
            "initial_loss": fit.initial_loss,
            "final_loss": fit.final_loss,
            "iterations": fit.iterations,
        }
        return TrainedModel(name, layers, fit.loss_history, summary)

    from stages import models_torch

    if name == "linreg_torch":
        fit = models_torch.train_linear_regression_torch(X, y, p.lr, p.epochs, params.seed)
    elif name == "logreg_torch":
        fit = models_torch.train_softmax_regression_torch(
            X, y, n_classes, p.lr, p.epochs, params.seed
        )
    elif name == "mlp":
        fit = models_torch.train_mlp(X, y, n_classes, p.hidden, p.lr, p.epochs, params.seed)
    else:
        raise UserError(f"unknown model {name!r}; expected one of {sorted(KIND)}")
    summary = {
        "initial_loss": fit.loss_history[0],
        "final_loss": fit.loss_history[-1],
        "iterations": len(fit.loss_history),
    }
    return TrainedModel(name, fit.layers, fit.loss_history, summary)


def forward(layers: Layers, X: np.ndarray) -> np.ndarray:
    """The model's outputs (logits, or the regression value as one column), the same bits on
    every CPU (stages.portable)."""
    out = X
    for i, (W, b) in enumerate(layers):
        if i > 0:
            out = np.maximum(out, 0.0)  # ReLU between layers
        out = portable.matmul(out, W) + b
    return out


def predict(kind: str, outputs: np.ndarray) -> np.ndarray:
    """Class predictions: the notebook rounds a regression, and takes the argmax of logits."""
    if kind == "regression":
        return outputs[:, 0].round().astype(np.int64)
    return outputs.argmax(axis=1)


def n_parameters(layers: Layers) -> int:
    return int(sum(W.size + b.size for W, b in layers))


def model_to_json(model: TrainedModel) -> dict[str, Any]:
    return {
        "model": model.name,
        "kind": model.kind,
        "orientation": "outputs = X @ weights + bias per layer, ReLU between layers",
        "layers": [{"weights": W, "bias": b} for W, b in model.layers],
    }


def layers_from_json(document: dict[str, Any]) -> Layers:
    return [
        (np.asarray(layer["weights"], dtype=np.float64), np.asarray(layer["bias"], dtype=np.float64))
        for layer in document["layers"]
    ]
