"""A sixth model that exists only in tests/test_registry.py: nearest centroid, a linear
classifier in closed form (logit of tier k = x . c_k - |c_k|^2 / 2, c_k the tier's mean),
checked against scikit-learn's NearestCentroid. Everything a model needs besides its
registry entry is here: its params, its fit and its check."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ames_tiers.core.validation import checked, number_between
from ames_tiers.models.comparisons import Comparison
from ames_tiers.models.layers import Fit, forward
from ames_tiers.models.metrics import mean_cross_entropy


@dataclass(frozen=True)
class CentroidParams:
    temperature: float = checked(number_between(0.01, 100), float)  # logits are divided by it


@dataclass(frozen=True)
class CentroidParity:
    mismatches: float = checked(number_between(0, 1), float)


def fit_nearest_centroid(X, y, params: CentroidParams, context) -> Fit:
    centroids = np.stack([X[y == k].mean(axis=0) for k in range(context.n_classes)])
    layers = [(centroids.T / params.temperature, -0.5 * (centroids**2).sum(axis=1) / params.temperature)]
    return Fit.from_history(layers, [mean_cross_entropy(forward(layers, X), y)], iterations=1)


def check_nearest_centroid(fit, split, params, parity: CentroidParity, context) -> list[Comparison]:
    from sklearn.neighbors import NearestCentroid

    ours = forward(fit.layers, split.X_valid).argmax(axis=1)
    theirs = NearestCentroid().fit(split.X_train, split.y_train).predict(split.X_valid)
    mismatches = float((ours != theirs).mean())
    return [
        Comparison(
            "nearest_centroid",
            "sklearn NearestCentroid",
            "validation predictions that differ",
            mismatches,
            "fraction",
            parity.mismatches,
        )
    ]
