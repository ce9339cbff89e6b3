"""How far apart two models' numbers are, measured relative to the size of what is compared (so
that a tolerance means the same at any tier count, learning rate or epoch count): the parity
checks (ames_tiers/train/parity.py) and the report's answer on the weight matrices use them."""

from __future__ import annotations

import numpy as np

NOISE_FLOOR = 1e-12  # below this a scale is zero (and a difference shown for information, nil)


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")  # e.g. a transposed weight matrix
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
    return float("inf") if not np.isfinite(d).all() else float(d.max(initial=0.0))


def relative_diff(a: np.ndarray, reference: np.ndarray) -> float:
    """max |a - reference| / max |reference|: the difference as a share of the scale."""
    scale = float(np.max(np.abs(np.asarray(reference, dtype=np.float64)), initial=0.0))
    return max_abs_diff(a, reference) / max(scale, NOISE_FLOOR)


def mismatch_fraction(probabilities: np.ndarray, reference: np.ndarray) -> float:
    """The share of rows whose predicted tier differs (near-ties may flip)."""
    if probabilities.shape != reference.shape:
        return float("inf")
    return float((probabilities.argmax(axis=1) != reference.argmax(axis=1)).mean())


def centred(weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Softmax weights and bias less their mean over classes: the part softmax can see
    (adding the same number to every class's logit changes no probability)."""
    if weights.ndim != 2 or bias.shape != (weights.shape[1],):
        return np.full(1, np.nan)  # not a softmax layer: the comparison fails
    stacked = np.vstack([weights, bias])
    return stacked - stacked.mean(axis=1, keepdims=True)
