"""Reference implementations that nobody here wrote (numpy.linalg.lstsq, scikit-learn,
torch's L-BFGS), and the comparisons of our five models against them."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from stages import portable
from stages.data import Split
from stages.models import Layers, forward


# What the snake_case keys of metrics/parity.json mean, for messages and the report.
LABELS = {
    "lstsq": "numpy.linalg.lstsq",
    "sklearn_linear_regression": "sklearn LinearRegression",
    "sklearn_logistic_regression": "sklearn LogisticRegression (no penalty)",
    "logreg_numpy_optimum": "logreg_numpy's optimum",
    "sklearn_mlp": "sklearn MLPClassifier from the same initial weights",
    "mlp_float64": "mlp's model and loop retrained in float64 from the same initial weights",
    "mlp": "mlp as trained (float32, informational)",
    "logreg_torch_lbfgs": "logreg_torch's model trained to convergence (L-BFGS)",
    "linreg_torch_lbfgs": "linreg_torch's model trained to convergence (L-BFGS)",
    "linreg_torch": "linreg_torch as trained (SGD, informational)",
    "logreg_torch": "logreg_torch as trained (SGD, informational)",
    "weights": "weights",
    "bias": "bias",
    "valid_predictions": "validation predictions",
    "valid_probabilities": "validation probabilities",
    "valid_prediction_mismatches": "validation predictions that differ (count)",
    "centred_weights": "weights and bias, centred over classes",
    "loss_per_epoch": "training loss per epoch",
}


@dataclass(frozen=True)
class Comparison:
    model: str  # snake_case keys, as in metrics/parity.json; LABELS says what they mean
    reference: str
    quantity: str
    difference: float  # max absolute difference (or a count, for predictions)
    tolerance: float | None  # None: shown for information, never fails

    @property
    def ok(self) -> bool:
        if self.tolerance is None:
            return True
        # a NaN or infinite difference (a broken implementation) is never within tolerance
        return bool(np.isfinite(self.difference)) and self.difference <= self.tolerance

    def describe(self) -> str:
        label = lambda key: LABELS.get(key, key)  # noqa: E731
        limit = "for information" if self.tolerance is None else f"tolerance {self.tolerance:g}"
        return (
            f"{label(self.model)} vs {label(self.reference)}: {label(self.quantity)} differ by "
            f"{self.difference:.3g} ({limit})"
        )


# This run's SGD models stop where their epochs end, converged or not (a sweep may use a
# learning rate that does not converge): their distance from the optimum is information,
# while the same models trained to convergence inside the parity stage are checked.
# Likewise the MLP as trained in float32: at a large learning rate its rounding grows over the
# epochs (up to ~1e-3 in the README's sweep), so its implementation is checked in float64.
INFORMATIONAL_MODELS = ("linreg_torch", "logreg_torch", "mlp")


def tolerance_for(model: str, quantity: str, tolerances) -> float | None:
    """The params.yaml `parity` tolerance for a compared quantity (None: information only)."""
    if model in INFORMATIONAL_MODELS:
        return None
    return {
        "weights": tolerances.linear_regression,
        "bias": tolerances.linear_regression,
        "valid_predictions": tolerances.linear_regression,
        "valid_probabilities": tolerances.probabilities,
        "valid_prediction_mismatches": tolerances.prediction_mismatches,
        "centred_weights": tolerances.centred_weights,
        "loss_per_epoch": tolerances.mlp_loss,
    }[quantity]


def compared(model: str, reference: str, quantity: str, difference: float, tolerances) -> Comparison:
    return Comparison(model, reference, quantity, difference, tolerance_for(model, quantity, tolerances))


# The references call BLAS and libm (lstsq, scikit-learn, torch in float64), whose kernels
# differ from CPU to CPU in the last bits; recorded differences are rounded so that the
# tracked parity results are the same bytes on every machine.
NOISE_FLOOR = 1e-12


def recorded(difference: float) -> float:
    """A difference as parity.json records it: 2 significant digits; 0 below NOISE_FLOOR."""
    if not np.isfinite(difference) or difference >= 1e300:
        return difference
    return 0.0 if difference < NOISE_FLOOR else float(f"{difference:.2g}")


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")  # e.g. a transposed weight matrix
    with np.errstate(invalid="ignore"):
        d = np.abs(a - b)
    return float("inf") if not np.isfinite(d).all() else float(d.max(initial=0.0))


def outputs(layers: Layers, X: np.ndarray) -> np.ndarray:
    """The model's outputs, or NaN when its weights do not even fit the data (e.g. a weight
    matrix exported without transposing): a comparison with NaN always fails."""
    try:
        return forward(layers, X)
    except ValueError:
        return np.full((len(X), 1), np.nan)


def softmax_probabilities(logits: np.ndarray) -> np.ndarray:
    """Probabilities from logits, written here rather than taken from models_numpy: the
    softmax under test must not also be the yardstick."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = portable.exp(z)
    return e / e.sum(axis=1, keepdims=True)


# --- linear regression: the closed form and scikit-learn ------------------------------------


def least_squares(X: np.ndarray, y: np.ndarray) -> Layers:
    design = np.column_stack([X, np.ones(len(X))])
    coef, *_ = np.linalg.lstsq(design, y.astype(np.float64), rcond=None)
    return [(coef[:-1].reshape(-1, 1), coef[-1:])]


def sklearn_linear_regression(X: np.ndarray, y: np.ndarray) -> Layers:
    from sklearn.linear_model import LinearRegression

    fitted = LinearRegression().fit(X, y)
    return [(fitted.coef_.reshape(-1, 1), np.atleast_1d(fitted.intercept_))]


