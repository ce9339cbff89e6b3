"""search.yaml, read and checked: the ranges, the metric, and the pipeline's own limits."""

from __future__ import annotations

import pytest

from ames_tiers.core.errors import ParamsError
from ames_tiers.core.params import read_yaml
from ames_tiers.search.space import Choice, FloatRange, IntRange, Metric, metric_value, parse_search

from ..conftest import REPO

PARAMS = read_yaml(REPO / "params.yaml")


def spec(**params):
    return {
        "study": "mlp",
        "metric": "metrics/mlp.json:valid.accuracy",
        "direction": "maximize",
        "trials": 4,
        "params": params or {"models.mlp.hidden": {"int": [10, 200], "log": True}},
    }


def test_the_committed_search_yaml_is_valid():
    search = parse_search(read_yaml(REPO / "search.yaml"), PARAMS)
    assert search.metric == Metric("metrics/mlp.json", "valid.accuracy")
    assert search.params == {
        "models.mlp.hidden": IntRange(10, 200, log=True),
        "models.mlp.lr": FloatRange(0.05, 0.3, log=True),
        "models.mlp.epochs": Choice((300, 1000)),
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"study": "two words"}, "study = 'two words'"),
        ({"metric": "valid.accuracy"}, "a metrics file and key"),
        ({"direction": "up"}, "maximize or minimize"),
        ({"trials": 0}, "trials = 0"),
        ({"trials": True}, "trials = True"),
        ({"params": {"models.mlp.width": {"int": [1, 2]}}}, "models.mlp.width: not a key of params.yaml"),
        ({"params": {"models.mlp.lr": {"float": [0.3, 0.05]}}}, "low < high"),
        ({"params": {"models.mlp.lr": {"float": [0, 1], "log": True}}}, "low > 0 on a log scale"),
        ({"params": {"models.mlp.lr": {"float": [0.1, 5.0]}}}, "models.mlp.lr: 5.0 is outside"),
        ({"params": {"models.mlp.hidden": {"int": [1.5, 10]}}}, "int must be [low, high]"),
        ({"params": {"models.mlp.hidden": {"int": [1, 10], "float": [1, 2]}}}, "exactly one of"),
        ({"params": {"models.mlp.epochs": {"choice": [300, 300]}}}, "different values"),
        ({"params": {"models.mlp.epochs": {"choice": [300, "many"]}}}, "'many' is outside"),
        ({"params": {"models.mlp.epochs": {"choice": [1, 2], "log": True}}}, "only for a float or int range"),
        ({"params": {}}, "at least one"),
    ],
)
def test_a_bad_search_is_one_message_naming_the_key(changes, message):
    with pytest.raises(ParamsError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_search({**spec(), **changes}, PARAMS)


def test_a_missing_or_extra_key_is_named():
    raw = spec()
    del raw["trials"]
    with pytest.raises(ParamsError, match="exactly the keys"):
        parse_search({**raw, "sampler": "tpe"}, PARAMS)


def test_the_metric_is_read_from_the_metrics_document():
    metric = Metric("metrics/mlp.json", "valid.accuracy")
    assert metric_value({"valid": {"accuracy": 0.61}}, metric) == 0.61
    with pytest.raises(ParamsError, match=r"has no valid\.accuracy"):
        metric_value({"valid": {}}, metric)
    with pytest.raises(ParamsError, match="not a finite number"):
        metric_value({"valid": {"accuracy": "high"}}, metric)
