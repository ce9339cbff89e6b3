"""Comparisons that several models' reference checks make (the checks themselves live with
each implementation: ames_tiers/models_numpy/check.py, ames_tiers/models_torch/check.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.comparison import Comparison, max_abs_diff, mismatch_fraction, relative_diff
from ames_tiers.layers import Layers, forward
from ames_tiers.references import least_squares

if TYPE_CHECKING:
    from ames_tiers.data import Split
    from ames_tiers.registry import SoftmaxRegressionParity


def outputs(layers: Layers, X: np.ndarray) -> np.ndarray:
    """The model's outputs, or NaN when its weights do not even fit the data (e.g. a weight
    matrix exported without transposing): a comparison with NaN always fails."""
    try:
        return forward(layers, X)
    except ValueError:
        return np.full((len(X), 1), np.nan)


def compare_linear_regression(
    subject: str, layers: Layers, split: Split, tolerance: float | None
) -> list[Comparison]:
    """Weights, bias and validation predictions against the closed form (numpy.linalg.lstsq;
    scikit-learn's LinearRegression is the same lstsq, and importing it costs a second)."""
    (W, b), (W_ref, b_ref) = layers[0], least_squares(split.X_train, split.y_train)[0]
    predictions = relative_diff(outputs(layers, split.X_valid), forward([(W_ref, b_ref)], split.X_valid))
    reference = "numpy.linalg.lstsq"
    return [
        Comparison(subject, reference, "weights", relative_diff(W, W_ref), "relative", tolerance),
        Comparison(subject, reference, "bias", relative_diff(b, b_ref), "relative", tolerance),
        Comparison(subject, reference, "validation predictions", predictions, "relative", tolerance),
    ]


def compare_probabilities(
    subject: str,
    reference: str,
    probabilities: np.ndarray,
    ref_probabilities: np.ndarray,
    tolerances: SoftmaxRegressionParity | None,
) -> list[Comparison]:
    return [
        Comparison(
            subject,
            reference,
            "validation probabilities",
            max_abs_diff(probabilities, ref_probabilities),
            "absolute",
            tolerances and tolerances.probabilities,
        ),
        Comparison(
            subject,
            reference,
            "validation predictions that differ",
            mismatch_fraction(probabilities, ref_probabilities),
            "fraction",
            tolerances and tolerances.mismatches,
        ),
    ]
