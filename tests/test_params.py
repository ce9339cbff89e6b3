import copy

import pytest
import yaml

from stages import paths
from stages.params import ParamsError, load_params, parse_params

from .conftest import REPO


@pytest.fixture
def raw():
    return yaml.safe_load((REPO / "params.yaml").read_text())


def test_committed_params_are_the_notebooks(raw):
    params = parse_params(raw)
    assert params.prepare.n_classes == 3 and params.prepare.test_size == 0.2
    assert params.prepare.features == ("Longitude", "Latitude")
    assert params.models["mlp"].hidden == 100 and params.models["mlp"].epochs == 1000
    assert params.models["logreg_torch"].lr == 0.1
    assert set(params.models) == set(paths.MODEL_NAMES) == set(params.ci.accuracy_floors)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("prepare.n_classes", 1, "prepare.n_classes = 1: must be an integer >= 2"),
        ("prepare.test_size", 1.5, r"prepare.test_size = 1.5: must be a number in \(0, 1\)"),
        ("models.mlp.lr", -0.1, "models.mlp.lr = -0.1: must be a number > 0"),
        ("models.mlp.hidden", 0, "models.mlp.hidden = 0: must be an integer >= 1"),
        ("models.logreg_torch.epochs", "ten", "models.logreg_torch.epochs = 'ten'"),
        ("prepare.features", [], "prepare.features = \\[\\]: must be a non-empty list"),
        ("prepare.features", ["Elevation"], "must be a non-empty list of distinct names"),
        ("data.sha256", "abc", "data.sha256 = 'abc': must be 64 lowercase hex digits"),
        ("data.url", "ftp//x", "data.url = 'ftp//x': must be an http"),
        ("models.mlp.hiden", 5, "models.mlp.hiden: unknown key"),
    ],
)
def test_bad_values_name_the_key_and_the_range(raw, key, value, message):
    bad = copy.deepcopy(raw)
    *parents, leaf = key.split(".")
    node = bad
    for part in parents:
        node = node[part]
    node[leaf] = value
    with pytest.raises(ParamsError, match=message):
        parse_params(bad)


def test_missing_key_is_named(raw):
    del raw["models"]["mlp"]["epochs"]
    with pytest.raises(ParamsError, match="models.mlp.epochs: missing"):
        parse_params(raw)


def test_invalid_yaml_is_one_line(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("seed: [1, 2\n")
    with pytest.raises(ParamsError) as info:
        load_params(path)
    assert "not valid YAML" in str(info.value) and "\n" not in str(info.value)
