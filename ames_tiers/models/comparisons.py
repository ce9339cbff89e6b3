"""The comparisons of the reference checks: one Comparison per quantity, measured relative to
the size of what it compares (so that a tolerance means the same at any tier count, learning
rate or epoch count); the comparisons several models' checks make; and how each model's
checks are recorded in metrics/parity/<model>.json. (The checks themselves live with each
implementation: ames_tiers/models_numpy/check.py, ames_tiers/models_torch/check.py.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.models.layers import Layers, forward
from ames_tiers.models.references import least_squares

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.registry import SoftmaxRegressionParity

# The references call BLAS and libm (lstsq, scikit-learn, torch in float64), whose kernels
# differ from CPU to CPU in the last bits, and two optimizers that both converged differ by
# their stopping tolerances; so a recorded difference is rounded to 2 significant digits, and
# one below its resolution (a thousandth of its tolerance) is recorded as 0: the tracked
# parity results are then the same bytes on every machine.
RESOLUTION_OF_TOLERANCE = 1e-3
NOISE_FLOOR = 1e-12  # the resolution of a difference shown for information


@dataclass(frozen=True)
class Comparison:
    subject: str  # what is checked, e.g. "linreg_torch trained to convergence (L-BFGS)"
    reference: str  # code nobody here wrote, e.g. "numpy.linalg.lstsq"
    quantity: str  # e.g. "weights"
    difference: float  # see `measure`
    measure: str  # "relative" (to the reference's largest value), "absolute" or "fraction"
    tolerance: float | None  # None: shown for information, never fails

    @property
    def ok(self) -> bool:
        if self.tolerance is None:
            return True
        # a NaN or infinite difference (a broken implementation) is never within tolerance
        return bool(np.isfinite(self.difference)) and self.difference <= self.tolerance

    @property
    def verdict(self) -> str:
        return "information" if self.tolerance is None else "ok" if self.ok else "FAIL"

    def describe(self) -> str:
        limit = "for information" if self.tolerance is None else f"tolerance {self.tolerance:g}"
        measured = f"{self.difference:.3g} ({self.measure}; {limit})"
        return f"{self.subject} vs {self.reference}, {self.quantity}: {measured}"

    @property
    def resolution(self) -> float:
        return NOISE_FLOOR if self.tolerance is None else self.tolerance * RESOLUTION_OF_TOLERANCE

    def to_json(self) -> dict:
        return {
            "subject": self.subject,
            "reference": self.reference,
            "quantity": self.quantity,
            "difference": recorded(self.difference, self.resolution),
            "resolution": self.resolution,
            "measure": self.measure,
            "tolerance": self.tolerance,
            "verdict": self.verdict,
        }


def recorded(difference: float, resolution: float) -> float | str:
    """A difference as the parity file records it: 2 significant digits, 0 below
    ``resolution``, and "inf"/"nan" as strings (strict JSON has no such numbers)."""
    if not np.isfinite(difference):
        return str(float(difference))
    return 0.0 if difference < resolution else float(f"{difference:.2g}")


def parity_record(model: str, comparisons: list[Comparison]) -> dict:
    """metrics/parity/<model>.json: the verdict, then every comparison."""
    return {
        "model": model,
        "ok": all(c.ok for c in comparisons),
        "checks": [c.to_json() for c in comparisons],
    }


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


# --- comparisons that several models' checks make ---------------------------------------------


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
