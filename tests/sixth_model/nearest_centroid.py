"""A sixth model: nearest centroid, in closed form, checked against scikit-learn."""

from __future__ import annotations

import numpy as np

from ames_tiers.models.comparisons import Comparison
from ames_tiers.models.layers import Fit, forward
from ames_tiers.models.metrics import mean_cross_entropy


def fit_nearest_centroid(X, y, params, context) -> Fit:
    centroids = np.stack([X[y == k].mean(axis=0) for k in range(context.n_classes)])
    layers = [(centroids.T / params.temperature, -0.5 * (centroids**2).sum(axis=1) / params.temperature)]
    return Fit.from_history(layers, [mean_cross_entropy(forward(layers, X), y)], iterations=1)


def check_nearest_centroid(fit, split, params, parity, context) -> list[Comparison]:
    from sklearn.neighbors import NearestCentroid

    ours = forward(fit.layers, split.X_valid).argmax(axis=1)
    theirs = NearestCentroid().fit(split.X_train, split.y_train).predict(split.X_valid)
    mismatches = float((ours != theirs).mean())
    reference = "sklearn NearestCentroid"
    return [Comparison("nearest_centroid", reference, "validation predictions that differ", mismatches,
                       "fraction", parity.mismatches)]  # fmt: skip
