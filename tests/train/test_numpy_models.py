import numpy as np
import pytest
import scipy.optimize
import torch
import torch.nn.functional as F

from ames_tiers.models.layers import FitContext, forward
from ames_tiers.models.schema import BFGSParams
from ames_tiers.portable import bfgs as portable_bfgs
from ames_tiers.train import linreg_numpy, logreg_numpy
from ames_tiers.train.linreg_numpy import compute_mse_loss
from ames_tiers.train.logreg_numpy import cross_entropy_loss, softmax
from ames_tiers.train.numpy_shared import flatten

THREE = FitContext(n_classes=3, seed=0)


def bfgs(init_seed: int, analytic_gradient: bool = False) -> BFGSParams:
    return BFGSParams(init_seed=init_seed, analytic_gradient=analytic_gradient)


def test_softmax_rows_are_probabilities():
    logits = np.random.default_rng(1).normal(size=(7, 4)) * 5
    probs = softmax(logits)
    assert probs.shape == (7, 4)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert (probs >= 0).all()
    np.testing.assert_allclose(probs, torch.softmax(torch.tensor(logits), dim=1).numpy(), atol=1e-12)


def test_softmax_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        probs = softmax(logits)
    assert np.isfinite(probs).all()
    np.testing.assert_allclose(probs, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0]], atol=1e-12)


def test_cross_entropy_matches_torch_up_to_the_epsilon():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(50, 3))
    y = rng.integers(0, 3, size=50)
    ours = cross_entropy_loss(np.eye(3)[y], softmax(logits))
    theirs = F.cross_entropy(torch.tensor(logits), torch.tensor(y)).item()
    # log(p + 1e-6) differs from log(p) by at most 1e-6 / p; these p are far from 0
    assert ours == pytest.approx(theirs, abs=1e-4)
    assert ours <= theirs  # adding epsilon can only lower the loss


def test_mse_matches_numpy():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=20), rng.normal(size=20)
    assert compute_mse_loss(a, b) == pytest.approx(np.mean(np.square(a - b)), rel=1e-15)


def test_flatten_unflatten_round_trip():
    arrs = [np.arange(6.0).reshape(2, 3), np.array([7.0, 8.0, 9.0]), np.float64(10.0)]
    flat, unflatten = flatten(arrs)
    assert flat.shape == (10,)
    back = unflatten(flat)
    for original, restored in zip(arrs, back, strict=True):
        assert restored.shape == np.shape(original)
        np.testing.assert_array_equal(restored, original)


def test_linear_regression_recovers_a_line():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = X @ np.array([0.7, -1.2]) + 0.5
    fit = linreg_numpy.fit(X, y, bfgs(0), THREE)
    ((W, b),) = fit.layers
    assert W.shape == (2, 1) and b.shape == (1,)  # X @ W + b, one output column
    np.testing.assert_allclose(W[:, 0], [0.7, -1.2], atol=1e-4)
    assert b[0] == pytest.approx(0.5, abs=1e-4)
    assert fit.optimizer["final_loss"] < 1e-8 < fit.optimizer["initial_loss"]
    assert (
        fit.loss_history[0] == fit.optimizer["initial_loss"]
        and fit.loss_history[-1] == fit.optimizer["final_loss"]
    )
    assert len(fit.loss_history) == fit.optimizer["iterations"] + 1


def test_softmax_regression_separates_blobs(separable):
    X_train, y_train, X_valid, y_valid = separable
    fit = logreg_numpy.fit(X_train, y_train, bfgs(0), THREE)
    ((W, b),) = fit.layers
    assert W.shape == (2, 3) and b.shape == (3,)
    assert (forward(fit.layers, X_valid).argmax(axis=1) == y_valid).mean() >= 0.95
    assert fit.optimizer["final_loss"] < fit.optimizer["initial_loss"]


def test_same_seed_same_fit(separable):
    X_train, y_train, _, _ = separable
    a = logreg_numpy.fit(X_train, y_train, bfgs(5), THREE)
    b = logreg_numpy.fit(X_train, y_train, bfgs(5), THREE)
    np.testing.assert_array_equal(a.layers[0][0], b.layers[0][0])


@pytest.mark.parametrize("model", [linreg_numpy, logreg_numpy])
def test_analytic_gradients_match_finite_differences(model):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(40, 2))
    if model is linreg_numpy:
        target, n_params = rng.normal(size=40), 3
    else:
        target, n_params = np.eye(3)[rng.integers(0, 3, 40)], 9
    for _ in range(5):
        point = rng.normal(size=n_params)
        error = scipy.optimize.check_grad(
            lambda p: model.loss_and_gradient(p, X, target)[0],
            lambda p: model.loss_and_gradient(p, X, target)[1],
            point,
        )
        assert error < 1e-6
        assert model.loss_and_gradient(point, X, target)[0] == model.loss_given_params(point, X, target)


@pytest.mark.parametrize("minimize", [scipy.optimize.minimize, portable_bfgs.minimize])
def test_the_notebooks_call_works_with_either_minimizer(minimize):
    """`minimize(loss_given_params, initial_params, args=(X_train, y_train))`, as the notebook
    writes it, with scipy's minimizer or the portable one: the same result fields and optimum."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = X @ np.array([0.7, -1.2]) + 0.5
    x0 = linreg_numpy.initial_params(2, init_seed=42)
    result = minimize(linreg_numpy.loss_given_params, x0, args=(X, y))
    weights, bias = linreg_numpy.unpack_params(result.x, 2)
    np.testing.assert_allclose(weights, [0.7, -1.2], atol=1e-4)
    assert float(bias) == pytest.approx(0.5, abs=1e-4)
    assert result.fun < 1e-8 and result.nit > 0


def test_analytic_gradient_reaches_the_same_optimum(separable):
    X_train, y_train, _, _ = separable
    # overlapping classes so the optimum is finite: flip a fifth of the labels
    y_noisy = np.where(np.arange(len(y_train)) % 5 == 0, (y_train + 1) % 3, y_train)
    numeric = logreg_numpy.fit(X_train, y_noisy, bfgs(0), THREE)
    analytic = logreg_numpy.fit(X_train, y_noisy, bfgs(0, analytic_gradient=True), THREE)
    assert analytic.optimizer["final_loss"] == pytest.approx(numeric.optimizer["final_loss"], abs=1e-7)
    np.testing.assert_allclose(
        softmax(forward(analytic.layers, X_train)), softmax(forward(numeric.layers, X_train)), atol=1e-4
    )
    line = linreg_numpy.fit(X_train, X_train @ [0.3, -0.2] + 1.0, bfgs(0, analytic_gradient=True), THREE)
    np.testing.assert_allclose(line.layers[0][0][:, 0], [0.3, -0.2], atol=1e-6)
