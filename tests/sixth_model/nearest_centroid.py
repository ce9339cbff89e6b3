"""A sixth model: nearest centroid, in closed form, checked against scikit-learn."""

from __future__ import annotations

import numpy as np

from ames_tiers.models.layers import Fit, forward
from ames_tiers.train.metrics import mean_cross_entropy
from ames_tiers.train.parity import ParityCheck


def fit(X, y, params, context) -> Fit:
    centroids = np.stack([X[y == k].mean(axis=0) for k in range(context.n_classes)])
    layers = [(centroids.T / params.temperature, -0.5 * (centroids**2).sum(axis=1) / params.temperature)]
    return Fit.from_history(layers, [mean_cross_entropy(forward(layers, X), y)], iterations=1)


def parity(trained, split, params, tolerances, context) -> list[ParityCheck]:
    from sklearn.neighbors import NearestCentroid

    ours = forward(trained.layers, split.X_valid).argmax(axis=1)
    theirs = NearestCentroid().fit(split.X_train, split.y_train).predict(split.X_valid)
    mismatches = float((ours != theirs).mean())
    reference = "sklearn NearestCentroid"
    return [ParityCheck("nearest_centroid", reference, "validation predictions that differ", mismatches,
                       "fraction", tolerances.mismatches)]  # fmt: skip