def compare_linear_regression(model: str, layers: Layers, split: Split, tolerances) -> list[Comparison]:
    out = []
    for reference, ref_layers in (
        ("lstsq", least_squares(split.X_train, split.y_train)),
        ("sklearn_linear_regression", sklearn_linear_regression(split.X_train, split.y_train)),
    ):
        (W, b), (W_ref, b_ref) = layers[0], ref_layers[0]
        predictions = max_abs_diff(outputs(layers, split.X_valid), forward(ref_layers, split.X_valid))
        out += [
            compared(model, reference, "weights", max_abs_diff(W, W_ref), tolerances),
            compared(model, reference, "bias", max_abs_diff(b, b_ref), tolerances),
            compared(model, reference, "valid_predictions", predictions, tolerances),
        ]
    return out


# --- softmax regression: scikit-learn, and torch trained to convergence ---------------------


def sklearn_softmax_regression_probabilities(split: Split) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    # C = inf: no penalty, as the notebook's loss has none; tight tol to reach the optimum
    fitted = LogisticRegression(C=np.inf, tol=1e-10, max_iter=10_000).fit(split.X_train, split.y_train)
    return fitted.predict_proba(split.X_valid)


def compare_probabilities(
    model: str, reference: str, probs: np.ndarray, ref_probs: np.ndarray, tolerances
) -> list[Comparison]:
    mismatches = float("inf") if probs.shape != ref_probs.shape else float(
        (probs.argmax(axis=1) != ref_probs.argmax(axis=1)).sum()
    )
    return [
        compared(model, reference, "valid_probabilities", max_abs_diff(probs, ref_probs), tolerances),
        compared(model, reference, "valid_prediction_mismatches", mismatches, tolerances),
    ]


def centred(layers: Layers) -> np.ndarray:
    """Softmax weights and bias less their mean over classes: the part softmax can see."""
    (W, b), = layers
    if W.ndim != 2 or b.shape != (W.shape[1],):
        return np.full(1, np.nan)  # not a softmax layer: the comparison fails
    stacked = np.vstack([W, b])
    return stacked - stacked.mean(axis=1, keepdims=True)


# --- the MLP: scikit-learn's MLPClassifier from the same initial weights --------------------


def sklearn_mlp_loss_curve(
    initial: Layers, X: np.ndarray, y: np.ndarray, lr: float, epochs: int
) -> np.ndarray:
    """Training loss per epoch of sklearn's MLPClassifier set up as the notebook's loop:
    ReLU, plain full-batch SGD (no momentum, no L2, no shuffling, constant rate)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    hidden = initial[0][0].shape[1]
    mlp = MLPClassifier(
        hidden_layer_sizes=(hidden,), activation="relu", solver="sgd", alpha=0.0,
        batch_size=len(X), learning_rate="constant", learning_rate_init=lr, max_iter=epochs,
        shuffle=False, momentum=0.0, nesterovs_momentum=False, tol=0.0,
        n_iter_no_change=epochs + 1, early_stopping=False,
    )
    # sklearn draws its own random initial weights in _init_coef; hand it ours instead
    layers = iter(initial)
    mlp._init_coef = lambda fan_in, fan_out, dtype: tuple(a.astype(dtype) for a in next(layers))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(X, y)
    return np.asarray(mlp.loss_curve_)


# --- every comparison of one run, as the parity stage makes them ----------------------------


def parity_comparisons(
    layers: dict[str, Layers],
    mlp_loss_history: np.ndarray,
    split: Split,
    n_classes: int,
    seed: int,
    mlp_params,
    tolerances,
) -> list[Comparison]:
    """Compare all five models with their references (see the module docstring)."""
    import torch

    from stages.models_torch import build_mlp, fit_lbfgs, linear_layers, train_mlp

    X, y = split.X_train, split.y_train
    linreg_torch_converged = fit_lbfgs(X, y, 1, seed, tolerances.lbfgs_max_iter).layers
    out = []
    for model, model_layers in (
        ("linreg_numpy", layers["linreg_numpy"]),
        ("linreg_torch_lbfgs", linreg_torch_converged),
        ("linreg_torch", layers["linreg_torch"]),
    ):
        out += compare_linear_regression(model, model_layers, split, tolerances)

    numpy_probs = softmax_probabilities(outputs(layers["logreg_numpy"], split.X_valid))
    out += compare_probabilities(
        "logreg_numpy", "sklearn_logistic_regression", numpy_probs,
        sklearn_softmax_regression_probabilities(split), tolerances,
    )
    logreg_torch_converged = fit_lbfgs(X, y, n_classes, seed, tolerances.lbfgs_max_iter).layers
    for model, model_layers in (("logreg_torch_lbfgs", logreg_torch_converged), ("logreg_torch", layers["logreg_torch"])):
        probs = softmax_probabilities(outputs(model_layers, split.X_valid))
        out += compare_probabilities(model, "logreg_numpy_optimum", probs, numpy_probs, tolerances)
        out.append(compared(
            model, "logreg_numpy_optimum", "centred_weights",
            max_abs_diff(centred(model_layers), centred(layers["logreg_numpy"])), tolerances,
        ))

    initial = linear_layers(build_mlp(X.shape[1], mlp_params.hidden, n_classes, seed))
    sklearn_curve = sklearn_mlp_loss_curve(initial, X, y, mlp_params.lr, mlp_params.epochs)
    mlp_float64 = train_mlp(
        X, y, n_classes, mlp_params.hidden, mlp_params.lr, mlp_params.epochs, seed, dtype=torch.float64
    ).loss_history
    for model, history in (("mlp_float64", mlp_float64), ("mlp", mlp_loss_history)):
        out.append(compared(model, "sklearn_mlp", "loss_per_epoch", max_abs_diff(history, sklearn_curve), tolerances))
    return out
