import copy

import pytest

from ames_tiers.core.errors import ParamsError
from ames_tiers.core.params import load_params, parse_params, read_yaml
from ames_tiers.models.registry import MODELS, model_params

from ..conftest import REPO


@pytest.fixture
def raw():
    return read_yaml(REPO / "params.yaml")


def test_committed_params_are_the_notebooks(raw):
    params = parse_params(raw)
    models = model_params(params)
    assert params.prepare.n_classes == 3 and params.prepare.test_size == 0.2
    assert params.prepare.features == ("Longitude", "Latitude")
    assert models.models["mlp"].hidden == 100 and models.models["mlp"].epochs == 1000
    assert models.models["logreg_torch"].lr == 0.1
    assert set(models.models) == set(MODELS) == set(models.accuracy_floors) == set(models.parity)


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("prepare.n_classes", 1, r"prepare.n_classes = 1: must be an integer in \[2, 10\]"),
        ("prepare.n_classes", 11, r"prepare.n_classes = 11: must be an integer in \[2, 10\]"),
        ("prepare.test_size", 1.5, r"prepare.test_size = 1.5: must be a number in \[0.05, 0.9\]"),
        ("models.mlp.lr", -0.1, r"models.mlp.lr = -0.1: must be a number in \[1e-06, 3\]"),
        ("models.mlp.lr", 1e6, r"models.mlp.lr = 1000000.0: must be a number in \[1e-06, 3\]"),
        ("models.mlp.lr", float("nan"), "models.mlp.lr = nan: must be a number"),
        ("models.mlp.lr", float("inf"), "models.mlp.lr = inf: must be a number"),
        ("models.mlp.hidden", 0, r"models.mlp.hidden = 0: must be an integer in \[1, 1000\]"),
        ("seed", -1, r"seed = -1: must be an integer in \[0, 4294967295\]"),
        ("seed", 2**32, r"seed = 4294967296: must be an integer in \[0, 4294967295\]"),
        ("prepare.split_seed", 2**32, "prepare.split_seed = 4294967296: must be an integer in"),
        ("models.logreg_numpy.init_seed", 2**40, "models.logreg_numpy.init_seed = 1099511627776: must be"),
        ("parity.mlp.parameters", 0, r"parity.mlp.parameters = 0: must be a number in \(0, 1\]"),
        ("ci.accuracy_floors.mlp", 1.2, r"ci.accuracy_floors.mlp = 1.2: must be a number in \[0, 1\]"),
        ("models.logreg_torch.epochs", "ten", "models.logreg_torch.epochs = 'ten'"),
        ("prepare.features", [], "prepare.features = \\[\\]: must be a non-empty list"),
        ("prepare.features", ["Elevation"], "must be a non-empty list of distinct names"),
        ("data.sha256", "abc", "data.sha256 = 'abc': must be 64 lowercase hex digits"),
        ("data.url", "ftp//x", "data.url = 'ftp//x': must be an http"),
        ("data.url", "https://exämple.com/a", "whose host is ASCII"),  # a non-ASCII path is encoded instead
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
        model_params(parse_params(bad))  # the pipeline's sections, then the models'


def test_a_bad_model_section_does_not_stop_download_or_prepare(raw):
    """They validate the pipeline's sections only, so that they need none of the models' code."""
    raw["models"]["mlp"]["lr"] = -1
    assert parse_params(raw).prepare.n_classes == 3


def test_missing_key_is_named(raw):
    del raw["models"]["mlp"]["epochs"]
    with pytest.raises(ParamsError, match=r"models\.mlp\.epochs: missing"):
        model_params(parse_params(raw))


def test_invalid_yaml_is_one_line(tmp_path):
    path = tmp_path / "params.yaml"
    path.write_text("seed: [1, 2\n")
    with pytest.raises(ParamsError) as info:
        load_params(path)
    assert "not valid YAML" in str(info.value) and "\n" not in str(info.value)


def test_params_are_read_as_dvc_reads_them(tmp_path):
    """YAML 1.2, as DVC's ruamel.yaml: `1e-1` is a number (PyYAML's YAML 1.1 reads a string)."""
    path = tmp_path / "params.yaml"
    path.write_text(
        (REPO / "params.yaml")
        .read_text()
        .replace("mlp: {hidden: 100, lr: 0.1,", "mlp: {hidden: 100, lr: 1e-1,")
    )
    assert model_params(load_params(path)).models["mlp"].lr == 0.1


@pytest.mark.parametrize("seed", [0, 2**32 - 1])
def test_seed_bounds_are_accepted_by_numpy_and_torch(raw, seed):
    import numpy as np
    import torch

    raw["seed"] = raw["prepare"]["split_seed"] = raw["models"]["linreg_numpy"]["init_seed"] = seed
    params = parse_params(raw)
    np.random.seed(model_params(params).models["linreg_numpy"].init_seed)
    np.random.RandomState(params.prepare.split_seed)
    torch.manual_seed(params.seed)
