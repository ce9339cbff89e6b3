"""The parity checks pass for the real implementations and catch deliberately wrong ones."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ames_tiers.core.dataset import Split
from ames_tiers.core.params import load_params
from ames_tiers.models.differences import relative_diff
from ames_tiers.models.layers import FitContext
from ames_tiers.models.registry import model_params
from ames_tiers.models.schema import BFGSParams, MLPParams, SGDParams
from ames_tiers.train import linreg_numpy, linreg_torch, logreg_numpy, logreg_torch, mlp, torch_shared
from ames_tiers.train.mlp import all_parameters, sklearn_mlp
from ames_tiers.train.parity import (
    linear_regression_parity,
    parity_record,
    probabilities_parity,
    sklearn_softmax_regression,
)

from ..conftest import REPO

PARITY = model_params(load_params(REPO / "params.yaml")).parity  # the committed tolerances
OPTIMUM = PARITY["linreg_numpy"].optimum


def blobs(n_classes: int = 3, seed: int = 0) -> Split:
    """Overlapping blobs (separable data has no finite softmax optimum)."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(n_classes), 80)
    centres = np.column_stack([np.cos(np.arange(n_classes)), np.sin(np.arange(n_classes))]) * 1.5
    X = centres[y] + rng.standard_normal((len(y), 2))
    order = rng.permutation(len(y))
    X, y = X[order], y[order]
    cut = len(y) * 3 // 4
    return Split(("a", "b"), X[:cut], X[cut:], y[:cut], y[cut:])


@pytest.fixture
def split() -> Split:
    return blobs()


def failed(checks) -> list[str]:
    return [c.describe() for c in checks if not c.ok]


def test_linear_regression_passes_against_lstsq_sklearn_and_scipy(split):
    fit = linreg_numpy.fit(split.X_train, split.y_train.astype(float), BFGSParams(0, False), FitContext(3, 0))
    checks = linreg_numpy.parity(fit, split, BFGSParams(0, False), PARITY["linreg_numpy"], FitContext(3, 0))
    assert len(checks) == 4 and failed(checks) == []


def test_swapped_weights_are_caught(split):
    fit = linreg_numpy.fit(split.X_train, split.y_train.astype(float), BFGSParams(0, False), FitContext(3, 0))
    ((W, b),) = fit.layers
    caught = [c for c in linear_regression_parity("linreg_numpy", [(W[::-1], b)], split, OPTIMUM) if not c.ok]
    assert {c.quantity for c in caught} == {"weights", "validation predictions"}


def test_torch_weights_exported_without_transposing_are_caught(split, monkeypatch):
    converged = torch_shared.fit_lbfgs(split.X_train, split.y_train, 1, seed=0, max_iter=500)
    assert failed(linear_regression_parity("linreg_torch", converged.layers, split, OPTIMUM)) == []
    # the bug: nn.Linear.weight is out x in; exporting it untransposed breaks X @ W + b
    monkeypatch.setattr(
        torch_shared,
        "linear_layers",
        lambda model: [
            (m.weight.detach().numpy().astype(float), m.bias.detach().numpy().astype(float))
            for m in model.modules()
            if isinstance(m, torch.nn.Linear)
        ],
    )
    broken = torch_shared.fit_lbfgs(split.X_train, split.y_train, 1, seed=0, max_iter=500)
    caught = [c for c in linear_regression_parity("linreg_torch", broken.layers, split, OPTIMUM) if not c.ok]
    assert {c.quantity for c in caught} == {"weights", "validation predictions"}
    assert all(c.difference == float("inf") for c in caught)


def test_softmax_regression_passes_and_a_transposed_or_rotated_matrix_is_caught(split):
    fit = logreg_numpy.fit(split.X_train, split.y_train, BFGSParams(0, False), FitContext(3, 0))
    assert (
        failed(
            logreg_numpy.parity(fit, split, BFGSParams(0, False), PARITY["logreg_numpy"], FitContext(3, 0))
        )
        == []
    )
    reference = sklearn_softmax_regression(split.X_train, split.y_train, 3)
    ((W, b),) = fit.layers

    def check(W, b):
        return probabilities_parity(
            "logreg_numpy", [(W, b)], reference, split.X_valid, PARITY["logreg_numpy"]
        )

    assert not any(c.ok for c in check(W.T, b))  # torch's out x in orientation no longer fits
    assert not any(c.ok for c in check(np.roll(W, 1, axis=1), np.roll(b, 1)))  # classes rotated


def test_mlp_matches_sklearn_and_a_1_percent_wrong_learning_rate_is_caught(split):
    initial = torch_shared.linear_layers(mlp.build_mlp(2, 8, 3, seed=1))
    reference, _ = sklearn_mlp(initial, split.X_train, split.y_train, 3, lr=0.1, epochs=50)

    def float64_difference(lr: float) -> float:
        params = MLPParams(hidden=8, lr=lr, epochs=50)
        fit = mlp.fit(split.X_train, split.y_train, params, FitContext(3, 1), dtype=torch.float64)
        return relative_diff(all_parameters(fit.layers), all_parameters(reference))

    tolerance = PARITY["mlp"].parameters
    assert float64_difference(0.1) < tolerance
    assert float64_difference(0.101) > 100 * tolerance


def test_an_unconverged_sgd_run_is_information_not_failure(split):
    # e.g. a sweep's small learning rate: 5 epochs stop far from the optimum
    params, context = SGDParams(lr=0.01, epochs=5), FitContext(1, seed=0)
    fit = linreg_torch.fit(split.X_train, split.y_train, params, context)
    checks = linreg_torch.parity(fit, split, params, PARITY["linreg_torch"], context)
    informational = [c for c in checks if c.tolerance is None]
    assert failed(checks) == [] and len(informational) == 3
    assert max(c.difference for c in informational) > 0.1


# 2 and 3 in the README's test command, the others with -m slow (CI)
@pytest.mark.parametrize("n_classes", [2, 3, *(pytest.param(n, marks=pytest.mark.slow) for n in range(4, 9))])
def test_every_check_passes_at_every_tier_count(n_classes):
    """Relative tolerances mean the same whatever the tier count (2 tiers included, where
    sklearn would otherwise fit one logistic output instead of two softmax outputs)."""
    split = blobs(n_classes, seed=n_classes)
    context = FitContext(n_classes, seed=0)
    runs = {
        linreg_numpy: BFGSParams(1, False),
        logreg_numpy: BFGSParams(1, False),
        linreg_torch: SGDParams(0.1, 20),
        logreg_torch: SGDParams(0.1, 20),
        mlp: MLPParams(16, 0.3, 120),
    }
    for model, params in runs.items():
        name = model.__name__.rsplit(".", 1)[1]
        fit = model.fit(split.X_train, split.y_train, params, context)
        checks = model.parity(fit, split, params, PARITY[name], context)
        assert failed(checks) == [], name
        assert parity_record(name, checks)["ok"]


@pytest.mark.parametrize("hidden", [10, 100, 200])
@pytest.mark.parametrize("lr", [0.05, 0.1, 0.3])
def test_the_mlp_check_passes_across_the_readme_grid(hidden, lr):
    """docs/experiments.md's MLP grid (its epochs only change how far past the checked ones training
    goes): the float64 loop matches sklearn at every hidden size and learning rate."""
    split, params, context = blobs(3, seed=5), MLPParams(hidden, lr, 100), FitContext(3, seed=0)
    fit = mlp.fit(split.X_train, split.y_train, params, context)
    assert failed(mlp.parity(fit, split, params, PARITY["mlp"], context)) == []
