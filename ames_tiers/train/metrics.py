"""Loss and accuracy of a saved model, computed the same way for all five models (float64
NumPy, from the parameters written to models/), so the numbers compare across frameworks."""

from __future__ import annotations

import numpy as np

from ames_tiers.core.dataset import Split
from ames_tiers.models.layers import Fit, Layers, forward, n_parameters, predict
from ames_tiers.portable import arithmetic


def mean_cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Exact cross-entropy from logits via log-sum-exp (what F.cross_entropy computes)."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - arithmetic.log(arithmetic.exp(shifted).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(y)), y].mean())


def mean_squared_error(outputs: np.ndarray, y: np.ndarray) -> float:
    return float(((outputs[:, 0] - y) ** 2).mean())


def evaluate(kind: str, layers: Layers, X: np.ndarray, y: np.ndarray, n_classes: int) -> dict[str, float]:
    outputs = forward(layers, X)
    loss = mean_squared_error(outputs, y) if kind == "regression" else mean_cross_entropy(outputs, y)
    accuracy = float((predict(kind, outputs, n_classes) == y).mean())
    return {"loss": loss, "accuracy": accuracy}


def model_metrics(kind: str, fit: Fit, split: Split, n_classes: int) -> dict:
    """metrics/<model>.json: loss and accuracy on both sides, and the model's size; five
    numbers, so that `dvc metrics show` fits a terminal. (The optimizer's first and last
    loss, which the notebook prints, open and close plots/loss/<model>.csv.)"""
    return {
        "train": evaluate(kind, fit.layers, split.X_train, split.y_train, n_classes),
        "valid": evaluate(kind, fit.layers, split.X_valid, split.y_valid, n_classes),
        "n_parameters": n_parameters(fit.layers),
    }
