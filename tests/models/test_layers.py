"""ames_tiers/models/layers.py: tiers that exist, model files read strictly, shapes checked."""

from __future__ import annotations

import numpy as np
import pytest

from ames_tiers.models.layers import fits, layers_from_json, layers_to_json, predict


def test_a_regressions_tier_is_the_notebooks_rounding_clipped_to_the_tiers():
    outputs = np.array([[-3.0], [-0.4], [0.5], [1.5], [2.49], [2.6], [1e30], [-1e30]])
    assert predict("regression", outputs, 3).tolist() == [0, 0, 0, 2, 2, 2, 2, 0]
    # where the notebook's rounding is a tier, it is unchanged (banker's rounding included)
    inside = np.linspace(-0.5, 2.5, 61).reshape(-1, 1)
    assert predict("regression", inside, 3).tolist() == inside[:, 0].round().astype(int).tolist()


def test_a_classifiers_tier_is_the_argmax_and_non_finite_outputs_are_refused():
    assert predict("classification", np.array([[0.1, 2.0, -1.0]]), 3).tolist() == [1]
    with pytest.raises(ValueError, match="not finite"):
        predict("classification", np.array([[np.nan, 0.0, 0.0]]), 3)


def model(*shapes):
    return [(np.ones((i, o)), np.zeros(o)) for i, o in shapes]


def test_a_model_file_reads_back_as_written():
    layers = model((2, 3), (3, 3))
    back = layers_from_json(layers_to_json("mlp", "classification", layers))
    assert all((W == W2).all() and (b == b2).all() for (W, b), (W2, b2) in zip(layers, back, strict=True))


@pytest.mark.parametrize(
    "document, message",
    [
        ([], "has no list of layers"),
        ({"layers": []}, "has no list of layers"),
        ({"layers": [{"weights": [[1.0]]}]}, "layer 0 needs 'weights' and 'bias'"),
        ({"layers": [{"weights": [["a"]], "bias": [0]}]}, "must be arrays of numbers"),
        ({"layers": [{"weights": [[1.0], [2.0, 3.0]], "bias": [0]}]}, "must be arrays of numbers"),
        ({"layers": [{"weights": [1.0, 2.0], "bias": [0]}]}, "are not a layer"),
        ({"layers": [{"weights": [[1.0, 2.0]], "bias": [0]}]}, "are not a layer"),
        ({"layers": [{"weights": [[float("nan")]], "bias": [0]}]}, "layer 0 has non-finite numbers"),
        (
            {"layers": [{"weights": [[1.0, 2.0]], "bias": [0, 0]}, {"weights": [[1.0]], "bias": [0]}]},
            "layer 1 takes 1 inputs, the layer before gives 2",
        ),
    ],
)
def test_a_file_that_is_not_a_model_says_what_is_wrong(document, message):
    with pytest.raises(ValueError, match=message):
        layers_from_json(document)


def test_a_model_that_does_not_fit_the_data_or_the_tiers_says_how():
    assert fits("classification", model((2, 3), (3, 3)), 2, 3) is None
    assert fits("classification", model((2, 3)), 1, 3) == "takes 2 features, the prepared data has 1"
    assert fits("classification", model((2, 3)), 2, 4) == "gives 3 outputs, params.yaml has 4 tiers"
    assert fits("regression", model((2, 2)), 2, 3) == "gives 2 outputs, a regression has one"
