"""Every figure of a run, what each is drawn from, and drawing only those whose inputs changed.

Each PNG carries a digest of its inputs (and of the drawing code); the report stage keeps a
PNG whose digest still matches (dvc.yaml marks the figures `persist`, so DVC leaves them in
place), so a change to one model redraws that model's figures and the accuracy chart only.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ames_tiers.core import paths
from ames_tiers.report import plotting

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ames_tiers.core.dataset import Split, Standardization
    from ames_tiers.models.layers import Layers


@dataclass(frozen=True)
class RunResults:
    """What the figures are drawn from, read by the report stage."""

    split: Split
    stats: Standardization
    n_classes: int
    models: dict[str, Layers]
    metrics: dict[str, dict]
    losses: dict[str, np.ndarray]
    predictions: dict[str, tuple[np.ndarray, np.ndarray]]  # validation actual, predicted


# name ("accuracy", "loss/mlp") -> (inputs digest, draw); paths.figure_file(name) is its PNG
Plan = dict[str, tuple[str, Callable[[], "Figure"]]]
DRAWING_CODE = Path(plotting.__file__).read_bytes()


def digest(*inputs: Any) -> str:
    """A digest of the drawing code and of ``inputs`` (arrays by dtype, shape and bytes)."""
    h = hashlib.sha256(DRAWING_CODE)
    for value in inputs:
        if isinstance(value, np.ndarray):
            h.update(f"{value.dtype}{value.shape}".encode())
            h.update(np.ascontiguousarray(value).tobytes())
        else:
            h.update(json.dumps(value, sort_keys=True, default=repr).encode())
    return h.hexdigest()


def plan(run: RunResults) -> Plan:
    """Every figure's name, the digest of what it is drawn from, and how to draw it."""
    split, stats, n = run.split, run.stats, run.n_classes
    data = (split.X_train, split.X_valid, split.y_train, split.y_valid, n)
    accuracies = {name: m["valid"]["accuracy"] for name, m in run.metrics.items()}
    figures: Plan = {
        "accuracy": (digest("accuracy", run.metrics), lambda: plotting.accuracy_comparison(run.metrics)),
        "class_histogram": (digest("class_histogram", *data), lambda: plotting.class_histogram(split, n)),
        "feature_histogram": (
            digest("feature_histogram", *data, split.features),
            lambda: plotting.feature_histogram(split),
        ),
    }
    for name, layers in run.models.items():
        actual, predicted = run.predictions[name]
        weights = (a for layer in layers for a in layer)
        figures[paths.model_figure("decision_regions", name)] = (
            digest("decision_regions", name, *data, stats.mean, stats.std, *weights, accuracies[name]),
            lambda name=name, layers=layers: plotting.decision_regions(
                name, layers, split, stats, accuracies[name], n
            ),
        )
        figures[paths.model_figure("loss", name)] = (
            digest("loss", name, run.losses[name]),
            lambda name=name: plotting.loss_curve(name, run.losses[name]),
        )
        figures[paths.model_figure("confusion", name)] = (
            digest("confusion", name, actual, predicted, n),
            lambda name=name, actual=actual, predicted=predicted: plotting.confusion_matrix(
                name, actual, predicted, n
            ),
        )
    return figures


def draw_changed(figures: Plan) -> tuple[dict[str, bytes], list[str]]:
    """Every figure's PNG bytes: the file on disk where its digest still matches, else drawn
    now. Returns the bytes and the names of the figures that were drawn (to be written)."""
    pngs, drawn = {}, []
    for name, (inputs, draw) in figures.items():
        path = paths.figure_file(name)
        if path.exists() and plotting.drawn_from(path) == inputs:
            pngs[name] = path.read_bytes()
        else:
            pngs[name] = plotting.png_bytes(draw(), inputs)
            drawn.append(name)
    return pngs, drawn
