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


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Each tier's probability, the softmax of the logits (written here, apart from part 2.A's
    softmax: the softmax under test must not also be the yardstick of the parity checks)."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = arithmetic.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def predict(kind: str, outputs: np.ndarray, n_classes: int) -> np.ndarray:
    """Tiers: the argmax of logits; a regression's output rounded, as the notebook does, and
    clipped to the tiers there are (the notebook's -1 or 3 would be no tier at all; the
    committed run has none: its outputs lie between 0.1 and 1.6)."""
    if not np.isfinite(outputs).all():
        raise ValueError("the model's outputs are not finite numbers")
    if kind == "regression":
        return np.clip(outputs[:, 0], 0, n_classes - 1).round().astype(np.int64)
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


def layers_from_json(document: Any) -> Layers:
    """The layers of a model file as `train` writes it; anything else is a ValueError saying
    what is wrong (a missing key, a non-numeric or non-finite entry, shapes that do not chain)."""
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("layers"), list)
        or not document["layers"]
    ):
        raise ValueError("has no list of layers")
    layers: Layers = []
    for i, layer in enumerate(document["layers"]):
        if not isinstance(layer, dict) or not {"weights", "bias"} <= layer.keys():
            raise ValueError(f"layer {i} needs 'weights' and 'bias'")
        try:
            W = np.asarray(layer["weights"], dtype=np.float64)
            b = np.asarray(layer["bias"], dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"layer {i}: weights and bias must be arrays of numbers") from None
        if W.ndim != 2 or b.shape != W.shape[1:]:
            raise ValueError(
                f"layer {i}: weights {W.shape} and bias {b.shape} are not a layer (in x out, out)"
            )
        if layers and layers[-1][0].shape[1] != W.shape[0]:
            raise ValueError(
                f"layer {i} takes {W.shape[0]} inputs, the layer before gives {layers[-1][0].shape[1]}"
            )
        if not (np.isfinite(W).all() and np.isfinite(b).all()):
            raise ValueError(f"layer {i} has non-finite numbers")
        layers.append((W, b))
    return layers


def fits(kind: str, layers: Layers, n_features: int, n_classes: int) -> str | None:
    """Why these layers cannot answer for this data and these params, or None if they can."""
    n_inputs, n_outputs = layers[0][0].shape[0], layers[-1][0].shape[1]
    if n_inputs != n_features:
        return f"takes {n_inputs} features, the prepared data has {n_features}"
    expected = 1 if kind == "regression" else n_classes
    if n_outputs != expected:
        what = "a regression has one" if kind == "regression" else f"params.yaml has {n_classes} tiers"
        return f"gives {n_outputs} outputs, {what}"
    return None
