"""Parity: every model checked against code nobody here wrote, after it trains. One ParityCheck
per compared quantity; how a model's checks are recorded in metrics/parity/<model>.json; the
reference implementations (numpy.linalg.lstsq, scikit-learn) and the checks several models
share. Each model's own checks are its `parity` function, in its file beside this one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ames_tiers.models.differences import NOISE_FLOOR, max_abs_diff, mismatch_fraction, relative_diff
from ames_tiers.models.layers import Layers, forward, probabilities

if TYPE_CHECKING:
    from ames_tiers.core.dataset import Split
    from ames_tiers.models.schema import SoftmaxRegressionParity

# The references call BLAS and libm (lstsq, scikit-learn, torch in float64), whose kernels
# differ from CPU to CPU in the last bits, and two optimizers that both converged differ by
# their stopping tolerances; so a recorded difference is rounded to 2 significant digits, and
# one below its resolution (a thousandth of its tolerance) is recorded as 0: the tracked
# parity results are then the same bytes on every machine.
RESOLUTION_OF_TOLERANCE = 1e-3


@dataclass(frozen=True)
class ParityCheck:
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


def parity_record(model: str, checks: list[ParityCheck]) -> dict:
    """metrics/parity/<model>.json: the verdict, then every check."""
    return {"model": model, "ok": all(c.ok for c in checks), "checks": [c.to_json() for c in checks]}


# --- the reference implementations ------------------------------------------------------------


def least_squares(X: np.ndarray, y: np.ndarray) -> Layers:
    """The linear regression's closed form: lstsq on [X, 1] (scikit-learn's LinearRegression is
    the same lstsq, and importing it costs a second)."""
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return [(coef[:-1].reshape(-1, 1), coef[-1:])]


def sklearn_softmax_regression(X: np.ndarray, y: np.ndarray, n_classes: int) -> Layers:
    """scikit-learn's multinomial LogisticRegression without penalty (the notebook's loss has
    none), fitted tightly, as one softmax layer."""
    from sklearn.linear_model import LogisticRegression

    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(X, y)
    if n_classes == 2:  # sklearn fits one logit for two classes: the second minus the first
        coef, intercept = fitted.coef_[0], fitted.intercept_[0]
        return [(np.column_stack([-coef / 2, coef / 2]), np.array([-intercept / 2, intercept / 2]))]
    return [(fitted.coef_.T, fitted.intercept_)]


# --- the checks several models make -----------------------------------------------------------


def outputs(layers: Layers, X: np.ndarray) -> np.ndarray:
    """The model's outputs, or NaN when its weights do not even fit the data (e.g. a weight
    matrix exported without transposing): a check against NaN always fails."""
    try:
        return forward(layers, X)
    except ValueError:
        return np.full((len(X), 1), np.nan)


def linear_regression_parity(
    subject: str, layers: Layers, split: Split, tolerance: float | None
) -> list[ParityCheck]:
    """Weights, bias and validation predictions against the closed form."""
    (W, b), (W_ref, b_ref) = layers[0], least_squares(split.X_train, split.y_train)[0]
    predictions = relative_diff(outputs(layers, split.X_valid), forward([(W_ref, b_ref)], split.X_valid))
    reference = "numpy.linalg.lstsq"
    return [
        ParityCheck(subject, reference, "weights", relative_diff(W, W_ref), "relative", tolerance),
        ParityCheck(subject, reference, "bias", relative_diff(b, b_ref), "relative", tolerance),
        ParityCheck(subject, reference, "validation predictions", predictions, "relative", tolerance),
    ]


def probabilities_parity(
    subject: str, layers: Layers, reference_layers: Layers, X_valid: np.ndarray,
    tolerances: SoftmaxRegressionParity | None,
) -> list[ParityCheck]:  # fmt: skip
    """Validation probabilities, and the share of predictions that differ, against a reference
    softmax layer (scikit-learn's)."""
    ours = probabilities(outputs(layers, X_valid))
    theirs = probabilities(forward(reference_layers, X_valid))
    reference = "sklearn LogisticRegression (no penalty)"
    return [
        ParityCheck(subject, reference, "validation probabilities", max_abs_diff(ours, theirs), "absolute",
                    tolerances and tolerances.probabilities),
        ParityCheck(subject, reference, "validation predictions that differ", mismatch_fraction(ours, theirs),
                    "fraction", tolerances and tolerances.mismatches),
    ]  # fmt: skip
