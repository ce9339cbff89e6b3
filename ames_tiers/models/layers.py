"""A trained model as every part of the pipeline sees it: layers `X @ W + b` (ReLU between
them) in the notebook's NumPy orientation, run forward in NumPy, saved as JSON that NumPy
alone can read. The metrics, the report and `predict` need no torch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ames_tiers.portable import arithmetic

Layers = list[tuple[np.ndarray, np.ndarray]]  # (W: in x out, b: out) per layer


class Diverged(Exception):
    """Training's loss stopped being finite (a learning rate too large for the data)."""

    def __init__(self, epoch: int, loss: float):
        super().__init__(f"diverged at epoch {epoch} (loss {loss})")
        self.epoch, self.loss = epoch, loss


@dataclass(frozen=True)
class FitContext:
    """What a fit reads besides its own params: the tier count and torch's seed."""

    n_classes: int
    seed: int


@dataclass
class Fit:
    """What training returns: the layers and how the loss went."""

    layers: Layers
    loss_history: list[float]  # the loss before training, then after each iteration or epoch
    optimizer: dict[str, float | int] = field(default_factory=dict)  # what the optimizer reported

    @classmethod
    def from_history(cls, layers: Layers, loss_history: list[float], iterations: int | None = None) -> Fit:
        summary = {
            "initial_loss": loss_history[0],
            "final_loss": loss_history[-1],
            "iterations": len(loss_history) if iterations is None else iterations,
        }
        return cls(layers, loss_history, summary)


def forward(layers: Layers, X: np.ndarray) -> np.ndarray:
    """The model's outputs (logits, or the regression value as one column), the same bits on
    every CPU (ames_tiers.portable)."""
    out = X
    for i, (W, b) in enumerate(layers):
        if i > 0:
            out = np.maximum(out, 0.0)  # ReLU between layers
        out = arithmetic.matmul(out, W) + b
    return out


def predict(kind: str, outputs: np.ndarray) -> np.ndarray:
    """Tiers: the notebook rounds a regression's output, and takes the argmax of logits."""
    if kind == "regression":
        return outputs[:, 0].round().astype(np.int64)
    return outputs.argmax(axis=1)


def n_parameters(layers: Layers) -> int:
    return int(sum(W.size + b.size for W, b in layers))


def layers_to_json(name: str, kind: str, layers: Layers) -> dict[str, Any]:
    return {
        "model": name,
        "kind": kind,
        "orientation": "outputs = X @ weights + bias per layer, ReLU between layers",
        "layers": [{"weights": W, "bias": b} for W, b in layers],
    }


def layers_from_json(document: dict[str, Any]) -> Layers:
    return [
        (np.asarray(layer["weights"], dtype=np.float64), np.asarray(layer["bias"], dtype=np.float64))
        for layer in document["layers"]
    ]
