"""Answers to the notebook's analysis questions, computed from this run's models and metrics."""

from __future__ import annotations

from dataclasses import dataclass

from ames_tiers.models.differences import centred, max_abs_diff
from ames_tiers.models.layers import Layers
from ames_tiers.models.registry import MODELS, twins


@dataclass(frozen=True)
class TwinPair:
    numpy_model: str
    torch_model: str
    shape: tuple[int, ...]  # both, in the NumPy orientation (in x out)
    torch_native_shape: tuple[int, ...]  # nn.Linear.weight is out x in
    max_abs_weight_diff: float
    max_abs_bias_diff: float
    # Softmax is unchanged by adding a constant to every class's logit, so each feature's
    # weights (and the biases) are defined only up to a shared shift; compare them centred.
    max_abs_centred_diff: float | None


def twin_pair(numpy_model: str, torch_model: str, models: dict[str, Layers]) -> TwinPair:
    ((W_np, b_np),) = models[numpy_model]
    ((W_t, b_t),) = models[torch_model]
    if W_np.shape != W_t.shape:
        raise ValueError(
            f"{numpy_model} and {torch_model} weights differ in shape: {W_np.shape} vs {W_t.shape}"
        )
    centred_diff = None
    if MODELS[numpy_model].kind == "classification":
        centred_diff = max_abs_diff(centred(W_np, b_np), centred(W_t, b_t))
    return TwinPair(
        numpy_model=numpy_model,
        torch_model=torch_model,
        shape=W_np.shape,
        torch_native_shape=W_t.T.shape,
        max_abs_weight_diff=max_abs_diff(W_np, W_t),
        max_abs_bias_diff=max_abs_diff(b_np, b_t),
        max_abs_centred_diff=centred_diff,
    )


def twin_pairs(models: dict[str, Layers]) -> list[TwinPair]:
    """The notebook's weight matrices, each NumPy model's against its PyTorch twin's."""
    return [twin_pair(a, b, models) for a, b in twins()]


def best_by_valid_accuracy(metrics: dict[str, dict], names: list[str]) -> str:
    return max(names, key=lambda n: metrics[n]["valid"]["accuracy"])
