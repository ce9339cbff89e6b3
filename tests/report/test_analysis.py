"""ames_tiers/report/analysis.py: the notebook's weight-matrix question, from the models' layers."""

import numpy as np
import pytest

from ames_tiers.report.analysis import best_by_valid_accuracy, twin_pair, twin_pairs


def layers(weights, bias):
    return [(np.asarray(weights, dtype=float), np.asarray(bias, dtype=float))]


def test_a_softmax_pair_differing_by_a_shared_shift_is_the_same_model():
    W = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 0.0]])
    b = np.array([0.1, 0.2, 0.3])
    models = {"logreg_numpy": layers(W, b), "logreg_torch": layers(W + 4.0, b + 4.0)}
    pair = twin_pair("logreg_numpy", "logreg_torch", models)
    assert pair.shape == (2, 3) and pair.torch_native_shape == (3, 2)
    assert pair.max_abs_weight_diff == 4.0 and pair.max_abs_bias_diff == 4.0
    assert pair.max_abs_centred_diff == pytest.approx(0.0, abs=1e-12)


def test_a_regression_pair_has_no_centred_difference_and_a_shape_mismatch_is_an_error():
    models = {
        "linreg_numpy": layers([[1.0], [2.0]], [0.5]),
        "linreg_torch": layers([[1.5], [2.0]], [0.5]),
        "logreg_numpy": layers(np.zeros((2, 3)), np.zeros(3)),
        "logreg_torch": layers(np.zeros((3, 2)), np.zeros(3)),
    }
    assert twin_pair("linreg_numpy", "linreg_torch", models).max_abs_centred_diff is None
    with pytest.raises(ValueError, match="differ in shape"):
        twin_pairs(models)


def test_best_by_valid_accuracy():
    metrics = {n: {"valid": {"accuracy": a}} for n, a in (("a", 0.3), ("b", 0.6), ("c", 0.5))}
    assert best_by_valid_accuracy(metrics, ["a", "c"]) == "c"
