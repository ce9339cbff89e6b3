import numpy as np
import pytest

from ames_tiers.models.layers import Diverged, FitContext, forward
from ames_tiers.models.schema import MLPParams, SGDParams
from ames_tiers.train import linreg_torch, logreg_torch, mlp


def accuracy(layers, X, y):
    return (forward(layers, X).argmax(axis=1) == y).mean()


def test_linear_regression_torch_fits_a_line():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = X @ np.array([0.7, -1.2]) + 0.5
    fit = linreg_torch.fit(X, y, SGDParams(lr=0.1, epochs=300), FitContext(1, seed=0))
    ((W, b),) = fit.layers
    assert W.shape == (2, 1) and b.shape == (1,)  # NumPy orientation: in x out
    np.testing.assert_allclose(W[:, 0], [0.7, -1.2], atol=1e-3)
    assert b[0] == pytest.approx(0.5, abs=1e-3)
    assert len(fit.loss_history) == 300 and fit.loss_history[-1] < fit.loss_history[0]
    assert fit.optimizer == {
        "initial_loss": fit.loss_history[0],
        "final_loss": fit.loss_history[-1],
        "iterations": 300,
    }


def test_softmax_regression_torch_separates_blobs(separable):
    X_train, y_train, X_valid, y_valid = separable
    fit = logreg_torch.fit(X_train, y_train, SGDParams(lr=0.5, epochs=200), FitContext(3, seed=0))
    assert [W.shape for W, _ in fit.layers] == [(2, 3)]
    assert accuracy(fit.layers, X_valid, y_valid) >= 0.95


def test_mlp_separates_xor():
    # XOR is not linearly separable: only the hidden layer makes it learnable
    rng = np.random.default_rng(6)
    X = rng.uniform(-1, 1, size=(400, 2))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    fit = mlp.fit(X[:300], y[:300], MLPParams(hidden=32, lr=0.5, epochs=1500), FitContext(2, seed=0))
    assert [W.shape for W, _ in fit.layers] == [(2, 32), (32, 2)]
    assert accuracy(fit.layers, X[300:], y[300:]) >= 0.9


def test_torch_training_is_deterministic(separable):
    X_train, y_train, _, _ = separable
    params, context = MLPParams(hidden=8, lr=0.1, epochs=20), FitContext(3, seed=3)
    a, b = mlp.fit(X_train, y_train, params, context), mlp.fit(X_train, y_train, params, context)
    assert a.loss_history == b.loss_history
    for (Wa, ba), (Wb, bb) in zip(a.layers, b.layers, strict=True):
        np.testing.assert_array_equal(Wa, Wb)
        np.testing.assert_array_equal(ba, bb)


def test_a_diverging_learning_rate_stops_training_naming_the_epoch(separable):
    X_train, y_train, _, _ = separable
    with pytest.raises(Diverged, match=r"diverged at epoch \d+ \(loss (inf|nan)\)") as caught:
        linreg_torch.fit(X_train, 100.0 * y_train, SGDParams(lr=50.0, epochs=1000), FitContext(1, seed=0))
    assert 0 < caught.value.epoch < 100  # the first epoch whose loss is not finite
