"""The parity checks pass for the real implementations and catch deliberately wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from stages import models_numpy, models_torch
from stages.data import Split
from stages.params import ParityParams
from stages.references import (
    compare_linear_regression,
    compare_probabilities,
    max_abs_diff,
    outputs,
    parity_comparisons,
    sklearn_mlp_loss_curve,
    sklearn_softmax_regression_probabilities,
    softmax_probabilities,
)

TOL = ParityParams(
    lbfgs_max_iter=500, linear_regression=1e-5, probabilities=1e-4, prediction_mismatches=1,
    centred_weights=1e-3, mlp_loss=1e-10,
)


@pytest.fixture
def blobs() -> Split:
    """Overlapping 3-class blobs (separable data has no finite softmax optimum)."""
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(3), 80)
    X = np.array([[-1.0, -1.0], [0.0, 1.0], [1.0, -1.0]])[y] + rng.standard_normal((240, 2))
    order = rng.permutation(240)
    X, y = X[order], y[order]
    return Split(("a", "b"), X[:180], X[180:], y[:180], y[180:])


def linreg_layers(split: Split):
    fit = models_numpy.fit_linear_regression(split.X_train, split.y_train.astype(float), init_seed=0)
    return [(fit.weights.reshape(-1, 1), np.reshape(fit.bias, 1))]


def test_max_abs_diff_fails_shape_mismatch_and_nan():
    assert max_abs_diff(np.ones((2, 1)), np.ones((1, 2))) == float("inf")
    assert max_abs_diff(np.array([np.nan]), np.array([0.0])) == float("inf")
    assert max_abs_diff(np.array([1.0, 2.0]), np.array([1.5, 2.0])) == 0.5


def test_linear_regression_passes_against_lstsq_and_sklearn(blobs):
    comparisons = compare_linear_regression("linreg_numpy", linreg_layers(blobs), blobs, TOL)
    assert len(comparisons) == 6 and all(c.ok for c in comparisons), [c.describe() for c in comparisons]


def test_swapped_weights_are_caught(blobs):
    (W, b), = linreg_layers(blobs)
    failed = [c for c in compare_linear_regression("linreg_numpy", [(W[::-1], b)], blobs, TOL) if not c.ok]
    assert {c.quantity for c in failed} == {"weights", "valid_predictions"}


def test_torch_weights_exported_without_transposing_are_caught(blobs, monkeypatch):
    converged = models_torch.fit_lbfgs(blobs.X_train, blobs.y_train, 1, seed=0, max_iter=500)
    assert all(c.ok for c in compare_linear_regression("linreg_torch_lbfgs", converged.layers, blobs, TOL))
    # the bug: nn.Linear.weight is out x in; exporting it untransposed breaks X @ W + b
    monkeypatch.setattr(
        models_torch, "linear_layers",
        lambda model: [(m.weight.detach().numpy().astype(float), m.bias.detach().numpy().astype(float))
                       for m in model.modules() if isinstance(m, models_torch.nn.Linear)],
    )
    broken = models_torch.fit_lbfgs(blobs.X_train, blobs.y_train, 1, seed=0, max_iter=500)
    failed = [c for c in compare_linear_regression("linreg_torch_lbfgs", broken.layers, blobs, TOL) if not c.ok]
    assert {c.quantity for c in failed} == {"weights", "valid_predictions"}
    assert all(c.difference == float("inf") for c in failed)


def test_softmax_regression_passes_and_a_transposed_weight_matrix_is_caught(blobs):
    fit = models_numpy.fit_softmax_regression(blobs.X_train, blobs.y_train, 3, init_seed=0)
    reference = sklearn_softmax_regression_probabilities(blobs)

    def check(W, b):
        probs = softmax_probabilities(outputs([(W, b)], blobs.X_valid))
        return compare_probabilities("logreg_numpy", "sklearn_logistic_regression", probs, reference, TOL)

    assert all(c.ok for c in check(fit.weights, fit.bias))
    # a 2 x 3 matrix saved as 3 x 2 (torch's out x in orientation) no longer fits the data
    assert not any(c.ok for c in check(fit.weights.T, fit.bias))
    # a plausible-looking but wrong model: the classes' columns rotated
    assert not any(c.ok for c in check(np.roll(fit.weights, 1, axis=1), np.roll(fit.bias, 1)))


def test_mlp_matches_sklearn_and_a_wrong_learning_rate_is_caught(blobs):
    initial = models_torch.linear_layers(models_torch.build_mlp(2, 8, 3, seed=1))
    curve = sklearn_mlp_loss_curve(initial, blobs.X_train, blobs.y_train, lr=0.1, epochs=50)
    f64 = models_torch.torch.float64
    right = models_torch.train_mlp(blobs.X_train, blobs.y_train, 3, hidden=8, lr=0.1, epochs=50, seed=1, dtype=f64)
    wrong = models_torch.train_mlp(blobs.X_train, blobs.y_train, 3, hidden=8, lr=0.101, epochs=50, seed=1, dtype=f64)
    assert max_abs_diff(right.loss_history, curve) < TOL.mlp_loss
    assert max_abs_diff(wrong.loss_history, curve) > TOL.mlp_loss


def test_parity_of_a_whole_run_passes(blobs):
    from stages.params import MLPParams

    layers = {
        "linreg_numpy": linreg_layers(blobs),
        "linreg_torch": models_torch.train_linear_regression_torch(blobs.X_train, blobs.y_train, 0.1, 300, 0).layers,
    }
    fit = models_numpy.fit_softmax_regression(blobs.X_train, blobs.y_train, 3, init_seed=0)
    layers["logreg_numpy"] = [(fit.weights, fit.bias)]
    layers["logreg_torch"] = models_torch.train_softmax_regression_torch(blobs.X_train, blobs.y_train, 3, 0.1, 100, 0).layers
    mlp = MLPParams(hidden=8, lr=0.1, epochs=50)
    history = models_torch.train_mlp(blobs.X_train, blobs.y_train, 3, mlp.hidden, mlp.lr, mlp.epochs, seed=3).loss_history
    comparisons = parity_comparisons(layers, np.array(history), blobs, 3, 3, mlp, TOL)
    # 3 linear regressions x 2 references x 3 quantities; logreg_numpy: 2; two logreg_torch: 3
    # each; two mlp (float64 retrained, and as trained)
    assert len(comparisons) == 3 * 2 * 3 + 2 + 2 * 3 + 2
    assert all(c.ok for c in comparisons), [c.describe() for c in comparisons if not c.ok]
    checked = {c.model for c in comparisons if c.tolerance is not None}
    assert checked == {"linreg_numpy", "linreg_torch_lbfgs", "logreg_numpy", "logreg_torch_lbfgs", "mlp_float64"}


def test_an_unconverged_sgd_run_is_information_not_failure(blobs):
    # e.g. a sweep's small learning rate: 5 epochs stop far from the optimum
    fit = models_torch.train_linear_regression_torch(blobs.X_train, blobs.y_train, lr=0.01, epochs=5, seed=0)
    comparisons = compare_linear_regression("linreg_torch", fit.layers, blobs, TOL)
    assert all(c.tolerance is None and c.ok for c in comparisons)
    assert max(c.difference for c in comparisons) > 0.1
